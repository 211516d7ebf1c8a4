//! PonyORM's estore example for the `estore_*` tests: its entities, the data as plain Rust
//! values (the answers are computed from them), the seeding, and a checker that runs every
//! check and reports all failures at once.
#![allow(dead_code, clippy::type_complexity)]
pub use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::str::FromStr;

pub use chrono::NaiveDateTime;
use colt::prelude::*;
pub use rust_decimal::Decimal;

#[derive(Entity, Debug, Clone)]
pub struct Customer {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(unique)]
    pub email: String,
    pub name: String,
    pub country: String,
    pub address: Option<String>,
    pub orders: Set<Order>,
    pub cart_items: Set<CartItem>,
}

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub categories: Set<Category>,
    pub description: Option<String>,
    pub price: Decimal,
    pub quantity: i32,
    pub rating: Option<f64>,
    pub order_items: Set<OrderItem>,
    pub cart_items: Set<CartItem>,
}

#[derive(Entity, Debug, Clone)]
pub struct CartItem {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub quantity: i32,
    pub customer: Ref<Customer>,
    pub product: Ref<Product>,
}

#[derive(Entity, Debug, Clone)]
pub struct OrderItem {
    #[colt(primary_key)]
    pub order: Ref<Order>,
    #[colt(primary_key)]
    pub product: Ref<Product>,
    pub quantity: i32,
    pub price: Decimal,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "order")]
pub struct Order {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub state: String,
    pub date_created: NaiveDateTime,
    pub date_shipped: Option<NaiveDateTime>,
    pub total_price: Decimal,
    pub discount: Option<i64>,
    pub customer: Ref<Customer>,
    pub items: Set<OrderItem>,
}

#[derive(Entity, Debug, Clone)]
pub struct Category {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(unique)]
    pub name: String,
    pub products: Set<Product>,
}

// ---------------------------------------------------------------------------------------
// The data, as plain Rust

pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

pub fn dt(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").expect("datetime")
}

#[derive(Clone, Debug)]
pub struct MCustomer {
    pub id: i64,
    pub email: &'static str,
    pub name: &'static str,
    pub country: &'static str,
    pub address: Option<&'static str>,
}

#[derive(Clone, Debug)]
pub struct MProduct {
    pub id: i64,
    pub name: &'static str,
    pub cats: Vec<i64>,
    pub description: Option<&'static str>,
    pub price: Decimal,
    pub quantity: i32,
    pub rating: Option<f64>,
}

