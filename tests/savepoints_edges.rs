//! Savepoints at their edges (issue 14, from a review): objects deleted by statements,
//! keys deleted and made again, values other transactions committed, what was read inside,
//! caches, one-to-ones, failures inside, borrows held across.

mod common;

use colt::prelude::*;
#[allow(unused_imports)]
use common::{all_backends, each_backend};

#[derive(Entity, Debug, Clone)]
struct Account {
    #[colt(primary_key)]
    id: i64,
    #[colt(unique)]
    email: String,
    balance: i64,
    #[colt(cascade_delete)]
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

fn refused() -> colt::Error {
    colt::Error::InvalidQuery("refused".into())
}

/// An object first loaded inside, then deleted by a bulk delete inside: after the rollback
/// its row is back, but the object still says deleted and the identity map has forgotten it.
#[test]
fn bulk_deleted_object_first_loaded_inside_comes_back() {
    all_backends(|backend| {
        let db = bank(backend)?;
        db.transaction(|tx| {
            let mut kept = None;
            let r: colt::Result<()> = tx.savepoint(|tx| {
                let bob = tx.get_or_err::<Account>(2)?;
                select!(a for a in Account if a.id == 2).delete(tx)?;
                kept = Some(bob);
                Err(refused())
            });
            assert!(r.is_err());
            let bob = kept.expect("ran");
            assert!(
                !bob.is_deleted(),
                "{}: row 2 exists, object says deleted",
                backend.name
            );
            assert!(
                Obj::ptr_eq(&tx.get_or_err::<Account>(2)?, &bob),
                "{}: two objects for row 2",
                backend.name
            );
            Ok(())
        })
    });
}

/// The same through a cascade: an entry first loaded inside, deleted with its account.
#[test]
fn cascade_deleted_child_first_loaded_inside_comes_back() {
    all_backends(|backend| {
        let db = bank(backend)?;
        db.transaction(|tx| {
            let ann = tx.get_or_err::<Account>(1)?;
            let mut kept = None;
            let r: colt::Result<()> = tx.savepoint(|tx| {
                let entry = tx.get_or_err::<Entry>(10)?;
                ann.delete(tx)?;
                tx.flush()?;
                kept = Some(entry);
                Err(refused())
            });
            assert!(r.is_err());
            assert!(!ann.is_deleted());
            let entry = kept.expect("ran");
            assert!(
                !entry.is_deleted(),
                "{}: entry 10 exists, object says deleted",
                backend.name
            );
            // A change to it is refused (ObjectDeleted) although the row is there.
            entry.set(|e| e.amount = 7)?;
            Ok(())
        })
    });
}

/// An object loaded before, deleted inside and inserted again with the same key: after the
/// rollback the identity map holds the object made inside, not the one restored; the two
/// disagree and the map's one is stale.
#[test]
fn deleted_then_reinserted_same_key_keeps_one_object() {
    all_backends(|backend| {
        let db = bank(backend)?;
        db.transaction(|tx| {
            let bob = tx.get_or_err::<Account>(2)?;
            let r: colt::Result<()> = tx.savepoint(|tx| {
                bob.delete(tx)?;
                tx.flush()?;
                Account::build()
                    .id(2)
                    .email("bob2@x.org")
                    .balance(0)
                    .insert(tx)?;
                Err(refused())
            });
            assert!(r.is_err());
            assert!(!bob.is_deleted());
            bob.set(|b| b.balance = 5)?;
            tx.flush()?;
            let again = tx.get_or_err::<Account>(2)?;
            assert_eq!(
                again.balance(),
                5,
                "{}: stale object from the map",
                backend.name
            );
            assert!(
                Obj::ptr_eq(&again, &bob),
                "{}: two loaded objects for row 2",
                backend.name
            );
            Ok(())
        })
    });
}

/// The same with upsert inside.
#[test]
fn deleted_then_upserted_same_key_keeps_one_object() {
    all_backends(|backend| {
        let db = bank(backend)?;
        db.transaction(|tx| {
            let bob = tx.get_or_err::<Account>(2)?;
            let r: colt::Result<()> = tx.savepoint(|tx| {
                bob.delete(tx)?;
                tx.flush()?;
                tx.upsert(Account {
                    id: 2,
                    email: "bob2@x.org".into(),
                    balance: 0,
                    entries: Default::default(),
                })?;
                Err(refused())
            });
            assert!(r.is_err());
            let again = tx.get_or_err::<Account>(2)?;
            assert!(
                Obj::ptr_eq(&again, &bob),
                "{}: two loaded objects for row 2",
                backend.name
            );
            Ok(())
        })
    });
}

/// PostgreSQL (read committed): a value another transaction committed, seen and read inside
/// the savepoint, is replaced by the older saved one at the rollback, while the read stays
/// counted: the object shows a value the database no longer holds and a later write of
/// another column fails its check against that old value (a false UnrepeatableRead).
#[test]
fn a_refresh_seen_inside_survives_the_rollback() {
    all_backends(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let db = bank(backend)?;
        db.transaction(|tx| {
            let bob = tx.get_or_err::<Account>(2)?;
            let r: colt::Result<()> = tx.savepoint(|tx| {
                db.transaction(|other| other.get_or_err::<Account>(2)?.set(|b| b.balance = 60))?;
                let _ = select!(a for a in Account).fetch(tx)?;
                assert_eq!(bob.balance(), 60);
                Err(refused())
            });
            assert!(r.is_err());
            let shown = bob.balance();
            bob.set(|b| b.email = "bob3@x.org".into())?;
            let written = tx.flush();
            assert!(
                written.is_ok(),
                "{}: false UnrepeatableRead: {written:?}",
                backend.name
            );
            assert_eq!(
                shown, 60,
                "{}: rollback brought back an older value",
                backend.name
            );
            Ok(())
        })?;
        Ok(())
    });
}

