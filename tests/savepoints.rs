//! Savepoints (issue 14): `tx.savepoint(|tx| ..)` rolls back alone, in the database and in
//! the transaction's objects, and the transaction goes on, on both backends.

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
struct Account {
    #[colt(primary_key)]
    id: i64,
    #[colt(unique)]
    email: String,
    balance: i64,
    entries: Set<Entry>,
}

#[derive(Entity, Debug, Clone)]
struct Entry {
    #[colt(primary_key)]
    id: i64,
    account: Ref<Account>,
    amount: i64,
}

fn bank(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Account, Entry])?;
    db.create_tables()?;
    db.transaction(|tx| {
        let ann = Account::build()
            .id(1)
            .email("ann@x.org")
            .balance(100)
            .insert(tx)?;
        Account::build()
            .id(2)
            .email("bob@x.org")
            .balance(50)
            .insert(tx)?;
        Entry::build().id(10).account(&ann).amount(100).insert(tx)?;
        Ok(())
    })?;
    Ok(db)
}

/// Every account's (id, balance) and every entry's (id, account, amount).
type State = (Vec<(i64, i64)>, Vec<(i64, i64, i64)>);

/// The committed state.
fn state(db: &Database) -> colt::Result<State> {
    db.transaction(|tx| {
        let accounts =
            select!(((a.id, a.balance) for a in Account).order_by(|a| a.id)).fetch(tx)?;
        let entries = select!(((e.id, e.account.id, e.amount) for e in Entry).order_by(|e| e.id))
            .fetch(tx)?;
        Ok((accounts, entries))
    })
}

fn refused() -> colt::Error {
    colt::Error::InvalidQuery("refused".into())
}

#[test]
fn a_failed_savepoint_is_undone_alone() -> colt::Result<()> {
    each_backend(|backend| {
        let db = bank(backend)?;
        db.transaction(|tx| {
            let ann = tx.get_or_err::<Account>(1)?;
            // Before the savepoint: written, and kept.
            ann.set(|a| a.balance = 90)?;
            let r: colt::Result<()> = tx.savepoint(|tx| {
                ann.set(|a| a.balance = 0)?;
                Entry::build().id(11).account(&ann).amount(-90).insert(tx)?;
                tx.flush()?;
                Err(refused())
            });
            assert!(matches!(r, Err(colt::Error::InvalidQuery(_))));
            // The object is back as it was, and so is the database.
            assert_eq!(ann.balance(), 90);
            assert!(tx.get::<Entry>(11)?.is_none());
            assert_eq!(ann.entries().count(tx)?, 1);
            // A savepoint that succeeds stays.
            tx.savepoint(|tx| {
                ann.set(|a| a.balance = 80)?;
                Entry::build().id(12).account(&ann).amount(-10).insert(tx)?;
                Ok(())
            })?;
            Ok(())
        })?;
        assert_eq!(
            state(&db)?,
            (vec![(1, 80), (2, 50)], vec![(10, 1, 100), (12, 1, -10)])
        );
        Ok(())
    })
}

#[test]
fn a_constraint_violation_inside_ends_the_savepoint_not_the_transaction() -> colt::Result<()> {
    each_backend(|backend| {
        let db = bank(backend)?;
        db.transaction(|tx| {
            // Try to open an account with a taken email; on conflict, use the other one.
            let r = tx.savepoint(|tx| {
                Account::build()
                    .id(3)
                    .email("ann@x.org")
                    .balance(0)
                    .insert(tx)
            });
            assert!(matches!(r, Err(colt::Error::Constraint { .. })), "{r:?}");
            assert!(tx.get::<Account>(3)?.is_none());
            Account::build()
                .id(3)
                .email("cid@x.org")
                .balance(5)
                .insert(tx)?;
            Ok(())
        })?;
        assert_eq!(state(&db)?.0, [(1, 100), (2, 50), (3, 5)]);
        Ok(())
    })
}

#[test]
fn a_failure_swallowed_inside_is_not_an_ok() -> colt::Result<()> {
    each_backend(|backend| {
        let db = bank(backend)?;
        db.transaction(|tx| {
            let ann = tx.get_or_err::<Account>(1)?;
            let r = tx.savepoint(|tx| {
                ann.set(|a| a.balance = 1)?;
                let dup = Account::build()
                    .id(4)
                    .email("bob@x.org")
                    .balance(0)
                    .insert(tx);
                assert!(dup.is_err());
                // Refused until the savepoint ends.
                assert!(matches!(
                    tx.get::<Account>(2),
                    Err(colt::Error::TransactionClosed)
                ));
                Ok(())
            });
            assert!(
                matches!(r, Err(colt::Error::TransactionAborted { .. })),
                "{r:?}"
            );
            // The transaction goes on, without the savepoint's changes.
            assert_eq!(ann.balance(), 100);
            ann.set(|a| a.balance = 70)?;
            Ok(())
        })?;
        assert_eq!(state(&db)?.0, [(1, 70), (2, 50)]);
        Ok(())
    })
}

