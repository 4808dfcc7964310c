//! The same operations as bao's User and Post models, written by hand on the plain
//! aws-sdk-dynamodb client: the baseline of the CPU comparison. It sends the same requests
//! (items, expressions, placeholders, options) bao sends, builds the attribute maps directly
//! and parses results into plain structs with the same field types.

use crate::error::{BenchError, Result, sdk};
use bao_runtime::aws_sdk_dynamodb::Client;
use bao_runtime::aws_sdk_dynamodb::types::{
    AttributeValue, KeysAndAttributes, Put, ReturnConsumedCapacity, ReturnValue,
    ReturnValuesOnConditionCheckFailure, Select, TransactWriteItem,
};
use bao_runtime::{Timestamp, Ulid};
use std::collections::HashMap;

type Item = HashMap<String, AttributeValue>;

/// Iteration buckets of both models.
const BUCKETS: i64 = 10;

/// A user, as the hand-written side stores and reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    /// `userId`.
    pub user_id: Ulid,
    /// `name`.
    pub name: String,
    /// `email`, unique across users.
    pub email: String,
    /// `profilePictureUrl`.
    pub profile_picture_url: Option<String>,
    /// `createdAt`.
    pub created_at: Timestamp,
    /// `modifiedAt`.
    pub modified_at: Timestamp,
    /// `role`.
    pub role: Option<String>,
}

/// A post, as the hand-written side stores and reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct PostRow {
    /// `postId`.
    pub post_id: Ulid,
    /// `userId`.
    pub user_id: Ulid,
    /// `title`.
    pub title: String,
    /// `content`.
    pub content: String,
    /// `views`.
    pub views: i64,
    /// `createdAt`.
    pub created_at: Timestamp,
}

/// The hand-written data access of one table.
#[derive(Debug, Clone)]
pub struct Store {
    client: Client,
    table: String,
}

impl Store {
    /// Data access through `client` on `table`.
    pub fn new(client: Client, table: impl Into<String>) -> Store {
        Store {
            client,
            table: table.into(),
        }
    }

    /// Stores a new post: one conditional PutItem.
    pub async fn create_post(
        &self,
        post_id: Ulid,
        user_id: Ulid,
        title: String,
        content: String,
        now: Timestamp,
    ) -> Result<PostRow> {
        let id = post_id.to_string();
        let user = user_id.to_string();
        let millis = now.as_millisecond();
        let item = Item::from([
            ("_pk".to_owned(), s(format!("p#{id}"))),
            ("_sk".to_owned(), s("p")),
            ("postId".to_owned(), s(id.clone())),
            ("userId".to_owned(), s(user.clone())),
            ("title".to_owned(), s(title.clone())),
            ("content".to_owned(), s(content.clone())),
            ("views".to_owned(), n(0)),
            ("createdAt".to_owned(), n(millis)),
            ("_gsi2_pk".to_owned(), s(format!("p#gsi2#{user}"))),
            ("_gsi2_sk".to_owned(), s(id.clone())),
            ("_gsi1_pk".to_owned(), s("p#gsi1#p")),
            ("_gsi1_sk".to_owned(), s(format!("{millis:020}"))),
            ("_iter_pk".to_owned(), s(iteration_partition("p", &id))),
            ("_iter_sk".to_owned(), s(id)),
        ]);
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", "_pk")
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await
            .map_err(sdk("PutItem"))?;
        Ok(PostRow {
            post_id,
            user_id,
            title,
            content,
            views: 0,
            created_at: whole_millis(millis)?,
        })
    }

