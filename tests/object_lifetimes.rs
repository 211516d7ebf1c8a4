//! Objects are allocated in chunks per entity and transaction (`runtime/src/arena.rs`): these
//! tests keep handles past their transaction, across chunk boundaries, in pending changes and
//! after failures, and drop them in every order, checking that each handle still reads its
//! own row. (Run under `valgrind --tool=memcheck` to check the memory side as well.)

mod common;

use colt::prelude::*;
use common::{each_backend, Category};

fn categories(db: &Database, n: usize) -> colt::Result<()> {
    db.transaction(|tx| {
        for i in 0..n {
            Category::build().name(format!("c{i:04}")).insert(tx)?;
        }
        Ok(())
    })
}

#[test]
fn handles_outlive_their_transaction_and_chunks() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.open();
        db.bind(schema![Category])?;
        db.create_tables()?;
        // 3 000 objects span chunks of 4, 8, ... 1 024 cells.
        categories(&db, 3000)?;
        let all =
            db.transaction(|tx| select!((c for c in Category).order_by(|c| c.name)).fetch(tx))?;
        assert_eq!(all.len(), 3000);
        // Keep every 7th handle and a clone of every 11th; drop the rest now.
        let kept: Vec<Obj<Category>> = all.iter().step_by(7).cloned().collect();
        let cloned: Vec<Obj<Category>> = all.iter().step_by(11).cloned().collect();
        drop(all);
        for (i, c) in kept.iter().enumerate() {
            assert_eq!(c.name(), format!("c{:04}", i * 7));
        }
        // Drop from the back, then check the clones again.
        drop(kept.into_iter().rev().collect::<Vec<_>>());
        for (i, c) in cloned.iter().enumerate() {
            assert_eq!(c.name(), format!("c{:04}", i * 11));
        }
        Ok(())
    })
}

#[test]
fn identity_and_changes_survive_many_objects() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.open();
        db.bind(schema![Category])?;
        db.create_tables()?;
        categories(&db, 100)?;
        db.transaction(|tx| {
            let first = select!((c for c in Category).order_by(|c| c.name)).fetch(tx)?;
            // Changed objects wait in the pending list; the handles are dropped meanwhile.
            for c in first.iter().step_by(3) {
                c.set(|c| c.name.push('!'))?;
            }
            let again = select!((c for c in Category).order_by(|c| c.id)).fetch(tx)?;
            drop(first);
            assert_eq!(again.len(), 100);
            // The same rows are the same objects, and they kept their changes.
            for c in &again {
                let same = tx.get::<Category>(c.key())?.expect("loaded");
                assert!(Obj::ptr_eq(c, &same));
            }
            let changed = again.iter().filter(|c| c.name().ends_with('!')).count();
            assert_eq!(changed, 34);
            // New objects share the chunks with loaded ones.
            let fresh: Vec<Obj<Category>> = (0..20)
                .map(|i| Category::build().name(format!("new{i}")).insert(tx))
                .collect::<colt::Result<_>>()?;
            assert_eq!(fresh[19].name(), "new19");
            Ok(())
        })?;
        let saved =
            db.transaction(|tx| select!(c for c in Category if c.name.ends_with("!")).count(tx))?;
        assert_eq!(saved, 34);
        Ok(())
    })
}

#[test]
fn a_failed_transaction_releases_its_pending_objects() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.open();
        db.bind(schema![Category])?;
        db.create_tables()?;
        categories(&db, 10)?;
        let tx = db.begin()?;
        let loaded = select!(c for c in Category).fetch(&tx)?;
        for c in &loaded {
            c.set(|c| c.name = "same".into())?;
        }
        // The flush fails on the unique name; the transaction closes with its pending list.
        assert!(tx.flush().is_err());
        drop(tx);
        // The handles still read the values they had in memory.
        assert!(loaded.iter().all(|c| c.name() == "same"));
        drop(loaded);
        let names = db.transaction(|tx| select!(c.name for c in Category).fetch(tx))?;
        assert_eq!(names.len(), 10);
        assert!(!names.contains(&"same".to_string()));
        Ok(())
    })
}

#[test]
fn a_first_result_keeps_identity_without_a_lookup_per_row() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.open();
        db.bind(schema![Category])?;
        db.create_tables()?;
        categories(&db, 50)?;
        db.transaction(|tx| {
            // The first result of an entity in a transaction is added without a map lookup
            // per row; every later way of reaching the same rows must still find these objects.
            let all = select!((c for c in Category).order_by(|c| c.id)).fetch(tx)?;
            let one = select!(c for c in Category if c.name == "c0007").one(tx)?;
            assert!(Obj::ptr_eq(&all[7], &one));
            let got = tx.get::<Category>(all[30].key())?.expect("loaded");
            assert!(Obj::ptr_eq(&all[30], &got));
            let pairs = select!((c, c.name) for c in Category if c.name == "c0042").fetch(tx)?;
            assert!(Obj::ptr_eq(&all[42], &pairs[0].0));
            // A bulk delete marks the loaded objects of the rows it deleted.
            let gone = select!(c for c in Category if c.name == "c0049").delete(tx)?;
            assert_eq!(gone, 1);
            assert!(all[49].is_deleted());
            assert!(!all[48].is_deleted());
            Ok(())
        })?;
        // In a new transaction: a filtered first result, then a wider one merged into it.
        db.transaction(|tx| {
            let first = select!(c for c in Category if c.name.starts_with("c00")).fetch(tx)?;
            let again = select!(c for c in Category).fetch(tx)?;
            assert_eq!(again.len(), 49);
            for c in &first {
                assert!(again.iter().any(|a| Obj::ptr_eq(a, c)));
            }
            Ok(())
        })
    })
}

