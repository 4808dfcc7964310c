//! A model with two unique constraints (the blog fixture's User: email and an optional
//! handle): every write that claims, moves or releases values is one transaction.

pub mod blog {
    include!(concat!(env!("OUT_DIR"), "/blog/bao_models.rs"));
}

use bao_runtime::Model;
use blog::{NewUser, User};
use tests::{start_logged, text_of, unique_items};

#[tokio::test(flavor = "current_thread")]
async fn create_with_two_unique_values_is_one_call() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let ada = User::create(
        db,
        NewUser::new("Ada", "ada@example.com").with_handle("ada"),
    )
    .await
    .unwrap();
    assert_eq!(requests.operations(), ["TransactWriteItems"]);
    let mut keys: Vec<String> = unique_items(db)
        .await
        .iter()
        .map(|item| text_of(item, "_pk").to_owned())
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "_raft_uc#_uc1#u#email:ada@example.com",
            "_raft_uc#_uc2#u#handle:ada"
        ]
    );
    let by_handle = User::find_by_handle(db, "ada").await.unwrap();
    assert_eq!(by_handle.map(|user| user.user_id), Some(ada.user_id));
}

#[tokio::test(flavor = "current_thread")]
async fn moving_one_value_and_nulling_the_other_is_one_transaction() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let mut ada = User::create(
        db,
        NewUser::new("Ada", "ada@example.com").with_handle("ada"),
    )
    .await
    .unwrap();
    requests.reset();
    ada.email = "lovelace@example.com".into();
    ada.handle = None;
    ada.save(db).await.unwrap();
    assert_eq!(
        requests.operations(),
        ["TransactWriteItems"],
        "no read before or after"
    );

    let keys: Vec<String> = unique_items(db)
        .await
        .iter()
        .map(|item| text_of(item, "_pk").to_owned())
        .collect();
    assert_eq!(keys, ["_raft_uc#_uc1#u#email:lovelace@example.com"]);
    User::create(
        db,
        NewUser::new("Other", "ada@example.com").with_handle("ada"),
    )
    .await
    .expect("both old values are free again");
}

#[tokio::test(flavor = "current_thread")]
async fn a_taken_second_value_fails_the_create_and_claims_nothing() {
    let (test, _) = start_logged().await;
    let db = test.db();
    User::create(
        db,
        NewUser::new("Ada", "ada@example.com").with_handle("ada"),
    )
    .await
    .unwrap();
    let error = User::create(
        db,
        NewUser::new("Bob", "bob@example.com").with_handle("ada"),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&error, bao_runtime::Error::UniqueViolation { constraint: "uniqueHandle", value, .. } if value == "ada"),
        "{error:?}"
    );
    assert_eq!(
        unique_items(db).await.len(),
        2,
        "bob's email was not claimed"
    );
    assert!(
        User::find_by_email(db, "bob@example.com")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test(flavor = "current_thread")]
async fn deleting_releases_both_values() {
    let (test, _) = start_logged().await;
    let db = test.db();
    let ada = User::create(
        db,
        NewUser::new("Ada", "ada@example.com").with_handle("ada"),
    )
    .await
    .unwrap();
    User::delete(db, &ada.user_id).await.unwrap();
    assert!(unique_items(db).await.is_empty());
}
