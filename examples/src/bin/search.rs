//! Searching articles by the words of their title and body (DynamoBao's `searchAll`).

use bao_runtime::Model;
use examples::models::{Article, NewArticle};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (db, _server) = examples::connect("bao-search").await?;
    for (title, body) in [
        (
            "Single-table design",
            "One table for every model, keyed by prefix.",
        ),
        (
            "Rust on DynamoDB",
            "Typed models generated from models.yaml.",
        ),
        (
            "Search without a search engine",
            "Words are kept in `_searchText`.",
        ),
        ("Gardening notes", "Rust on the roses again."),
    ] {
        Article::create(&db, NewArticle::new(title).with_body(body)).await?;
    }
    // readme:start
    // Every word must occur, in the title or the body, in any case
    let found = Article::search(&db, "rust models").all().await?;
    println!("rust models: {:?}", titles(&found));

    // Any one of them, and a "quoted phrase"
    let found = Article::search(&db, "roses \"single table\"")
        .any_term()
        .all()
        .await?;
    println!("roses or \"single table\": {:?}", titles(&found));

    // A page at a time, with a filter on the loaded items
    let page = Article::search(&db, "rust")
        .filter(|article| !article.title.starts_with("Gardening"))
        .limit(10)
        .page()
        .await?;
    println!("rust, not gardening: {:?}", titles(&page.items));
    // readme:end
    // Items come bucket by bucket; the buckets depend on the (random) ids.
    let mut either = titles(&found);
    either.sort_unstable();
    assert_eq!(either, ["Gardening notes", "Single-table design"]);
    assert_eq!(titles(&page.items), ["Rust on DynamoDB"]);
    Ok(())
}

fn titles(articles: &[Article]) -> Vec<&str> {
    articles
        .iter()
        .map(|article| article.title.as_str())
        .collect()
}
