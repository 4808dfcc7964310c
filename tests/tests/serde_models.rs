//! A model's serde: `Serialize` writes its fields under their `models.yaml` names, and
//! `Deserialize` reads them back through the same generated code that reads a stored item, so
//! a missing field reads as it would in the table.

use bao_runtime::{Model, Timestamp};
use examples::models::{
    NewOrder, NewShowcase, NewUser, Order, OrderStatus, Showcase, User, UserId,
};
use serde_json::{Value, json};
use serde_test::Token;
use tests::{set, start};

/// A model read from the table is the same model after a trip through JSON, for every field
/// type, set or left empty.
#[tokio::test(flavor = "current_thread")]
async fn every_field_type_round_trips_through_json() {
    let test = start().await;
    let db = test.db();
    let full = NewShowcase::new()
        .with_label("all the types")
        .with_quantity(-42)
        .with_ratio(1.25)
        .with_active(false)
        .with_happened_at(Timestamp::from_millisecond(1_700_000_000_123).unwrap())
        .with_owner_id(UserId::generate(db))
        .with_hits(7)
        .with_payload(vec![0u8, 1, 127, 255])
        .with_ttl(Timestamp::from_second(1_800_000_000).unwrap())
        .with_labels(set(["red", "green"]));
    for new in [full, NewShowcase::new()] {
        let created = Showcase::create(db, new).await.unwrap();
        let json = serde_json::to_string(&created).unwrap();
        let read: Showcase = serde_json::from_str(&json).unwrap();
        assert_eq!(read, created, "through {json}");
    }
}

fn user_json() -> Value {
    json!({
        "userId": "01ARZ3NDEKTSV4RRFFQ69G5FAV",
        "name": "Ada",
        "email": "ada@example.com",
        "createdAt": "2024-01-02T03:04:05.678Z",
        "modifiedAt": "2024-01-02T03:04:05.678Z",
    })
}

/// A model is written as a struct of its fields under their `models.yaml` names, in schema
/// order, a `None` left out.
#[tokio::test(flavor = "current_thread")]
async fn the_json_of_a_model_is_its_fields_by_their_schema_names() {
    let test = start().await;
    let db = test.db();
    let user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let created = user.created_at.to_string();
    let expected = format!(
        r#"{{"userId":"{}","name":"Ada","email":"ada@example.com","createdAt":"{created}","modifiedAt":"{}","role":"user"}}"#,
        user.user_id, user.modified_at
    );
    assert_eq!(serde_json::to_string(&user).unwrap(), expected);

    let showcase = Showcase::create(db, NewShowcase::new()).await.unwrap();
    let json = serde_json::to_value(&showcase).unwrap();
    assert_eq!(json["labels"], json!([]), "an empty string set is written");
    assert!(json.get("label").is_none(), "a None is left out: {json}");
}

/// A model is written as its item stores it: an empty list is left out (it is stored absent),
/// an enum is its string, and a Float with a `precision` is rounded as a write rounds it.
#[tokio::test(flavor = "current_thread")]
async fn the_json_of_a_model_is_what_its_item_stores() {
    let test = start().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let order = Order::create(db, NewOrder::new(ada.user_id, OrderStatus::Paid, 1200))
        .await
        .unwrap();
    let json = serde_json::to_value(&order).unwrap();
    assert!(
        json.get("lines").is_none(),
        "an empty list is left out: {json}"
    );
    assert_eq!(json["status"], json!("paid"));
    let read: Order = serde_json::from_value(json).unwrap();
    assert_eq!(read, order, "an empty list reads back empty");

    let mut showcase = Showcase::create(db, NewShowcase::new()).await.unwrap();
    showcase.ratio = Some(1.23456);
    let json = serde_json::to_value(&showcase).unwrap();
    assert_eq!(
        json["ratio"],
        json!(1.23),
        "precision: 2, as `save` would store it"
    );
}

/// To a serializer a model is a struct of the fields it writes: their count first (formats
/// such as MessagePack write it before the fields), an optional value as `Some`.
#[test]
fn a_model_is_a_struct_of_the_fields_it_writes() {
    let user: User = serde_json::from_value(user_json()).unwrap();
    serde_test::assert_ser_tokens(
        &user,
        &[
            Token::Struct {
                name: "User",
                len: 6,
            },
            Token::Str("userId"),
            Token::Str("01ARZ3NDEKTSV4RRFFQ69G5FAV"),
            Token::Str("name"),
            Token::Str("Ada"),
            Token::Str("email"),
            Token::Str("ada@example.com"),
            Token::Str("createdAt"),
            Token::Str("2024-01-02T03:04:05.678Z"),
            Token::Str("modifiedAt"),
            Token::Str("2024-01-02T03:04:05.678Z"),
            Token::Str("role"),
            Token::Some,
            Token::Str("user"),
            Token::StructEnd,
        ],
    );
}

/// A field left out reads as its item would: with its `defaultValue`, or as `None`.
#[test]
fn a_missing_field_takes_its_default() {
    let user: User = serde_json::from_value(user_json()).unwrap();
    assert_eq!(user.name, "Ada");
    assert_eq!(user.role.as_deref(), Some("user"), "role's defaultValue");
    assert_eq!(user.profile_picture_url, None);
}

/// Names the model does not have are ignored, as serde's derive ignores them.
#[test]
fn unknown_fields_are_ignored() {
    let mut json = user_json();
    json["nickname"] = json!({"nested": [1, 2, 3]});
    let user: User = serde_json::from_value(json).unwrap();
    assert_eq!(user.email, "ada@example.com");
}

/// Bad input is an error in serde's words, naming the field.
#[test]
fn bad_input_is_an_error_naming_the_field() {
    let mut missing = user_json();
    missing.as_object_mut().unwrap().remove("name");
    let error = serde_json::from_value::<User>(missing).unwrap_err();
    assert_eq!(error.to_string(), "missing field `name`");

    let mut mistyped = user_json();
    mistyped["email"] = json!(5);
    let error = serde_json::from_value::<User>(mistyped).unwrap_err();
    assert_eq!(
        error.to_string(),
        "`email`: invalid type: integer `5`, expected a string"
    );

    let error = serde_json::from_value::<User>(json!(["Ada"])).unwrap_err();
    assert_eq!(error.to_string(), "invalid type: sequence, expected a map");
}

/// A new user made from JSON input is created as any other.
#[tokio::test(flavor = "current_thread")]
async fn a_model_from_json_is_the_model_bao_reads() {
    let test = start().await;
    let db = test.db();
    let created = User::create(db, NewUser::new("Grace", "grace@example.com"))
        .await
        .unwrap();
    let from_json: User = serde_json::from_value(serde_json::to_value(&created).unwrap()).unwrap();
    let found = User::find(db, &created.user_id).await.unwrap().unwrap();
    assert_eq!(from_json, found);
}
