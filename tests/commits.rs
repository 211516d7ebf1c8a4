//! Commits that mean what they say, and raw SQL that is part of the transaction (issue 12).
//! Each test failed before its fix on the backend named.

mod common;

use colt::prelude::*;
use common::{each_backend, Category, Product};

fn names(tx: &Transaction) -> colt::Result<Vec<String>> {
    Ok(common::sorted(select!(c.name for c in Category).fetch(tx)?))
}

/// PostgreSQL answered `COMMIT` with `ROLLBACK` after a failed statement the caller had
/// handled, and `commit` said `Ok`: every write was gone. Now the commit says so, on both
/// backends, and nothing is written.
#[test]
fn a_commit_after_a_failed_statement_is_an_error_not_a_lost_commit() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        let r = db.transaction(|tx| {
            Category::build().name("Games").insert(tx)?;
            // A query that fails (division by zero), its error handled.
            let failed =
                select!(p.price / p.discount for p in Product if p.discount.is_some()).fetch(tx);
            assert!(matches!(failed, Err(Error::DivisionByZero)), "{failed:?}");
            Ok(())
        });
        assert!(matches!(r, Err(Error::TransactionAborted { .. })), "{r:?}");
        db.transaction(|tx| {
            assert_eq!(names(tx)?, ["Books", "Tea"]);
            Ok(())
        })
    })
}

/// The same with a failure Colt reports as `InvalidQuery`: a `like` whose pattern is a
/// column's value ending in a lone `\`, refused by the statement. PostgreSQL answered the
/// `COMMIT` with `ROLLBACK` and `commit` said `Ok` (the error was missing from the list of
/// statement failures); SQLite committed the rest, unlike PostgreSQL. Now both say
/// `TransactionAborted` and write nothing (found by the eighteenth session's review).
#[test]
fn a_commit_after_a_handled_bad_pattern_in_a_column_is_an_error() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            select!(Product
                .filter(|p| p.name == "Dune")
                .set(|p| p.description = Some("Du\\".to_string())))
            .update(tx)
        })?;
        let r = db.transaction(|tx| {
            Category::build().name("Games").insert(tx)?;
            let failed = select!(p.id for p in Product if p.name.like(p.description)).fetch(tx);
            assert!(matches!(failed, Err(Error::InvalidQuery(_))), "{failed:?}");
            Ok(())
        });
        assert!(
            matches!(r, Err(Error::TransactionAborted { .. })),
            "{}: {r:?}",
            backend.name
        );
        db.transaction(|tx| {
            assert_eq!(names(tx)?, ["Books", "Tea"], "{}", backend.name);
            Ok(())
        })?;
        // A pattern given as a parameter is refused before anything is sent: the
        // transaction goes on and commits.
        db.transaction(|tx| {
            Category::build().name("Games").insert(tx)?;
            let bad = "Du\\".to_string();
            let refused = select!(p.id for p in Product if p.name.like(&bad)).fetch(tx);
            assert!(
                matches!(refused, Err(Error::InvalidQuery(_))),
                "{refused:?}"
            );
            Ok(())
        })?;
        db.transaction(|tx| {
            assert_eq!(names(tx)?, ["Books", "Games", "Tea"], "{}", backend.name);
            Ok(())
        })
    })
}

/// A raw statement whose error the caller handled (a duplicate key) runs in a savepoint:
/// the transaction goes on and commits everything else, on both backends.
#[test]
fn a_handled_raw_statement_error_does_not_end_the_transaction() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            Category::build().name("Games").insert(tx)?;
            let dup = tx.execute_sql("INSERT INTO category (name) VALUES ('Books')", &[]);
            assert!(
                matches!(
                    dup,
                    Err(Error::Constraint {
                        kind: ConstraintKind::Unique,
                        ..
                    })
                ),
                "{dup:?}"
            );
            let missing = tx.query_sql::<i64>("SELECT count(*) FROM no_such_table", &[]);
            assert!(matches!(missing, Err(Error::Backend(_))), "{missing:?}");
            Category::build().name("Toys").insert(tx)?;
            Ok(())
        })?;
        db.transaction(|tx| {
            assert_eq!(names(tx)?, ["Books", "Games", "Tea", "Toys"]);
            Ok(())
        })
    })
}

