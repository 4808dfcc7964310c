//! Richer fields. Enums: a StringField with `values` holds a generated enum, stored as the
//! value's string (DynamoBao's StringField sees a plain string), usable as an index key and in
//! conditions; a stored string outside the values is a decode error naming it, never a guess.
//! `rustName` renames a field in Rust only; `add_<field>` adds to an integer or a float in one
//! UpdateItem.

use bao_runtime::{Error, Model};

use crate::enums::schema::{NewTicket, Ticket, TicketPriority, TicketStatus, TicketUpdate};

mod schema {
    fixture!(enums);
    pub use enums::*;
}

fn pk(ticket: &Ticket) -> String {
    format!("tk#{}", ticket.ticket_id)
}

#[test]
fn values_convert_to_and_from_their_strings() {
    assert_eq!(
        TicketStatus::ALL,
        [
            TicketStatus::Open,
            TicketStatus::InReview,
            TicketStatus::Closed
        ]
    );
    assert_eq!(TicketStatus::InReview.as_str(), "in-review");
    assert_eq!(TicketStatus::InReview.to_string(), "in-review");
    assert_eq!("closed".parse(), Ok(TicketStatus::Closed));
    let error = "Closed".parse::<TicketStatus>().unwrap_err();
    assert_eq!(
        error.to_string(),
        "`Closed` is not one of `open`, `in-review`, `closed`"
    );
}

/// Created with its default, the status is stored as the string `open`; set, as `in-review`;
/// an optional enum left out is absent. Queries by an enum partition key, sort conditions on an
/// enum, filters and updates take the enum.
#[tokio::test(flavor = "current_thread")]
async fn enums_are_stored_as_their_strings_and_queried_by_value() {
    let test = tests::start().await;
    let db = test.db();
    let first = Ticket::create(db, NewTicket::new("first")).await.unwrap();
    assert_eq!((first.status, first.priority), (TicketStatus::Open, None));
    let stored = tests::stored(db, &pk(&first), "tk").await;
    assert_eq!(tests::text_of(&stored, "status"), "open");
    assert!(!stored.contains_key("priority"));

    let new = NewTicket::new("second")
        .with_status(TicketStatus::InReview)
        .with_priority(TicketPriority::High);
    let second = Ticket::create(db, new).await.unwrap();
    let stored = tests::stored(db, &pk(&second), "tk").await;
    assert_eq!(tests::text_of(&stored, "status"), "in-review");
    assert_eq!(tests::text_of(&stored, "priority"), "high");
    assert_eq!(tests::text_of(&stored, "_gsi1_pk"), "tk#gsi1#in-review");

    let in_review = Ticket::query_by_status(db, TicketStatus::InReview)
        .all()
        .await
        .unwrap();
    assert_eq!(in_review, std::slice::from_ref(&second));
    let high = Ticket::query_by_priority(db, TicketPriority::High)
        .sort_eq(TicketStatus::InReview)
        .all()
        .await
        .unwrap();
    assert_eq!(high.len(), 1);
    let open = Ticket::query_by_status(db, TicketStatus::Open)
        .filter(Ticket::TITLE.eq("first".to_owned()))
        .all()
        .await
        .unwrap();
    assert_eq!(open.len(), 1);

    // `status` is also `byPriority`'s sort key: an update without a read sets both halves.
    let closed = Ticket::update(
        db,
        &second.ticket_id,
        TicketUpdate::new()
            .status(TicketStatus::Closed)
            .priority(TicketPriority::High),
    )
    .await
    .unwrap();
    assert_eq!(closed.status, TicketStatus::Closed);
    let stored = tests::stored(db, &pk(&second), "tk").await;
    assert_eq!(tests::text_of(&stored, "status"), "closed");
    assert_eq!(tests::text_of(&stored, "_gsi1_pk"), "tk#gsi1#closed");
    let only_if_closed = Ticket::STATUS.eq(TicketStatus::Closed);
    let mut loaded = Ticket::find(db, &second.ticket_id).await.unwrap().unwrap();
    loaded.title = "closed one".to_owned();
    loaded.save_if(db, only_if_closed).await.unwrap();
}

/// Another writer (a Node service) stores a string the enum does not list: reading it is a
/// decode error naming the item, the field and the string, and a page lists it beside the items
/// it could read.
#[tokio::test(flavor = "current_thread")]
async fn a_string_outside_the_values_is_a_decode_error_naming_it() {
    let test = tests::start().await;
    let db = test.db();
    let good = Ticket::create(db, NewTicket::new("good")).await.unwrap();
    let bad = Ticket::create(db, NewTicket::new("bad")).await.unwrap();
    tests::raw_set(db, &pk(&bad), "tk", "status", tests::s("archived")).await;

    let error = Ticket::find(db, &bad.ticket_id).await.unwrap_err();
    assert!(
        matches!(&error, Error::Decode { model: "Ticket", id, field, message }
            if *id == bad.ticket_id.to_string() && field == "status"
                && message.contains("`archived` is not one of `open`, `in-review`, `closed`")),
        "{error}"
    );
    use futures::TryStreamExt;
    let pages: Vec<_> = Ticket::iterate_all(db).pages().try_collect().await.unwrap();
    let read: Vec<&Ticket> = pages.iter().flat_map(|page| &page.items).collect();
    let unread: usize = pages.iter().map(|page| page.undecodable.len()).sum();
    assert_eq!((read, unread), (vec![&good], 1));
}

