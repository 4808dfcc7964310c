//! DynamoBao's table: the one table every bao model lives in.
//!
//! [`create_table`] is DynamoBao's `bao-create-table`, [`update_table`] its `bao-update-table`
//! and [`describe_table`] reports what exists. The table is exactly DynamoBao's:
//!
//! - `PAY_PER_REQUEST`, key `_pk` (HASH) / `_sk` (RANGE), every key attribute of type `S`;
//! - `gsi1`..`gsi5` on `_gsiN_pk` / `_gsiN_sk`, projecting `ALL`;
//! - `iter_index` on `_iter_pk` / `_iter_sk`, projecting `KEYS_ONLY`;
//! - TTL on the attribute `ttl`.
//!
//! With [`TableFeatures::search`] (any model of the schema is `searchable`) the table also has
//! DynamoBao's `iter_search_index` on `_iter_pk` / `_iter_sk`, projecting `_searchText`
//! (`INCLUDE`), which search reads. It is made only when asked for: every write of an iterable
//! item also writes it.
//!
//! A table with a different key or index layout is refused with [`Error::Table`]; other
//! indexes and the billing mode of an existing table are left alone.

use crate::keys::{self, ITER_INDEX_NAME, ITER_PK_ATTR, ITER_SK_ATTR, PK_ATTR, SK_ATTR};
use crate::search::{SEARCH_INDEX_NAME, SEARCH_TEXT};
use crate::{Error, Result};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, CreateGlobalSecondaryIndexAction, GlobalSecondaryIndex,
    GlobalSecondaryIndexUpdate, KeySchemaElement, KeyType, Projection, ProjectionType,
    ProvisionedThroughput, ScalarAttributeType, TableDescription, TimeToLiveSpecification,
};
use std::fmt;
use std::time::Duration;

/// The attribute DynamoDB's TTL reads (a `TtlField` must be named like this).
pub const TTL_ATTRIBUTE: &str = "ttl";

/// How long to wait for a new table to become `ACTIVE`.
const TABLE_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// How long to wait for one added index to finish building.
const INDEX_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The longest pause between two `DescribeTable` polls.
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(5);

/// What the table serves beyond DynamoBao's base layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TableFeatures {
    /// Search: the table has `iter_search_index`.
    pub search: bool,
}

impl TableFeatures {
    /// The features a set of models needs: search when any of them is searchable.
    pub fn for_models(schemas: &[&crate::schema::ModelSchema]) -> Self {
        TableFeatures {
            search: schemas.iter().any(|schema| schema.search.is_some()),
        }
    }
}

/// A key schema: a partition key and an optional sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyShape {
    /// The HASH attribute.
    pub partition: String,
    /// The RANGE attribute, if any.
    pub sort: Option<String>,
}

impl KeyShape {
    fn of(partition: &str, sort: &str) -> Self {
        KeyShape {
            partition: partition.to_owned(),
            sort: Some(sort.to_owned()),
        }
    }

    fn from_schema(elements: &[KeySchemaElement]) -> Self {
        let find = |wanted: KeyType| {
            elements
                .iter()
                .find(|element| *element.key_type() == wanted)
                .map(|element| element.attribute_name().to_owned())
        };
        KeyShape {
            partition: find(KeyType::Hash).unwrap_or_default(),
            sort: find(KeyType::Range),
        }
    }

    fn to_schema(&self) -> Result<Vec<KeySchemaElement>> {
        let mut schema = vec![key_element(&self.partition, KeyType::Hash)?];
        if let Some(sort) = &self.sort {
            schema.push(key_element(sort, KeyType::Range)?);
        }
        Ok(schema)
    }
}

impl fmt::Display for KeyShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.sort {
            Some(sort) => write!(f, "{} / {}", self.partition, sort),
            None => write!(f, "{}", self.partition),
        }
    }
}

/// Which attributes an index copies from the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexProjection {
    /// Every attribute.
    All,
    /// Only the table and index keys.
    KeysOnly,
    /// The keys plus these attributes.
    Include(Vec<String>),
}

impl IndexProjection {
    fn from_sdk(projection: Option<&Projection>) -> Self {
        match projection.and_then(Projection::projection_type) {
            Some(ProjectionType::All) => IndexProjection::All,
            Some(ProjectionType::KeysOnly) => IndexProjection::KeysOnly,
            _ => IndexProjection::Include(
                projection
                    .map(|p| p.non_key_attributes().to_vec())
                    .unwrap_or_default(),
            ),
        }
    }

