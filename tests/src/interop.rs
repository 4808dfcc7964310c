//! What the interop suite shares: DynamoBao calls for `tests/interop/steps.mjs`, the JSON form
//! of every model that both sides print (the field names of `models.yaml`; dates as epoch ms,
//! binary as an array of bytes, string sets sorted, absent values `null`), and one item of every
//! model with every field set, written either by bao or by DynamoBao.

use crate::node::DynamoBao;
use bao_runtime::testing::TestDb;
use bao_runtime::{Db, Model, Timestamp, Ulid};
use examples::models::{
    Address, Comment, CommentKey, Document, DocumentId, LineItem, NewComment, NewDocument,
    NewOrder, NewPost, NewSetting, NewShowcase, NewTag, NewTaggedPost, NewUser, Order, OrderId,
    OrderStatus, Post, PostId, Setting, SettingId, Showcase, ShowcaseId, Tag, TagId, TaggedPost,
    TaggedPostKey, User, UserId,
};
use serde_json::{Value, json};

/// The `DateTimeField` value of the fixture showcase (epoch ms).
pub const HAPPENED_AT_MS: i64 = 1_700_000_000_123;
/// The `TtlField` value of the fixture showcase: whole seconds, as a TTL is stored.
pub const TTL_MS: i64 = 1_900_000_000_000;
/// The `FloatField` value of the fixture showcase, before its `precision: 2` rounds it.
pub const RATIO: f64 = 1.23456;
/// The `BinaryField` value of the fixture showcase: not valid UTF-8.
pub const PAYLOAD: [u8; 6] = [0, 1, 127, 128, 254, 255];

/// Runs DynamoBao `steps` on the test table (under `tenant` when given) and returns each
/// result: the JSON of what it returned, or its error as `{"name", "message"}`.
pub async fn dynamo_bao(
    test: &TestDb,
    tenant: Option<&str>,
    steps: Vec<Value>,
) -> Vec<Result<Value, Value>> {
    let endpoint = test.endpoint().to_owned();
    let table = test.db().table().to_owned();
    let input = json!({ "tenant": tenant, "steps": steps });
    let output = tokio::task::spawn_blocking(move || {
        let installed = DynamoBao::install().unwrap_or_else(|error| panic!("{error}"));
        installed
            .run_json("steps.mjs", &endpoint, &table, &input)
            .unwrap_or_else(|error| panic!("{error}"))
    })
    .await
    .unwrap_or_else(|error| std::panic::resume_unwind(error.into_panic()));
    output["results"]
        .as_array()
        .unwrap_or_else(|| panic!("steps.mjs printed no results: {output}"))
        .iter()
        .map(|result| match (result.get("ok"), result.get("error")) {
            (Some(ok), _) => Ok(ok.clone()),
            (None, Some(error)) => Err(error.clone()),
            (None, None) => panic!("a result that is neither ok nor error: {result}"),
        })
        .collect()
}

/// Like [`dynamo_bao`], for steps that must all succeed.
pub async fn dynamo_bao_ok(test: &TestDb, tenant: Option<&str>, steps: Vec<Value>) -> Vec<Value> {
    dynamo_bao(test, tenant, steps)
        .await
        .into_iter()
        .enumerate()
        .map(|(index, result)| result.unwrap_or_else(|error| panic!("step {index}: {error}")))
        .collect()
}

/// The DynamoBao calls `steps.mjs` runs.
pub mod step {
    use serde_json::{Value, json};

    /// `Model.create(data)`.
    pub fn create(model: &str, data: Value) -> Value {
        json!({ "op": "create", "model": model, "data": data })
    }

    /// `Model.update(id, data)`.
    pub fn update(model: &str, id: &str, data: Value) -> Value {
        json!({ "op": "update", "model": model, "id": id, "data": data })
    }

    /// `Model.delete(id)`.
    pub fn delete(model: &str, id: &str) -> Value {
        json!({ "op": "delete", "model": model, "id": id })
    }

    /// `Model.find(id)`: the item, or `null`.
    pub fn find(model: &str, id: &str) -> Value {
        json!({ "op": "find", "model": model, "id": id })
    }

