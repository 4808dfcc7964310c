//! Hooks (DynamoBao's `registerPlugin`): async functions before and after each create, update,
//! save and delete; a before-hook's error stops the write with nothing written; after-hooks see
//! the item as written and its capacity.

use bao_runtime::hooks::{HookEvent, Hooks, WriteKind};
use bao_runtime::{Error, Model};
use examples::models::{AnyModel, NewPost, NewUser, Post, PostUpdate, User};
use std::sync::{Arc, Mutex};
use tests::start;

/// Every event a hook saw, in order.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<(&'static str, HookEvent)>>>);

impl Seen {
    fn hook(
        &self,
        when: &'static str,
    ) -> impl Fn(HookEvent) -> futures::future::Ready<bao_runtime::Result<()>> + Send + Sync + 'static
    {
        let seen = self.clone();
        move |event| {
            seen.0.lock().unwrap().push((when, event));
            futures::future::ready(Ok(()))
        }
    }

    fn kinds(&self) -> Vec<(&'static str, WriteKind, &'static str)> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|(when, event)| (*when, event.kind, event.model))
            .collect()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn hooks_run_around_every_write_and_see_what_was_written() {
    let test = start().await;
    let seen = Seen::default();
    let db = test.db().with_hooks(
        Hooks::new()
            .before(seen.hook("before"))
            .after(seen.hook("after")),
    );

    let mut ada = User::create(&db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let post = Post::create(&db, NewPost::new(ada.user_id, "t", "c"))
        .await
        .unwrap();
    Post::update(&db, &post.post_id, PostUpdate::new().title("t2"))
        .await
        .unwrap();
    ada.name = "Ada L.".into();
    ada.save(&db).await.unwrap();
    Post::delete(&db, &post.post_id).await.unwrap();

    use WriteKind::*;
    assert_eq!(
        seen.kinds(),
        [
            ("before", Create, "User"),
            ("after", Create, "User"),
            ("before", Create, "Post"),
            ("after", Create, "Post"),
            ("before", Update, "Post"),
            ("after", Update, "Post"),
            ("before", Save, "User"),
            ("after", Save, "User"),
            ("before", Delete, "Post"),
            ("after", Delete, "Post"),
        ]
    );
    let events = seen.0.lock().unwrap().clone();
    // After a create: the item as stored, keys included, and what the write consumed.
    let created = &events[1].1;
    assert_eq!(created.decode::<User>().unwrap().email, "ada@example.com");
    assert!(matches!(
        AnyModel::from_item(&created.item).unwrap(),
        Some(AnyModel::User(_))
    ));
    assert!(created.capacity.write > 0.0, "{}", created.capacity);
    assert_eq!(
        events[0].1.capacity.write, 0.0,
        "before: nothing consumed yet"
    );
    // An update names what it changes; after it, the item as stored.
    assert_eq!(events[4].1.changed, ["title"]);
    assert_eq!(events[5].1.decode::<Post>().unwrap().title, "t2");
    assert_eq!(events[7].1.decode::<User>().unwrap().name, "Ada L.");
    // After a delete: the item as it was.
    assert_eq!(events[9].1.decode::<Post>().unwrap().title, "t2");
}

#[tokio::test(flavor = "current_thread")]
async fn a_before_hook_that_refuses_writes_nothing() {
    let test = start().await;
    let refuse_posts = |event: HookEvent| async move {
        match event.kind {
            WriteKind::Create => Err(Error::Validation {
                model: event.model,
                field: "title",
                message: "posts are closed".into(),
            }),
            _ => Ok(()),
        }
    };
    let db = test
        .db()
        .with_hooks(Hooks::new().before_model::<Post, _, _>(refuse_posts));
    let ada = User::create(&db, NewUser::new("Ada", "ada@example.com"))
        .await
        .expect("users are not refused");
    test.calls().reset();

    let refused = Post::create(&db, NewPost::new(ada.user_id, "t", "c")).await;

    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("posts are closed")
    );
    assert_eq!(test.calls().total(), 0, "nothing was sent");
    assert_eq!(ada.query_posts(&db).count().await.unwrap(), 0);
}

#[tokio::test(flavor = "current_thread")]
async fn hooks_are_async_carry_over_to_tenants_and_can_read_the_table() {
    let test = start().await;
    let authors = Arc::new(Mutex::new(Vec::new()));
    let reader = test.db().with_tenant("acme").unwrap();
    let found = Arc::clone(&authors);
    // After each post: read its author (a real await on the table).
    let hooks = Hooks::new().after_model::<Post, _, _>(move |event| {
        let reader = reader.clone();
        let found = Arc::clone(&found);
        async move {
            let post = event.decode::<Post>()?;
            let author = post.get_user(&reader).await?;
            found.lock().unwrap().push(author.map(|user| user.name));
            Ok(())
        }
    });
    let db = test.db().with_hooks(hooks).with_tenant("acme").unwrap();
    let ada = User::create(&db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    Post::create(&db, NewPost::new(ada.user_id, "t", "c"))
        .await
        .unwrap();
    assert_eq!(*authors.lock().unwrap(), [Some("Ada".to_owned())]);
}
