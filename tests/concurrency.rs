//! Several transactions at once: no lost updates, typed conflicts, retries, and the typed
//! constraint errors of each backend.

mod common;

use colt::prelude::*;
use common::{counter, each_backend, Category, Product};

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn database_is_send_and_sync() {
    assert_send_sync::<Database>();
    assert_send_sync::<Query<Obj<Product>>>();
}

#[test]
fn concurrent_increments_lose_nothing_with_retries() -> colt::Result<()> {
    each_backend(|backend| {
        let db = counter(backend)?;
        let (threads, rounds) = (4, 10);
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let db = db.clone();
                std::thread::spawn(move || -> colt::Result<u32> {
                    let mut retried = 0;
                    for _ in 0..rounds {
                        let mut attempts = 0;
                        db.transaction_with_retry(50, |tx| {
                            attempts += 1;
                            let c = select!(p for p in Product if p.name == "counter").one(tx)?;
                            let seen = c.price(); // read: guarded by the optimistic check
                            c.set(|p| p.price = seen + 1)
                        })?;
                        retried += attempts - 1;
                    }
                    Ok(retried)
                })
            })
            .collect();
        for h in handles {
            h.join().expect("thread")?;
        }
        let total =
            db.transaction(|tx| select!(p.price for p in Product if p.name == "counter").one(tx))?;
        assert_eq!(total, (threads * rounds) as i64, "no increment may be lost");
        Ok(())
    })
}

/// The README's idiom, `obj.set(|p| p.price += 1)`, reads the old value inside the closure:
/// it must be checked like any read, or concurrent increments are lost (issue 12: 965 of
/// 1 582 acknowledged increments on SQLite, 277 of 1 600 on PostgreSQL).
#[test]
fn increments_inside_set_lose_nothing() -> colt::Result<()> {
    each_backend(|backend| {
        let db = counter(backend)?;
        let (threads, rounds) = (6, 25);
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let db = db.clone();
                std::thread::spawn(move || -> colt::Result<i64> {
                    let mut acknowledged = 0;
                    for _ in 0..rounds {
                        db.transaction_with_retry(200, |tx| {
                            let c = select!(p for p in Product if p.name == "counter").one(tx)?;
                            c.set(|p| p.price += 1)
                        })?;
                        acknowledged += 1;
                    }
                    Ok(acknowledged)
                })
            })
            .collect();
        let mut acknowledged = 0;
        for h in handles {
            acknowledged += h.join().expect("thread")?;
        }
        let total =
            db.transaction(|tx| select!(p.price for p in Product if p.name == "counter").one(tx))?;
        assert_eq!(total, acknowledged, "no acknowledged increment may be lost");
        Ok(())
    })
}

#[test]
fn retry_gives_up_after_its_budget_and_other_errors_are_not_retried() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        let mut calls = 0;
        let r: colt::Result<()> = db.transaction_with_retry(3, |_tx| {
            calls += 1;
            Err(Error::SerializationFailure("simulated".into()))
        });
        assert!(matches!(r, Err(Error::SerializationFailure(_))));
        assert_eq!(calls, 4);
        let mut calls = 0;
        let r: colt::Result<()> = db.transaction_with_retry(3, |_tx| {
            calls += 1;
            Err(Error::NotFound {
                entity: "x".into(),
                key: None,
            })
        });
        assert!(r.is_err());
        assert_eq!(calls, 1);
        Ok(())
    })
}

#[test]
fn constraint_kinds_are_typed_on_every_backend() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.open();
        db.transaction(|tx| {
            tx.execute_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)", &[])?;
            tx.execute_sql(
                "CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES parent (id), qty INTEGER CHECK (qty > 0))",
                &[],
            )?;
            tx.execute_sql("INSERT INTO parent (id) VALUES (1)", &[])
        })?;
        let cases = [
            (
                "INSERT INTO child (id, parent, qty) VALUES (1, 2, 1)",
                ConstraintKind::ForeignKey,
            ),
            (
                "INSERT INTO child (id, parent, qty) VALUES (1, NULL, 1)",
                ConstraintKind::NotNull,
            ),
            (
                "INSERT INTO child (id, parent, qty) VALUES (1, 1, 0)",
                ConstraintKind::Check,
            ),
            ("INSERT INTO parent (id) VALUES (1)", ConstraintKind::Unique),
        ];
        for (sql, expected) in cases {
            match db.transaction(|tx| tx.execute_sql(sql, &[])) {
                Err(Error::Constraint { kind, table, .. }) => {
                    assert_eq!(kind, expected, "{sql}");
                    // SQLite's messages for raw foreign-key and check failures name no table.
                    let named = backend.is_postgres()
                        || matches!(kind, ConstraintKind::Unique | ConstraintKind::NotNull);
                    if named {
                        assert!(table == "child" || table == "parent", "{sql}: {table:?}");
                    }
                }
                other => panic!("{sql}: expected a {expected} violation, got {other:?}"),
            }
        }
        let rows: Vec<i64> =
            db.transaction(|tx| tx.query_sql("SELECT count(*) FROM child", &[]))?;
        assert_eq!(rows, [0], "nothing was written");
        Ok(())
    })
}

