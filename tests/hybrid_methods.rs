//! Hybrid methods (issue 14, PonyORM's methods in queries): a method written once on the
//! entity under `#[hybrid]` runs in Rust on an object and becomes SQL inside `select!`, on
//! both backends.

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
struct Tea {
    #[colt(primary_key)]
    id: i64,
    name: String,
    price: i64,
    weight: f32,
    discount: Option<i64>,
    organic: bool,
    shop: Ref<Shop>,
}

#[derive(Entity, Debug, Clone)]
struct Shop {
    #[colt(primary_key)]
    id: i64,
    city: String,
    teas: Set<Tea>,
}

#[hybrid]
impl Tea {
    /// Under 100.
    fn is_cheap(&self) -> bool {
        self.price < 100
    }

    fn price_with_tax(&self) -> i64 {
        self.price * 6 / 5
    }

    fn is_green(&self) -> bool {
        self.name.ends_with("sencha") || self.name == "matcha"
    }

    fn light(&self) -> bool {
        self.weight < 0.1
    }

    /// A hybrid method calling another (and a boolean literal).
    #[allow(clippy::bool_comparison)]
    fn cheap_and_organic(&self) -> bool {
        self.is_cheap() && self.organic == true
    }

    fn discounted(&self) -> bool {
        self.discount.is_some_and(|d| d > -1)
    }

    fn label(&self) -> String {
        if self.price >= 100 {
            "dear".to_string()
        } else {
            "it's fine".to_string()
        }
    }

    fn initials(&self) -> String {
        self.name[..2].to_uppercase()
    }
}

fn teas(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Tea, Shop])?;
    db.create_tables()?;
    db.transaction(|tx| {
        let shop = Shop::build().id(1).city("Kyoto").insert(tx)?;
        type Row<'a> = (i64, &'a str, i64, f32, Option<i64>, bool);
        let rows: [Row; 4] = [
            (1, "sencha", 50, 0.1, None, true),
            (2, "matcha", 150, 0.05, Some(10), true),
            (3, "assam", 80, 0.25, Some(0), false),
            (4, "gyokuro sencha", 300, 0.1, None, false),
        ];
        for (id, name, price, weight, discount, organic) in rows {
            Tea::build()
                .id(id)
                .name(name)
                .price(price)
                .weight(weight)
                .discount(discount)
                .organic(organic)
                .shop(&shop)
                .insert(tx)?;
        }
        Ok(())
    })?;
    Ok(db)
}

#[test]
fn a_hybrid_method_is_rust_on_objects_and_sql_in_queries() -> colt::Result<()> {
    each_backend(|backend| {
        let db = teas(backend)?;
        db.transaction(|tx| {
            let all = select!((t for t in Tea).order_by(|t| t.id)).fetch(tx)?;
            // Each query agrees with the method run in Rust on every object.
            let rust = |f: fn(&Tea) -> bool| -> Vec<i64> {
                all.iter().filter(|t| f(&t.get())).map(|t| t.id()).collect()
            };
            let cheap =
                select!((t.id for t in Tea if t.is_cheap()).order_by(|t| t.id)).fetch(tx)?;
            assert_eq!(cheap, rust(Tea::is_cheap));
            assert_eq!(cheap, [1, 3]);
            let green =
                select!((t.id for t in Tea if t.is_green()).order_by(|t| t.id)).fetch(tx)?;
            assert_eq!(green, rust(Tea::is_green));
            let light = select!((t.id for t in Tea if t.light()).order_by(|t| t.id)).fetch(tx)?;
            assert_eq!(light, rust(Tea::light));
            let both = select!((t.id for t in Tea if t.cheap_and_organic()).order_by(|t| t.id))
                .fetch(tx)?;
            assert_eq!(both, rust(Tea::cheap_and_organic));
            let discounted =
                select!((t.id for t in Tea if t.discounted()).order_by(|t| t.id)).fetch(tx)?;
            assert_eq!(discounted, rust(Tea::discounted));
            let not_cheap =
                select!((t.id for t in Tea if !t.is_cheap()).order_by(|t| t.id)).fetch(tx)?;
            assert_eq!(not_cheap, [2, 4]);
            let initials = select!((t.initials() for t in Tea).order_by(|t| t.id))
                .without_distinct()
                .fetch(tx)?;
            let want: Vec<String> = all.iter().map(|t| t.get().initials()).collect();
            assert_eq!(initials, want);
            // In projections, orderings, closures and aggregates.
            let taxed = select!((t.price_with_tax() for t in Tea).order_by(|t| t.id)).fetch(tx)?;
            let want: Vec<i64> = all.iter().map(|t| t.get().price_with_tax()).collect();
            assert_eq!(taxed, want);
            let labels = select!(Tea.order_by(|t| t.id).map(|t| t.label()))
                .without_distinct()
                .fetch(tx)?;
            let want: Vec<String> = all.iter().map(|t| t.get().label()).collect();
            assert_eq!(labels, want);
            let by_tax = select!(Tea
                .filter(|t| t.price_with_tax() > 100)
                .order_by(|t| desc(t.price_with_tax()))
                .map(|t| t.id))
            .fetch(tx)?;
            assert_eq!(by_tax, [4, 2]);
            let total = select!(sum(t.price_with_tax()) for t in Tea if t.is_cheap()).one(tx)?;
            assert_eq!(total, Some(60 + 96));
            // Through a collection and beside outer values.
            let max = 100;
            let n = select!(count() for s in Shop for t in s.teas if t.is_green() && t.price > max)
                .one(tx)?;
            assert_eq!(n, 2);
            Ok(())
        })
    })
}

