//! The table bao needs, as infrastructure as code: `bao table export`.
//!
//! Each format declares exactly the table `bao table create` makes
//! ([`bao_runtime::table::created_shape`]): its key, every index with its projection, on-demand
//! billing and TTL on `ttl`. A test creates the table, describes it, and compares.

use bao_runtime::table::{IndexProjection, KeyShape, TableShape};
use serde_json::{Value, json};
use std::fmt::Write;

/// The formats of `bao table export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InfraFormat {
    /// An `AWS::DynamoDB::Table` resource in a CloudFormation (or SAM, or CDK `CfnInclude`)
    /// template, as YAML.
    CloudFormation,
    /// A Terraform `aws_dynamodb_table` resource.
    Terraform,
    /// The inputs of DynamoDB's CreateTable and UpdateTimeToLive, as the AWS CLI's
    /// `--cli-input-json` takes them.
    Json,
}

/// `shape` in `format`.
pub fn export(shape: &TableShape, format: InfraFormat) -> String {
    match format {
        InfraFormat::CloudFormation => cloudformation(shape),
        InfraFormat::Terraform => terraform(shape),
        InfraFormat::Json => {
            let text = serde_json::to_string_pretty(&json_inputs(shape)).unwrap_or_default();
            text + "\n"
        }
    }
}

/// The attributes the table's and its indexes' keys use, each once, in order of first use.
fn key_attributes(shape: &TableShape) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    let keys = std::iter::once(&shape.key).chain(shape.indexes.iter().map(|index| &index.key));
    for key in keys {
        for name in std::iter::once(&key.partition).chain(&key.sort) {
            if !names.contains(&name.as_str()) {
                names.push(name);
            }
        }
    }
    names
}

fn key_schema(key: &KeyShape) -> Vec<(&str, &'static str)> {
    std::iter::once((key.partition.as_str(), "HASH"))
        .chain(key.sort.as_deref().map(|sort| (sort, "RANGE")))
        .collect()
}

/// `ALL`, `KEYS_ONLY` or `INCLUDE`, and the attributes an `INCLUDE` adds.
fn projection(projection: &IndexProjection) -> (&'static str, &[String]) {
    match projection {
        IndexProjection::All => ("ALL", &[]),
        IndexProjection::KeysOnly => ("KEYS_ONLY", &[]),
        IndexProjection::Include(attributes) => ("INCLUDE", attributes),
    }
}

/// CreateTable's and UpdateTimeToLive's inputs.
pub fn json_inputs(shape: &TableShape) -> Value {
    let key_schema_json = |key: &KeyShape| -> Vec<Value> {
        key_schema(key)
            .into_iter()
            .map(|(name, kind)| json!({ "AttributeName": name, "KeyType": kind }))
            .collect()
    };
    let indexes: Vec<Value> = shape
        .indexes
        .iter()
        .map(|index| {
            let (kind, attributes) = projection(&index.projection);
            let mut projection = json!({ "ProjectionType": kind });
            if !attributes.is_empty() {
                projection["NonKeyAttributes"] = json!(attributes);
            }
            json!({
                "IndexName": index.name,
                "KeySchema": key_schema_json(&index.key),
                "Projection": projection,
            })
        })
        .collect();
    let attributes: Vec<Value> = key_attributes(shape)
        .into_iter()
        .map(|name| json!({ "AttributeName": name, "AttributeType": "S" }))
        .collect();
    json!({
        "CreateTable": {
            "TableName": shape.name,
            "BillingMode": shape.billing_mode,
            "AttributeDefinitions": attributes,
            "KeySchema": key_schema_json(&shape.key),
            "GlobalSecondaryIndexes": indexes,
        },
        "UpdateTimeToLive": {
            "TableName": shape.name,
            "TimeToLiveSpecification": {
                "AttributeName": shape.ttl.attribute,
                "Enabled": true,
            },
        },
    })
}