/// PostgreSQL: what was read of an object first loaded inside no longer counts after the
/// rollback (read bits reset by `reread`), unlike objects loaded before: a concurrent change
/// of a column the transaction read goes unnoticed at the next write.
#[test]
fn reads_inside_of_objects_first_loaded_inside_stay_checked() {
    all_backends(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let db = bank(backend)?;
        let r = db.transaction(|tx| {
            let mut seen = 0;
            let _: colt::Result<()> = tx.savepoint(|tx| {
                let bob = tx.get_or_err::<Account>(2)?;
                seen = bob.balance();
                Err(refused())
            });
            assert_eq!(seen, 50);
            db.transaction(|other| other.get_or_err::<Account>(2)?.set(|b| b.balance = 60))?;
            let bob = tx.get_or_err::<Account>(2)?;
            bob.set(|b| b.email = "bob3@x.org".into())?;
            tx.flush()
        });
        assert!(
            matches!(r, Err(colt::Error::UnrepeatableRead { .. })),
            "{}: balance read as 50 inside, changed to 60 by another, write went through: {r:?}",
            backend.name
        );
        Ok(())
    });
}

/// What was read inside a savepoint that rolled back keeps the value read, when another
/// transaction changed it before the rollback: the read value is what a later write is
/// checked against. The rollback took the row's new value for the check, and the write
/// computed from the old one went through (a lost update), for an object first loaded
/// inside and for one loaded before whose values changed inside.
#[test]
fn values_read_inside_stay_checked_when_changed_before_the_rollback() {
    all_backends(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let mut lost = Vec::new();
        for loaded_before in [false, true] {
            let db = bank(backend)?;
            let r = db.transaction(|tx| {
                if loaded_before {
                    tx.get_or_err::<Account>(2)?;
                }
                let mut seen = 0;
                let _: colt::Result<()> = tx.savepoint(|tx| {
                    if loaded_before {
                        // Its values change inside: another transaction's email, merged.
                        db.transaction(|other| {
                            other
                                .get_or_err::<Account>(2)?
                                .set(|b| b.email = "bob2@x.org".into())
                        })?;
                        select!(a for a in Account if a.id == 2).one(tx)?;
                    }
                    let bob = tx.get_or_err::<Account>(2)?;
                    seen = bob.balance();
                    db.transaction(|other| {
                        other.get_or_err::<Account>(2)?.set(|b| b.balance = 60)
                    })?;
                    Err(refused())
                });
                assert_eq!(seen, 50);
                let bob = tx.get_or_err::<Account>(2)?;
                bob.set(|b| b.balance = seen - 10)?;
                tx.flush()
            });
            if !matches!(r, Err(colt::Error::UnrepeatableRead { .. })) {
                lost.push(format!("loaded before: {loaded_before}: {r:?}"));
            }
        }
        assert!(
            lost.is_empty(),
            "balance read as 50 inside, 60 committed by another before the rollback, 40 written over it: {lost:?}"
        );
        Ok(())
    });
}

/// The transaction's own writes inside a rolled back savepoint are undone without a false
/// conflict: a value it wrote and read there is its row's again after the rollback.
#[test]
fn own_writes_undone_by_a_rollback_are_no_conflict() {
    all_backends(|backend| {
        let db = bank(backend)?;
        db.transaction(|tx| {
            let early = tx.get_or_err::<Account>(1)?;
            let _: colt::Result<()> = tx.savepoint(|tx| {
                early.set(|a| a.balance -= 30)?;
                let bob = tx.get_or_err::<Account>(2)?;
                bob.set(|b| b.balance += 30)?;
                tx.flush()?;
                assert_eq!(early.balance() + bob.balance(), 150);
                Err(refused())
            });
            let bob = tx.get_or_err::<Account>(2)?;
            assert_eq!((early.balance(), bob.balance()), (100, 50));
            early.set(|a| a.balance -= 5)?;
            bob.set(|b| b.balance += 5)?;
            tx.flush()
        })?;
        let balances: Vec<(i64, i64)> =
            db.transaction(|tx| tx.query_sql("SELECT id, balance FROM account ORDER BY id", &[]))?;
        assert_eq!(balances, [(1, 95), (2, 55)]);
        Ok(())
    })
}

