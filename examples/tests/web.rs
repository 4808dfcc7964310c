//! The axum example served on a real socket against the in-process DynamoDB, driven with real
//! HTTP requests: CRUD, a relation, a page of a query with its cursor, tenants kept apart,
//! errors answered with their status, and what each request cost in DynamoDB calls.

use bao_runtime::testing::TestDb;
use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

struct Service {
    base: String,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Service {
    async fn start(test: &TestDb) -> Service {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = examples::web::app(test.db().clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Service {
            base,
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    /// Sends a request (under `tenant`, when given) and returns the status and the JSON body.
    async fn send(
        &self,
        method: Method,
        path: &str,
        tenant: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("content-type", "application/json");
        if let Some(tenant) = tenant {
            request = request.header(examples::web::TENANT_HEADER, tenant);
        }
        let body = body.map(|body| body.to_string()).unwrap_or_default();
        let request = request.body(Full::new(Bytes::from(body))).unwrap();
        let response = self.client.request(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, json)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_serves_users_posts_pages_and_errors() {
    let test = TestDb::start().await.unwrap();
    let service = Service::start(&test).await;
    let acme = Some("acme");

    let (status, ada) = service
        .send(
            Method::POST,
            "/users",
            acme,
            Some(json!({"name": "Ada", "email": "ada@example.com"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{ada}");
    let ada_id = ada["userId"].as_str().unwrap().to_owned();

    // The same email again: a unique value taken is a conflict.
    let (status, body) = service
        .send(
            Method::POST,
            "/users",
            acme,
            Some(json!({"name": "Eve", "email": "ada@example.com"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "Conflict");

    let mut post_ids = Vec::new();
    for title in ["one", "two", "three"] {
        let (status, post) = service
            .send(
                Method::POST,
                &format!("/users/{ada_id}/posts"),
                acme,
                Some(json!({"title": title, "content": "body"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{post}");
        post_ids.push(post["postId"].as_str().unwrap().to_owned());
    }

    // A page of two, then the rest after its cursor.
    let (status, first) = service
        .send(
            Method::GET,
            &format!("/users/{ada_id}/posts?limit=2"),
            acme,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["cursor"].as_str().expect("a cursor to the rest");
    let (status, rest) = service
        .send(
            Method::GET,
            &format!("/users/{ada_id}/posts?limit=2&cursor={cursor}"),
            acme,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rest}");
    let titles: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest["items"].as_array().unwrap())
        .map(|post| post["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["one", "two", "three"]);
    assert!(rest["cursor"].is_null());

    // A post with its author: the relation, loaded in one request.
    test.calls().reset();
    let (status, loaded) = service
        .send(Method::GET, &format!("/posts/{}", post_ids[0]), acme, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{loaded}");
    assert_eq!(loaded["author"]["name"], "Ada");
    // In the request's scope the post's read is a batch of one, then the author's.
    assert_eq!(test.calls().operations(), ["BatchGetItem", "BatchGetItem"]);

    // Tenants are apart: another tenant sees nothing, a request without one is refused.
    let (status, _) = service
        .send(
            Method::GET,
            &format!("/users/{ada_id}"),
            Some("other"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = service
        .send(Method::GET, &format!("/users/{ada_id}"), None, None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("x-tenant-id"),
        "{body}"
    );

    // Delete, then it is gone.
    let (status, _) = service
        .send(
            Method::DELETE,
            &format!("/posts/{}", post_ids[0]),
            acme,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = service
        .send(
            Method::DELETE,
            &format!("/posts/{}", post_ids[0]),
            acme,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

#[test]
fn each_error_answers_with_its_status() {
    use axum::response::IntoResponse;
    use bao_runtime::Error;
    let throttled = Error::Throttled {
        operation: "GetItem",
        attempts: 5,
        keys: Vec::new(),
    };
    let response = throttled.into_response();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "1");
    let invalid = Error::Validation {
        model: "User",
        field: "email",
        message: "is empty".into(),
    }
    .into_response();
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let missing = Error::NotFound {
        model: "User",
        id: "x".into(),
    };
    assert_eq!(missing.into_response().status(), StatusCode::NOT_FOUND);
}
