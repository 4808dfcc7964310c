//! Typed eager loading: an item read together with the items it relates to.
//!
//! A generated builder, `Post::load(&db, &id).user().comments(|q| q.limit(20))`, records in its
//! type which relations it includes, and [`Load::run`] reads them in at most two rounds of
//! requests:
//!
//! 1. the root item's read runs concurrently with every query that needs only its key: the
//!    items of other models whose index partitions on it ([`HasMany`]) and the links of a
//!    mapping table ([`ManyToMany`]);
//! 2. once the root is read, the items its RelatedFields point to ([`BelongsTo`]) and the
//!    targets of the links are read together, joined into BatchGetItem calls by a request scope
//!    (the caller's, or one for the load).
//!
//! So a load costs one round when it includes only queries, and two when it follows a key out
//! of the root. The queries of round 1 are sent even when the root turns out to be missing:
//! that is the price of not waiting for it.

use crate::capacity::Capacity;
use crate::keys::KeyValue;
use crate::model::Model;
use crate::ops::{ReadOptions, find, find_many};
use crate::query::{Cursor, Page, Query};
use crate::scope::{self, RequestScope};
use crate::{Db, Error, Result};
use futures::future::{BoxFuture, FutureExt, ready, try_join};

/// The value of a relation a load was not asked to include. It has no items, so code that reads
/// an include it did not ask for does not compile.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct NotLoaded;

/// One relation of a load, or a pair of them, as [`Load::run`] reads it. Implemented by
/// [`NotLoaded`], [`BelongsTo`], [`HasMany`], [`ManyToMany`] and pairs of these; generated
/// builders choose which.
pub trait Include<'a, M: Model>: Send + 'a {
    /// What the load yields for it: `Option<T>` for a belongs-to, a [`Page`] for the others.
    type Output: Send + 'a;
    /// What round 1 read, for round 2.
    type Started: Send + 'a;

    /// Round 1: the reads that need only the root's key (run alongside the root's read).
    fn start(self) -> BoxFuture<'a, Result<Self::Started>>;

    /// Round 2: the reads that need the root item. `consistent` asks for strongly consistent
    /// reads of items by key.
    fn finish(
        started: Self::Started,
        db: &'a Db,
        root: &M,
        consistent: bool,
    ) -> BoxFuture<'a, Result<Self::Output>>;

    /// The capacity consumed to read `output`.
    fn capacity(output: &Self::Output) -> Capacity;
}

impl<'a, M: Model> Include<'a, M> for NotLoaded {
    type Output = NotLoaded;
    type Started = NotLoaded;

    fn start(self) -> BoxFuture<'a, Result<NotLoaded>> {
        ready(Ok(NotLoaded)).boxed()
    }

    fn finish(_: NotLoaded, _: &'a Db, _: &M, _: bool) -> BoxFuture<'a, Result<NotLoaded>> {
        ready(Ok(NotLoaded)).boxed()
    }

    fn capacity(_: &NotLoaded) -> Capacity {
        Capacity::ZERO
    }
}

/// The item of model `T` that a RelatedField of the root points to; `None` when the field is
/// empty or the item does not exist.
#[derive(Debug, Clone, Copy)]
pub struct BelongsTo<M: Model, T: Model> {
    key_of: fn(&M) -> Option<T::Key>,
}

impl<M: Model, T: Model> BelongsTo<M, T> {
    /// The related item whose key `key_of` reads from the root.
    pub fn new(key_of: fn(&M) -> Option<T::Key>) -> Self {
        BelongsTo { key_of }
    }
}

impl<'a, M: Model, T: Model> Include<'a, M> for BelongsTo<M, T> {
    type Output = Option<T>;
    type Started = Self;

    fn start(self) -> BoxFuture<'a, Result<Self>> {
        ready(Ok(self)).boxed()
    }

    fn finish(
        started: Self,
        db: &'a Db,
        root: &M,
        consistent: bool,
    ) -> BoxFuture<'a, Result<Option<T>>> {
        let Some(key) = (started.key_of)(root) else {
            return ready(Ok(None)).boxed();
        };
        let options = ReadOptions {
            consistent,
            ..ReadOptions::default()
        };
        async move { find::<T>(db, &key, options).await }.boxed()
    }

    fn capacity(output: &Option<T>) -> Capacity {
        output
            .as_ref()
            .map_or(Capacity::ZERO, |item| item.state().capacity())
    }
}

