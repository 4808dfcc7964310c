//! DynamoBao's own search traces (`searchTrace` in `bao-runtime/tests/data/search-vectors.json`):
//! multi-page `searchAll` / `searchBucket` runs, replayed on the in-process DynamoDB with the
//! rows stored exactly as the trace gives them. Each page must send as many Queries, return the
//! same items in the same order, and carry a cursor with the same content (bucket positions,
//! carried items, hash, scope) as DynamoBao's. A trace that expects an error expects one here
//! too (bao's messages are its own).
//!
//! Not replayed: a trace with rows deleted between the index read and the item read (its fake
//! table keeps them in the index, which DynamoDB does not), and the trace of DynamoBao's guard
//! for a configuration without `iter_search_index` (bao always searches that index).

use bao_runtime::aws_sdk_dynamodb::types::AttributeValue;
use bao_runtime::query::Cursor;
use bao_runtime::{Db, Model, Search};
use base64::Engine as _;
use serde_json::Value;

// `TracePost` with 4 buckets, and with 12.
fixture!(search_trace);
fixture!(search_trace_12);

fn traces() -> Vec<Value> {
    bao_runtime::search::vectors::load()["vectors"]
        .as_array()
        .expect("vectors")
        .iter()
        .filter(|vector| vector["kind"] == "searchTrace")
        .cloned()
        .collect()
}

/// Why a trace is not replayed, if it is not.
fn skipped(trace: &Value) -> Option<&'static str> {
    let rows = trace["input"]["rows"].as_array()?;
    if rows.iter().any(|row| row["deleted"] == true) {
        return Some("rows deleted behind the index");
    }
    let guard = trace["expected"]["pages"].as_array()?.iter().any(|page| {
        page["error"]
            .as_str()
            .is_some_and(|e| e.contains("iter_search_index' GSI"))
    });
    guard.then_some("DynamoBao's guard for a table without the search index")
}

/// Each term as a quoted phrase, so the query splits back into exactly these terms.
fn query(terms: &Value) -> String {
    terms
        .as_array()
        .expect("terms")
        .iter()
        .map(|term| format!("\"{}\"", term.as_str().expect("a string term")))
        .collect::<Vec<_>>()
        .join(" ")
}

fn search<'a, M: Model>(db: &'a Db, call: &Value) -> Search<'a, M> {
    let query = query(&call["terms"]);
    let mut search = match call["api"].as_str() {
        Some("searchAll") => Search::all_buckets(db, &query),
        Some("searchBucket") => {
            let bucket = call["bucket"].as_u64().expect("a bucket");
            Search::bucket(db, u32::try_from(bucket).expect("small"), &query)
        }
        other => panic!("api {other:?}"),
    };
    let options = &call["options"];
    if let Some(size) = options["batchSize"].as_u64() {
        search = search.batch_size(u32::try_from(size).expect("small"));
    }
    match &options["limit"] {
        Value::Number(limit) => search = search.limit(limit.as_u64().expect("a limit") as usize),
        Value::String(infinity) if infinity == "Infinity" => search = search.limit(usize::MAX),
        _ => {}
    }
    if let Some(queries) = options["maxQueriesPerBucket"].as_u64() {
        search = search.max_queries_per_bucket(u32::try_from(queries).expect("small"));
    }
    if options["operator"] == "$or" {
        search = search.any_term();
    }
    search
}

fn decoded(cursor: &Cursor) -> Value {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor.as_str())
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON")
}

async fn replay<M: Model>(trace: &Value) {
    let id = trace["id"].as_str().expect("an id");
    let (test, requests) = tests::start_logged().await;
    let db = test.db();
    for row in trace["input"]["rows"].as_array().expect("rows") {
        let item = row["item"]
            .as_object()
            .expect("an item")
            .iter()
            .map(|(name, value)| {
                let text = value.as_str().expect("string attributes").to_owned();
                (name.clone(), AttributeValue::S(text))
            })
            .collect();
        db.client()
            .put_item()
            .table_name(db.table())
            .set_item(Some(item))
            .send()
            .await
            .expect("stores the row");
    }
    let calls = trace["input"]["calls"].as_array().expect("calls");
    let mut first_cursors: Vec<Option<Cursor>> = Vec::new();
    let mut pages = trace["expected"]["pages"].as_array().expect("pages").iter();
    for (index, call) in calls.iter().enumerate() {
        let mut cursor = call["cursorFrom"]
            .as_u64()
            .and_then(|from| first_cursors[from as usize].clone());
        let mut first = None;
        loop {
            let expected = pages
                .next()
                .unwrap_or_else(|| panic!("{id}: a page for call {index}"));
            assert_eq!(expected["call"], index, "{id}");
            let mut this = search::<M>(db, call);
            if let Some(cursor) = cursor.take() {
                this = this.after(cursor);
            }
            requests.reset();
            let result = this.page().await;
            if expected.get("error").is_some() {
                assert!(result.is_err(), "{id} call {index}: expected an error");
                break;
            }
            let page = result.unwrap_or_else(|error| panic!("{id} call {index}: {error}"));
            let queries = expected["queries"].as_array().expect("queries").len();
            assert_eq!(
                requests.count("Query"),
                queries,
                "{id} call {index}: queries"
            );
            let items: Vec<String> = page.items.iter().map(|item| item.primary_id()).collect();
            let want: Vec<String> = expected["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|item| item.as_str().expect("an id").to_owned())
                .collect();
            assert_eq!(items, want, "{id} call {index}: items, in order");
            assert_eq!(
                page.cursor.as_ref().map(decoded),
                (!expected["cursorDecoded"].is_null()).then(|| expected["cursorDecoded"].clone()),
                "{id} call {index}: the cursor"
            );
            if first.is_none() {
                first = Some(page.cursor.clone());
            }
            match (call["repeatUntilNull"] == true, page.cursor) {
                (true, Some(next)) => cursor = Some(next),
                _ => break,
            }
        }
        first_cursors.push(first.flatten());
    }
    assert!(pages.next().is_none(), "{id}: every expected page was made");
}

#[tokio::test(flavor = "current_thread")]
async fn search_pages_are_dynamo_baos() {
    let traces = traces();
    let mut replayed = 0;
    for trace in &traces {
        if skipped(trace).is_some() {
            continue;
        }
        match trace["config"]["model"]["iterationBuckets"].as_u64() {
            Some(4) => replay::<search_trace::TracePost>(trace).await,
            Some(12) => replay::<search_trace_12::TracePost>(trace).await,
            other => panic!("{}: {other:?} buckets", trace["id"]),
        }
        replayed += 1;
    }
    assert!(
        replayed + 2 >= traces.len(),
        "{replayed} of {} replayed",
        traces.len()
    );
    assert!(replayed >= 5);
}
