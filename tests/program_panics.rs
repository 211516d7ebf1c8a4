//! A panic of the program's own code (a value type's `Drop` or `Clone`) while Colt works:
//! nothing is lost, no change is half made. (Found by a review of the object core.)
#![cfg(feature = "json")]

mod common;

use std::cell::Cell;
use std::time::Duration;

use colt::prelude::*;
use colt::Json;
use common::all_backends;
use serde::{Deserialize, Serialize};

thread_local! {
    /// When set, dropping a `Tag` panics (once).
    static DROP_PANICS: Cell<bool> = const { Cell::new(false) };
}

/// A value whose `Drop` panics on demand (held as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Tag {
    name: String,
}

impl Drop for Tag {
    fn drop(&mut self) {
        if DROP_PANICS.with(|p| p.replace(false)) {
            panic!("a Tag dropped");
        }
    }
}

#[derive(Entity, Debug, Clone)]
struct Item {
    #[colt(primary_key)]
    id: i64,
    tag: Json<Tag>,
}

/// The transaction's objects were dropped before its connection went back to the pool: a
/// panic in one lost the connection, and with it a `sqlite::memory:` database (its only
/// connection) and, for a file or a server, one of the pool's places for good.
#[test]
fn a_panic_dropping_objects_at_the_end_keeps_the_connection() {
    let db = Database::builder("sqlite::memory:")
        .acquire_timeout(Duration::from_millis(300))
        .open()
        .expect("open");
    db.bind(schema![Item]).expect("bind");
    db.create_tables().expect("tables");
    db.transaction(|tx| {
        Item::build()
            .id(1)
            .tag(Json(Tag { name: "t".into() }))
            .insert(tx)?;
        Ok(())
    })
    .expect("insert");
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        db.transaction(|tx| {
            // The identity map holds the last handle: the value is dropped as it ends.
            tx.get_or_err::<Item>(1)?;
            DROP_PANICS.with(|p| p.set(true));
            Ok(())
        })
    }));
    DROP_PANICS.with(|p| p.set(false));
    assert!(caught.is_err(), "no panic");
    let again = db.transaction(|tx| Ok(tx.get_or_err::<Item>(1)?.tag().0.name.clone()));
    assert_eq!(again.expect("the database is still there"), "t");
}

/// The same with a pool of one connection on each backend: the next transaction waited for
/// a connection nobody would give back.
#[test]
fn a_panic_dropping_objects_keeps_the_pools_place() {
    all_backends(|backend| {
        let db = Database::builder(&backend.fresh_url())
            .max_connections(1)
            .acquire_timeout(Duration::from_millis(300))
            .open()?;
        db.bind(schema![Item])?;
        db.create_tables()?;
        db.transaction(|tx| {
            Item::build()
                .id(1)
                .tag(Json(Tag { name: "t".into() }))
                .insert(tx)?;
            Ok(())
        })?;
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            db.transaction(|tx| {
                tx.get_or_err::<Item>(1)?;
                DROP_PANICS.with(|p| p.set(true));
                Ok(())
            })
        }));
        DROP_PANICS.with(|p| p.set(false));
        assert!(caught.is_err(), "no panic");
        let tag = db.transaction(|tx| Ok(tx.get_or_err::<Item>(1)?.tag().0.name.clone()))?;
        assert_eq!(tag, "t");
        Ok(())
    });
}
