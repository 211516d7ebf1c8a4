//! Transactions whose closures return the application's own error type
//! (`Database::try_transaction`, `try_transaction_with_retry`), on both backends: `?` on
//! Colt's errors and the application's alike, the error returned as it was, a rollback, and
//! retries decided by the Colt errors the attempt met.

mod common;

use colt::prelude::*;
use common::{counter, each_backend, Product};

#[derive(Debug)]
enum AppError {
    Db(colt::Error),
    Rejected(String),
}

impl From<colt::Error> for AppError {
    fn from(e: colt::Error) -> Self {
        AppError::Db(e)
    }
}

fn count(db: &Database) -> colt::Result<i64> {
    db.transaction(|tx| select!(count() for p in Product).one(tx))
}

#[test]
fn application_errors_come_back_as_returned_and_roll_back() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        let before = count(&db)?;
        let r = db.try_transaction(|tx| -> Result<(), AppError> {
            Product::build()
                .name("returned")
                .price(1)
                .category_id(1)
                .insert(tx)?;
            tx.flush()?;
            Err(AppError::Rejected("no".into()))
        });
        assert!(
            matches!(&r, Err(AppError::Rejected(m)) if m == "no"),
            "{r:?}"
        );
        assert_eq!(count(&db)?, before, "rolled back");

        // A Colt error through `?` comes back converted.
        let r = db.try_transaction(|tx| -> Result<i64, AppError> {
            Ok(select!(p.price for p in Product if p.name == "no such product").one(tx)?)
        });
        assert!(
            matches!(r, Err(AppError::Db(Error::NotFound { .. }))),
            "{r:?}"
        );

        // And `Ok` commits.
        let id = db.try_transaction(|tx| -> Result<i64, AppError> {
            let p = Product::build()
                .name("kept")
                .price(2)
                .category_id(1)
                .insert(tx)?;
            Ok(p.id())
        });
        assert!(id.is_ok(), "{id:?}");
        assert_eq!(count(&db)?, before + 1);
        Ok(())
    })
}

#[test]
fn an_application_error_is_not_retried_unless_the_attempt_met_a_conflict() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        let mut calls = 0;
        let r: Result<(), AppError> = db.try_transaction_with_retry(3, |_tx| {
            calls += 1;
            Err(AppError::Rejected("always".into()))
        });
        assert!(matches!(r, Err(AppError::Rejected(_))));
        assert_eq!(calls, 1, "no conflict: not retried");
        Ok(())
    })
}

/// A conflict made on purpose: the first attempt reads the counter, another transaction
/// changes it, and the first attempt's `tx.flush()` fails its optimistic check inside the
/// closure; `?` makes that an `AppError`, and the attempt is retried once.
#[test]
fn a_conflict_inside_the_closure_is_retried() -> colt::Result<()> {
    each_backend(|backend| {
        let db = counter(backend)?; // two connections: one for the other transaction
        let mut attempts = 0;
        let r = db.try_transaction_with_retry(3, |tx| -> Result<i64, AppError> {
            attempts += 1;
            let p = select!(p for p in Product if p.name == "counter").one(tx)?;
            let seen = p.price();
            if attempts == 1 {
                db.transaction(|other| {
                    let q = select!(p for p in Product if p.name == "counter").one(other)?;
                    q.set(|p| p.price += 1000)
                })?;
            }
            p.set(|p| p.price = seen + 1)?;
            tx.flush()?;
            Ok(seen + 1)
        });
        let price = r.unwrap_or_else(|e| panic!("retried and done: {e:?}"));
        assert_eq!(attempts, 2);
        let stored =
            db.transaction(|tx| select!(p.price for p in Product if p.name == "counter").one(tx))?;
        assert_eq!(stored, price);
        Ok(())
    })
}

/// A counter several threads increment, each increment in a transaction whose closure
/// returns `AppError`; a conflict found by `tx.flush()` inside the closure reaches the retry
/// loop only as an `AppError::Db`, and is retried all the same.
#[test]
fn conflicts_met_inside_the_closure_are_retried() -> colt::Result<()> {
    each_backend(|backend| {
        let db = counter(backend)?;
        let (threads, rounds) = (4, 10);
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let db = db.clone();
                std::thread::spawn(move || -> Result<u32, AppError> {
                    let mut retried = 0;
                    for _ in 0..rounds {
                        let mut attempts = 0;
                        db.try_transaction_with_retry(100, |tx| -> Result<(), AppError> {
                            attempts += 1;
                            let c = select!(p for p in Product if p.name == "counter").one(tx)?;
                            let seen = c.price();
                            c.set(|p| p.price = seen + 1)?;
                            tx.flush()?; // the optimistic check, inside the closure
                            Ok(())
                        })?;
                        retried += attempts - 1;
                    }
                    Ok(retried)
                })
            })
            .collect();
        for h in handles {
            if let Err(e) = h.join().expect("thread") {
                panic!(
                    "[postgres: {}] an increment failed: {e:?}",
                    backend.is_postgres()
                );
            }
        }
        let total =
            db.transaction(|tx| select!(p.price for p in Product if p.name == "counter").one(tx))?;
        assert_eq!(total, (threads * rounds) as i64, "no increment may be lost");
        Ok(())
    })
}

/// A conflict the closure swallowed (`let _ = tx.flush()`, then `Ok`): the commit fails
/// because of it, and `try_transaction_with_retry` ran the closure again while
/// `transaction_with_retry` gave the commit's error up. Both retry it now.
#[test]
fn a_swallowed_conflict_is_retried_by_both_retry_functions() -> colt::Result<()> {
    each_backend(|backend| {
        let db = counter(backend)?;
        let attempts = std::cell::Cell::new(0);
        let body = |tx: &colt::Transaction| -> colt::Result<i64> {
            attempts.set(attempts.get() + 1);
            let p = select!(p for p in Product if p.name == "counter").one(tx)?;
            let seen = p.price();
            if attempts.get() == 1 {
                db.transaction(|other| {
                    let q = select!(p for p in Product if p.name == "counter").one(other)?;
                    q.set(|p| p.price += 1000)
                })?;
            }
            p.set(|p| p.price = seen + 1)?;
            let _ = tx.flush();
            Ok(seen + 1)
        };
        let price = db
            .transaction_with_retry(3, body)
            .unwrap_or_else(|e| panic!("retried and done: {e:?}"));
        assert_eq!(attempts.get(), 2);
        attempts.set(0);
        let again = db
            .try_transaction_with_retry(3, |tx| -> Result<i64, AppError> { Ok(body(tx)?) })
            .unwrap_or_else(|e| panic!("retried and done: {e:?}"));
        assert_eq!(attempts.get(), 2);
        assert_eq!(again, price + 1000 + 1);
        let stored =
            db.transaction(|tx| select!(p.price for p in Product if p.name == "counter").one(tx))?;
        assert_eq!(stored, again);
        Ok(())
    })
}
