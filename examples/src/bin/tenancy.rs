//! Multi-tenancy: one table, a tenant-scoped handle per customer, nothing shared.

use bao_runtime::Model;
use examples::models::{NewSetting, NewUser, Setting, User};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (db, _server) = examples::connect("bao-tenancy").await?;
    // readme:start
    let acme = db.with_tenant("acme")?; // every key it writes or reads starts with [acme]#
    let globex = db.with_tenant("globex")?;

    // The same unique email in two tenants: two separate constraint items
    User::create(&acme, NewUser::new("Ada at Acme", "ada@example.com")).await?;
    User::create(&globex, NewUser::new("Ada at Globex", "ada@example.com")).await?;
    let at_acme = User::find_by_email(&acme, "ada@example.com").await?;
    println!("acme sees: {:?}", at_acme.map(|user| user.name));

    // Settings partition on the model prefix; bao prefixes those keys too (DynamoBao does not)
    Setting::create(&acme, NewSetting::new("theme").with_value("dark")).await?;
    let globex_settings = Setting::query_all_settings(&globex).all().await?;
    println!("globex sees {} acme settings", globex_settings.len());

    // Tenant ids are restricted to a safe charset
    let refused = db.with_tenant("acme]#evil").unwrap_err();
    println!("Refused: {refused}");
    // readme:end
    assert!(globex_settings.is_empty());
    Ok(())
}