/// A page of the items of model `C` whose index partitions on the root's key, queried in round
/// 1.
pub struct HasMany<'a, C> {
    page: BoxFuture<'a, Result<Page<C>>>,
}

impl<'a, C: Model> HasMany<'a, C> {
    /// The first page of `query` (its `limit`, order, filter and cursor apply).
    pub fn new<S: KeyValue + 'a>(query: Query<'a, C, S>) -> Self {
        // A future does nothing until polled: the query is sent by `Load::run`.
        HasMany {
            page: query.page().boxed(),
        }
    }
}

impl<C> std::fmt::Debug for HasMany<'_, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HasMany").finish_non_exhaustive()
    }
}

impl<'a, M: Model, C: Model> Include<'a, M> for HasMany<'a, C> {
    type Output = Page<C>;
    type Started = Page<C>;

    fn start(self) -> BoxFuture<'a, Result<Page<C>>> {
        self.page
    }

    fn finish(page: Page<C>, _: &'a Db, _: &M, _: bool) -> BoxFuture<'a, Result<Page<C>>> {
        ready(Ok(page)).boxed()
    }

    fn capacity(page: &Page<C>) -> Capacity {
        page.capacity
    }
}

/// A page of the items of model `T` linked to the root through a mapping table: the links are
/// queried in round 1, their targets read in round 2.
pub struct ManyToMany<'a, T: Model> {
    links: BoxFuture<'a, Result<Links<T>>>,
}

impl<'a, T: Model> ManyToMany<'a, T> {
    /// The targets of the first page of links `links`; `target` reads a link's key of the
    /// other side.
    pub fn new<L: Model, S: KeyValue + 'a>(
        links: Query<'a, L, S>,
        target: fn(&L) -> Option<T::Key>,
    ) -> Self {
        let links = async move {
            let page = links.page().await?;
            Ok(Links {
                targets: page.items.iter().filter_map(target).collect(),
                cursor: page.cursor,
                capacity: page.capacity,
                undecodable: page.undecodable,
            })
        };
        ManyToMany {
            links: links.boxed(),
        }
    }
}

impl<T: Model> std::fmt::Debug for ManyToMany<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManyToMany").finish_non_exhaustive()
    }
}

/// A page of links, read in round 1: the keys of their targets, and the rest of the page.
#[doc(hidden)]
#[derive(Debug)]
pub struct Links<T: Model> {
    targets: Vec<T::Key>,
    cursor: Option<Cursor>,
    capacity: Capacity,
    undecodable: Vec<Error>,
}

impl<'a, M: Model, T: Model> Include<'a, M> for ManyToMany<'a, T> {
    type Output = Page<T>;
    type Started = Links<T>;

    fn start(self) -> BoxFuture<'a, Result<Links<T>>> {
        self.links
    }

    fn finish(links: Links<T>, db: &'a Db, _: &M, _: bool) -> BoxFuture<'a, Result<Page<T>>> {
        async move {
            let found = find_many::<T>(db, &links.targets).await?;
            let items: Vec<T> = found.into_iter().flatten().collect();
            let capacity = links.capacity + items.iter().map(|t| t.state().capacity()).sum();
            Ok(Page {
                items,
                cursor: links.cursor,
                capacity,
                undecodable: links.undecodable,
            })
        }
        .boxed()
    }

    fn capacity(page: &Page<T>) -> Capacity {
        page.capacity
    }
}

/// A function that refines a query of a load, `|q| q.descending().limit(20)`: any
/// `FnOnce(Q) -> Q`.
pub trait Refine<Q>: FnOnce(Q) -> Q {}

impl<Q, F: FnOnce(Q) -> Q> Refine<Q> for F {}