    /// A static method: `Model.method(...args)`.
    pub fn call_static(model: &str, method: &str, args: Value) -> Value {
        json!({ "op": "static", "model": model, "method": method, "args": args })
    }

    /// A method of a found item: `(await Model.find(id)).method()`.
    pub fn call(model: &str, id: &str, method: &str) -> Value {
        json!({ "op": "method", "model": model, "id": id, "method": method })
    }

    /// Every item of `Model.iterateAll()`.
    pub fn iterate_all(model: &str) -> Value {
        json!({ "op": "iterateAll", "model": model })
    }
}

/// A model as JSON, in the form DynamoBao's side prints.
pub trait AsJson {
    /// Every field, by its `models.yaml` name.
    fn as_json(&self) -> Value;
}

fn ms(timestamp: Timestamp) -> i64 {
    timestamp.as_millisecond()
}

impl AsJson for User {
    fn as_json(&self) -> Value {
        json!({
            "userId": self.user_id.to_string(),
            "name": self.name,
            "email": self.email,
            "profilePictureUrl": self.profile_picture_url,
            "createdAt": ms(self.created_at),
            "modifiedAt": ms(self.modified_at),
            "role": self.role,
        })
    }
}

impl AsJson for Post {
    fn as_json(&self) -> Value {
        json!({
            "postId": self.post_id.to_string(),
            "userId": self.user_id.to_string(),
            "title": self.title,
            "content": self.content,
            "views": self.views,
            "createdAt": ms(self.created_at),
        })
    }
}

impl AsJson for Tag {
    fn as_json(&self) -> Value {
        json!({ "tagId": self.tag_id.to_string(), "name": self.name })
    }
}

impl AsJson for TaggedPost {
    fn as_json(&self) -> Value {
        json!({
            "tagId": self.tag_id.to_string(),
            "postId": self.post_id.to_string(),
            "createdAt": ms(self.created_at),
        })
    }
}

impl AsJson for Comment {
    fn as_json(&self) -> Value {
        json!({
            "postId": self.post_id.to_string(),
            "commentId": self.comment_id.to_string(),
            "authorId": self.author_id.to_string(),
            "text": self.text,
            "createdAt": ms(self.created_at),
        })
    }
}

impl AsJson for Document {
    fn as_json(&self) -> Value {
        json!({
            "documentId": self.document_id.to_string(),
            "title": self.title,
            "body": self.body,
            "version": self.version.to_string(),
            "modifiedAt": ms(self.modified_at),
        })
    }
}

impl AsJson for Showcase {
    fn as_json(&self) -> Value {
        json!({
            "showcaseId": self.showcase_id.to_string(),
            "label": self.label,
            "quantity": self.quantity,
            "ratio": self.ratio,
            "active": self.active,
            "happenedAt": self.happened_at.map(ms),
            "createdAt": ms(self.created_at),
            "modifiedAt": ms(self.modified_at),
            "ownerId": self.owner_id.map(|id| id.to_string()),
            "hits": self.hits,
            "payload": self.payload,
            "version": self.version.to_string(),
            "ttl": self.ttl.map(ms),
            "labels": self.labels,
        })
    }
}

impl AsJson for Order {
    fn as_json(&self) -> Value {
        json!({
            "orderId": self.order_id.to_string(),
            "customerId": self.customer_id.to_string(),
            "status": self.status.as_str(),
            "total": self.total,
            // Shapes serialise by their models.yaml names, as DynamoBao reads the maps.
            "shipTo": serde_json::to_value(&self.ship_to).expect("an address as JSON"),
            "lines": serde_json::to_value(&self.lines).expect("lines as JSON"),
            "createdAt": ms(self.created_at),
        })
    }
}

impl AsJson for Setting {
    fn as_json(&self) -> Value {
        json!({ "name": self.name.to_string(), "value": self.value })
    }
}

/// The JSON of a list of items, in order.
pub fn as_json<M: AsJson>(items: &[M]) -> Vec<Value> {
    items.iter().map(AsJson::as_json).collect()
}

