//! The `decimal` feature (issue 13): `rust_decimal::Decimal` columns, exact on PostgreSQL
//! (`numeric`, never through `f64`), exact to 15 significant digits on SQLite (more is
//! refused, not rounded), usable in comparisons, ordering, `min`/`max`, `sum`/`avg` and
//! arithmetic, on both backends.
#![cfg(feature = "decimal")]

mod common;

use std::str::FromStr;

use colt::prelude::*;
use common::each_backend;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("a decimal")
}

#[derive(Entity, Debug, Clone)]
struct Item {
    #[colt(primary_key)]
    id: i64,
    price: Decimal,
    quantity: i64,
    discount: Option<Decimal>,
}

fn items(db: &Database) -> colt::Result<()> {
    db.bind(schema![Item])?;
    db.create_tables()?;
    db.check_tables()?;
    db.transaction(|tx| {
        for (id, price, quantity, discount) in [
            (1, "0.10", 3, Some("0.05")),
            (2, "0.20", 1, None),
            (3, "19.99", 2, Some("1.5")),
            (4, "-4.25", 10, None),
            (5, "1234567890.12345", 1, None),
        ] {
            Item::build()
                .id(id)
                .price(d(price))
                .quantity(quantity)
                .discount(discount.map(d))
                .insert(tx)?;
        }
        Ok(())
    })
}

#[test]
fn decimals_round_trip_exactly() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        items(&db)?;
        let mut values = vec![
            d("0"),
            d("0.99"),
            d("-0.01"),
            d("123456789012.345"),
            d("999999999999999"),
            d("9223372036854775807"),
            d("-9223372036854775807"),
            d("0.000000000000001"),
            d("0.0000000000000000000000000001"),
        ];
        // Beyond SQLite's 15 digits: PostgreSQL's numeric keeps them all.
        let long = [
            d("1234567890.123456789012345678"),
            Decimal::MAX,
            Decimal::MIN,
            d("3.1415926535897932384626433832"),
        ];
        if backend.is_postgres() {
            values.extend(long);
        }
        for (i, v) in values.iter().enumerate() {
            let id = 100 + i as i64;
            db.transaction(|tx| {
                Item::build()
                    .id(id)
                    .price(*v)
                    .quantity(0)
                    .discount(Some(-*v))
                    .insert(tx)?;
                Ok(())
            })?;
            let (price, discount) = db.transaction(|tx| {
                select!((i.price, i.discount) for i in Item if i.id == id).one(tx)
            })?;
            assert_eq!((price, discount), (*v, Some(-*v)), "{v}");
            // Found again by equality with the same value.
            let found =
                db.transaction(|tx| select!(i.id for i in Item if i.price == *v).fetch(tx))?;
            assert!(found.contains(&id), "{v}: {found:?}");
        }
        let none: Option<Decimal> =
            db.transaction(|tx| select!(i.discount for i in Item if i.id == 2).one(tx))?;
        assert_eq!(none, None);
        if !backend.is_postgres() {
            // SQLite would keep 15 of its digits: refused, and nothing is written.
            for v in long {
                let r = db.transaction(|tx| {
                    Item::build().id(999).price(v).quantity(0).insert(tx)?;
                    Ok(())
                });
                assert!(matches!(r, Err(Error::NotStorable { .. })), "{v}: {r:?}");
                let n =
                    db.transaction(|tx| select!(count() for i in Item if i.id == 999).one(tx))?;
                assert_eq!(n, 0);
            }
        }
        Ok(())
    })
}

