//! `colt migrate new|run|status|revert` on both backends: a history written with `new`,
//! applied with `run`, seen with `status`, undone with `revert`; an edited migration refused
//! by name; errors as one line and a non-zero exit.

mod common;

use std::path::Path;

use colt_runtime::Database;
use common::{backends, colt, colt_err, colt_ok, fresh, Scratch};

/// `colt migrate new NAME` and the SQL written into its files.
fn new_migration(dir: &Path, name: &str, up: &str, down: &str) -> String {
    let out = colt_ok(dir, &["migrate", "new", name, "--dir", "migrations"]);
    let made = out
        .trim()
        .strip_prefix("created ")
        .unwrap_or_else(|| panic!("{out}"))
        .to_string();
    let path = dir.join(&made);
    std::fs::write(path.join("up.sql"), up).expect("up.sql");
    std::fs::write(path.join("down.sql"), down).expect("down.sql");
    made
}

fn names(db: &Database) -> Vec<(i64, String)> {
    db.transaction(|tx| tx.query_sql("SELECT id, name FROM item ORDER BY id", &[]))
        .expect("items")
}

#[test]
fn new_run_status_revert() {
    for backend in backends() {
        let scratch = Scratch::new("migrate");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();

        let first = new_migration(
            dir,
            "create_items",
            "CREATE TABLE item (id BIGINT PRIMARY KEY, name TEXT NOT NULL);\nINSERT INTO item VALUES (1, 'pen');\n",
            "DROP TABLE item;\n",
        );
        let second = new_migration(
            dir,
            "add_item_stock",
            "ALTER TABLE item ADD COLUMN stock BIGINT NOT NULL DEFAULT 0;\nCREATE INDEX item_stock ON item (stock);\n",
            "DROP INDEX item_stock;\nALTER TABLE item DROP COLUMN stock;\n",
        );
        assert!(first < second, "versions grow: {first} {second}");

        let status = colt_ok(dir, &["migrate", "status", url, "--dir", "migrations"]);
        assert_eq!(status.lines().count(), 2, "{status}");
        assert!(status.lines().all(|l| l.ends_with("  pending")), "{status}");

        let run = colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        let v1 = first.trim_start_matches("migrations/");
        let v2 = second.trim_start_matches("migrations/");
        assert_eq!(run, format!("applied {v1}\napplied {v2}\n"), "[{backend}]");
        let live = Database::open(url).expect("open");
        assert_eq!(names(&live), vec![(1, "pen".to_string())]);
        let stock: Vec<(i64,)> = live
            .transaction(|tx| tx.query_sql("SELECT stock FROM item", &[]))
            .expect("stock");
        assert_eq!(stock, vec![(0,)]);

        let again = colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        assert_eq!(again, "nothing to apply: every migration is applied\n");
        let status = colt_ok(dir, &["migrate", "status", url, "--dir", "migrations"]);
        assert!(
            status.lines().all(|l| l.contains("  applied 20")),
            "{status}"
        );

        let reverted = colt_ok(dir, &["migrate", "revert", url, "--dir", "migrations"]);
        assert_eq!(reverted, format!("reverted {v2}\n"));
        assert!(live
            .transaction(|tx| tx.query_sql::<(i64,)>("SELECT stock FROM item", &[]))
            .is_err());
        assert_eq!(names(&live), vec![(1, "pen".to_string())], "the data stays");
        let status = colt_ok(dir, &["migrate", "status", url, "--dir", "migrations"]);
        assert!(status.contains(&format!("{v2}  pending")), "{status}");

        // An applied migration edited afterwards is refused, by name, and nothing runs.
        std::fs::write(
            dir.join(&first).join("up.sql"),
            "CREATE TABLE item (id BIGINT PRIMARY KEY, name TEXT);\n",
        )
        .expect("edit");
        let err = colt_err(dir, &["migrate", "run", url, "--dir", "migrations"]);
        assert!(
            err.contains(&format!(
                "migration {v1} was applied, and its up.sql has changed"
            )),
            "{err}"
        );
        let status = colt_ok(dir, &["migrate", "status", url, "--dir", "migrations"]);
        assert!(status.contains(&format!("{v1}  CHANGED")), "{status}");
        assert!(status.contains(&format!("{v2}  pending")), "{status}");
    }
}