/// The keys of one item of every model, chosen up front so both libraries can write the same
/// items.
#[derive(Debug, Clone)]
pub struct Ids {
    /// The user, who writes the post and the comment and owns the showcase.
    pub user: UserId,
    /// The post, tagged and commented.
    pub post: PostId,
    /// The tag on the post.
    pub tag: TagId,
    /// The comment's sort key.
    pub comment: Ulid,
    /// The document.
    pub document: DocumentId,
    /// The showcase (every field type).
    pub showcase: ShowcaseId,
    /// The user's order (a plain-field index).
    pub order: OrderId,
    /// The setting's name (its sort key; the partition is the model prefix).
    pub setting: SettingId,
}

impl Ids {
    /// Fresh keys, from the clock of `db`.
    pub fn new(db: &Db) -> Ids {
        Ids {
            user: UserId::generate(db),
            post: PostId::generate(db),
            tag: TagId::generate(db),
            comment: db.new_ulid(),
            document: DocumentId::generate(db),
            showcase: ShowcaseId::generate(db),
            order: OrderId::generate(db),
            setting: SettingId("theme".to_owned()),
        }
    }

    /// DynamoBao's primary id of each item (what its `find` takes), by model, in the order of
    /// [`bao_writes_every_model`] and [`dynamo_bao_writes_every_model`].
    pub fn primary_ids(&self) -> Vec<(&'static str, String)> {
        vec![
            ("User", self.user.to_string()),
            ("Post", self.post.to_string()),
            ("Tag", self.tag.to_string()),
            ("TaggedPost", format!("{}##__SK__##{}", self.tag, self.post)),
            (
                "Comment",
                format!("{}##__SK__##{}", self.post, self.comment),
            ),
            ("Document", self.document.to_string()),
            ("Showcase", self.showcase.to_string()),
            ("Order", self.order.to_string()),
            ("Setting", self.setting.to_string()),
        ]
    }
}

/// bao creates one item of every model with every field set; returns each item's DynamoBao
/// primary id (from `primary_id()`) and JSON, in [`Ids::primary_ids`] order.
pub async fn bao_writes_every_model(db: &Db, ids: &Ids) -> Vec<(String, Value)> {
    let user = User::create(
        db,
        NewUser::new("Ada", "ada@example.com")
            .with_user_id(ids.user)
            .with_profile_picture_url("https://example.com/ada.png")
            .with_role("admin"),
    )
    .await
    .unwrap();
    let post = Post::create(
        db,
        NewPost::new(ids.user, "Notes", "On the analytical engine")
            .with_post_id(ids.post)
            .with_views(3),
    )
    .await
    .unwrap();
    let tag = Tag::create(db, NewTag::new("history").with_tag_id(ids.tag))
        .await
        .unwrap();
    let tagged = TaggedPost::create(db, NewTaggedPost::new(ids.tag, ids.post))
        .await
        .unwrap();
    let comment = Comment::create(
        db,
        NewComment::new(ids.post, ids.user, "First!").with_comment_id(ids.comment),
    )
    .await
    .unwrap();
    let document = Document::create(
        db,
        NewDocument::new("Plan")
            .with_document_id(ids.document)
            .with_body("Draft"),
    )
    .await
    .unwrap();
    let showcase = Showcase::create(db, fixture_showcase(ids)).await.unwrap();
    let order = Order::create(
        db,
        NewOrder::new(ids.user, OrderStatus::Open, 4200)
            .with_order_id(ids.order)
            .with_ship_to(Address {
                street: "1 Main St".into(),
                city: "Springfield".into(),
                country: Some("US".into()),
            })
            .with_lines(vec![
                LineItem {
                    sku: "mug".into(),
                    quantity: 2,
                    // The same string twice: a list, never a set, on both sides.
                    notes: vec!["gift".into(), "gift".into()],
                },
                LineItem {
                    sku: "tea".into(),
                    quantity: 1,
                    notes: vec!["green".into()],
                },
            ]),
    )
    .await
    .unwrap();
    let setting = Setting::create(db, NewSetting::new(ids.setting.clone()).with_value("dark"))
        .await
        .unwrap();
    vec![
        (user.primary_id(), user.as_json()),
        (post.primary_id(), post.as_json()),
        (tag.primary_id(), tag.as_json()),
        (tagged.primary_id(), tagged.as_json()),
        (comment.primary_id(), comment.as_json()),
        (document.primary_id(), document.as_json()),
        (showcase.primary_id(), showcase.as_json()),
        (order.primary_id(), order.as_json()),
        (setting.primary_id(), setting.as_json()),
    ]
}