/// `query_sql` with a writing statement ran outside the transaction: its row stayed after
/// the transaction rolled back (both backends).
#[test]
fn raw_queries_are_part_of_the_transaction() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        {
            let tx = db.begin()?;
            let ids: Vec<i64> = tx.query_sql(
                "INSERT INTO category (name) VALUES ('Ghost') RETURNING id",
                &[],
            )?;
            assert_eq!(ids.len(), 1);
            let seen: Vec<String> =
                tx.query_sql("SELECT name FROM category WHERE name = 'Ghost'", &[])?;
            assert_eq!(seen, ["Ghost"]);
            tx.rollback()?;
        }
        db.transaction(|tx| {
            assert_eq!(names(tx)?, ["Books", "Tea"]);
            Ok(())
        })
    })
}

/// A statement that returns rows given to `execute_sql` is refused before it runs (SQLite
/// used to run it and then report an error).
#[test]
fn execute_sql_refuses_statements_that_return_rows_before_running_them() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let r = tx.execute_sql(
                "INSERT INTO category (name) VALUES ('Ghost') RETURNING id",
                &[],
            );
            assert!(matches!(r, Err(Error::ReturnsRows)), "{r:?}");
            let r = tx.execute_sql("SELECT 1", &[]);
            assert!(matches!(r, Err(Error::ReturnsRows)), "{r:?}");
            assert_eq!(names(tx)?, ["Books", "Tea"]);
            Ok(())
        })
    })
}

/// After `ALTER TABLE .. ALTER COLUMN .. TYPE`, a statement PostgreSQL prepared before failed
/// on that connection forever ("cached plan must not change result type"): it is prepared
/// again now, and a query outside a write transaction just works.
#[test]
fn statements_prepared_before_a_column_type_change_are_prepared_again() -> colt::Result<()> {
    each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let db = backend.shop();
        for _ in 0..2 {
            db.transaction(|tx| {
                assert_eq!(names(tx)?, ["Books", "Tea"]);
                Ok(())
            })?;
        }
        db.transaction(|tx| {
            tx.execute_sql(
                "ALTER TABLE category ALTER COLUMN name TYPE VARCHAR(100)",
                &[],
            )?;
            Ok(())
        })?;
        for _ in 0..2 {
            db.transaction(|tx| {
                assert_eq!(names(tx)?, ["Books", "Tea"]);
                Ok(())
            })?;
        }
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "counter_wide")]
struct CounterWide {
    #[colt(primary_key)]
    id: i64,
    n: i64,
}

/// PostgreSQL: after a column is widened (`ALTER .. TYPE bigint`, for values past an
/// `i32`), an `INSERT` prepared before bound its value as the old `integer` and failed on
/// that connection forever, Colt-side, so the server never said the plan was stale. It is
/// prepared again.
#[test]
fn a_statement_prepared_for_a_narrower_column_is_prepared_again() -> colt::Result<()> {
    each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let db = Database::builder(&backend.fresh_url())
            .max_connections(1)
            .open()?;
        db.transaction(|tx| {
            tx.execute_sql(
                "CREATE TABLE counter_wide (id BIGINT PRIMARY KEY, n INTEGER NOT NULL)",
                &[],
            )
            .map(|_| ())
        })?;
        db.bind(schema![CounterWide])?;
        db.transaction(|tx| CounterWide::build().id(1).n(5).insert(tx).map(|_| ()))?;
        db.transaction(|tx| {
            tx.execute_sql("ALTER TABLE counter_wide ALTER COLUMN n TYPE BIGINT", &[])
                .map(|_| ())
        })?;
        let big = 1i64 << 40;
        db.transaction(|tx| CounterWide::build().id(2).n(big).insert(tx).map(|_| ()))?;
        let n = db.transaction(|tx| select!(c.n for c in CounterWide if c.id == 2).one(tx))?;
        assert_eq!(n, big);
        Ok(())
    })
}

