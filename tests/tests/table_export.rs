//! `bao table export` declares exactly the table `bao table create` makes: the table created on
//! the in-process DynamoDB, described back, is the exported shape, attribute for attribute.

use bao_codegen::infra::{InfraFormat, export, json_inputs};
use bao_runtime::table::{TableFeatures, created_shape, describe_table};
use bao_runtime::testing::TestDb;
use serde_json::Value;

#[tokio::test(flavor = "current_thread")]
async fn the_export_is_the_table_create_makes() {
    // The test table is created as `bao table create` creates it, with the search index.
    let test = TestDb::start().await.unwrap();
    let db = test.db();
    let live = describe_table(db.client(), db.table()).await.unwrap();
    let exported = created_shape(db.table(), TableFeatures { search: true });

    assert_eq!(live.key, exported.key);
    assert_eq!(live.billing_mode, exported.billing_mode);
    assert_eq!(live.ttl.attribute, exported.ttl.attribute);
    let shape = |shape: &bao_runtime::table::TableShape| {
        let mut indexes: Vec<_> = shape
            .indexes
            .iter()
            .map(|index| {
                (
                    index.name.clone(),
                    index.key.clone(),
                    index.projection.clone(),
                )
            })
            .collect();
        indexes.sort_by(|a, b| a.0.cmp(&b.0));
        indexes
    };
    assert_eq!(shape(&live), shape(&exported));
    assert_eq!(live.differences_for(TableFeatures { search: true }), []);

    // The JSON is CreateTable's input for that shape.
    let json: Value = serde_json::from_str(&export(&exported, InfraFormat::Json)).unwrap();
    assert_eq!(json, json_inputs(&exported));
    let create = &json["CreateTable"];
    assert_eq!(create["TableName"], db.table());
    assert_eq!(create["BillingMode"], "PAY_PER_REQUEST");
    let indexes = create["GlobalSecondaryIndexes"].as_array().unwrap();
    assert_eq!(indexes.len(), live.indexes.len());
    for index in &live.indexes {
        let declared = indexes
            .iter()
            .find(|declared| declared["IndexName"] == index.name.as_str())
            .unwrap_or_else(|| panic!("{} is exported", index.name));
        assert_eq!(
            declared["KeySchema"][0]["AttributeName"],
            index.key.partition.as_str()
        );
        assert_eq!(
            declared["KeySchema"][1]["AttributeName"],
            index.key.sort.as_deref().unwrap()
        );
        let projection = index.projection.to_string();
        let kind = projection.split('(').next().unwrap();
        assert_eq!(declared["Projection"]["ProjectionType"], kind);
    }
    let defined: Vec<&str> = create["AttributeDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|definition| definition["AttributeName"].as_str().unwrap())
        .collect();
    for index in &live.indexes {
        assert!(defined.contains(&index.key.partition.as_str()));
    }
    assert_eq!(
        json["UpdateTimeToLive"]["TimeToLiveSpecification"]["AttributeName"],
        "ttl"
    );
}
