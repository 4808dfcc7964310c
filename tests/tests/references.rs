//! Referential integrity: a RelatedField with `referentialIntegrity: true` is checked on every
//! write that sets it, by a ConditionCheck on the named item in the same TransactWriteItems. A
//! missing item is `Error::MissingReference` and nothing is written; each write can skip the
//! check explicitly.

use bao_runtime::{CreateOptions, Error, Model, SaveOptions, Transaction};

use crate::references::schema::{Author, AuthorId, Book, BookUpdate, NewAuthor, NewBook, Shelf};

pub(crate) mod schema {
    fixture!(references);
    pub use references::*;
}

async fn author(db: &bao_runtime::Db, name: &str) -> Author {
    Author::create(db, NewAuthor::new(name)).await.unwrap()
}

fn missing(error: &Error, field: &str, id: &AuthorId) {
    match error {
        Error::MissingReference {
            model: "Book",
            field: found,
            target: "Author",
            id: named,
        } => {
            assert_eq!((*found, named.as_str()), (field, id.to_string().as_str()));
        }
        other => panic!("not a missing reference of `{field}`: {other:?}"),
    }
    assert!(error.is_missing_reference());
    assert_eq!(
        error.to_string(),
        format!("Book.{field} names Author `{id}`, which does not exist")
    );
}

/// A create that names an existing author is one transaction of the Put and the check; one
/// that names a missing author writes nothing, not even its unique value.
#[tokio::test(flavor = "current_thread")]
async fn create_checks_the_named_item_in_the_same_transaction() {
    let (test, requests) = tests::start_logged().await;
    let db = test.db();
    let ada = author(db, "Ada").await;
    requests.reset();
    let book = Book::create(db, NewBook::new(ada.author_id, "Notes"))
        .await
        .unwrap();
    assert_eq!(requests.operations(), ["TransactWriteItems"]);

    let ghost = AuthorId::generate(db);
    let new = NewBook::new(ghost, "Ghost").with_isbn("978-0");
    let error = Book::create(db, new).await.unwrap_err();
    missing(&error, "authorId", &ghost);
    let new = NewBook::new(ada.author_id, "Edited").with_editor_id(ghost);
    missing(
        &Book::create(db, new).await.unwrap_err(),
        "editorId",
        &ghost,
    );
    // Nothing of the refused books is stored: the ISBN is still free.
    let claimed = NewBook::new(ada.author_id, "Claims it").with_isbn("978-0");
    Book::create(db, claimed).await.unwrap();
    assert_eq!(Book::find(db, &book.book_id).await.unwrap(), Some(book));
}

/// `skip_reference_checks` writes without the check: one PutItem, one UpdateItem.
#[tokio::test(flavor = "current_thread")]
async fn each_write_can_skip_the_check() {
    let (test, requests) = tests::start_logged().await;
    let db = test.db();
    let ghost = AuthorId::generate(db);
    let skip = CreateOptions {
        skip_reference_checks: true,
    };
    requests.reset();
    let mut book = Book::create_with(db, NewBook::new(ghost, "Unchecked"), skip)
        .await
        .unwrap();
    let update = BookUpdate::new()
        .editor_id(AuthorId::generate(db))
        .skip_reference_checks();
    Book::update(db, &book.book_id, update).await.unwrap();
    assert_eq!(requests.operations(), ["PutItem", "UpdateItem"]);

    book = Book::find(db, &book.book_id).await.unwrap().unwrap();
    book.author_id = AuthorId::generate(db);
    let options = SaveOptions {
        skip_reference_checks: true,
        ..SaveOptions::default()
    };
    book.save_with(db, options).await.unwrap();
}

