//! Unique constraints: `find_by_email`, moving a value by save or update (the old value is
//! released, the new one is claimed), refusing a taken value without changing anything, and
//! releasing the value on delete. Constraint items are checked with a plain Scan.

use bao_runtime::{Error, Model};
use examples::models::{NewUser, User, UserUpdate};
use tests::{RawItem, s, start, stored, text_of, unique_items};

fn owners(constraints: &[RawItem]) -> Vec<(String, String)> {
    let mut owners: Vec<(String, String)> = constraints
        .iter()
        .map(|item| {
            (
                text_of(item, "_pk").to_owned(),
                text_of(item, "relatedId").to_owned(),
            )
        })
        .collect();
    owners.sort();
    owners
}

fn key(email: &str) -> String {
    format!("_raft_uc#_uc1#u#email:{email}")
}

#[tokio::test(flavor = "current_thread")]
async fn find_by_email_returns_the_owner() {
    let test = start().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    User::create(db, NewUser::new("Bob", "bob@example.com"))
        .await
        .unwrap();
    assert_eq!(
        User::find_by_email(db, "ada@example.com").await.unwrap(),
        Some(ada)
    );
    assert!(
        User::find_by_email(db, "nobody@example.com")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        User::find_by_email(db, "ADA@example.com")
            .await
            .unwrap()
            .is_none(),
        "values are case-sensitive, as DynamoBao stores them"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_taken_email_is_a_unique_violation_naming_the_constraint() {
    let test = start().await;
    let db = test.db();
    User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let error = User::create(db, NewUser::new("Eve", "ada@example.com"))
        .await
        .unwrap_err();
    match &error {
        Error::UniqueViolation {
            model,
            constraint,
            field,
            value,
        } => {
            assert_eq!(
                (*model, *constraint, *field),
                ("User", "uniqueEmail", "email")
            );
            assert_eq!(value, "ada@example.com");
        }
        other => panic!("expected a unique violation, got {other:?}"),
    }
    assert_eq!(unique_items(db).await.len(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn saving_a_new_email_moves_the_constraint() {
    let test = start().await;
    let db = test.db();
    let mut ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    ada.email = "lovelace@example.com".into();
    ada.save(db).await.unwrap();

    assert_eq!(
        owners(&unique_items(db).await),
        [(key("lovelace@example.com"), ada.user_id.to_string())],
        "the old value is released and the new one claimed"
    );
    let raw = stored(db, &format!("u#{}", ada.user_id), "u").await;
    assert_eq!(raw["email"], s("lovelace@example.com"));
    assert_eq!(
        User::find_by_email(db, "lovelace@example.com")
            .await
            .unwrap()
            .unwrap()
            .user_id,
        ada.user_id
    );
    assert!(
        User::find_by_email(db, "ada@example.com")
            .await
            .unwrap()
            .is_none()
    );

    let taken = User::create(db, NewUser::new("Eve", "lovelace@example.com"))
        .await
        .unwrap_err();
    assert!(taken.is_unique_violation(), "{taken:?}");
    let other = User::create(db, NewUser::new("Bob", "ada@example.com"))
        .await
        .unwrap();
    assert_eq!(
        User::find_by_email(db, "ada@example.com").await.unwrap(),
        Some(other)
    );
}

#[tokio::test(flavor = "current_thread")]
async fn updating_the_email_moves_the_constraint() {
    let test = start().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let updated = User::update(
        db,
        &ada.user_id,
        UserUpdate::new().email("lovelace@example.com"),
    )
    .await
    .unwrap();
    assert_eq!(updated.email, "lovelace@example.com");
    assert_eq!(updated.name, "Ada");
    assert_eq!(
        owners(&unique_items(db).await),
        [(key("lovelace@example.com"), ada.user_id.to_string())]
    );
    User::create(db, NewUser::new("Bob", "ada@example.com"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn moving_to_a_taken_email_fails_and_changes_nothing() {
    let test = start().await;
    let db = test.db();
    let mut ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let bob = User::create(db, NewUser::new("Bob", "bob@example.com"))
        .await
        .unwrap();
    let before = owners(&unique_items(db).await);

    ada.email = "bob@example.com".into();
    ada.name = "Ada L".into();
    let error = ada.save(db).await.unwrap_err();
    assert!(error.is_unique_violation(), "{error:?}");
    let error = User::update(db, &ada.user_id, UserUpdate::new().email("bob@example.com"))
        .await
        .unwrap_err();
    assert!(error.is_unique_violation(), "{error:?}");

    assert_eq!(owners(&unique_items(db).await), before);
    let raw = stored(db, &format!("u#{}", ada.user_id), "u").await;
    assert_eq!(raw["email"], s("ada@example.com"));
    assert_eq!(raw["name"], s("Ada"), "the transaction wrote nothing");
    assert_eq!(
        User::find_by_email(db, "bob@example.com").await.unwrap(),
        Some(bob)
    );
}

#[tokio::test(flavor = "current_thread")]
async fn an_email_can_move_back_and_forth() {
    let test = start().await;
    let db = test.db();
    let mut ada = User::create(db, NewUser::new("Ada", "a@example.com"))
        .await
        .unwrap();
    for email in ["b@example.com", "a@example.com", "b@example.com"] {
        ada.email = email.into();
        ada.save(db).await.unwrap();
        assert_eq!(
            owners(&unique_items(db).await),
            [(key(email), ada.user_id.to_string())]
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn deleting_the_user_releases_the_email() {
    let test = start().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    User::delete(db, &ada.user_id).await.unwrap();
    assert!(
        unique_items(db).await.is_empty(),
        "the constraint item is left behind"
    );
    assert!(
        User::find_by_email(db, "ada@example.com")
            .await
            .unwrap()
            .is_none()
    );
    let again = User::create(db, NewUser::new("Ada again", "ada@example.com"))
        .await
        .unwrap();
    assert_eq!(
        User::find_by_email(db, "ada@example.com").await.unwrap(),
        Some(again)
    );
}

/// A loaded user whose email was changed but not saved still holds the email it was read
/// with: deleting it releases that one, and the new one was never claimed.
#[tokio::test(flavor = "current_thread")]
async fn deleting_a_user_with_an_unsaved_email_releases_the_stored_one() {
    let test = start().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let mut loaded = User::find(db, &ada.user_id).await.unwrap().expect("stored");
    loaded.email = "lovelace@example.com".into();
    loaded.delete_loaded(db).await.unwrap();
    assert!(
        unique_items(db).await.is_empty(),
        "the stored email is released"
    );
    assert!(User::find(db, &ada.user_id).await.unwrap().is_none());
}

#[tokio::test(flavor = "current_thread")]
async fn a_constraint_owned_by_someone_else_is_not_released_on_delete() {
    let test = start().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let key = key("ada@example.com");
    // Another writer hands the value to someone else behind Ada's back.
    tests::raw_set(
        db,
        &key,
        "_raft_uc",
        "relatedId",
        s("01JFGMRH7XACZ8GKB81DZ5YWNH"),
    )
    .await;
    let error = User::delete(db, &ada.user_id).await.unwrap_err();
    assert!(
        error.is_transaction_cancelled() || error.is_condition_failed(),
        "{error:?}"
    );
    assert!(
        User::find(db, &ada.user_id).await.unwrap().is_some(),
        "nothing was deleted"
    );
    assert_eq!(unique_items(db).await.len(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn tenants_own_their_values_separately() {
    let test = start().await;
    let acme = test.db().with_tenant("acme").unwrap();
    let globex = test.db().with_tenant("globex").unwrap();
    let a = User::create(&acme, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let g = User::create(&globex, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    assert_eq!(
        User::find_by_email(&acme, "ada@example.com").await.unwrap(),
        Some(a.clone())
    );
    assert_eq!(
        User::find_by_email(&globex, "ada@example.com")
            .await
            .unwrap(),
        Some(g)
    );
    assert!(
        User::create(&acme, NewUser::new("Eve", "ada@example.com"))
            .await
            .unwrap_err()
            .is_unique_violation()
    );
    User::delete(&acme, &a.user_id).await.unwrap();
    assert_eq!(
        unique_items(test.db()).await.len(),
        1,
        "only acme's value was released"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_failed_condition_on_an_email_move_claims_nothing() {
    let test = start().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let update = UserUpdate::new()
        .email("lovelace@example.com")
        .only_if(User::ROLE.eq("admin"));
    let error = User::update(db, &ada.user_id, update).await.unwrap_err();
    assert!(error.is_condition_failed(), "{error:?}");
    assert_eq!(
        owners(&unique_items(db).await),
        [(key("ada@example.com"), ada.user_id.to_string())]
    );
    User::create(db, NewUser::new("Bob", "lovelace@example.com"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn moving_the_email_of_a_missing_user_is_not_found_and_claims_nothing() {
    let test = start().await;
    let db = test.db();
    let missing = examples::models::UserId::generate(db);
    let error = User::update(db, &missing, UserUpdate::new().email("x@example.com"))
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    assert!(unique_items(db).await.is_empty());
}
