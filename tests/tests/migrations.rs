//! Whole-model migrations from the schema alone (`bao reindex`, `bao backfill-unique`): items
//! stored under schema v1 are brought into v2's indexes, iteration and search; a stopped or
//! failed migration resumes from its checkpoint and writes every item exactly once; duplicates
//! of a new unique constraint are listed, not overwritten; and the runtime description of a
//! model built from models.yaml is the one the generated code declares.

use bao_runtime::migrate::{self, Checkpoint, MigrateOptions, Progress, Walk};
use bao_runtime::ops::Derived;
use bao_runtime::schema::{FieldSchema, ModelSchema};
use bao_runtime::testing::faults::{EVERY_CALL, Throttling};
use bao_runtime::{Db, Model, SaveOptions};

use crate::old_items::{evolution_v1, evolution_v2};
use evolution_v2::{Note, NoteId};

/// Stores `count` notes under schema v1: no index, iteration or search attributes.
async fn v1_notes(db: &Db, count: usize) -> Vec<NoteId> {
    let mut ids = Vec::with_capacity(count);
    for n in 0..count {
        let title = format!("note {n} reindex");
        let new = evolution_v1::NewNote::new(title).with_topic(format!("topic{}", n % 3));
        let note = evolution_v1::Note::create(db, new).await.unwrap();
        ids.push(NoteId::from(note.note_id.0));
    }
    ids
}

/// Runs a reindex of `Note` from `checkpoint` until it is done or `pages` pages were finished.
async fn reindex(
    db: &Db,
    options: &MigrateOptions,
    checkpoint: &mut Checkpoint,
    pages: usize,
) -> bao_runtime::Result<()> {
    let mut seen = 0;
    let mut on_page = |_: &Checkpoint| {
        seen += 1;
        seen < pages
    };
    migrate::reindex(
        db,
        Note::SCHEMA,
        Derived::All,
        options,
        checkpoint,
        &mut on_page,
    )
    .await
}

fn scan() -> Walk {
    Walk::Scan { segments: 4 }
}

/// Everything v2 finds through its derived attributes.
async fn found_through_v2(db: &Db) -> (usize, usize, usize) {
    let mut by_topic = 0;
    for topic in ["topic0", "topic1", "topic2"] {
        by_topic += Note::query_by_topic(db, topic).all().await.unwrap().len();
    }
    let iterated = Note::iterate_all(db).collect().await.unwrap().len();
    let searched = Note::search(db, "reindex").all().await.unwrap().len();
    (by_topic, iterated, searched)
}