    fn to_sdk(&self) -> Projection {
        match self {
            IndexProjection::All => Projection::builder()
                .projection_type(ProjectionType::All)
                .build(),
            IndexProjection::KeysOnly => Projection::builder()
                .projection_type(ProjectionType::KeysOnly)
                .build(),
            IndexProjection::Include(attributes) => Projection::builder()
                .projection_type(ProjectionType::Include)
                .set_non_key_attributes(Some(attributes.clone()))
                .build(),
        }
    }
}

impl fmt::Display for IndexProjection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IndexProjection::All => f.write_str("ALL"),
            IndexProjection::KeysOnly => f.write_str("KEYS_ONLY"),
            IndexProjection::Include(attributes) => write!(f, "INCLUDE({})", attributes.join(", ")),
        }
    }
}

/// A global secondary index of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexShape {
    /// Index name, e.g. `gsi1`.
    pub name: String,
    /// Its key attributes.
    pub key: KeyShape,
    /// What it projects.
    pub projection: IndexProjection,
    /// `CREATING`, `ACTIVE`, ... as DynamoDB reports it.
    pub status: String,
}

/// The table's time-to-live setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TtlShape {
    /// `ENABLED`, `ENABLING`, `DISABLING` or `DISABLED`.
    pub status: String,
    /// The attribute TTL reads, when it is (being) enabled.
    pub attribute: Option<String>,
}

impl TtlShape {
    fn is_on(&self) -> bool {
        matches!(self.status.as_str(), "ENABLED" | "ENABLING")
    }
}

/// What an existing table looks like, as [`describe_table`] found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableShape {
    /// Table name.
    pub name: String,
    /// `CREATING`, `ACTIVE`, `UPDATING`, ... as DynamoDB reports it.
    pub status: String,
    /// The primary key.
    pub key: KeyShape,
    /// Global secondary indexes, in the order DynamoDB lists them.
    pub indexes: Vec<IndexShape>,
    /// `PAY_PER_REQUEST` or `PROVISIONED`.
    pub billing_mode: String,
    /// Time to live.
    pub ttl: TtlShape,
    /// DynamoDB's approximate item count (refreshed about every six hours).
    pub item_count: Option<i64>,
}

impl TableShape {
    fn from_description(table: &str, description: &TableDescription, ttl: TtlShape) -> Self {
        let indexes = description
            .global_secondary_indexes()
            .iter()
            .map(|index| IndexShape {
                name: index.index_name().unwrap_or_default().to_owned(),
                key: KeyShape::from_schema(index.key_schema()),
                projection: IndexProjection::from_sdk(index.projection()),
                status: index
                    .index_status()
                    .map(|status| status.as_str().to_owned())
                    .unwrap_or_default(),
            })
            .collect();
        TableShape {
            name: description.table_name().unwrap_or(table).to_owned(),
            status: description
                .table_status()
                .map(|status| status.as_str().to_owned())
                .unwrap_or_default(),
            key: KeyShape::from_schema(description.key_schema()),
            indexes,
            billing_mode: description
                .billing_mode_summary()
                .and_then(|summary| summary.billing_mode())
                .map_or(BillingMode::Provisioned.as_str(), BillingMode::as_str)
                .to_owned(),
            ttl,
            item_count: description.item_count(),
        }
    }

    /// The index called `name`, if the table has it.
    pub fn index(&self, name: &str) -> Option<&IndexShape> {
        self.indexes.iter().find(|index| index.name == name)
    }

    /// Every way this table differs from the table bao needs; empty when it matches.
    pub fn differences(&self) -> Vec<Difference> {
        self.differences_for(TableFeatures::default())
    }

