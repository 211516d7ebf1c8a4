//! Sums and averages of decimals that cancel: SQLite's `SUM` adds REALs, and what was left
//! of their binary noise (`0.10 + 0.20 - 0.30` is 2.8e-17) had no digit for Colt's reading
//! of a REAL (15 significant digits) to round away. The sum read back as 2.78e-17, a
//! `HAVING sum(..) == 0` kept no group and `sum(..) > 0` kept one, where PostgreSQL answers
//! 0 (a wrong answer on SQLite, found by a review of the twenty-first session). Decimals
//! are now added exactly on SQLite too.
#![cfg(feature = "decimal")]

mod common;

use std::str::FromStr;

use colt::prelude::*;
use common::{each_backend, Backend};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("a decimal")
}

#[derive(Entity, Debug, Clone)]
struct Entry {
    #[colt(primary_key)]
    id: i64,
    amount: Decimal,
    account: i64,
}

/// Account 1: 0.10, 0.20, -0.30; account 2: 1234567890123.45, -1234567890123.44.
fn ledger(backend: &Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Entry])?;
    db.create_tables()?;
    db.transaction(|tx| {
        for (id, amount, account) in [
            (1, "0.10", 1),
            (2, "0.20", 1),
            (3, "-0.30", 1),
            (4, "1234567890123.45", 2),
            (5, "-1234567890123.44", 2),
        ] {
            Entry::build()
                .id(id)
                .amount(d(amount))
                .account(account)
                .insert(tx)?;
        }
        Ok(())
    })?;
    Ok(db)
}

#[test]
fn a_sum_that_cancels_is_exact() -> colt::Result<()> {
    each_backend(|backend| {
        let db = ledger(backend)?;
        db.transaction(|tx| {
            let s = select!(sum(e.amount) for e in Entry if e.account == 1).one(tx)?;
            assert_eq!(s, Some(d("0")), "{}", backend.name);
            let s = select!(sum_distinct(e.amount) for e in Entry if e.account == 1).one(tx)?;
            assert_eq!(s, Some(d("0")), "{}", backend.name);
            let a = select!(avg(e.amount) for e in Entry if e.account == 1).one(tx)?;
            assert_eq!(a, Some(d("0")), "{}", backend.name);
            // Large amounts that leave a cent.
            let s = select!(sum(e.amount) for e in Entry if e.account == 2).one(tx)?;
            assert_eq!(s, Some(d("0.01")), "{}", backend.name);
            Ok(())
        })
    })
}

#[test]
fn a_condition_on_a_sum_that_cancels_is_exact() -> colt::Result<()> {
    each_backend(|backend| {
        let db = ledger(backend)?;
        db.transaction(|tx| {
            let zero = d("0");
            let settled = select!(e.account for e in Entry if sum(e.amount) == zero).fetch(tx)?;
            assert_eq!(settled, [1], "{}", backend.name);
            let owing = select!(e.account for e in Entry if sum(e.amount) > zero).fetch(tx)?;
            assert_eq!(owing, [2], "{}", backend.name);
            let mut totals = select!((e.account, sum(e.amount)) for e in Entry).fetch(tx)?;
            totals.sort();
            assert_eq!(
                totals,
                [(1, Some(d("0"))), (2, Some(d("0.01")))],
                "{}",
                backend.name
            );
            // No rows: no sum.
            let none = select!(sum(e.amount) for e in Entry if e.account == 3).one(tx)?;
            assert_eq!(none, None, "{}", backend.name);
            Ok(())
        })
    })
}
