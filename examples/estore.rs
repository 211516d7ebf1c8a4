//! A small shop on SQLite: schema, data, and a tour of Colt's queries with their SQL.
//!
//! `cargo run --example estore` (SQLite in memory), or give a database URL as the argument or in
//! `COLT_DATABASE_URL`: `cargo run --example estore -- sqlite:shop.db?mode=rwc`,
//! `cargo run --example estore --features postgres -- postgres://user:pw@localhost:5432/shop`.

use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Category {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(unique)]
    pub name: String,
    pub products: Set<Product>, // the other side of Product::category
}

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub price: i64, // in cents
    pub description: Option<String>,
    pub category: Ref<Category>, // a foreign key column `category`, indexed
    #[colt(default = 0)]
    pub stock: i32,
    pub tags: Set<Tag>, // many-to-many: join table `product_tag`
}

#[derive(Entity, Debug, Clone)]
pub struct Tag {
    #[colt(primary_key)]
    pub name: String,
    pub products: Set<Product>,
}

#[derive(Entity, Debug, Clone)]
pub struct Customer {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(unique)]
    pub email: String,
    pub name: String,
    pub country: String,
    #[colt(cascade_delete)]
    pub orders: Set<Order>,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "order")] // a reserved word: identifiers are always quoted
pub struct Order {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub customer: Ref<Customer>,
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
    let cats: Vec<Obj<Category>> = ["Books", "Tea", "Games"]
        .into_iter()
        .map(|name| Category::build().name(name).insert(tx))
        .collect::<colt::Result<_>>()?;
    let tags: Vec<Obj<Tag>> = ["classic", "green", "gift"]
        .into_iter()
        .map(|name| Tag::build().name(name).insert(tx))
        .collect::<colt::Result<_>>()?;
    let products = [
        ("Dune", 1200, Some("A desert planet"), 0, 5, &[0, 2][..]),
        ("Emma", 800, None, 0, 0, &[0][..]),
        ("Ulysses", 1500, Some("Dublin, one day"), 0, 2, &[0][..]),
        ("Sencha", 450, Some("Green tea, 100 g"), 1, 40, &[1][..]),
        ("Assam", 450, Some("Black tea, 100 g"), 1, 12, &[][..]),
        ("Matcha", 2000, None, 1, 3, &[1, 2][..]),
        ("Go", 3500, Some("Stones on a board"), 2, 1, &[0, 2][..]),
    ];
    for (name, price, description, cat, stock, tagged) in products {
        let p = Product::build()
            .name(name)
            .price(price)
            .description(description)
            .category(&cats[cat])
            .stock(stock)
            .insert(tx)?;
        for &t in tagged {
            p.tags().add(tx, &tags[t])?;
        }
    }
    let customers = [
        ("ada@example.org", "Ada", "UK"),
        ("kiri@example.org", "Kiri", "NZ"),
        ("tama@example.org", "Tama", "NZ"),
    ];
    let mut people = Vec::new();
    for (email, name, country) in customers {
        people.push(
            Customer::build()
                .email(email)
                .name(name)
                .country(country)
                .insert(tx)?,
        );
    }
    for (who, state, total) in [
        (0, "shipped", 2000),
        (0, "open", 450),
        (1, "shipped", 5500),
        (2, "cancelled", 800),
    ] {
        Order::build()
            .customer(&people[who])
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
    db.bind(schema![Category, Product, Tag, Customer, Order])?;
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
            "7. navigation is a join: products in stock with their category's name",
            &select!((p.name, p.category.name) for p in Product if p.stock > 0 && p.category.name != "Games"),
            tx,
        )?;

        show(
            "8. aggregates with inferred GROUP BY: products and stock per category",
            &select!((p.category.name, count(p), sum(p.stock), avg(p.price)) for p in Product),
            tx,
        )?;

        show(
            "9. HAVING from a condition on an aggregate: customers who spent over 20.00",
            &select!((o.customer.name, sum(o.total)) for o in Order if o.state != "cancelled" && sum(o.total) > 2000),
            tx,
        )?;

        show(
            "9b. aggregates over collections keep empty groups: orders and spend per customer",
            &select!(((c.name, count(c.orders), sum(c.orders.total)) for c in Customer).order_by(|c| c.name)),
            tx,
        )?;

        show(
            "9c. a generator over a collection, and a sub-comprehension",
            &select!((c.name, o.total) for c in Customer if c.country == "NZ" for o in c.orders if o.state == "shipped"),
            tx,
        )?;

        show(
            "9d. exists and many-to-many: categories with a gift under 20.00",
            &select!(c.name for c in Category if exists(p for p in c.products if p.price < 2000 && p.tags.name.contains(&"gift"))),
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
        // flushed before the next query sees it. References load without N+1.
        let before = tx.statements_executed();
        let all = select!(p for p in Product).fetch(tx)?;
        let categories: std::collections::BTreeSet<String> = all
            .iter()
            .map(|p| p.category().get(tx).map(|c| c.name()))
            .collect::<colt::Result<_>>()?;
        println!(
            "── 13. {} products and their {} categories in {} statements",
            all.len(),
            categories.len(),
            tx.statements_executed() - before
        );
        let dune = tx.get_or_err::<Product>(1)?;
        let again = select!(p for p in Product if p.name == "Dune").one(tx)?;
        println!("   identity map: same object? {}", Obj::ptr_eq(&dune, &again));
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