    /// Every way this table differs from the table bao needs for `features`.
    pub fn differences_for(&self, features: TableFeatures) -> Vec<Difference> {
        let mut differences = Vec::new();
        if self.key != table_key() {
            differences.push(Difference::Key {
                found: self.key.clone(),
            });
        }
        for wanted in bao_indexes(features) {
            match self.index(&wanted.name) {
                None => differences.push(Difference::MissingIndex(wanted.name)),
                Some(found) => {
                    if found.key != wanted.key {
                        differences.push(Difference::IndexKey {
                            index: wanted.name.clone(),
                            found: found.key.clone(),
                            expected: wanted.key.clone(),
                        });
                    }
                    if found.projection != wanted.projection {
                        differences.push(Difference::IndexProjection {
                            index: wanted.name,
                            found: found.projection.clone(),
                            expected: wanted.projection,
                        });
                    }
                }
            }
        }
        match &self.ttl.attribute {
            Some(attribute) if self.ttl.is_on() && attribute != TTL_ATTRIBUTE => {
                differences.push(Difference::TtlAttribute {
                    found: attribute.clone(),
                });
            }
            _ if !self.ttl.is_on() => differences.push(Difference::TtlDisabled {
                status: self.ttl.status.clone(),
            }),
            _ => {}
        }
        differences
    }
}

impl fmt::Display for TableShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "table:    {} ({})", self.name, self.status)?;
        writeln!(f, "key:      {}", self.key)?;
        writeln!(f, "billing:  {}", self.billing_mode)?;
        match &self.item_count {
            Some(count) => writeln!(f, "items:    {count}")?,
            None => writeln!(f, "items:    unknown")?,
        }
        match &self.ttl.attribute {
            Some(attribute) => writeln!(f, "ttl:      {} on `{attribute}`", self.ttl.status)?,
            None => writeln!(f, "ttl:      {}", self.ttl.status)?,
        }
        write!(f, "indexes:  {}", self.indexes.len())?;
        let width = self.indexes.iter().map(|index| index.name.len()).max();
        let key_width = self.indexes.iter().map(|i| i.key.to_string().len()).max();
        for index in &self.indexes {
            write!(
                f,
                "\n  {:name$}  {:key$}  {:9}  {}",
                index.name,
                index.key.to_string(),
                index.projection.to_string(),
                index.status,
                name = width.unwrap_or(0),
                key = key_width.unwrap_or(0),
            )?;
        }
        Ok(())
    }
}

/// One way an existing table differs from the table bao needs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Difference {
    /// The primary key is not `_pk` / `_sk`.
    Key {
        /// The table's key.
        found: KeyShape,
    },
    /// An index bao needs does not exist; [`update_table`] adds it.
    MissingIndex(String),
    /// An index exists with other key attributes.
    IndexKey {
        /// Index name.
        index: String,
        /// Its key.
        found: KeyShape,
        /// The key bao needs.
        expected: KeyShape,
    },
    /// An index exists with another projection.
    IndexProjection {
        /// Index name.
        index: String,
        /// Its projection.
        found: IndexProjection,
        /// The projection bao needs.
        expected: IndexProjection,
    },
    /// TTL is not enabled; [`create_table`] and [`update_table`] enable it.
    TtlDisabled {
        /// DynamoDB's TTL status.
        status: String,
    },
    /// TTL reads another attribute than `ttl`.
    TtlAttribute {
        /// The attribute TTL reads.
        found: String,
    },
}

impl Difference {
    /// Whether [`update_table`] can fix this difference.
    pub fn is_fixable(&self) -> bool {
        matches!(
            self,
            Difference::MissingIndex(_) | Difference::TtlDisabled { .. }
        )
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Key { found } => {
                write!(f, "key is {found}, expected {}", table_key())
            }
            Difference::MissingIndex(index) => write!(f, "index {index} is missing"),
            Difference::IndexKey {
                index,
                found,
                expected,
            } => write!(f, "index {index} has key {found}, expected {expected}"),
            Difference::IndexProjection {
                index,
                found,
                expected,
            } => write!(f, "index {index} projects {found}, expected {expected}"),
            Difference::TtlDisabled { status } => {
                write!(f, "TTL is {status}, expected ENABLED on `{TTL_ATTRIBUTE}`")
            }
            Difference::TtlAttribute { found } => {
                write!(f, "TTL reads `{found}`, expected `{TTL_ATTRIBUTE}`")
            }
        }
    }
}

/// What happened to the table's TTL setting.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TtlChange {
    /// TTL was enabled on `ttl` now.
    Enabled,
    /// TTL was already enabled (or being enabled) on `ttl`.
    AlreadyEnabled,
    /// TTL is being disabled; DynamoDB refuses to enable it until that finishes.
    Disabling,
}

/// What [`create_table`] or [`update_table`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableReport {
    /// Table name.
    pub table: String,
    /// The table was created now (`false`: it already existed).
    pub created: bool,
    /// Indexes added to an existing table, in the order they were added.
    pub indexes_added: Vec<String>,
    /// What happened to TTL.
    pub ttl: TtlChange,
}

