//! A DynamoDB Streams Lambda handler on the generated models: it reads each record's new image
//! with `AnyModel` and, for every new post, names its author (read through a request scope, so
//! the authors of a batch are one BatchGetItem).

use crate::models::{AnyModel, Post};
use aws_lambda_events::dynamodb::Event;
use bao_runtime::stream::{Change, ChangeKind};
use bao_runtime::{Db, RequestScope};

/// What the handler says about each new post: `New post "Engines" by Ada`.
pub async fn handle(db: &Db, event: &Event) -> bao_runtime::Result<Vec<String>> {
    let mut new_posts: Vec<Post> = Vec::new();
    for record in &event.records {
        let change = Change::of(record);
        let Some(image) = change
            .new_image
            .filter(|_| change.kind == Some(ChangeKind::Insert))
        else {
            continue;
        };
        if let Some(AnyModel::Post(post)) = AnyModel::from_item(&image)? {
            new_posts.push(post);
        }
    }
    let authors = RequestScope::new()
        .run(futures::future::try_join_all(
            new_posts.iter().map(|post| post.get_user(db)),
        ))
        .await?;
    Ok(new_posts
        .iter()
        .zip(authors)
        .map(|(post, author)| {
            let by = author.map_or_else(|| "someone".to_owned(), |author| author.name);
            format!("New post {:?} by {by}", post.title)
        })
        .collect())
}
