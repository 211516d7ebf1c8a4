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
