//! A small axum service on the generated models: users, their posts, a page of posts with a
//! cursor, and a post with its author. `ScopeLayer` gives each request its own request scope
//! and its tenant from the `x-tenant-id` header; bao's errors answer with their HTTP status.

use crate::models::{NewPost, NewUser, Post, PostId, User, UserId};
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use bao_runtime::query::Cursor;
use bao_runtime::web::ScopeLayer;
use bao_runtime::web::axum::ScopedDb;
use bao_runtime::{Db, Error, Model};
use serde::{Deserialize, Serialize};

/// The header that names each request's tenant.
pub const TENANT_HEADER: &str = "x-tenant-id";

/// The service's routes, each request in its own scope on `db`.
pub fn app(db: Db) -> Router {
    Router::new()
        .route("/users", post(create_user))
        .route("/users/{id}", get(find_user))
        .route("/users/{id}/posts", post(create_post).get(posts_of_user))
        .route("/posts/{id}", get(find_post).delete(delete_post))
        .layer(ScopeLayer::new(db).tenant_from_header(TENANT_HEADER))
}

/// `POST /users`'s body.
#[derive(Debug, Deserialize)]
pub struct UserInput {
    name: String,
    email: String,
}

/// `POST /users/{id}/posts`'s body.
#[derive(Debug, Deserialize)]
pub struct PostInput {
    title: String,
    content: String,
}

/// `GET /users/{id}/posts`'s query: a page size and where the page starts.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    limit: Option<u32>,
    cursor: Option<String>,
}

/// A page of posts, and where the next one starts.
#[derive(Debug, Serialize)]
pub struct PostPage {
    items: Vec<Post>,
    cursor: Option<String>,
}

/// A post with its author.
#[derive(Debug, Serialize)]
pub struct PostWithAuthor {
    post: Post,
    author: Option<User>,
}

async fn create_user(
    ScopedDb { db, .. }: ScopedDb,
    Json(input): Json<UserInput>,
) -> Result<(StatusCode, Json<User>), Error> {
    let user = User::create(&db, NewUser::new(input.name, input.email)).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

async fn find_user(
    ScopedDb { db, .. }: ScopedDb,
    Path(id): Path<UserId>,
) -> Result<Json<User>, Error> {
    let user = User::find(&db, &id).await?;
    user.map(Json)
        .ok_or_else(|| not_found("User", &id.to_string()))
}

async fn create_post(
    ScopedDb { db, .. }: ScopedDb,
    Path(id): Path<UserId>,
    Json(input): Json<PostInput>,
) -> Result<(StatusCode, Json<Post>), Error> {
    let post = Post::create(&db, NewPost::new(id, input.title, input.content)).await?;
    Ok((StatusCode::CREATED, Json(post)))
}

async fn posts_of_user(
    ScopedDb { db, .. }: ScopedDb,
    Path(id): Path<UserId>,
    Query(page): Query<PageQuery>,
) -> Result<Json<PostPage>, Error> {
    let mut query = Post::query_posts_for_user(&db, id).limit(page.limit.unwrap_or(20));
    if let Some(cursor) = page.cursor {
        query = query.after(Cursor::from_token(cursor));
    }
    let page = query.page().await?;
    Ok(Json(PostPage {
        cursor: page
            .cursor
            .as_ref()
            .map(|cursor| cursor.as_str().to_owned()),
        items: page.into_items()?,
    }))
}

async fn find_post(
    ScopedDb { db, .. }: ScopedDb,
    Path(id): Path<PostId>,
) -> Result<Json<PostWithAuthor>, Error> {
    let loaded = Post::load(&db, &id).user().await?;
    let loaded = loaded.ok_or_else(|| not_found("Post", &id.to_string()))?;
    Ok(Json(PostWithAuthor {
        post: loaded.post,
        author: loaded.user,
    }))
}

async fn delete_post(
    ScopedDb { db, .. }: ScopedDb,
    Path(id): Path<PostId>,
) -> Result<StatusCode, Error> {
    Post::delete(&db, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn not_found(model: &'static str, id: &str) -> Error {
    Error::NotFound {
        model,
        id: id.to_owned(),
    }
}
