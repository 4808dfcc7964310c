//! Nested objects and lists: an ObjectField holds a shape of `shapes:`, stored as a map (`M`)
//! whose members use the top-level encodings (dates as epoch milliseconds); a ListField is an
//! `L`. Updates set one member of a map (`patch_`) or append to a list (`append_`) in one
//! UpdateItem; conditions and filters reach members and elements; checks run at every depth
//! and name the member's path.

use bao_runtime::AttributeValue;
use bao_runtime::{Error, Model, Timestamp};

use crate::shapes::schema::{
    Address, AddressKind, Fix, Geo, NewStore, Store, StoreLabels, StoreUpdate, Visit,
};
use tests::RawItem;

mod schema {
    fixture!(shapes);
    pub use shapes::*;
}

fn at(millis: i64) -> Timestamp {
    Timestamp::from_millisecond(millis).unwrap()
}

fn paris() -> Address {
    Address {
        street: "1 rue de Rivoli".into(),
        city: "Paris".into(),
        zip: Some(75001),
        kind: Some(AddressKind::Work),
        geo: Geo {
            lat: 48.86,
            lng: 2.35,
            accuracy: Some(12.5),
            fix: Some(Fix {
                at: at(1_700_000_000_123),
                source: Some("gps".into()),
            }),
        },
    }
}

fn store_key(store: &Store) -> String {
    format!("st#{}", store.store_id)
}

fn map<'a>(item: &'a RawItem, name: &str) -> &'a RawItem {
    match item.get(name) {
        Some(AttributeValue::M(members)) => members,
        other => panic!("`{name}` is not a map: {other:?}"),
    }
}

fn list<'a>(item: &'a RawItem, name: &str) -> &'a [AttributeValue] {
    match item.get(name) {
        Some(AttributeValue::L(elements)) => elements,
        other => panic!("`{name}` is not a list: {other:?}"),
    }
}

async fn created(db: &bao_runtime::Db) -> Store {
    let new = NewStore::new("Rivoli", paris())
        .with_history(vec![Visit {
            at: at(1_600_000_000_000),
            remark: Some("opening".into()),
            tags: vec!["first".into()],
        }])
        .with_scores(vec![3, 5])
        .with_labels(vec![StoreLabels::New])
        .with_grid(vec![vec![1, 2], vec![]]);
    Store::create(db, new).await.unwrap()
}

/// Shapes three deep and lists of shapes, scalars, enums and lists round-trip, and are stored
/// as DynamoDB maps and lists with the top-level encodings; an absent optional member and an
/// empty list are no attribute.
#[tokio::test(flavor = "current_thread")]
async fn nested_values_are_stored_as_maps_and_lists_and_read_back() {
    let test = tests::start().await;
    let db = test.db();
    let store = created(db).await;
    let found = Store::find(db, &store.store_id).await.unwrap().unwrap();
    assert_eq!(found, store);
    assert_eq!(found.address, paris());
    assert_eq!(found.billing, None);
    assert_eq!(found.grid, [vec![1, 2], vec![]]);

    let stored = tests::stored(db, &store_key(&store), "st").await;
    let address = map(&stored, "address");
    assert_eq!(tests::text_of(address, "city"), "Paris");
    assert_eq!(address["zip"], tests::n(75001));
    assert_eq!(tests::text_of(address, "kind"), "work");
    let geo = map(address, "geo");
    assert_eq!(geo["lat"], tests::n(48.86));
    let fix = map(geo, "fix");
    assert_eq!(fix["at"], tests::n(1_700_000_000_123_i64));
    assert!(!stored.contains_key("billing"));

    let history = list(&stored, "history");
    let AttributeValue::M(visit) = &history[0] else {
        panic!("a visit is a map: {history:?}");
    };
    assert_eq!(visit["at"], tests::n(1_600_000_000_000_i64));
    assert_eq!(tests::text_of(visit, "note"), "opening");
    assert_eq!(list(visit, "tags"), [tests::s("first")]);
    assert_eq!(list(&stored, "scores"), [tests::n(3), tests::n(5)]);
    assert_eq!(list(&stored, "labels"), [tests::s("new")]);
    // An empty inner list is an element of its own, stored as `NULL` (as an empty list
    // attribute is stored as none).
    let grid = list(&stored, "grid");
    assert_eq!(grid.len(), 2);
    assert_eq!(grid[1], AttributeValue::Null(true));
}

/// `patch_` sets members at any depth, one path each, in one UpdateItem: the other members
/// stay as they were.
#[tokio::test(flavor = "current_thread")]
async fn a_nested_patch_is_one_update_item_that_keeps_the_other_members() {
    let (test, requests) = tests::start_logged().await;
    let db = test.db();
    let store = created(db).await;
    requests.reset();
    let update = StoreUpdate::new().patch_address(|address| {
        address
            .city("Lyon")
            .clear_zip()
            .patch_geo(|geo| geo.lat(45.76))
    });
    let updated = Store::update(db, &store.store_id, update).await.unwrap();
    assert_eq!(requests.operations(), ["UpdateItem"]);
    assert_eq!(updated.address.city, "Lyon");
    assert_eq!(updated.address.zip, None);
    assert_eq!(updated.address.street, "1 rue de Rivoli");
    assert_eq!(updated.address.geo.lat, 45.76);
    assert_eq!(updated.address.geo.lng, 2.35);
    assert_eq!(updated.address.geo.fix, paris().geo.fix);
    assert_eq!(updated.history, store.history);
}