#[test]
fn errors_are_one_line_and_a_non_zero_exit() {
    let scratch = Scratch::new("errors");
    let dir = scratch.path();
    let err = colt_err(
        dir,
        &[
            "migrate",
            "run",
            "sqlite:app.db?mode=rwc",
            "--dir",
            "nowhere",
        ],
    );
    assert!(
        err.contains("the migrations directory `nowhere` does not exist"),
        "{err}"
    );
    std::fs::create_dir_all(dir.join("migrations")).expect("dir");
    let err = colt_err(
        dir,
        &["migrate", "run", "sqlite:missing.db", "--dir", "migrations"],
    );
    assert!(err.contains("no SQLite database at `missing.db`"), "{err}");
    let err = colt_err(
        dir,
        &["migrate", "status", "mysql://x", "--dir", "migrations"],
    );
    assert!(err.contains("invalid database URL"), "{err}");
    let err = colt_err(dir, &["migrate", "new", "Add Stock"]);
    assert!(err.contains("is not a migration name"), "{err}");
    if backends().contains(&"postgres") {
        let err = colt_err(
            dir,
            &[
                "migrate",
                "status",
                "postgres://postgres@127.0.0.1:1/x?connect_timeout=2",
                "--dir",
                "migrations",
            ],
        );
        assert!(!err.is_empty());
    }
    // A usage mistake is clap's: exit status 2, with the usage.
    let usage = colt(dir, &["migrate", "run"]);
    assert_eq!(usage.code, Some(2));
    assert!(
        usage.stderr.contains("Usage: colt migrate run"),
        "{}",
        usage.stderr
    );
}

#[test]
fn every_subcommand_has_help() {
    let scratch = Scratch::new("help");
    for args in [
        vec!["--help"],
        vec!["migrate", "--help"],
        vec!["migrate", "new", "--help"],
        vec!["migrate", "run", "--help"],
        vec!["migrate", "status", "--help"],
        vec!["migrate", "revert", "--help"],
    ] {
        let out = colt_ok(scratch.path(), &args);
        assert!(out.contains("Usage: colt"), "{args:?}: {out}");
    }
}

/// `migrate run` where a later migration fails: the ones applied before it stay applied,
/// and the run says so (it printed only the failure).
#[test]
fn a_failed_run_names_the_migrations_it_applied_before() {
    for backend in backends() {
        let scratch = Scratch::new("migrate-partial");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        new_migration(
            dir,
            "first",
            "CREATE TABLE item (id BIGINT PRIMARY KEY, name TEXT);",
            "DROP TABLE item;",
        );
        new_migration(dir, "second", "INSERT INTO no_such_table VALUES (1);", "");
        let run = colt(dir, &["migrate", "run", url, "--dir", "migrations"]);
        assert!(!run.ok, "{backend}: {}", run.stdout);
        let applied = |name: &str| {
            run.stdout
                .lines()
                .any(|l| l.starts_with("applied ") && l.ends_with(name))
        };
        assert!(applied("_first"), "{backend}: {}", run.stdout);
        assert!(!applied("_second"), "{backend}: {}", run.stdout);
        assert!(run.stderr.contains("_second"), "{backend}: {}", run.stderr);
    }
}

/// `migrate run` refuses a migration whose up.sql is still `migrate new`'s comments: it was
/// applied and recorded, and the statements written later never ran.
#[test]
fn a_migration_without_a_statement_is_refused() {
    for backend in backends() {
        let scratch = Scratch::new("migrate-empty");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        colt_ok(dir, &["migrate", "new", "todo", "--dir", "migrations"]);
        let err = colt_err(dir, &["migrate", "run", url, "--dir", "migrations"]);
        assert!(err.contains("without a statement"), "{backend}: {err}");
        let status = colt_ok(dir, &["migrate", "status", url, "--dir", "migrations"]);
        assert!(!status.contains("applied"), "{backend}: {status}");
    }
}