#[test]
fn serializable_conflicts_are_recognisable() -> colt::Result<()> {
    each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(()); // SQLite serializes writers with a lock: the second one waits
        }
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Category])?;
        db.create_tables()?;
        let t1 = db.begin_serializable()?;
        let t2 = db.begin_serializable()?;
        // Each reads what the other writes: no serial order explains both.
        let n1 = select!(c for c in Category if c.name == "b").count(&t1)?;
        let n2 = select!(c for c in Category if c.name == "a").count(&t2)?;
        Category::build().name(format!("a{n1}")).insert(&t1)?;
        Category::build().name(format!("b{n2}")).insert(&t2)?;
        t1.flush()?;
        let second = t2.flush().and_then(|()| t2.commit());
        let first = t1.commit();
        let failure = match (first, second) {
            (Err(e), Ok(())) | (Ok(()), Err(e)) => e,
            other => panic!("expected exactly one failure, got {other:?}"),
        };
        assert!(failure.is_retryable(), "{failure:?}");
        assert!(
            matches!(failure, Error::SerializationFailure(_)),
            "{failure:?}"
        );
        Ok(())
    })
}

/// SQLite's `database is locked` was `Error::Backend`, not retryable: a typed, retryable
/// error now, and `transaction_with_retry` gets through once the other writer is done.
#[test]
fn a_locked_sqlite_database_is_a_retryable_error() -> colt::Result<()> {
    let file = common::TempDb::new("busy");
    let db = Database::open(&file.url())?;
    db.bind(schema![Category, Product])?;
    db.create_tables()?;
    let t1 = db.begin()?;
    Category::build().name("held").insert(&t1)?; // t1 holds the write lock
    let other = db.clone();
    let blocked = std::thread::spawn(move || {
        let t2 = other.begin()?;
        Category::build().name("blocked").insert(&t2)?;
        t2.commit()
    })
    .join()
    .expect("thread");
    match &blocked {
        Err(e @ Error::Busy(_)) => assert!(e.is_retryable()),
        other => panic!("expected Error::Busy, got {other:?}"),
    }
    // The same write with retries: it waits for t1, which commits meanwhile.
    let other = db.clone();
    let retried = std::thread::spawn(move || {
        other.transaction_with_retry(5, |tx| {
            Category::build().name("retried").insert(tx)?;
            Ok(())
        })
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    t1.commit()?;
    retried.join().expect("thread")?;
    let names = db.transaction(|tx| select!(c.name for c in Category).fetch(tx))?;
    assert_eq!(common::sorted(names), ["held", "retried"]);
    Ok(())
}

#[derive(Entity, Debug, Clone)]
struct Doctor {
    #[colt(primary_key)]
    id: i64,
    on_call: bool,
}

/// Write skew: each of two doctors goes off call only while the other stays on call, each
/// deciding from a row it only reads (which no optimistic check covers). On PostgreSQL a
/// `SERIALIZABLE` transaction fails with a serialization failure instead, and
/// `transaction_serializable_with_retry` runs it again: it then sees the other doctor off
/// call and stays. (There was no retrying serializable transaction: `transaction_with_retry`
/// begins at the server's default isolation. Found by a review.)
#[test]
fn write_skew_is_retried_by_a_serializable_transaction() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Doctor])?;
        db.create_tables()?;
        db.transaction(|tx| {
            Doctor::build().id(1).on_call(true).insert(tx)?;
            Doctor::build().id(2).on_call(true).insert(tx)?;
            Ok(())
        })?;
        let mut attempts = 0;
        db.transaction_serializable_with_retry(2, |tx| {
            attempts += 1;
            let others = select!(d for d in Doctor if d.on_call && d.id != 1).count(tx)?;
            if attempts == 1 && backend.is_postgres() {
                // The other doctor, meanwhile, by the same rule.
                let other = db.begin_serializable()?;
                let mine = select!(d for d in Doctor if d.on_call && d.id != 2).count(&other)?;
                if mine > 0 {
                    other.get_or_err::<Doctor>(2)?.set(|d| d.on_call = false)?;
                }
                other.commit()?;
            }
            if others > 0 {
                tx.get_or_err::<Doctor>(1)?.set(|d| d.on_call = false)?;
            }
            Ok(())
        })?;
        let on_call = db.transaction(|tx| select!(d.id for d in Doctor if d.on_call).fetch(tx))?;
        assert_eq!(on_call.len(), 1, "{}: {on_call:?}", backend.name);
        if backend.is_postgres() {
            assert_eq!(attempts, 2, "{}", backend.name);
        }
        Ok(())
    })
}