/// Has the server end the pooled connection of `backend`'s new database (as a restart
/// does), waits `pause`, and checks that the next transaction gets a new connection.
fn a_connection_ended_by_the_server_is_replaced_after(
    backend: &common::Backend,
    pause: std::time::Duration,
) -> colt::Result<()> {
    let db = Database::open(&backend.fresh_url())?;
    let pid: Vec<i64> = db.transaction(|tx| tx.query_sql("SELECT pg_backend_pid()", &[]))?;
    let admin = Database::open(&std::env::var("COLT_PG_URL").unwrap_or_default())?;
    let ended: Vec<bool> =
        admin.transaction(|tx| tx.query_sql("SELECT pg_terminate_backend($1)", &[&pid[0]]))?;
    assert_eq!(ended, [true]);
    std::thread::sleep(pause);
    let again: Vec<i64> = db.transaction(|tx| tx.query_sql("SELECT pg_backend_pid()", &[]))?;
    assert_ne!(again, pid, "a new connection");
    Ok(())
}

/// After a server restart every idle pooled connection failed the next transaction that
/// used it. A PostgreSQL connection idle for more than a second is checked before reuse and
/// replaced when its server has gone (here the server ends its backend, as a restart does).
#[test]
fn a_pooled_connection_whose_server_went_away_is_replaced() -> colt::Result<()> {
    each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        a_connection_ended_by_the_server_is_replaced_after(
            backend,
            std::time::Duration::from_millis(1100),
        )
    })
}

/// A connection the server ended moments ago (a restart while the pool was busy) is known
/// as closed when a transaction asks for it, and replaced: the check reads what the server
/// sent, without a round trip, however short the connection was idle.
#[test]
fn a_connection_the_server_just_ended_is_replaced() -> colt::Result<()> {
    each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        // The server's goodbye arrives within moments; well under the one second after
        // which an idle connection is checked with a round trip.
        a_connection_ended_by_the_server_is_replaced_after(
            backend,
            std::time::Duration::from_millis(150),
        )
    })
}

/// A SQLite database with no room left (its file at `max_page_count`, as on a full disk)
/// was an untyped `Backend` error ("database or disk is full"). It is `StorageFull`, the
/// rows written before it stay, and a commit after it is handled is refused, as
/// PostgreSQL refuses one after its disk filled. (SQLite alone: a full disk cannot be staged
/// for the PostgreSQL server here; its SQLSTATE 53100 maps to the same error.)
#[test]
fn a_full_database_is_a_typed_error_and_no_commit() -> colt::Result<()> {
    let file = common::TempDb::new("full");
    let db = Database::builder(&file.url())
        .max_connections(1)
        .after_connect(|conn| conn.execute("PRAGMA max_page_count = 12"))
        .open()?;
    db.bind(schema![Category, Product])?;
    db.create_tables()?;
    let filler = "x".repeat(2000);
    let mut full = None;
    let r = db.transaction(|tx| {
        for i in 0..200 {
            if let Err(e) = Category::build().name(format!("{i} {filler}")).insert(tx) {
                full = Some(e);
                break;
            }
        }
        Ok(())
    });
    assert!(
        matches!(full, Some(Error::StorageFull(ref m)) if m.contains("full")),
        "{full:?}"
    );
    // The transaction ended with the failed insert (a failed flush rolls back).
    assert!(matches!(r, Err(Error::TransactionClosed)), "{r:?}");
    // A handled failure of raw SQL leaves the transaction open; its commit is refused.
    let r = db.transaction(|tx| {
        let e = tx.execute_sql(
            "INSERT INTO category (name) VALUES (?1)",
            &[&"raw ".repeat(15_000)],
        );
        assert!(matches!(e, Err(Error::StorageFull(_))), "{e:?}");
        Ok(())
    });
    assert!(matches!(r, Err(Error::TransactionAborted { .. })), "{r:?}");
    Ok(())
}