/// `append_` adds elements at the end of a list in one UpdateItem, also to a list that is not
/// stored yet; setting an empty list removes the attribute.
#[tokio::test(flavor = "current_thread")]
async fn append_is_one_update_item_and_an_empty_list_is_no_attribute() {
    let (test, requests) = tests::start_logged().await;
    let db = test.db();
    let store = Store::create(db, NewStore::new("Empty", paris()))
        .await
        .unwrap();
    assert!(store.scores.is_empty());
    requests.reset();
    let update = StoreUpdate::new()
        .append_scores([7])
        .append_labels([StoreLabels::Busy, StoreLabels::Closed]);
    let updated = Store::update(db, &store.store_id, update).await.unwrap();
    assert_eq!(requests.operations(), ["UpdateItem"]);
    assert_eq!(updated.scores, [7]);
    let updated = Store::update(
        db,
        &store.store_id,
        StoreUpdate::new().append_scores([8, 9]),
    )
    .await
    .unwrap();
    assert_eq!(updated.scores, [7, 8, 9]);
    assert_eq!(updated.labels, [StoreLabels::Busy, StoreLabels::Closed]);

    Store::update(db, &store.store_id, StoreUpdate::new().scores(Vec::new()))
        .await
        .unwrap();
    let stored = tests::stored(db, &store_key(&store), "st").await;
    assert!(!stored.contains_key("scores"));
}

/// Conditions name members (`Store::ADDRESS.geo().lat()`) and elements
/// (`Store::HISTORY.at(0).note()`, `Store::GRID.at(0).at(1)`), and test lists with `contains`
/// and `size`.
#[tokio::test(flavor = "current_thread")]
async fn conditions_reach_members_and_elements() {
    let test = tests::start().await;
    let db = test.db();
    let store = created(db).await;
    let holds = [
        Store::ADDRESS.city().eq("Paris"),
        Store::ADDRESS.geo().lat().gt(48.0),
        Store::ADDRESS.geo().fix().source().eq("gps"),
        Store::ADDRESS.kind().eq(AddressKind::Work),
        Store::BILLING.not_exists(),
        Store::HISTORY.at(0).remark().eq("opening"),
        Store::HISTORY.size().eq(1),
        Store::SCORES.contains(5),
        Store::SCORES.at(1).eq(5),
        Store::LABELS.contains(StoreLabels::New),
        Store::GRID.at(0).at(1).eq(2),
    ];
    for (index, condition) in holds.into_iter().enumerate() {
        let update = StoreUpdate::new()
            .name(format!("held {index}"))
            .only_if(condition);
        let updated = Store::update(db, &store.store_id, update).await;
        assert!(updated.is_ok(), "condition {index} holds: {updated:?}");
    }
    let fails = [
        Store::ADDRESS.city().eq("Lyon"),
        Store::ADDRESS.zip().gt(80000),
        Store::SCORES.contains(4),
        Store::HISTORY.at(1).exists(),
    ];
    for (index, condition) in fails.into_iter().enumerate() {
        let update = StoreUpdate::new().name("changed").only_if(condition);
        let error = Store::update(db, &store.store_id, update)
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::ConditionFailed { .. }),
            "{index}: {error:?}"
        );
    }
}

/// Checks run at every depth, on create, on patches and on appends, and name the path of the
/// member that failed; nothing is written.
#[tokio::test(flavor = "current_thread")]
async fn checks_inside_shapes_and_lists_name_the_member() {
    let (test, requests) = tests::start_logged().await;
    let db = test.db();
    let mut address = paris();
    address.geo.lat = 200.0;
    let error = Store::create(db, NewStore::new("Far", address))
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(
            error,
            Error::Validation {
                field: "address",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        message.contains("`geo`: `lat`: 200 is more than the maximum of 90"),
        "{message}"
    );

    let store = created(db).await;
    requests.reset();
    let update = StoreUpdate::new().patch_address(|a| a.patch_geo(|g| g.lat(-91.0)));
    let message = Store::update(db, &store.store_id, update)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("`geo.lat`: -91 is less than the minimum of -90"),
        "{message}"
    );
    let update = StoreUpdate::new().patch_address(|a| a.city("x".repeat(41)));
    let message = Store::update(db, &store.store_id, update)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("`city`: the value has 41 characters"),
        "{message}"
    );
    let mut fix = paris().geo.fix.unwrap();
    fix.source = Some("GPS!".into());
    let update = StoreUpdate::new().patch_address(|a| a.patch_geo(|g| g.fix(fix)));
    let message = Store::update(db, &store.store_id, update)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("`geo.fix`: `source`: `GPS!` does not match"),
        "{message}"
    );
    let update = StoreUpdate::new().append_grid([vec![0, -1]]);
    let message = Store::update(db, &store.store_id, update)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("element 0: element 1: -1 is less than the minimum of 0"),
        "{message}"
    );
    // A check of the application's, on a member of a shape in a list, stored under the
    // member's YAML name.
    let blank = Visit {
        at: at(1_700_000_000_000),
        remark: Some(" ".into()),
        tags: Vec::new(),
    };
    let update = StoreUpdate::new().append_history([blank]);
    let message = Store::update(db, &store.store_id, update)
        .await
        .unwrap_err()
        .to_string();
    assert!(message.contains("element 0: `note`: is blank"), "{message}");
    assert!(
        requests.operations().is_empty(),
        "{:?}",
        requests.operations()
    );
    let found = Store::find(db, &store.store_id).await.unwrap().unwrap();
    assert_eq!(found, store);
}