impl TableReport {
    /// Whether anything was changed.
    pub fn changed(&self) -> bool {
        self.created || !self.indexes_added.is_empty() || self.ttl == TtlChange::Enabled
    }
}

impl fmt::Display for TableReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if self.created {
            parts.push("created".to_owned());
        } else if !self.indexes_added.is_empty() {
            parts.push(format!("added {}", self.indexes_added.join(", ")));
        }
        match self.ttl {
            TtlChange::Enabled => parts.push(format!("TTL enabled on `{TTL_ATTRIBUTE}`")),
            TtlChange::Disabling => parts.push(
                "TTL is being disabled; run again once DynamoDB has finished to enable it"
                    .to_owned(),
            ),
            TtlChange::AlreadyEnabled => {}
        }
        if parts.is_empty() {
            parts.push("already up to date".to_owned());
        }
        write!(f, "table `{}`: {}", self.table, parts.join("; "))
    }
}

/// An index bao needs, as it should be created.
struct WantedIndex {
    name: String,
    key: KeyShape,
    projection: IndexProjection,
}

impl WantedIndex {
    fn attribute_definitions(&self) -> Result<Vec<AttributeDefinition>> {
        key_attributes(&self.key)
    }

    fn to_create_table(&self) -> Result<GlobalSecondaryIndex> {
        GlobalSecondaryIndex::builder()
            .index_name(&self.name)
            .set_key_schema(Some(self.key.to_schema()?))
            .projection(self.projection.to_sdk())
            .build()
            .map_err(|e| Error::sdk("CreateTable", e))
    }

    fn to_update_table(
        &self,
        throughput: Option<ProvisionedThroughput>,
    ) -> Result<GlobalSecondaryIndexUpdate> {
        let action = CreateGlobalSecondaryIndexAction::builder()
            .index_name(&self.name)
            .set_key_schema(Some(self.key.to_schema()?))
            .projection(self.projection.to_sdk())
            .set_provisioned_throughput(throughput)
            .build()
            .map_err(|e| Error::sdk("UpdateTable", e))?;
        Ok(GlobalSecondaryIndexUpdate::builder().create(action).build())
    }
}

fn table_key() -> KeyShape {
    KeyShape::of(PK_ATTR, SK_ATTR)
}

/// The table [`create_table_for`] creates, as [`describe_table`] would find it once `ACTIVE`:
/// for infrastructure-as-code exports, which must declare exactly this table.
pub fn created_shape(table: &str, features: TableFeatures) -> TableShape {
    TableShape {
        name: table.to_owned(),
        status: "ACTIVE".to_owned(),
        key: table_key(),
        indexes: bao_indexes(features)
            .into_iter()
            .map(|index| IndexShape {
                name: index.name,
                key: index.key,
                projection: index.projection,
                status: "ACTIVE".to_owned(),
            })
            .collect(),
        billing_mode: BillingMode::PayPerRequest.as_str().to_owned(),
        ttl: TtlShape {
            status: "ENABLED".to_owned(),
            attribute: Some(TTL_ATTRIBUTE.to_owned()),
        },
        item_count: None,
    }
}

/// gsi1..gsi5 and the iteration index, in the order DynamoBao creates them, then the search
/// index when asked for (DynamoBao's `bao-update-table` adds it last).
fn bao_indexes(features: TableFeatures) -> Vec<WantedIndex> {
    let mut indexes: Vec<WantedIndex> = (1..=5)
        .map(|gsi| {
            let (pk, sk) = keys::gsi_attribute_names(gsi);
            WantedIndex {
                name: keys::gsi_index_name(gsi).to_owned(),
                key: KeyShape::of(pk, sk),
                projection: IndexProjection::All,
            }
        })
        .collect();
    indexes.push(WantedIndex {
        name: ITER_INDEX_NAME.to_owned(),
        key: KeyShape::of(ITER_PK_ATTR, ITER_SK_ATTR),
        projection: IndexProjection::KeysOnly,
    });
    if features.search {
        indexes.push(WantedIndex {
            name: SEARCH_INDEX_NAME.to_owned(),
            key: KeyShape::of(ITER_PK_ATTR, ITER_SK_ATTR),
            projection: IndexProjection::Include(vec![SEARCH_TEXT.to_owned()]),
        });
    }
    indexes
}

