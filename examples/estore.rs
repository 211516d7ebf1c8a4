//! A small shop on SQLite: schema, data, and a tour of Colt's queries with their SQL.
//!
//! `cargo run --example estore` (SQLite in memory), or give a database URL as the argument or in
//! `COLT_DATABASE_URL`: `cargo run --example estore -- sqlite:shop.db`,
//! `cargo run --example estore -- postgres://user:pw@localhost:5432/shop`.

use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Category {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(unique)]
    pub name: String,
}

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub price: i64, // in cents
    pub description: Option<String>,
    #[colt(index)]
    pub category_id: i64,
    #[colt(default = 0)]
    pub stock: i32,
}

#[derive(Entity, Debug, Clone)]
pub struct Customer {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(unique)]
    pub email: String,
    pub name: String,
    pub country: String,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "order")] // a reserved word: identifiers are always quoted
pub struct Order {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(index)]
    pub customer_id: i64,
    pub state: String,
    pub total: i64,
}

fn show<R: std::fmt::Debug + colt::FromRow>(
    title: &str,
    q: &Query<R>,
    tx: &Transaction,
) -> colt::Result<()> {
    println!("── {title}");
    println!("   {}", q.sql(tx.dialect()));
    for row in q.fetch(tx)? {
        println!("   → {row:?}");
    }
    println!();
    Ok(())
}

fn seed(tx: &Transaction) -> colt::Result<()> {
    for name in ["Books", "Tea", "Games"] {
        Category::build().name(name).insert(tx)?;
    }
    let products = [
        ("Dune", 1200, Some("A desert planet"), 1, 5),
        ("Emma", 800, None, 1, 0),
        ("Ulysses", 1500, Some("Dublin, one day"), 1, 2),
        ("Sencha", 450, Some("Green tea, 100 g"), 2, 40),
        ("Assam", 450, Some("Black tea, 100 g"), 2, 12),
        ("Matcha", 2000, None, 2, 3),
        ("Go", 3500, Some("Stones on a board"), 3, 1),
    ];
    for (name, price, description, category_id, stock) in products {
        Product::build()
            .name(name)
            .price(price)
            .description(description)
            .category_id(category_id)
            .stock(stock)
            .insert(tx)?;
    }
    let customers = [
        ("ada@example.org", "Ada", "UK"),
        ("kiri@example.org", "Kiri", "NZ"),
        ("tama@example.org", "Tama", "NZ"),
    ];
    for (email, name, country) in customers {
        Customer::build()
            .email(email)
            .name(name)
            .country(country)
            .insert(tx)?;
    }
    for (customer_id, state, total) in [
        (1, "shipped", 2000),
        (1, "open", 450),
        (2, "shipped", 5500),
        (3, "cancelled", 800),
    ] {
        Order::build()
            .customer_id(customer_id)
            .state(state)
            .total(total)
            .insert(tx)?;
    }
    Ok(())
}

