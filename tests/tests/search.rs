//! Search on the root schema's `Article` (`searchable: {fields: [title, body]}`, 10 buckets):
//! every write keeps `_searchText` exactly as DynamoBao 0.6 does without an extra request, and
//! `Article::search` finds items (written by bao, or stored the way DynamoBao stores them)
//! page by page, with cursors that cannot be turned against it.

use bao_runtime::aws_sdk_dynamodb::types::AttributeValue;
use bao_runtime::query::Cursor;
use bao_runtime::{Error, Model};
use examples::models::{Article, ArticleUpdate, NewArticle};
use std::collections::BTreeSet;
use tests::{raw_item, start, start_logged};

fn text_of(item: &tests::RawItem) -> Option<&str> {
    match item.get("_searchText") {
        Some(AttributeValue::S(text)) => Some(text),
        _ => None,
    }
}

async fn stored_text(db: &bao_runtime::Db, article: &Article) -> Option<String> {
    let pk = format!("a#{}", article.article_id);
    let item = raw_item(db, &pk, "a").await.expect("stored");
    text_of(&item).map(str::to_owned)
}

fn titles(items: &[Article]) -> BTreeSet<String> {
    items.iter().map(|article| article.title.clone()).collect()
}

/// Create, save and update keep `_searchText` as DynamoBao computes it (strip, lowercase,
/// collapse), remove it when the text becomes empty, and add no request to any write.
#[tokio::test(flavor = "current_thread")]
async fn every_write_keeps_the_search_text() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let mut article = Article::create(
        db,
        NewArticle::new("Hello, World!").with_body("Foo-bar  BAZ"),
    )
    .await
    .unwrap();
    assert_eq!(requests.total(), 1, "create: one PutItem");
    assert_eq!(
        stored_text(db, &article).await.as_deref(),
        Some("hello world foo bar baz")
    );

    requests.reset();
    article.body = Some("Ünïcode STRAßE".to_owned());
    article.save(db).await.unwrap();
    assert_eq!(requests.total(), 1, "save: one UpdateItem");
    assert_eq!(
        stored_text(db, &article).await.as_deref(),
        Some("hello world ünïcode straße")
    );

    // A write that touches no source field leaves the text alone.
    requests.reset();
    let article = Article::update(
        db,
        &article.article_id,
        ArticleUpdate::new().status("published"),
    )
    .await
    .unwrap();
    assert_eq!(requests.total(), 1);
    assert_eq!(
        stored_text(db, &article).await.as_deref(),
        Some("hello world ünïcode straße")
    );

    // An update that writes every source field recomputes it without a read; punctuation only
    // removes the attribute.
    requests.reset();
    let article = Article::update(
        db,
        &article.article_id,
        ArticleUpdate::new().title("?!").clear_body(),
    )
    .await
    .unwrap();
    assert_eq!(requests.total(), 1, "update: one UpdateItem");
    assert_eq!(stored_text(db, &article).await, None);

    // A new item with no words stores no attribute at all.
    let quiet = Article::create(db, NewArticle::new("...")).await.unwrap();
    assert_eq!(stored_text(db, &quiet).await, None);
}

/// An update without a read cannot know the other source field, so it must write both (or the
/// item is loaded and saved), as with the halves of an index key.
#[tokio::test(flavor = "current_thread")]
async fn an_update_of_one_source_field_names_the_other() {
    let test = start().await;
    let db = test.db();
    let article = Article::create(db, NewArticle::new("Old").with_body("Body"))
        .await
        .unwrap();
    let refused = Article::update(db, &article.article_id, ArticleUpdate::new().title("New"))
        .await
        .expect_err("body is needed");
    assert!(
        matches!(&refused, Error::Validation { field: "body", message, .. } if message.contains("search text")),
        "{refused}"
    );
    assert_eq!(stored_text(db, &article).await.as_deref(), Some("old body"));
}

async fn library(db: &bao_runtime::Db) -> Vec<Article> {
    let mut articles = Vec::new();
    for (title, body) in [
        ("Rust and DynamoDB", "single-table design"),
        ("DynamoDB streams", "change data capture"),
        ("Cooking rice", "water and heat"),
        ("Rust ownership", "borrowing rules"),
        ("Gardening", "rust on leaves"),
        ("Single-table design", "one table, many models"),
    ] {
        let new = NewArticle::new(title).with_body(body);
        articles.push(Article::create(db, new).await.unwrap());
    }
    articles
}

