//! The connection options of `Database::builder` and of URLs (issue 17), each on the backend
//! it concerns: connection lifetime and idle timeout, the after-connect hook, SQLite's
//! `synchronous`, `foreign_keys`, `busy_timeout` and `journal_mode`, PostgreSQL's
//! `application_name`; options set in code win over the URL's.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use colt::prelude::*;
use common::each_backend;

fn with_param(url: &str, param: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{param}")
}

/// Which server process or SQLite connection serves a transaction: PostgreSQL's backend pid;
/// on SQLite, whether the connection's `last_insert_rowid()` is still the marker an earlier
/// transaction inserted (it belongs to one connection; a TEMP table would do too, but raw SQL
/// that makes one has its connection closed afterwards).
fn same_connection_as_before(db: &Database, postgres: bool, before: &mut Option<i64>) -> bool {
    if postgres {
        let pid: Vec<(i32,)> = db
            .transaction(|tx| tx.query_sql("SELECT pg_backend_pid()", &[]))
            .expect("pid");
        let pid = i64::from(pid[0].0);
        let same = *before == Some(pid);
        *before = Some(pid);
        same
    } else {
        let marked: Vec<(i64,)> = db
            .transaction(|tx| tx.query_sql("SELECT last_insert_rowid()", &[]))
            .expect("marker");
        if marked[0].0 == 4242 {
            true
        } else {
            db.transaction(|tx| {
                tx.execute_sql(
                    "CREATE TABLE IF NOT EXISTS marker (x INTEGER PRIMARY KEY)",
                    &[],
                )?;
                tx.execute_sql("INSERT OR REPLACE INTO marker VALUES (4242)", &[])
            })
            .expect("mark");
            false
        }
    }
}

#[test]
fn a_connection_past_its_lifetime_or_idle_time_is_not_reused() -> colt::Result<()> {
    each_backend(|backend| {
        let pg = backend.is_postgres();
        // Without either: the one connection serves again.
        let db = Database::builder(&backend.fresh_url())
            .max_connections(1)
            .open()?;
        let mut pid = None;
        same_connection_as_before(&db, pg, &mut pid);
        assert!(same_connection_as_before(&db, pg, &mut pid));

        for builder in [
            Database::builder(&backend.fresh_url()).max_lifetime(Duration::from_millis(100)),
            Database::builder(&backend.fresh_url()).idle_timeout(Duration::from_millis(100)),
        ] {
            let db = builder.max_connections(1).open()?;
            let mut pid = None;
            same_connection_as_before(&db, pg, &mut pid);
            assert!(
                same_connection_as_before(&db, pg, &mut pid),
                "reused at once"
            );
            std::thread::sleep(Duration::from_millis(150));
            assert!(
                !same_connection_as_before(&db, pg, &mut pid),
                "a new connection after the limit"
            );
        }
        Ok(())
    })
}

#[test]
fn lifetimes_are_refused_for_an_in_memory_database() {
    for builder in [
        Database::builder("sqlite::memory:").max_lifetime(Duration::from_secs(60)),
        Database::builder("sqlite::memory:").idle_timeout(Duration::from_secs(60)),
        Database::builder("sqlite::memory:").idle_timeout(Duration::ZERO),
    ] {
        assert!(matches!(
            builder.open(),
            Err(Error::InvalidOption { option, .. }) if option == "max_lifetime" || option == "idle_timeout"
        ));
    }
}

#[test]
fn the_after_connect_hook_runs_on_every_new_connection() -> colt::Result<()> {
    each_backend(|backend| {
        let calls = Arc::new(AtomicUsize::new(0));
        let seen = calls.clone();
        let setting = if backend.is_postgres() {
            "SET application_name = 'hooked'"
        } else {
            "PRAGMA cache_size = -4321"
        };
        let db = Database::builder(&backend.fresh_url())
            .max_connections(2)
            .after_connect(move |conn| {
                seen.fetch_add(1, Ordering::SeqCst);
                conn.execute(setting)
            })
            .open()?;
        assert_eq!(calls.load(Ordering::SeqCst), 1, "the first connection");
        // Two transactions at once: a second connection, hooked too.
        let a = db.begin()?;
        let b = db.begin()?;
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        let read = if backend.is_postgres() {
            "SELECT current_setting('application_name')"
        } else {
            "SELECT CAST(cache_size AS TEXT) FROM pragma_cache_size"
        };
        for tx in [&a, &b] {
            let value: Vec<(String,)> = tx.query_sql(read, &[])?;
            let want = if backend.is_postgres() {
                "hooked"
            } else {
                "-4321"
            };
            assert_eq!(value[0].0, want);
        }
        drop((a, b));
        // A failing hook fails the opening.
        let failed = Database::builder(&backend.fresh_url())
            .after_connect(|conn| conn.execute("SELECT * FROM no_such_table"))
            .open();
        assert!(failed.is_err());
        Ok(())
    })
}