/// v1 items are invisible to v2's index, iteration and search; a dry run counts them and
/// writes nothing; a migration stopped after a few pages and resumed from its checkpoint (read
/// back from JSON, as `bao reindex` keeps it) writes each item exactly once, with fewer than
/// two requests per item, and leaves the other models' items alone. A second run writes
/// nothing.
#[tokio::test(flavor = "current_thread")]
async fn reindex_stops_resumes_and_writes_each_item_once() {
    const ITEMS: usize = 250;
    let test = tests::start().await;
    let db = test.db();
    v1_notes(db, ITEMS).await;
    // Another model whose prefix starts like Note's (`nt`): a Scan of Note must skip it.
    let other = [("_pk", "ntx#1"), ("_sk", "ntx"), ("topic", "topic0")];
    let mut put = db.client().put_item().table_name(db.table());
    for (name, value) in other {
        put = put.item(name, tests::s(value));
    }
    put.send().await.unwrap();
    assert_eq!(found_through_v2(db).await, (0, 0, 0));

    let mut dry = MigrateOptions::new(scan());
    dry.dry_run = true;
    let mut counted = Checkpoint::new(db, Note::SCHEMA, "reindex", scan()).unwrap();
    test.calls().reset();
    reindex(db, &dry, &mut counted, usize::MAX).await.unwrap();
    assert!(counted.is_done());
    assert_eq!(
        (counted.progress.scanned, counted.progress.changed),
        (250, 250)
    );
    assert_eq!(
        test.calls().count("UpdateItem"),
        0,
        "a dry run writes nothing"
    );

    let options = MigrateOptions {
        page_size: 25,
        ..MigrateOptions::new(scan())
    };
    let mut checkpoint = Checkpoint::new(db, Note::SCHEMA, "reindex", scan()).unwrap();
    test.calls().reset();
    reindex(db, &options, &mut checkpoint, 3).await.unwrap();
    assert!(!checkpoint.is_done(), "stopped after three pages");
    let first = checkpoint.progress.changed;
    assert!(first > 0 && first < ITEMS as u64, "{first}");

    let saved = serde_json::to_string(&checkpoint).unwrap();
    let mut resumed: Checkpoint = serde_json::from_str(&saved).unwrap();
    assert!(resumed.resumes(&Checkpoint::new(db, Note::SCHEMA, "reindex", scan()).unwrap()));
    reindex(db, &options, &mut resumed, usize::MAX)
        .await
        .unwrap();
    assert!(resumed.is_done());
    let Progress {
        scanned,
        changed,
        failed_count,
        ..
    } = resumed.progress;
    assert_eq!((scanned, changed, failed_count), (250, 250, 0));
    let writes = test.calls().count("UpdateItem");
    assert_eq!(writes, ITEMS, "every item written exactly once");
    let requests = test.calls().total() as f64 / ITEMS as f64;
    assert!(requests <= 2.0, "{requests} requests per item");
    assert_eq!(found_through_v2(db).await, (250, 250, 250));
    let untouched = tests::stored(db, "ntx#1", "ntx").await;
    assert_eq!(tests::attribute_names(&untouched), ["_pk", "_sk", "topic"]);

    let mut again = Checkpoint::new(db, Note::SCHEMA, "reindex", scan()).unwrap();
    reindex(db, &options, &mut again, usize::MAX).await.unwrap();
    assert_eq!((again.progress.changed, again.progress.unchanged), (0, 250));
    assert_eq!(
        test.calls().count("UpdateItem"),
        ITEMS,
        "nothing left to write"
    );

    // Walking the buckets now finds every item (they have iteration keys).
    let mut by_buckets = Checkpoint::new(db, Note::SCHEMA, "reindex", Walk::Buckets).unwrap();
    let buckets = MigrateOptions::new(Walk::Buckets);
    reindex(db, &buckets, &mut by_buckets, usize::MAX)
        .await
        .unwrap();
    assert_eq!(by_buckets.progress.scanned, 250);
}

/// A migration that fails half way (DynamoDB throttles every write beyond the retries) keeps
/// the pages it finished; resumed, it writes each remaining item once.
#[tokio::test(flavor = "current_thread")]
async fn a_failed_reindex_resumes_where_it_failed() {
    const ITEMS: usize = 120;
    let (_test, db, faults) = tests::start_faulty().await;
    v1_notes(&db, ITEMS).await;
    let options = MigrateOptions {
        page_size: 20,
        concurrency: 1,
        ..MigrateOptions::new(scan())
    };
    let mut checkpoint = Checkpoint::new(&db, Note::SCHEMA, "reindex", scan()).unwrap();
    faults.clear();
    let mut pages = 0;
    let mut on_page = |_: &Checkpoint| {
        pages += 1;
        if pages == 2 {
            faults.throttle("UpdateItem", EVERY_CALL, Throttling::Throttling);
        }
        true
    };
    let error = migrate::reindex(
        &db,
        Note::SCHEMA,
        Derived::All,
        &options,
        &mut checkpoint,
        &mut on_page,
    )
    .await
    .unwrap_err();
    assert!(error.is_throttled(), "{error}");
    assert!(!checkpoint.is_done());
    let before = checkpoint.progress.changed;
    assert!(before >= 1, "the first pages were written");

    faults.clear();
    reindex(&db, &options, &mut checkpoint, usize::MAX)
        .await
        .unwrap();
    assert!(checkpoint.is_done());
    // The throttled writes were never applied: every item was written once, by one run or
    // the other, and none was found already written (a double write would show as changed
    // twice, a lost one as unchanged).
    let Progress {
        scanned,
        changed,
        unchanged,
        ..
    } = checkpoint.progress;
    assert_eq!((scanned, changed, unchanged), (120, 120, 0));
    assert_eq!(found_through_v2(&db).await, (120, 120, 120));
}

