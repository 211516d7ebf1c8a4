//! Collections load without N+1 (issue 14): following a one-to-many collection of each of
//! the owners of one query takes one more statement, not one per owner, and stays right
//! when members are added, moved or deleted, on both backends.

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

fn shop(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Customer, Invoice])?;
    db.create_tables()?;
    db.transaction(|tx| {
        let mut next = 1;
        for c in 1..=21i64 {
            let customer = Customer::build().id(c).name(format!("c{c}")).insert(tx)?;
            // Customer 21 has none; the others 1 to 3.
            for _ in 0..(if c == 21 { 0 } else { c % 3 + 1 }) {
                Invoice::build()
                    .id(next)
                    .customer(&customer)
                    .total(next * 10)
                    .insert(tx)?;
                next += 1;
            }
        }
        Ok(())
    })?;
    Ok(db)
}

#[test]
fn following_each_owners_collection_takes_two_statements() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            let before = tx.statements_executed();
            let customers = select!((c for c in Customer).order_by(|c| c.id)).fetch(tx)?;
            let mut counts = Vec::new();
            for c in &customers {
                let invoices = c.invoices().fetch(tx)?;
                // Each one's own, in key order.
                assert!(invoices.iter().all(|i| *i.customer().key() == c.id()));
                assert!(invoices.windows(2).all(|w| w[0].id() < w[1].id()));
                counts.push(invoices.len());
            }
            assert_eq!(tx.statements_executed() - before, 2, "one query, one batch");
            let expected: Vec<usize> = (1..=21i64)
                .map(|c| if c == 21 { 0 } else { (c % 3 + 1) as usize })
                .collect();
            assert_eq!(counts, expected);
            Ok(())
        })
    })
}

#[test]
fn a_batch_follows_the_writes_of_the_transaction() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            let customers = select!((c for c in Customer).order_by(|c| c.id)).fetch(tx)?;
            let (first, last) = (&customers[0], &customers[20]);
            assert_eq!(last.invoices().fetch(tx)?.len(), 0);
            // A new member shows.
            Invoice::build()
                .id(1000)
                .customer(last)
                .total(1)
                .insert(tx)?;
            let ids: Vec<i64> = last.invoices().fetch(tx)?.iter().map(|i| i.id()).collect();
            assert_eq!(ids, [1000]);
            // A member moved to another owner leaves one and joins the other.
            let moved = first.invoices().fetch(tx)?[0].clone();
            moved.set(|i| i.customer = last.into())?;
            assert!(!first
                .invoices()
                .fetch(tx)?
                .iter()
                .any(|i| i.id() == moved.id()));
            assert!(last
                .invoices()
                .fetch(tx)?
                .iter()
                .any(|i| i.id() == moved.id()));
            // A deleted member is gone.
            moved.delete(tx)?;
            let ids: Vec<i64> = last.invoices().fetch(tx)?.iter().map(|i| i.id()).collect();
            assert_eq!(ids, [1000]);
            // Raw SQL may change anything.
            tx.execute_sql("DELETE FROM invoice WHERE id = 1000", &[])?;
            assert_eq!(last.invoices().fetch(tx)?.len(), 0);
            Ok(())
        })
    })
}