fn key_element(attribute: &str, key_type: KeyType) -> Result<KeySchemaElement> {
    KeySchemaElement::builder()
        .attribute_name(attribute)
        .key_type(key_type)
        .build()
        .map_err(|e| Error::sdk("CreateTable", e))
}

fn key_attributes(key: &KeyShape) -> Result<Vec<AttributeDefinition>> {
    std::iter::once(&key.partition)
        .chain(&key.sort)
        .map(|name| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .map_err(|e| Error::sdk("CreateTable", e))
        })
        .collect()
}

fn table_error(table: &str, message: impl Into<String>) -> Error {
    Error::Table {
        table: table.to_owned(),
        message: message.into(),
    }
}

/// Creates DynamoBao's table (see the [module docs](self)), waits until it is `ACTIVE` and
/// enables TTL on `ttl`.
///
/// Idempotent: a table that already has the right shape is accepted, and only its TTL is
/// enabled if that is missing. A table of another shape, or one missing an index, is refused
/// with [`Error::Table`] naming every difference ([`update_table`] adds missing indexes).
pub async fn create_table(client: &Client, table: &str) -> Result<TableReport> {
    create_table_for(client, table, TableFeatures::default()).await
}

/// [`create_table`] of a table with `features` (the search index).
pub async fn create_table_for(
    client: &Client,
    table: &str,
    features: TableFeatures,
) -> Result<TableReport> {
    let created = match inspect(client, table).await? {
        Some((_, existing)) => {
            refuse_differences(table, &existing, features, false)?;
            false
        }
        None => {
            let created = send_create_table(client, table, features).await?;
            if !created {
                // Another writer created it in between: check what it made.
                let made = describe_table(client, table).await?;
                refuse_differences(table, &made, features, false)?;
            }
            created
        }
    };
    wait_until_active(client, table, TABLE_TIMEOUT).await?;
    let ttl = enable_ttl(client, table).await?;
    Ok(TableReport {
        table: table.to_owned(),
        created,
        indexes_added: Vec::new(),
        ttl,
    })
}

/// Brings an existing table up to DynamoBao's shape, as `bao-update-table` does: adds each
/// missing index with its own `UpdateTable` call and waits until it is `ACTIVE`, then enables
/// TTL on `ttl` unless it is `ENABLED`, `ENABLING` or `DISABLING`.
///
/// A missing table, or differences that cannot be fixed in place (another key, an index with
/// other keys or projection, TTL on another attribute), are refused with [`Error::Table`].
pub async fn update_table(client: &Client, table: &str) -> Result<TableReport> {
    update_table_for(client, table, TableFeatures::default()).await
}

/// [`update_table`] to a table with `features` (adding the search index).
pub async fn update_table_for(
    client: &Client,
    table: &str,
    features: TableFeatures,
) -> Result<TableReport> {
    let (description, shape) = inspect(client, table)
        .await?
        .ok_or_else(|| table_error(table, "does not exist"))?;
    refuse_differences(table, &shape, features, true)?;
    let throughput = index_throughput(&description);
    wait_until_active(client, table, INDEX_TIMEOUT).await?;

    let mut indexes_added = Vec::new();
    for wanted in bao_indexes(features) {
        if shape.index(&wanted.name).is_some() {
            continue;
        }
        client
            .update_table()
            .table_name(table)
            .set_attribute_definitions(Some(wanted.attribute_definitions()?))
            .global_secondary_index_updates(wanted.to_update_table(throughput.clone())?)
            .send()
            .await
            .map_err(|e| Error::sdk("UpdateTable", e))?;
        wait_until_active(client, table, INDEX_TIMEOUT).await?;
        indexes_added.push(wanted.name);
    }
    let ttl = enable_ttl(client, table).await?;
    Ok(TableReport {
        table: table.to_owned(),
        created: false,
        indexes_added,
        ttl,
    })
}

/// Describes an existing table: key schema, indexes with projection and status, billing mode,
/// TTL status and approximate item count. A missing table is an [`Error::Table`].
pub async fn describe_table(client: &Client, table: &str) -> Result<TableShape> {
    inspect(client, table)
        .await?
        .map(|(_, shape)| shape)
        .ok_or_else(|| table_error(table, "does not exist"))
}