    /// Stores a new user and claims its email: one TransactWriteItems of two puts.
    pub async fn create_user(
        &self,
        user_id: Ulid,
        name: String,
        email: String,
        now: Timestamp,
    ) -> Result<UserRow> {
        let id = user_id.to_string();
        let millis = now.as_millisecond();
        let item = Item::from([
            ("userId".to_owned(), s(id.clone())),
            ("name".to_owned(), s(name.clone())),
            ("email".to_owned(), s(email.clone())),
            ("createdAt".to_owned(), n(millis)),
            ("modifiedAt".to_owned(), n(millis)),
            ("role".to_owned(), s("user")),
            ("_pk".to_owned(), s(format!("u#{id}"))),
            ("_sk".to_owned(), s("u")),
            ("_iter_pk".to_owned(), s(iteration_partition("u", &id))),
            ("_iter_sk".to_owned(), s(id.clone())),
        ]);
        let unique_key = format!("_raft_uc#_uc1#u#email:{email}");
        let claim = Item::from([
            ("_pk".to_owned(), s(unique_key.clone())),
            ("_sk".to_owned(), s("_raft_uc")),
            ("uniqueValue".to_owned(), s(unique_key)),
            ("relatedId".to_owned(), s(id.clone())),
            ("relatedModel".to_owned(), s("User")),
        ]);
        let main = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", "_pk")
            .build()
            .map_err(sdk("TransactWriteItems"))?;
        let claim = Put::builder()
            .table_name(&self.table)
            .set_item(Some(claim))
            .condition_expression(
                "attribute_not_exists(#pk) OR (relatedId = :relatedId AND relatedModel = :modelName)",
            )
            .expression_attribute_names("#pk", "_pk")
            .expression_attribute_values(":relatedId", s(id))
            .expression_attribute_values(":modelName", s("User"))
            .build()
            .map_err(sdk("TransactWriteItems"))?;
        self.client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(main).build())
            .transact_items(TransactWriteItem::builder().put(claim).build())
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await
            .map_err(sdk("TransactWriteItems"))?;
        let created_at = whole_millis(millis)?;
        Ok(UserRow {
            user_id,
            name,
            email,
            profile_picture_url: None,
            created_at,
            modified_at: created_at,
            role: Some("user".to_owned()),
        })
    }

    /// Reads one user: one GetItem.
    pub async fn find_user(&self, user_id: Ulid) -> Result<Option<UserRow>> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("_pk", s(format!("u#{user_id}")))
            .key("_sk", s("u"))
            .consistent_read(false)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await
            .map_err(sdk("GetItem"))?;
        output.item.map(user_from).transpose()
    }

    /// Renames a loaded user: one UpdateItem of the name, the modified date and the
    /// iteration keys, returning the item as stored.
    pub async fn save_user_name(
        &self,
        user: &mut UserRow,
        name: String,
        now: Timestamp,
    ) -> Result<()> {
        let id = user.user_id.to_string();
        let output = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("_pk", s(format!("u#{id}")))
            .key("_sk", s("u"))
            .update_expression("SET #n2 = :v1, #n3 = :v2, #n4 = :v3, #n5 = :v4")
            .condition_expression("attribute_exists(#n1)")
            .expression_attribute_names("#n1", "_pk")
            .expression_attribute_names("#n2", "name")
            .expression_attribute_names("#n3", "modifiedAt")
            .expression_attribute_names("#n4", "_iter_pk")
            .expression_attribute_names("#n5", "_iter_sk")
            .expression_attribute_values(":v1", s(name))
            .expression_attribute_values(":v2", n(now.as_millisecond()))
            .expression_attribute_values(":v3", s(iteration_partition("u", &id)))
            .expression_attribute_values(":v4", s(id))
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await
            .map_err(sdk("UpdateItem"))?;
        *user = user_from(output.attributes.unwrap_or_default())?;
        Ok(())
    }

    /// The first page of a user's posts through `gsi2` (up to 100, DynamoBao's page size):
    /// one Query.
    pub async fn query_posts(&self, user_id: Ulid) -> Result<Vec<PostRow>> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name("gsi2")
            .key_condition_expression("#n1 = :v1")
            .expression_attribute_names("#n1", "_gsi2_pk")
            .expression_attribute_values(":v1", s(format!("p#gsi2#{user_id}")))
            .limit(100)
            .scan_index_forward(true)
            .select(Select::AllAttributes)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await
            .map_err(sdk("Query"))?;
        output
            .items
            .unwrap_or_default()
            .into_iter()
            .map(post_from)
            .collect()
    }

    /// Reads up to 100 distinct users in one BatchGetItem (unprocessed keys are asked again),
    /// in the order of `ids`.
    pub async fn find_users(&self, ids: &[Ulid]) -> Result<Vec<Option<UserRow>>> {
        let mut keys: Vec<Item> = ids
            .iter()
            .map(|id| {
                Item::from([
                    ("_pk".to_owned(), s(format!("u#{id}"))),
                    ("_sk".to_owned(), s("u")),
                ])
            })
            .collect();
        let mut found: HashMap<Ulid, UserRow> = HashMap::with_capacity(ids.len());
        while !keys.is_empty() {
            let request = KeysAndAttributes::builder()
                .set_keys(Some(keys))
                .build()
                .map_err(sdk("BatchGetItem"))?;
            let output = self
                .client
                .batch_get_item()
                .request_items(&self.table, request)
                .return_consumed_capacity(ReturnConsumedCapacity::Total)
                .send()
                .await
                .map_err(sdk("BatchGetItem"))?;
            let items = output
                .responses
                .and_then(|mut responses| responses.remove(&self.table))
                .unwrap_or_default();
            for item in items {
                let user = user_from(item)?;
                found.insert(user.user_id, user);
            }
            keys = output
                .unprocessed_keys
                .and_then(|mut unprocessed| unprocessed.remove(&self.table))
                .map(|request| request.keys)
                .unwrap_or_default();
        }
        Ok(ids.iter().map(|id| found.remove(id)).collect())
    }
}

