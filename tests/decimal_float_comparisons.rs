//! A decimal compared with an `f64`: the float is the decimal of its shortest text
//! (docs/semantics.md, "Decimals"). On SQLite a whole float past 2^53 was bound as the REAL
//! it is, and compared by its binary value: `1234567890123456780.0` is
//! 1234567890123456768 there and 1234567890123456800 as text, so whole decimals between the
//! two compared otherwise than on PostgreSQL (a wrong answer on SQLite, found by a review
//! of the twenty-first session).
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
struct Amount {
    #[colt(primary_key)]
    id: i64,
    value: Decimal,
}

#[test]
fn a_whole_float_compares_as_its_shortest_text() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Amount])?;
        db.create_tables()?;
        db.transaction(|tx| {
            for (id, value) in [
                (1, "1234567890123456789"),
                (2, "1234567890123456790"),
                (3, "1234567890123456800"),
                (4, "0.1"),
            ] {
                Amount::build().id(id).value(d(value)).insert(tx)?;
            }
            Ok(())
        })?;
        db.transaction(|tx| {
            let f: f64 = 1234567890123456780.0;
            let over = select!(a.id for a in Amount if a.value > f).fetch(tx)?;
            assert!(over.is_empty(), "{}: {over:?}", backend.name);
            let mut under = select!(a.id for a in Amount if a.value < f).fetch(tx)?;
            under.sort();
            assert_eq!(under, [1, 2, 4], "{}", backend.name);
            let same = select!(a.id for a in Amount if a.value == f).fetch(tx)?;
            assert_eq!(same, [3], "{}", backend.name);
            // A fraction, and an `Option` of a float, as before.
            let tenth = 0.1_f64;
            let same = select!(a.id for a in Amount if a.value == tenth).fetch(tx)?;
            assert_eq!(same, [4], "{}", backend.name);
            // A list of such floats, as `==` has them.
            let floats = vec![f, 0.5];
            let listed = select!(a.id for a in Amount if floats.contains(&a.value)).fetch(tx)?;
            assert_eq!(listed, [3], "{}", backend.name);
            let none: Option<f64> = None;
            let nothing = select!(a.id for a in Amount if a.value == none).fetch(tx)?;
            assert!(nothing.is_empty(), "{}", backend.name);
            Ok(())
        })
    })
}

/// The comparison is no term that can fail: `&&` keeps a plain `AND` (it was written as a
/// guarded `CASE`, its first term twice).
#[test]
fn a_decimal_compared_with_a_float_is_a_plain_term() {
    let f = 1.5_f64;
    let q = select!(a.id for a in Amount if a.id > 0 && a.value > f);
    for dialect in [Dialect::Sqlite, Dialect::Postgres] {
        let sql = q.sql(dialect);
        assert!(!sql.contains("CASE"), "{sql}");
    }
}
