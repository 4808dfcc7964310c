//! Every DynamoBao-style schema in `bao-codegen/tests/fixtures/ports` (schemas as DynamoBao
//! users write them: flow mappings, comments, camelCase names) generates code that compiles
//! warning-free and runs a query through every index against the in-process DynamoDB: every
//! index query (static and instance forms), every `query_by_primary_key` of a composite key,
//! every mapping getter and every unique-constraint finder, checking which items come back, in
//! which order, and how many. (`custom_types.yaml`, whose `rustType`s live in
//! `custom_fields.rs`, is exercised there.)

use bao_runtime::testing::TestDb;
use bao_runtime::{Clock, Db, Timestamp};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

fixture!(readme_example_1);
fixture!(readme_example_2);
fixture!(readme_quick_start);
fixture!(orders);
fixture!(keyword_names);
fixture!(method_names);
fixture!(colliding_relations);
fixture!(loose_id_spellings);
fixture!(blog_platform);
fixture!(saas_tasks);
fixture!(event_log);
fixture!(inventory);
fixture!(social);

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// 2023-11-14T22:13:20Z: where the test clock starts, and day 0 of [`day`].
const EPOCH: i64 = 1_700_000_000;

/// A clock that moves on one second each time it is read, so items created one after another
/// get increasing dates and ULIDs, and the order of an index sorted by either is known.
#[derive(Debug, Default)]
struct Ticking(AtomicI64);

impl Clock for Ticking {
    fn now(&self) -> Timestamp {
        let tick = self.0.fetch_add(1, Ordering::Relaxed);
        Timestamp::from_second(EPOCH + tick).expect("a time")
    }
}

/// A fresh table, and a handle on it whose clock is [`Ticking`].
async fn start() -> (TestDb, Db) {
    let test = tests::start().await;
    let db = Db::builder(test.db().client().clone(), test.db().table())
        .clock(Arc::new(Ticking::default()))
        .build();
    (test, db)
}

/// `n` whole days after [`EPOCH`].
fn day(n: i64) -> Timestamp {
    Timestamp::from_second(EPOCH + n * 86_400).expect("a time")
}

/// What `field` reads from each item, in order.
fn pick<'a, T, V>(items: &'a [T], field: impl Fn(&'a T) -> V) -> Vec<V> {
    items.iter().map(field).collect()
}

/// README example 1 (its stray braces removed): a user with an `EmailField`, created without
/// an id (it is assigned) and found by it; an address that is not one is refused.
#[tokio::test(flavor = "current_thread")]
async fn readme_example_1_creates_and_finds_a_user() -> TestResult {
    use bao_runtime::{Error, Model};
    use readme_example_1::{NewUser, User};

    let (_test, db) = start().await;
    let user = User::create(&db, NewUser::new("Test User", "test@example.com")).await?;
    let found = User::find(&db, &user.user_id).await?;
    assert_eq!(
        found.map(|found| found.email),
        Some("test@example.com".to_owned())
    );
    let refused = User::create(&db, NewUser::new("No Mail", "not an address")).await;
    assert!(
        matches!(refused, Err(Error::Validation { field: "email", .. })),
        "{refused:?}"
    );
    Ok(())
}

/// README example 2: `findByEmail`, `user.queryPosts()` (posts in `postId` order, so creation
/// order), its static form by user id, a filter, and paging with a cursor.
#[tokio::test(flavor = "current_thread")]
async fn readme_example_2_finds_by_email_and_lists_posts_for_user() -> TestResult {
    use bao_runtime::Model;
    use readme_example_2::{NewPost, NewUser, Post, User};

    let (_test, db) = start().await;
    let ada = User::create(&db, NewUser::new("Ada", "ada@example.com")).await?;
    let bob = User::create(&db, NewUser::new("Bob", "bob@example.com")).await?;
    for (author, title, content) in [
        (&ada, "Post 1", "This is a test post"),
        (&bob, "Hello", "Bob's only post"),
        (&ada, "Post 2", "This is another test post"),
        (&ada, "Post 3", "And yet another one"),
    ] {
        Post::create(&db, NewPost::new(author.user_id, title, content)).await?;
    }

    let found = User::find_by_email(&db, "bob@example.com").await?;
    assert_eq!(found.map(|user| user.user_id), Some(bob.user_id));
    assert!(User::find_by_email(&db, "eve@example.com").await?.is_none());

    let posts = ada.query_posts(&db).all().await?;
    assert_eq!(
        pick(&posts, |post| post.title.as_str()),
        ["Post 1", "Post 2", "Post 3"]
    );
    let bobs = Post::query_posts_for_user(&db, bob.user_id).all().await?;
    assert_eq!(pick(&bobs, |post| post.title.as_str()), ["Hello"]);
    let author = bobs[0].get_user(&db).await?.expect("the post's author");
    assert_eq!(author.name, "Bob");
    let another = ada
        .query_posts(&db)
        .filter(Post::CONTENT.contains("another"))
        .count()
        .await?;
    assert_eq!(another, 2);

    let first = ada.query_posts(&db).descending().limit(2).page().await?;
    assert_eq!(
        pick(&first.items, |post| post.title.as_str()),
        ["Post 3", "Post 2"]
    );
    let cursor = first.cursor.expect("a second page");
    let rest = ada
        .query_posts(&db)
        .descending()
        .limit(2)
        .after(cursor)
        .page()
        .await?;
    assert_eq!(pick(&rest.items, |post| post.title.as_str()), ["Post 1"]);
    Ok(())
}