/// The transaction's own writes inside a savepoint that no object recorded (a bulk update
/// of a row loaded after it, raw SQL) are undone for the objects too: the object read inside
/// kept the value written (0), which the row no longer held.
#[test]
fn writes_no_object_recorded_are_undone_too() {
    all_backends(|backend| {
        let db = bank(backend)?;
        db.transaction(|tx| {
            let _: colt::Result<()> = tx.savepoint(|tx| {
                select!(Account.filter(|a| a.id == 2).set(|a| a.balance = 0)).update(tx)?;
                assert_eq!(tx.get_or_err::<Account>(2)?.balance(), 0);
                tx.execute_sql("UPDATE account SET balance = 1 WHERE id = 1", &[])?;
                assert_eq!(tx.get_or_err::<Account>(1)?.balance(), 1);
                Err(refused())
            });
            assert_eq!(
                tx.get_or_err::<Account>(2)?.balance(),
                50,
                "{}",
                backend.name
            );
            assert_eq!(
                tx.get_or_err::<Account>(1)?.balance(),
                100,
                "{}",
                backend.name
            );
            let bob = tx.get_or_err::<Account>(2)?;
            bob.set(|b| b.balance += 1)?;
            tx.flush()
        })?;
        Ok(())
    });
}

/// An upsert inside a savepoint rolled back: the object kept the upserted values (read
/// inside, so the rollback counted them as values read), which the row no longer held; a
/// later write of the object was then `UnrepeatableRead` at every attempt. Whether the
/// object was loaded before (`upsert`) or made by the upsert (`upsert_on`). (Found by a
/// review.)
#[test]
fn an_upsert_inside_a_rolled_back_savepoint_is_undone_for_the_object() {
    all_backends(|backend| {
        let db = bank(backend)?;
        db.transaction(|tx| {
            let bob = tx.get_or_err::<Account>(2)?;
            let _: colt::Result<()> = tx.savepoint(|tx| {
                let b = tx.upsert(Account {
                    id: 2,
                    email: "bob@x.org".into(),
                    balance: 0,
                    entries: Default::default(),
                })?;
                assert_eq!(b.balance(), 0);
                let a = tx.upsert_on(
                    Account {
                        id: 1,
                        email: "ann@x.org".into(),
                        balance: 7,
                        entries: Default::default(),
                    },
                    &["email"],
                )?;
                assert_eq!(a.balance(), 7);
                Err(refused())
            });
            assert_eq!(bob.balance(), 50, "{}", backend.name);
            let ann = tx.get_or_err::<Account>(1)?;
            assert_eq!(ann.balance(), 100, "{}", backend.name);
            bob.set(|b| b.balance += 10)?;
            ann.set(|a| a.balance += 1)?;
            tx.flush()
        })?;
        let rows = db.transaction(|tx| {
            select!(((a.id, a.balance) for a in Account).order_by(|a| a.id)).fetch(tx)
        })?;
        assert_eq!(rows, vec![(1, 101), (2, 60)]);
        Ok(())
    });
}

/// Nested savepoints: an inner one's undone write does not count as written for the outer
/// one, whose rollback keeps the value read inside it (a write computed from it, after
/// another transaction's commit, is `UnrepeatableRead`, not a lost update).
#[test]
fn an_inner_rollback_leaves_the_outer_ones_reads_checked() {
    all_backends(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let db = bank(backend)?;
        let r = db.transaction(|tx| {
            let mut seen = 0;
            let _: colt::Result<()> = tx.savepoint(|tx| {
                let bob = tx.get_or_err::<Account>(2)?;
                let _: colt::Result<()> = tx.savepoint(|tx| {
                    bob.set(|b| b.balance += 1)?;
                    tx.flush()?;
                    Err(refused())
                });
                seen = bob.balance();
                db.transaction(|other| other.get_or_err::<Account>(2)?.set(|b| b.balance = 60))?;
                Err(refused())
            });
            assert_eq!(seen, 50);
            let bob = tx.get_or_err::<Account>(2)?;
            bob.set(|b| b.balance = seen - 10)?;
            tx.flush()
        });
        assert!(
            matches!(r, Err(colt::Error::UnrepeatableRead { .. })),
            "{}: {r:?}",
            backend.name
        );
        Ok(())
    });
}

#[derive(Entity, Debug, Clone)]
struct Person {
    #[colt(primary_key)]
    id: i64,
    name: String,
    passport: Option<Ref<Passport>>,
}

#[derive(Entity, Debug, Clone)]
struct Passport {
    #[colt(primary_key)]
    id: i64,
    person: Ref<Person>,
}

