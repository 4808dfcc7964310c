//! Enums, and nested objects and lists: an order's status, its address (a map) and its lines (a
//! list of maps), appended to and filtered on in place.

use bao_runtime::Model;
use examples::models::{
    Address, LineItem, NewOrder, NewUser, Order, OrderStatus, OrderUpdate, User,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (db, _server) = examples::connect("bao-orders").await?;
    let ada = User::create(&db, NewUser::new("Ada", "ada@example.com")).await?;
    // readme:start
    // An order with a map (where it ships to) and a list of maps (its lines)
    let address = Address {
        street: "1 Main St".into(),
        city: "Springfield".into(),
        country: Some("US".into()),
    };
    let mug = LineItem {
        sku: "mug".into(),
        quantity: 2,
        notes: vec!["gift".into()],
    };
    let new = NewOrder::new(ada.user_id, OrderStatus::Open, 1250)
        .with_ship_to(address)
        .with_lines(vec![mug]);
    let order = Order::create(&db, new).await?;

    // One more line, appended in one UpdateItem, without reading the order
    let tea = LineItem {
        sku: "tea".into(),
        quantity: 1,
        notes: Vec::new(),
    };
    let update = OrderUpdate::new().append_lines([tea]);
    let order = Order::update(&db, &order.order_id, update).await?;
    println!("{} lines: {:?}", order.lines.len(), order.lines);

    // Filters and conditions reach into maps and lists
    let to_springfield = Order::SHIP_TO.city().eq("Springfield");
    let mugs_first = Order::LINES.at(0).sku().eq("mug");
    let open = Order::query_by_status(&db, OrderStatus::Open)
        .filter(to_springfield.and(mugs_first))
        .all()
        .await?;
    println!("Open orders to Springfield, mugs first: {}", open.len());
    // readme:end
    assert_eq!(open, [order]);
    Ok(())
}
