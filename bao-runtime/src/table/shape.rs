//! A table as bao sees it: its key, its indexes and TTL ([`TableShape`]), the shape bao makes,
//! how an existing table differs from it ([`Difference`]) and what a create or an update did
//! ([`TableReport`]).

use super::{TTL_ATTRIBUTE, key_attributes, key_element};
use crate::keys::{self, ITER_INDEX_NAME, ITER_PK_ATTR, ITER_SK_ATTR, PK_ATTR, SK_ATTR};
use crate::search::{SEARCH_INDEX_NAME, SEARCH_TEXT};
use crate::{Error, Result};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, CreateGlobalSecondaryIndexAction, GlobalSecondaryIndex,
    GlobalSecondaryIndexUpdate, KeySchemaElement, KeyType, Projection, ProjectionType,
    ProvisionedThroughput, TableDescription,
};
use std::fmt;

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

    pub(super) fn to_schema(&self) -> Result<Vec<KeySchemaElement>> {
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
    pub(super) fn is_on(&self) -> bool {
        matches!(self.status.as_str(), "ENABLED" | "ENABLING")
    }
}

/// What an existing table looks like, as [`describe_table`](super::describe_table) found it.
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
    pub(super) fn from_description(
        table: &str,
        description: &TableDescription,
        ttl: TtlShape,
    ) -> Self {
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
    /// An index bao needs does not exist; [`update_table`](super::update_table) adds it.
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
    /// TTL is not enabled; [`create_table`](super::create_table) and [`update_table`](super::update_table) enable it.
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
    /// Whether [`update_table`](super::update_table) can fix this difference.
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

/// What [`create_table`](super::create_table) or [`update_table`](super::update_table) did.
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
pub(super) struct WantedIndex {
    pub(super) name: String,
    key: KeyShape,
    projection: IndexProjection,
}

impl WantedIndex {
    pub(super) fn attribute_definitions(&self) -> Result<Vec<AttributeDefinition>> {
        key_attributes(&self.key)
    }

    pub(super) fn to_create_table(&self) -> Result<GlobalSecondaryIndex> {
        GlobalSecondaryIndex::builder()
            .index_name(&self.name)
            .set_key_schema(Some(self.key.to_schema()?))
            .projection(self.projection.to_sdk())
            .build()
            .map_err(|e| Error::sdk("CreateTable", e))
    }

    pub(super) fn to_update_table(
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

pub(super) fn table_key() -> KeyShape {
    KeyShape::of(PK_ATTR, SK_ATTR)
}

/// The table [`create_table_for`](super::create_table_for) creates, as [`describe_table`](super::describe_table) would find it once `ACTIVE`:
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
pub(super) fn bao_indexes(features: TableFeatures) -> Vec<WantedIndex> {
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
