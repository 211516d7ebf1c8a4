//! Migrations written by `colt migrate diff` whose down.sql gives back what their up.sql
//! changed, and whose up.sql fails rather than report a change it did not make (from the
//! eighteenth session's review; each test named in the CHANGELOG failed before its fix).

mod common;

use std::path::Path;

use colt::Database;
use common::{backends, colt, colt_ok, fresh, migration_files, rows, run_sql, Scratch};

fn table(url: &str, name: &str) -> colt_runtime::introspect::TableInfo {
    Database::open(url)
        .expect("open")
        .catalog()
        .expect("catalog")
        .table(name)
        .cloned()
        .expect("table")
}

/// Up drops (`--allow-drop`) a foreign key declared `ON DELETE CASCADE` that no entity
/// declares; no column or table is dropped, so a down.sql is written. Reverting should give
/// the foreign key back as it was, `ON DELETE CASCADE` and all.
#[test]
fn revert_gives_back_a_dropped_foreign_keys_on_delete() {
    for backend in backends() {
        let scratch = Scratch::new("rv-fk-ondelete");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        run_sql(
            url,
            &[
                "CREATE TABLE owner (id BIGINT PRIMARY KEY NOT NULL)",
                "CREATE TABLE item (id BIGINT PRIMARY KEY NOT NULL, owner_id BIGINT REFERENCES owner (id) ON DELETE CASCADE)",
                "INSERT INTO owner (id) VALUES (1)",
                "INSERT INTO item (id, owner_id) VALUES (10, 1)",
            ],
        );
        let before = table(url, "item").foreign_keys;
        assert_eq!(before[0].on_delete, "CASCADE", "[{backend}]");
        let src = r#"
#[derive(Entity, Debug, Clone)]
pub struct Owner { #[colt(primary_key)] pub id: i64 }
#[derive(Entity, Debug, Clone)]
pub struct Item { #[colt(primary_key)] pub id: i64, pub owner_id: Option<i64> }
"#;
        let run = common::diff_entities(dir, url, "drop_fk", src, &["--allow-drop"]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        let (up, down) = migration_files(dir, &run);
        eprintln!("[{backend}] up:\n{up}\ndown:\n{down:?}");
        let down = down.expect("a down.sql: nothing is dropped but a foreign key");
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        assert!(table(url, "item").foreign_keys.is_empty(), "[{backend}]");
        colt_ok(dir, &["migrate", "revert", url, "--dir", "migrations"]);
        let after = table(url, "item").foreign_keys;
        assert_eq!(after.len(), 1, "[{backend}]");
        assert_eq!(
            after[0].on_delete, "CASCADE",
            "[{backend}] the revert made the foreign key again without its ON DELETE CASCADE:\n{down}"
        );
    }
}

/// A nullable column with a database `DEFAULT 'plain'` becomes required with the entity's
/// default `'x'`: up fills NULLs and sets the default 'x'. Reverting should give the column
/// its default back ('plain').
#[test]
fn revert_gives_back_the_database_default_a_required_column_replaced() {
    for backend in backends() {
        let scratch = Scratch::new("rv-default");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        run_sql(
            url,
            &[
                "CREATE TABLE note (slug TEXT PRIMARY KEY NOT NULL, kind TEXT DEFAULT 'plain')",
                "INSERT INTO note (slug, kind) VALUES ('a', 'k')",
            ],
        );
        let src = r#"
#[derive(Entity, Debug, Clone)]
pub struct Note {
    #[colt(primary_key)] pub slug: String,
    #[colt(default = "x")] pub kind: String,
}
"#;
        let run = common::diff_entities(dir, url, "require_kind", src, &[]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        let (up, down) = migration_files(dir, &run);
        eprintln!("[{backend}] up:\n{up}\ndown:\n{down:?}");
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        colt_ok(dir, &["migrate", "revert", url, "--dir", "migrations"]);
        run_sql(url, &["INSERT INTO note (slug) VALUES ('b')"]);
        let got: Vec<(String, Option<String>)> =
            rows(url, "SELECT slug, kind FROM note ORDER BY slug");
        assert_eq!(
            got,
            [
                ("a".into(), Some("k".into())),
                ("b".into(), Some("plain".into()))
            ],
            "[{backend}] after the revert the column's default is not the one it had:\n{}",
            down.unwrap_or_default()
        );
    }
}

/// `Option<String>` made `String` without a default while a row holds NULL: the migration
/// fails, changes nothing and is not recorded.
#[test]
fn a_required_column_over_nulls_fails_whole() {
    for backend in backends() {
        let scratch = Scratch::new("rv-nulls");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        run_sql(
            url,
            &[
                "CREATE TABLE person (id BIGINT PRIMARY KEY NOT NULL, name TEXT, age BIGINT)",
                "INSERT INTO person (id, name, age) VALUES (1, 'Ann', 3), (2, NULL, 4)",
            ],
        );
        let src = r#"
#[derive(Entity, Debug, Clone)]
pub struct Person { #[colt(primary_key)] pub id: i64, pub name: String, pub age: Option<i64>, #[colt(default = 7)] pub extra: i64 }
"#;
        let run = common::diff_entities(dir, url, "req", src, &[]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        let (up, _) = migration_files(dir, &run);
        eprintln!("[{backend}] {}\nup:\n{up}", run.stderr);
        let r = colt(dir, &["migrate", "run", url, "--dir", "migrations"]);
        assert!(!r.ok, "[{backend}] {}", r.stdout);
        eprintln!("[{backend}] {}", r.stderr);
        let got: Vec<(i64, Option<String>, Option<i64>)> =
            rows(url, "SELECT id, name, age FROM person ORDER BY id");
        assert_eq!(got, [(1, Some("Ann".into()), Some(3)), (2, None, Some(4))]);
        assert!(
            table(url, "person").column("extra").is_none(),
            "[{backend}]"
        );
        assert!(Database::open(url)
            .unwrap()
            .migration_history()
            .unwrap()
            .is_empty());
    }
}

/// A reference retargeted (no `--allow-drop`): `item.owner_id` referred to `owner` with
/// `ON DELETE CASCADE`; the entity makes it a reference to `account`. Reverting should give
/// back the foreign key to `owner` as it was.
#[test]
fn revert_of_a_retargeted_reference_gives_back_on_delete() {
    for backend in backends() {
        let scratch = Scratch::new("rv-retarget");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        run_sql(
            url,
            &[
                "CREATE TABLE owner (id BIGINT PRIMARY KEY NOT NULL)",
                "CREATE TABLE account (id BIGINT PRIMARY KEY NOT NULL)",
                "CREATE TABLE item (id BIGINT PRIMARY KEY NOT NULL, owner_id BIGINT REFERENCES owner (id) ON DELETE CASCADE)",
                "CREATE INDEX idx_item__owner_id ON item (owner_id)",
            ],
        );
        let src = r#"
#[derive(Entity, Debug, Clone)]
pub struct Owner { #[colt(primary_key)] pub id: i64 }
#[derive(Entity, Debug, Clone)]
pub struct Account { #[colt(primary_key)] pub id: i64, pub items: Set<Item> }
#[derive(Entity, Debug, Clone)]
pub struct Item {
    #[colt(primary_key)] pub id: i64,
    #[colt(columns("owner_id"))] pub owner: Option<Ref<Account>>,
}
"#;
        let run = common::diff_entities(dir, url, "retarget", src, &[]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        let (up, down) = migration_files(dir, &run);
        eprintln!("[{backend}] {}up:\n{up}\ndown:\n{down:?}", run.stderr);
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        colt_ok(dir, &["migrate", "revert", url, "--dir", "migrations"]);
        let after = table(url, "item").foreign_keys;
        assert_eq!(after.len(), 1, "[{backend}]");
        assert_eq!(after[0].table, "owner", "[{backend}]");
        assert_eq!(
            after[0].on_delete,
            "CASCADE",
            "[{backend}] {}",
            down.unwrap_or_default()
        );
    }
}

/// PostgreSQL: a unique constraint the entities make a plain index is dropped with
/// `DROP CONSTRAINT IF EXISTS name; DROP INDEX IF EXISTS name`. Run against another copy of
/// the database (production), where the same constraint has another name, the migration
/// succeeds and the values must still be unique: an `Ok` that did not happen.
/// (SQLite: the rebuild guard fails such a migration; a plain index is dropped without IF
/// EXISTS, which fails too.)
#[test]
fn a_unique_constraint_drop_that_finds_nothing_is_not_ok() {
    for backend in backends() {
        let scratch = Scratch::new("rv-unique-name");
        let dir = scratch.path();
        let dev = fresh(backend, dir);
        let prod = fresh(backend, dir);
        run_sql(
            &dev.url,
            &["CREATE TABLE item (id BIGINT PRIMARY KEY NOT NULL, ext TEXT, CONSTRAINT uq_item__ext UNIQUE (ext))"],
        );
        run_sql(
            &prod.url,
            &["CREATE TABLE item (id BIGINT PRIMARY KEY NOT NULL, ext TEXT, CONSTRAINT item_ext_key UNIQUE (ext))"],
        );
        let src = r#"
#[derive(Entity, Debug, Clone)]
pub struct Item { #[colt(primary_key)] pub id: i64, #[colt(index)] pub ext: Option<String> }
"#;
        let run = common::diff_entities(dir, &dev.url, "plain_ext", src, &[]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        let (up, _) = migration_files(dir, &run);
        eprintln!("[{backend}] {}up:\n{up}", run.stderr);
        let r = colt(dir, &["migrate", "run", &prod.url, "--dir", "migrations"]);
        eprintln!("[{backend}] prod run: {} {}", r.stdout, r.stderr);
        if r.ok {
            let item = table(&prod.url, "item");
            assert!(
                !item.indexes.iter().any(|i| i.unique),
                "[{backend}] the migration was applied and recorded, yet `ext` is still unique: {:?}",
                item.indexes
            );
        } else {
            assert!(
                Database::open(&prod.url)
                    .unwrap()
                    .migration_history()
                    .unwrap()
                    .is_empty(),
                "[{backend}]"
            );
        }
        // On the database it was made from, it drops the constraint.
        colt_ok(dir, &["migrate", "run", &dev.url, "--dir", "migrations"]);
        let item = table(&dev.url, "item");
        assert!(
            !item.indexes.iter().any(|i| i.unique),
            "[{backend}] {:?}",
            item.indexes
        );
    }
}

/// PostgreSQL: a unique index (not a constraint) the entities make a plain index is
/// dropped as an index, and made again by the revert.
#[test]
fn a_unique_index_that_is_no_constraint_is_dropped_and_given_back() {
    for backend in backends() {
        let scratch = Scratch::new("rv-unique-index");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        run_sql(
            url,
            &[
                "CREATE TABLE item (id BIGINT PRIMARY KEY NOT NULL, ext TEXT)",
                "CREATE UNIQUE INDEX uq_item__ext ON item (ext)",
            ],
        );
        let src = r#"
#[derive(Entity, Debug, Clone)]
pub struct Item { #[colt(primary_key)] pub id: i64, #[colt(index)] pub ext: Option<String> }
"#;
        let run = common::diff_entities(dir, url, "plain_ext", src, &[]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        assert!(
            !table(url, "item").indexes.iter().any(|i| i.unique),
            "[{backend}]"
        );
        colt_ok(dir, &["migrate", "revert", url, "--dir", "migrations"]);
        assert!(
            table(url, "item").indexes.iter().any(|i| i.unique),
            "[{backend}]"
        );
    }
}

/// SQLite: a unique index `COLLATE NOCASE` the entities make a plain index; the down.sql
/// makes it again without its collation, so after a revert 'A' and 'a' may both be stored.
#[test]
fn revert_gives_back_a_unique_index_with_its_collation() {
    for backend in backends() {
        let scratch = Scratch::new("rv-unique-collate");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        let collate = if backend == "sqlite" {
            "NOCASE"
        } else {
            "\"C\""
        };
        run_sql(
            url,
            &[
                "CREATE TABLE item (id BIGINT PRIMARY KEY NOT NULL, ext TEXT)",
                &format!("CREATE UNIQUE INDEX item_ext ON item (ext COLLATE {collate})"),
                "INSERT INTO item (id, ext) VALUES (1, 'a')",
            ],
        );
        let src = r#"
#[derive(Entity, Debug, Clone)]
pub struct Item { #[colt(primary_key)] pub id: i64, #[colt(index)] pub ext: Option<String> }
"#;
        let run = common::diff_entities(dir, url, "plain_ext", src, &[]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        let (up, down) = migration_files(dir, &run);
        eprintln!("[{backend}] {}up:\n{up}\ndown:\n{down:?}", run.stderr);
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        colt_ok(dir, &["migrate", "revert", url, "--dir", "migrations"]);
        if backend == "sqlite" {
            let dup = Database::open(url).unwrap().transaction(|tx| {
                tx.execute_sql("INSERT INTO item (id, ext) VALUES (2, 'A')", &[])
            });
            assert!(
                dup.is_err(),
                "[{backend}] after the revert, 'A' is stored beside 'a': the unique index lost COLLATE NOCASE:\n{}",
                down.unwrap_or_default()
            );
        }
    }
}

const ITEM_TAG: &str = r#"
#[derive(Entity, Debug, Clone)]
pub struct Item { #[colt(primary_key)] pub id: i64, pub tags: Set<Tag> }
#[derive(Entity, Debug, Clone)]
pub struct Tag { #[colt(primary_key)] pub id: i64, pub items: Set<Item> }
"#;

/// `item`, `tag` and their link table made by a migration, one link in it.
fn item_tag_with_a_link(dir: &Path, url: &str, backend: &str) {
    let run = common::diff_entities(dir, url, "v1", ITEM_TAG, &[]);
    assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
    colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
    run_sql(
        url,
        &[
            "INSERT INTO item (id) VALUES (1)",
            "INSERT INTO tag (id) VALUES (2)",
            "INSERT INTO item_tag (item, tag) VALUES (1, 2)",
        ],
    );
}

const PRODUCT_TAG: &str = r#"
#[derive(Entity, Debug, Clone)]
#[colt(table = "product")]
pub struct Item { #[colt(primary_key)] pub id: i64, pub tags: Set<Tag> }
#[derive(Entity, Debug, Clone)]
pub struct Tag { #[colt(primary_key)] pub id: i64, pub items: Set<Item> }
"#;

/// A table renamed with `--rename item=product` left its many-to-many links in
/// `item_tag` (declared by no entity) and made an empty `product_tag`: every `Set` read
/// empty, and with `--allow-drop` the links were dropped. The link table and its column go
/// with the table, a note says so, and the revert brings them back.
#[test]
fn a_renamed_table_takes_its_many_to_many_links_along() {
    for backend in backends() {
        for allow_drop in [false, true] {
            let scratch = Scratch::new("rv-m2m");
            let dir = scratch.path();
            let db = fresh(backend, dir);
            let url = db.url.as_str();
            item_tag_with_a_link(dir, url, backend);
            let mut flags = vec!["--rename", "item=product"];
            if allow_drop {
                flags.push("--allow-drop");
            }
            let run = common::diff_entities(dir, url, "v2", PRODUCT_TAG, &flags);
            assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
            assert!(
                run.stderr.contains("the link table `item_tag`"),
                "[{backend}] {}",
                run.stderr
            );
            colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
            let links: Vec<(i64, i64)> = rows(url, "SELECT product, tag FROM product_tag");
            assert_eq!(links, [(1, 2)], "[{backend}] allow_drop {allow_drop}");
            colt_ok(dir, &["migrate", "revert", url, "--dir", "migrations"]);
            let links: Vec<(i64, i64)> = rows(url, "SELECT item, tag FROM item_tag");
            assert_eq!(links, [(1, 2)], "[{backend}] allow_drop {allow_drop}");
        }
    }
}

/// The link table renamed by hand as well: the hand's renames stand, and nothing more.
#[test]
fn a_link_table_renamed_by_hand_is_renamed_once() {
    for backend in backends() {
        let scratch = Scratch::new("rv-m2m-hand");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        item_tag_with_a_link(dir, url, backend);
        let run = common::diff_entities(
            dir,
            url,
            "v2",
            PRODUCT_TAG,
            &[
                "--rename",
                "item=product",
                "--rename",
                "item_tag=product_tag",
                "--rename",
                "product_tag.item=product",
            ],
        );
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        assert!(
            !run.stderr.contains("the link table"),
            "[{backend}] {}",
            run.stderr
        );
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        let links: Vec<(i64, i64)> = rows(url, "SELECT product, tag FROM product_tag");
        assert_eq!(links, [(1, 2)], "[{backend}]");
    }
}

/// Both tables of a link renamed (`item=product`, `tag=label`): the link table and both its
/// columns go with them (a review of the first version found it looking for `item_label`).
#[test]
fn a_link_table_of_two_renamed_tables_goes_with_them() {
    for backend in backends() {
        let scratch = Scratch::new("rv-m2m-both");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        item_tag_with_a_link(dir, url, backend);
        let renamed = r#"
#[derive(Entity, Debug, Clone)]
#[colt(table = "product")]
pub struct Item { #[colt(primary_key)] pub id: i64, pub tags: Set<Tag> }
#[derive(Entity, Debug, Clone)]
#[colt(table = "label")]
pub struct Tag { #[colt(primary_key)] pub id: i64, pub items: Set<Item> }
"#;
        let run = common::diff_entities(
            dir,
            url,
            "v2",
            renamed,
            &["--rename", "item=product", "--rename", "tag=label"],
        );
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        let links: Vec<(i64, i64)> = rows(url, "SELECT product, label FROM label_product");
        assert_eq!(links, [(1, 2)], "[{backend}]");
        colt_ok(dir, &["migrate", "revert", url, "--dir", "migrations"]);
        let links: Vec<(i64, i64)> = rows(url, "SELECT item, tag FROM item_tag");
        assert_eq!(links, [(1, 2)], "[{backend}]");
    }
}

/// A chain of renames (`b=c`, then `a=b`): `b_x` becomes `c_x` before `a_x` takes its
/// name (a review of the first version found `a_x` left behind, `b_x` being there).
#[test]
fn link_tables_follow_a_chain_of_renames() {
    for backend in backends() {
        let scratch = Scratch::new("rv-m2m-chain");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        let v1 = r#"
#[derive(Entity, Debug, Clone)]
#[colt(table = "a")]
pub struct Aa { #[colt(primary_key)] pub id: i64, pub xs: Set<X> }
#[derive(Entity, Debug, Clone)]
#[colt(table = "b")]
pub struct Bb { #[colt(primary_key)] pub id: i64, pub xs: Set<X> }
#[derive(Entity, Debug, Clone)]
#[colt(table = "x")]
pub struct X { #[colt(primary_key)] pub id: i64, pub aas: Set<Aa>, pub bbs: Set<Bb> }
"#;
        let run = common::diff_entities(dir, url, "v1", v1, &[]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        run_sql(
            url,
            &[
                "INSERT INTO a (id) VALUES (1)",
                "INSERT INTO b (id) VALUES (2)",
                "INSERT INTO x (id) VALUES (10)",
                "INSERT INTO a_x (a, x) VALUES (1, 10)",
                "INSERT INTO b_x (b, x) VALUES (2, 10)",
            ],
        );
        let v2 = v1
            .replace(r#"table = "b")"#, r#"table = "c")"#)
            .replace(r#"table = "a")"#, r#"table = "b")"#);
        let run =
            common::diff_entities(dir, url, "v2", &v2, &["--rename", "b=c", "--rename", "a=b"]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        let a: Vec<(i64, i64)> = rows(url, "SELECT b, x FROM b_x");
        let b: Vec<(i64, i64)> = rows(url, "SELECT c, x FROM c_x");
        assert_eq!((a, b), (vec![(1, 10)], vec![(2, 10)]), "[{backend}]");
    }
}

/// A foreign key's `ON UPDATE`, `DEFERRABLE` and (PostgreSQL) `MATCH FULL`, which the
/// catalogue read did not hold: a SQLite table rebuilt for a column made required lost
/// them, and so did a down.sql giving back a dropped foreign key. Both keep them now.
fn owner_item(backend: &str, url: &str) {
    let matching = if backend == "postgres" {
        " MATCH FULL"
    } else {
        ""
    };
    run_sql(
        url,
        &[
            "CREATE TABLE owner (id BIGINT PRIMARY KEY NOT NULL)",
            &format!(
                "CREATE TABLE item (id BIGINT PRIMARY KEY NOT NULL, note TEXT, \
                 owner_id BIGINT REFERENCES owner (id){matching} ON UPDATE CASCADE \
                 DEFERRABLE INITIALLY DEFERRED)"
            ),
            "INSERT INTO owner (id) VALUES (1)",
            "INSERT INTO item (id, note, owner_id) VALUES (10, NULL, 1)",
        ],
    );
}

fn assert_fk_options(backend: &str, url: &str, when: &str) {
    let fks = table(url, "item").foreign_keys;
    assert_eq!(fks.len(), 1, "[{backend}] {when}");
    assert_eq!(fks[0].on_update, "CASCADE", "[{backend}] {when}");
    assert_eq!(
        fks[0].deferral, "DEFERRABLE INITIALLY DEFERRED",
        "[{backend}] {when}"
    );
    assert_eq!(
        fks[0].match_full,
        backend == "postgres",
        "[{backend}] {when}"
    );
}

#[test]
fn a_changed_table_keeps_its_foreign_keys_on_update_and_deferral() {
    for backend in backends() {
        let scratch = Scratch::new("fk-options-kept");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        owner_item(backend, url);
        assert_fk_options(backend, url, "as made");
        let src = r#"
#[derive(Entity, Debug, Clone)]
pub struct Owner { #[colt(primary_key)] pub id: i64, pub items: Set<Item> }
#[derive(Entity, Debug, Clone)]
pub struct Item {
    #[colt(primary_key)] pub id: i64,
    #[colt(default = "none")] pub note: String,
    pub owner_id: Option<Ref<Owner>>,
}
"#;
        let run = common::diff_entities(dir, url, "note_required", src, &[]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        let (up, down) = migration_files(dir, &run);
        eprintln!("[{backend}] up:\n{up}\ndown:\n{down:?}");
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        assert_fk_options(backend, url, "after up");
        assert_eq!(
            rows::<String>(url, "SELECT note FROM item"),
            ["none"],
            "[{backend}]"
        );
        colt_ok(dir, &["migrate", "revert", url, "--dir", "migrations"]);
        assert_fk_options(backend, url, "after the revert");
        // (The column had no default: the revert takes away the one up.sql gave it.)
        let note = table(url, "item")
            .columns
            .into_iter()
            .find(|c| c.name == "note");
        assert_eq!(
            note.map(|c| (c.not_null, c.default)),
            Some((false, None)),
            "[{backend}] {down:?}"
        );
    }
}

#[test]
fn revert_gives_back_a_dropped_foreign_keys_on_update_and_deferral() {
    for backend in backends() {
        let scratch = Scratch::new("fk-options-revert");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        owner_item(backend, url);
        let src = r#"
#[derive(Entity, Debug, Clone)]
pub struct Owner { #[colt(primary_key)] pub id: i64 }
#[derive(Entity, Debug, Clone)]
pub struct Item { #[colt(primary_key)] pub id: i64, pub note: Option<String>, pub owner_id: Option<i64> }
"#;
        let run = common::diff_entities(dir, url, "drop_fk", src, &["--allow-drop"]);
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        let (up, down) = migration_files(dir, &run);
        eprintln!("[{backend}] up:\n{up}\ndown:\n{down:?}");
        let down = down.expect("a down.sql: nothing is dropped but a foreign key");
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        assert!(table(url, "item").foreign_keys.is_empty(), "[{backend}]");
        colt_ok(dir, &["migrate", "revert", url, "--dir", "migrations"]);
        assert_fk_options(backend, url, &format!("after the revert:\n{down}"));
    }
}