fn people(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Person, Passport])?;
    db.create_tables()?;
    db.transaction(|tx| {
        let p = Person::build()
            .id(1)
            .name("p")
            .passport(None::<Ref<Passport>>)
            .insert(tx)?;
        Person::build()
            .id(2)
            .name("q")
            .passport(None::<Ref<Passport>>)
            .insert(tx)?;
        Passport::build().id(7).person(&p).insert(tx)?;
        Ok(())
    })?;
    Ok(db)
}

/// One-to-one reverse sides after a rollback, objects loaded before and inside.
#[test]
fn one_to_one_reverse_sides_follow() {
    all_backends(|backend| {
        let db = people(backend)?;
        db.transaction(|tx| {
            let p = tx.get_or_err::<Person>(1)?;
            assert_eq!(p.passport().map(|r| *r.key()), Some(7));
            let mut inside = None;
            let r: colt::Result<()> = tx.savepoint(|tx| {
                let q = tx.get_or_err::<Person>(2)?;
                let pass = tx.get_or_err::<Passport>(7)?;
                pass.set(|x| x.person = Ref::from(&q))?;
                tx.flush()?;
                assert_eq!(q.passport().map(|r| *r.key()), Some(7));
                assert_eq!(p.passport().map(|r| *r.key()), None);
                inside = Some(q);
                Err(refused())
            });
            assert!(r.is_err());
            let q = inside.expect("ran");
            assert_eq!(p.passport().map(|r| *r.key()), Some(7));
            assert_eq!(q.passport().map(|r| *r.key()), None, "{}", backend.name);
            let pass = tx.get_or_err::<Passport>(7)?;
            assert_eq!(*pass.person().key(), 1);
            Ok(())
        })?;
        Ok(())
    });
}

/// Result cache and collections loaded before, changed inside, failing savepoint.
#[test]
fn caches_start_over() {
    all_backends(|backend| {
        let db = bank(backend)?;
        db.transaction(|tx| {
            let ann = tx.get_or_err::<Account>(1)?;
            let q = || select!((e.amount for e in Entry).order_by(|e| e.amount));
            assert_eq!(q().fetch(tx)?, [100]);
            assert_eq!(ann.entries().count(tx)?, 1);
            let r: colt::Result<()> = tx.savepoint(|tx| {
                Entry::build().id(11).account(&ann).amount(5).insert(tx)?;
                assert_eq!(q().fetch(tx)?, [5, 100]);
                assert_eq!(ann.entries().count(tx)?, 2);
                tx.insert_many([Entry {
                    id: 12,
                    account: Ref::from(&ann),
                    amount: 6,
                }])?;
                select!(e for e in Entry if e.id == 10).delete(tx)?;
                select!((a for a in Account).set(|a| a.balance = 1)).update(tx)?;
                assert_eq!(q().fetch(tx)?, [5, 6]);
                Err(refused())
            });
            assert!(r.is_err());
            assert_eq!(q().fetch(tx)?, [100]);
            assert_eq!(ann.entries().count(tx)?, 1);
            assert_eq!(ann.balance(), 100);
            let e = tx.get_or_err::<Entry>(10)?;
            assert_eq!(e.amount(), 100);
            Ok(())
        })?;
        Ok(())
    });
}

/// An object first loaded inside, deleted, and its key inserted again inside: after the
/// rollback the object inserted inside is not gone, and two loaded objects hold row 2.
#[test]
fn reinserted_inside_is_gone_after_rollback() {
    all_backends(|backend| {
        let db = bank(backend)?;
        db.transaction(|tx| {
            let mut kept = None;
            let r: colt::Result<()> = tx.savepoint(|tx| {
                let bob = tx.get_or_err::<Account>(2)?;
                bob.delete(tx)?;
                tx.flush()?;
                let new = Account::build()
                    .id(2)
                    .email("bob2@x.org")
                    .balance(0)
                    .insert(tx)?;
                kept = Some((bob, new));
                Err(refused())
            });
            assert!(r.is_err());
            let (bob, new) = kept.expect("ran");
            let map = tx.get_or_err::<Account>(2)?;
            assert!(
                Obj::ptr_eq(&map, &bob),
                "{}: map holds another object",
                backend.name
            );
            assert!(
                new.is_deleted(),
                "{}: object inserted inside not gone (balance {})",
                backend.name,
                new.balance()
            );
            Ok(())
        })?;
        Ok(())
    });
}

