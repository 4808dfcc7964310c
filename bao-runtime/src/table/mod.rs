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

mod shape;

use crate::{Error, Result};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ProvisionedThroughput,
    ScalarAttributeType, TableDescription, TimeToLiveSpecification,
};
pub use shape::{
    Difference, IndexProjection, IndexShape, KeyShape, TableFeatures, TableReport, TableShape,
    TtlChange, TtlShape, created_shape,
};
use shape::{bao_indexes, table_key};
use std::time::Duration;

/// The attribute DynamoDB's TTL reads (a `TtlField` must be named like this).
pub const TTL_ATTRIBUTE: &str = "ttl";

/// How long to wait for a new table to become `ACTIVE`.
const TABLE_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// How long to wait for one added index to finish building.
const INDEX_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The longest pause between two `DescribeTable` polls.
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(5);

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
