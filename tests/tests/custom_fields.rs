//! Field types of a schema's own (`fieldTypes:`) and `rustType`s: the generated fields hold the
//! application's types, store exactly what their base types store, and every write passes the
//! type's `CustomField::validate` with the options the field gives in `models.yaml`.
//!
//! The schema is `bao-codegen/tests/fixtures/ports/custom_types.yaml`; its `rustType`s are the
//! types below, named from the crate root as `crate::custom_fields::…`.

use bao_runtime::{CustomField, Error, FieldOptions, Model};

fixture!(custom_types);

mod refused {
    fixture!(refused_default);
    pub use refused_default::Contact;
}

/// An email address, kept lowercase.
#[derive(Debug, Clone, PartialEq)]
pub struct Email(String);

impl Email {
    /// The address, lowercased.
    pub fn new(address: &str) -> Self {
        Email(address.to_lowercase())
    }
}

impl CustomField for Email {
    type Base = String;

    fn to_base(&self) -> String {
        self.0.clone()
    }

    fn from_base(base: String) -> Result<Self, String> {
        match base.contains('@') {
            true => Ok(Email(base)),
            false => Err(format!("`{base}` has no `@`")),
        }
    }

    fn validate(&self, _options: &FieldOptions) -> Result<(), String> {
        match self.0.ends_with("@example.com") {
            true => Ok(()),
            false => Err(format!("{} is not an example.com address", self.0)),
        }
    }
}

/// An amount of money in cents; its currency is the field's `currency` option.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cents(pub i64);

impl CustomField for Cents {
    type Base = i64;

    fn to_base(&self) -> i64 {
        self.0
    }

    fn from_base(base: i64) -> Result<Self, String> {
        Ok(Cents(base))
    }

    fn validate(&self, options: &FieldOptions) -> Result<(), String> {
        if options.str("currency") != Some("EUR") {
            return Err("only EUR is accepted".to_owned());
        }
        match self.0 >= 0 {
            true => Ok(()),
            false => Err(format!("{} cents is negative", self.0)),
        }
    }
}

/// A yes/no flag of the application's own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Flag {
    Yes,
    No,
}

impl CustomField for Flag {
    type Base = bool;

    fn to_base(&self) -> bool {
        *self == Flag::Yes
    }

    fn from_base(base: bool) -> Result<Self, String> {
        Ok(if base { Flag::Yes } else { Flag::No })
    }
}

use custom_types::{Customer, CustomerUpdate, Invoice, InvoiceUpdate, NewCustomer, NewInvoice};

/// Custom fields are stored as their bases (`S`, `N`, `BOOL`, `SS`), defaults included, and
/// read back as the application's types; a declared `EmailField` keeps the syntax check.
#[tokio::test(flavor = "current_thread")]
async fn custom_fields_store_their_base_values() {
    use bao_runtime::AttributeValue as A;

    let test = tests::start().await;
    let db = test.db();
    let customer = Customer::create(
        db,
        NewCustomer::new(Email::new("Ada@Example.com"))
            .with_phone("+44 20 7946 0000")
            .with_tags(["vip".to_owned()]),
    )
    .await
    .expect("created");
    assert_eq!(customer.email, Email::new("ada@example.com"));
    assert_eq!(customer.vip, Some(Flag::No), "the default, converted");
    let invoice = Invoice::create(
        db,
        NewInvoice::new(customer.customer_id, Cents(1250))
            .with_billed_to(Email::new("ada@example.com")),
    )
    .await
    .expect("created");
    assert_eq!(invoice.discount, Some(Cents(0)), "the default, converted");

    let pk = format!("inv#{}", invoice.invoice_id);
    let raw = tests::raw_item(db, &pk, "inv").await.expect("stored");
    assert_eq!(raw["total"], A::N("1250".into()));
    assert_eq!(raw["discount"], A::N("0".into()));
    assert_eq!(raw["billedTo"], A::S("ada@example.com".into()));
    let raw = tests::raw_item(db, &format!("cu#{}", customer.customer_id), "cu")
        .await
        .expect("stored");
    assert_eq!(raw["vip"], A::Bool(false));
    assert_eq!(raw["tags"], A::Ss(vec!["vip".into()]));

    let found = Invoice::find(db, &invoice.invoice_id).await.expect("read");
    assert_eq!(found.as_ref().map(|found| found.total), Some(Cents(1250)));
    let by_email = Customer::find_by_email(db, Email::new("ada@example.com"))
        .await
        .expect("read");
    assert_eq!(
        by_email.map(|found| found.customer_id),
        Some(customer.customer_id)
    );
}

/// Queries take the custom types too: an index partitioned on a custom field, and filters on
/// one.
#[tokio::test(flavor = "current_thread")]
async fn custom_fields_key_indexes_and_filters() {
    let test = tests::start().await;
    let db = test.db();
    let customer = Customer::create(db, NewCustomer::new(Email::new("bo@example.com")))
        .await
        .expect("created");
    for (cents, billed_to) in [
        (100, "bo@example.com"),
        (250, "bo@example.com"),
        (900, "cy@example.com"),
    ] {
        Invoice::create(
            db,
            NewInvoice::new(customer.customer_id, Cents(cents))
                .with_billed_to(Email::new(billed_to)),
        )
        .await
        .expect("created");
    }
    let billed: Vec<Cents> = Invoice::query_by_billed_to(db, Email::new("bo@example.com"))
        .all()
        .await
        .expect("queried")
        .into_iter()
        .map(|invoice| invoice.total)
        .collect();
    assert_eq!(billed, [Cents(100), Cents(250)]);
    let large = customer
        .query_invoices(db)
        .filter(Invoice::TOTAL.gt(Cents(200)))
        .count()
        .await
        .expect("counted");
    assert_eq!(large, 2);
}

