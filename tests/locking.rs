//! `for_update().nowait()` and `.skip_locked()` (issue 14): against a transaction that holds
//! locks, on both backends (SQLite locks the whole database, not rows).

mod common;

use std::sync::mpsc;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
struct Job {
    #[colt(primary_key)]
    id: i64,
    done: bool,
}

#[test]
fn nowait_fails_at_once_and_skip_locked_skips() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Job])?;
        db.create_tables()?;
        db.transaction(|tx| {
            for id in 1..=3 {
                Job::build().id(id).done(false).insert(tx)?;
            }
            Ok(())
        })?;
        let (locked_tx, locked_rx) = mpsc::channel();
        let (done_tx, done_rx) = mpsc::channel::<()>();
        std::thread::scope(|s| -> colt::Result<()> {
            let db = &db;
            let holder = s.spawn(move || {
                db.transaction(|tx| {
                    let mine = select!(j for j in Job if j.id == 1)
                        .for_update()
                        .fetch(tx)?;
                    assert_eq!(mine.len(), 1);
                    let _ = locked_tx.send(());
                    let _ = done_rx.recv();
                    Ok(())
                })
            });
            let _ = locked_rx.recv();
            let started = std::time::Instant::now();
            let r = db.transaction(|tx| {
                select!(j for j in Job if j.id == 1)
                    .for_update()
                    .nowait()
                    .fetch(tx)
            });
            assert!(matches!(r, Err(Error::LockNotAvailable(_))), "{r:?}");
            assert!(started.elapsed() < std::time::Duration::from_secs(2));
            // Not waiting was asked for: no retry runs the closure again (on SQLite the
            // BUSY behind the error counted as retryable, and it ran four times).
            let mut attempts = 0;
            let again = db.try_transaction_with_retry(3, |tx| {
                attempts += 1;
                select!(j for j in Job if j.id == 1)
                    .for_update()
                    .nowait()
                    .fetch(tx)
                    .map(|_| ())
            });

            let skipped = db.transaction(|tx| {
                select!((j.id for j in Job).order_by(|j| j.id))
                    .without_distinct()
                    .for_update()
                    .skip_locked()
                    .fetch(tx)
            });
            if backend.is_postgres() {
                assert_eq!(skipped?, [2, 3]);
            } else {
                assert!(
                    matches!(skipped, Err(Error::InvalidQuery(_))),
                    "{skipped:?}"
                );
            }
            let _ = done_tx.send(());
            holder.join().expect("the holder")?;
            assert!(
                matches!(again, Err(Error::LockNotAvailable(_))),
                "{again:?}"
            );
            assert_eq!(attempts, 1, "{}", backend.name);
            Ok(())
        })?;
        // Free again: nowait takes the lock.
        let all = db.transaction(|tx| select!(j for j in Job).for_update().nowait().fetch(tx))?;
        assert_eq!(all.len(), 3);
        Ok(())
    })
}

/// A result kept before the transaction took its lock is not served after it: read before
/// the lock, it may miss a change another transaction committed since, which the lock is
/// there to exclude (a balance read again after `for_update()` was the one read before).
#[test]
fn a_lock_makes_earlier_results_stale() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Job])?;
        db.create_tables()?;
        db.transaction(|tx| {
            Job::build().id(1).done(false).insert(tx)?;
            Ok(())
        })?;
        let done = || select!(j.done for j in Job if j.id == 1);
        let tx = db.begin()?;
        assert!(!done().one(&tx)?);
        db.transaction(|other| {
            select!(Job.filter(|j| j.id == 1).set(|j| j.done = true)).update(other)?;
            Ok(())
        })?;
        select!(j for j in Job if j.id == 2)
            .for_update()
            .fetch(&tx)?;
        assert!(done().one(&tx)?);
        tx.commit()?;
        // A transaction writing already (PostgreSQL: each statement reads what was committed
        // before it; SQLite's write lock keeps the other writer out, so not there).
        if backend.is_postgres() {
            let tx = db.begin()?;
            Job::build().id(2).done(false).insert(&tx)?;
            assert!(done().one(&tx)?);
            db.transaction(|other| {
                select!(Job.filter(|j| j.id == 1).set(|j| j.done = false)).update(other)?;
                Ok(())
            })?;
            select!(j for j in Job if j.id == 1)
                .for_update()
                .fetch(&tx)?;
            assert!(!done().one(&tx)?);
            tx.commit()?;
        }
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
struct Team {
    #[colt(primary_key)]
    id: i64,
    members: Set<Member>,
}

