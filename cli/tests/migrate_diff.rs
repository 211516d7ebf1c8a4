//! `colt migrate diff` on both backends: the entities of `tests/fixtures/diff/*` (read by the
//! command from their files, and compiled here from the same files with `include!`, so that
//! `check_tables` can judge each step) migrate a database step by step, keeping every row;
//! a database `create_tables` made has no difference; unsafe changes are refused.

mod common;

use std::path::Path;

use colt::Database;
use colt_runtime::introspect::Catalog;
use common::{backends, colt, colt_err, colt_ok, fresh, Scratch};

mod rich {
    use colt::prelude::*;
    include!("fixtures/diff/rich/entities.rs");
}

mod v1 {
    use colt::prelude::*;
    include!("fixtures/diff/v1/shop.rs");
}

mod v2 {
    use colt::prelude::*;
    include!("fixtures/diff/v2/shop.rs");
}

mod v3 {
    use colt::prelude::*;
    include!("fixtures/diff/v3/shop.rs");
}

mod v4 {
    use colt::prelude::*;
    include!("fixtures/diff/v4_drop/shop.rs");
}

mod v5 {
    use colt::prelude::*;
    include!("fixtures/diff/v5_table/shop.rs");
}

fn fixtures(version: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diff")
        .join(version)
        .display()
        .to_string()
}