#[test]
fn decimals_compare_order_and_aggregate() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        items(&db)?;
        db.transaction(|tx| {
            // With an outer decimal, an integer literal and a float literal.
            let limit = d("0.2");
            let cheap =
                select!((i.id for i in Item if i.price < limit).order_by(|i| i.id)).fetch(tx)?;
            assert_eq!(cheap, [1, 4]);
            let cheap =
                select!((i.id for i in Item if i.price <= 0.2).order_by(|i| i.id)).fetch(tx)?;
            assert_eq!(cheap, [1, 2, 4]);
            let big = select!((i.id for i in Item if i.price > 19).order_by(|i| i.id)).fetch(tx)?;
            assert_eq!(big, [3, 5]);
            let big = select!((i.id for i in Item if 19 < i.price).order_by(|i| i.id)).fetch(tx)?;
            assert_eq!(big, [3, 5]);
            // An integer attribute against a decimal value (PostgreSQL widens the integer).
            let half = d("2.5");
            let few =
                select!((i.id for i in Item if i.quantity < half).order_by(|i| i.id)).fetch(tx)?;
            assert_eq!(few, [2, 3, 5]);
            // Membership.
            let wanted = [d("0.1"), d("19.99")];
            let listed =
                select!((i.id for i in Item if wanted.contains(&i.price)).order_by(|i| i.id))
                    .fetch(tx)?;
            assert_eq!(listed, [1, 3]);
            // Ordering, min and max.
            let order = select!((i.id for i in Item).order_by(|i| desc(i.price))).fetch(tx)?;
            assert_eq!(order, [5, 3, 2, 1, 4]);
            let (lo, hi) = select!((min(i.price), max(i.price)) for i in Item).one(tx)?;
            assert_eq!((lo, hi), (Some(d("-4.25")), Some(d("1234567890.12345"))));
            // Sums and averages stay decimal and exact: 0.1 + 0.2 is 0.3.
            let small = select!(sum(i.price) for i in Item if i.id <= 2).one(tx)?;
            assert_eq!(small, Some(d("0.3")));
            let avg_small = select!(avg(i.price) for i in Item if i.id <= 2).one(tx)?;
            assert_eq!(avg_small, Some(d("0.15")));
            // Arithmetic with an integer attribute: revenue = price × quantity.
            let revenue = select!(sum(i.price * i.quantity) for i in Item if i.id <= 4).one(tx)?;
            assert_eq!(revenue, Some(d("-2.02")));
            let revenue = select!(sum(i.quantity * i.price) for i in Item if i.id <= 4).one(tx)?;
            assert_eq!(revenue, Some(d("-2.02")));
            let net = select!(i.price - i.discount for i in Item if i.id == 3).one(tx)?;
            assert_eq!(net, Some(d("18.49")));
            let doubled = select!(i.price * 2 for i in Item if i.id == 3).one(tx)?;
            assert_eq!(doubled, d("39.98"));
            let none = select!(sum(i.price) for i in Item if i.id > 100).one(tx)?;
            assert_eq!(none, None);
            Ok(())
        })
    })
}

/// A `NUMERIC(10,2)` column another tool filled (SQLite stores its values as REAL) reads as
/// exact decimals, and `check_tables` accepts it.
#[test]
fn an_existing_numeric_column_reads_as_decimals() -> colt::Result<()> {
    #[derive(Entity, Debug, Clone)]
    #[colt(table = "Track", rename_all = "PascalCase")]
    struct Track {
        #[colt(primary_key)]
        track_id: i64,
        unit_price: Decimal,
    }
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            tx.execute_sql(
                "CREATE TABLE \"Track\" (\"TrackId\" INTEGER PRIMARY KEY, \"UnitPrice\" NUMERIC(10,2) NOT NULL)",
                &[],
            )?;
            tx.execute_sql(
                "INSERT INTO \"Track\" VALUES (1, 0.99), (2, 1.99), (3, 0.99), (4, 1.99), (5, 1.99)",
                &[],
            )
        })?;
        db.bind(schema![Track])?;
        db.check_tables()?;
        db.transaction(|tx| {
            let total = select!(sum(t.unit_price) for t in Track).one(tx)?;
            assert_eq!(total, Some(d("7.95")));
            let price = tx.get_or_err::<Track>(1)?.unit_price();
            assert_eq!(price, d("0.99"));
            Ok(())
        })
    })
}
