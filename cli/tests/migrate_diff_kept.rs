//! `colt migrate diff` keeps what the entities do not say, on both backends: what a review
//! found lost (each test failed before its fix).

mod common;

use std::path::Path;

use colt::Database;
use common::{backends, colt, colt_ok, fresh, Scratch};

/// `colt migrate diff URL NAME --entities fixtures/diff/VERSION`.
fn diff(dir: &Path, url: &str, name: &str, version: &str, more: &[&str]) -> common::Run {
    let entities = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diff")
        .join(version)
        .display()
        .to_string();
    let mut args = vec![
        "migrate",
        "diff",
        url,
        name,
        "--entities",
        &entities,
        "--dir",
        "migrations",
    ];
    args.extend_from_slice(more);
    colt(dir, &args)
}

fn run_sql(url: &str, statements: &[&str]) {
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

fn rows<R: colt_runtime::FromRow>(url: &str, sql: &str) -> Vec<R> {
    Database::open(url)
        .expect("open")
        .transaction(|tx| tx.query_sql(sql, &[]))
        .expect("rows")
}

/// PostgreSQL: a column made nullable lost its database `DEFAULT` (`DROP DEFAULT`: every
/// other writer then stored NULL), and one made NOT NULL did not fill its NULLs with the
/// database's default (the migration failed; SQLite's rebuild filled them).
#[test]
fn database_defaults_are_kept_when_nullability_changes() {
    for backend in backends() {
        let scratch = Scratch::new("kept-defaults");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        run_sql(
            url,
            &[
                "CREATE TABLE note (slug TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL DEFAULT 'new', kind TEXT DEFAULT 'plain')",
                "INSERT INTO note (slug, body, kind) VALUES ('a', 'x', NULL)",
            ],
        );
        let run = diff(dir, url, "defaults", "defaults", &[]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        run_sql(url, &["INSERT INTO note (slug) VALUES ('b')"]);
        let got: Vec<(String, Option<String>, String)> =
            rows(url, "SELECT slug, body, kind FROM note ORDER BY slug");
        assert_eq!(
            got,
            [
                ("a".into(), Some("x".into()), "plain".into()),
                ("b".into(), Some("new".into()), "plain".into())
            ],
            "[{backend}]"
        );
    }
}