fn cloudformation(shape: &TableShape) -> String {
    let mut out = String::from(
        "AWSTemplateFormatVersion: \"2010-09-09\"\n\
         Description: The DynamoDB table of a bao schema (bao table export).\n\
         Resources:\n  BaoTable:\n    Type: AWS::DynamoDB::Table\n    Properties:\n",
    );
    let _ = writeln!(out, "      TableName: {}", yaml_string(&shape.name));
    let _ = writeln!(out, "      BillingMode: {}", shape.billing_mode);
    out.push_str("      AttributeDefinitions:\n");
    for name in key_attributes(shape) {
        let _ = writeln!(
            out,
            "        - AttributeName: {}\n          AttributeType: S",
            yaml_string(name)
        );
    }
    out.push_str("      KeySchema:\n");
    for (name, kind) in key_schema(&shape.key) {
        let _ = writeln!(
            out,
            "        - AttributeName: {}\n          KeyType: {kind}",
            yaml_string(name)
        );
    }
    out.push_str("      GlobalSecondaryIndexes:\n");
    for index in &shape.indexes {
        let _ = writeln!(
            out,
            "        - IndexName: {}\n          KeySchema:",
            index.name
        );
        for (name, kind) in key_schema(&index.key) {
            let _ = writeln!(
                out,
                "            - AttributeName: {}\n              KeyType: {kind}",
                yaml_string(name)
            );
        }
        let (kind, attributes) = projection(&index.projection);
        let _ = writeln!(
            out,
            "          Projection:\n            ProjectionType: {kind}"
        );
        if !attributes.is_empty() {
            out.push_str("            NonKeyAttributes:\n");
            for attribute in attributes {
                let _ = writeln!(out, "              - {}", yaml_string(attribute));
            }
        }
    }
    if let Some(attribute) = &shape.ttl.attribute {
        let _ = writeln!(
            out,
            "      TimeToLiveSpecification:\n        AttributeName: {}\n        Enabled: true",
            yaml_string(attribute)
        );
    }
    out.push_str("Outputs:\n  TableName:\n    Value: !Ref BaoTable\n");
    out
}

fn terraform(shape: &TableShape) -> String {
    let mut out = String::from("# The DynamoDB table of a bao schema (bao table export).\n");
    out.push_str("resource \"aws_dynamodb_table\" \"bao\" {\n");
    let _ = writeln!(out, "  name         = {:?}", shape.name);
    let _ = writeln!(out, "  billing_mode = {:?}", shape.billing_mode);
    let _ = writeln!(out, "  hash_key     = {:?}", shape.key.partition);
    if let Some(sort) = &shape.key.sort {
        let _ = writeln!(out, "  range_key    = {sort:?}");
    }
    for name in key_attributes(shape) {
        let _ = write!(
            out,
            "\n  attribute {{\n    name = {name:?}\n    type = \"S\"\n  }}\n"
        );
    }
    for index in &shape.indexes {
        let (kind, attributes) = projection(&index.projection);
        let mut lines = vec![
            ("name", format!("{:?}", index.name)),
            ("hash_key", format!("{:?}", index.key.partition)),
        ];
        lines.extend(
            index
                .key
                .sort
                .as_ref()
                .map(|sort| ("range_key", format!("{sort:?}"))),
        );
        lines.push(("projection_type", format!("{kind:?}")));
        if !attributes.is_empty() {
            lines.push(("non_key_attributes", format!("{attributes:?}")));
        }
        // As `terraform fmt` aligns a block's arguments.
        let width = lines
            .iter()
            .map(|(name, _)| name.len())
            .max()
            .unwrap_or_default();
        out.push_str("\n  global_secondary_index {\n");
        for (name, value) in lines {
            let _ = writeln!(out, "    {name:width$} = {value}");
        }
        out.push_str("  }\n");
    }
    if let Some(attribute) = &shape.ttl.attribute {
        let _ = write!(
            out,
            "\n  ttl {{\n    attribute_name = {attribute:?}\n    enabled        = true\n  }}\n"
        );
    }
    out.push_str("}\n");
    out
}

/// A YAML scalar: plain when safe, double-quoted (JSON escapes) otherwise.
fn yaml_string(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !text.starts_with(['-', '.'])
        && !text.chars().all(|c| c.is_ascii_digit())
        && !["true", "false", "null", "yes", "no", "on", "off"]
            .contains(&text.to_ascii_lowercase().as_str());
    match plain {
        true => text.to_owned(),
        false => serde_json::to_string(text).unwrap_or_default(),
    }
}