/// `DescribeTable` and `DescribeTimeToLive`; `None` when the table does not exist.
async fn inspect(client: &Client, table: &str) -> Result<Option<(TableDescription, TableShape)>> {
    let Some(description) = describe(client, table).await? else {
        return Ok(None);
    };
    let ttl = describe_ttl(client, table).await?;
    let shape = TableShape::from_description(table, &description, ttl);
    Ok(Some((description, shape)))
}

async fn describe(client: &Client, table: &str) -> Result<Option<TableDescription>> {
    match client.describe_table().table_name(table).send().await {
        Ok(output) => Ok(output.table),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception()) =>
        {
            Ok(None)
        }
        Err(e) => Err(Error::sdk("DescribeTable", e)),
    }
}

async fn describe_ttl(client: &Client, table: &str) -> Result<TtlShape> {
    let output = client
        .describe_time_to_live()
        .table_name(table)
        .send()
        .await
        .map_err(|e| Error::sdk("DescribeTimeToLive", e))?;
    let description = output.time_to_live_description();
    Ok(TtlShape {
        status: description
            .and_then(|d| d.time_to_live_status())
            .map_or("DISABLED", |status| status.as_str())
            .to_owned(),
        attribute: description
            .and_then(|d| d.attribute_name())
            .map(str::to_owned),
    })
}

/// Refuses a table that differs from bao's in a way that cannot be fixed in place, and, unless
/// `allow_missing_indexes`, one that lacks indexes. Disabled TTL is always accepted.
fn refuse_differences(
    table: &str,
    shape: &TableShape,
    features: TableFeatures,
    allow_missing_indexes: bool,
) -> Result<()> {
    let differences = shape.differences_for(features);
    let unfixable: Vec<String> = differences
        .iter()
        .filter(|d| !d.is_fixable())
        .map(Difference::to_string)
        .collect();
    let message = if !unfixable.is_empty() {
        unfixable.join("; ")
    } else {
        let missing: Vec<String> = differences
            .iter()
            .filter(|d| matches!(d, Difference::MissingIndex(_)))
            .map(Difference::to_string)
            .collect();
        if missing.is_empty() || allow_missing_indexes {
            return Ok(());
        }
        format!(
            "{} (update_table, or `bao table update`, adds missing indexes)",
            missing.join("; ")
        )
    };
    Err(table_error(
        table,
        format!("exists with a different shape from bao's: {message}"),
    ))
}

/// Sends `CreateTable`; `false` when another writer created the table first.
async fn send_create_table(client: &Client, table: &str, features: TableFeatures) -> Result<bool> {
    let indexes = bao_indexes(features);
    let mut attributes = key_attributes(&table_key())?;
    let mut gsis = Vec::with_capacity(indexes.len());
    for index in &indexes {
        // The two iteration indexes share their key attributes, defined once.
        for attribute in index.attribute_definitions()? {
            if !attributes.contains(&attribute) {
                attributes.push(attribute);
            }
        }
        gsis.push(index.to_create_table()?);
    }
    let sent = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .set_key_schema(Some(table_key().to_schema()?))
        .set_attribute_definitions(Some(attributes))
        .set_global_secondary_indexes(Some(gsis))
        .send()
        .await;
    match sent {
        Ok(_) => Ok(true),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_resource_in_use_exception()) =>
        {
            Ok(false)
        }
        Err(e) => Err(Error::sdk("CreateTable", e)),
    }
}

/// The throughput a new index needs on a provisioned table: the table's own.
fn index_throughput(description: &TableDescription) -> Option<ProvisionedThroughput> {
    let on_demand = description
        .billing_mode_summary()
        .and_then(|summary| summary.billing_mode())
        == Some(&BillingMode::PayPerRequest);
    if on_demand {
        return None;
    }
    let current = description.provisioned_throughput()?;
    ProvisionedThroughput::builder()
        .read_capacity_units(current.read_capacity_units().unwrap_or(1).max(1))
        .write_capacity_units(current.write_capacity_units().unwrap_or(1).max(1))
        .build()
        .ok()
}

/// Polls `DescribeTable` until the table and all its indexes are `ACTIVE`, with a growing
/// interval, for at most `timeout`.
async fn wait_until_active(client: &Client, table: &str, timeout: Duration) -> Result<()> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut interval = Duration::from_millis(50);
    loop {
        let description = describe(client, table)
            .await?
            .ok_or_else(|| table_error(table, "disappeared while waiting for it"))?;
        let pending = pending_parts(&description);
        if pending.is_empty() {
            return Ok(());
        }
        if tokio::time::Instant::now() + interval > deadline {
            return Err(table_error(
                table,
                format!(
                    "not ACTIVE after {} s ({}); DynamoDB keeps working on it, run the command \
                     again later",
                    timeout.as_secs(),
                    pending.join(", ")
                ),
            ));
        }
        tokio::time::sleep(interval).await;
        interval = (interval * 2).min(MAX_POLL_INTERVAL);
    }
}