/// The README quick start: `findByEmail`, and `postsForUser` sorted by `createdAt` from both
/// sides, in both directions and from a creation date on.
#[tokio::test(flavor = "current_thread")]
async fn readme_quick_start_lists_posts_by_creation_date() -> TestResult {
    use bao_runtime::Model;
    use readme_quick_start::{NewPost, NewUser, Post, User};

    let (_test, db) = start().await;
    let ada = User::create(
        &db,
        NewUser::new("Ada", "ada@example.com").with_role("admin"),
    )
    .await?;
    let bob = User::create(&db, NewUser::new("Bob", "bob@example.com")).await?;
    let first = Post::create(&db, NewPost::new(ada.user_id, "First", "…")).await?;
    Post::create(&db, NewPost::new(bob.user_id, "Hello", "…")).await?;
    Post::create(&db, NewPost::new(ada.user_id, "Second", "…")).await?;

    let found = User::find_by_email(&db, "ada@example.com")
        .await?
        .expect("found by email");
    assert_eq!(found.user_id, ada.user_id);
    assert_eq!(found.role.as_deref(), Some("admin"));
    assert!(User::find_by_email(&db, "eve@example.com").await?.is_none());

    let oldest_first = ada.query_posts(&db).all().await?;
    assert_eq!(
        pick(&oldest_first, |post| post.title.as_str()),
        ["First", "Second"]
    );
    let newest_first = ada.query_posts(&db).descending().all().await?;
    assert_eq!(
        pick(&newest_first, |post| post.title.as_str()),
        ["Second", "First"]
    );
    let later = ada.query_posts(&db).sort_gt(first.created_at).all().await?;
    assert_eq!(pick(&later, |post| post.title.as_str()), ["Second"]);
    let bobs = Post::query_posts_for_user(&db, bob.user_id).all().await?;
    assert_eq!(pick(&bobs, |post| post.title.as_str()), ["Hello"]);
    assert_eq!(
        Post::query_posts_for_user(&db, ada.user_id).count().await?,
        2
    );
    Ok(())
}

/// The store: orders by customer (both forms), by status and by customer email sorted by total
/// (numerically: 900 before 2500 before 12000), and order lines by order in line order.
#[tokio::test(flavor = "current_thread")]
async fn orders_query_every_index_and_the_lines_of_an_order() -> TestResult {
    use bao_runtime::Model;
    use orders::{Customer, NewCustomer, NewOrder, NewOrderLine, Order, OrderLine, OrderLineKey};

    let (_test, db) = start().await;
    let ann = Customer::create(&db, NewCustomer::new("Ann", "ann@example.com")).await?;
    let ben = Customer::create(&db, NewCustomer::new("Ben", "ben@example.com")).await?;
    let mut placed = Vec::new();
    for (customer, status, total) in [
        (&ann, "pending", 2500),
        (&ann, "shipped", 900),
        (&ben, "shipped", 4000),
        (&ann, "pending", 12000),
    ] {
        let new = NewOrder::new(customer.customer_id, &customer.email, status, total);
        placed.push(Order::create(&db, new).await?);
    }
    let first = &placed[0];
    for (line_no, sku) in [(10, "CABLE"), (1, "LAPTOP"), (2, "MOUSE")] {
        OrderLine::create(&db, NewOrderLine::new(first.order_id, line_no, sku)).await?;
    }
    let second = NewOrderLine::new(placed[1].order_id, 1, "BOOK").with_quantity(3);
    OrderLine::create(&db, second).await?;

    let found = Customer::find_by_email(&db, "ben@example.com").await?;
    assert_eq!(found.map(|customer| customer.name).as_deref(), Some("Ben"));

    let anns = ann.query_orders(&db).all().await?;
    assert_eq!(pick(&anns, |order| order.total), [2500, 900, 12000]);
    let bens = Order::query_orders_for_customer(&db, ben.customer_id)
        .all()
        .await?;
    assert_eq!(pick(&bens, |order| order.total), [4000]);

    let pending = Order::query_by_status(&db, "pending").all().await?;
    assert_eq!(pick(&pending, |order| order.total), [2500, 12000]);
    let shipped = Order::query_by_status(&db, "shipped")
        .descending()
        .all()
        .await?;
    assert_eq!(pick(&shipped, |order| order.total), [4000, 900]);
    assert_eq!(Order::query_by_status(&db, "lost").count().await?, 0);

    let by_total = Order::query_orders_by_customer_email(&db, "ann@example.com")
        .all()
        .await?;
    assert_eq!(pick(&by_total, |order| order.total), [900, 2500, 12000]);
    let large = Order::query_orders_by_customer_email(&db, "ann@example.com")
        .sort_gte(1000_i64)
        .all()
        .await?;
    assert_eq!(pick(&large, |order| order.total), [2500, 12000]);

    let lines = OrderLine::query_by_primary_key(&db, first.order_id)
        .all()
        .await?;
    assert_eq!(pick(&lines, |line| line.line_no), [1, 2, 10]);
    assert_eq!(
        pick(&lines, |line| line.sku.as_str()),
        ["LAPTOP", "MOUSE", "CABLE"]
    );
    assert_eq!(pick(&lines, |line| line.quantity), [Some(1); 3]);
    let from_two = OrderLine::query_by_primary_key(&db, first.order_id)
        .sort_between(2_i64, 10_i64)
        .all()
        .await?;
    assert_eq!(pick(&from_two, |line| line.line_no), [2, 10]);
    let last = OrderLine::query_by_primary_key(&db, first.order_id)
        .descending()
        .first()
        .await?
        .expect("the order has lines");
    assert_eq!(last.line_no, 10);
    let book = OrderLine::query_by_primary_key(&db, placed[1].order_id)
        .all()
        .await?;
    assert_eq!(
        pick(&book, |line| (line.sku.as_str(), line.quantity)),
        [("BOOK", Some(3))]
    );
    let key = OrderLineKey {
        order_id: first.order_id,
        line_no: 2,
    };
    let mouse = OrderLine::find(&db, &key).await?.expect("found by its key");
    assert_eq!(
        mouse.get_order(&db).await?.map(|order| order.total),
        Some(2500)
    );
    Ok(())
}