/// `--index NAME` rewrites one index's keys and nothing else.
#[tokio::test(flavor = "current_thread")]
async fn reindex_of_one_index_writes_only_its_keys() {
    let test = tests::start().await;
    let db = test.db();
    let ids = v1_notes(db, 5).await;
    let index = Note::SCHEMA.index("byTopic").unwrap();
    let mut checkpoint =
        Checkpoint::new(db, Note::SCHEMA, "reindex --index byTopic", scan()).unwrap();
    let mut on_page = |_: &Checkpoint| true;
    let options = MigrateOptions::new(scan());
    migrate::reindex(
        db,
        Note::SCHEMA,
        Derived::Index(index),
        &options,
        &mut checkpoint,
        &mut on_page,
    )
    .await
    .unwrap();
    assert_eq!(checkpoint.progress.changed, 5);
    let item = tests::stored(db, &format!("nt#{}", ids[0]), "nt").await;
    let names = tests::attribute_names(&item);
    assert!(
        names.contains(&"_gsi1_pk") && names.contains(&"_gsi1_sk"),
        "{names:?}"
    );
    assert!(
        !names.contains(&"_iter_pk") && !names.contains(&"_searchText"),
        "{names:?}"
    );
}

/// `save_with(force_reindex)` writes every derived attribute of a loaded item, even with no
/// field changed (DynamoBao's `forceReindex`).
#[tokio::test(flavor = "current_thread")]
async fn a_forced_save_reindexes_the_item() {
    let test = tests::start().await;
    let db = test.db();
    let ids = v1_notes(db, 1).await;
    let mut note = Note::find(db, &ids[0]).await.unwrap().expect("stored");
    note.save(db).await.unwrap();
    // A plain save writes the changed field (the default of `pinned`) and the iteration keys
    // every write carries, not the index or search attributes of unchanged fields.
    assert_eq!(found_through_v2(db).await, (0, 1, 0));
    let options = SaveOptions {
        force_reindex: true,
        ..SaveOptions::default()
    };
    note.save_with(db, options).await.unwrap();
    assert_eq!(found_through_v2(db).await, (1, 1, 1));
    assert!(!Note::reindex(db, &ids[0]).await.unwrap(), "nothing left");
}

fixture!(evolution_v3);

/// `iterationBuckets` changed from 10 to 3: the items stored in buckets 3 to 9 are out of
/// reach of v3's iteration until a reindex, which only a Scan can find them for.
#[tokio::test(flavor = "current_thread")]
async fn changed_buckets_are_reached_by_a_scan_reindex() {
    let test = tests::start().await;
    let db = test.db();
    let ids = v1_notes(db, 60).await;
    for id in &ids {
        Note::reindex(db, id).await.unwrap();
    }
    let schema = evolution_v3::Note::SCHEMA;
    let iterated = || async {
        evolution_v3::Note::iterate_all(db)
            .collect()
            .await
            .unwrap()
            .len()
    };
    let before = iterated().await;
    assert!(before < 60, "{before}: only the items of buckets 0 to 2");

    let mut by_buckets = Checkpoint::new(db, schema, "reindex", Walk::Buckets).unwrap();
    let mut on_page = |_: &Checkpoint| true;
    let buckets = MigrateOptions::new(Walk::Buckets);
    migrate::reindex(
        db,
        schema,
        Derived::All,
        &buckets,
        &mut by_buckets,
        &mut on_page,
    )
    .await
    .unwrap();
    assert_eq!(
        by_buckets.progress.scanned as usize, before,
        "the buckets miss the others"
    );

    let mut by_scan = Checkpoint::new(db, schema, "reindex", scan()).unwrap();
    let options = MigrateOptions::new(scan());
    migrate::reindex(
        db,
        schema,
        Derived::All,
        &options,
        &mut by_scan,
        &mut on_page,
    )
    .await
    .unwrap();
    assert_eq!(by_scan.progress.scanned, 60);
    assert_eq!(iterated().await, 60);
}

fixture!(members_v1);
fixture!(members_v2);