/// Several includes: each round of all of them runs concurrently. Up to eight in a tuple; a
/// generated load of more relations nests tuples.
macro_rules! include_tuple {
    ($($part:ident),+) => {
        #[allow(non_snake_case, reason = "each binding is named by its type parameter")]
        impl<'a, M: Model, $($part: Include<'a, M>),+> Include<'a, M> for ($($part,)+) {
            type Output = ($($part::Output,)+);
            type Started = ($($part::Started,)+);

            fn start(self) -> BoxFuture<'a, Result<Self::Started>> {
                let ($($part,)+) = self;
                async move { futures::try_join!($($part.start()),+) }.boxed()
            }

            fn finish(
                ($($part,)+): Self::Started,
                db: &'a Db,
                root: &M,
                consistent: bool,
            ) -> BoxFuture<'a, Result<Self::Output>> {
                $(let $part = $part::finish($part, db, root, consistent);)+
                async move { futures::try_join!($($part),+) }.boxed()
            }

            fn capacity(($($part,)+): &Self::Output) -> Capacity {
                Capacity::ZERO $(+ $part::capacity($part))+
            }
        }
    };
}

include_tuple!(A, B);
include_tuple!(A, B, C);
include_tuple!(A, B, C, D);
include_tuple!(A, B, C, D, E);
include_tuple!(A, B, C, D, E, F);
include_tuple!(A, B, C, D, E, F, G);
include_tuple!(A, B, C, D, E, F, G, H);

/// A load under way. It yields the root item, what its includes yield, and the capacity of
/// every read; `None` when the root does not exist.
pub type LoadFuture<'a, M, O> = BoxFuture<'a, Result<Option<(M, O, Capacity)>>>;

/// The root of a load: which item, and how to read it.
#[derive(Debug, Clone)]
pub struct Load<'a, M: Model> {
    db: &'a Db,
    key: M::Key,
    consistent: bool,
}

impl<'a, M: Model> Load<'a, M> {
    /// A load of the item with this key.
    pub fn new(db: &'a Db, key: &M::Key) -> Self {
        Load {
            db,
            key: key.clone(),
            consistent: false,
        }
    }

    /// Reads the root and the items it points to with strongly consistent reads (queries of
    /// global secondary indexes are always eventually consistent).
    #[must_use]
    pub fn consistent(mut self) -> Self {
        self.consistent = true;
        self
    }

    /// A query of `C` through its index `index`, partitioned on the root's key.
    pub fn related<C: Model, S: KeyValue>(&self, index: &str) -> Query<'a, C, S> {
        crate::__codegen::query_related_to::<M, C, S>(self.db, index, &self.key)
    }

    /// [`run`](Self::run), its result built by `with`: what a generated load's `IntoFuture`
    /// returns, so the generated code holds no future of its own.
    pub fn run_into<I: Include<'a, M>, W: 'a>(
        self,
        include: I,
        with: fn(M, I::Output, Capacity) -> W,
    ) -> BoxFuture<'a, Result<Option<W>>> {
        let run = self.run(include);
        async move {
            let loaded = run.await?;
            Ok(loaded.map(|(root, parts, capacity)| with(root, parts, capacity)))
        }
        .boxed()
    }

    /// Reads the root and `include` in at most two rounds (see the [module docs](self)): the
    /// root, what `include` yields, and the capacity of every read; `None` when the root does
    /// not exist (or is soft-deleted).
    ///
    /// # Errors
    /// The first error of any read.
    pub fn run<I: Include<'a, M>>(self, include: I) -> LoadFuture<'a, M, I::Output> {
        // Boxed here, where the types are concrete, so a generated `IntoFuture` only awaits it.
        async move {
            let options = ReadOptions {
                consistent: self.consistent,
                ..ReadOptions::default()
            };
            let root = find::<M>(self.db, &self.key, options);
            let (root, started) = try_join(root, include.start()).await?;
            let Some(root) = root else { return Ok(None) };
            let finish = I::finish(started, self.db, &root, self.consistent);
            // Round 2 joins one batch only inside a scope: the caller's, or one of ours.
            let output = match scope::is_inside() {
                true => finish.await?,
                false => RequestScope::new().run(finish).await?,
            };
            let capacity = root.state().capacity() + I::capacity(&output);
            Ok(Some((root, output, capacity)))
        }
        .boxed()
    }
}