/// Every term must occur by default; `any_term` needs one. Terms match anywhere, across fields,
/// as DynamoDB's `contains` does.
#[tokio::test(flavor = "current_thread")]
async fn search_finds_items_by_their_words() {
    let test = start().await;
    let db = test.db();
    library(db).await;
    let found = Article::search(db, "rust dynamodb").all().await.unwrap();
    assert_eq!(
        titles(&found),
        BTreeSet::from(["Rust and DynamoDB".to_owned()])
    );
    let found = Article::search(db, "RUST").all().await.unwrap();
    assert_eq!(found.len(), 3, "title or body, any case");
    let found = Article::search(db, "rice streams")
        .any_term()
        .all()
        .await
        .unwrap();
    assert_eq!(
        titles(&found),
        BTreeSet::from(["Cooking rice".to_owned(), "DynamoDB streams".to_owned()])
    );
    let found = Article::search(db, "\"single table\"").all().await.unwrap();
    assert_eq!(
        found.len(),
        2,
        "a quoted phrase, its hyphen stripped like the text's"
    );
    let found = Article::search(db, "rust")
        .filter(|article| article.body.as_deref() == Some("borrowing rules"))
        .all()
        .await
        .unwrap();
    assert_eq!(
        titles(&found),
        BTreeSet::from(["Rust ownership".to_owned()])
    );
    let mut in_buckets = 0;
    for bucket in 0..10 {
        in_buckets += Article::search_bucket(db, bucket, "rust")
            .all()
            .await
            .unwrap()
            .len();
    }
    assert_eq!(in_buckets, 3, "the buckets partition the items");
}

/// Pages of `limit` items with a cursor; the pages together hold every match once, in the same
/// order on every run.
#[tokio::test(flavor = "current_thread")]
async fn pages_hold_every_match_once_in_a_stable_order() {
    let test = start().await;
    let db = test.db();
    for n in 0..23 {
        let new = NewArticle::new(format!("note {n}")).with_body("shared words");
        Article::create(db, new).await.unwrap();
    }
    Article::create(db, NewArticle::new("unrelated"))
        .await
        .unwrap();
    let mut seen = Vec::new();
    let mut cursor: Option<Cursor> = None;
    loop {
        let mut search = Article::search(db, "shared").limit(5).batch_size(4);
        if let Some(cursor) = cursor.take() {
            search = search.after(cursor);
        }
        let page = search.page().await.unwrap();
        assert!(page.items.len() <= 5);
        seen.extend(page.items.into_iter().map(|article| article.title));
        match page.cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 23);
    assert_eq!(
        seen.iter().collect::<BTreeSet<_>>().len(),
        23,
        "no item twice"
    );
    let again: Vec<String> = Article::search(db, "shared")
        .limit(5)
        .batch_size(4)
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|article| article.title)
        .collect();
    assert_eq!(again, seen, "the same order");
}

/// A query with no word is refused; a cursor of another query, another tenant or other buckets
/// is refused; a corrupt cursor is a typed error.
#[tokio::test(flavor = "current_thread")]
async fn bad_queries_and_cursors_are_typed_errors() {
    let test = start().await;
    let db = test.db();
    library(db).await;
    let refused = Article::search(db, "?! ...").page().await.unwrap_err();
    assert!(
        matches!(refused, Error::Validation { field: "query", .. }),
        "{refused}"
    );

    let page = Article::search(db, "rust").limit(1).page().await.unwrap();
    let cursor = page.cursor.expect("more to find");
    let tenant = db.with_tenant("acme").unwrap();
    for search in [
        Article::search(db, "rice"),
        Article::search_bucket(db, 0, "rust"),
        Article::search(&tenant, "rust"),
    ] {
        refused_cursor(search, cursor.clone()).await;
    }
    refused_cursor(
        Article::search(db, "rust"),
        Cursor::from_token("not a cursor!"),
    )
    .await;
}

/// DynamoBao's cursors carry the ids of items found beyond a page's limit and return them
/// unchecked. bao reads them again: a forged cursor naming items that do not match yields
/// nothing, and one naming a bucket outside the search is refused.
#[tokio::test(flavor = "current_thread")]
async fn a_forged_cursor_yields_only_what_the_search_would() {
    use base64::Engine as _;
    let test = start().await;
    let db = test.db();
    let articles = library(db).await;
    let page = Article::search(db, "rust").limit(1).page().await.unwrap();
    let token = page.cursor.expect("a cursor").as_str().to_owned();
    let decode = |token: &str| -> serde_json::Value {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token)
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    };
    let encode = |json: &serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json.to_string())
    };
    let mut forged = decode(&token);
    // Every item of the model, matching or not, and no bucket left to read.
    forged["pendingItemKeys"] = articles
        .iter()
        .map(|article| serde_json::Value::String(article.article_id.to_string()))
        .collect();
    forged["bucketCursors"] = serde_json::json!({});
    let found = Article::search(db, "rust")
        .after(Cursor::from_token(encode(&forged)))
        .all()
        .await
        .unwrap();
    assert!(
        found.iter().all(|article| {
            let words = format!(
                "{} {}",
                article.title,
                article.body.clone().unwrap_or_default()
            );
            words.to_lowercase().contains("rust")
        }),
        "{:?}",
        titles(&found)
    );
    assert_eq!(found.len(), 3);

    let mut outside = decode(&token);
    outside["bucketCursors"] = serde_json::json!({"17": null});
    refused_cursor(
        Article::search(db, "rust"),
        Cursor::from_token(encode(&outside)),
    )
    .await;
}

/// Asserts that `search` refuses `cursor` with a typed error naming the cursor.
async fn refused_cursor(search: bao_runtime::Search<'_, Article>, cursor: Cursor) {
    let refused = search.after(cursor).page().await.unwrap_err();
    assert!(
        matches!(
            &refused,
            Error::Validation {
                field: "cursor",
                ..
            }
        ),
        "{refused}"
    );
}