/// A unique constraint added to a model with data: the backfill creates the constraint item of
/// every value, lists the items whose value another item owns (and overwrites nothing), and a
/// second run, after the duplicate is fixed, creates the rest.
#[tokio::test(flavor = "current_thread")]
async fn backfill_unique_creates_constraint_items_and_lists_duplicates() {
    use members_v2::Member;

    let test = tests::start().await;
    let db = test.db();
    let mut members = Vec::new();
    for email in ["a@x.io", "b@x.io", "a@x.io", "c@x.io"] {
        let new = members_v1::NewMember::new("name").with_email(email);
        members.push(members_v1::Member::create(db, new).await.unwrap());
    }
    let schema = Member::SCHEMA;
    let constraint = &schema.unique_constraints[0];
    let task = "backfill-unique uniqueEmail";
    let run = |checkpoint: Checkpoint, dry_run: bool| async move {
        let mut checkpoint = checkpoint;
        let mut options = MigrateOptions::new(scan());
        options.dry_run = dry_run;
        let mut on_page = |_: &Checkpoint| true;
        migrate::backfill_unique(
            db,
            schema,
            constraint,
            &options,
            &mut checkpoint,
            &mut on_page,
        )
        .await
        .unwrap();
        checkpoint.progress
    };
    let fresh = || Checkpoint::new(db, schema, task, scan()).unwrap();

    let counted = run(fresh(), true).await;
    assert_eq!(counted.changed, 4, "a dry run sees no constraint item yet");
    assert!(tests::unique_items(db).await.is_empty());

    let done = run(fresh(), false).await;
    assert_eq!((done.scanned, done.changed, done.failed_count), (4, 3, 1));
    let duplicate = &done.failed[0];
    assert!(duplicate.error.contains("duplicate") && duplicate.error.contains("a@x.io"));
    assert_eq!(tests::unique_items(db).await.len(), 3);
    let owner = Member::find_by_email(db, "a@x.io")
        .await
        .unwrap()
        .expect("owned");
    let ids: Vec<String> = [&members[0], &members[2]]
        .iter()
        .map(|member| member.member_id.to_string())
        .collect();
    assert!(ids.contains(&owner.member_id.to_string()));
    assert!(ids.contains(&duplicate.id) && duplicate.id != owner.member_id.to_string());

    // The duplicate is fixed where the constraint does not apply yet (it owns no value).
    let loser_id = duplicate.id.parse().unwrap();
    let mut loser = members_v1::Member::find(db, &loser_id)
        .await
        .unwrap()
        .expect("stored");
    loser.email = Some("d@x.io".to_owned());
    loser.save(db).await.unwrap();
    let again = run(fresh(), false).await;
    assert_eq!(
        (again.changed, again.unchanged, again.failed_count),
        (1, 3, 0)
    );
    assert_eq!(tests::unique_items(db).await.len(), 4);
}

/// The runtime description of each root model, built from models.yaml for the migration
/// commands, is the one its generated code declares.
#[test]
fn models_yaml_describes_models_as_the_generated_code_does() {
    use examples::models::*;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../models.yaml");
    let validated = bao_codegen::validate::load_and_validate(&path).unwrap();
    let generated: [&ModelSchema; 10] = [
        Article::SCHEMA,
        Comment::SCHEMA,
        Document::SCHEMA,
        Order::SCHEMA,
        Post::SCHEMA,
        Setting::SCHEMA,
        Showcase::SCHEMA,
        Tag::SCHEMA,
        TaggedPost::SCHEMA,
        User::SCHEMA,
    ];
    assert_eq!(validated.schema.models.len(), generated.len());
    // A `rustType` check exists only in the generated code.
    let stored = |fields: &[FieldSchema]| -> Vec<FieldSchema> {
        fields
            .iter()
            .map(|field| FieldSchema {
                custom: None,
                ..*field
            })
            .collect()
    };
    for expected in generated {
        let model = validated.schema.model(expected.name).unwrap();
        let built = bao_codegen::runtime_schema::model_schema(&validated.schema, model);
        assert_eq!(
            stored(built.fields),
            stored(expected.fields),
            "{}",
            expected.name
        );
        assert_eq!(
            ModelSchema {
                fields: &[],
                ..*built
            },
            ModelSchema {
                fields: &[],
                ..*expected
            },
            "{}",
            expected.name
        );
    }
}
