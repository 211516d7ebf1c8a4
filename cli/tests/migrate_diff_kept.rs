//! `colt migrate diff` keeps what the entities do not say, on both backends: what a review
//! found lost (each test failed before its fix).

mod common;

use std::path::Path;

use colt::Database;
use common::{backends, colt, colt_ok, fresh, rows, run_sql, Scratch};

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

/// The catalogue's table `name` of the database at `url`.
fn table(url: &str, name: &str) -> colt_runtime::introspect::TableInfo {
    Database::open(url)
        .expect("open")
        .catalog()
        .expect("catalog")
        .table(name)
        .cloned()
        .expect("table")
}

/// The `up.sql` of every migration `diff` wrote into `dir`'s `migrations` (none: nothing).
fn written_up_sql(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir.join("migrations"))
        .into_iter()
        .flatten()
        .map(|made| made.map(|m| m.path().join("up.sql")).expect("an entry"))
        .map(|up| std::fs::read_to_string(up).unwrap_or_default())
        .collect()
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

/// A unique index and a foreign key made by hand, on columns the entities declare but
/// without `unique` or a reference, were dropped by the next diff without a word.
#[test]
fn undeclared_unique_indexes_and_foreign_keys_are_kept() {
    for backend in backends() {
        let scratch = Scratch::new("kept-keys");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        run_sql(
            url,
            &[
                "CREATE TABLE owner (id BIGINT PRIMARY KEY NOT NULL)",
                "CREATE TABLE item (id BIGINT PRIMARY KEY NOT NULL, ext TEXT CHECK (ext <> ''), owner_id BIGINT REFERENCES owner (id))",
                "CREATE UNIQUE INDEX item_ext ON item (ext)",
            ],
        );
        let run = diff(dir, url, "note", "kept_keys", &[]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("unique index `item_ext`") && run.stderr.contains("foreign key"),
            "[{backend}] {}",
            run.stderr
        );
        // SQLite: the down drops `note` by a rebuild, which loses the CHECK: said there too
        // (it was said in up.sql only).
        let made = run.stdout.trim().trim_start_matches("created ").to_string();
        let down = std::fs::read_to_string(dir.join(made).join("down.sql")).expect("down.sql");
        assert_eq!(
            down.contains("CHECK clauses are not kept"),
            backend == "sqlite",
            "[{backend}] {down}"
        );
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        let item = table(url, "item");
        assert!(
            item.indexes
                .iter()
                .any(|i| i.unique && i.columns == ["ext"]),
            "[{backend}] {:?}",
            item.indexes
        );
        assert_eq!(item.foreign_keys.len(), 1, "[{backend}] {item:?}");
        assert!(item.column("note").is_some(), "[{backend}]");
        // Asked for, they go.
        let run = diff(dir, url, "drop_them", "kept_keys", &["--allow-drop"]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        let item = table(url, "item");
        assert!(!item.indexes.iter().any(|i| i.unique), "[{backend}]");
        assert!(item.foreign_keys.is_empty(), "[{backend}]");
    }
}

/// SQLite: a table renamed and rebuilt in one migration lost its triggers and its partial
/// and `COLLATE NOCASE` indexes (looked for under the new name, dropped with the old
/// table), and a view over it failed the migration.
#[test]
fn a_sqlite_table_renamed_and_rebuilt_keeps_its_triggers_indexes_and_views() {
    let scratch = Scratch::new("kept-renamed");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    let url = db.url.as_str();
    run_sql(
        url,
        &[
            "CREATE TABLE track (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, title TEXT, created TEXT DEFAULT (datetime('now')))",
            "CREATE TABLE log (what TEXT)",
            "CREATE TRIGGER track_log AFTER INSERT ON track BEGIN INSERT INTO log VALUES (new.title); END",
            "CREATE INDEX track_untitled ON track (id) WHERE title IS NULL",
            "CREATE UNIQUE INDEX track_title ON track (title COLLATE NOCASE)",
            "CREATE VIEW titled AS SELECT id FROM track WHERE title IS NOT NULL",
            "INSERT INTO track (title) VALUES ('One'), (NULL)",
        ],
    );
    let run = diff(dir, url, "song", "song", &["--rename", "track=song"]);
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
    // The down.sql says what it cannot undo: the NULL title the up filled.
    let made = run.stdout.trim().trim_start_matches("created ").to_string();
    let down = std::fs::read_to_string(dir.join(made).join("down.sql")).expect("down.sql");
    assert!(
        down.contains("`song.title` is optional again, but the rows whose NULL"),
        "{down}"
    );
    colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
    let objects: Vec<(String, String)> = rows(
        url,
        "SELECT name, sql FROM sqlite_master WHERE tbl_name IN ('song', 'titled') AND type <> 'table' ORDER BY name",
    );
    let names: Vec<&str> = objects.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["titled", "track_log", "track_title", "track_untitled"],
        "{objects:?}"
    );
    assert!(
        objects
            .iter()
            .any(|(_, sql)| sql.contains("COLLATE NOCASE")),
        "{objects:?}"
    );
    // The trigger fires, the unique index ignores case, the default is an expression.
    run_sql(url, &["INSERT INTO song (title) VALUES ('Two')"]);
    let logged: Vec<(Option<String>,)> = rows(url, "SELECT what FROM log");
    assert_eq!(
        logged,
        [
            (Some("One".to_string()),),
            (None,),
            (Some("Two".to_string()),)
        ]
    );
    let made: Vec<(Option<String>,)> = rows(url, "SELECT created FROM song WHERE title = 'Two'");
    assert!(made[0].0.is_some(), "{made:?}");
    let twice = Database::open(url)
        .expect("open")
        .transaction(|tx| tx.execute_sql("INSERT INTO song (title) VALUES ('two')", &[]));
    assert!(twice.is_err(), "{twice:?}");
    // The AUTOINCREMENT counter goes on.
    let ids: Vec<(i64,)> = rows(url, "SELECT id FROM song ORDER BY id");
    assert_eq!(ids, [(1,), (2,), (3,)]);
    // And back (the down.sql renames first, then rebuilds under the name it gives back).
    colt_ok(dir, &["migrate", "revert", url, "--dir", "migrations"]);
    let back: Vec<(String,)> = rows(
        url,
        "SELECT name FROM sqlite_master WHERE tbl_name IN ('track', 'titled') AND type <> 'table' ORDER BY name",
    );
    let back: Vec<&str> = back.iter().map(|(n,)| n.as_str()).collect();
    assert_eq!(
        back,
        ["titled", "track_log", "track_title", "track_untitled"]
    );
}