/// Items stored the way DynamoBao 0.6 stores them (its `_searchText`, iteration keys, no help
/// from bao) are found by bao's search.
#[tokio::test(flavor = "current_thread")]
async fn items_stored_by_dynamo_bao_are_found() {
    let test = start().await;
    let db = test.db();
    let id = "01HZX3K5Q7Y8M9N0P1R2S3T4V5";
    let bucket = bao_runtime::keys::iteration_bucket(id, 10);
    let s = |text: &str| AttributeValue::S(text.to_owned());
    db.client()
        .put_item()
        .table_name(db.table())
        .item("_pk", s(&format!("a#{id}")))
        .item("_sk", s("a"))
        .item("_iter_pk", s(&format!("a#iter#{bucket:03}")))
        .item("_iter_sk", s(id))
        .item("articleId", s(id))
        .item("title", s("Written in Node"))
        .item("status", s("draft"))
        .item("createdAt", AttributeValue::N("1700000000000".to_owned()))
        .item("_searchText", s("written in node"))
        .send()
        .await
        .unwrap();
    let found = Article::search(db, "node").all().await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].article_id.to_string(), id);
}

/// One search page sends one Query per bucket per round and one BatchGetItem per round that
/// found items (at most 100 keys each): never more than DynamoBao, whose page also queries
/// every bucket each round and reads each query's matches with its own batch read.
#[tokio::test(flavor = "current_thread")]
async fn a_search_page_costs_one_query_per_bucket_and_one_batch_read() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    library(db).await;
    requests.reset();
    let found = Article::search(db, "rust").page().await.unwrap();
    assert_eq!(found.items.len(), 3);
    assert_eq!(found.cursor, None);
    assert_eq!(
        requests.count("Query"),
        10,
        "one query per bucket: {:?}",
        requests.operations()
    );
    assert_eq!(requests.count("BatchGetItem"), 1);
    assert_eq!(requests.total(), 11);
}

/// A search-text rebuild (`bao rebuild-search-text`) rewrites exactly the items whose stored
/// text is stale or missing, and a second run finds nothing to do.
#[tokio::test(flavor = "current_thread")]
async fn a_rebuild_repairs_stale_text_and_is_idempotent() {
    let test = start().await;
    let db = test.db();
    let articles = library(db).await;
    let stale = &articles[0];
    let pk = |article: &Article| format!("a#{}", article.article_id);
    tests::raw_set(
        db,
        &pk(stale),
        "a",
        "_searchText",
        AttributeValue::S("stale".into()),
    )
    .await;
    db.client()
        .update_item()
        .table_name(db.table())
        .key("_pk", AttributeValue::S(pk(&articles[1])))
        .key("_sk", AttributeValue::S("a".into()))
        .update_expression("REMOVE #st")
        .expression_attribute_names("#st", "_searchText")
        .send()
        .await
        .unwrap();
    let (done, pages) = rebuild_search_text(db).await;
    assert_eq!((done.scanned, done.changed, done.skipped), (6, 2, 0));
    assert!(pages >= 10, "progress after each page of each bucket");
    assert_eq!(
        stored_text(db, stale).await.as_deref(),
        Some("rust and dynamodb single table design")
    );
    assert_eq!(
        stored_text(db, &articles[1]).await.as_deref(),
        Some("dynamodb streams change data capture")
    );
    let (again, _) = rebuild_search_text(db).await;
    assert_eq!((again.scanned, again.changed), (6, 0));
}

/// `bao rebuild-search-text`: the search text of every article, through its buckets; the
/// progress and the number of pages seen.
async fn rebuild_search_text(db: &bao_runtime::Db) -> (bao_runtime::migrate::Progress, usize) {
    use bao_runtime::migrate::{self, Checkpoint, MigrateOptions, Walk};
    let schema = Article::SCHEMA;
    let options = MigrateOptions::new(Walk::Buckets);
    let mut checkpoint = Checkpoint::new(db, schema, "rebuild-search-text", Walk::Buckets).unwrap();
    let mut pages = 0;
    let derived = bao_runtime::ops::Derived::SearchText;
    let mut on_page = |_: &Checkpoint| {
        pages += 1;
        true
    };
    migrate::reindex(db, schema, derived, &options, &mut checkpoint, &mut on_page)
        .await
        .unwrap();
    assert!(checkpoint.is_done());
    (checkpoint.progress, pages)
}

/// A handle may iterate through `iter_search_index` (DynamoBao's `iterationIndexName`), for a
/// table that dropped `iter_index`: same keys, same items.
#[tokio::test(flavor = "current_thread")]
async fn iteration_can_read_the_search_index() {
    let test = start().await;
    let articles = library(test.db()).await;
    let db = bao_runtime::Db::builder(test.db().client().clone(), test.db().table())
        .iteration_index("iter_search_index")
        .build();
    assert_eq!(db.iteration_index(), "iter_search_index");
    let all = Article::iterate_all(&db).collect().await.unwrap();
    assert_eq!(titles(&all), titles(&articles));
}
