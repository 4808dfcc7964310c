//! Keys built from hostile values: ids, sort-key values, unique values and tenant ids holding
//! the delimiters of DynamoBao's key format (`#`, `:`, `[`, `]`, `##__SK__##`, `_raft_uc`),
//! unicode (combining marks, emoji, NUL) and kilobyte strings.
//!
//! Distinct logical keys must never share a stored key: every item is found by its own key,
//! unique value, query and iteration, and a raw Scan shows one `_pk`/`_sk` per item. Where the
//! `#`-joined format could collide, the input is refused with a typed validation error naming
//! the field; so are keys over DynamoDB's size limits, before any request is sent.

pub mod keys_schema {
    include!(concat!(env!("OUT_DIR"), "/keys/bao_models.rs"));
}

use bao_runtime::aws_sdk_dynamodb::types::AttributeValue;
use bao_runtime::query::Query;
use bao_runtime::{Db, Error, Model, RequestScope};
use examples::models::{NewSetting, NewUser, Setting, SettingId, User};
use keys_schema::{Entry, EntryKey, EntryUpdate, NewEntry, NewSlug, Slug, SlugId};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use tests::{RawItem, scan_all, start, start_logged, text_of};

/// Values that look like key syntax, or differ from each other only in such characters.
fn hostile() -> Vec<String> {
    [
        "a",
        "a#",
        "#a",
        "a#b",
        "a##b",
        "a:b",
        "a:",
        ":",
        "#",
        "##",
        "[",
        "]",
        "]#",
        "[acme]",
        "[acme]#",
        "[acme]#s#a",
        "s#a",
        "_raft_uc",
        "_raft_uc#_uc1#e#handle:a",
        "__SK__##",
        "##__SK_",
        "\u{e9}",
        "e\u{301}",
        "\u{1F600}",
        "\u{1F469}\u{200D}\u{1F469}\u{200D}\u{1F467}",
        "a\u{0}b",
        " ",
    ]
    .into_iter()
    .map(str::to_owned)
    .chain(["k".repeat(1000), "\u{1F600}".repeat(250)])
    .collect()
}

/// Values a primary id cannot hold: DynamoBao splits ids at `##__SK__##`.
const SEPARATORS: &[&str] = &["##__SK__##", "a##__SK__##b"];

/// Values a part of a composite key cannot hold: besides the separator, a partition value
/// ending in `##__SK__` would make `x##__SK__` + `y` and `x` + `__SK__##y` one id.
const COMPOSITE_REFUSED: &[&str] = &["##__SK__##", "a##__SK__##b", "a##__SK__", "##__SK__#"];

/// The tenants of the isolation tests: none, two whose ids share a prefix, one named like the
/// unique-constraint marker, ids holding key delimiters (`#`, `:`, `[`), an email, non-ASCII,
/// and the longest id accepted.
fn tenants() -> Vec<Option<String>> {
    vec![
        None,
        Some("acme".to_owned()),
        Some("acme2".to_owned()),
        Some("_raft_uc".to_owned()),
        Some("acme#u".to_owned()),
        Some("[acme".to_owned()),
        Some("org:42".to_owned()),
        Some("ada@example.com".to_owned()),
        Some("ünïcödé".to_owned()),
        Some("t".repeat(256)),
    ]
}

fn scoped(db: &Db, tenant: Option<&String>) -> Db {
    match tenant {
        Some(id) => db.with_tenant(id.as_str()).expect("a valid tenant id"),
        None => db.without_tenant(),
    }
}

fn key_prefix(tenant: Option<&String>) -> String {
    tenant.map(|id| format!("[{id}]#")).unwrap_or_default()
}