/// `PRAGMA name` on a connection of `db`, as an integer.
fn pragma(db: &Database, name: &str) -> colt::Result<i64> {
    let rows: Vec<(i64,)> = db.transaction(|tx| tx.query_sql(&format!("PRAGMA {name}"), &[]))?;
    Ok(rows[0].0)
}

#[test]
fn sqlite_pragmas_from_the_builder_and_the_url() -> colt::Result<()> {
    let file = common::TempDb::new("options");
    let url = file.url();
    let db = Database::open(&url)?;
    assert_eq!(pragma(&db, "foreign_keys")?, 1, "on by default");
    assert_eq!(pragma(&db, "busy_timeout")?, 5000);
    drop(db);

    let db = Database::builder(&url)
        .synchronous(colt::Synchronous::Normal)
        .foreign_keys(false)
        .busy_timeout(Duration::from_millis(250))
        .open()?;
    assert_eq!(pragma(&db, "synchronous")?, 1);
    assert_eq!(pragma(&db, "foreign_keys")?, 0);
    assert_eq!(pragma(&db, "busy_timeout")?, 250);
    drop(db);

    let from_url = with_param(
        &url,
        "synchronous=off&foreign_keys=off&busy_timeout=1234&journal_mode=wal",
    );
    let db = Database::open(&from_url)?;
    assert_eq!(pragma(&db, "synchronous")?, 0);
    assert_eq!(pragma(&db, "foreign_keys")?, 0);
    assert_eq!(pragma(&db, "busy_timeout")?, 1234);
    let mode: Vec<(String,)> = db.transaction(|tx| tx.query_sql("PRAGMA journal_mode", &[]))?;
    assert_eq!(mode[0].0, "wal");
    drop(db);

    // Code wins over the URL.
    let db = Database::builder(&from_url)
        .synchronous(colt::Synchronous::Full)
        .foreign_keys(true)
        .open()?;
    assert_eq!(pragma(&db, "synchronous")?, 2);
    assert_eq!(pragma(&db, "foreign_keys")?, 1);
    drop(db);

    // The in-memory database takes them too; a bad value is a clear error.
    let db = Database::open("sqlite::memory:?foreign_keys=off")?;
    assert_eq!(pragma(&db, "foreign_keys")?, 0);
    for bad in [
        "synchronous=sometimes",
        "foreign_keys=maybe",
        "busy_timeout=soon",
        "cache=big",
    ] {
        match Database::open(&with_param(&url, bad)) {
            Err(Error::InvalidUrl { reason, .. }) => {
                assert!(
                    reason.contains(bad.split('=').next().unwrap_or(bad)),
                    "{reason}"
                )
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
    Ok(())
}

#[test]
fn a_migration_gives_back_the_configured_foreign_keys() -> colt::Result<()> {
    let file = common::TempDb::new("options-fk");
    let db = Database::builder(&file.url()).foreign_keys(false).open()?;
    let migrations = colt::migrations::Migrations::new(vec![colt::migrations::Migration::new(
        1,
        "one",
        "CREATE TABLE t (id INTEGER PRIMARY KEY)",
    )])?;
    db.migrate(&migrations)?;
    assert_eq!(pragma(&db, "foreign_keys")?, 0, "still off, as configured");
    Ok(())
}

#[test]
fn postgres_application_name_from_the_builder_and_the_url() -> colt::Result<()> {
    each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let name = |db: &Database| -> colt::Result<String> {
            let rows: Vec<(String,)> = db.transaction(|tx| {
                tx.query_sql("SELECT current_setting('application_name')", &[])
            })?;
            Ok(rows[0].0.clone())
        };
        let url = backend.fresh_url();
        let db = Database::builder(&url)
            .application_name("colt-tests")
            .open()?;
        assert_eq!(name(&db)?, "colt-tests");
        let from_url = with_param(&url, "application_name=from-url");
        assert_eq!(name(&Database::open(&from_url)?)?, "from-url");
        let db = Database::builder(&from_url)
            .application_name("code-wins")
            .open()?;
        assert_eq!(name(&db)?, "code-wins");
        Ok(())
    })
}

/// PostgreSQL: a hook that sets another `client_encoding` would have the server take Colt's
/// UTF-8 text in that encoding (`é` stored as `Ã©`, garbled for every other client, while
/// Colt read its own bytes back unchanged): the opening fails, saying why. (Found by a
/// review.)
#[test]
fn a_hook_that_changes_the_client_encoding_is_refused() -> colt::Result<()> {
    common::each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let opened = Database::builder(&backend.fresh_url())
            .after_connect(|conn| conn.execute("SET client_encoding = 'LATIN1'"))
            .open()
            .and_then(|db| db.transaction(|tx| tx.query_sql::<(i64,)>("SELECT 1", &[])));
        assert!(
            matches!(&opened, Err(colt::Error::InvalidOption { option: "after_connect", reason }) if reason.contains("LATIN1")),
            "{opened:?}"
        );
        Ok(())
    })
}
