//! DynamoBao's own search vectors (`tests/data/search-vectors.json`, computed by running its
//! `search-text.js` and `model.js`), and properties of the query side.
//!
//! Vectors whose input Rust's types cannot express (a term that is a number, a cursor state
//! missing a field, a filter in DynamoBao's JSON filter language) are counted, not run; the
//! search traces are compared in the end-to-end suite, where the pages come from DynamoDB.

use std::collections::BTreeMap;

use aws_sdk_dynamodb::types::AttributeValue;
use proptest::prelude::*;
use serde_json::Value;

use super::cursor::CursorState;
use super::query::{Operator, SearchPredicate, predicate_hash, tokenize};
use super::text::{SearchTextUpdate, normalize, search_text, search_text_update};
use crate::schema::SearchSchema;

fn vectors() -> Vec<Value> {
    super::vectors::load()["vectors"]
        .as_array()
        .expect("a list")
        .clone()
}

/// A `'static` search schema from a vector's config (leaked: a handful per test run).
fn schema(config: &Value) -> &'static SearchSchema {
    let fields: Vec<&'static str> = config["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .map(|name| &*Box::leak(name.as_str().expect("a name").to_owned().into_boxed_str()))
                .collect()
        })
        .unwrap_or_default();
    Box::leak(Box::new(SearchSchema {
        fields: Box::leak(fields.into_boxed_slice()),
        case_sensitive: config["caseSensitive"].as_bool().unwrap_or(false),
        min_term_length: config["minTermLength"]
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(1),
        dedupe: config["dedupe"].as_bool().unwrap_or(false),
    }))
}

/// A stored (Dy form) JSON value as an attribute; `None` for `null`.
fn attr(value: &Value) -> Option<AttributeValue> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(AttributeValue::S(text.clone())),
        Value::Number(number) => Some(AttributeValue::N(number.to_string())),
        Value::Bool(flag) => Some(AttributeValue::Bool(*flag)),
        other => panic!("a stored value: {other}"),
    }
}

fn strings(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|item| item.as_str().map(str::to_owned))
        .collect()
}

fn operator(value: &Value) -> Option<Operator> {
    match value.as_str() {
        None | Some("$and") => Some(Operator::All),
        Some("$or") => Some(Operator::Any),
        Some(_) => None,
    }
}

fn of_kind(kind: &str) -> Vec<Value> {
    vectors()
        .into_iter()
        .filter(|vector| vector["kind"] == kind)
        .collect()
}

#[test]
fn stored_text_is_dynamo_baos() {
    let vectors = of_kind("searchText");
    assert!(vectors.len() >= 40);
    for vector in vectors {
        let schema = schema(&vector["config"]);
        let values: Vec<Option<AttributeValue>> = schema
            .fields
            .iter()
            .map(|name| attr(&vector["input"][*name]))
            .collect();
        let values: Vec<Option<&AttributeValue>> = values.iter().map(Option::as_ref).collect();
        assert_eq!(
            search_text(schema, &values),
            vector["expected"].as_str().expect("text"),
            "{}",
            vector["id"]
        );
    }
}

#[test]
fn writes_change_the_stored_text_as_dynamo_bao_does() {
    let vectors = of_kind("computeUpdate");
    assert!(vectors.len() >= 10);
    for vector in vectors {
        let schema = schema(&vector["config"]);
        let input = &vector["input"];
        let updates = &input["dyUpdatesToSave"];
        let written_values: Vec<Option<Option<AttributeValue>>> = schema
            .fields
            .iter()
            .map(|name| updates.get(*name).map(attr))
            .collect();
        let written: Vec<Option<Option<&AttributeValue>>> = written_values
            .iter()
            .map(|write| write.as_ref().map(Option::as_ref))
            .collect();
        let row: Vec<Option<AttributeValue>> = schema
            .fields
            .iter()
            .map(|name| input["currentDyData"].get(*name).and_then(attr))
            .collect();
        let row: Vec<Option<&AttributeValue>> = row.iter().map(Option::as_ref).collect();
        let current = match input["isNew"].as_bool().unwrap_or(false) {
            true => None,
            false => Some(row.as_slice()),
        };
        let force = input["forceReindex"].as_bool().unwrap_or(false);
        let expected = match vector["expected"]["action"].as_str() {
            Some("skip") => SearchTextUpdate::Keep,
            Some("remove") => SearchTextUpdate::Remove,
            Some("set") => SearchTextUpdate::Set(
                vector["expected"]["value"]
                    .as_str()
                    .expect("value")
                    .to_owned(),
            ),
            other => panic!("action {other:?}"),
        };
        assert_eq!(
            search_text_update(schema, &written, current, force),
            expected,
            "{}",
            vector["id"]
        );
    }
}