/// `validate` runs on every write path with the field's options, and a refused value writes
/// nothing: create, update and save.
#[tokio::test(flavor = "current_thread")]
async fn validate_refuses_values_on_every_write() {
    let test = tests::start().await;
    let db = test.db();
    let refused = Customer::create(db, NewCustomer::new(Email::new("eve@elsewhere.org")))
        .await
        .expect_err("not an example.com address");
    assert!(
        matches!(&refused, Error::Validation { model: "Customer", field: "email", message } if message.contains("example.com")),
        "{refused}"
    );
    let customer = Customer::create(db, NewCustomer::new(Email::new("dee@example.com")))
        .await
        .expect("created");
    let refused = Invoice::create(db, NewInvoice::new(customer.customer_id, Cents(-5)))
        .await
        .expect_err("negative");
    assert!(
        matches!(&refused, Error::Validation { field: "total", .. }),
        "{refused}"
    );
    let mut invoice = Invoice::create(db, NewInvoice::new(customer.customer_id, Cents(5)))
        .await
        .expect("created");
    let refused = Invoice::update(
        db,
        &invoice.invoice_id,
        InvoiceUpdate::new().discount(Cents(-1)),
    )
    .await
    .expect_err("negative");
    assert!(
        matches!(
            &refused,
            Error::Validation {
                field: "discount",
                ..
            }
        ),
        "{refused}"
    );
    invoice.total = Cents(-7);
    let refused = invoice.save(db).await.expect_err("negative");
    assert!(
        matches!(&refused, Error::Validation { field: "total", .. }),
        "{refused}"
    );
    let stored = Invoice::find(db, &invoice.invoice_id)
        .await
        .expect("read")
        .expect("still there");
    assert_eq!((stored.total, stored.discount), (Cents(5), Some(Cents(0))));
    // The built-in email syntax check still applies to a declared EmailField: this address
    // passes `validate`, but has a space.
    let spaced = Email::new("dee again@example.com");
    let refused = Customer::update(
        db,
        &customer.customer_id,
        CustomerUpdate::new().email(spaced),
    )
    .await
    .expect_err("not an email address");
    assert!(
        matches!(&refused, Error::Validation { field: "email", message, .. } if message.contains("not an email address")),
        "{refused}"
    );
}

/// A stored value that the custom type refuses to read, or of the wrong attribute type
/// (written by another service), is a typed decode error naming the item, the field and what
/// was found, not a panic.
#[tokio::test(flavor = "current_thread")]
async fn a_stored_value_the_type_refuses_is_a_decode_error() {
    use bao_runtime::AttributeValue as A;

    let test = tests::start().await;
    let db = test.db();
    let customer = Customer::create(db, NewCustomer::new(Email::new("fay@example.com")))
        .await
        .expect("created");
    let pk = format!("cu#{}", customer.customer_id);
    for (attribute, value, shown) in [
        ("email", A::S("nobody".into()), "`nobody` has no `@`"),
        ("vip", A::S("yes".into()), "expected BOOL, found S `yes`"),
    ] {
        tests::raw_set(db, &pk, "cu", attribute, value).await;
        let error = Customer::find(db, &customer.customer_id)
            .await
            .expect_err("a value the field cannot read");
        assert!(
            matches!(&error, Error::Decode { id, field, .. }
                if field == attribute && *id == customer.customer_id.to_string()),
            "{error}"
        );
        assert!(error.to_string().contains(shown), "{error}");
        tests::raw_set(db, &pk, "cu", "email", A::S("fay@example.com".into())).await;
    }
}

/// Custom fields go through JSON as their base values and come back as the application's
/// types; a base value the type refuses is an error naming the field.
#[tokio::test(flavor = "current_thread")]
async fn custom_fields_round_trip_through_json_as_their_bases() {
    let test = tests::start().await;
    let db = test.db();
    let customer = Customer::create(
        db,
        NewCustomer::new(Email::new("gus@example.com")).with_tags(["new".to_owned()]),
    )
    .await
    .expect("created");
    let invoice = Invoice::create(db, NewInvoice::new(customer.customer_id, Cents(990)))
        .await
        .expect("created");
    let mut json = serde_json::to_value(&customer).unwrap();
    assert_eq!(json["email"], "gus@example.com", "the base value");
    assert_eq!(
        serde_json::from_value::<Customer>(json.clone()).unwrap(),
        customer
    );
    let invoice_json = serde_json::to_value(&invoice).unwrap();
    assert_eq!(invoice_json["total"], 990);
    assert_eq!(
        serde_json::from_value::<Invoice>(invoice_json).unwrap(),
        invoice
    );

    json["email"] = "nobody".into();
    let error = serde_json::from_value::<Customer>(json).unwrap_err();
    assert!(
        error.to_string().contains("email") && error.to_string().contains("has no `@`"),
        "{error}"
    );
}

/// A `defaultValue` the `rustType` refuses is reported as that, naming the field and the
/// type's reason, not as a missing field.
#[test]
fn a_refused_default_is_named_as_such() {
    let json = r#"{"contactId": "01JFGMRH7XACZ8GKB81DZ5YWNH"}"#;
    let error = serde_json::from_str::<refused::Contact>(json).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`email`: the default of a missing attribute: `nobody` has no `@`"),
        "{error}"
    );
    let json = r#"{"contactId": "01JFGMRH7XACZ8GKB81DZ5YWNH", "email": "ada@example.com"}"#;
    let contact: refused::Contact = serde_json::from_str(json).unwrap();
    assert_eq!(contact.email, Some(Email::new("ada@example.com")));
}