/// PostgreSQL: a query that fails inside (the database refused it), the closure returns
/// the error, the transaction goes on and commits.
#[test]
fn a_failed_query_inside_then_commit() {
    all_backends(|backend| {
        let db = bank(backend)?;
        db.transaction(|tx| {
            let ann = tx.get_or_err::<Account>(1)?;
            let r: colt::Result<Vec<i64>> = tx.savepoint(|tx| {
                ann.set(|a| a.balance = 3)?;
                tx.query_sql::<i64>("SELECT 1 / (balance - balance) FROM account", &[])
            });
            assert!(r.is_err(), "{r:?}");
            assert_eq!(ann.balance(), 100);
            let zero = 0i64;
            let r2: colt::Result<Vec<i64>> = tx.savepoint(|tx| {
                ann.set(|a| a.balance = 4)?;
                select!(a.balance / zero for a in Account).fetch(tx)
            });
            assert!(r2.is_err(), "{r2:?}");
            assert_eq!(ann.balance(), 100);
            ann.set(|a| a.balance = 70)?;
            Ok(())
        })?;
        let b = db.transaction(|tx| Ok(tx.get_or_err::<Account>(1)?.balance()))?;
        assert_eq!(b, 70);
        Ok(())
    });
}

/// Nested: inner fails on a constraint, outer swallows and goes on, commits.
#[test]
fn nested_inner_failure_swallowed() {
    all_backends(|backend| {
        let db = bank(backend)?;
        db.transaction(|tx| {
            let ann = tx.get_or_err::<Account>(1)?;
            tx.savepoint(|tx| {
                ann.set(|a| a.balance = 1)?;
                let inner = tx.savepoint(|tx| {
                    ann.set(|a| a.balance = 2)?;
                    Account::build()
                        .id(9)
                        .email("bob@x.org")
                        .balance(0)
                        .insert(tx)
                });
                assert!(inner.is_err());
                assert_eq!(ann.balance(), 1);
                Account::build()
                    .id(9)
                    .email("z@x.org")
                    .balance(9)
                    .insert(tx)?;
                Ok(())
            })?;
            Ok(())
        })?;
        let s = db.transaction(|tx| {
            select!(((a.id, a.balance) for a in Account).order_by(|a| a.id)).fetch(tx)
        })?;
        assert_eq!(s, [(1, 1), (2, 50), (9, 9)]);
        Ok(())
    });
}

/// A borrow (`obj.get()`) held across a failing savepoint: an object changed inside that is
/// borrowed at the rollback cannot be put back, so the transaction ends (an error, not
/// objects that disagree with the database). A borrowed object the savepoint did not
/// change has nothing to take back: the rollback goes on (it ended the transaction too).
#[test]
fn borrow_held_across_failed_savepoint() {
    all_backends(|backend| {
        let db = bank(backend)?;
        let r = db.transaction(|tx| {
            let ann = tx.get_or_err::<Account>(1)?;
            let held = ann.get();
            let r: colt::Result<()> = tx.savepoint(|tx| {
                tx.get_or_err::<Account>(2)?.set(|b| b.balance = 0)?;
                Err(refused())
            });
            drop(held);
            assert!(matches!(r, Err(colt::Error::InvalidQuery(_))), "{r:?}");
            let bob = tx.get_or_err::<Account>(2)?;
            assert_eq!(bob.balance(), 50);
            let mut held = None;
            let r: colt::Result<()> = tx.savepoint(|tx| {
                bob.set(|b| b.balance = 0)?;
                tx.flush()?;
                held = Some(bob.get());
                Err(refused())
            });
            drop(held);
            assert!(matches!(r, Err(colt::Error::ObjectsBusy)), "{r:?}");
            tx.get_or_err::<Account>(2)?.set(|b| b.balance = 51)?;
            Ok(())
        });
        assert!(matches!(r, Err(colt::Error::TransactionClosed)), "{r:?}");
        db.transaction(|tx| {
            assert_eq!(tx.get_or_err::<Account>(2)?.balance(), 50);
            Ok(())
        })
    });
}

/// A panic inside a savepoint's closure, caught by the program: the savepoint was neither
/// rolled back nor released, and a commit then kept what the closure had written before
/// the panic. The transaction ends with the panic. (Found by a review.)
#[test]
fn a_panic_inside_a_savepoint_ends_the_transaction() {
    all_backends(|backend| {
        let db = bank(backend)?;
        let tx = db.begin()?;
        tx.get_or_err::<Account>(2)?.set(|b| b.balance = 1)?;
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            tx.savepoint(|tx| -> colt::Result<()> {
                Account::build()
                    .id(9)
                    .email("z@x.org")
                    .balance(9)
                    .insert(tx)?;
                tx.flush()?;
                panic!("boom");
            })
        }));
        assert!(caught.is_err());
        let committed: colt::Result<()> = tx.commit();
        assert!(committed.is_err(), "{committed:?}");
        let rows = db.transaction(|tx| {
            select!(((a.id, a.balance) for a in Account).order_by(|a| a.id)).fetch(tx)
        })?;
        assert_eq!(rows, [(1, 100), (2, 50)], "{}", backend.name);
        Ok(())
    });
}

