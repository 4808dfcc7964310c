//! `create_table`, `update_table` and `describe_table` against the in-process DynamoDB.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType,
};
use bao_runtime::local::{LocalOptions, LocalServer};
use bao_runtime::table::{
    Difference, IndexProjection, TtlChange, create_table, describe_table, update_table,
};

fn key(name: &str, key_type: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()
        .expect("key")
}

fn attribute(name: &str) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .expect("attribute")
}

fn gsi(name: &str, pk: &str, sk: &str, projection: ProjectionType) -> GlobalSecondaryIndex {
    GlobalSecondaryIndex::builder()
        .index_name(name)
        .key_schema(key(pk, KeyType::Hash))
        .key_schema(key(sk, KeyType::Range))
        .projection(Projection::builder().projection_type(projection).build())
        .build()
        .expect("gsi")
}

/// Creates a table by hand: `_pk`/`_sk` with gsi1..gsi4 and iter_index, no gsi5, no TTL.
async fn create_table_without_gsi5(client: &Client, table: &str) {
    let mut request = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key("_pk", KeyType::Hash))
        .key_schema(key("_sk", KeyType::Range))
        .attribute_definitions(attribute("_pk"))
        .attribute_definitions(attribute("_sk"))
        .attribute_definitions(attribute("_iter_pk"))
        .attribute_definitions(attribute("_iter_sk"))
        .global_secondary_indexes(gsi(
            "iter_index",
            "_iter_pk",
            "_iter_sk",
            ProjectionType::KeysOnly,
        ));
    for n in 1..=4 {
        let (pk, sk) = (format!("_gsi{n}_pk"), format!("_gsi{n}_sk"));
        request = request
            .attribute_definitions(attribute(&pk))
            .attribute_definitions(attribute(&sk))
            .global_secondary_indexes(gsi(&format!("gsi{n}"), &pk, &sk, ProjectionType::All));
    }
    request.send().await.expect("create by hand");
}

#[tokio::test]
async fn creates_dynamobao_table_on_an_empty_server() {
    let server = LocalServer::start().await.expect("server");
    let client = server.client();

    let report = create_table(&client, "app").await.expect("create");
    assert!(report.created);
    assert_eq!(report.ttl, TtlChange::Enabled);
    assert_eq!(
        report.to_string(),
        "table `app`: created; TTL enabled on `ttl`"
    );

    let shape = describe_table(&client, "app").await.expect("describe");
    assert_eq!(shape.status, "ACTIVE");
    assert_eq!(shape.key.partition, "_pk");
    assert_eq!(shape.key.sort.as_deref(), Some("_sk"));
    assert_eq!(shape.billing_mode, "PAY_PER_REQUEST");
    assert_eq!(shape.ttl.status, "ENABLED");
    assert_eq!(shape.ttl.attribute.as_deref(), Some("ttl"));
    assert_eq!(shape.indexes.len(), 6);
    for n in 1..=5 {
        let index = shape.index(&format!("gsi{n}")).expect("gsi");
        assert_eq!(index.key.partition, format!("_gsi{n}_pk"));
        assert_eq!(index.key.sort, Some(format!("_gsi{n}_sk")));
        assert_eq!(index.projection, IndexProjection::All);
        assert_eq!(index.status, "ACTIVE");
    }
    let iter = shape.index("iter_index").expect("iter_index");
    assert_eq!(iter.key.partition, "_iter_pk");
    assert_eq!(iter.projection, IndexProjection::KeysOnly);
    assert_eq!(shape.differences(), Vec::new());
    assert!(shape.to_string().contains("ttl:      ENABLED on `ttl`"));
    server.stop().await;
}

#[tokio::test]
async fn creating_again_is_idempotent() {
    let server = LocalServer::start().await.expect("server");
    let client = server.client();
    create_table(&client, "app").await.expect("first create");

    let again = create_table(&client, "app").await.expect("second create");
    assert!(!again.created);
    assert_eq!(again.ttl, TtlChange::AlreadyEnabled);
    assert!(!again.changed());
    assert_eq!(again.to_string(), "table `app`: already up to date");
    server.stop().await;
}

#[tokio::test]
async fn update_adds_a_missing_index_and_ttl() {
    let server = LocalServer::start().await.expect("server");
    let client = server.client();
    create_table_without_gsi5(&client, "old").await;

    let shape = describe_table(&client, "old").await.expect("describe");
    assert_eq!(
        shape.differences(),
        vec![
            Difference::MissingIndex("gsi5".to_owned()),
            Difference::TtlDisabled {
                status: "DISABLED".to_owned()
            },
        ]
    );
    let refused = create_table(&client, "old")
        .await
        .expect_err("create refuses");
    let message = refused.to_string();
    assert!(message.contains("index gsi5 is missing"), "{message}");
    assert!(message.contains("update_table"), "{message}");

    let report = update_table(&client, "old").await.expect("update");
    assert_eq!(report.indexes_added, ["gsi5"]);
    assert_eq!(report.ttl, TtlChange::Enabled);
    let shape = describe_table(&client, "old").await.expect("describe");
    assert_eq!(shape.differences(), Vec::new());

    let again = update_table(&client, "old").await.expect("update again");
    assert!(!again.changed());
    create_table(&client, "old")
        .await
        .expect("now create accepts it");
    server.stop().await;
}

#[tokio::test]
async fn a_table_of_another_shape_is_refused() {
    let server = LocalServer::start().await.expect("server");
    let client = server.client();
    client
        .create_table()
        .table_name("other")
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key("pk", KeyType::Hash))
        .attribute_definitions(attribute("pk"))
        .send()
        .await
        .expect("create by hand");

    for result in [
        create_table(&client, "other").await,
        update_table(&client, "other").await,
    ] {
        let error = result.expect_err("refused");
        assert!(
            matches!(error, bao_runtime::Error::Table { .. }),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(
            message.contains("key is pk, expected _pk / _sk"),
            "{message}"
        );
        assert!(!message.contains("gsi1"), "{message}");
    }
    server.stop().await;
}

#[tokio::test]
async fn describing_a_missing_table_is_an_error() {
    let server = LocalServer::start().await.expect("server");
    let error = describe_table(&server.client(), "nope")
        .await
        .expect_err("missing");
    assert_eq!(error.to_string(), "table `nope`: does not exist");
    let error = update_table(&server.client(), "nope")
        .await
        .expect_err("missing");
    assert_eq!(error.to_string(), "table `nope`: does not exist");
    server.stop().await;
}

#[tokio::test]
async fn a_file_backed_server_keeps_its_tables() {
    let dir = std::env::temp_dir().join(format!("bao-local-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let options = LocalOptions {
        port: 0,
        db_path: Some(dir.join("local.db")),
    };

    let server = LocalServer::start_with(options.clone())
        .await
        .expect("server");
    create_table(&server.client(), "kept")
        .await
        .expect("create");
    server.stop().await;

    let server = LocalServer::start_with(options)
        .await
        .expect("server again");
    let shape = describe_table(&server.client(), "kept")
        .await
        .expect("still there");
    assert_eq!(shape.indexes.len(), 6);
    server.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_dropped_server_stops() {
    let server = LocalServer::start().await.expect("server");
    let client = server.client();
    let endpoint = server.endpoint().to_owned();
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");
    drop(server);
    let mut refused = false;
    for _ in 0..100 {
        if client.list_tables().send().await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(refused, "the server still answers after drop");
}