#[derive(Clone, Debug)]
pub struct MOrder {
    pub id: i64,
    pub customer: i64,
    pub state: &'static str,
    pub created: NaiveDateTime,
    pub shipped: Option<NaiveDateTime>,
    pub total: Decimal,
    pub discount: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct MItem {
    pub order: i64,
    pub product: i64,
    pub quantity: i32,
    pub price: Decimal,
}

#[derive(Clone, Debug)]
pub struct MCart {
    pub customer: i64,
    pub product: i64,
    pub quantity: i32,
}

pub struct Model {
    pub cats: Vec<(i64, &'static str)>,
    pub customers: Vec<MCustomer>,
    pub products: Vec<MProduct>,
    pub orders: Vec<MOrder>,
    pub items: Vec<MItem>,
    pub carts: Vec<MCart>,
}

pub fn model() -> Model {
    let cats = vec![
        (1, "Tablets"),
        (2, "Electronics"),
        (3, "Books"),
        (4, "Music"),
        (5, "Empty"),
    ];
    let c = |id, email, name, country, address| MCustomer {
        id,
        email,
        name,
        country,
        address,
    };
    let customers = vec![
        c(1, "ann@x.org", "Ann", "USA", Some("1 Main St")),
        c(2, "olaf@x.org", "Ölaf", "Austria", None),
        c(3, "bob@x.org", "Bob", "USA", Some("2 Side St")),
        c(4, "asa@x.org", "Åsa", "Sweden", None),
        c(5, "zoe@x.org", "Zoë", "France", Some("Paris")),
        c(6, "adam@x.org", "Adam", "USA", None),
        c(7, "lilei@x.org", "李雷", "China", Some("北京")),
    ];
    let p = |id, name, cats: &[i64], description, price: &str, quantity, rating| MProduct {
        id,
        name,
        cats: cats.to_vec(),
        description,
        price: d(price),
        quantity,
        rating,
    };
    let products = vec![
        p(
            1,
            "iPad",
            &[1, 2],
            Some("Apple tablet"),
            "499.99",
            10,
            Some(4.5),
        ),
        p(2, "iPad mini", &[1], None, "299.00", 0, None),
        p(
            3,
            "Kindle",
            &[3, 2],
            Some("E-reader, liseuse"),
            "99.50",
            5,
            Some(3.0),
        ),
        p(
            4,
            "Dune",
            &[3],
            Some("Roman de science-fiction"),
            "12.00",
            100,
            Some(4.5),
        ),
        p(
            5,
            "Thé vert",
            &[],
            Some("Thé vert bio, 100 g"),
            "12.00",
            3,
            None,
        ),
        p(6, "Refund token", &[4], None, "-5.00", -2, Some(-1.5)),
        p(7, "Vinyl", &[4], Some(""), "25.00", 0, Some(0.0)),
    ];
    let o = |id, customer, state, created, shipped: Option<&str>, total, discount| MOrder {
        id,
        customer,
        state,
        created: dt(created),
        shipped: shipped.map(dt),
        total: d(total),
        discount,
    };
    let orders = vec![
        o(
            1,
            1,
            "SHIPPED",
            "2024-01-05 10:00:00",
            Some("2024-01-07 10:00:00"),
            "599.49",
            Some(10),
        ),
        o(
            2,
            1,
            "DELIVERED",
            "2024-02-10 09:30:00",
            Some("2024-02-12 09:30:00"),
            "24.00",
            None,
        ),
        o(
            3,
            2,
            "SHIPPED",
            "2024-02-11 12:00:00",
            Some("2024-02-13 12:00:00"),
            "1497.00",
            Some(-5),
        ),
        o(4, 2, "CREATED", "2024-03-01 08:00:00", None, "300.00", None),
        o(
            5,
            4,
            "CANCELLED",
            "2024-03-02 08:00:00",
            None,
            "12.00",
            Some(0),
        ),
        o(6, 5, "CREATED", "2024-03-03 08:00:00", None, "0.00", None),
        o(
            7,
            6,
            "SHIPPED",
            "2024-01-20 16:45:00",
            Some("2024-01-21 16:45:00"),
            "792.00",
            Some(10),
        ),
        o(
            8,
            7,
            "SHIPPED",
            "2024-12-31 23:59:59",
            Some("2025-01-02 00:00:00"),
            "1000.00",
            Some(25),
        ),
    ];
    let i = |order, product, quantity, price: &str| MItem {
        order,
        product,
        quantity,
        price: d(price),
    };
    let items = vec![
        i(1, 1, 1, "499.99"),
        i(1, 3, 1, "99.50"),
        i(2, 4, 2, "12.00"),
        i(3, 1, 3, "499.00"),
        i(4, 2, 1, "299.00"),
        i(5, 5, 1, "12.00"),
        i(7, 2, 2, "299.00"),
        i(7, 3, 2, "99.50"),
        i(7, 6, 1, "-5.00"),
        i(8, 4, 50, "12.00"),
        i(8, 5, 20, "20.00"),
    ];
    let carts = vec![
        MCart {
            customer: 1,
            product: 4,
            quantity: 1,
        },
        MCart {
            customer: 1,
            product: 4,
            quantity: 2,
        },
        MCart {
            customer: 3,
            product: 7,
            quantity: 1,
        },
        MCart {
            customer: 5,
            product: 1,
            quantity: 3,
        },
    ];
    Model {
        cats,
        customers,
        products,
        orders,
        items,
        carts,
    }
}

impl Model {
    pub fn customer(&self, id: i64) -> &MCustomer {
        self.customers.iter().find(|c| c.id == id).unwrap()
    }
    pub fn product(&self, id: i64) -> &MProduct {
        self.products.iter().find(|p| p.id == id).unwrap()
    }
    pub fn order(&self, id: i64) -> &MOrder {
        self.orders.iter().find(|o| o.id == id).unwrap()
    }
    pub fn orders_of(&self, c: i64) -> Vec<&MOrder> {
        self.orders.iter().filter(|o| o.customer == c).collect()
    }
    pub fn items_of(&self, o: i64) -> Vec<&MItem> {
        self.items.iter().filter(|i| i.order == o).collect()
    }
    pub fn items_of_customer(&self, c: i64) -> Vec<&MItem> {
        self.items
            .iter()
            .filter(|i| self.order(i.order).customer == c)
            .collect()
    }
    pub fn cat_name(&self, id: i64) -> &'static str {
        self.cats.iter().find(|c| c.0 == id).unwrap().1
    }
}

pub fn seed(db: &Database, m: &Model) -> colt::Result<()> {
    db.bind(schema![
        Customer, Product, CartItem, OrderItem, Order, Category
    ])?;
    db.create_tables()?;
    db.transaction(|tx| {
        let mut cats = BTreeMap::new();
        for (id, name) in &m.cats {
            let c = Category::build().name(*name).insert(tx)?;
            assert_eq!(c.key(), *id);
            cats.insert(*id, c);
        }
        let mut customers = BTreeMap::new();
        for c in &m.customers {
            let o = Customer::build()
                .email(c.email)
                .name(c.name)
                .country(c.country)
                .address(c.address)
                .insert(tx)?;
            assert_eq!(o.key(), c.id);
            customers.insert(c.id, o);
        }
        let mut products = BTreeMap::new();
        for p in &m.products {
            let o = Product::build()
                .name(p.name)
                .description(p.description)
                .price(p.price)
                .quantity(p.quantity)
                .rating(p.rating)
                .insert(tx)?;
            assert_eq!(o.key(), p.id);
            for c in &p.cats {
                o.categories().add(tx, &cats[c])?;
            }
            products.insert(p.id, o);
        }
        let mut orders = BTreeMap::new();
        for o in &m.orders {
            let x = Order::build()
                .state(o.state)
                .date_created(o.created)
                .date_shipped(o.shipped)
                .total_price(o.total)
                .discount(o.discount)
                .customer(&customers[&o.customer])
                .insert(tx)?;
            assert_eq!(x.key(), o.id);
            orders.insert(o.id, x);
        }
        for i in &m.items {
            OrderItem::build()
                .order(&orders[&i.order])
                .product(&products[&i.product])
                .quantity(i.quantity)
                .price(i.price)
                .insert(tx)?;
        }
        for c in &m.carts {
            CartItem::build()
                .quantity(c.quantity)
                .customer(&customers[&c.customer])
                .product(&products[&c.product])
                .insert(tx)?;
        }
        Ok(())
    })
}

/// Runs every check in its own transaction and collects the failures.
pub struct Checks<'a> {
    pub db: &'a Database,
    pub fails: Vec<String>,
}