/// Fields named `type`, `match`, `async`, `self`, `crate` and `use` round-trip, `byType`
/// (sorted by `crate`) finds by `type`; `userID` and `userId` both become `user_id` in Rust
/// and keep their spelling in the table, and `sessionsForUser` lists by either side.
#[tokio::test(flavor = "current_thread")]
async fn keyword_names_query_by_type_and_sessions_for_user() -> TestResult {
    use bao_runtime::Model;
    use keyword_names::{Account, NewAccount, NewSession, Session};

    let (_test, db) = start().await;
    let mut accounts = Vec::new();
    for (kind, rank, krate) in [("admin", 1, "b"), ("guest", 2, "c"), ("admin", 3, "a")] {
        let new = NewAccount::new(kind, rank)
            .with_crate_(krate)
            .with_async(rank > 1)
            .with_self_("me")
            .with_use("daily");
        accounts.push(Account::create(&db, new).await?);
    }
    let (first, guest) = (&accounts[0], &accounts[1]);
    for (account, kind) in [(first, "web"), (guest, "cli"), (first, "mobile")] {
        Session::create(&db, NewSession::new(account.user_id).with_type(kind)).await?;
    }

    let admins = Account::query_by_type(&db, "admin").all().await?;
    assert_eq!(
        pick(&admins, |account| account.crate_.as_deref()),
        [Some("a"), Some("b")]
    );
    assert_eq!(pick(&admins, |account| account.r#match), [3, 1]);
    assert_eq!(
        pick(&admins, |account| account.r#async),
        [Some(true), Some(false)]
    );
    assert_eq!(admins[1].self_.as_deref(), Some("me"));
    assert_eq!(admins[1].r#use.as_deref(), Some("daily"));
    let b = Account::query_by_type(&db, "admin")
        .sort_eq("b")
        .all()
        .await?;
    assert_eq!(pick(&b, |account| account.user_id), [first.user_id]);
    let guests = Account::query_by_type(&db, "guest").all().await?;
    assert_eq!(pick(&guests, |account| account.r#type.as_str()), ["guest"]);

    let sessions = first.query_sessions(&db).all().await?;
    assert_eq!(
        pick(&sessions, |session| session.r#type.as_deref()),
        [Some("web"), Some("mobile")]
    );
    let guest_sessions = Session::query_sessions_for_user(&db, guest.user_id)
        .all()
        .await?;
    assert_eq!(
        pick(&guest_sessions, |session| session.user_id),
        [guest.user_id]
    );
    let owner = guest_sessions[0]
        .get_user(&db)
        .await?
        .expect("the session's account");
    assert_eq!(owner.r#type, "guest");

    let account_item = tests::stored(&db, &format!("acc#{}", first.user_id), "acc").await;
    assert!(account_item.contains_key("userID") && !account_item.contains_key("userId"));
    let session_pk = format!("ses#{}", sessions[0].session_id);
    let session_item = tests::stored(&db, &session_pk, "ses").await;
    assert!(session_item.contains_key("userId") && !session_item.contains_key("userID"));
    Ok(())
}

/// Fields named `key`, `find`, `save`, `delete`, `update`, `create` and `new` do not hide the
/// model's operations: `byFind` (sorted by `create`), `byDelete` (sorted by `key`) and
/// `find_by_save` find what was written, and `find`, `update` and `delete` still work.
#[tokio::test(flavor = "current_thread")]
async fn method_names_query_by_find_and_delete_and_find_by_save() -> TestResult {
    use bao_runtime::Model;
    use method_names::{NewWidget, Widget, WidgetId, WidgetUpdate};

    let (_test, db) = start().await;
    for (key, find, created, deleted, save) in [
        ("w1", "blue", 2, false, "s-1"),
        ("w2", "blue", 1, true, "s-2"),
        ("w3", "red", 3, false, "s-3"),
    ] {
        let new = NewWidget::new(key)
            .with_find(find)
            .with_create(day(created))
            .with_delete(deleted)
            .with_save(save)
            .with_update(created * 10)
            .with_new("fresh");
        Widget::create(&db, new).await?;
    }

    let blue = Widget::query_by_find(&db, "blue").all().await?;
    assert_eq!(pick(&blue, |widget| widget.key.0.as_str()), ["w2", "w1"]);
    let later = Widget::query_by_find(&db, "blue")
        .sort_gt(day(1))
        .all()
        .await?;
    assert_eq!(pick(&later, |widget| widget.update), [Some(20)]);
    let kept = Widget::query_by_delete(&db, false).all().await?;
    assert_eq!(pick(&kept, |widget| widget.key.0.as_str()), ["w1", "w3"]);
    let w3 = Widget::query_by_delete(&db, false)
        .sort_gte("w2")
        .all()
        .await?;
    assert_eq!(pick(&w3, |widget| widget.find.as_deref()), [Some("red")]);
    let deleted = Widget::query_by_delete(&db, true).all().await?;
    assert_eq!(
        pick(&deleted, |widget| widget.save.as_deref()),
        [Some("s-2")]
    );

    let by_save = Widget::find_by_save(&db, "s-3")
        .await?
        .expect("found by `save`");
    assert_eq!(by_save.key, WidgetId::from("w3"));
    assert!(Widget::find_by_save(&db, "s-9").await?.is_none());

    let key = WidgetId::from("w1");
    let found = Widget::find(&db, &key).await?.expect("found by its key");
    assert_eq!(found.new.as_deref(), Some("fresh"));
    assert_eq!(found.create, Some(day(2)));
    let updated = Widget::update(&db, &key, WidgetUpdate::new().set_new("newer")).await?;
    assert_eq!(updated.new.as_deref(), Some("newer"));
    Widget::delete(&db, &key).await?;
    let blue = Widget::query_by_find(&db, "blue").all().await?;
    assert_eq!(pick(&blue, |widget| widget.key.0.as_str()), ["w2"]);
    assert!(Widget::find_by_save(&db, "s-1").await?.is_none());
    Ok(())
}

/// Two indexes whose queries would both be `User::query_orgs` are each named by their whole
/// index name (B047): `query_orgs_for_owner` reads the orgs a user owns, sorted by name, and
/// `query_orgs_for_account` (with `get_orgs`) the orgs a user holds an account at; the other
/// side of the mapping lists an org's accounts.
#[tokio::test(flavor = "current_thread")]
async fn colliding_relations_query_orgs_for_owner_and_for_account() -> TestResult {
    use bao_runtime::Model;
    use colliding_relations::{NewOrg, NewUser, Org, OrgAccount, User};

    let (_test, db) = start().await;
    let ann = User::create(&db, NewUser::new("Ann")).await?;
    let bob = User::create(&db, NewUser::new("Bob")).await?;
    let zeta = Org::create(&db, NewOrg::new("Zeta", ann.user_id)).await?;
    let acme = Org::create(&db, NewOrg::new("Acme", ann.user_id)).await?;
    let beta = Org::create(&db, NewOrg::new("Beta", bob.user_id)).await?;
    OrgAccount::link(&db, beta.org_id, ann.user_id).await?;
    OrgAccount::link(&db, zeta.org_id, bob.user_id).await?;
    OrgAccount::link(&db, acme.org_id, bob.user_id).await?;

    let owned = ann.query_orgs_for_owner(&db).all().await?;
    assert_eq!(pick(&owned, |org| org.name.as_str()), ["Acme", "Zeta"]);
    let owned = Org::query_orgs_for_owner(&db, bob.user_id).all().await?;
    assert_eq!(pick(&owned, |org| org.name.as_str()), ["Beta"]);
    let from_a = Org::query_orgs_for_owner(&db, ann.user_id)
        .sort_lt("B")
        .all()
        .await?;
    assert_eq!(pick(&from_a, |org| org.name.as_str()), ["Acme"]);

    let links = ann.query_orgs_for_account(&db).all().await?;
    assert_eq!(pick(&links, |link| link.org_id), [beta.org_id]);
    assert_eq!(
        OrgAccount::query_orgs_for_account(&db, bob.user_id)
            .count()
            .await?,
        2
    );
    // Links sort by org id, so by creation: Zeta before Acme.
    let bobs = bob.get_orgs(&db).all().await?;
    assert_eq!(pick(&bobs, |org| org.name.as_str()), ["Zeta", "Acme"]);

    let accounts = acme.get_accounts(&db).all().await?;
    assert_eq!(pick(&accounts, |user| user.name.as_str()), ["Bob"]);
    assert_eq!(acme.query_accounts(&db).count().await?, 1);
    let at_beta = OrgAccount::query_accounts_for_org(&db, beta.org_id)
        .all()
        .await?;
    assert_eq!(pick(&at_beta, |link| link.account_id), [ann.user_id]);
    let at_zeta = OrgAccount::query_by_primary_key(&db, zeta.org_id)
        .all()
        .await?;
    assert_eq!(pick(&at_zeta, |link| link.account_id), [bob.user_id]);

    OrgAccount::unlink(&db, zeta.org_id, bob.user_id).await?;
    let bobs = bob.get_orgs(&db).all().await?;
    assert_eq!(pick(&bobs, |org| org.name.as_str()), ["Acme"]);
    assert_eq!(
        OrgAccount::query_by_primary_key(&db, zeta.org_id)
            .count()
            .await?,
        0
    );
    Ok(())
}

/// Ids spelled `index1`, `GSI2`, `UC1` and `unique2` pick gsi1, gsi2, uc1 and uc2, and the
/// indexes and finders they name work: `byTeam` by join date, `allMembers` by handle, and
/// `find_by_handle` / `find_by_email`, the handle refused a second time.
#[tokio::test(flavor = "current_thread")]
async fn loose_id_spellings_resolve_and_query() -> TestResult {
    use bao_runtime::Model;
    use loose_id_spellings::{Member, NewMember};

    let schema = Member::SCHEMA;
    let slots: Vec<Option<u8>> = schema.indexes.iter().map(|index| index.gsi).collect();
    assert_eq!(slots, [Some(1), Some(2)]);
    let constraints: Vec<u8> = schema.unique_constraints.iter().map(|c| c.id).collect();
    assert_eq!(constraints, [1, 2]);

    let (_test, db) = start().await;
    for (team, handle, joined) in [("core", "ada", 3), ("web", "cy", 2), ("core", "bob", 1)] {
        let new =
            NewMember::new(team, handle, day(joined)).with_email(format!("{handle}@example.com"));
        Member::create(&db, new).await?;
    }

    let core = Member::query_by_team(&db, "core").all().await?;
    assert_eq!(pick(&core, |member| member.handle.as_str()), ["bob", "ada"]);
    let recent = Member::query_by_team(&db, "core")
        .sort_gte(day(2))
        .all()
        .await?;
    assert_eq!(pick(&recent, |member| member.handle.as_str()), ["ada"]);
    let everyone = Member::query_all_members(&db).all().await?;
    assert_eq!(
        pick(&everyone, |member| member.handle.as_str()),
        ["ada", "bob", "cy"]
    );
    let from_b = Member::query_all_members(&db).sort_gte("b").all().await?;
    assert_eq!(
        pick(&from_b, |member| member.team.as_str()),
        ["core", "web"]
    );

    let cy = Member::find_by_handle(&db, "cy")
        .await?
        .expect("found by handle");
    assert_eq!(cy.team, "web");
    let bob = Member::find_by_email(&db, "bob@example.com")
        .await?
        .expect("found by email");
    assert_eq!(bob.handle, "bob");
    assert!(
        Member::find_by_email(&db, "eve@example.com")
            .await?
            .is_none()
    );
    let taken = Member::create(&db, NewMember::new("web", "ada", day(4))).await;
    assert!(
        taken
            .expect_err("the handle is taken")
            .is_unique_violation()
    );
    Ok(())
}

/// The blog platform: posts by author and recent posts, comments by post and by author (by
/// date), tags and posts through the mapping table from both sides, the tag and email
/// finders, the view counter and a version conflict on a stale save.
#[tokio::test(flavor = "current_thread")]
async fn blog_platform_queries_posts_comments_and_tags() -> TestResult {
    use bao_runtime::Model;
    use blog_platform::{
        Comment, NewComment, NewPost, NewTag, NewUser, Post, PostUpdate, Tag, TaggedPost, User,
    };

    let (_test, db) = start().await;
    let ada = User::create(&db, NewUser::new("Ada", "ada@example.com")).await?;
    let bob = User::create(&db, NewUser::new("Bob", "bob@example.com")).await?;
    let intro = Post::create(&db, NewPost::new(ada.user_id, "Intro")).await?;
    let rust = Post::create(&db, NewPost::new(bob.user_id, "Rust")).await?;
    let dynamo = Post::create(&db, NewPost::new(ada.user_id, "DynamoDB")).await?;
    for (post, author, text) in [
        (&intro, &bob, "nice"),
        (&intro, &ada, "thanks"),
        (&dynamo, &bob, "more please"),
    ] {
        Comment::create(&db, NewComment::new(post.post_id, author.user_id, text)).await?;
    }

    let found = User::find_by_email(&db, "bob@example.com").await?;
    assert_eq!(found.map(|user| user.name).as_deref(), Some("Bob"));

    let adas = ada.query_posts(&db).all().await?;
    assert_eq!(
        pick(&adas, |post| post.title.as_str()),
        ["Intro", "DynamoDB"]
    );
    let after_intro = ada.query_posts(&db).sort_gt(intro.created_at).all().await?;
    assert_eq!(pick(&after_intro, |post| post.title.as_str()), ["DynamoDB"]);
    let bobs = Post::query_posts_for_author(&db, bob.user_id).all().await?;
    assert_eq!(pick(&bobs, |post| post.title.as_str()), ["Rust"]);
    let newest = Post::query_recent_posts(&db)
        .descending()
        .limit(2)
        .page()
        .await?;
    assert_eq!(
        pick(&newest.items, |post| post.title.as_str()),
        ["DynamoDB", "Rust"]
    );
    let older = Post::query_recent_posts(&db)
        .descending()
        .limit(2)
        .after(newest.cursor.expect("a second page"))
        .page()
        .await?;
    assert_eq!(pick(&older.items, |post| post.title.as_str()), ["Intro"]);

    let on_intro = intro.query_comments(&db).all().await?;
    assert_eq!(
        pick(&on_intro, |comment| comment.text.as_str()),
        ["nice", "thanks"]
    );
    let on_dynamo = Comment::query_comments_for_post(&db, dynamo.post_id)
        .all()
        .await?;
    assert_eq!(
        pick(&on_dynamo, |comment| comment.text.as_str()),
        ["more please"]
    );
    let by_bob = bob.query_comments(&db).all().await?;
    assert_eq!(
        pick(&by_bob, |comment| comment.text.as_str()),
        ["nice", "more please"]
    );
    assert_eq!(
        Comment::query_comments_for_author(&db, ada.user_id)
            .count()
            .await?,
        1
    );

    let rust_tag = Tag::create(&db, NewTag::new("rust")).await?;
    let dynamo_tag = Tag::create(&db, NewTag::new("dynamodb")).await?;
    TaggedPost::link(&db, rust_tag.tag_id, rust.post_id).await?;
    TaggedPost::link(&db, rust_tag.tag_id, dynamo.post_id).await?;
    TaggedPost::link(&db, dynamo_tag.tag_id, dynamo.post_id).await?;
    let tag = Tag::find_by_name(&db, "rust")
        .await?
        .expect("found by name");
    assert_eq!(tag.tag_id, rust_tag.tag_id);

    let tagged = tag.get_posts(&db).all().await?;
    assert_eq!(
        pick(&tagged, |post| post.title.as_str()),
        ["Rust", "DynamoDB"]
    );
    assert_eq!(tag.query_posts(&db).count().await?, 2);
    let links = TaggedPost::query_posts_for_tag(&db, dynamo_tag.tag_id)
        .all()
        .await?;
    assert_eq!(pick(&links, |link| link.post_id), [dynamo.post_id]);
    let tags = dynamo.get_tags(&db).all().await?;
    assert_eq!(pick(&tags, |tag| tag.name.as_str()), ["rust", "dynamodb"]);
    assert_eq!(dynamo.query_tags(&db).count().await?, 2);
    let links = TaggedPost::query_tags_for_post(&db, rust.post_id)
        .all()
        .await?;
    assert_eq!(pick(&links, |link| link.tag_id), [rust_tag.tag_id]);
    let one = TaggedPost::query_by_primary_key(&db, rust_tag.tag_id)
        .sort_eq(dynamo.post_id)
        .all()
        .await?;
    assert_eq!(pick(&one, |link| link.post_id), [dynamo.post_id]);

    Post::update(&db, &intro.post_id, PostUpdate::new().add_views(1)).await?;
    let viewed = Post::update(&db, &intro.post_id, PostUpdate::new().add_views(2)).await?;
    assert_eq!(viewed.views, 3);
    let mut first = Post::find(&db, &intro.post_id).await?.expect("the post");
    let mut stale = first.clone();
    first.title = "Introduction".to_owned();
    first.save(&db).await?;
    stale.title = "Hello".to_owned();
    let conflict = stale.save(&db).await.expect_err("the version moved on");
    assert!(conflict.is_version_conflict());
    Ok(())
}

/// The task tracker: projects of an organization by name, tasks of a project, tasks by status
/// and by `done` (a BooleanField whose default `false` is indexed), all by due date; a saved
/// change of `done` moves a task between the `byDone` partitions.
#[tokio::test(flavor = "current_thread")]
async fn saas_tasks_query_projects_and_tasks_by_status_and_done() -> TestResult {
    use bao_runtime::Model;
    use saas_tasks::{NewOrganization, NewProject, NewTask, Organization, Project, Task};

    let (_test, db) = start().await;
    let acme = Organization::create(&db, NewOrganization::new("Acme")).await?;
    let globex = Organization::create(&db, NewOrganization::new("Globex").with_plan("pro")).await?;
    assert_eq!(acme.plan.as_deref(), Some("free"));
    let website = Project::create(&db, NewProject::new(acme.organization_id, "Website")).await?;
    let backend = Project::create(&db, NewProject::new(acme.organization_id, "Backend")).await?;
    Project::create(&db, NewProject::new(globex.organization_id, "Mobile")).await?;
    for (project, title, status, due, done) in [
        (&website, "Design", "open", 3, false),
        (&website, "Build", "open", 1, true),
        (&website, "Launch", "blocked", 5, false),
        (&backend, "API", "open", 2, false),
    ] {
        let mut new = NewTask::new(project.project_id, title, status, day(due));
        if done {
            new = new.with_done(true);
        }
        Task::create(&db, new).await?;
    }

    let projects = acme.query_projects(&db).all().await?;
    assert_eq!(
        pick(&projects, |project| project.name.as_str()),
        ["Backend", "Website"]
    );
    let w = acme.query_projects(&db).sort_begins_with("W").all().await?;
    assert_eq!(pick(&w, |project| project.project_id), [website.project_id]);
    let mobile = Project::query_projects_for_organization(&db, globex.organization_id)
        .all()
        .await?;
    assert_eq!(pick(&mobile, |project| project.name.as_str()), ["Mobile"]);

    let planned = website.query_tasks(&db).all().await?;
    assert_eq!(
        pick(&planned, |task| task.title.as_str()),
        ["Build", "Design", "Launch"]
    );
    let api = Task::query_tasks_for_project(&db, backend.project_id)
        .all()
        .await?;
    assert_eq!(pick(&api, |task| task.title.as_str()), ["API"]);
    let project = api[0].get_project(&db).await?.expect("the task's project");
    let organization = project.get_organization(&db).await?;
    assert_eq!(organization.map(|org| org.name).as_deref(), Some("Acme"));

    let open = Task::query_by_status(&db, "open").all().await?;
    assert_eq!(
        pick(&open, |task| task.title.as_str()),
        ["Build", "API", "Design"]
    );
    let due_soon = Task::query_by_status(&db, "open")
        .sort_between(day(2), day(3))
        .all()
        .await?;
    assert_eq!(
        pick(&due_soon, |task| task.title.as_str()),
        ["API", "Design"]
    );
    assert_eq!(Task::query_by_status(&db, "blocked").count().await?, 1);

    let todo = Task::query_by_done(&db, false).all().await?;
    assert_eq!(
        pick(&todo, |task| task.title.as_str()),
        ["API", "Design", "Launch"]
    );
    let finished = Task::query_by_done(&db, true).all().await?;
    assert_eq!(pick(&finished, |task| task.title.as_str()), ["Build"]);

    let mut design = todo[1].clone();
    design.done = Some(true);
    design.save(&db).await?;
    let finished = Task::query_by_done(&db, true).all().await?;
    assert_eq!(
        pick(&finished, |task| task.title.as_str()),
        ["Build", "Design"]
    );
    assert_eq!(Task::query_by_done(&db, false).count().await?, 2);
    Ok(())
}

/// The event log: one stream's events in sequence order (numerically: 2 before 10), by kind
/// sorted by `occurredAt` (its default, 2024-01-01, sorting first), and the TtlField stored as
/// whole seconds.
#[tokio::test(flavor = "current_thread")]
async fn event_log_reads_streams_in_sequence_and_events_by_kind() -> TestResult {
    use bao_runtime::Model;
    use event_log::{Event, EventKey, NewEvent};

    let (_test, db) = start().await;
    let default_time = Timestamp::from_second(1_704_067_200)?;
    let march = Timestamp::from_second(1_709_251_200)?;
    let expires = Timestamp::from_millisecond(1_900_000_000_999)?;
    let events = [
        NewEvent::new("cart-1", 1, "created"),
        NewEvent::new("cart-1", 10, "created").with_occurred_at(march),
        NewEvent::new("cart-1", 2, "paid")
            .with_payload("{\"amount\":12}")
            .with_ttl(expires),
        NewEvent::new("cart-2", 1, "created").with_occurred_at(day(0)),
    ];
    for new in events {
        Event::create(&db, new).await?;
    }

    let stream = Event::query_by_primary_key(&db, "cart-1").all().await?;
    assert_eq!(pick(&stream, |event| event.seq), [1, 2, 10]);
    let from_two = Event::query_by_primary_key(&db, "cart-1")
        .sort_gte(2_i64)
        .all()
        .await?;
    assert_eq!(pick(&from_two, |event| event.seq), [2, 10]);
    let latest = Event::query_by_primary_key(&db, "cart-1")
        .descending()
        .first()
        .await?
        .expect("the stream has events");
    assert_eq!(latest.seq, 10);
    assert_eq!(Event::query_by_primary_key(&db, "cart-2").count().await?, 1);

    let created = Event::query_by_kind(&db, "created").all().await?;
    let seen: Vec<(&str, i64)> = pick(&created, |event| (event.stream_id.as_str(), event.seq));
    assert_eq!(seen, [("cart-2", 1), ("cart-1", 1), ("cart-1", 10)]);
    assert_eq!(created[1].occurred_at, Some(default_time));
    let since_2024 = Event::query_by_kind(&db, "created")
        .sort_gte(default_time)
        .count()
        .await?;
    assert_eq!(since_2024, 2);
    let paid = Event::query_by_kind(&db, "paid").all().await?;
    assert_eq!(
        pick(&paid, |event| event.payload.as_deref()),
        [Some("{\"amount\":12}")]
    );

    let key = EventKey {
        stream_id: "cart-1".to_owned(),
        seq: 2,
    };
    let stored = Event::find(&db, &key).await?.expect("found by its key");
    assert_eq!(stored.ttl, Some(Timestamp::from_second(1_900_000_000)?));
    Ok(())
}

/// The inventory: products by category sorted by rank (1, 2, 10), the catalog by SKU, the SKU
/// finder and prices rounded to cents; stock per warehouse in bin order through the primary
/// key and its `byId` alias, and stock of a product by warehouse, from both sides.
#[tokio::test(flavor = "current_thread")]
async fn inventory_queries_products_and_stock() -> TestResult {
    use bao_runtime::Model;
    use inventory::{NewProduct, NewStock, Product, Stock, StockKey};

    let (_test, db) = start().await;
    let mut products = Vec::new();
    for (sku, name, category, rank, price) in [
        ("T-200", "Hammer", "tools", 2, 19.991),
        ("G-100", "Hose", "garden", 1, 24.5),
        ("T-100", "Saw", "tools", 10, 4.5678),
        ("T-300", "Drill", "tools", 1, 89.0),
    ] {
        let new = NewProduct::new(sku, name, category, rank).with_price(price);
        products.push(Product::create(&db, new).await?);
    }
    let (hammer, hose) = (&products[0], &products[1]);
    for (warehouse, bin, product, quantity) in [
        ("north", 12, hammer, 5),
        ("north", 3, hose, 1),
        ("south", 1, hammer, 7),
        ("north", 7, hammer, 0),
    ] {
        let new = NewStock::new(warehouse, bin, product.product_id).with_quantity(quantity);
        Stock::create(&db, new).await?;
    }

    let tools = Product::query_by_category(&db, "tools").all().await?;
    assert_eq!(
        pick(&tools, |product| product.name.as_str()),
        ["Drill", "Hammer", "Saw"]
    );
    let top = Product::query_by_category(&db, "tools")
        .sort_lt(10_i64)
        .count()
        .await?;
    assert_eq!(top, 2);
    let catalog = Product::query_catalog(&db).all().await?;
    assert_eq!(
        pick(&catalog, |product| product.sku.as_str()),
        ["G-100", "T-100", "T-200", "T-300"]
    );
    let tool_skus = Product::query_catalog(&db)
        .sort_begins_with("T-")
        .count()
        .await?;
    assert_eq!(tool_skus, 3);

    let saw = Product::find_by_sku(&db, "T-100")
        .await?
        .expect("found by SKU");
    assert_eq!(saw.name, "Saw");
    assert_eq!(saw.price, Some(4.57));
    let hammer_found = Product::find_by_sku(&db, "T-200")
        .await?
        .expect("found by SKU");
    assert_eq!(hammer_found.price, Some(19.99));
    assert!(Product::find_by_sku(&db, "X-1").await?.is_none());

    let north = Stock::query_by_primary_key(&db, "north").all().await?;
    assert_eq!(pick(&north, |stock| stock.bin), [3, 7, 12]);
    let north = Stock::query_by_id(&db, "north")
        .sort_between(5_i64, 20_i64)
        .all()
        .await?;
    assert_eq!(pick(&north, |stock| stock.quantity), [Some(0), Some(5)]);
    assert_eq!(Stock::query_by_id(&db, "south").count().await?, 1);

    // Sorted by warehouse; the two hammer bins of `north` share that sort key.
    let held = hammer.query_stock(&db).all().await?;
    let warehouses = pick(&held, |stock| stock.warehouse_id.as_str());
    assert_eq!(warehouses, ["north", "north", "south"]);
    let south = hammer.query_stock(&db).sort_eq("south").all().await?;
    assert_eq!(pick(&south, |stock| stock.quantity), [Some(7)]);
    let hoses = Stock::query_stock_for_product(&db, hose.product_id)
        .all()
        .await?;
    assert_eq!(pick(&hoses, |stock| stock.bin), [3]);

    let key = StockKey {
        warehouse_id: "north".to_owned(),
        bin: 3,
    };
    let bin = Stock::find(&db, &key).await?.expect("found by its key");
    let product = bin.get_product(&db).await?.expect("the stocked product");
    assert_eq!(product.sku, "G-100");
    Ok(())
}

/// The social network: who a user follows and who follows them, as links and as users
/// (`get_followees` / `get_followers`), from both sides and by id; the username finder; a
/// string set and binary avatar that come back as written; and an unfollow.
#[tokio::test(flavor = "current_thread")]
async fn social_queries_followers_and_followees() -> TestResult {
    use bao_runtime::Model;
    use social::{Follow, NewUser, User};

    let (_test, db) = start().await;
    let ada = NewUser::new("ada")
        .with_display_name("Ada L.")
        .with_interests(tests::set(["climbing", "rust"]))
        .with_avatar(vec![0_u8, 159, 255]);
    let ada = User::create(&db, ada).await?;
    let bob = User::create(&db, NewUser::new("bob")).await?;
    let cy = User::create(&db, NewUser::new("cy")).await?;
    for (follower, followee) in [(&ada, &bob), (&ada, &cy), (&bob, &cy), (&cy, &ada)] {
        Follow::link(&db, follower.user_id, followee.user_id).await?;
    }

    let found = User::find_by_username(&db, "ada")
        .await?
        .expect("found by username");
    assert_eq!(found.interests, tests::set(["climbing", "rust"]));
    assert_eq!(found.avatar.as_deref(), Some(&[0_u8, 159, 255][..]));
    assert!(User::find_by_username(&db, "eve").await?.is_none());
    let taken = User::create(&db, NewUser::new("bob")).await;
    assert!(
        taken
            .expect_err("the username is taken")
            .is_unique_violation()
    );

    let followees = ada.get_followees(&db).all().await?;
    assert_eq!(
        pick(&followees, |user| user.username.as_str()),
        ["bob", "cy"]
    );
    let followers = cy.get_followers(&db).all().await?;
    assert_eq!(
        pick(&followers, |user| user.username.as_str()),
        ["ada", "bob"]
    );
    let fans = ada.get_followers(&db).all().await?;
    assert_eq!(pick(&fans, |user| user.display_name.as_deref()), [None]);
    assert_eq!(
        cy.get_followees(&db).all().await?[0].interests,
        tests::set(["climbing", "rust"])
    );

    assert_eq!(ada.query_followees(&db).count().await?, 2);
    let links = bob.query_followers(&db).all().await?;
    assert_eq!(pick(&links, |link| link.follower_id), [ada.user_id]);
    let links = Follow::query_followees_for_follower(&db, bob.user_id)
        .all()
        .await?;
    assert_eq!(pick(&links, |link| link.followee_id), [cy.user_id]);
    let links = Follow::query_followers_for_followee(&db, ada.user_id)
        .all()
        .await?;
    assert_eq!(pick(&links, |link| link.follower_id), [cy.user_id]);
    let one = Follow::query_by_primary_key(&db, ada.user_id)
        .sort_eq(cy.user_id)
        .all()
        .await?;
    assert_eq!(pick(&one, |link| link.followee_id), [cy.user_id]);

    Follow::unlink(&db, ada.user_id, cy.user_id).await?;
    let followees = ada.get_followees(&db).all().await?;
    assert_eq!(pick(&followees, |user| user.username.as_str()), ["bob"]);
    let followers = cy.get_followers(&db).all().await?;
    assert_eq!(pick(&followers, |user| user.username.as_str()), ["bob"]);
    assert_eq!(
        Follow::query_by_primary_key(&db, ada.user_id)
            .count()
            .await?,
        1
    );
    Ok(())
}