/// The same one level down, the panic caught inside the enclosing savepoint's closure: the
/// inner savepoint stayed open in the database, the outer's rollback took it (the same
/// name), and a commit kept what the outer closure wrote. The inner is rolled back, and the
/// outer fails in turn. (Found by a review of the guard.)
#[test]
fn a_panic_caught_between_nested_savepoints_fails_the_outer_one() {
    all_backends(|backend| {
        let db = bank(backend)?;
        let tx = db.begin()?;
        let outer = tx.savepoint(|tx| -> colt::Result<()> {
            Account::build()
                .id(9)
                .email("z@x.org")
                .balance(9)
                .insert(tx)?;
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                tx.savepoint(|tx| -> colt::Result<()> {
                    Account::build()
                        .id(10)
                        .email("y@x.org")
                        .balance(10)
                        .insert(tx)?;
                    panic!("boom");
                })
            }));
            assert!(caught.is_err());
            Ok(())
        });
        assert!(outer.is_err(), "{outer:?}");
        let committed = tx.commit();
        let rows = db.transaction(|tx| {
            select!(((a.id, a.balance) for a in Account).order_by(|a| a.id)).fetch(tx)
        })?;
        assert_eq!(
            rows,
            [(1, 100), (2, 50)],
            "{}: commit {committed:?}",
            backend.name
        );
        Ok(())
    });
}

/// The same after a failed write inside the inner savepoint: the failure marks the
/// transaction, so the panic guard's rollback (which asked for an open transaction) was
/// skipped, the outer's rollback took the inner savepoint left open, and a commit returned
/// `Ok` with what the outer closure wrote. (Found by a review.)
#[test]
fn a_panic_after_a_failed_write_between_nested_savepoints_fails_the_outer_one() {
    all_backends(|backend| {
        let db = bank(backend)?;
        let tx = db.begin()?;
        let outer = tx.savepoint(|tx| -> colt::Result<()> {
            Account::build()
                .id(9)
                .email("z@x.org")
                .balance(9)
                .insert(tx)?;
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                tx.savepoint(|tx| -> colt::Result<()> {
                    // Account 1 exists: the insert fails, then the program panics.
                    let duplicate = Account::build()
                        .id(1)
                        .email("d@x.org")
                        .balance(1)
                        .insert(tx);
                    assert!(duplicate.is_ok(), "boom: {duplicate:?}");
                    Ok(())
                })
            }));
            assert!(caught.is_err());
            Ok(())
        });
        assert!(outer.is_err(), "{outer:?}");
        let committed = tx.commit();
        let rows = db.transaction(|tx| {
            select!(((a.id, a.balance) for a in Account).order_by(|a| a.id)).fetch(tx)
        })?;
        assert_eq!(
            rows,
            [(1, 100), (2, 50)],
            "{}: commit {committed:?}",
            backend.name
        );
        Ok(())
    });
}

/// A savepoint whose flush deleted an account and then failed: the rows it deleted are back
/// after the rollback, but the flush's list of deleted rows was kept, and the next flush
/// followed them again: it read the loaded entry of that account and took, silently, the
/// account another transaction had moved it to meanwhile (value and snapshot, so the
/// optimistic check of the account it had read passed).
#[test]
fn a_rolled_back_delete_is_not_followed_later() {
    all_backends(|backend| {
        let db = bank(backend)?;
        db.transaction(|tx| {
            Account::build()
                .id(3)
                .email("cy@x.org")
                .balance(0)
                .insert(tx)?;
            tx.execute_sql(
                "CREATE TABLE hold (account BIGINT NOT NULL REFERENCES account (id))",
                &[],
            )?;
            tx.execute_sql("INSERT INTO hold VALUES (3)", &[])?;
            Ok(())
        })?;
        let tx = db.begin()?;
        let entry = tx.get_or_err::<Entry>(10)?;
        assert_eq!(*entry.account().key(), 1);
        let ann = tx.get_or_err::<Account>(1)?;
        let cy = tx.get_or_err::<Account>(3)?;
        let failed = tx.savepoint(|tx| {
            ann.delete(tx)?;
            // A table Colt does not know refers to Cy: the flush deletes Ann, then fails.
            cy.delete(tx)?;
            tx.flush()
        });
        assert!(failed.is_err(), "{failed:?}");
        if backend.is_postgres() {
            db.transaction(|other| {
                other.execute_sql("UPDATE entry SET account = 2 WHERE id = 10", &[])?;
                Ok(())
            })?;
        }
        // Any flush after it.
        tx.get_or_err::<Account>(2)?.set(|b| b.balance += 1)?;
        tx.flush()?;
        assert_eq!(*entry.account().key(), 1, "what the transaction read");
        entry.set(|e| e.amount = 5)?;
        let committed = tx.commit();
        if backend.is_postgres() {
            assert!(
                matches!(committed, Err(Error::UnrepeatableRead { .. })),
                "{committed:?}"
            );
        } else {
            committed?;
        }
        Ok(())
    });
}