#[derive(Entity, Debug, Clone)]
struct Counter {
    #[colt(primary_key)]
    id: i64,
    n: i64,
    up: bool,
}

#[hybrid]
impl Counter {
    fn five(&self) -> i64 {
        5
    }

    fn sign(&self) -> i64 {
        if self.up {
            1
        } else {
            -1
        }
    }

    fn huge(&self) -> bool {
        self.n > 3_000_000_000
    }

    fn two(&self) -> i64 {
        2
    }

    fn minus_one(&self) -> i64 {
        -1
    }

    fn tag(&self) -> String {
        "x".to_string()
    }
}

/// Unsuffixed integer literals are `i64`s, as SQL computes integers (rustc made them `i32`).
#[test]
fn integer_literals_are_i64() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Counter])?;
        db.create_tables()?;
        db.transaction(|tx| {
            Counter::build()
                .id(1)
                .n(4_000_000_000i64)
                .up(true)
                .insert(tx)?;
            Counter::build().id(2).n(1i64).up(false).insert(tx)?;
            let rows =
                select!(((c.five(), c.sign(), c.huge()) for c in Counter).order_by(|c| c.id))
                    .without_distinct()
                    .fetch(tx)?;
            assert_eq!(rows, [(5, 1, true), (5, -1, false)]);
            Ok(())
        })
    })
}

/// A constant key orders and groups nothing: both databases read a bare `2` in `ORDER BY`
/// or `GROUP BY` as the second result column (the rows came ordered by `n`).
#[test]
fn a_constant_hybrid_orders_and_groups_by_its_value() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Counter])?;
        db.create_tables()?;
        db.transaction(|tx| {
            for (id, n) in [(1, 30), (2, 10), (3, 20)] {
                Counter::build().id(id).n(n).up(true).insert(tx)?;
            }
            let ids = |rows: Vec<Obj<Counter>>| rows.iter().map(|c| c.id()).collect::<Vec<_>>();
            let by_two = select!((c for c in Counter).order_by(|c| (c.two(), c.id))).fetch(tx)?;
            assert_eq!(ids(by_two), [1, 2, 3]);
            let later = select!((c for c in Counter)
                .order_by(|c| c.id)
                .order_by(|c| desc(c.minus_one())))
            .fetch(tx)?;
            assert_eq!(ids(later), [1, 2, 3]);
            let names = select!((c.id for c in Counter).order_by(|c| (c.two(), c.n))).fetch(tx)?;
            assert_eq!(names, [2, 3, 1]);
            let grouped = select!((c.two(), count(c)) for c in Counter).fetch(tx)?;
            assert_eq!(grouped, [(2, 3)]);
            let distinct =
                select!((c.up for c in Counter).order_by(|c| (c.two(), c.n))).fetch(tx)?;
            assert_eq!(distinct, [true]);
            // Distinct rows that select the constant, ordered by it and by the key.
            let pairs = select!(((c.n, c.two()) for c in Counter).order_by(|c| (c.two(), c.n)))
                .fetch(tx)?;
            assert_eq!(pairs, [(10, 2), (20, 2), (30, 2)]);
            // A text constant (PostgreSQL refuses one bare in ORDER BY and GROUP BY).
            let by_tag = select!((c for c in Counter).order_by(|c| (c.tag(), c.id))).fetch(tx)?;
            assert_eq!(ids(by_tag), [1, 2, 3]);
            let tagged = select!((c.tag(), count(c)) for c in Counter).fetch(tx)?;
            assert_eq!(tagged, [("x".to_string(), 3)]);
            // Only constants: `first` takes the first by key.
            let first = select!((c for c in Counter).order_by(|c| c.two())).first(tx)?;
            assert_eq!(first.map(|c| c.id()), Some(1));
            Ok(())
        })
    })
}