#[test]
fn terms_normalise_and_split_as_dynamo_bao_does() {
    for vector in of_kind("normalizeTerm") {
        let case_sensitive = vector["config"]["caseSensitive"].as_bool().unwrap_or(false);
        let term = vector["input"]["term"].as_str().expect("a term");
        assert_eq!(
            normalize(term, case_sensitive),
            vector["expected"].as_str().expect("text"),
            "{}",
            vector["id"]
        );
    }
    let mut not_strings = 0;
    for vector in of_kind("tokenize") {
        let Some(query) = vector["input"]["query"].as_str() else {
            // A query is a `&str` in Rust; DynamoBao returns no terms for anything else.
            assert_eq!(vector["expected"], serde_json::json!([]));
            not_strings += 1;
            continue;
        };
        assert_eq!(
            tokenize(query),
            strings(&vector["expected"]).expect("terms"),
            "{}",
            vector["id"]
        );
    }
    assert!(
        not_strings <= 4,
        "{not_strings} tokenize vectors are not strings"
    );
}

/// The predicate of `terms`, as the vectors print it.
fn predicate_json(predicate: &SearchPredicate) -> Value {
    let values: serde_json::Map<String, Value> = predicate
        .values()
        .into_iter()
        .map(|(name, value)| {
            let AttributeValue::S(text) = value else {
                panic!("a string value")
            };
            (name, Value::String(text))
        })
        .collect();
    serde_json::json!({
        "FilterExpression": predicate.expression(),
        "ExpressionAttributeNames": {"#st": "_searchText"},
        "ExpressionAttributeValues": values,
    })
}

#[test]
fn queries_make_dynamo_baos_predicate_and_hash() {
    const EMPTY: &str = "searchAll requires at least one non-empty term.";
    for vector in of_kind("query") {
        let schema = schema(&vector["config"]);
        let query = vector["input"]["query"].as_str().expect("a query");
        let expected = &vector["expected"];
        let terms = tokenize(query);
        assert_eq!(
            Some(terms.clone()),
            strings(&expected["tokens"]),
            "{}",
            vector["id"]
        );
        let Some(operator) = operator(&vector["input"]["operator"]) else {
            assert_eq!(expected["error"], "operator must be one of: $and, $or.");
            continue;
        };
        assert_eq!(
            predicate_hash(&terms, operator, schema),
            expected["predicateHash"].as_str().expect("hash"),
            "{}",
            vector["id"]
        );
        match SearchPredicate::new(&terms, operator, schema) {
            Ok(predicate) => assert_eq!(predicate_json(&predicate), expected["predicate"]),
            Err(_) => assert_eq!(expected["error"], EMPTY, "{}", vector["id"]),
        }
    }
    let mut not_expressible = 0;
    for vector in of_kind("predicate") {
        let schema = schema(&vector["config"]);
        let (Some(terms), Some(operator)) = (
            strings(&vector["input"]["terms"]),
            operator(&vector["input"]["operator"]),
        ) else {
            // Terms that are not strings, or an operator that is not `$and`/`$or`: Rust's
            // types cannot express them (`&str` and `Operator`).
            assert!(vector["expected"]["error"].is_string());
            not_expressible += 1;
            continue;
        };
        match SearchPredicate::new(&terms, operator, schema) {
            Ok(predicate) => assert_eq!(
                predicate_json(&predicate),
                vector["expected"]["predicate"],
                "{}",
                vector["id"]
            ),
            Err(_) => assert_eq!(vector["expected"]["error"], EMPTY, "{}", vector["id"]),
        }
    }
    assert!(not_expressible <= 4);
    for vector in of_kind("predicateHash") {
        let schema = schema(&vector["config"]);
        let terms = strings(&vector["input"]["terms"]).expect("terms");
        let operator = operator(&vector["input"]["operator"]).expect("an operator");
        assert_eq!(
            predicate_hash(&terms, operator, schema),
            vector["expected"].as_str().expect("hash"),
            "{}",
            vector["id"]
        );
    }
}