/// The model and field a validation error names, and its message.
fn refusal<T: std::fmt::Debug>(result: Result<T, Error>) -> (&'static str, &'static str, String) {
    match result {
        Err(Error::Validation {
            model,
            field,
            message,
        }) => (model, field, message),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// The stored `(_pk, _sk)` of every item; asserts none appears twice.
fn distinct_keys(items: &[RawItem]) -> HashSet<(String, String)> {
    let mut keys = HashSet::new();
    for item in items {
        let key = (
            text_of(item, "_pk").to_owned(),
            text_of(item, "_sk").to_owned(),
        );
        assert!(keys.insert(key.clone()), "stored twice: {key:?}");
    }
    keys
}

/// Whether `_pk` is a unique-constraint key: `_raft_uc#...`, after any tenant prefix.
fn is_constraint_pk(pk: &str) -> bool {
    let untenanted = match pk.strip_prefix('[') {
        Some(rest) => rest.split_once("]#").map_or(rest, |(_, key)| key),
        None => pk,
    };
    untenanted.starts_with("_raft_uc#")
}

// ---------------------------------------------------------------------------------------------
// single-string ids, per tenant

#[tokio::test(flavor = "current_thread")]
async fn hostile_ids_never_collide_across_values_or_tenants() {
    let test = start().await;
    let mut expected = BTreeMap::new();
    for tenant in tenants() {
        let db = scoped(test.db(), tenant.as_ref());
        for value in hostile() {
            let note = format!("{tenant:?}/{value}");
            let slug = Slug::create(
                &db,
                NewSlug::new(SlugId::from(value.as_str())).with_note(note.clone()),
            )
            .await
            .unwrap_or_else(|error| panic!("{value:?} in {tenant:?}: {error}"));
            assert_eq!(slug.primary_id(), value, "the primary id is the raw value");
            let pk = format!("{}s#{value}", key_prefix(tenant.as_ref()));
            assert!(
                expected.insert((pk, "s".to_owned()), note).is_none(),
                "{value:?}"
            );
        }
    }

    for tenant in tenants() {
        let db = scoped(test.db(), tenant.as_ref());
        let ids: Vec<SlugId> = hostile()
            .iter()
            .map(|value| SlugId::from(value.as_str()))
            .collect();
        for id in &ids {
            let found = Slug::find(&db, id).await.unwrap().expect("found");
            assert_eq!(found.slug, *id);
            assert_eq!(found.note, Some(format!("{tenant:?}/{id}")));
        }
        let scope = RequestScope::new();
        let batched = scope.run(Slug::find_many(&db, &ids)).await.unwrap();
        for (id, found) in ids.iter().zip(batched) {
            assert_eq!(found.expect("found").note, Some(format!("{tenant:?}/{id}")));
        }
    }

    let items = scan_all(test.db()).await;
    let stored: BTreeMap<(String, String), String> = items
        .iter()
        .map(|item| {
            (
                (
                    text_of(item, "_pk").to_owned(),
                    text_of(item, "_sk").to_owned(),
                ),
                text_of(item, "note").to_owned(),
            )
        })
        .collect();
    assert_eq!(distinct_keys(&items).len(), items.len());
    assert_eq!(
        stored, expected,
        "each item is stored under its own `T s#value`"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn ids_holding_the_primary_id_separator_are_refused() {
    let (test, requests) = start_logged().await;
    let db = test.db().with_tenant("acme").unwrap();
    for value in SEPARATORS {
        let (model, field, message) =
            refusal(Slug::create(&db, NewSlug::new(SlugId::from(*value))).await);
        assert_eq!((model, field), ("Slug", "slug"), "{value:?}");
        assert!(message.contains("ambiguous"), "{message}");
        let (_, field, _) = refusal(Slug::find(&db, &SlugId::from(*value)).await);
        assert_eq!(field, "slug");
    }
    assert_eq!(requests.total(), 0, "{:?}", requests.operations());
}

// ---------------------------------------------------------------------------------------------
// composite keys, GSI keys, unique values, iteration

/// Creates an Entry for every pair of `values` (refusing those whose parts hold the separator)
/// and returns the keys created with their handles.
async fn create_entries(db: &Db, values: &[String]) -> BTreeMap<(String, String), String> {
    let mut created = BTreeMap::new();
    for (i, space) in values.iter().enumerate() {
        for (j, name) in values.iter().enumerate() {
            let handle = format!("{i}.{j}{space}{name}");
            let new = NewEntry::new(space.as_str(), name.as_str())
                .with_label(space.as_str())
                .with_handle(handle.as_str());
            let result = Entry::create(db, new).await;
            let offending = [("space", space), ("name", name)]
                .into_iter()
                .find(|(_, value)| value.contains("##__SK__"));
            match offending {
                Some((part, value)) => {
                    let (model, field, message) = refusal(result);
                    assert_eq!((model, field), ("Entry", part), "{value:?}");
                    assert!(message.contains("ambiguous"), "{message}");
                }
                None => {
                    let entry =
                        result.unwrap_or_else(|error| panic!("{space:?}/{name:?}: {error}"));
                    assert_eq!(entry.primary_id(), format!("{space}##__SK__##{name}"));
                    created.insert((space.clone(), name.clone()), handle);
                }
            }
        }
    }
    created
}

fn composite_values() -> Vec<String> {
    let mut values: Vec<String> = [
        "a",
        "a#",
        "#a",
        "a:b",
        "[acme]#",
        "]#",
        "_raft_uc",
        "__SK__##",
        "##__SK_",
        "e\u{301}",
        "\u{e9}",
        "\u{1F600}",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    values.extend(COMPOSITE_REFUSED.iter().map(|value| (*value).to_owned()));
    values
}

#[tokio::test(flavor = "current_thread")]
async fn hostile_composite_keys_never_collide() {
    let test = start().await;
    let values = composite_values();
    let mut total = 0;
    for tenant in [None, Some("acme".to_owned())] {
        let db = scoped(test.db(), tenant.as_ref());
        let created = create_entries(&db, &values).await;
        let refused = values.len() * values.len() - created.len();
        assert_eq!(
            refused,
            values.len() * values.len()
                - (values.len() - COMPOSITE_REFUSED.len())
                    * (values.len() - COMPOSITE_REFUSED.len())
        );
        total += created.len();

        for ((space, name), handle) in &created {
            let key = EntryKey {
                space: space.clone(),
                name: name.clone(),
            };
            let found = Entry::find(&db, &key).await.unwrap().expect("found by key");
            assert_eq!(found.handle.as_ref(), Some(handle));
            let owner = Entry::find_by_handle(&db, handle.as_str())
                .await
                .unwrap()
                .expect("found by handle");
            assert_eq!((&owner.space, &owner.name), (space, name));
        }

        let spaces: BTreeSet<&String> = created.keys().map(|(space, _)| space).collect();
        for space in spaces {
            let names_in = |entries: Vec<Entry>| -> BTreeSet<(String, String)> {
                entries
                    .into_iter()
                    .map(|entry| (entry.space, entry.name))
                    .collect()
            };
            let own: BTreeSet<(String, String)> = created
                .keys()
                .filter(|(s, _)| s == space)
                .cloned()
                .collect();
            let partition = AttributeValue::S(space.clone());
            let by_key = Query::<Entry, String>::new(&db, "entriesInSpace", Some(&partition))
                .all()
                .await
                .unwrap();
            assert_eq!(names_in(by_key), own, "primary-key query of {space:?}");
            let by_label = Query::<Entry, String>::new(&db, "entriesByLabel", Some(&partition))
                .all()
                .await
                .unwrap();
            assert_eq!(names_in(by_label), own, "label query of {space:?}");
        }

        let everything: BTreeSet<(String, String)> = created.keys().cloned().collect();
        let listed: BTreeSet<(String, String)> = Entry::query_all_entries(&db)
            .all()
            .await
            .unwrap()
            .into_iter()
            .map(|entry| (entry.space, entry.name))
            .collect();
        assert_eq!(listed, everything, "the allEntries index of {tenant:?}");
        let iterated = Entry::iterate_all(&db).collect().await.unwrap();
        assert_eq!(iterated.len(), created.len(), "iteration of {tenant:?}");
        let iterated: BTreeSet<(String, String)> = iterated
            .into_iter()
            .map(|entry| (entry.space, entry.name))
            .collect();
        assert_eq!(iterated, everything, "iteration of {tenant:?}");
    }

    let items = scan_all(test.db()).await;
    distinct_keys(&items);
    // An entry named `_raft_uc` has the `_sk` of a constraint item, but never its `_pk`.
    let (unique, entries): (Vec<&RawItem>, Vec<&RawItem>) = items
        .iter()
        .partition(|item| is_constraint_pk(text_of(item, "_pk")));
    assert_eq!(entries.len(), total, "one item per created entry");
    assert_eq!(unique.len(), total, "one unique item per created entry");
    let iteration_keys: HashSet<(&str, &str)> = entries
        .iter()
        .map(|item| (text_of(item, "_iter_pk"), text_of(item, "_iter_sk")))
        .collect();
    assert_eq!(iteration_keys.len(), total, "iteration keys are distinct");
}

#[tokio::test(flavor = "current_thread")]
async fn hostile_unique_values_and_tenants_stay_apart() {
    let test = start().await;
    for tenant in tenants() {
        let db = scoped(test.db(), tenant.as_ref());
        for email in hostile() {
            User::create(&db, NewUser::new(format!("{tenant:?}"), email.as_str()))
                .await
                .unwrap_or_else(|error| panic!("{email:?} in {tenant:?}: {error}"));
        }
    }
    for tenant in tenants() {
        let db = scoped(test.db(), tenant.as_ref());
        for email in hostile() {
            let user = User::find_by_email(&db, email.as_str())
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("{email:?} in {tenant:?}"));
            assert_eq!((user.name, user.email), (format!("{tenant:?}"), email));
        }
        let taken = User::create(&db, NewUser::new("again", hostile()[3].as_str())).await;
        assert!(
            matches!(taken, Err(Error::UniqueViolation { field: "email", .. })),
            "{taken:?}"
        );
    }
    let fresh = test.db().with_tenant("acme3").unwrap();
    for email in hostile() {
        assert_eq!(
            User::find_by_email(&fresh, email.as_str()).await.unwrap(),
            None
        );
    }

    let items = scan_all(test.db()).await;
    distinct_keys(&items);
    let unique: BTreeSet<&str> = items
        .iter()
        .map(|item| text_of(item, "_pk"))
        .filter(|pk| is_constraint_pk(pk))
        .collect();
    let expected: BTreeSet<String> = tenants()
        .iter()
        .flat_map(|tenant| {
            hostile().into_iter().map(move |email| {
                format!(
                    "{}_raft_uc#_uc1#u#email:{email}",
                    key_prefix(tenant.as_ref())
                )
            })
        })
        .collect();
    assert_eq!(
        unique,
        expected.iter().map(String::as_str).collect(),
        "one constraint item per tenant and value, in DynamoBao's layout"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn model_prefix_partitions_are_isolated_per_tenant() {
    let test = start().await;
    for tenant in tenants() {
        let db = scoped(test.db(), tenant.as_ref());
        for name in hostile() {
            Setting::create(
                &db,
                NewSetting::new(SettingId::from(name.as_str())).with_value(format!("{tenant:?}")),
            )
            .await
            .unwrap_or_else(|error| panic!("{name:?} in {tenant:?}: {error}"));
        }
    }
    let names: BTreeSet<SettingId> = hostile()
        .iter()
        .map(|name| SettingId::from(name.as_str()))
        .collect();
    for tenant in tenants() {
        let db = scoped(test.db(), tenant.as_ref());
        let listed = Setting::query_all_settings(&db).all().await.unwrap();
        assert_eq!(listed.len(), names.len(), "{tenant:?}");
        assert!(
            listed
                .iter()
                .all(|setting| setting.value == Some(format!("{tenant:?}"))),
            "{tenant:?} lists only its own settings"
        );
        let listed: BTreeSet<SettingId> = listed.into_iter().map(|setting| setting.name).collect();
        assert_eq!(listed, names);
        for name in &names {
            let found = Setting::find(&db, name).await.unwrap().expect("found");
            assert_eq!(found.value, Some(format!("{tenant:?}")));
        }
    }
    let items = scan_all(test.db()).await;
    assert_eq!(distinct_keys(&items).len(), tenants().len() * names.len());
}

// ---------------------------------------------------------------------------------------------
// refusals

#[test]
fn tenant_ids_that_could_reach_into_another_prefix_are_refused() {
    let db = Db::new(
        bao_runtime::aws_sdk_dynamodb::Client::from_conf(
            bao_runtime::aws_sdk_dynamodb::Config::builder()
                .behavior_version(bao_runtime::aws_sdk_dynamodb::config::BehaviorVersion::latest())
                .build(),
        ),
        "unused",
    );
    let long = "t".repeat(257);
    // `]` is what could end the `[id]#` prefix early; the other ids of DynamoBao services
    // (`#`, `:`, `[`, emails, non-ASCII) are accepted and kept apart by
    // `hostile_ids_never_collide_across_values_or_tenants`.
    for id in ["", "a]", "a]#[b", "]", "[a]", &long] {
        let (model, field, message) = refusal(db.with_tenant(id));
        assert_eq!((model, field), ("tenant", "id"), "{id:?}");
        assert!(!message.is_empty());
    }
}

#[tokio::test(flavor = "current_thread")]
async fn keys_over_dynamodb_limits_are_refused_before_sending() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let acme = db.with_tenant("acme").unwrap();

    // `_pk` = `s#` + id: 2048 bytes fit, 2049 do not; the tenant prefix counts; bytes, not
    // characters, count.
    Slug::create(db, NewSlug::new(SlugId::from("k".repeat(2046))))
        .await
        .expect("a 2048-byte partition key fits");
    for (handle, id) in [
        (db, "k".repeat(2047)),
        (&acme, "k".repeat(2046)),
        (db, "\u{1F600}".repeat(512)),
    ] {
        requests.reset();
        let (model, field, message) =
            refusal(Slug::create(handle, NewSlug::new(SlugId::from(id.as_str()))).await);
        assert_eq!((model, field), ("Slug", "slug"));
        assert!(
            message.contains("`_pk`") && message.contains("2048"),
            "{message}"
        );
        let (_, field, _) = refusal(Slug::find(handle, &SlugId::from(id.as_str())).await);
        assert_eq!(field, "slug");
        assert_eq!(requests.total(), 0, "{:?}", requests.operations());
    }

    // `_sk` = the name: 1024 bytes fit, 1025 do not.
    Setting::create(db, NewSetting::new(SettingId::from("k".repeat(1024))))
        .await
        .expect("a 1024-byte sort key fits");
    for name in ["k".repeat(1025), "\u{e9}".repeat(513)] {
        requests.reset();
        let (model, field, message) =
            refusal(Setting::create(db, NewSetting::new(SettingId::from(name))).await);
        assert_eq!((model, field), ("Setting", "name"));
        assert!(
            message.contains("`_sk`") && message.contains("1024"),
            "{message}"
        );
        assert_eq!(requests.total(), 0, "{:?}", requests.operations());
    }

    // `_iter_sk` = the primary id `space##__SK__##name`: a sort key of `iter_index`.
    requests.reset();
    let (model, field, message) =
        refusal(Entry::create(db, NewEntry::new("a", "k".repeat(1020))).await);
    assert_eq!((model, field), ("Entry", "name"));
    assert!(
        message.contains("`_iter_sk`") && message.contains("1024"),
        "{message}"
    );
    assert_eq!(requests.total(), 0, "{:?}", requests.operations());

    // `_gsi1_pk` = `e#gsi1#` + label, on create and on update.
    let long_label = "k".repeat(2048);
    let (model, field, message) =
        refusal(Entry::create(db, NewEntry::new("a", "b").with_label(long_label.as_str())).await);
    assert_eq!((model, field), ("Entry", "label"));
    assert!(message.contains("`_gsi1_pk`"), "{message}");
    assert_eq!(requests.total(), 0, "{:?}", requests.operations());
    let entry = Entry::create(db, NewEntry::new("a", "b")).await.unwrap();
    let key = EntryKey {
        space: entry.space.clone(),
        name: entry.name.clone(),
    };
    requests.reset();
    let (model, field, _) =
        refusal(Entry::update(db, &key, EntryUpdate::new().label(long_label.as_str())).await);
    assert_eq!((model, field), ("Entry", "label"));
    let partition = AttributeValue::S(long_label.clone());
    let (model, field, _) = refusal(
        Query::<Entry, String>::new(db, "entriesByLabel", Some(&partition))
            .all()
            .await,
    );
    assert_eq!((model, field), ("Entry", "label"));
    assert_eq!(requests.total(), 0, "{:?}", requests.operations());

    // The unique-constraint `_pk` = `_raft_uc#_uc1#e#handle:` + value.
    let (model, field, message) =
        refusal(Entry::create(db, NewEntry::new("a", "c").with_handle(long_label.as_str())).await);
    assert_eq!((model, field), ("Entry", "handle"));
    assert!(message.contains("`_pk`"), "{message}");
    let (model, field, _) = refusal(Entry::find_by_handle(db, long_label.as_str()).await);
    assert_eq!((model, field), ("Entry", "handle"));
    assert_eq!(requests.total(), 0, "{:?}", requests.operations());
}

#[tokio::test(flavor = "current_thread")]
async fn an_oversized_sort_key_value_in_a_query_is_refused_before_sending() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let long = "s".repeat(1025);
    let refused = Setting::query_all_settings(db)
        .sort_eq(long.as_str())
        .page()
        .await;
    let (model, field, message) = refusal(refused);
    assert_eq!((model, field), ("Setting", "name"));
    assert!(message.contains("1024"), "{message}");
    let counted = Setting::query_all_settings(db)
        .sort_between("a", long.as_str())
        .count()
        .await;
    assert_eq!(refusal(counted).1, "name");
    assert_eq!(requests.total(), 0);
    let fits = Setting::query_all_settings(db)
        .sort_eq("s".repeat(1024).as_str())
        .page()
        .await
        .unwrap();
    assert!(fits.items.is_empty());
}
