//! Statement timeouts (issue 12): a way to bound a statement, with a typed error, on both
//! backends; the connection serves on afterwards.

mod common;

use std::time::Duration;

use colt::prelude::*;
use common::each_backend;

#[test]
fn a_statement_past_the_timeout_is_stopped_with_a_typed_error() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.set_statement_timeout(Some(Duration::from_millis(200)));
        let slow = if backend.is_postgres() {
            "SELECT count(*) FROM generate_series(1, 1000000000)"
        } else {
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"
        };
        let r = db.transaction(|tx| tx.query_sql::<i64>(slow, &[]));
        assert!(matches!(r, Err(Error::StatementTimeout)), "{r:?}");
        // The connection serves on, and a quick statement is not stopped.
        let one = db.transaction(|tx| tx.query_sql::<i64>("SELECT 1", &[]))?;
        assert_eq!(one, [1]);
        // No timeout again: set back on the next transaction.
        db.set_statement_timeout(None);
        let one = db.transaction(|tx| tx.query_sql::<i64>("SELECT 2", &[]))?;
        assert_eq!(one, [2]);
        Ok(())
    })
}

/// A statement of the program's own query stopped by the timeout inside a write transaction
/// ends that transaction on PostgreSQL (which then answers `COMMIT` with `ROLLBACK`), so the
/// commit is `TransactionAborted` and nothing of the transaction is written, on both
/// backends. (Found by a review: the timeout was not noted as a failed statement, and the
/// commit was `Ok` on PostgreSQL with nothing written.)
#[test]
fn a_timed_out_query_in_a_write_transaction_aborts_it() -> colt::Result<()> {
    use common::{Category, Product};
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            tx.insert_many((0..300).map(|i| Product {
                id: 0,
                name: format!("p{i}"),
                price: i,
                description: None,
                category_id: 1,
                discount: None,
                in_stock: true,
            }))?;
            Ok(())
        })?;
        db.set_statement_timeout(Some(Duration::from_millis(20)));
        let r = db.transaction(|tx| {
            Category::build().name("Games").insert(tx)?;
            let slow = select!(a.id for a in Product for b in Product for c in Product
                if a.price + b.price + c.price < 0)
            .count(tx);
            assert!(matches!(slow, Err(Error::StatementTimeout)), "{slow:?}");
            Ok(())
        });
        assert!(matches!(r, Err(Error::TransactionAborted { .. })), "{r:?}");
        db.set_statement_timeout(None);
        let games =
            db.transaction(|tx| select!(c for c in Category if c.name == "Games").count(tx))?;
        assert_eq!(games, 0);
        Ok(())
    })
}

/// After SQLite rolled the transaction back by itself, a raw statement or a savepoint that
/// the program runs next writes nothing: `SAVEPOINT` outside a transaction began a new one,
/// and its `RELEASE` committed it, so `Toys` was on disk while the transaction reported
/// itself aborted.
#[test]
fn after_sqlite_rolled_back_a_savepoint_commits_nothing() -> colt::Result<()> {
    use common::Category;
    each_backend(|backend| {
        if backend.is_postgres() {
            return Ok(());
        }
        let db = backend.shop();
        db.transaction(|tx| {
            tx.execute_sql(
                "CREATE TRIGGER no_zed BEFORE INSERT ON category WHEN NEW.name = 'Zed' \
                 BEGIN SELECT RAISE(ROLLBACK, 'no Zed'); END",
                &[],
            )?;
            Ok(())
        })?;
        for step in ["raw", "savepoint"] {
            let r = db.transaction(|tx| {
                Category::build().name("Games").insert(tx)?;
                let zed = tx.execute_sql("INSERT INTO category (name) VALUES ('Zed')", &[]);
                assert!(zed.is_err(), "{zed:?}");
                let toys = if step == "raw" {
                    tx.execute_sql("INSERT INTO category (name) VALUES ('Toys')", &[])
                        .map(|_| ())
                } else {
                    tx.savepoint(|tx| {
                        Category::build().name("Toys").insert(tx)?;
                        Ok(())
                    })
                };
                let _ = toys;
                Ok(())
            });
            assert!(r.is_err(), "{step}: {r:?}");
            let names = db.transaction(|tx| {
                select!(c.name for c in Category if c.name == "Games" || c.name == "Toys").fetch(tx)
            })?;
            assert!(
                names.is_empty(),
                "{step}: committed by a RELEASE: {names:?}"
            );
        }
        Ok(())
    })
}

/// SQLite rolls a whole transaction back by itself (a `RAISE(ROLLBACK)` trigger, an
/// interrupted write, a full disk) and goes on in autocommit: a statement after that is
/// refused rather than written at once, outside the transaction, and the commit reports the
/// transaction aborted. (Found by a review: the next insert was written for good while the
/// transaction's commit failed.)
#[test]
fn a_transaction_sqlite_rolled_back_writes_nothing_after() -> colt::Result<()> {
    use common::Category;
    each_backend(|backend| {
        if backend.is_postgres() {
            return Ok(());
        }
        let db = backend.shop();
        db.transaction(|tx| {
            tx.execute_sql(
                "CREATE TRIGGER no_zed BEFORE INSERT ON category WHEN NEW.name = 'Zed' \
                 BEGIN SELECT RAISE(ROLLBACK, 'no Zed'); END",
                &[],
            )?;
            Ok(())
        })?;
        let r = db.transaction(|tx| {
            Category::build().name("Games").insert(tx)?;
            let zed = tx.execute_sql("INSERT INTO category (name) VALUES ('Zed')", &[]);
            assert!(zed.is_err(), "{zed:?}");
            Category::build().name("Toys").insert(tx)?;
            Ok(())
        });
        assert!(r.is_err(), "{r:?}");
        let names = db.transaction(|tx| {
            select!(c.name for c in Category if c.name == "Games" || c.name == "Toys").fetch(tx)
        })?;
        assert!(
            names.is_empty(),
            "written outside the transaction: {names:?}"
        );
        Ok(())
    })
}

/// After SQLite rolled the transaction back by itself (`RAISE(ROLLBACK)`, an interrupted
/// write), `tx.rollback()` said "cannot rollback - no transaction is active": an error for
/// a rollback that had happened. It is `Ok`. (Found by a review.)
#[test]
fn rolling_back_what_sqlite_rolled_back_is_ok() -> colt::Result<()> {
    use common::Category;
    each_backend(|backend| {
        if backend.is_postgres() {
            return Ok(());
        }
        let db = backend.shop();
        db.transaction(|tx| {
            tx.execute_sql(
                "CREATE TRIGGER no_zed BEFORE INSERT ON category WHEN NEW.name = 'Zed' \
                 BEGIN SELECT RAISE(ROLLBACK, 'no Zed'); END",
                &[],
            )
            .map(|_| ())
        })?;
        let tx = db.begin()?;
        Category::build().name("Games").insert(&tx)?;
        let zed = tx.execute_sql("INSERT INTO category (name) VALUES ('Zed')", &[]);
        assert!(zed.is_err(), "{zed:?}");
        tx.rollback()?;
        let games =
            db.transaction(|tx| select!(c for c in Category if c.name == "Games").count(tx))?;
        assert_eq!(games, 0);
        Ok(())
    })
}