fn main() -> colt::Result<()> {
    let url = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("COLT_DATABASE_URL").ok())
        .unwrap_or_else(|| "sqlite::memory:".to_string());
    let db = Database::open(&url)?;
    db.bind(schema![Category, Product, Customer, Order])?;
    db.create_tables()?;
    db.check_tables()?;
    println!("Colt estore on {url}\n");

    db.transaction(|tx| {
        if select!(c for c in Category).count(tx)? == 0 {
            seed(tx)?;
        }
        Ok(())
    })?;

    db.transaction(|tx| {
        let max = 1000;
        show(
            "1. names of products under 10.00 (comprehension; `max` is a bind parameter)",
            &select!(p.name for p in Product if p.price < max),
            tx,
        )?;

        show(
            "2. the same with closures, projecting a tuple",
            &select!(Product.filter(|p| p.price < max).map(|p| (p.name, p.price))),
            tx,
        )?;

        show(
            "3. the three dearest products, dearest first (objects)",
            &select!((p for p in Product).order_by(|p| (desc(p.price), p.name)).limit(3)),
            tx,
        )?;

        show(
            "4. products with no description (Option attributes are nullable columns)",
            &select!(p.name for p in Product if p.description.is_none()),
            tx,
        )?;

        let word = "tea";
        show(
            "5. string methods: descriptions mentioning tea, names starting with a capital S or A",
            &select!(p.name for p in Product
                if p.description.to_lowercase().contains(word)
                    && (p.name.starts_with("S") || p.name.starts_with("A"))),
            tx,
        )?;

        let wanted = vec!["Go".to_string(), "Dune".to_string(), "Chess".to_string()];
        show(
            "6. list membership: one SQL text for any number of names",
            &select!(p.name for p in Product if wanted.contains(&p.name)),
            tx,
        )?;

        show(
            "7. a join by keys: each product with its category name",
            &select!((p.name, c.name) for p in Product for c in Category if p.category_id == c.id && p.stock > 0),
            tx,
        )?;

        show(
            "8. aggregates with inferred GROUP BY: products and stock per category",
            &select!((p.category_id, count(p), sum(p.stock), avg(p.price)) for p in Product),
            tx,
        )?;

        show(
            "9. HAVING from a condition on an aggregate: customers who spent over 20.00",
            &select!((o.customer_id, sum(o.total)) for o in Order if o.state != "cancelled" && sum(o.total) > 2000),
            tx,
        )?;

        show(
            "10. distinct prices (a projection without the key is a set, as in PonyORM)",
            &select!((p.price for p in Product).order_by(|p| p.price)),
            tx,
        )?;

        // 11. A query built at run time, the way a search form would.
        let mut q = select!(p for p in Product if p.stock > 0);
        let (min_price, needle): (Option<i64>, Option<&str>) = (Some(500), Some("a"));
        if let Some(min) = min_price {
            q = select!(q.filter(|p| p.price >= min));
        }
        if let Some(needle) = needle {
            q = select!(q.filter(|p| p.name.contains(needle)));
        }
        show("11. a query refined at run time", &q, tx)?;

        // 12. Paging and terminals.
        let by_name = select!(Product.order_by(|p| p.name).map(|p| p.name));
        println!("── 12. page 2 of 3 by name, count, exists, first, one");
        println!("   page 2: {:?}", by_name.clone().page(2, 3).fetch(tx)?);
        println!("   count of NZ customers: {}", select!(c for c in Customer if c.country == "NZ").count(tx)?);
        println!("   any open order? {}", select!(o for o in Order if o.state == "open").exists(tx)?);
        println!("   cheapest: {:?}", select!(Product.order_by(|p| (p.price, p.name)).map(|p| p.name)).first(tx)?);
        let ada = select!(c for c in Customer if c.email == "ada@example.org").one(tx)?;
        println!("   one: {} <{}>\n", ada.name(), ada.email());

        // 13. The identity map and changes: the same row is the same object; a change is
        // flushed before the next query sees it.
        let dune = tx.get_or_err::<Product>(1)?;
        let again = select!(p for p in Product if p.name == "Dune").one(tx)?;
        println!("── 13. identity map: same object? {}", Obj::ptr_eq(&dune, &again));
        dune.set(|p| p.price -= 200)?;
        let now = select!(p.price for p in Product if p.name == "Dune").one(tx)?;
        println!("   after a 2.00 discount the query sees {now}\n");

        Ok(())
    })?;

    // 14. Constraints are typed errors, and a failed transaction changes nothing.
    let result = db.transaction(|tx| {
        tx.get_or_err::<Product>(1)?.set(|p| p.price = 1)?;
        Customer::build()
            .email("ada@example.org")
            .name("Ada again")
            .country("UK")
            .insert(tx)?;
        Ok(())
    });
    match result {
        Err(Error::Constraint {
            kind: ConstraintKind::Unique,
            table,
            column,
            ..
        }) => println!(
            "── 14. a second customer with the same email: unique violation on {table}.{}",
            column.unwrap_or_default()
        ),
        other => println!("── 14. unexpected: {other:?}"),
    }
    let price = db.transaction(|tx| select!(p.price for p in Product if p.id == 1).one(tx))?;
    println!("   the transaction was rolled back: Dune still costs {price}");
    Ok(())
}
