//! Running the `colt` binary against a fresh database of each backend: a SQLite file in a
//! scratch directory, and, with `COLT_PG_URL`, a fresh PostgreSQL schema.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use colt_runtime::Database;

static N: AtomicUsize = AtomicUsize::new(0);

/// Loads a fixture's statements (`;`-separated, none inside a literal).
pub fn load(url: &str, fixture: &str) {
    let sql = std::fs::read_to_string(Path::new("tests/fixtures").join(fixture)).expect("fixture");
    let db = Database::open(url).expect("open");
    db.transaction(|tx| {
        // A statement ends with `;` at the end of a line (a trigger's body holds `;`s
        // inside one line).
        for statement in sql.split(";\n").map(str::trim).filter(|s| !s.is_empty()) {
            tx.execute_sql(statement, &[])?;
        }
        Ok(())
    })
    .expect("fixture loads");
}

/// A scratch directory, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "colt-cli-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch directory");
        Scratch(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh database: its URL, and the schema to drop for PostgreSQL.
pub struct Fresh {
    pub url: String,
    pub postgres: bool,
    schema: Option<(String, String)>,
}

impl Drop for Fresh {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.schema {
            if let Ok(db) = Database::open(base) {
                let _ = db.transaction(|tx| {
                    tx.execute_sql(&format!("DROP SCHEMA \"{schema}\" CASCADE"), &[])
                });
            }
        }
    }
}

/// The backends to test: SQLite always, PostgreSQL when the `postgres` feature is on and
/// `COLT_PG_URL` is set.
pub fn backends() -> Vec<&'static str> {
    let mut b = vec!["sqlite"];
    if cfg!(feature = "postgres") && std::env::var("COLT_PG_URL").is_ok_and(|u| !u.is_empty()) {
        b.push("postgres");
    }
    b
}

/// A new empty database of `backend` (the SQLite file inside `dir`).
pub fn fresh(backend: &str, dir: &Path) -> Fresh {
    if backend == "postgres" {
        let base = std::env::var("COLT_PG_URL").expect("COLT_PG_URL");
        let schema = format!(
            "colt_cli_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let admin = Database::open(&base).expect("PostgreSQL at COLT_PG_URL");
        admin
            .transaction(|tx| tx.execute_sql(&format!("CREATE SCHEMA \"{schema}\""), &[]))
            .expect("create schema");
        let sep = if base.contains('?') { '&' } else { '?' };
        Fresh {
            url: format!("{base}{sep}options=-csearch_path%3D{schema}"),
            postgres: true,
            schema: Some((base, schema)),
        }
    } else {
        let file = dir.join(format!("db{}.sqlite", N.fetch_add(1, Ordering::Relaxed)));
        Fresh {
            url: format!("sqlite:{}?mode=rwc", file.display()),
            postgres: false,
            schema: None,
        }
    }
}

/// What a run of `colt` printed, and whether it succeeded.
pub struct Run {
    pub ok: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `colt` with `args` in `cwd`.
pub fn colt(cwd: &Path, args: &[&str]) -> Run {
    colt_with_path(cwd, args, None)
}

/// Runs `colt` with `args` in `cwd`, with `PATH` set to `path` when given.
pub fn colt_with_path(cwd: &Path, args: &[&str], path: Option<&str>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_colt"));
    command.current_dir(cwd).args(args);
    if let Some(path) = path {
        command.env("PATH", path);
    }
    let out = command.output().expect("the colt binary runs");
    Run {
        ok: out.status.success(),
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `colt` and requires success.
#[track_caller]
pub fn colt_ok(cwd: &Path, args: &[&str]) -> String {
    let r = colt(cwd, args);
    assert!(r.ok, "colt {args:?} failed: {}{}", r.stdout, r.stderr);
    r.stdout
}

/// Runs `colt` and requires a one-line error.
#[track_caller]
pub fn colt_err(cwd: &Path, args: &[&str]) -> String {
    let r = colt(cwd, args);
    assert!(!r.ok, "colt {args:?} succeeded: {}", r.stdout);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "one line: {}", r.stderr);
    assert!(r.stderr.starts_with("colt: error: "), "{}", r.stderr);
    r.stderr
}

/// Runs `statements` in one transaction of the database at `url`.
pub fn run_sql(url: &str, statements: &[&str]) {
    Database::open(url)
        .expect("open")
        .transaction(|tx| {
            for s in statements {
                tx.execute_sql(s, &[])?;
            }
            Ok(())
        })
        .expect("statements");
}

/// The rows `sql` reads from the database at `url`.
pub fn rows<R: colt_runtime::FromRow>(url: &str, sql: &str) -> Vec<R> {
    Database::open(url)
        .expect("open")
        .transaction(|tx| tx.query_sql(sql, &[]))
        .expect("rows")
}

/// `colt migrate diff URL NAME --entities DIR/src` (and `more`), with `entities` written to
/// DIR/src/e.rs (the only entity file: each call replaces it).
pub fn diff_entities(dir: &Path, url: &str, name: &str, entities: &str, more: &[&str]) -> Run {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).expect("src");
    std::fs::write(src.join("e.rs"), entities).expect("entities");
    let src = src.display().to_string();
    let mut args = vec![
        "migrate",
        "diff",
        url,
        name,
        "--entities",
        &src,
        "--dir",
        "migrations",
    ];
    args.extend_from_slice(more);
    colt(dir, &args)
}

/// The up.sql and down.sql (if written) of the migration a `migrate diff` run made.
pub fn migration_files(dir: &Path, run: &Run) -> (String, Option<String>) {
    let made = dir.join(run.stdout.trim().trim_start_matches("created "));
    (
        std::fs::read_to_string(made.join("up.sql")).unwrap_or_default(),
        std::fs::read_to_string(made.join("down.sql")).ok(),
    )
}
