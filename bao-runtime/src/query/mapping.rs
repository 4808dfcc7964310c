//! Queries through a mapping table (`tableType: mapping`): a page of links, then the items on
//! their other side.

use super::page::{Cursor, Page};
use super::{Query, all_items};
use crate::Result;
use crate::expr::Condition;
use crate::keys::KeyValue;
use crate::model::Model;
use futures::Stream;

/// A query of a mapping table (`tableType: mapping`) that returns the items on the other side
/// of each link: `tag.get_posts(&db)` reads the `TaggedPost` links of a tag through an index,
/// then loads their posts. Each page is one Query of links plus one BatchGetItem (chunked by
/// 100, through the request scope when there is one). A link whose target no longer exists is
/// skipped.
#[derive(Debug)]
#[must_use = "a query does nothing until `page`, `pages` or `all` is awaited"]
pub struct MappingQuery<'a, L, S, T: Model> {
    links: Query<'a, L, S>,
    target: fn(&L) -> Option<T::Key>,
}

impl<'a, L: Model, S: KeyValue, T: Model> MappingQuery<'a, L, S, T> {
    /// Targets of the links `links` returns; `target` reads a link's key of the other side.
    pub fn new(links: Query<'a, L, S>, target: fn(&L) -> Option<T::Key>) -> Self {
        MappingQuery { links, target }
    }

    /// Only links whose sort key equals `value`.
    pub fn sort_eq(self, value: impl Into<S>) -> Self {
        self.map_links(|links| links.sort_eq(value))
    }

    /// Only links whose sort key starts with `prefix`.
    pub fn sort_begins_with(self, prefix: &str) -> Self {
        self.map_links(|links| links.sort_begins_with(prefix))
    }

    /// Only links whose sort key is between `low` and `high`, inclusive.
    pub fn sort_between(self, low: impl Into<S>, high: impl Into<S>) -> Self {
        self.map_links(|links| links.sort_between(low, high))
    }

    /// Only links whose sort key is greater than `value`.
    pub fn sort_gt(self, value: impl Into<S>) -> Self {
        self.map_links(|links| links.sort_gt(value))
    }

    /// Only links whose sort key is at least `value`.
    pub fn sort_gte(self, value: impl Into<S>) -> Self {
        self.map_links(|links| links.sort_gte(value))
    }

    /// Only links whose sort key is less than `value`.
    pub fn sort_lt(self, value: impl Into<S>) -> Self {
        self.map_links(|links| links.sort_lt(value))
    }

    /// Only links whose sort key is at most `value`.
    pub fn sort_lte(self, value: impl Into<S>) -> Self {
        self.map_links(|links| links.sort_lte(value))
    }

    /// Keeps only links matching `filter` (a condition on the mapping item's fields).
    pub fn filter(self, filter: Condition) -> Self {
        self.map_links(|links| links.filter(filter))
    }

    /// Reads at most `limit` links per page.
    pub fn limit(self, limit: u32) -> Self {
        self.map_links(|links| links.limit(limit))
    }

    /// Last sort keys first.
    pub fn descending(self) -> Self {
        self.map_links(Query::descending)
    }

    /// Continues after `cursor`, from an earlier page of the same query.
    pub fn after(self, cursor: Cursor) -> Self {
        self.map_links(|links| links.after(cursor))
    }

    /// The first page (or the page after the cursor): the targets in link order, the cursor of
    /// the links, and the capacity of both reads.
    pub async fn page(self) -> Result<Page<T>> {
        let db = self.links.db;
        let links = self.links.page().await?;
        let keys: Vec<T::Key> = links.items.iter().filter_map(self.target).collect();
        let targets = crate::ops::find_many::<T>(db, &keys).await?;
        let targets: Vec<T> = targets.into_iter().flatten().collect();
        let capacity = links.capacity + targets.iter().map(|t| t.state().capacity()).sum();
        Ok(Page {
            items: targets,
            cursor: links.cursor,
            capacity,
            undecodable: links.undecodable,
        })
    }

    /// Every page.
    pub fn pages(self) -> impl Stream<Item = Result<Page<T>>> + 'a
    where
        S: 'a,
        L: 'a,
    {
        futures::stream::try_unfold(Some(self), |query| async move {
            let Some(query) = query else { return Ok(None) };
            let next = MappingQuery {
                links: query.links.clone_query(),
                target: query.target,
            };
            let page = query.page().await?;
            let following = page.cursor.clone().map(|cursor| next.after(cursor));
            Ok(Some((page, following)))
        })
    }

    /// Every target, across all pages.
    pub async fn all(self) -> Result<Vec<T>>
    where
        S: 'a,
        L: 'a,
    {
        all_items(self.pages()).await
    }

    fn map_links(self, change: impl FnOnce(Query<'a, L, S>) -> Query<'a, L, S>) -> Self {
        MappingQuery {
            links: change(self.links),
            target: self.target,
        }
    }
}
