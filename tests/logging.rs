//! What Colt tells `tracing` (issue 17): every statement with its SQL, row count and
//! duration at DEBUG, never its parameters unless asked, slow statements at WARN, and
//! transactions at TRACE; on both backends.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use colt::prelude::*;
use common::each_backend;

/// What a subscriber wrote.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// Held by each test for its whole run: `tracing` keeps each callsite's interest in a
/// global cache, and a test running statements with no subscriber while another test's
/// scoped subscriber comes or goes could leave that one's callsites cached as disabled
/// (an empty log, now and then).
static SERIAL: Mutex<()> = Mutex::new(());

/// This test's turn ([`SERIAL`]).
fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// The log lines `f` makes, at every level.
fn capture(f: impl FnOnce() -> colt::Result<()>) -> colt::Result<String> {
    let out = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(out.clone())
        .with_max_level(tracing::Level::TRACE)
        .without_time()
        .finish();
    tracing::subscriber::with_default(subscriber, f)?;
    let bytes = out.0.lock().expect("lock").clone();
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A transaction that writes a secret and reads it back.
fn secret_work(db: &Database) -> colt::Result<()> {
    db.transaction(|tx| {
        tx.execute_sql(
            "CREATE TABLE vault (id INTEGER PRIMARY KEY, secret TEXT NOT NULL)",
            &[],
        )?;
        tx.execute_sql(
            "INSERT INTO vault (id, secret) VALUES (1, $1)",
            &[&"s3cret-value"],
        )?;
        let rows: Vec<(String,)> = tx.query_sql("SELECT secret FROM vault", &[])?;
        assert_eq!(rows.len(), 1);
        Ok(())
    })
}

#[test]
fn statements_are_logged_with_rows_and_durations_but_not_their_parameters() -> colt::Result<()> {
    let _turn = serial();
    each_backend(|backend| {
        let db = Database::builder(&backend.fresh_url()).open()?;
        let log = capture(|| secret_work(&db))?;
        let insert = log
            .lines()
            .find(|l| l.contains("INSERT INTO vault"))
            .unwrap_or_else(|| panic!("the insert is logged:\n{log}"));
        assert!(insert.contains("DEBUG colt::sql"), "{insert}");
        assert!(insert.contains("rows=1"), "{insert}");
        assert!(insert.contains("elapsed="), "{insert}");
        assert!(insert.contains("statement"), "{insert}");
        let select = log
            .lines()
            .find(|l| l.contains("SELECT secret FROM vault"))
            .unwrap_or_else(|| panic!("the query is logged:\n{log}"));
        assert!(select.contains("rows=1"), "{select}");
        assert!(!log.contains("s3cret-value"), "parameters stay out:\n{log}");
        assert!(
            log.lines()
                .any(|l| l.contains("TRACE colt::transaction") && l.contains("commit")),
            "{log}"
        );
        // A failed statement says so.
        let failed = capture(|| {
            let r =
                db.transaction(|tx| tx.execute_sql("INSERT INTO no_such_table VALUES (1)", &[]));
            assert!(r.is_err());
            Ok(())
        })?;
        assert!(
            failed
                .lines()
                .any(|l| l.contains("no_such_table") && l.contains("error=")),
            "{failed}"
        );
        assert!(failed.contains("rollback"), "{failed}");
        Ok(())
    })
}

#[test]
fn parameters_are_logged_when_asked() -> colt::Result<()> {
    let _turn = serial();
    each_backend(|backend| {
        let db = Database::builder(&backend.fresh_url())
            .log_parameters(true)
            .open()?;
        let log = capture(|| secret_work(&db))?;
        let insert = log
            .lines()
            .find(|l| l.contains("INSERT INTO vault"))
            .unwrap_or_else(|| panic!("{log}"));
        assert!(insert.contains("s3cret-value"), "{insert}");
        Ok(())
    })
}

#[test]
fn slow_statements_are_warnings() -> colt::Result<()> {
    let _turn = serial();
    each_backend(|backend| {
        let db = Database::builder(&backend.fresh_url())
            .slow_statement_threshold(Some(Duration::ZERO))
            .open()?;
        let log = capture(|| secret_work(&db))?;
        let insert = log
            .lines()
            .find(|l| l.contains("INSERT INTO vault"))
            .unwrap_or_else(|| panic!("{log}"));
        assert!(insert.contains("WARN colt::sql"), "{insert}");
        assert!(insert.contains("slow statement"), "{insert}");
        // Off: statements are DEBUG again.
        let db = Database::builder(&backend.fresh_url())
            .slow_statement_threshold(None)
            .open()?;
        let log = capture(|| secret_work(&db))?;
        assert!(!log.contains("WARN"), "{log}");
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "ticket")]
struct Ticket {
    #[colt(primary_key, auto)]
    id: i64,
    label: String,
}

/// The keys of a transaction's first `insert_many` on PostgreSQL go in the round trip of
/// its `BEGIN`: a keys query that fails is logged with its error (it was logged as having
/// run, with no rows), and the transaction ends as after any failed statement.
#[test]
fn a_failing_keys_query_sent_with_the_begin_is_logged_as_failed() -> colt::Result<()> {
    let _turn = serial();
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Ticket])?;
        db.create_tables()?;
        db.transaction(|tx| tx.execute_sql("DROP TABLE ticket", &[]).map(|_| ()))?;
        let log = capture(|| {
            let r = db.transaction(|tx| {
                tx.insert_many((0..3).map(|i| Ticket {
                    id: 0,
                    label: format!("t{i}"),
                }))?;
                Ok(())
            });
            assert!(r.is_err(), "{}: {r:?}", backend.name);
            Ok(())
        })?;
        if backend.is_postgres() {
            let line = log
                .lines()
                .find(|l| l.contains("nextval"))
                .unwrap_or_else(|| panic!("no keys query in {log}"));
            assert!(line.contains("error"), "{line}");
        }
        Ok(())
    })
}