#[derive(Entity, Debug, Clone)]
struct Member {
    #[colt(primary_key)]
    id: i64,
    team: Ref<Team>,
}

/// A collection loaded before a `for_update()` query is read again after it, as kept
/// results are (PostgreSQL; on SQLite the write lock keeps the other writer out).
#[test]
fn a_lock_makes_earlier_collections_stale() -> colt::Result<()> {
    each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Team, Member])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let t = Team::build().id(1).insert(tx)?;
            Member::build().id(1).team(&t).insert(tx)?;
            Ok(())
        })?;
        let tx = db.begin()?;
        let team = tx.get_or_err::<Team>(1)?;
        assert_eq!(team.members().fetch(&tx)?.len(), 1);
        db.transaction(|other| {
            let t = other.get_or_err::<Team>(1)?;
            Member::build().id(2).team(&t).insert(other)?;
            Ok(())
        })?;
        select!(t for t in Team if t.id == 1)
            .for_update()
            .fetch(&tx)?;
        assert_eq!(team.members().fetch(&tx)?.len(), 2);
        tx.commit()?;
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
struct Queue {
    #[colt(primary_key)]
    id: i64,
    name: String,
    jobs: Set<Task>,
    spare: Set<Task>,
}

#[derive(Entity, Debug, Clone)]
struct Task {
    #[colt(primary_key)]
    id: i64,
    #[colt(reverse = "jobs")]
    queue: Ref<Queue>,
    #[colt(reverse = "spare")]
    fallback: Option<Ref<Queue>>,
    done: bool,
}

/// PostgreSQL: a locking query filtered through a reference locked the referenced row too
/// (`FOR UPDATE` without `OF`): a second worker's `skip_locked()` skipped every job of the
/// queue the first had locked, and a query through an optional reference (a left join) was
/// refused. Only the query's own rows are locked now.
#[test]
fn a_lock_takes_only_the_rows_the_query_returns() -> colt::Result<()> {
    each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Queue, Task])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let mail = Queue::build().id(1).name("mail").insert(tx)?;
            for id in 1..=3 {
                Task::build()
                    .id(id)
                    .queue(&mail)
                    .fallback(None::<Ref<Queue>>)
                    .done(false)
                    .insert(tx)?;
            }
            Ok(())
        })?;
        let next = |tx: &Transaction| {
            select!((t for t in Task if t.queue.name == "mail" && !t.done).order_by(|t| t.id))
                .for_update()
                .skip_locked()
                .first(tx)
        };
        let first = db.begin()?;
        assert_eq!(next(&first)?.map(|t| t.id()), Some(1));
        let second = db.begin()?;
        assert_eq!(next(&second)?.map(|t| t.id()), Some(2));
        // Through an optional reference (a left join).
        let spare = select!((t for t in Task if t.fallback.name == "none").order_by(|t| t.id))
            .for_update()
            .skip_locked()
            .fetch(&second)?;
        assert!(spare.is_empty());
        second.commit()?;
        first.commit()?;
        // Every variable, and every object returned, is locked (a generator over a
        // collection, a referenced object projected).
        let pairs = select!((q, t) for q in Queue for t in q.jobs).for_update();
        let sql = pairs.sql(colt::Dialect::Postgres);
        assert!(sql.ends_with(r#" FOR UPDATE OF "q", "t""#), "{sql}");
        let with_queue = select!((t, t.queue) for t in Task).for_update();
        let sql = with_queue.sql(colt::Dialect::Postgres);
        assert!(sql.contains(r#" FOR UPDATE OF "t", "#), "{sql}");
        // A variable joined inner below a left join is locked.
        let below = select!((t, j) for t in Task for j in t.fallback.jobs).for_update();
        let sql = below.sql(colt::Dialect::Postgres);
        assert!(sql.ends_with(r#" FOR UPDATE OF "t", "j""#), "{sql}");
        // Not a row a left join reaches (PostgreSQL refuses to lock it): the query runs.
        let tx = db.begin()?;
        let with_fallback = select!((t, t.fallback) for t in Task).for_update();
        assert!(
            with_fallback
                .sql(colt::Dialect::Postgres)
                .ends_with(r#" FOR UPDATE OF "t""#),
            "{}",
            with_fallback.sql(colt::Dialect::Postgres)
        );
        assert_eq!(with_fallback.fetch(&tx)?.len(), 3);
        tx.commit()?;
        Ok(())
    })
}