/// A chain of renames (`b=c` then `a=b`) with the first table rebuilt keeps the order given
/// (renaming `a` to `b` first would meet `b` still there).
#[test]
fn a_sqlite_chain_of_renames_keeps_its_order() {
    let scratch = Scratch::new("kept-chain");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    let url = db.url.as_str();
    run_sql(
        url,
        &[
            "CREATE TABLE a (id INTEGER PRIMARY KEY NOT NULL, x TEXT)",
            "CREATE TABLE b (id INTEGER PRIMARY KEY NOT NULL, y TEXT)",
            "INSERT INTO a VALUES (1, 'from a')",
            "INSERT INTO b VALUES (2, NULL)",
        ],
    );
    let run = diff(
        dir,
        url,
        "chain",
        "chain",
        &["--rename", "b=c", "--rename", "a=b"],
    );
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
    colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
    let c: Vec<(i64, String)> = rows(url, "SELECT id, y FROM c");
    assert_eq!(c, [(2, String::new())]);
    let b: Vec<(i64, Option<String>)> = rows(url, "SELECT id, x FROM b");
    assert_eq!(b, [(1, Some("from a".to_string()))]);
}

/// A reference made to point at another entity (same column): the old foreign key was kept
/// beside the new one, as one made by hand, and every row of the new kind failed it.
#[test]
fn a_reference_to_another_entity_replaces_its_foreign_key() {
    for backend in backends() {
        let scratch = Scratch::new("kept-retarget");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        run_sql(
            url,
            &[
                "CREATE TABLE owner (id BIGINT PRIMARY KEY NOT NULL)",
                "CREATE TABLE account (id BIGINT PRIMARY KEY NOT NULL)",
                "CREATE TABLE item (id BIGINT PRIMARY KEY NOT NULL, owner_id BIGINT REFERENCES owner (id))",
                "INSERT INTO account VALUES (5)",
            ],
        );
        let run = diff(dir, url, "retarget", "retarget", &[]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        let fks = table(url, "item").foreign_keys;
        assert_eq!(fks.len(), 1, "[{backend}] {fks:?}");
        assert_eq!(fks[0].table, "account", "[{backend}]");
        run_sql(url, &["INSERT INTO item VALUES (1, 5)"]);
    }
}

/// SQLite: a table whose name differs in case from the entity's (`Item`, `item`) restarted
/// its AUTOINCREMENT counter when rebuilt (the copy of its `sqlite_sequence` row looked for
/// `item`), giving a deleted row's key again.
#[test]
fn a_sqlite_rebuild_keeps_the_counter_of_a_table_named_in_another_case() {
    let scratch = Scratch::new("kept-counter");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    let url = db.url.as_str();
    run_sql(
        url,
        &[
            "CREATE TABLE \"Item\" (\"ID\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, \"NAME\" TEXT)",
            "INSERT INTO \"Item\" (\"NAME\") VALUES ('a'), ('b'), ('c')",
            "DELETE FROM \"Item\" WHERE \"ID\" = 3",
        ],
    );
    let run = diff(dir, url, "required", "case", &[]);
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
    colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
    run_sql(url, &["INSERT INTO item (name) VALUES ('d')"]);
    let ids: Vec<(i64,)> = rows(url, "SELECT id FROM item ORDER BY id");
    assert_eq!(ids, [(1,), (2,), (4,)]);
}

/// PostgreSQL: a column of an enum type (or `citext`, a domain) for a `String` field was
/// cast to `TEXT` as if nothing were lost (the values allowed, comparison without case).
#[test]
fn a_type_of_the_databases_own_is_not_cast_to_text() {
    for backend in backends().into_iter().filter(|b| *b == "postgres") {
        let scratch = Scratch::new("kept-mood");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        run_sql(
            url,
            &[
                "CREATE TYPE mood AS ENUM ('ok', 'sad')",
                "CREATE TABLE person (id BIGINT PRIMARY KEY NOT NULL, mood mood NOT NULL)",
            ],
        );
        let run = diff(dir, url, "retype", "mood", &[]);
        assert!(!run.ok, "{}", run.stdout);
        assert!(
            run.stderr.contains("type of the database's own"),
            "{}",
            run.stderr
        );
    }
}

/// A migration that drops a column or a table (`--allow-drop`) was given a down.sql that
/// made them again empty, and a revert said it had undone it.
#[test]
fn a_migration_that_drops_has_no_down() {
    for backend in backends() {
        let scratch = Scratch::new("kept-down");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        run_sql(
            url,
            &[
                "CREATE TABLE note (slug TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL DEFAULT 'new', kind TEXT DEFAULT 'plain', extra TEXT)",
                "CREATE TABLE old_stuff (id BIGINT PRIMARY KEY NOT NULL)",
            ],
        );
        let run = diff(dir, url, "drops", "defaults", &["--allow-drop"]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("no down.sql") && run.stderr.contains("old_stuff"),
            "[{backend}] {}",
            run.stderr
        );
        let made = run.stdout.trim().trim_start_matches("created ").to_string();
        assert!(!dir.join(made).join("down.sql").exists(), "[{backend}]");
    }
}

/// PostgreSQL: a stored generated column's expression was read as its default, so making
/// it NOT NULL wrote `UPDATE .. SET twice = (id * 2)` and `SET DEFAULT`, which PostgreSQL
/// refuses for a generated column.
#[test]
fn a_generated_column_made_required_is_only_made_required() {
    for backend in backends().into_iter().filter(|b| *b == "postgres") {
        let scratch = Scratch::new("kept-generated");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        run_sql(
            url,
            &[
                "CREATE TABLE pair (id BIGINT PRIMARY KEY NOT NULL, twice BIGINT GENERATED ALWAYS AS (id * 2) STORED)",
                "INSERT INTO pair (id) VALUES (4)",
            ],
        );
        let run = diff(dir, url, "required", "generated", &[]);
        assert!(run.ok, "{}{}", run.stdout, run.stderr);
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        let got: Vec<(i64, i64)> = rows(url, "SELECT id, twice FROM pair");
        assert_eq!(got, [(4, 8)]);
    }
}

/// A unique index made by hand beside the plain one the entities declare on the same
/// column is left alone (a review of the change found it dropped, without `--allow-drop`).
#[test]
fn a_unique_index_beside_a_declared_plain_one_is_kept() {
    for backend in backends() {
        let scratch = Scratch::new("kept-beside");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        run_sql(
            url,
            &[
                "CREATE TABLE item (id BIGINT PRIMARY KEY NOT NULL, ext TEXT)",
                "CREATE INDEX plain_ext ON item (ext)",
                "CREATE UNIQUE INDEX ux_ext ON item (ext)",
            ],
        );
        let run = diff(dir, url, "nothing", "indexed", &[]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        assert!(
            run.stdout.starts_with("nothing to write"),
            "[{backend}] {}{}",
            run.stdout,
            run.stderr
        );
    }
}

/// A chain of renames with both tables rebuilt: each is rebuilt under its name in the
/// database, with its own trigger and partial index, before the renames.
#[test]
fn a_sqlite_chain_of_rebuilt_tables_keeps_their_triggers_and_indexes() {
    let scratch = Scratch::new("kept-chain2");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    let url = db.url.as_str();
    run_sql(
        url,
        &[
            "CREATE TABLE a (id INTEGER PRIMARY KEY NOT NULL, x TEXT)",
            "CREATE TABLE b (id INTEGER PRIMARY KEY NOT NULL, y TEXT)",
            "CREATE TABLE log (what TEXT)",
            "CREATE TRIGGER a_log AFTER INSERT ON a BEGIN INSERT INTO log VALUES (new.x); END",
            "CREATE INDEX b_untitled ON b (id) WHERE y IS NULL",
            "INSERT INTO a VALUES (1, 'from a')",
            "INSERT INTO b VALUES (2, NULL)",
        ],
    );
    let run = diff(
        dir,
        url,
        "chain",
        "chain2",
        &["--rename", "b=c", "--rename", "a=b"],
    );
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
    colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
    let objects: Vec<(String, String)> = rows(
        url,
        "SELECT name, tbl_name FROM sqlite_master WHERE type IN ('trigger', 'index') AND name IN ('a_log', 'b_untitled') ORDER BY name",
    );
    assert_eq!(
        objects,
        [
            ("a_log".to_string(), "b".to_string()),
            ("b_untitled".to_string(), "c".to_string())
        ]
    );
    let b: Vec<(i64, String)> = rows(url, "SELECT id, x FROM b");
    assert_eq!(b, [(1, "from a".to_string())]);
}

/// PostgreSQL: the partitions of a declared partitioned table were read as tables of their
/// own, declared by no entity, and `--allow-drop` dropped them with their rows.
#[test]
fn the_partitions_of_a_declared_table_are_not_dropped() {
    for backend in backends().into_iter().filter(|b| *b == "postgres") {
        let scratch = Scratch::new("kept-partitions");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        run_sql(
            url,
            &[
                "CREATE TABLE reading (id BIGINT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
                "CREATE TABLE reading_early PARTITION OF reading FOR VALUES FROM (0) TO (100)",
                "INSERT INTO reading VALUES (1, 5)",
            ],
        );
        let catalog = Database::open(url)
            .expect("open")
            .catalog()
            .expect("catalog");
        assert!(catalog.table("reading").is_some());
        assert!(catalog.table("reading_early").is_none(), "{catalog:?}");
        let run = diff(dir, url, "nothing", "partitioned", &["--allow-drop"]);
        assert!(run.ok, "{}{}", run.stdout, run.stderr);
        // Nothing to change: no migration, or one that leaves the partition alone.
        for sql in written_up_sql(dir) {
            assert!(!sql.contains("reading_early"), "{sql}");
        }
    }
}

/// SQLite: a virtual table (FTS) no entity maps was dropped by `--allow-drop` once the
/// catalogue listed it with the tables (its index and content lost).
#[test]
fn a_virtual_table_is_left_alone() {
    for backend in backends().into_iter().filter(|b| *b == "sqlite") {
        let scratch = Scratch::new("kept-virtual");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        run_sql(
            url,
            &[
                "CREATE VIRTUAL TABLE docs USING fts5(body)",
                "INSERT INTO docs VALUES ('hello')",
            ],
        );
        let run = diff(dir, url, "reading", "partitioned", &["--allow-drop"]);
        assert!(run.ok, "{}{}", run.stdout, run.stderr);
        for sql in written_up_sql(dir) {
            assert!(sql.contains("reading"), "{sql}");
            assert!(!sql.contains("docs"), "{sql}");
        }
    }
}

/// New tables that refer to each other: on PostgreSQL the migration failed ("relation does
/// not exist": the first table's foreign key named a table not made yet), and its down.sql
/// could not drop either table (each is referred to by the other).
#[test]
fn new_tables_that_refer_to_each_other_are_made_and_reverted() {
    for backend in backends() {
        let scratch = Scratch::new("kept-cycle");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        let run = diff(dir, url, "cycle", "cycle", &[]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        for (name, target) in [("holder", "place"), ("place", "holder")] {
            let fks = table(url, name).foreign_keys;
            assert_eq!(fks.len(), 1, "[{backend}] {name}: {fks:?}");
            assert_eq!(fks[0].table, target, "[{backend}] {name}");
        }
        run_sql(
            url,
            &[
                "INSERT INTO holder (id, default_place) VALUES (1, NULL)",
                "INSERT INTO place (id, holder) VALUES (7, 1)",
                "UPDATE holder SET default_place = 7",
            ],
        );
        let again = diff(dir, url, "again", "cycle", &[]);
        assert!(
            again.stdout.starts_with("nothing to write"),
            "[{backend}] {}{}",
            again.stdout,
            again.stderr
        );
        colt_ok(dir, &["migrate", "revert", url, "--dir", "migrations"]);
        let catalog = Database::open(url)
            .expect("open")
            .catalog()
            .expect("catalog");
        assert!(
            catalog.table("holder").is_none() && catalog.table("place").is_none(),
            "[{backend}] reverted"
        );
    }
}

/// A migration cut short while it was written (here the process is killed by a file-size
/// limit in the middle of up.sql) leaves no migration behind: its directory was made first
/// and the files written into it, so the next `migrate run` applied half an up.sql. It is
/// now written under a hidden name and renamed when whole. (Found by a review.)
#[test]
fn a_migration_cut_short_while_written_is_not_a_migration() {
    let scratch = Scratch::new("kept-cut");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    let entities = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff/rich");
    // `ulimit -f 1`: no file past 512 bytes (the rich schema's up.sql is longer).
    let status = std::process::Command::new("sh")
        .current_dir(dir)
        .arg("-c")
        .arg(r#"ulimit -f 1; exec "$0" migrate diff "$1" cut --entities "$2" --dir migrations"#)
        .arg(env!("CARGO_BIN_EXE_colt"))
        .arg(&db.url)
        .arg(&entities)
        .status()
        .expect("sh");
    assert!(!status.success(), "the write was cut short");
    let left = colt_runtime::migrations::Migrations::from_dir(dir.join("migrations"))
        .expect("the directory reads");
    assert_eq!(left.iter().count(), 0, "no migration is left half written");
    let run = colt(dir, &["migrate", "run", &db.url, "--dir", "migrations"]);
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
    assert!(
        Database::open(&db.url)
            .expect("open")
            .catalog()
            .expect("catalog")
            .table("customer")
            .is_none(),
        "nothing was applied"
    );
}

/// SQLite: a rebuild makes a table's triggers and views again from their SQL as it was
/// before the migration. A column renamed by the same rebuild, or a table renamed earlier
/// in the same up.sql, left them naming what is gone: the migration committed, the audit
/// trigger never fired again (no error), and the view failed. Such a migration is refused,
/// with the way to write it.
#[test]
fn a_sqlite_rebuild_never_makes_a_trigger_or_view_again_from_stale_sql() {
    let scratch = Scratch::new("stale-rebuild");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    let url = db.url.as_str();
    run_sql(
        url,
        &[
            "CREATE TABLE line (id INTEGER PRIMARY KEY NOT NULL, qty BIGINT NOT NULL)",
            "CREATE TABLE audit (what BIGINT)",
            "CREATE TRIGGER line_audit AFTER UPDATE OF qty ON line BEGIN INSERT INTO audit VALUES (new.qty); END",
            "INSERT INTO line VALUES (1, 5)",
        ],
    );
    let run = diff(
        dir,
        url,
        "amount",
        "stale_line",
        &["--rename", "line.qty=amount"],
    );
    assert!(!run.ok, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("line_audit"), "{}", run.stderr);
    assert!(
        run.stderr.contains("renamed by the same migration"),
        "{}",
        run.stderr
    );
    assert!(written_up_sql(dir).is_empty());

    let scratch = Scratch::new("stale-rebuild-view");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    let url = db.url.as_str();
    run_sql(
        url,
        &[
            "CREATE TABLE b (id INTEGER PRIMARY KEY NOT NULL)",
            "CREATE TABLE a (id INTEGER PRIMARY KEY NOT NULL, x BIGINT NOT NULL)",
            "CREATE VIEW ab AS SELECT a.id FROM a JOIN b ON b.id = a.id",
        ],
    );
    let run = diff(dir, url, "c", "stale_view", &["--rename", "b=c"]);
    assert!(!run.ok, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("view `ab`"), "{}", run.stderr);
    assert!(written_up_sql(dir).is_empty());
}

/// A renamed key column: the tables that refer to it kept naming the old column in the
/// diff, so their foreign keys were made again, without a word and without the database's
/// `ON DELETE CASCADE` (SQLite rebuilt them for it). Both databases rename the references
/// with the column.
#[test]
fn a_renamed_key_keeps_the_foreign_keys_to_it() {
    for backend in backends() {
        let scratch = Scratch::new("renamed-key");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        run_sql(
            url,
            &[
                "CREATE TABLE parent (id BIGINT PRIMARY KEY NOT NULL)",
                "CREATE TABLE child (id BIGINT PRIMARY KEY NOT NULL, parent BIGINT NOT NULL REFERENCES parent (id) ON DELETE CASCADE)",
                "CREATE INDEX child_parent ON child (parent)",
            ],
        );
        let run = diff(
            dir,
            url,
            "pid",
            "renamed_key",
            &["--rename", "parent.id=pid"],
        );
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        let up = written_up_sql(dir).join("\n");
        assert!(!up.contains("child"), "[{backend}] {up}");
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        let child = table(url, "child");
        assert_eq!(child.foreign_keys.len(), 1, "[{backend}] {child:?}");
        assert_eq!(child.foreign_keys[0].referenced, ["pid"], "[{backend}]");
        assert_eq!(child.foreign_keys[0].on_delete, "CASCADE", "[{backend}]");
    }
}

/// SQLite: a rebuild written against one database (a development copy) and run on another
/// (production) copied the columns, and made again the indexes and triggers, of the first:
/// a column, an index or a trigger only the second had went with its old table, and the
/// migration reported success. The rebuild checks the table first now.
#[test]
fn a_sqlite_rebuild_fails_on_a_table_it_was_not_written_for() {
    let scratch = Scratch::new("guarded-rebuild");
    let dir = scratch.path();
    let dev = fresh("sqlite", dir);
    let prod = fresh("sqlite", dir);
    let made = "CREATE TABLE item (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, name TEXT)";
    run_sql(&dev.url, &[made, "INSERT INTO item (name) VALUES ('a')"]);
    run_sql(
        &prod.url,
        &[
            made,
            "ALTER TABLE item ADD COLUMN secret TEXT",
            "INSERT INTO item (name, secret) VALUES ('a', 'kept')",
        ],
    );
    let run = diff(dir, &dev.url, "required", "case", &[]);
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
    colt_ok(dir, &["migrate", "run", &dev.url, "--dir", "migrations"]);
    let refused = colt(dir, &["migrate", "run", &prod.url, "--dir", "migrations"]);
    assert!(!refused.ok, "{}{}", refused.stdout, refused.stderr);
    assert!(
        refused
            .stderr
            .contains("is not as colt migrate diff saw it"),
        "{}",
        refused.stderr
    );
    let kept: Vec<(String,)> = rows(&prod.url, "SELECT secret FROM item");
    assert_eq!(kept, [("kept".to_string(),)]);
    // A trigger only production has, likewise.
    run_sql(
        &prod.url,
        &[
            "ALTER TABLE item DROP COLUMN secret",
            "CREATE TABLE log (what TEXT)",
            "CREATE TRIGGER item_log AFTER INSERT ON item BEGIN INSERT INTO log VALUES (new.name); END",
        ],
    );
    let refused = colt(dir, &["migrate", "run", &prod.url, "--dir", "migrations"]);
    assert!(!refused.ok, "{}{}", refused.stdout, refused.stderr);
    let triggers: Vec<(String,)> = rows(
        &prod.url,
        "SELECT name FROM sqlite_master WHERE type = 'trigger'",
    );
    assert_eq!(triggers, [("item_log".to_string(),)]);
}

/// SQLite: an index whose column the rebuild renames is made again from the catalogue,
/// which has no `COLLATE` or `DESC`: a unique index that ignored case became one that does
/// not, without a word. The diff says so now.
#[test]
fn a_sqlite_rebuild_says_when_a_renamed_index_loses_its_collation() {
    let scratch = Scratch::new("renamed-index");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    let url = db.url.as_str();
    run_sql(
        url,
        &[
            "CREATE TABLE person (id INTEGER PRIMARY KEY NOT NULL, email TEXT NOT NULL)",
            "CREATE UNIQUE INDEX person_email ON person (email COLLATE NOCASE)",
        ],
    );
    let run = diff(
        dir,
        url,
        "mail",
        "renamed_index",
        &["--rename", "person.email=mail"],
    );
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("index `person_email`") && run.stderr.contains("COLLATE/DESC"),
        "{}",
        run.stderr
    );
}

/// SQLite: a renamed key in a table that is also rebuilt. The copy renamed the column, but
/// the tables referring to it kept naming the old one (SQLite renames inside foreign keys
/// only for a rename in place): the migration failed its foreign-key check. The column is
/// renamed in place first now.
#[test]
fn a_sqlite_rebuild_renaming_a_key_keeps_the_foreign_keys_to_it() {
    let scratch = Scratch::new("rebuilt-key");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    let url = db.url.as_str();
    run_sql(
        url,
        &[
            "CREATE TABLE parent (id BIGINT PRIMARY KEY NOT NULL, note TEXT NOT NULL)",
            "CREATE TABLE child (id BIGINT PRIMARY KEY NOT NULL, parent BIGINT NOT NULL REFERENCES parent (id) ON DELETE CASCADE)",
            "CREATE INDEX child_parent ON child (parent)",
            "INSERT INTO parent VALUES (1, 'a')",
            "INSERT INTO child VALUES (10, 1)",
        ],
    );
    let run = diff(
        dir,
        url,
        "pid",
        "renamed_key_rebuilt",
        &["--rename", "parent.id=pid"],
    );
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
    colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
    let child = table(url, "child");
    assert_eq!(child.foreign_keys[0].referenced, ["pid"]);
    assert_eq!(child.foreign_keys[0].on_delete, "CASCADE");
    let rows_now: Vec<(i64, Option<String>)> = rows(url, "SELECT pid, note FROM parent");
    assert_eq!(rows_now, [(1, Some("a".to_string()))]);
    colt_ok(dir, &["migrate", "revert", url, "--dir", "migrations"]);
    let child = table(url, "child");
    assert_eq!(child.foreign_keys[0].referenced, ["id"]);
}

/// A default the program converts: a newtype's goes through its own `From` (here dollars to
/// cents: `9.99` is 999), which the sources do not say, and was written as the literal
/// (`DEFAULT 9.99`: existing rows got 10 on PostgreSQL, a REAL that fails to read on
/// SQLite); an `f32`'s was written as the literal's `f64`, which no `f32` equals. The first
/// is refused now, the second written as `create_tables` writes it.
#[test]
fn defaults_the_program_converts_are_not_written_as_their_literal() {
    for backend in backends() {
        let scratch = Scratch::new("converted-default");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        run_sql(url, &["CREATE TABLE item (id BIGINT PRIMARY KEY NOT NULL)"]);
        let run = diff(dir, url, "price", "newtype_default", &[]);
        assert!(!run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains("newtype"), "[{backend}] {}", run.stderr);
        let run = diff(dir, url, "weight", "f32_default", &[]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        let up = written_up_sql(dir).join("\n");
        assert!(up.contains("0.10000000149011612"), "[{backend}] {up}");
    }
}

/// SQLite: the rebuild's guard lets a revert and a new run through (the revert names a
/// `UNIQUE` constraint's index otherwise: compared by what it indexes), and stops a
/// foreign key only production has (it went with the old table).
#[test]
fn a_sqlite_rebuild_guard_passes_a_revert_and_stops_a_foreign_key_it_did_not_see() {
    let scratch = Scratch::new("guard-unique");
    let dir = scratch.path();
    let dev = fresh("sqlite", dir);
    let prod = fresh("sqlite", dir);
    let made = "CREATE TABLE item (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, code TEXT NOT NULL UNIQUE, note TEXT, owner_id INTEGER)";
    run_sql(&dev.url, &[made, "INSERT INTO item (code) VALUES ('a')"]);
    let run = diff(dir, &dev.url, "note", "guarded_unique", &[]);
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
    colt_ok(dir, &["migrate", "run", &dev.url, "--dir", "migrations"]);
    colt_ok(dir, &["migrate", "revert", &dev.url, "--dir", "migrations"]);
    colt_ok(dir, &["migrate", "run", &dev.url, "--dir", "migrations"]);
    run_sql(
        &prod.url,
        &[
            "CREATE TABLE owner (id INTEGER PRIMARY KEY NOT NULL)",
            "CREATE TABLE item (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, code TEXT NOT NULL UNIQUE, note TEXT, owner_id INTEGER REFERENCES owner (id))",
        ],
    );
    let refused = colt(dir, &["migrate", "run", &prod.url, "--dir", "migrations"]);
    assert!(!refused.ok, "{}{}", refused.stdout, refused.stderr);
    assert_eq!(table(&prod.url, "item").foreign_keys.len(), 1);
}

/// PostgreSQL keeps the first 63 bytes of a name: a longer column name in the entities was
/// compared with the catalogue's cut one, so the difference added it (an error, every time)
/// or, with `--allow-drop`, dropped the column and added it again, empty. Refused on
/// PostgreSQL now; SQLite keeps long names. (Found by a review.)
#[test]
fn a_name_postgresql_would_cut_is_refused_there() {
    for backend in backends() {
        let scratch = Scratch::new("long-name");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let made = diff(dir, &db.url, "first", "long_name", &[]);
        if backend == "postgres" {
            assert!(
                !made.ok && made.stderr.contains("65 bytes long"),
                "{backend}: {}",
                made.stderr
            );
            assert!(written_up_sql(dir).is_empty());
        } else {
            assert!(made.ok, "{backend}: {}", made.stderr);
            assert!(written_up_sql(dir)[0].contains("reading_of_the_primary"));
        }
    }
}

/// Two indexes made by hand on the column the entities index once (a second one with its
/// own collation, operator class or method, which the catalogue does not tell apart): the
/// second was dropped without `--allow-drop` and without a note, as the one the entities
/// declare matched only the first. Each declared index matches one index of the database now;
/// the other is left alone, as any index no entity declares. (Found by a review.)
#[test]
fn a_second_index_on_a_declared_ones_columns_is_kept() {
    for backend in backends() {
        let scratch = Scratch::new("kept-second");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        run_sql(
            url,
            &[
                "CREATE TABLE item (id BIGINT PRIMARY KEY NOT NULL, ext TEXT)",
                "CREATE INDEX plain_ext ON item (ext)",
                "CREATE INDEX ext_again ON item (ext)",
            ],
        );
        let run = diff(dir, url, "nothing", "indexed", &[]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        assert!(
            run.stdout.starts_with("nothing to write"),
            "[{backend}] {}{}",
            run.stdout,
            run.stderr
        );
    }
}

/// SQLite: a rebuild drops and makes again the views over the table, and dropping a view
/// drops its `INSTEAD OF` triggers: those were not made again (the migration committed and
/// an insert through the view then failed), and a view over the view was not either. Both
/// are made again now. (Found by a review.)
#[test]
fn a_sqlite_rebuild_keeps_the_triggers_of_the_views_it_makes_again() {
    let scratch = Scratch::new("kept-view-trigger");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    let url = db.url.as_str();
    run_sql(
        url,
        &[
            "CREATE TABLE a (id INTEGER PRIMARY KEY NOT NULL, x INTEGER NOT NULL)",
            "CREATE VIEW a_view AS SELECT id, x FROM a",
            "CREATE TRIGGER a_view_ins INSTEAD OF INSERT ON a_view BEGIN INSERT INTO a (id, x) VALUES (new.id, new.x); END",
            "CREATE VIEW a_top AS SELECT id FROM a_view",
            "INSERT INTO a VALUES (1, 10)",
        ],
    );
    let run = diff(dir, url, "optional", "view_trigger", &[]);
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
    colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
    let objects: Vec<(String, String)> = rows(
        url,
        "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view') ORDER BY name",
    );
    assert_eq!(
        objects,
        [
            ("view".to_string(), "a_top".to_string()),
            ("view".to_string(), "a_view".to_string()),
            ("trigger".to_string(), "a_view_ins".to_string())
        ]
    );
    run_sql(url, &["INSERT INTO a_view (id, x) VALUES (2, NULL)"]);
    let ids: Vec<(i64,)> = rows(url, "SELECT id FROM a_top ORDER BY id");
    assert_eq!(ids, [(1,), (2,)]);
}

/// SQLite: a rebuild that drops a column (`--allow-drop`) made again, from their SQL, the
/// table's trigger and view that name it; SQLite checked neither, the migration committed,
/// and every insert then failed ("no such column"). Refused now, with what to do. (Found by
/// a review.)
#[test]
fn a_sqlite_rebuild_dropping_a_column_its_trigger_names_is_refused() {
    let scratch = Scratch::new("kept-dropped");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    let url = db.url.as_str();
    run_sql(
        url,
        &[
            "CREATE TABLE t (id INTEGER PRIMARY KEY NOT NULL, a INTEGER NOT NULL, b INTEGER)",
            "CREATE TRIGGER t_b AFTER INSERT ON t BEGIN UPDATE t SET b = new.a WHERE id = new.id; END",
            "INSERT INTO t (id, a) VALUES (1, 10)",
        ],
    );
    let run = diff(dir, url, "dropped", "dropped_column", &["--allow-drop"]);
    assert!(!run.ok, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("trigger `t_b`")
            && run.stderr.contains("dropped by the same migration"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    run_sql(url, &["INSERT INTO t (id, a) VALUES (2, 20)"]);
}

/// SQLite: a generated column spelled without `GENERATED` (`twice INTEGER AS (id * 2)`),
/// which the catalogue leaves out: a rebuild dropped it without the note a `GENERATED`
/// spelling gets, and, mapped by a field, made it a plain column of NULLs (its values
/// lost). Now the note names it, and a mapped one is refused. (Found by a review.)
#[test]
fn a_sqlite_generated_column_however_spelled_is_not_lost_silently() {
    for (entities, refused) in [("generated_unmapped", false), ("generated_mapped", true)] {
        let scratch = Scratch::new("kept-generated-spelled");
        let dir = scratch.path();
        let db = fresh("sqlite", dir);
        let url = db.url.as_str();
        run_sql(
            url,
            &[
                "CREATE TABLE pair (id INTEGER PRIMARY KEY NOT NULL, n INTEGER NOT NULL, twice INTEGER AS (id * 2) STORED)",
                "INSERT INTO pair (id, n) VALUES (4, 1)",
            ],
        );
        let run = diff(dir, url, "optional", entities, &[]);
        assert_eq!(run.ok, !refused, "{entities}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("generated column `twice`")
                || run.stderr.contains("`pair.twice` is a generated column"),
            "{entities}: {}{}",
            run.stdout,
            run.stderr
        );
    }
}

/// SQLite: a generated column no field maps, named by a view of the table: the rebuild
/// dropped the column and made the view again from its SQL, which SQLite did not check, and
/// every read of the view then failed. Refused now. (Found by a review of the fix above.)
#[test]
fn a_sqlite_generated_column_a_view_names_is_not_dropped_by_a_rebuild() {
    let scratch = Scratch::new("kept-generated-view");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    let url = db.url.as_str();
    run_sql(
        url,
        &[
            "CREATE TABLE pair (id INTEGER PRIMARY KEY NOT NULL, n INTEGER NOT NULL, Twice INTEGER AS (id * 2) STORED)",
            "CREATE VIEW doubled AS SELECT id, twice FROM pair",
            "INSERT INTO pair (id, n) VALUES (4, 1)",
        ],
    );
    let run = diff(dir, url, "optional", "generated_unmapped", &[]);
    assert!(!run.ok, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("view `doubled`") && run.stderr.contains("generated column"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    let twice: Vec<(i64,)> = rows(url, "SELECT twice FROM doubled");
    assert_eq!(twice, [(8,)]);
}

/// SQLite: a rebuild written against one database and run against another whose view over
/// the table has a trigger the first did not (production's): dropping the view dropped the
/// trigger, and the guard, which compared only the table's own triggers, let the migration
/// commit without it. The guard compares the views' triggers too. (Found by a review.)
#[test]
fn a_sqlite_rebuild_guard_sees_the_triggers_of_the_views_it_remakes() {
    let scratch = Scratch::new("kept-view-guard");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    let url = db.url.as_str();
    run_sql(
        url,
        &[
            "CREATE TABLE a (id INTEGER PRIMARY KEY NOT NULL, x INTEGER NOT NULL)",
            "CREATE VIEW a_view AS SELECT id, x FROM a",
            "CREATE TRIGGER a_view_ins INSTEAD OF INSERT ON a_view BEGIN INSERT INTO a (id, x) VALUES (new.id, new.x); END",
            "CREATE VIEW a_top AS SELECT id FROM a_view",
        ],
    );
    let run = diff(dir, url, "optional", "view_trigger", &[]);
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
    run_sql(
        url,
        &["CREATE TRIGGER prod_only INSTEAD OF DELETE ON a_view BEGIN DELETE FROM a WHERE id = old.id; END"],
    );
    common::colt_err(dir, &["migrate", "run", url, "--dir", "migrations"]);
    let triggers: Vec<(String,)> = rows(
        url,
        "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name",
    );
    assert_eq!(
        triggers,
        [("a_view_ins".to_string(),), ("prod_only".to_string(),)]
    );
}