/// An update or a save that sets a checked field checks it (an update then reads the item
/// back: a transaction returns none); one that leaves it alone is one UpdateItem, and clearing
/// an optional one needs no check.
#[tokio::test(flavor = "current_thread")]
async fn updates_check_only_the_fields_they_set() {
    let (test, requests) = tests::start_logged().await;
    let db = test.db();
    let ada = author(db, "Ada").await;
    let grace = author(db, "Grace").await;
    let mut book = Book::create(db, NewBook::new(ada.author_id, "Notes"))
        .await
        .unwrap();
    requests.reset();

    Book::update(db, &book.book_id, BookUpdate::new().title("Notes, 2nd ed."))
        .await
        .unwrap();
    Book::update(
        db,
        &book.book_id,
        BookUpdate::new().editor_id(grace.author_id),
    )
    .await
    .unwrap();
    Book::update(db, &book.book_id, BookUpdate::new().clear_editor_id())
        .await
        .unwrap();
    assert_eq!(
        requests.operations(),
        ["UpdateItem", "TransactWriteItems", "GetItem", "UpdateItem"]
    );

    let ghost = AuthorId::generate(db);
    let error = Book::update(db, &book.book_id, BookUpdate::new().author_id(ghost))
        .await
        .unwrap_err();
    missing(&error, "authorId", &ghost);
    book = Book::find(db, &book.book_id).await.unwrap().unwrap();
    assert_eq!(
        book.author_id, ada.author_id,
        "the refused update wrote nothing"
    );

    book.author_id = ghost;
    missing(&book.save(db).await.unwrap_err(), "authorId", &ghost);
    book.author_id = grace.author_id;
    requests.reset();
    book.save(db).await.unwrap();
    assert_eq!(book.author_id, grace.author_id);
    assert_eq!(
        requests.operations(),
        ["TransactWriteItems"],
        "a loaded item needs no read"
    );
}

/// In a user transaction each check is a part: it counts toward DynamoDB's 100, and a missing
/// item cancels the whole transaction.
#[tokio::test(flavor = "current_thread")]
async fn transactions_hold_the_checks() {
    let test = tests::start().await;
    let db = test.db();
    let ada = author(db, "Ada").await;
    let ghost = AuthorId::generate(db);
    let mut tx = Transaction::new(db);
    let kept = tx.create(NewBook::new(ada.author_id, "Kept")).unwrap();
    tx.create(NewBook::new(ghost, "Ghost")).unwrap();
    assert_eq!(tx.len(), 4, "two Puts, two checks");
    missing(&tx.commit().await.unwrap_err(), "authorId", &ghost);
    assert_eq!(Book::find(db, &kept).await.unwrap(), None);

    let mut tx = Transaction::new(db);
    let skip = CreateOptions {
        skip_reference_checks: true,
    };
    tx.create_with(NewBook::new(ghost, "Unchecked"), skip)
        .unwrap();
    tx.update(&kept, BookUpdate::new().title("x")).unwrap();
    assert_eq!(tx.len(), 2);
}

/// A mapping table's `link` checks both sides.
#[tokio::test(flavor = "current_thread")]
async fn link_checks_both_sides() {
    let test = tests::start().await;
    let db = test.db();
    let ada = author(db, "Ada").await;
    let book = Book::create(db, NewBook::new(ada.author_id, "Notes"))
        .await
        .unwrap();
    Shelf::link(db, ada.author_id, book.book_id).await.unwrap();
    let ghost = AuthorId::generate(db);
    let error = Shelf::link(db, ghost, book.book_id).await.unwrap_err();
    assert!(
        matches!(
            &error,
            Error::MissingReference {
                model: "Shelf",
                field: "authorId",
                ..
            }
        ),
        "{error:?}"
    );
    let gone = crate::references::schema::BookId::generate(db);
    let error = Shelf::link(db, ada.author_id, gone).await.unwrap_err();
    assert!(
        matches!(
            &error,
            Error::MissingReference {
                model: "Shelf",
                field: "bookId",
                target: "Book",
                ..
            }
        ),
        "{error:?}"
    );
}

/// The check reads the item under the writer's tenant: an author of another tenant does not
/// exist for it.
#[tokio::test(flavor = "current_thread")]
async fn the_check_stays_inside_the_tenant() {
    let test = tests::start().await;
    let db = test.db();
    let a = db.with_tenant("tenant-a").unwrap();
    let b = db.with_tenant("tenant-b").unwrap();
    let ada = author(&a, "Ada").await;
    Book::create(&a, NewBook::new(ada.author_id, "Notes"))
        .await
        .unwrap();
    let error = Book::create(&b, NewBook::new(ada.author_id, "Elsewhere"))
        .await
        .unwrap_err();
    missing(&error, "authorId", &ada.author_id);
}
