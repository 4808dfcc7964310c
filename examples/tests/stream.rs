//! The stream handler fed a DynamoDB stream event recorded from the in-process DynamoDB: the
//! table's stream is turned on, bao writes users and posts, the stream's records are read with
//! the DynamoDB Streams API and written to a JSON file in Lambda's event format, and the file is
//! what the handler gets.

use aws_lambda_events::dynamodb::Event;
use bao_runtime::Model;
use bao_runtime::aws_sdk_dynamodb::types::{StreamSpecification, StreamViewType};
use bao_runtime::testing::TestDb;
use bytes::Bytes;
use examples::models::{NewPost, NewUser, Post, PostUpdate, User};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

/// One call of the DynamoDB Streams API on the in-process server.
async fn streams(endpoint: &str, action: &str, body: Value) -> Value {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let request = http::Request::post(endpoint)
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", format!("DynamoDBStreams_20120810.{action}"))
        // The local server wants a credential and a date; it does not check the signature.
        .header("x-amz-date", "20240601T000000Z")
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=local/20240601/us-east-1/dynamodb/aws4_request, \
             SignedHeaders=host, Signature=0",
        )
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap();
    let response = client.request(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let answer: Value = serde_json::from_slice(&bytes).unwrap();
    assert!(status.is_success(), "{action}: {answer}");
    answer
}

/// Every record of the table's stream, as a Lambda event.
async fn record_event(test: &TestDb) -> Value {
    let endpoint = test.endpoint();
    let table = test.db().table();
    let listed = streams(endpoint, "ListStreams", json!({ "TableName": table })).await;
    let arn = listed["Streams"][0]["StreamArn"]
        .as_str()
        .unwrap()
        .to_owned();
    let described = streams(endpoint, "DescribeStream", json!({ "StreamArn": arn })).await;
    let mut records = Vec::new();
    for shard in described["StreamDescription"]["Shards"].as_array().unwrap() {
        let iterator = streams(
            endpoint,
            "GetShardIterator",
            json!({
                "StreamArn": arn,
                "ShardId": shard["ShardId"],
                "ShardIteratorType": "TRIM_HORIZON",
            }),
        )
        .await;
        let got = streams(
            endpoint,
            "GetRecords",
            json!({ "ShardIterator": iterator["ShardIterator"] }),
        )
        .await;
        for mut record in got["Records"].as_array().unwrap().clone() {
            // What Lambda adds to each record it delivers.
            record["eventSourceARN"] = json!(arn);
            if record.get("awsRegion").is_none() {
                record["awsRegion"] = json!("us-east-1");
            }
            records.push(record);
        }
    }
    json!({ "Records": records })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_handler_names_the_author_of_each_new_post_in_a_recorded_event() {
    let test = TestDb::start().await.unwrap();
    let db = test.db();
    let stream = StreamSpecification::builder()
        .stream_enabled(true)
        .stream_view_type(StreamViewType::NewAndOldImages)
        .build()
        .unwrap();
    db.client()
        .update_table()
        .table_name(db.table())
        .stream_specification(stream)
        .send()
        .await
        .unwrap();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let grace = User::create(db, NewUser::new("Grace", "grace@example.com"))
        .await
        .unwrap();
    let first = Post::create(db, NewPost::new(ada.user_id, "Engines", "…"))
        .await
        .unwrap();
    Post::create(db, NewPost::new(grace.user_id, "Compilers", "…"))
        .await
        .unwrap();
    // A change and a delete: not new posts.
    Post::update(
        db,
        &first.post_id,
        PostUpdate::new().title("Analytical engines"),
    )
    .await
    .unwrap();
    User::delete(db, &grace.user_id).await.unwrap();

    let file = std::env::temp_dir().join(format!("bao-stream-{}.json", std::process::id()));
    let recorded = record_event(&test).await;
    std::fs::write(&file, serde_json::to_string_pretty(&recorded).unwrap()).unwrap();
    let event: Event = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    std::fs::remove_file(&file).unwrap();
    let names: Vec<&str> = event
        .records
        .iter()
        .map(|r| r.event_name.as_str())
        .collect();
    assert!(names.contains(&"INSERT") && names.contains(&"MODIFY") && names.contains(&"REMOVE"));

    test.calls().reset();
    let lines = examples::stream::handle(db, &event).await.unwrap();

    // Grace was deleted after her post: the handler says so rather than failing.
    assert_eq!(
        lines,
        [
            "New post \"Engines\" by Ada",
            "New post \"Compilers\" by someone",
        ]
    );
    assert_eq!(
        test.calls().operations(),
        ["BatchGetItem"],
        "authors read in one batch"
    );
}
