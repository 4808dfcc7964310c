//! The DynamoDB Streams handler of `examples/src/stream.rs` as a Lambda function
//! (`lambda_runtime`; deploy with cargo-lambda). The table is found as `Db::from_env` finds it.

use aws_lambda_events::dynamodb::Event;
use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    let db = bao_runtime::Db::from_env().await?;
    let db = &db;
    lambda_runtime::run(service_fn(|event: LambdaEvent<Event>| async move {
        for line in examples::stream::handle(db, &event.payload).await? {
            println!("{line}");
        }
        Ok::<(), lambda_runtime::Error>(())
    }))
    .await
}
