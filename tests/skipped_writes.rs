//! Writes the database skips without an error: a trigger or a rule of the table that lets
//! an object's update or delete through as if it happened (inserts: `tests/insert_many.rs`,
//! `tests/upsert_on.rs`, `NotWritten`).

mod common;

use colt::prelude::*;
use common::Product;

/// A `BEFORE UPDATE` or `BEFORE DELETE` trigger that skips the write (SQLite's
/// `RAISE(IGNORE)`, a PostgreSQL trigger returning `NULL`) left the row as the transaction
/// read it; Colt reported another transaction's change (`UnrepeatableRead`, retryable) and
/// `transaction_with_retry` ran the closure again and again (found by the eighteenth
/// session's review). It is `WriteSkipped`, not retried, on both backends.
#[test]
fn a_write_a_trigger_skips_is_no_conflict() {
    common::all_backends(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            if backend.is_postgres() {
                tx.execute_sql(
                    "CREATE FUNCTION keep_dune() RETURNS trigger LANGUAGE plpgsql AS \
                     $$ BEGIN IF OLD.name = 'Dune' THEN RETURN NULL; END IF; \
                     IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
                    &[],
                )?;
                for when in ["UPDATE", "DELETE"] {
                    tx.execute_sql(
                        &format!(
                            "CREATE TRIGGER keep_dune_{when} BEFORE {when} ON product \
                             FOR EACH ROW EXECUTE FUNCTION keep_dune()"
                        ),
                        &[],
                    )?;
                }
            } else {
                for when in ["UPDATE", "DELETE"] {
                    tx.execute_sql(
                        &format!(
                            "CREATE TRIGGER keep_dune_{when} BEFORE {when} ON product \
                             WHEN OLD.name = 'Dune' BEGIN SELECT RAISE(IGNORE); END"
                        ),
                        &[],
                    )?;
                }
            }
            Ok(())
        })?;
        for write in ["update", "delete"] {
            let mut attempts = 0;
            let r = db.transaction_with_retry(3, |tx| {
                attempts += 1;
                let dune = select!(p for p in Product if p.name == "Dune").one(tx)?;
                match write {
                    "update" => dune.set(|p| p.price = 1)?,
                    _ => dune.delete(tx)?,
                }
                Ok(())
            });
            assert!(
                matches!(&r, Err(Error::WriteSkipped { entity: "Product", write: w, .. }) if *w == write),
                "{}: {r:?}",
                backend.name
            );
            assert_eq!(attempts, 1, "{}: {write}", backend.name);
        }
        // Another row's update is written.
        db.transaction(|tx| {
            let tea = select!(p for p in Product if p.name != "Dune").fetch(tx)?;
            for p in tea {
                p.set(|p| p.price += 1)?;
            }
            Ok(())
        })?;
        Ok(())
    })
}