#[test]
fn objects_follow_the_rollback() -> colt::Result<()> {
    each_backend(|backend| {
        let db = bank(backend)?;
        db.transaction(|tx| {
            let ann = tx.get_or_err::<Account>(1)?;
            let mut inside = None;
            let mut made = None;
            let r: colt::Result<()> = tx.savepoint(|tx| {
                // Deleted inside (loaded before): back afterwards.
                let entry = tx.get_or_err::<Entry>(10)?;
                entry.delete(tx)?;
                // Loaded inside, changed and written: read again afterwards.
                let bob = tx.get_or_err::<Account>(2)?;
                bob.set(|b| b.balance = 0)?;
                // Made inside: gone afterwards.
                let new = Entry::build().id(13).account(&bob).amount(1).insert(tx)?;
                tx.flush()?;
                inside = Some(bob);
                made = Some(new);
                Err(refused())
            });
            assert!(r.is_err());
            let (bob, made) = (inside.expect("ran"), made.expect("ran"));
            assert_eq!(bob.balance(), 50);
            assert!(!bob.is_deleted());
            assert!(made.is_deleted());
            assert!(tx.get::<Entry>(13)?.is_none());
            // The identity map still gives the same objects.
            let entry = tx.get_or_err::<Entry>(10)?;
            assert!(!entry.is_deleted());
            assert_eq!(entry.amount(), 100);
            assert!(Obj::ptr_eq(&tx.get_or_err::<Account>(2)?, &bob));
            assert_eq!(ids(&ann.entries().fetch(tx)?), [10]);
            // And they can be changed and written as usual.
            bob.set(|b| b.balance = 55)?;
            entry.set(|e| e.amount = 101)?;
            Ok(())
        })?;
        assert_eq!(state(&db)?, (vec![(1, 100), (2, 55)], vec![(10, 1, 101)]));
        Ok(())
    })
}

#[test]
fn an_object_loaded_and_deleted_inside_comes_back() -> colt::Result<()> {
    each_backend(|backend| {
        let db = bank(backend)?;
        db.transaction(|tx| {
            let mut kept = None;
            let r: colt::Result<()> = tx.savepoint(|tx| {
                let bob = tx.get_or_err::<Account>(2)?;
                bob.delete(tx)?;
                tx.flush()?;
                kept = Some(bob);
                Err(refused())
            });
            assert!(r.is_err());
            let bob = kept.expect("ran");
            assert!(!bob.is_deleted());
            assert_eq!(bob.email(), "bob@x.org");
            assert!(Obj::ptr_eq(&tx.get_or_err::<Account>(2)?, &bob));
            Ok(())
        })?;
        assert_eq!(state(&db)?.0, [(1, 100), (2, 50)]);
        Ok(())
    })
}

#[test]
fn savepoints_nest() -> colt::Result<()> {
    each_backend(|backend| {
        let db = bank(backend)?;
        db.transaction(|tx| {
            let ann = tx.get_or_err::<Account>(1)?;
            // The inner one fails, the outer one succeeds: the outer's change stays.
            tx.savepoint(|tx| {
                ann.set(|a| a.balance = 1)?;
                let inner: colt::Result<()> = tx.savepoint(|_| {
                    ann.set(|a| a.balance = 2)?;
                    Err(refused())
                });
                assert!(inner.is_err());
                assert_eq!(ann.balance(), 1);
                Ok(())
            })?;
            assert_eq!(ann.balance(), 1);
            // The inner one succeeds, the outer one fails: both are undone.
            let outer: colt::Result<()> = tx.savepoint(|tx| {
                ann.set(|a| a.balance = 3)?;
                tx.savepoint(|tx| {
                    Entry::build().id(14).account(&ann).amount(3).insert(tx)?;
                    Ok(())
                })?;
                Err(refused())
            });
            assert!(outer.is_err());
            assert_eq!(ann.balance(), 1);
            assert!(tx.get::<Entry>(14)?.is_none());
            Ok(())
        })?;
        assert_eq!(state(&db)?, (vec![(1, 1), (2, 50)], vec![(10, 1, 100)]));
        Ok(())
    })
}

#[test]
fn raw_statements_inside_are_undone_too() -> colt::Result<()> {
    each_backend(|backend| {
        let db = bank(backend)?;
        db.transaction(|tx| {
            let ann = tx.get_or_err::<Account>(1)?;
            assert_eq!(ann.entries().count(tx)?, 1);
            let r: colt::Result<()> = tx.savepoint(|tx| {
                tx.execute_sql(
                    "INSERT INTO entry (id, account, amount) VALUES (20, 1, 5)",
                    &[],
                )?;
                // A raw statement that fails, handled: the savepoint goes on.
                assert!(tx
                    .execute_sql("INSERT INTO nowhere VALUES (1)", &[])
                    .is_err());
                assert_eq!(ann.entries().count(tx)?, 2);
                Err(refused())
            });
            assert!(r.is_err());
            assert_eq!(ann.entries().count(tx)?, 1);
            assert_eq!(ids(&ann.entries().fetch(tx)?), [10]);
            Ok(())
        })?;
        assert_eq!(state(&db)?.1, [(10, 1, 100)]);
        Ok(())
    })
}

fn ids<T: Entity<Key = i64>>(objs: &[Obj<T>]) -> Vec<i64> {
    objs.iter().map(Obj::key).collect()
}

/// A statement failed and handled before the savepoint (SQLite goes on after it), then one
/// failed inside and swallowed: the savepoint answered `Ok` and was released, since only
/// the transaction's first failure was compared. (The commit still refused.) (Found by a
/// review.)
#[test]
fn a_failure_swallowed_inside_after_an_earlier_one_is_not_an_ok() -> colt::Result<()> {
    each_backend(|backend| {
        let db = bank(backend)?;
        let committed = db.transaction(|tx| {
            // Entry 10 refers to account 1: the database refuses the delete.
            let first = select!(a for a in Account if a.id == 1).delete(tx);
            assert!(first.is_err(), "{first:?}");
            let r = tx.savepoint(|tx| {
                let again = select!(a for a in Account if a.id == 1).delete(tx);
                assert!(again.is_err(), "{again:?}");
                Ok(())
            });
            assert!(r.is_err(), "{}: {r:?}", backend.name);
            Ok(())
        });
        assert!(committed.is_err(), "{committed:?}");
        Ok(())
    })
}
