//! Delete rules: deleting a library deletes its shelves (`cascade`, releasing their unique
//! codes), removes `libraryId` from its members (`setNull`) and is refused while loans name it
//! (`restrict`), all in one transaction with the library's delete; a shelf added while the
//! delete runs is swept after the commit.

use bao_runtime::testing::faults::Injected;
use bao_runtime::{Db, Error, Model};

use crate::delete_rules::schema::{
    Library, LibraryId, Loan, Member, NewLibrary, NewLoan, NewMember, NewShelf, Shelf,
};

mod schema {
    fixture!(delete_rules);
    pub use delete_rules::*;
}

async fn library(db: &Db) -> Library {
    Library::create(db, NewLibrary::new("Main")).await.unwrap()
}

async fn shelves_of(db: &Db, library: &Library) -> usize {
    library.query_shelves(db).all().await.unwrap().len()
}

/// Cascade and setNull run in the library's delete transaction: one TransactWriteItems after
/// the reads (the library, and one query per rule).
#[tokio::test(flavor = "current_thread")]
async fn cascade_and_set_null_run_in_one_transaction() {
    let (test, requests) = tests::start_logged().await;
    let db = test.db();
    let main = library(db).await;
    for code in ["A1", "A2"] {
        Shelf::create(db, NewShelf::new(main.library_id).with_code(code))
            .await
            .unwrap();
    }
    let ada = Member::create(db, NewMember::new("Ada").with_library_id(main.library_id))
        .await
        .unwrap();
    requests.reset();
    let deleted = Library::delete(db, &main.library_id).await.unwrap();
    assert_eq!(deleted, main);
    assert_eq!(
        requests.count("TransactWriteItems"),
        1,
        "{:?}",
        requests.operations()
    );

    assert_eq!(shelves_of(db, &main).await, 0);
    let ada = Member::find(db, &ada.member_id).await.unwrap().unwrap();
    assert_eq!(ada.library_id, None);
    assert!(main.query_members(db).all().await.unwrap().is_empty());
    // The shelves' codes were released: a new library may use them.
    let other = library(db).await;
    Shelf::create(db, NewShelf::new(other.library_id).with_code("A1"))
        .await
        .unwrap();
}

/// `restrict` refuses the delete before anything is written.
#[tokio::test(flavor = "current_thread")]
async fn restrict_refuses_and_writes_nothing() {
    let (test, requests) = tests::start_logged().await;
    let db = test.db();
    let main = library(db).await;
    Shelf::create(db, NewShelf::new(main.library_id))
        .await
        .unwrap();
    Loan::create(db, NewLoan::new(main.library_id))
        .await
        .unwrap();
    requests.reset();
    let error = Library::delete(db, &main.library_id).await.unwrap_err();
    assert!(error.is_restricted(), "{error:?}");
    assert!(
        matches!(
            &error,
            Error::Restricted {
                child: "Loan",
                field: "libraryId",
                count: 1,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(requests.count("TransactWriteItems"), 0);
    assert!(Library::find(db, &main.library_id).await.unwrap().is_some());
    assert_eq!(shelves_of(db, &main).await, 1);
    let error = Library::delete_cascading(db, &main.library_id)
        .await
        .unwrap_err();
    assert!(error.is_restricted(), "{error:?}");
}

/// Over one transaction's 100 items the delete is refused before sending;
/// `delete_cascading` applies the rules one write at a time, then deletes.
#[tokio::test(flavor = "current_thread")]
async fn a_large_cascade_is_refused_and_delete_cascading_does_it() {
    let (test, requests) = tests::start_logged().await;
    let db = test.db();
    let main = library(db).await;
    for i in 0..60 {
        let new = NewShelf::new(main.library_id).with_code(format!("S{i}"));
        Shelf::create(db, new).await.unwrap();
    }
    requests.reset();
    let error = Library::delete(db, &main.library_id).await.unwrap_err();
    assert!(
        error.to_string().contains("use `delete_cascading`"),
        "{error}"
    );
    assert_eq!(requests.count("TransactWriteItems"), 0);
    assert_eq!(shelves_of(db, &main).await, 60);

    Library::delete_cascading(db, &main.library_id)
        .await
        .unwrap();
    assert_eq!(shelves_of(db, &main).await, 0);
    assert_eq!(Library::find(db, &main.library_id).await.unwrap(), None);
}

/// A user transaction refuses to delete an item whose model has delete rules.
#[tokio::test(flavor = "current_thread")]
async fn a_transaction_refuses_a_delete_with_rules() {
    let test = tests::start().await;
    let db = test.db();
    let main = library(db).await;
    let mut tx = db.transaction();
    let error = tx.delete(&main.library_id).unwrap_err();
    assert!(error.to_string().contains("delete rule"), "{error}");
}

/// Under a tenant, the rules reach the tenant's items only.
#[tokio::test(flavor = "current_thread")]
async fn rules_stay_in_the_tenant() {
    let test = tests::start().await;
    let a = test.db().with_tenant("tenant-a").unwrap();
    let b = test.db().with_tenant("tenant-b").unwrap();
    let main = library(&a).await;
    Shelf::create(&a, NewShelf::new(main.library_id))
        .await
        .unwrap();
    // Tenant b has a shelf naming the same id (its own library of that id).
    let mirror = Library::create(
        &b,
        NewLibrary::new("Mirror").with_library_id(main.library_id),
    )
    .await
    .unwrap();
    Shelf::create(&b, NewShelf::new(mirror.library_id))
        .await
        .unwrap();
    Library::delete(&a, &main.library_id).await.unwrap();
    assert_eq!(shelves_of(&a, &main).await, 0);
    assert_eq!(shelves_of(&b, &mirror).await, 1);
}

/// A shelf created between the delete's query and its commit (its reference check passes: the
/// library still exists) is swept after the commit; with `referentialIntegrity`, none can be
/// created after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shelf_added_while_the_delete_runs_is_swept() {
    let (test, db, faults) = tests::start_faulty().await;
    let main = library(&db).await;
    Shelf::create(&db, NewShelf::new(main.library_id))
        .await
        .unwrap();
    let endpoint = test.endpoint().to_owned();
    let table = db.table().to_owned();
    let library_id: LibraryId = main.library_id;
    faults.before_transmit("TransactWriteItems", 1, move || {
        let (endpoint, table) = (endpoint.clone(), table.clone());
        // Another writer, on a thread and client of its own.
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let config = bao_runtime::local::client_config(&endpoint).build();
                let other = Db::new(
                    bao_runtime::aws_sdk_dynamodb::Client::from_conf(config),
                    table,
                );
                Shelf::create(&other, NewShelf::new(library_id))
                    .await
                    .unwrap();
            });
        })
        .join()
        .unwrap();
    });
    Library::delete(&db, &main.library_id).await.unwrap();
    let hooked = faults
        .records()
        .into_iter()
        .filter(|record| record.injected == Some(Injected::Hook))
        .count();
    assert_eq!(
        hooked, 1,
        "the other writer ran between the query and the commit"
    );
    assert_eq!(
        shelves_of(test.db(), &main).await,
        0,
        "the late shelf was swept"
    );
    let late = Shelf::create(test.db(), NewShelf::new(main.library_id))
        .await
        .unwrap_err();
    assert!(late.is_missing_reference(), "{late:?}");
}
