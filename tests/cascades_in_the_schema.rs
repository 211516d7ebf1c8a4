//! A bulk delete in a schema that cascades by itself (`ON DELETE CASCADE`, a table Colt did
//! not create): the transaction's kept results of other entities are not served stale.

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
struct Customer {
    #[colt(primary_key)]
    id: i64,
    name: String,
    invoices: Set<Invoice>,
}

#[derive(Entity, Debug, Clone)]
struct Invoice {
    #[colt(primary_key)]
    id: i64,
    customer: Ref<Customer>,
    total: i64,
}

#[test]
fn a_bulk_delete_the_schema_cascades_leaves_no_stale_result() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            tx.execute_sql("CREATE TABLE customer (id BIGINT PRIMARY KEY, name TEXT NOT NULL)", &[])?;
            tx.execute_sql(
                "CREATE TABLE invoice (id BIGINT PRIMARY KEY, customer BIGINT NOT NULL REFERENCES customer (id) ON DELETE CASCADE, total BIGINT NOT NULL)",
                &[],
            )?;
            tx.execute_sql("INSERT INTO customer VALUES (1, 'a'), (2, 'b')", &[])?;
            tx.execute_sql("INSERT INTO invoice VALUES (10, 1, 0), (20, 2, 0)", &[])?;
            Ok(())
        })?;
        db.bind(schema![Customer, Invoice])?;
        db.transaction(|tx| {
            let q = || select!((i.id for i in Invoice).order_by(|i| i.id));
            assert_eq!(q().fetch(tx)?, [10, 20]);
            select!(c for c in Customer if c.id == 1).delete(tx)?;
            assert_eq!(q().fetch(tx)?, [20]);
            Ok(())
        })
    })
}

#[derive(Entity, Debug, Clone)]
struct Order {
    #[colt(primary_key)]
    id: i64,
    lines: Set<Line>,
}

#[derive(Entity, Debug, Clone)]
struct Line {
    #[colt(primary_key)]
    a: i64,
    #[colt(primary_key)]
    b: i64,
    order: Ref<Order>,
}

/// A collection of members with a composite key comes in key order (it was ordered by the
/// first key column only).
#[test]
fn members_with_a_composite_key_come_in_key_order() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Order, Line])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let o = Order::build().id(1).insert(tx)?;
            for (a, b) in [(1, 3), (1, 1), (2, 2), (1, 2), (0, 9)] {
                Line::build().a(a).b(b).order(&o).insert(tx)?;
            }
            Ok(())
        })?;
        db.transaction(|tx| {
            let o = tx.get_or_err::<Order>(1)?;
            let got: Vec<(i64, i64)> = o
                .lines()
                .fetch(tx)?
                .iter()
                .map(|l| (l.a(), l.b()))
                .collect();
            assert_eq!(got, [(0, 9), (1, 1), (1, 2), (1, 3), (2, 2)]);
            Ok(())
        })
    })
}