/// A new ULID for the current time: 48 bits of epoch milliseconds and 80 random bits.
pub fn new_ulid() -> Ulid {
    let millis = u64::try_from(Timestamp::now().as_millisecond()).unwrap_or(0);
    Ulid::from_parts(millis, rand::random())
}

/// `[prefix]#iter#NNN`: DynamoBao's iteration partition of a primary id (Java's
/// `String.hashCode`, `Math.abs`, modulo the buckets).
fn iteration_partition(prefix: &str, id: &str) -> String {
    let hash = id.encode_utf16().fold(0i32, |hash, unit| {
        hash.wrapping_mul(31).wrapping_add(i32::from(unit))
    });
    format!("{prefix}#iter#{:03}", i64::from(hash).abs() % BUCKETS)
}

fn s(text: impl Into<String>) -> AttributeValue {
    AttributeValue::S(text.into())
}

fn n(number: i64) -> AttributeValue {
    AttributeValue::N(number.to_string())
}

fn whole_millis(millis: i64) -> Result<Timestamp> {
    Timestamp::from_millisecond(millis).map_err(|error| BenchError::Parse {
        what: "a timestamp".into(),
        detail: error.to_string(),
    })
}

fn user_from(mut item: Item) -> Result<UserRow> {
    Ok(UserRow {
        user_id: take_ulid(&mut item, "userId")?,
        name: take_s(&mut item, "name")?,
        email: take_s(&mut item, "email")?,
        profile_picture_url: take_opt_s(&mut item, "profilePictureUrl")?,
        created_at: take_time(&mut item, "createdAt")?,
        modified_at: take_time(&mut item, "modifiedAt")?,
        role: take_opt_s(&mut item, "role")?,
    })
}

fn post_from(mut item: Item) -> Result<PostRow> {
    Ok(PostRow {
        post_id: take_ulid(&mut item, "postId")?,
        user_id: take_ulid(&mut item, "userId")?,
        title: take_s(&mut item, "title")?,
        content: take_s(&mut item, "content")?,
        views: take_opt_n(&mut item, "views")?.unwrap_or(0),
        created_at: take_time(&mut item, "createdAt")?,
    })
}

fn bad(name: &str, detail: impl Into<String>) -> BenchError {
    BenchError::Parse {
        what: format!("attribute `{name}`"),
        detail: detail.into(),
    }
}

fn take_opt_s(item: &mut Item, name: &str) -> Result<Option<String>> {
    match item.remove(name) {
        None | Some(AttributeValue::Null(_)) => Ok(None),
        Some(AttributeValue::S(text)) => Ok(Some(text)),
        Some(other) => Err(bad(name, format!("not a string: {other:?}"))),
    }
}

fn take_s(item: &mut Item, name: &str) -> Result<String> {
    take_opt_s(item, name)?.ok_or_else(|| bad(name, "missing"))
}

fn take_ulid(item: &mut Item, name: &str) -> Result<Ulid> {
    let text = take_s(item, name)?;
    Ulid::from_string(&text).map_err(|error| bad(name, error.to_string()))
}

fn take_opt_n(item: &mut Item, name: &str) -> Result<Option<i64>> {
    match item.remove(name) {
        None | Some(AttributeValue::Null(_)) => Ok(None),
        Some(AttributeValue::N(text)) => text.parse().map(Some).map_err(|_| bad(name, text)),
        Some(other) => Err(bad(name, format!("not a number: {other:?}"))),
    }
}

fn take_time(item: &mut Item, name: &str) -> Result<Timestamp> {
    let millis = take_opt_n(item, name)?.ok_or_else(|| bad(name, "missing"))?;
    whole_millis(millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iteration_partition_matches_the_reference_vector() {
        assert_eq!(
            iteration_partition("u", "01JFGMRH7XACZ8GKB81DZ5YWNH"),
            "u#iter#002"
        );
        assert_eq!(iteration_partition("p", "user123"), "p#iter#003");
    }
}