/// A cursor state from a vector's JSON, when it has every field.
fn state(json: &Value) -> Option<CursorState> {
    let buckets = json["bucketCursors"]
        .as_object()?
        .iter()
        .map(|(bucket, resume)| {
            let resume = resume.as_object().map(|key| {
                key.iter()
                    .map(|(name, value)| (name.clone(), value.as_str().expect("S").to_owned()))
                    .collect::<BTreeMap<_, _>>()
            });
            (bucket.parse().expect("a bucket"), resume)
        })
        .collect();
    Some(CursorState {
        buckets,
        predicate_hash: json["predicateHash"].as_str()?.to_owned(),
        model_prefix: json["modelPrefix"].as_str().map(str::to_owned),
        scope: json["scope"]
            .as_array()?
            .iter()
            .map(|bucket| u32::try_from(bucket.as_u64().expect("a bucket")).expect("small"))
            .collect(),
        tenant_id: match json.get("tenantId")? {
            Value::Null => None,
            other => Some(other.as_str()?.to_owned()),
        },
        pending: strings(json.get("pendingItemKeys").unwrap_or(&Value::Null)).unwrap_or_default(),
    })
}

#[test]
fn cursors_are_dynamo_baos() {
    for vector in of_kind("cursorEncode") {
        let Some(state) = state(&vector["input"]["state"]) else {
            // A state missing a field is a Rust struct that cannot be built.
            assert!(vector["expected"]["error"].is_string(), "{}", vector["id"]);
            continue;
        };
        assert_eq!(
            state.encode(),
            vector["expected"]["cursor"].as_str().expect("a cursor"),
            "{}",
            vector["id"]
        );
    }
    for vector in of_kind("cursorDecode") {
        let cursor = vector["input"]["cursor"].as_str().expect("a cursor");
        match (CursorState::decode(cursor), &vector["expected"]) {
            (Ok(decoded), expected) => {
                let value = state(&expected["value"])
                    .unwrap_or_else(|| panic!("{}: decoded {decoded:?}", vector["id"]));
                assert_eq!(decoded, value, "{}", vector["id"]);
            }
            (Err(message), expected) => {
                assert_eq!(
                    message,
                    expected["error"].as_str().unwrap_or_default(),
                    "{}",
                    vector["id"]
                );
            }
        }
    }
}

#[test]
fn one_page_query_matches_dynamo_baos_parameters() {
    let mut with_filters = 0;
    for vector in of_kind("queryParams") {
        let input = &vector["input"];
        if input.get("filter").is_some() {
            // bao's extra filter runs on loaded items, not in DynamoBao's filter language.
            with_filters += 1;
            continue;
        }
        let model = &vector["config"]["model"];
        let schema = schema(&model["searchConfig"]);
        let terms = strings(&input["terms"]).expect("terms");
        let operator = operator(&input["operator"]).expect("an operator");
        let predicate = SearchPredicate::new(&terms, operator, schema).expect("terms");
        let params = &vector["expected"]["params"];
        assert_eq!(
            format!("({})", predicate.expression()),
            params["FilterExpression"],
            "{}",
            vector["id"]
        );
        let buckets = model["iterationBuckets"].as_u64().expect("buckets");
        let bucket = input["bucket"].as_u64().expect("a bucket");
        let prefix = model["modelPrefix"].as_str().expect("a prefix");
        let partition = match buckets {
            1 => format!("{prefix}#iter"),
            _ => format!("{prefix}#iter#{bucket:03}"),
        };
        assert_eq!(
            params["ExpressionAttributeValues"][":pk"],
            partition.as_str()
        );
        assert_eq!(params["KeyConditionExpression"], "#pk = :pk");
        assert_eq!(params["IndexName"], super::SEARCH_INDEX_NAME);
    }
    assert!(with_filters <= 3);
}

proptest! {
    /// Query terms normalise as stored text does: an item is always found by the words of its
    /// own field, and a query has no term exactly when the text stores none.
    #[test]
    fn a_text_is_found_by_its_own_words(text in "\\PC{0,40}", case_sensitive: bool) {
        let schema = SearchSchema {
            fields: &["title"],
            case_sensitive,
            min_term_length: 1,
            dedupe: false,
        };
        let stored = search_text(&schema, &[Some(&AttributeValue::S(text.clone()))]);
        match SearchPredicate::new(&tokenize(&text), Operator::All, &schema) {
            Ok(predicate) => prop_assert!(predicate.matches(Some(&stored)), "{stored:?}"),
            Err(_) => prop_assert!(stored.is_empty(), "{stored:?}"),
        }
    }
}