impl<'a> Checks<'a> {
    pub fn eq<T: PartialEq + Debug>(
        &mut self,
        name: &str,
        want: T,
        f: impl FnOnce(&Transaction) -> colt::Result<T>,
    ) {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.db.transaction(f)));
        match r {
            Ok(Ok(got)) => {
                if got != want {
                    self.fails
                        .push(format!("{name}:\n   got  {got:?}\n   want {want:?}"));
                }
            }
            Ok(Err(e)) => self.fails.push(format!("{name}: ERROR {e:?}")),
            Err(p) => self.fails.push(format!(
                "{name}: PANIC {}",
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )),
        }
    }
    pub fn finish(self) {
        assert!(
            self.fails.is_empty(),
            "{} failures:\n{}",
            self.fails.len(),
            self.fails.join("\n")
        );
    }
}

pub fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

pub fn names_of(v: Vec<Obj<Customer>>) -> Vec<String> {
    sorted(v.iter().map(|c| c.name()).collect())
}

pub fn pnames(v: Vec<Obj<Product>>) -> Vec<String> {
    sorted(v.iter().map(|c| c.name()).collect())
}

pub fn s(x: &str) -> String {
    x.to_string()
}

pub fn ss<'a>(v: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    sorted(v.into_iter().map(s).collect())
}

pub fn sorted_f(mut v: Vec<(String, Option<f64>)>) -> Vec<(String, Option<f64>)> {
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}