/// A conflict met inside a savepoint that rolled back, and handled by the closure, made a
/// later unrelated error of the attempt retryable: `transaction_with_retry` ran the closure
/// again (its side effects outside the database twice).
#[test]
fn a_conflict_a_savepoint_undid_does_not_make_a_later_error_retryable() -> colt::Result<()> {
    common::each_backend(|backend| {
        let db = common::counter(backend)?;
        let runs = std::cell::Cell::new(0);
        let r: colt::Result<()> = db.transaction_with_retry(3, |tx| {
            runs.set(runs.get() + 1);
            let p = select!(p for p in common::Product if p.name == "counter").one(tx)?;
            let _ = p.price();
            // The row changes behind the object (here through raw SQL in the transaction).
            tx.execute_sql("UPDATE product SET price = price + 1", &[])?;
            let inner = tx.savepoint(|tx| {
                p.set(|p| p.price += 10)?;
                tx.flush()
            });
            assert!(
                matches!(inner, Err(Error::UnrepeatableRead { .. })),
                "{inner:?}"
            );
            Err(Error::InvalidQuery("a business rule".into()))
        });
        assert!(matches!(r, Err(Error::InvalidQuery(_))), "{r:?}");
        assert_eq!(runs.get(), 1, "{}", backend.name);
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
struct Shelf {
    #[colt(primary_key, auto)]
    id: i64,
    name: String,
    books: Set<Book>,
}

#[derive(Entity, Debug, Clone)]
struct Book {
    #[colt(primary_key, auto)]
    id: i64,
    title: String,
    shelf: Ref<Shelf>,
}

/// A reference made of an object a rolled-back savepoint inserted went to another row:
/// SQLite gave the freed key to the next shelf, and the book was filed there, with `Ok`
/// (PostgreSQL failed on the foreign key). A reference made of a deleted object is refused
/// when written (`ObjectDeleted`), on both backends, by insert and by `set`; found by the
/// eighteenth session's review.
#[test]
fn a_reference_to_an_object_a_rolled_back_savepoint_inserted_is_refused() {
    all_backends(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Shelf, Book])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let mut held = None;
            let undone: colt::Result<()> = tx.savepoint(|tx| {
                held = Some(Shelf::build().name("Poetry").insert(tx)?);
                Err(Error::InvalidQuery("changed my mind".into()))
            });
            assert!(undone.is_err());
            let Some(poetry) = held else {
                panic!("the savepoint inserted the shelf");
            };
            assert!(poetry.is_deleted());
            let fiction = Shelf::build().name("Fiction").insert(tx)?;
            let filed = Book::build().title("Odes").shelf(&poetry).insert(tx);
            assert!(
                matches!(filed, Err(Error::ObjectDeleted { entity: "Shelf" })),
                "{}: {filed:?}",
                backend.name
            );
            Ok(fiction)
        })
        .map(drop)?;
        let filed: Vec<String> = db.transaction(|tx| select!(b.title for b in Book).fetch(tx))?;
        assert!(filed.is_empty(), "{}: {filed:?}", backend.name);
        // By `set`, and a reference to the shelf that took the key is written.
        db.transaction(|tx| {
            let mut held = None;
            let _ = tx.savepoint(|tx| -> colt::Result<()> {
                held = Some(Shelf::build().name("Drama").insert(tx)?);
                Err(Error::InvalidQuery("changed my mind".into()))
            });
            let Some(drama) = held else {
                panic!("the savepoint inserted the shelf");
            };
            let fiction = select!(s for s in Shelf if s.name == "Fiction").one(tx)?;
            let book = Book::build().title("Ion").shelf(&fiction).insert(tx)?;
            let moved = book.set(|b| b.shelf = (&drama).into());
            assert!(
                matches!(moved, Err(Error::ObjectDeleted { entity: "Shelf" })),
                "{}: {moved:?}",
                backend.name
            );
            Ok(())
        })?;
        let filed: Vec<(String, String)> =
            db.transaction(|tx| select!((b.title, b.shelf.name) for b in Book).fetch(tx))?;
        assert_eq!(filed, [("Ion".to_string(), "Fiction".to_string())]);
        Ok(())
    })
}

/// A savepoint rolled back forgets the references made inside of objects deleted inside:
/// the objects are back, and a reference to them is written (found by the review of the
/// refusal above).
#[test]
fn a_reference_made_of_an_object_a_savepoint_deleted_is_written_after_its_rollback() {
    all_backends(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Shelf, Book])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let poetry = Shelf::build().name("Poetry").insert(tx)?;
            let undone: colt::Result<()> = tx.savepoint(|tx| {
                poetry.delete(tx)?;
                let _made: Ref<Shelf> = (&poetry).into();
                Err(Error::InvalidQuery("changed my mind".into()))
            });
            assert!(undone.is_err());
            assert!(!poetry.is_deleted());
            Book::build().title("Odes").shelf(&poetry).insert(tx)?;
            Ok(())
        })?;
        let filed: Vec<(String, String)> =
            db.transaction(|tx| select!((b.title, b.shelf.name) for b in Book).fetch(tx))?;
        assert_eq!(filed, [("Odes".to_string(), "Poetry".to_string())]);
        Ok(())
    })
}

