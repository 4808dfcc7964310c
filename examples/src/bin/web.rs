//! The axum service of `examples/src/web.rs`, on 127.0.0.1:3000 (or `BAO_WEB_ADDR`) against the
//! in-process DynamoDB, until Ctrl-C:
//!
//! ```text
//! curl -H 'x-tenant-id: acme' -d '{"name":"Ada","email":"ada@example.com"}' \
//!      -H 'content-type: application/json' localhost:3000/users
//! ```

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (db, _server) = examples::connect("bao-web").await?;
    let address = std::env::var("BAO_WEB_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let listener = tokio::net::TcpListener::bind(&address).await?;
    println!("Serving on http://{}", listener.local_addr()?);
    axum::serve(listener, examples::web::app(db))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