#[test]
fn the_unhashed_objects_of_a_large_first_result_keep_identity_and_handles() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.open();
        db.bind(schema![Category])?;
        db.create_tables()?;
        categories(&db, 3000)?;
        // The identity map keeps a first result's objects as runs of cells until a lookup
        // needs them hashed. Here no lookup comes: the runs are given back with the
        // transaction, while some handles live on.
        let kept = db.transaction(|tx| {
            let all = select!((c for c in Category).order_by(|c| c.id)).fetch(tx)?;
            Ok(all.into_iter().step_by(13).collect::<Vec<_>>())
        })?;
        for (i, c) in kept.iter().enumerate() {
            assert_eq!(c.name(), format!("c{:04}", i * 13));
        }
        drop(kept);
        db.transaction(|tx| {
            // A new object placed between two cells of a run's chunk ends the run.
            let all = select!((c for c in Category).order_by(|c| c.id)).fetch(tx)?;
            let new = Category::build().name("new").insert(tx)?;
            // Lookups hash every kept cell, and find each one's object.
            for i in (0..3000).step_by(101) {
                let got = tx.get::<Category>(all[i].key())?.expect("loaded");
                assert!(Obj::ptr_eq(&all[i], &got), "{i}");
            }
            let again = tx.get::<Category>(new.key())?.expect("inserted");
            assert!(Obj::ptr_eq(&new, &again));
            assert_eq!(select!(c for c in Category).count(tx)?, 3001);
            Ok(())
        })
    })
}

#[test]
fn savepoint_rollbacks_keep_and_release_handles() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.open();
        db.bind(schema![Category])?;
        db.create_tables()?;
        categories(&db, 40)?;
        let mut survivors = Vec::new();
        db.transaction(|tx| {
            let before = select!((c for c in Category).order_by(|c| c.name)).fetch(tx)?;
            let mut made = Vec::new();
            let r: colt::Result<()> = tx.savepoint(|tx| {
                // Deleted inside (kept in the savepoint's list), made inside, pending inside.
                for c in before.iter().step_by(3) {
                    c.delete(tx)?;
                }
                tx.flush()?;
                for i in 0..20 {
                    made.push(Category::build().name(format!("n{i:02}")).insert(tx)?);
                }
                before[1].set(|c| c.name.push('!'))?;
                Err(colt::Error::InvalidQuery("undo".into()))
            });
            assert!(r.is_err());
            assert!(made.iter().all(Obj::is_deleted));
            drop(made);
            for (i, c) in before.iter().enumerate() {
                assert!(!c.is_deleted());
                assert_eq!(c.name(), format!("c{i:04}"));
            }
            survivors.extend(before.into_iter().step_by(5));
            Ok(())
        })?;
        // Past the transaction, in reverse order.
        for (i, c) in survivors.iter().enumerate().rev() {
            assert_eq!(c.name(), format!("c{:04}", i * 5));
        }
        Ok(())
    })
}

#[test]
fn reused_blocks_never_hold_a_kept_object() -> colt::Result<()> {
    // A freed chunk's block is kept for the thread's next chunk of its size
    // (`SpareBlocks`): the next transactions load into the blocks of the last one, while a
    // handle kept from an earlier transaction keeps its own block out of reuse.
    each_backend(|backend| {
        let db = backend.open();
        db.bind(schema![Category])?;
        db.create_tables()?;
        categories(&db, 600)?;
        let mut kept: Vec<Obj<Category>> = Vec::new();
        for round in 0..6 {
            let all = db.transaction(|tx| {
                let all = select!((c for c in Category).order_by(|c| c.name)).fetch(tx)?;
                // Every object of this transaction reads its own row, though its block
                // held the objects of the transaction before.
                for (i, c) in all.iter().enumerate() {
                    assert_eq!(c.name(), format!("c{i:04}"));
                }
                Ok(all)
            })?;
            // Keep one object of every other round (its chunk's block stays its own).
            if round % 2 == 0 {
                kept.push(all[round * 97].clone());
            }
            drop(all);
            for (j, c) in kept.iter().enumerate() {
                assert_eq!(c.name(), format!("c{:04}", j * 2 * 97));
            }
        }
        // Threads keep blocks of their own and free them when they end.
        std::thread::scope(|s| {
            s.spawn(|| db.transaction(|tx| select!(c for c in Category).fetch(tx).map(|v| v.len())))
                .join()
                .map_err(|_| colt::Error::InvalidQuery("the thread panicked".into()))?
        })?;
        Ok(())
    })
}
