//! One span per DynamoDB call, named and attributed as OpenTelemetry's database conventions
//! say: the operation, table, index and model, then the rows returned and the capacity.

use bao_runtime::Model;
use examples::models::{NewUser, Post, User};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::Registry;

/// A span's fields, by name.
type SpanFields = BTreeMap<String, String>;

/// The fields of every `dynamodb` span, in the order the spans were opened.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<Vec<(Id, SpanFields)>>>);

struct Fields<'a>(&'a mut SpanFields);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

thread_local! {
    /// Whether this thread's spans are recorded: the test's own thread only.
    static RECORDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The recorder, installed once as the global subscriber: a subscriber set per thread loses
/// to the callsite interest other test threads cache concurrently.
fn recorder() -> &'static Spans {
    static SPANS: std::sync::OnceLock<Spans> = std::sync::OnceLock::new();
    SPANS.get_or_init(|| {
        let spans = Spans::default();
        tracing::subscriber::set_global_default(Registry::default().with(spans.clone()))
            .expect("no other global subscriber");
        spans
    })
}

impl<S: tracing::Subscriber> Layer<S> for Spans {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        if attrs.metadata().name() != "dynamodb" || !RECORDING.with(std::cell::Cell::get) {
            return;
        }
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        self.0.lock().unwrap().push((id.clone(), fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let mut spans = self.0.lock().unwrap();
        if let Some((_, fields)) = spans.iter_mut().find(|(span, _)| span == id) {
            values.record(&mut Fields(fields));
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn each_call_has_one_span_with_its_operation_table_model_rows_and_capacity() {
    let spans = recorder();
    RECORDING.with(|recording| recording.set(true));
    let test = tests::start().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    spans.0.lock().unwrap().clear();

    ada.query_posts(db).page().await.unwrap();
    Post::find_partial(
        db,
        &examples::models::PostId::generate(db),
        &[Post::TITLE.path()],
    )
    .await
    .unwrap();

    let recorded = spans.0.lock().unwrap().clone();
    let fields: Vec<&SpanFields> = recorded.iter().map(|(_, f)| f).collect();
    assert_eq!(fields.len(), 2, "{fields:#?}");
    let query = fields[0];
    let get = |name: &str| query.get(name).map(String::as_str);
    assert_eq!(get("db.system.name"), Some("aws.dynamodb"));
    assert_eq!(get("db.operation.name"), Some("Query"));
    assert_eq!(get("db.collection.name"), Some(db.table()));
    assert_eq!(get("aws.dynamodb.table_names"), Some(db.table()));
    assert_eq!(get("aws.dynamodb.index_name"), Some("gsi2"));
    assert_eq!(get("bao.model"), Some("Post"));
    assert_eq!(get("db.response.returned_rows"), Some("0"));
    assert_eq!(
        get("otel.name"),
        Some(format!("Query {}", db.table()).as_str())
    );
    assert_eq!(get("otel.kind"), Some("client"));
    assert!(get("bao.rcu").is_some(), "{query:?}");
    assert_eq!(
        fields[1].get("db.operation.name").map(String::as_str),
        Some("GetItem")
    );
    assert_eq!(
        fields[1].get("aws.dynamodb.index_name"),
        None,
        "no index: no attribute"
    );
}