/// `colt migrate diff URL NAME --entities fixtures/VERSION`, more arguments after.
fn diff(dir: &Path, url: &str, name: &str, version: &str, more: &[&str]) -> common::Run {
    let entities = fixtures(version);
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

/// The migration a successful diff wrote: its directory, and its up.sql.
#[track_caller]
fn written(dir: &Path, run: &common::Run) -> (String, String) {
    assert!(run.ok, "diff failed: {}{}", run.stdout, run.stderr);
    let made = run
        .stdout
        .trim()
        .strip_prefix("created ")
        .unwrap_or_else(|| panic!("{}", run.stdout))
        .to_string();
    let up = std::fs::read_to_string(dir.join(&made).join("up.sql")).expect("up.sql");
    (made, up)
}

fn products(url: &str, name_column: &str) -> Vec<(i64, String, Option<String>)> {
    let db = Database::open(url).expect("open");
    db.transaction(|tx| {
        tx.query_sql(
            &format!("SELECT id, \"{name_column}\", note FROM product ORDER BY id"),
            &[],
        )
    })
    .expect("products")
}

fn catalog(url: &str) -> Catalog {
    Database::open(url)
        .expect("open")
        .catalog()
        .expect("catalog")
}

#[test]
fn a_database_create_tables_made_has_no_difference() {
    for backend in backends() {
        let scratch = Scratch::new("diff-rich");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let made = Database::open(&db.url).expect("open");
        made.bind(colt::schema![
            rich::Customer,
            rich::Profile,
            rich::Order,
            rich::OrderLine,
            rich::LineNote,
            rich::Employee,
            rich::Skill,
            rich::Booking
        ])
        .expect("bind");
        made.create_tables().expect("create_tables");
        let run = diff(dir, &db.url, "nothing", "rich", &[]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        assert_eq!(
            run.stdout, "nothing to write: the database matches the entities\n",
            "[{backend}] {}",
            run.stderr
        );
        assert!(
            !dir.join("migrations").exists(),
            "[{backend}] nothing written"
        );
    }
}

#[test]
fn a_three_step_history_keeps_every_row_and_reverts() {
    for backend in backends() {
        let scratch = Scratch::new("diff-steps");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();

        // 1. Create the tables.
        let (_, up) = written(dir, &diff(dir, url, "create_shop", "v1", &[]));
        assert!(up.contains("CREATE TABLE \"category\""), "{up}");
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        let check = Database::open(url).expect("open");
        check
            .bind(colt::schema![v1::Category, v1::Product])
            .expect("bind");
        check.check_tables().expect("step 1 matches its entities");
        Database::open(url)
            .expect("open")
            .transaction(|tx| {
                tx.execute_sql("INSERT INTO category (name) VALUES ('books')", &[])?;
                tx.execute_sql(
                    "INSERT INTO product (name, price, note, category) VALUES ('Dune', 900, 'classic', 1), ('Emma', 700, NULL, 1)",
                    &[],
                )?;
                // A view over the table: SQLite's rebuild makes it again.
                tx.execute_sql("CREATE VIEW cheap AS SELECT id FROM product WHERE price < 800", &[])
            })
            .expect("rows");

        // 2. A column with a default, and an index.
        let (_, up) = written(dir, &diff(dir, url, "add_product_stock", "v2", &[]));
        assert!(up.contains("ADD COLUMN \"stock\""), "[{backend}] {up}");
        assert!(
            up.contains("CREATE INDEX \"idx_product__name\""),
            "[{backend}] {up}"
        );
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        let check = Database::open(url).expect("open");
        check
            .bind(colt::schema![v2::Category, v2::Product])
            .expect("bind");
        check.check_tables().expect("step 2 matches its entities");
        let stock: Vec<(i64, i32)> = check
            .transaction(|tx| tx.query_sql("SELECT id, stock FROM product ORDER BY id", &[]))
            .expect("stock");
        assert_eq!(stock, [(1, 0), (2, 0)], "[{backend}]");
        let product = catalog(url).table("product").cloned().expect("product");
        assert!(
            product
                .indexes
                .iter()
                .any(|i| i.columns == ["name"] && !i.unique),
            "[{backend}] {product:?}"
        );

        // 3. A rename, and a column made NOT NULL: SQLite rebuilds the table.
        let (third, up) = written(
            dir,
            &diff(
                dir,
                url,
                "title_and_note",
                "v3",
                &["--rename", "product.name=title"],
            ),
        );
        if db.postgres {
            assert!(up.contains("RENAME COLUMN \"name\" TO \"title\""), "{up}");
            assert!(up.contains("SET NOT NULL"), "{up}");
        } else {
            assert!(up.contains("CREATE TABLE \"_colt_new_product\""), "{up}");
            assert!(up.contains("COALESCE(\"note\", '')"), "{up}");
        }
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        let check = Database::open(url).expect("open");
        check
            .bind(colt::schema![v3::Category, v3::Product])
            .expect("bind");
        check.check_tables().expect("step 3 matches its entities");
        assert_eq!(
            products(url, "title"),
            [
                (1, "Dune".to_string(), Some("classic".to_string())),
                (2, "Emma".to_string(), Some(String::new()))
            ],
            "[{backend}]"
        );
        let cheap: Vec<(i64,)> = check
            .transaction(|tx| tx.query_sql("SELECT id FROM cheap", &[]))
            .expect("the view is there");
        assert_eq!(cheap, [(2,)], "[{backend}]");
        let again = diff(dir, url, "again", "v3", &[]);
        assert_eq!(
            again.stdout, "nothing to write: the database matches the entities\n",
            "[{backend}] {}",
            again.stderr
        );

        // Reverting step 3 with the down.sql the diff wrote gives step 2's tables back.
        assert!(dir.join(&third).join("down.sql").exists());
        colt_ok(dir, &["migrate", "revert", url, "--dir", "migrations"]);
        let check = Database::open(url).expect("open");
        check
            .bind(colt::schema![v2::Category, v2::Product])
            .expect("bind");
        check.check_tables().expect("reverted to step 2");
        assert_eq!(products(url, "name").len(), 2, "[{backend}]");
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);

        // 4. A dropped field: left alone without --allow-drop, dropped with it (the view
        // over it first).
        Database::open(url)
            .expect("open")
            .transaction(|tx| tx.execute_sql("DROP VIEW cheap", &[]))
            .expect("drop view");
        let kept = diff(dir, url, "drop_price", "v4_drop", &[]);
        assert!(kept.ok, "{}", kept.stderr);
        assert!(
            kept.stdout.starts_with("nothing to write"),
            "{}",
            kept.stdout
        );
        assert!(
            kept.stderr.contains("column `product.price` is declared by no entity: left alone (--allow-drop drops it)"),
            "[{backend}] {}",
            kept.stderr
        );
        let dropped = diff(dir, url, "drop_price", "v4_drop", &["--allow-drop"]);
        let (fourth, _) = written(dir, &dropped);
        assert!(
            dropped.stderr.contains("no down.sql (the migration cannot be reverted): it drops `product.price`, which a revert could not fill again"),
            "a dropped NOT NULL column cannot come back: {}",
            dropped.stderr
        );
        assert!(!dir.join(&fourth).join("down.sql").exists());
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        let check = Database::open(url).expect("open");
        check
            .bind(colt::schema![v4::Category, v4::Product])
            .expect("bind");
        check.check_tables().expect("step 4 matches its entities");
        assert_eq!(products(url, "title").len(), 2, "[{backend}]");

        // 5. A renamed table: the references to it follow.
        let (_, up) = written(
            dir,
            &diff(
                dir,
                url,
                "rename_category",
                "v5_table",
                &["--rename", "category=categories"],
            ),
        );
        assert_eq!(
            up.lines().nth(1),
            Some("ALTER TABLE \"category\" RENAME TO \"categories\";"),
            "[{backend}] {up}"
        );
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        let check = Database::open(url).expect("open");
        check
            .bind(colt::schema![v5::Category, v5::Product])
            .expect("bind");
        check.check_tables().expect("step 5 matches its entities");
        let joined: Vec<(String, String)> = check
            .transaction(|tx| {
                tx.query_sql(
                    "SELECT p.title, c.name FROM product p JOIN categories c ON c.id = p.category ORDER BY p.id",
                    &[],
                )
            })
            .expect("join");
        assert_eq!(joined.len(), 2, "[{backend}]");
        let status = colt_ok(dir, &["migrate", "status", url, "--dir", "migrations"]);
        assert_eq!(status.lines().count(), 5, "[{backend}] {status}");
    }
}

#[test]
fn a_new_not_null_column_without_a_default_is_refused() {
    for backend in backends() {
        let scratch = Scratch::new("diff-refused");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        written(dir, &diff(dir, url, "create_shop", "v1", &[]));
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        let entities = fixtures("v2_refused");
        let err = colt_err(
            dir,
            &[
                "migrate",
                "diff",
                url,
                "add_stock",
                "--entities",
                &entities,
                "--dir",
                "migrations",
            ],
        );
        assert!(
            err.contains("no migration written: `Product.stock` is a new NOT NULL column of `product` without a default: the rows already there would have no value; give the field `#[colt(default = ..)]`, or make it an `Option`"),
            "[{backend}] {err}"
        );
        let migrations = std::fs::read_dir(dir.join("migrations"))
            .expect("dir")
            .count();
        assert_eq!(migrations, 1, "[{backend}] nothing more written");
    }
}

#[test]
fn pending_migrations_and_bad_sources_are_refused() {
    let scratch = Scratch::new("diff-errors");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    let url = db.url.as_str();
    written(dir, &diff(dir, url, "create_shop", "v1", &[]));
    let entities = fixtures("v2");
    let err = colt_err(
        dir,
        &[
            "migrate",
            "diff",
            url,
            "add_stock",
            "--entities",
            &entities,
            "--dir",
            "migrations",
        ],
    );
    assert!(err.contains("not applied, changed or missing"), "{err}");
    assert!(err.contains("_create_shop"), "{err}");

    let err = colt_err(
        dir,
        &[
            "migrate",
            "diff",
            url,
            "x",
            "--entities",
            "no/such/dir",
            "--dir",
            "migrations",
        ],
    );
    assert!(err.contains("`no/such/dir` is not a directory"), "{err}");

    let broken = dir.join("broken");
    std::fs::create_dir_all(&broken).expect("dir");
    std::fs::write(broken.join("lib.rs"), "pub struct A {\n    x: i64,\n").expect("file");
    let err = colt_err(
        dir,
        &[
            "migrate",
            "diff",
            url,
            "x",
            "--entities",
            "broken",
            "--dir",
            "migrations",
        ],
    );
    assert!(err.contains("broken/lib.rs:"), "{err}");

    let err = colt_err(
        dir,
        &[
            "migrate",
            "diff",
            url,
            "x",
            "--entities",
            &entities,
            "--rename",
            "product.name",
        ],
    );
    assert!(err.contains("is not a rename"), "{err}");
}

/// The README's walkthrough: a database Colt did not make, inspected into entities; the
/// entities changed (a reference made required, a rating added); the migration `diff` writes
/// keeps every row, the rows that refer to the rebuilt table, its `ON DELETE CASCADE` and its
/// indexes' names.
#[test]
fn an_inspected_database_changed_through_its_entities() {
    for backend in backends() {
        let scratch = Scratch::new("diff-inspected");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        common::load(url, &format!("music.{backend}.sql"));
        std::fs::create_dir_all(dir.join("src")).expect("src");
        colt_ok(dir, &["inspect", url, "--out", "src/music.rs"]);
        let diff_src = |name: &str| {
            colt(
                dir,
                &[
                    "migrate",
                    "diff",
                    url,
                    name,
                    "--entities",
                    "src",
                    "--dir",
                    "migrations",
                ],
            )
        };
        // What the entities add to the database as it was (indexes on foreign keys), once.
        let first = diff_src("colt_indexes");
        assert!(first.ok, "[{backend}] {}", first.stderr);
        assert!(
            first
                .stderr
                .contains("table `Log` is declared by no entity: left alone"),
            "[{backend}] {}",
            first.stderr
        );
        if first.stdout.starts_with("created") {
            colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        }
        let same = diff_src("same");
        assert!(
            same.stdout.starts_with("nothing to write"),
            "[{backend}] {}",
            same.stdout
        );

        let before = catalog(url);
        let counts = |url: &str| -> Vec<(i64,)> {
            Database::open(url)
                .expect("open")
                .transaction(|tx| {
                    tx.query_sql(
                        "SELECT count(*) FROM \"Track\" UNION ALL SELECT count(*) FROM \"PlaylistTrack\"",
                        &[],
                    )
                })
                .expect("counts")
        };
        let rows = counts(url);
        let path = dir.join("src/music.rs");
        let source = std::fs::read_to_string(&path).expect("source");
        let changed = source.replacen(
            "    pub album: Option<Ref<Album>>,\n",
            "    pub album: Ref<Album>,\n    #[colt(default = 0, index)]\n    pub rating: i32,\n",
            1,
        );
        assert_ne!(changed, source, "the inspected Track has an optional album");
        std::fs::write(&path, changed).expect("write");
        let (_, up) = written(dir, &diff_src("rate_tracks"));
        assert!(up.contains("\"Rating\""), "[{backend}] {up}");
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        assert_eq!(counts(url), rows, "[{backend}] every row kept");
        let after = catalog(url);
        let track = |c: &Catalog| c.table("Track").cloned().expect("Track");
        assert_eq!(
            track(&after).foreign_keys[0].on_delete,
            track(&before).foreign_keys[0].on_delete,
            "[{backend}] ON DELETE kept"
        );
        let album_index = |c: &Catalog| {
            track(c)
                .indexes
                .iter()
                .find(|i| i.columns == ["AlbumId"])
                .map(|i| i.name.clone())
        };
        assert_eq!(album_index(&after), album_index(&before), "[{backend}]");
        assert!(track(&after).column("AlbumId").expect("AlbumId").not_null);
        let same = diff_src("same");
        assert!(
            same.stdout.starts_with("nothing to write"),
            "[{backend}] {}",
            same.stdout
        );
    }
}

/// SQLite's names ignore ASCII case: a table `Item` with columns `ID` and `NAME` is the
/// entity `Item`'s table `item` (no second table, no renamed columns).
#[test]
fn sqlite_names_that_differ_in_case_are_the_same() {
    let scratch = Scratch::new("diff-case");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    Database::open(&db.url)
        .expect("open")
        .transaction(|tx| {
            tx.execute_sql(
                "CREATE TABLE \"Item\" (\"ID\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, \"NAME\" TEXT NOT NULL)",
                &[],
            )
        })
        .expect("table");
    let run = diff(dir, &db.url, "same", "case", &[]);
    assert_eq!(
        run.stdout, "nothing to write: the database matches the entities\n",
        "{}",
        run.stderr
    );
}

/// A table and one of its columns renamed in one migration, and reverted.
#[test]
fn a_table_and_its_column_renamed_and_reverted() {
    for backend in backends() {
        let scratch = Scratch::new("diff-renamed");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        let key = if db.postgres {
            "BIGSERIAL PRIMARY KEY"
        } else {
            "INTEGER PRIMARY KEY AUTOINCREMENT"
        };
        Database::open(url)
            .expect("open")
            .transaction(|tx| {
                tx.execute_sql(
                    &format!(
                        "CREATE TABLE \"Item\" (\"ID\" {key} NOT NULL, \"Name\" TEXT NOT NULL)"
                    ),
                    &[],
                )?;
                tx.execute_sql("INSERT INTO \"Item\" (\"Name\") VALUES ('pen')", &[])
            })
            .expect("table");
        let before = catalog(url);
        let (made, up) = written(
            dir,
            &diff(
                dir,
                url,
                "rename_item",
                "renamed",
                &["--rename", "Item=goods", "--rename", "goods.Name=label"],
            ),
        );
        assert!(up.contains("RENAME TO \"goods\""), "[{backend}] {up}");
        assert!(dir.join(&made).join("down.sql").exists(), "[{backend}]");
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        let labels: Vec<(String,)> = Database::open(url)
            .expect("open")
            .transaction(|tx| tx.query_sql("SELECT label FROM goods", &[]))
            .expect("goods");
        assert_eq!(labels, [("pen".to_string(),)], "[{backend}]");
        colt_ok(dir, &["migrate", "revert", url, "--dir", "migrations"]);
        let reverted = catalog(url);
        let names = |c: &Catalog| -> Vec<(String, Vec<String>)> {
            c.tables
                .iter()
                .filter(|t| t.name != "colt_migrations")
                .map(|t| {
                    (
                        t.name.clone(),
                        t.columns.iter().map(|c| c.name.clone()).collect(),
                    )
                })
                .collect()
        };
        assert_eq!(names(&reverted), names(&before), "[{backend}]");
    }
}

mod fixes {
    use colt::prelude::*;
    include!("fixtures/diff/fixes/shop.rs");
}

/// Tables made by hand, with what entities do not say: a column no entity declares
/// (`legacy`), on SQLite a partial index and an AUTOINCREMENT counter past the last row.
fn hand_made(url: &str, postgres: bool, qty: &str) {
    let key = if postgres {
        "BIGSERIAL PRIMARY KEY"
    } else {
        "INTEGER PRIMARY KEY AUTOINCREMENT"
    };
    let db = Database::open(url).expect("open");
    db.transaction(|tx| {
        tx.execute_sql(&format!("CREATE TABLE owner (id {key} NOT NULL, name TEXT NOT NULL)"), &[])?;
        tx.execute_sql(
            &format!("CREATE TABLE item (id {key} NOT NULL, name TEXT NOT NULL, qty {qty} NOT NULL, note TEXT, legacy TEXT)"),
            &[],
        )?;
        tx.execute_sql(
            "INSERT INTO item (name, qty, note, legacy) VALUES ('pen', 1, NULL, 'a'), ('ink', 2, 'blue', 'b'), ('nib', 3, NULL, 'c')",
            &[],
        )?;
        tx.execute_sql("DELETE FROM item WHERE name = 'nib'", &[])?;
        if !postgres {
            tx.execute_sql("CREATE INDEX item_plain ON item (qty) WHERE note IS NULL", &[])?;
        }
        Ok(())
    })
    .expect("tables");
}

/// What a review found: a reference's one column named by `columns(..)` was read as the
/// field's name; a revert re-added columns the up had left alone, and dropped constraints
/// without a name; a SQLite rebuild lost partial indexes and restarted the AUTOINCREMENT
/// counter.
#[test]
fn a_hand_made_schema_migrates_and_reverts_without_losing_anything() {
    for backend in backends() {
        let scratch = Scratch::new("diff-fixes");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        hand_made(url, db.postgres, "BIGINT");
        let before = catalog(url);

        let run = diff(dir, url, "fixes", "fixes", &[]);
        assert!(
            run.stderr
                .contains("column `item.legacy` is declared by no entity: left alone"),
            "[{backend}] {}",
            run.stderr
        );
        let (made, up) = written(dir, &run);
        assert!(
            up.contains("\"owner_id\""),
            "[{backend}] columns(..) names the column: {up}"
        );
        assert!(
            !up.contains("\"owner\" INTEGER") && !up.contains("\"owner\" BIGINT"),
            "{up}"
        );
        assert!(
            dir.join(&made).join("down.sql").exists(),
            "[{backend}] reversible"
        );
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        let check = Database::open(url).expect("open");
        check
            .bind(colt::schema![fixes::Owner, fixes::Item])
            .expect("bind");
        check
            .check_tables()
            .expect("the migrated tables match the entities");
        let rows: Vec<(i64, String, String, String)> = check
            .transaction(|tx| {
                tx.query_sql("SELECT id, name, note, legacy FROM item ORDER BY id", &[])
            })
            .expect("rows");
        assert_eq!(
            rows,
            [
                (1, "pen".into(), String::new(), "a".into()),
                (2, "ink".into(), "blue".into(), "b".into())
            ],
            "[{backend}]"
        );
        if !db.postgres {
            let partial: Vec<(i64,)> = check
                .transaction(|tx| {
                    tx.query_sql(
                        "SELECT count(*) FROM sqlite_master WHERE name = 'item_plain'",
                        &[],
                    )
                })
                .expect("index");
            assert_eq!(partial, [(1,)], "the partial index survives the rebuild");
        }
        // The counter goes on after 3 (a deleted row's key is not given again).
        let id: Vec<(i64,)> = check
            .transaction(|tx| {
                tx.execute_sql("INSERT INTO item (name, qty) VALUES ('cap', 4)", &[])?;
                tx.query_sql("SELECT id FROM item WHERE name = 'cap'", &[])
            })
            .expect("insert");
        assert_eq!(id, [(4,)], "[{backend}]");
        check
            .transaction(|tx| tx.execute_sql("DELETE FROM item WHERE name = 'cap'", &[]))
            .expect("delete");

        // Reverted: the tables as they were, `legacy` and its values kept.
        colt_ok(dir, &["migrate", "revert", url, "--dir", "migrations"]);
        assert_eq!(
            column_names(&catalog(url), "item"),
            column_names(&before, "item"),
            "[{backend}]"
        );
        let legacy: Vec<(String,)> = Database::open(url)
            .expect("open")
            .transaction(|tx| tx.query_sql("SELECT legacy FROM item ORDER BY id", &[]))
            .expect("legacy");
        assert_eq!(
            legacy,
            [("a".to_string(),), ("b".to_string(),)],
            "[{backend}]"
        );
        let after = catalog(url);
        let item = |c: &Catalog| c.table("item").cloned().expect("item");
        assert!(
            item(&after).foreign_keys.is_empty(),
            "[{backend}] {:?}",
            item(&after)
        );
        assert!(
            !item(&after).indexes.iter().any(|i| i.unique),
            "[{backend}] the unique index is gone: {:?}",
            item(&after).indexes
        );
        // And again.
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
    }
}

fn column_names(c: &Catalog, table: &str) -> Vec<String> {
    c.table(table)
        .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default()
}

/// On PostgreSQL an `integer` column for an `i64` field is widened (it was read as no
/// change: `check_tables` accepts it for reading), and narrowing is refused.
#[test]
fn postgres_number_widths_are_changes() {
    for backend in backends() {
        let scratch = Scratch::new("diff-width");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        hand_made(url, db.postgres, "INTEGER");
        let (_, up) = written(dir, &diff(dir, url, "widen", "fixes", &[]));
        if db.postgres {
            assert!(up.contains("ALTER COLUMN \"qty\" TYPE BIGINT"), "{up}");
        } else {
            assert!(!up.contains("qty\" TYPE"), "{up}");
        }
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        let narrow = diff(dir, url, "narrow", "narrow", &[]);
        if db.postgres {
            assert!(!narrow.ok, "{}", narrow.stdout);
            assert!(
                narrow.stderr.contains("may not keep every value"),
                "{}",
                narrow.stderr
            );
        } else {
            assert!(
                narrow.stdout.starts_with("nothing to write"),
                "{}",
                narrow.stdout
            );
        }
    }
}

/// On SQLite a rebuild converts each value to the new column's affinity: a text column made
/// an integer one would turn `'007'` into 7, and long digits into a rounded REAL. Such a
/// change is refused, as PostgreSQL's lossy ones are (it was written as keeping every value).
#[test]
fn sqlite_affinity_changes_that_convert_values_are_refused() {
    let scratch = Scratch::new("diff-affinity");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    let url = db.url.as_str();
    hand_made(url, false, "TEXT");
    let retype = diff(dir, url, "retype", "fixes", &[]);
    assert!(!retype.ok, "{}", retype.stdout);
    assert!(
        retype.stderr.contains("`item.qty` from TEXT to INTEGER")
            && retype.stderr.contains("converts"),
        "{}",
        retype.stderr
    );
}

/// A SQLite rebuild keeps each row's rowid: a table keyed by text has rowids of its own,
/// which an FTS index's `content_rowid` or another tool's rows may name. The copy gave the
/// rows new rowids (1, 2 for rows that were 1, 3).
#[test]
fn a_sqlite_rebuild_keeps_the_rowids() {
    let scratch = Scratch::new("diff-rowid");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    let url = db.url.as_str();
    let rowids = || -> Vec<(i64, String)> {
        Database::open(url)
            .expect("open")
            .transaction(|tx| tx.query_sql("SELECT rowid, slug FROM note ORDER BY rowid", &[]))
            .expect("rows")
    };
    Database::open(url)
        .expect("open")
        .transaction(|tx| {
            tx.execute_sql("CREATE TABLE note (slug TEXT PRIMARY KEY, body TEXT)", &[])?;
            tx.execute_sql(
                "INSERT INTO note (slug, body) VALUES ('a', 'x'), ('b', NULL), ('c', 'z')",
                &[],
            )?;
            tx.execute_sql("DELETE FROM note WHERE slug = 'b'", &[])
        })
        .expect("table");
    let before = rowids();
    assert_eq!(before, [(1, "a".into()), (3, "c".into())]);
    let run = diff(dir, url, "body", "rowid", &[]);
    let (_, up) = written(dir, &run);
    assert!(up.contains("rebuilt"), "{up}");
    colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
    assert_eq!(rowids(), before);
    colt_ok(dir, &["migrate", "revert", url, "--dir", "migrations"]);
    assert_eq!(rowids(), before);
}