/// `save` writes a changed map or list whole, in one UpdateItem; unchanged ones are not sent.
#[tokio::test(flavor = "current_thread")]
async fn save_writes_a_changed_map_whole() {
    let (test, requests) = tests::start_logged().await;
    let db = test.db();
    let mut store = created(db).await;
    requests.reset();
    store.address.geo.lng = 2.40;
    store.history.push(Visit {
        at: at(1_650_000_000_000),
        remark: None,
        tags: Vec::new(),
    });
    store.save(db).await.unwrap();
    assert_eq!(requests.operations(), ["UpdateItem"]);
    let found = Store::find(db, &store.store_id).await.unwrap().unwrap();
    assert_eq!(found.address.geo.lng, 2.40);
    assert_eq!(found.history.len(), 2);
    assert_eq!(found, store);
}

/// What another writer stored: arrays a Node marshaller made sets of are read as lists, a
/// missing member with a default reads as the default, and a missing required member is a
/// decode error naming the field and the member.
#[tokio::test(flavor = "current_thread")]
async fn lists_stored_as_sets_and_maps_missing_members() {
    let test = tests::start().await;
    let db = test.db();
    let store = created(db).await;
    let key = store_key(&store);
    tests::raw_set(
        db,
        &key,
        "st",
        "scores",
        AttributeValue::Ns(vec!["4".into()]),
    )
    .await;
    tests::raw_set(
        db,
        &key,
        "st",
        "labels",
        AttributeValue::Ss(vec!["busy".into()]),
    )
    .await;
    let mut address = map(&tests::stored(db, &key, "st").await, "address").clone();
    address.remove("kind");
    tests::raw_set(
        db,
        &key,
        "st",
        "address",
        AttributeValue::M(address.clone()),
    )
    .await;
    let found = Store::find(db, &store.store_id).await.unwrap().unwrap();
    assert_eq!(found.scores, [4]);
    assert_eq!(found.labels, [StoreLabels::Busy]);
    assert_eq!(found.address.kind, Some(AddressKind::Home));

    address.remove("city");
    tests::raw_set(db, &key, "st", "address", AttributeValue::M(address)).await;
    let error = Store::find(db, &store.store_id).await.unwrap_err();
    assert!(
        matches!(&error, Error::Decode { field, .. } if field == "address"),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("`city`: the member is missing"),
        "{error}"
    );
}

/// A member with a `precision` is serialised rounded, as it is stored (and as a model's field
/// is), not as it was set.
#[tokio::test(flavor = "current_thread")]
async fn a_member_with_a_precision_is_serialised_as_it_is_stored() {
    let test = tests::start().await;
    let db = test.db();
    let mut address = paris();
    address.geo.accuracy = Some(12.34);
    let json = serde_json::to_value(&address).unwrap();
    assert_eq!(json["geo"]["accuracy"], 12.3, "in {json}");
    assert_eq!(json["geo"]["lat"], 48.86, "in {json}");
    // No `accuracy` in the JSON when there is none, as none is stored.
    address.geo.accuracy = None;
    let json = serde_json::to_value(&address).unwrap();
    assert!(json["geo"].get("accuracy").is_none(), "in {json}");

    address.geo.accuracy = Some(12.34);
    let store = Store::create(db, NewStore::new("Rivoli", address))
        .await
        .unwrap();
    let stored = tests::stored(db, &store_key(&store), "st").await;
    let geo = map(map(&stored, "address"), "geo");
    assert_eq!(geo["accuracy"], tests::n(12.3));
    let json = serde_json::to_value(&store).unwrap();
    assert_eq!(json["address"]["geo"]["accuracy"], 12.3, "in {json}");
}

/// Shapes, lists of shapes, enums and nested lists go through JSON and back unchanged.
#[tokio::test(flavor = "current_thread")]
async fn a_store_round_trips_through_json() {
    let test = tests::start().await;
    let store = created(test.db()).await;
    let json = serde_json::to_string(&store).unwrap();
    let read: Store = serde_json::from_str(&json).unwrap();
    assert_eq!(read, store, "through {json}");
}
