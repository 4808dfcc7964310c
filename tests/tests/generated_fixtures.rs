//! Every valid fixture schema (`bao-codegen/tests/fixtures/ok`) generates code that compiles
//! warning-free and passes clippy; generated through the build.rs API (`tests/build.rs`).

fixture!(all_field_types);
fixture!(blog);
fixture!(dynamo_bao_readme);
fixture!(key_shapes);
fixture!(loose_ids);
fixture!(mapping);
fixture!(method_like_names);

#[test]
fn generated_schemas_carry_the_yaml_layout() {
    use bao_runtime::Model;
    let user = blog::User::SCHEMA;
    assert_eq!(user.prefix, "u");
    assert_eq!(user.unique_constraints[0].name, "uniqueEmail");
    let posts = blog::Post::SCHEMA
        .index("postsForUser")
        .expect("postsForUser is generated");
    assert_eq!(posts.gsi, Some(2));
    // DynamoBao's loose ids: `index1` is gsi1, `GSI2` gsi2, `UC1` uc1, `unique2` uc2.
    let order = loose_ids::Order::SCHEMA;
    let slots: Vec<Option<u8>> = order.indexes.iter().map(|index| index.gsi).collect();
    assert_eq!(slots, [Some(1), Some(2)]);
    let constraints: Vec<u8> = order.unique_constraints.iter().map(|c| c.id).collect();
    assert_eq!(constraints, [1, 2]);
}

/// An index partitioned on a plain field gets a static query taking the field's value, a
/// `primaryKey` alias a query of one partition, and a composite key `query_by_primary_key`;
/// each reads exactly the items written with it.
#[tokio::test(flavor = "current_thread")]
async fn indexes_on_plain_fields_query_by_value() {
    use bao_runtime::{Model, Timestamp};
    use key_shapes::{NewOrder, NewSetting, Order, Setting};

    let test = tests::start().await;
    let db = test.db();
    let day = |n: i64| Timestamp::from_second(1_700_000_000 + n * 86_400).expect("a time");
    for (tenant, at, status, kind) in [
        ("acme", 1, "open", "retail"),
        ("acme", 2, "shipped", "retail"),
        ("initech", 3, "paid", "wholesale"),
    ] {
        let new = NewOrder::new(tenant, day(at))
            .with_status(status)
            .with_type(kind);
        Order::create(db, new).await.expect("creates the order");
    }
    for (name, enabled) in [("dark", true), ("beta", false), ("sync", true)] {
        let new = NewSetting::new(name).with_enabled(enabled);
        Setting::create(db, new).await.expect("creates the setting");
    }

    let shipped = Order::query_by_status(db, "shipped").all().await.unwrap();
    assert_eq!(shipped.len(), 1);
    assert_eq!(shipped[0].ordered_at, day(2));
    let retail: Vec<Timestamp> = Order::query_by_type(db, "retail")
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|order| order.ordered_at)
        .collect();
    assert_eq!(retail, [day(1), day(2)]);
    let acme = Order::query_orders_by_tenant(db, "acme").count().await;
    assert_eq!(acme.unwrap(), 2);
    let latest = Order::query_by_primary_key(db, "acme")
        .descending()
        .limit(1)
        .page()
        .await
        .unwrap();
    assert_eq!(latest.items[0].ordered_at, day(2));
    assert_eq!(Setting::query_by_primary_key(db).count().await.unwrap(), 3);
    assert!(
        Order::query_by_status(db, "lost")
            .all()
            .await
            .unwrap()
            .is_empty()
    );
    let enabled: Vec<String> = Setting::query_settings_by_state(db, true)
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|setting| setting.key_name.0)
        .collect();
    assert_eq!(enabled, ["dark", "sync"]);
}

/// Fields named like methods and keywords round-trip and stay usable: `key` is the key, the
/// `Model` operations still work beside fields called `find` and `save`, and `new` is set with
/// `set_new`.
#[tokio::test(flavor = "current_thread")]
async fn fields_named_like_methods_and_keywords_work() {
    use bao_runtime::Model;
    use method_like_names::{Entry, EntryUpdate, NewEntry};

    let test = tests::start().await;
    let db = test.db();
    let new = NewEntry::new("e-1")
        .with_find("found")
        .with_save(true)
        .with_new("fresh")
        .with_type("note")
        .with_self_("me");
    let created = Entry::create(db, new).await.expect("creates the entry");
    assert_eq!(created.key.0, "e-1");
    let found = Entry::find(db, &created.key)
        .await
        .unwrap()
        .expect("found by its key");
    assert_eq!(found.find.as_deref(), Some("found"));
    assert_eq!(found.save, Some(true));
    assert_eq!(found.self_.as_deref(), Some("me"));
    let updated = Entry::update(db, &found.key, EntryUpdate::new().set_new("newer"))
        .await
        .expect("updates `new`");
    assert_eq!(updated.new.as_deref(), Some("newer"));
    let notes = Entry::query_by_type(db, "note").all().await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].r#type.as_deref(), Some("note"));
}

/// A DateTimeField's `defaultValue`, written as a date, an RFC 3339 time or epoch milliseconds,
/// is the value of a new item that sets none; a value given wins.
#[tokio::test(flavor = "current_thread")]
async fn date_time_defaults_fill_new_items() {
    use all_field_types::{Everything, NewEverything};
    use bao_runtime::{Model, Timestamp, Ulid};

    let test = tests::start().await;
    let db = test.db();
    let millis = |ms: i64| Timestamp::from_millisecond(ms).expect("a time");
    let happened = millis(1_650_000_000_000);
    let defaulted = Everything::create(db, NewEverything::new(happened, Ulid::generate()))
        .await
        .expect("creates with defaults");
    assert_eq!(defaulted.starts_at, Some(millis(1_704_067_200_000)));
    assert_eq!(defaulted.ends_at, Some(millis(1_719_748_800_250)));
    assert_eq!(defaulted.checked_at, Some(millis(1_700_000_000_000)));
    let given = NewEverything::new(happened, Ulid::generate()).with_starts_at(happened);
    let given = Everything::create(db, given).await.expect("creates");
    assert_eq!(given.starts_at, Some(happened));
    let stored = Everything::find(db, &given.id)
        .await
        .unwrap()
        .expect("found");
    assert_eq!(stored.starts_at, Some(happened));
}

/// An EmailField stores a string and refuses a value that is not an email address on create,
/// update and save, naming the field, with nothing written.
#[tokio::test(flavor = "current_thread")]
async fn email_fields_are_checked_on_every_write() {
    use bao_runtime::{Error, Model};
    use dynamo_bao_readme::{NewUser, User, UserUpdate};

    let test = tests::start().await;
    let db = test.db();
    let refused = |error: Error| match error {
        Error::Validation { field, .. } => assert_eq!(field, "email"),
        other => panic!("expected a validation error, got {other:?}"),
    };
    refused(
        User::create(db, NewUser::new("Ada", "not an email"))
            .await
            .expect_err("refused on create"),
    );
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .expect("creates");
    assert_eq!(ada.role.as_deref(), Some("user"));
    refused(
        User::update(db, &ada.user_id, UserUpdate::new().email("ada@"))
            .await
            .expect_err("refused on update"),
    );
    let mut changed = ada.clone();
    changed.email = "ada.example.com".to_owned();
    refused(changed.save(db).await.expect_err("refused on save"));
    let stored = User::find_by_email(db, "ada@example.com")
        .await
        .unwrap()
        .expect("the stored address is unchanged");
    assert_eq!(stored.user_id, ada.user_id);
}