/// The table and indexes that are not `ACTIVE`, as `"gsi5 is CREATING"`.
fn pending_parts(description: &TableDescription) -> Vec<String> {
    let table = ("table", description.table_status().map(|s| s.as_str()));
    let indexes = description.global_secondary_indexes().iter().map(|index| {
        (
            index.index_name().unwrap_or_default(),
            index.index_status().map(|s| s.as_str()),
        )
    });
    std::iter::once(table)
        .chain(indexes)
        .filter(|(_, status)| *status != Some("ACTIVE"))
        .map(|(name, status)| format!("{name} is {}", status.unwrap_or("unknown")))
        .collect()
}

/// Enables TTL on `ttl` unless it is already on (real DynamoDB refuses to enable it twice).
async fn enable_ttl(client: &Client, table: &str) -> Result<TtlChange> {
    let ttl = describe_ttl(client, table).await?;
    if let Some(attribute) = ttl.attribute.as_deref().filter(|_| ttl.is_on()) {
        if attribute != TTL_ATTRIBUTE {
            return Err(table_error(
                table,
                Difference::TtlAttribute {
                    found: attribute.to_owned(),
                }
                .to_string(),
            ));
        }
        return Ok(TtlChange::AlreadyEnabled);
    }
    if ttl.status == "DISABLING" {
        return Ok(TtlChange::Disabling);
    }
    let specification = TimeToLiveSpecification::builder()
        .enabled(true)
        .attribute_name(TTL_ATTRIBUTE)
        .build()
        .map_err(|e| Error::sdk("UpdateTimeToLive", e))?;
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(specification)
        .send()
        .await
        .map_err(|e| Error::sdk("UpdateTimeToLive", e))?;
    Ok(TtlChange::Enabled)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bao_shape() -> TableShape {
        TableShape {
            name: "t".to_owned(),
            status: "ACTIVE".to_owned(),
            key: table_key(),
            indexes: bao_indexes(TableFeatures::default())
                .into_iter()
                .map(|wanted| IndexShape {
                    name: wanted.name,
                    key: wanted.key,
                    projection: wanted.projection,
                    status: "ACTIVE".to_owned(),
                })
                .collect(),
            billing_mode: "PAY_PER_REQUEST".to_owned(),
            ttl: TtlShape {
                status: "ENABLED".to_owned(),
                attribute: Some("ttl".to_owned()),
            },
            item_count: Some(0),
        }
    }

    #[test]
    fn bao_table_has_no_differences() {
        assert_eq!(bao_shape().differences(), Vec::new());
    }

    #[test]
    fn differences_name_what_differs() {
        let mut shape = bao_shape();
        shape.key.sort = None;
        shape.indexes.retain(|index| index.name != "gsi5");
        shape.indexes[0].projection = IndexProjection::KeysOnly;
        shape.ttl.attribute = Some("expiresAt".to_owned());
        let rendered: Vec<String> = shape.differences().iter().map(|d| d.to_string()).collect();
        assert_eq!(
            rendered,
            [
                "key is _pk, expected _pk / _sk",
                "index gsi1 projects KEYS_ONLY, expected ALL",
                "index gsi5 is missing",
                "TTL reads `expiresAt`, expected `ttl`",
            ]
        );
    }

    #[test]
    fn disabled_ttl_is_fixable() {
        let mut shape = bao_shape();
        shape.ttl = TtlShape {
            status: "DISABLED".to_owned(),
            attribute: None,
        };
        let differences = shape.differences();
        assert_eq!(differences.len(), 1);
        assert!(differences[0].is_fixable());
    }

    #[test]
    fn report_says_what_was_done() {
        let report = TableReport {
            table: "app".to_owned(),
            created: false,
            indexes_added: vec!["gsi5".to_owned()],
            ttl: TtlChange::Enabled,
        };
        assert_eq!(
            report.to_string(),
            "table `app`: added gsi5; TTL enabled on `ttl`"
        );
    }
}