fn fixture_showcase(ids: &Ids) -> NewShowcase {
    NewShowcase::new()
        .with_showcase_id(ids.showcase)
        .with_label("every type")
        .with_quantity(-42)
        .with_ratio(RATIO)
        .with_active(false)
        .with_happened_at(Timestamp::from_millisecond(HAPPENED_AT_MS).unwrap())
        .with_owner_id(ids.user)
        .with_hits(7)
        .with_payload(PAYLOAD.to_vec())
        .with_ttl(Timestamp::from_millisecond(TTL_MS).unwrap())
        .with_labels(["beta", "alpha"].map(String::from))
}

/// The DynamoBao `create` steps of the same items as [`bao_writes_every_model`], in the same
/// order.
pub fn dynamo_bao_writes_every_model(ids: &Ids) -> Vec<Value> {
    vec![
        step::create(
            "User",
            json!({
                "userId": ids.user.to_string(),
                "name": "Ada",
                "email": "ada@example.com",
                "profilePictureUrl": "https://example.com/ada.png",
                "role": "admin",
            }),
        ),
        step::create(
            "Post",
            json!({
                "postId": ids.post.to_string(),
                "userId": ids.user.to_string(),
                "title": "Notes",
                "content": "On the analytical engine",
                "views": 3,
            }),
        ),
        step::create(
            "Tag",
            json!({ "tagId": ids.tag.to_string(), "name": "history" }),
        ),
        step::create(
            "TaggedPost",
            json!({ "tagId": ids.tag.to_string(), "postId": ids.post.to_string() }),
        ),
        step::create(
            "Comment",
            json!({
                "postId": ids.post.to_string(),
                "commentId": ids.comment.to_string(),
                "authorId": ids.user.to_string(),
                "text": "First!",
            }),
        ),
        step::create(
            "Document",
            json!({ "documentId": ids.document.to_string(), "title": "Plan", "body": "Draft" }),
        ),
        step::create(
            "Showcase",
            json!({
                "showcaseId": ids.showcase.to_string(),
                "label": "every type",
                "quantity": -42,
                "ratio": RATIO,
                "active": false,
                "happenedAt": HAPPENED_AT_MS,
                "ownerId": ids.user.to_string(),
                "hits": 7,
                "payload": PAYLOAD,
                "ttl": TTL_MS,
                "labels": ["beta", "alpha"],
            }),
        ),
        step::create(
            "Order",
            json!({
                "orderId": ids.order.to_string(),
                "customerId": ids.user.to_string(),
                "status": "open",
                "total": 4200,
                "shipTo": { "street": "1 Main St", "city": "Springfield", "country": "US" },
                "lines": [
                    { "sku": "mug", "quantity": 2, "notes": ["gift", "gift"] },
                    { "sku": "tea", "quantity": 1, "notes": ["green"] },
                ],
            }),
        ),
        step::create(
            "Setting",
            json!({ "name": ids.setting.to_string(), "value": "dark" }),
        ),
    ]
}

/// bao's `find` of every item of [`Ids`], as JSON (`null` when missing), in
/// [`Ids::primary_ids`] order.
pub async fn bao_reads_every_model(db: &Db, ids: &Ids) -> Vec<Value> {
    fn json<M: AsJson>(found: bao_runtime::Result<Option<M>>) -> Value {
        found
            .expect("find succeeds")
            .map_or(Value::Null, |item| item.as_json())
    }
    vec![
        json(User::find(db, &ids.user).await),
        json(Post::find(db, &ids.post).await),
        json(Tag::find(db, &ids.tag).await),
        json(
            TaggedPost::find(
                db,
                &TaggedPostKey {
                    tag_id: ids.tag,
                    post_id: ids.post,
                },
            )
            .await,
        ),
        json(
            Comment::find(
                db,
                &CommentKey {
                    post_id: ids.post,
                    comment_id: ids.comment,
                },
            )
            .await,
        ),
        json(Document::find(db, &ids.document).await),
        json(Showcase::find(db, &ids.showcase).await),
        json(Order::find(db, &ids.order).await),
        json(Setting::find(db, &ids.setting).await),
    ]
}
