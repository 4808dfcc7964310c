//! Soft delete: `softDelete: deletedAt` makes `Account::soft_delete` set the time instead of
//! removing the item. Finds, unique finds, queries (and their counts), iterations and search
//! then skip it unless asked (`with_deleted`, `only_deleted`); `restore` brings it back; its unique value
//! stays claimed; `delete` still removes it.

use bao_runtime::{Error, Model, ReadOptions, Transaction};

use crate::soft_delete::schema::{Account, NewAccount};

mod schema {
    fixture!(soft_delete);
    pub use soft_delete::*;
}

async fn accounts(db: &bao_runtime::Db) -> (Account, Account) {
    let ada = Account::create(db, NewAccount::new("pro", "ada@example.com"))
        .await
        .unwrap();
    let bob = Account::create(db, NewAccount::new("pro", "bob@example.com"))
        .await
        .unwrap();
    (ada, bob)
}

/// Every read skips a soft-deleted item unless asked for it.
#[tokio::test(flavor = "current_thread")]
async fn reads_skip_a_soft_deleted_item_unless_asked() {
    let (test, requests) = tests::start_logged().await;
    let db = test.db();
    let (ada, bob) = accounts(db).await;
    requests.reset();
    let gone = Account::soft_delete(db, &ada.account_id).await.unwrap();
    assert_eq!(requests.operations(), ["UpdateItem"]);
    assert!(gone.is_deleted() && !bob.is_deleted());

    assert_eq!(Account::find(db, &ada.account_id).await.unwrap(), None);
    let with_deleted = ReadOptions {
        with_deleted: true,
        ..ReadOptions::default()
    };
    let found = Account::find_with(db, &ada.account_id, with_deleted).await;
    assert!(found.unwrap().unwrap().is_deleted());
    let many = Account::find_many(db, &[ada.account_id, bob.account_id]).await;
    assert_eq!(many.unwrap(), [None, Some(bob.clone())]);
    assert_eq!(
        Account::find_by_email(db, "ada@example.com").await.unwrap(),
        None
    );

    let partial = Account::find_partial(db, &ada.account_id, &[Account::PLAN.path()]).await;
    assert!(partial.unwrap().is_none(), "a partial read skips it too");

    let pro = || Account::query_by_plan(db, "pro");
    assert_eq!(pro().all().await.unwrap(), std::slice::from_ref(&bob));
    let selected = pro().select(&[Account::EMAIL.path()]).all().await.unwrap();
    assert_eq!(selected.len(), 1);
    assert_eq!(selected[0].key(), &bob.account_id);
    assert_eq!(pro().count().await.unwrap(), 1);
    assert_eq!(pro().with_deleted().count().await.unwrap(), 2);
    let deleted = pro().only_deleted().all().await.unwrap();
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].account_id, ada.account_id);

    let found = Account::search(db, "example").all().await.unwrap();
    assert_eq!(found, std::slice::from_ref(&bob), "search skips it too");

    let all = Account::iterate_all(db).collect().await.unwrap();
    assert_eq!(all, [bob]);
    let all = Account::iterate_all(db)
        .with_deleted()
        .collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
}

/// `restore` clears the mark; soft-deleting twice, or restoring what is not deleted, fails;
/// the unique value stays claimed meanwhile; `delete` removes the item.
#[tokio::test(flavor = "current_thread")]
async fn restore_unique_values_and_hard_delete() {
    let test = tests::start().await;
    let db = test.db();
    let (ada, _) = accounts(db).await;
    Account::soft_delete(db, &ada.account_id).await.unwrap();
    let twice = Account::soft_delete(db, &ada.account_id).await.unwrap_err();
    assert!(matches!(twice, Error::ConditionFailed { .. }), "{twice:?}");
    let taken = Account::create(db, NewAccount::new("free", "ada@example.com"))
        .await
        .unwrap_err();
    assert!(taken.is_unique_violation(), "{taken:?}");

    let back = Account::restore(db, &ada.account_id).await.unwrap();
    assert!(!back.is_deleted());
    assert_eq!(
        Account::find(db, &ada.account_id).await.unwrap(),
        Some(back)
    );
    let again = Account::restore(db, &ada.account_id).await.unwrap_err();
    assert!(matches!(again, Error::ConditionFailed { .. }), "{again:?}");

    Account::delete(db, &ada.account_id).await.unwrap();
    let with_deleted = ReadOptions {
        with_deleted: true,
        ..ReadOptions::default()
    };
    let found = Account::find_with(db, &ada.account_id, with_deleted).await;
    assert_eq!(found.unwrap(), None, "delete stays a hard delete");
}

/// A transaction soft-deletes too; bulk writes by query leave soft-deleted items alone.
#[tokio::test(flavor = "current_thread")]
async fn transactions_and_bulk_writes() {
    use crate::soft_delete::schema::AccountUpdate;
    let test = tests::start().await;
    let db = test.db();
    let (ada, bob) = accounts(db).await;
    let mut tx = Transaction::new(db);
    tx.soft_delete(&ada.account_id).unwrap();
    tx.commit().await.unwrap();
    assert_eq!(Account::find(db, &ada.account_id).await.unwrap(), None);

    let bulk = Account::query_by_plan(db, "pro")
        .update_each(AccountUpdate::new().plan("team"))
        .await
        .unwrap();
    assert_eq!((bulk.matched, bulk.changed), (1, 1));
    let bob = Account::find(db, &bob.account_id).await.unwrap().unwrap();
    assert_eq!(bob.plan, "team");
}