/// A deleted object given to a query was its key, which SQLite gives the next row
/// inserted: `b.shelf == poetry` found the books of the shelf that took it (found by the
/// eighteenth session's review). A query given a deleted object is `ObjectDeleted`, and the
/// transaction goes on.
#[test]
fn a_query_given_a_deleted_object_is_refused() {
    all_backends(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Shelf, Book])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let mut held = None;
            let _ = tx.savepoint(|tx| -> colt::Result<()> {
                held = Some(Shelf::build().name("Poetry").insert(tx)?);
                Err(Error::InvalidQuery("changed my mind".into()))
            });
            let Some(poetry) = held else {
                panic!("the savepoint inserted the shelf");
            };
            let fiction = Shelf::build().name("Fiction").insert(tx)?;
            Book::build().title("Emma").shelf(&fiction).insert(tx)?;
            let found = select!(b.title for b in Book if b.shelf == poetry).fetch(tx);
            assert!(
                matches!(found, Err(Error::ObjectDeleted { entity: "Shelf" })),
                "{}: {found:?}",
                backend.name
            );
            let shelves = [poetry.clone(), fiction.clone()];
            let among = select!(b.title for b in Book if shelves.contains(&b.shelf)).fetch(tx);
            assert!(
                matches!(among, Err(Error::ObjectDeleted { entity: "Shelf" })),
                "{}: {among:?}",
                backend.name
            );
            // A deleted object, its delete written.
            let drama = Shelf::build().name("Drama").insert(tx)?;
            drama.delete(tx)?;
            tx.flush()?;
            let found = select!(b.title for b in Book if b.shelf == drama).fetch(tx);
            assert!(
                matches!(found, Err(Error::ObjectDeleted { entity: "Shelf" })),
                "{}: {found:?}",
                backend.name
            );
            // The transaction goes on.
            assert_eq!(
                select!(b.title for b in Book if b.shelf == fiction).fetch(tx)?,
                ["Emma"]
            );
            Ok(())
        })?;
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "purse")]
struct Purse {
    #[colt(primary_key)]
    id: i64,
    name: String,
    total: i64,
    coins: Set<Coin>,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "coin")]
struct Coin {
    #[colt(primary_key)]
    id: i64,
    purse: Ref<Purse>,
    amount: i64,
}

/// A trigger of another table (a coin's insert adds to its purse's total) wrote inside a
/// savepoint; the object read there kept the value read after the rollback undid it (105
/// where the row holds 100), and its next write was a conflict (found by the eighteenth
/// session's review). A write inside a savepoint to a table with triggers is treated as raw
/// SQL is: the rollback reads every column again.
#[test]
fn a_trigger_of_another_table_inside_a_rolled_back_savepoint() {
    all_backends(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Purse, Coin])?;
        db.create_tables()?;
        db.transaction(|tx| {
            if backend.is_postgres() {
                tx.execute_sql(
                    "CREATE FUNCTION coin_total() RETURNS trigger LANGUAGE plpgsql AS \
                     $$ BEGIN UPDATE purse SET total = total + NEW.amount WHERE id = NEW.purse; \
                     RETURN NEW; END $$",
                    &[],
                )?;
                tx.execute_sql(
                    "CREATE TRIGGER coin_total AFTER INSERT ON coin \
                     FOR EACH ROW EXECUTE FUNCTION coin_total()",
                    &[],
                )?;
            } else {
                tx.execute_sql(
                    "CREATE TRIGGER coin_total AFTER INSERT ON coin BEGIN \
                     UPDATE purse SET total = total + NEW.amount WHERE id = NEW.purse; END",
                    &[],
                )?;
            }
            Purse::build().id(1).name("a").total(100).insert(tx)?;
            Ok(())
        })?;
        db.transaction(|tx| {
            let purse = tx.get_or_err::<Purse>(1)?;
            let undone: colt::Result<()> = tx.savepoint(|tx| {
                Coin::build().id(20).purse(&purse).amount(5).insert(tx)?;
                select!(p for p in Purse if p.id == 1).one(tx)?;
                assert_eq!(purse.total(), 105);
                Err(Error::InvalidQuery("undo".into()))
            });
            assert!(undone.is_err());
            assert_eq!(purse.total(), 100, "{}", backend.name);
            purse.set(|p| p.name = "z".into())?;
            Ok(())
        })?;
        let rows: Vec<(String, i64)> =
            db.transaction(|tx| select!((p.name, p.total) for p in Purse).fetch(tx))?;
        assert_eq!(rows, [("z".to_string(), 100)], "{}", backend.name);
        Ok(())
    })
}