/// `rustName`: the field is `reporter` in Rust (struct, new-type, update-type, filter
/// constant) and `Reporter Name` in the table.
#[tokio::test(flavor = "current_thread")]
async fn a_rust_name_renames_the_field_in_rust_only() {
    let test = tests::start().await;
    let db = test.db();
    let new = NewTicket::new("named").with_reporter("Ada");
    let ticket = Ticket::create(db, new).await.unwrap();
    assert_eq!(ticket.reporter.as_deref(), Some("Ada"));
    let stored = tests::stored(db, &pk(&ticket), "tk").await;
    assert_eq!(tests::text_of(&stored, "Reporter Name"), "Ada");
    let json = serde_json::to_value(&ticket).unwrap();
    assert_eq!(json["Reporter Name"], "Ada", "serde keeps the stored name");
    let renamed = Ticket::update(db, &ticket.ticket_id, TicketUpdate::new().reporter("Grace"))
        .await
        .unwrap();
    assert_eq!(renamed.reporter.as_deref(), Some("Grace"));
    let found = Ticket::query_by_status(db, TicketStatus::Open)
        .filter(Ticket::REPORTER.eq("Grace".to_owned()))
        .all()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
}

/// `add_votes` / `add_estimate`: DynamoDB `ADD` on an integer and a float, one UpdateItem each
/// and no read; an absent attribute counts as 0, and a delta that is not a number is refused
/// before anything is sent.
#[tokio::test(flavor = "current_thread")]
async fn numbers_change_with_add_in_one_request() {
    let (test, requests) = tests::start_logged().await;
    let db = test.db();
    let ticket = Ticket::create(db, NewTicket::new("counted")).await.unwrap();
    assert_eq!((ticket.votes, ticket.estimate), (Some(0), None));
    requests.reset();
    let changed = Ticket::update(
        db,
        &ticket.ticket_id,
        TicketUpdate::new().add_votes(3).add_estimate(1.5),
    )
    .await
    .unwrap();
    assert_eq!(requests.operations(), ["UpdateItem"]);
    assert_eq!((changed.votes, changed.estimate), (Some(3), Some(1.5)));
    let changed = Ticket::update(
        db,
        &ticket.ticket_id,
        TicketUpdate::new().add_votes(-5).add_estimate(0.25),
    )
    .await
    .unwrap();
    assert_eq!((changed.votes, changed.estimate), (Some(-2), Some(1.75)));

    requests.reset();
    let error = Ticket::update(
        db,
        &ticket.ticket_id,
        TicketUpdate::new().add_estimate(f64::NAN),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            &error,
            Error::Validation {
                field: "estimate",
                ..
            }
        ),
        "{error}"
    );
    assert!(requests.operations().is_empty(), "refused before sending");
}

/// `validate`, `pattern`, `min` and `max` run on every write path (create, update, save) and
/// refuse a value with a validation error naming the field, before anything is sent.
#[tokio::test(flavor = "current_thread")]
async fn checks_run_on_every_write_and_send_nothing_when_they_fail() {
    let (test, requests) = tests::start_logged().await;
    let db = test.db();
    requests.reset();
    let refused = |error: Error, expected: &'static str, says: &str| {
        assert!(
            matches!(&error, Error::Validation { field, message, .. }
                if *field == expected && message.contains(says)),
            "{error}"
        );
    };
    let error = Ticket::create(db, NewTicket::new(" - ")).await.unwrap_err();
    refused(error, "title", "is blank");
    let new = NewTicket::new("ok").with_slug("Not A Slug");
    let error = Ticket::create(db, new).await.unwrap_err();
    refused(error, "slug", "does not match the pattern `^[a-z0-9-]+$`");
    let new = NewTicket::new("ok").with_rating(6);
    let error = Ticket::create(db, new).await.unwrap_err();
    refused(error, "rating", "more than the maximum of 5");
    assert!(requests.operations().is_empty(), "refused before sending");

    let new = NewTicket::new("ok").with_slug("a-slug").with_rating(5);
    let mut ticket = Ticket::create(db, new).await.unwrap();
    requests.reset();
    let update = TicketUpdate::new().rating(0);
    let error = Ticket::update(db, &ticket.ticket_id, update)
        .await
        .unwrap_err();
    refused(error, "rating", "less than the minimum of 1");
    ticket.title = String::new();
    let error = ticket.save(db).await.unwrap_err();
    refused(error, "title", "is blank");
    assert!(requests.operations().is_empty(), "refused before sending");
}
