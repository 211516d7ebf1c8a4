//! The backends every integration test runs on: SQLite always, PostgreSQL where
//! `COLT_PG_URL` names a server (`.ci/run` always starts one). Each PostgreSQL database is a
//! schema of its own, dropped afterwards, so tests never see each other.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

use colt::prelude::*;

/// One backend for one test.
pub struct Backend {
    pub name: &'static str,
    /// Schemas (PostgreSQL) or files (SQLite) to remove when the test is over.
    cleanup: std::cell::RefCell<Vec<Cleanup>>,
}

enum Cleanup {
    Schema(String),
    File(super::TempDb),
}

static SCHEMAS: AtomicUsize = AtomicUsize::new(0);

/// The PostgreSQL server of the suite, when this build has PostgreSQL (`--features
/// postgres`, as the README's `cargo test --all-features`) and `COLT_PG_URL` names one.
fn pg_url() -> Option<String> {
    if !cfg!(feature = "postgres") {
        return None;
    }
    std::env::var("COLT_PG_URL").ok().filter(|u| !u.is_empty())
}

/// Adds a query parameter to a URL.
fn with_param(url: &str, param: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{param}")
}

impl Backend {
    pub fn is_postgres(&self) -> bool {
        self.name == "postgres"
    }

    /// The URL of a new, empty, isolated database that several connections can share.
    pub fn fresh_url(&self) -> String {
        match pg_url() {
            Some(base) if self.is_postgres() => {
                let schema = format!(
                    "colt_t{}_{}_{}",
                    std::process::id(),
                    SCHEMAS.fetch_add(1, Ordering::Relaxed),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.subsec_nanos())
                        .unwrap_or(0)
                );
                let admin = Database::open(&base).expect("PostgreSQL at COLT_PG_URL");
                admin
                    .transaction(|tx| tx.execute_sql(&format!("CREATE SCHEMA \"{schema}\""), &[]))
                    .expect("create schema");
                self.cleanup
                    .borrow_mut()
                    .push(Cleanup::Schema(schema.clone()));
                with_param(&base, &format!("options=-csearch_path%3D{schema}"))
            }
            _ => {
                let file = super::TempDb::new("backend");
                let url = file.url();
                self.cleanup.borrow_mut().push(Cleanup::File(file));
                url
            }
        }
    }

    /// A new, empty, isolated database (in memory on SQLite).
    pub fn open(&self) -> Database {
        let url = if self.is_postgres() {
            self.fresh_url()
        } else {
            "sqlite::memory:".to_string()
        };
        Database::open(&url).expect("open")
    }

    /// A new database with the shop's schema and data.
    pub fn shop(&self) -> Database {
        super::fill_shop(self.open())
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        let schemas: Vec<String> = self
            .cleanup
            .borrow_mut()
            .drain(..)
            .filter_map(|c| match c {
                Cleanup::Schema(s) => Some(s),
                Cleanup::File(_) => None,
            })
            .collect();
        if let (false, Some(base)) = (schemas.is_empty(), pg_url()) {
            if let Ok(admin) = Database::open(&base) {
                for s in schemas {
                    let _ = admin.transaction(|tx| {
                        tx.execute_sql(&format!("DROP SCHEMA IF EXISTS \"{s}\" CASCADE"), &[])
                    });
                }
            }
        }
    }
}

/// Names the backend of a failing assertion.
struct Label(&'static str);

impl Drop for Label {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let _ = writeln!(std::io::stderr(), "  (the failure above was on {})", self.0);
        }
    }
}

/// Records that a test ran on PostgreSQL, for the count `.ci/run` prints.
fn record_postgres_run(test: &str) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("colt-postgres-tests.txt"))
    {
        // One write per line: tests run in parallel and append to the same file.
        let _ = f.write_all(format!("{test}\n").as_bytes());
    }
}

static SKIPPED: Once = Once::new();

/// Runs a test on every backend: SQLite, then PostgreSQL when `COLT_PG_URL` is set.
pub fn each_backend(test: impl Fn(&Backend) -> colt::Result<()>) -> colt::Result<()> {
    let name = std::thread::current().name().unwrap_or("test").to_string();
    let mut names = vec!["sqlite"];
    if pg_url().is_some() {
        names.push("postgres");
    } else {
        SKIPPED.call_once(|| {
            // Written past the test harness's capture, so that it shows in every run.
            let _ = writeln!(
                std::io::stderr(),
                "note: COLT_PG_URL is not set: the PostgreSQL half of the tests is skipped \
                 (start a server with `eval \"$(scripts/pg-test-server.sh start)\"`)"
            );
        });
    }
    for backend in names {
        let _label = Label(backend);
        let b = Backend {
            name: backend,
            cleanup: Default::default(),
        };
        if let Err(e) = test(&b) {
            panic!("{name} failed on {backend}: {e}");
        }
        if b.is_postgres() {
            record_postgres_run(&name);
        }
    }
    Ok(())
}

/// Runs `test` on every backend and reports each backend's failure.
pub fn all_backends(test: impl Fn(&Backend) -> colt::Result<()>) {
    let failures = std::sync::Mutex::new(Vec::new());
    let _ = each_backend(|backend| {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| test(backend)));
        match r {
            Ok(Ok(())) => eprintln!("[{}] ok", backend.name),
            Ok(Err(e)) => failures
                .lock()
                .unwrap()
                .push(format!("[{}] error: {e:?}", backend.name)),
            Err(p) => failures.lock().unwrap().push(format!(
                "[{}] {}",
                backend.name,
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )),
        }
        Ok(())
    });
    let f = failures.into_inner().unwrap();
    assert!(f.is_empty(), "{}", f.join("\n"));
}
