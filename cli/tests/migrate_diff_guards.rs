//! `colt migrate diff` on input that would have lost data (found by a review): a rename to a
//! name no entity declares, two entities on one table; and what a SQLite rebuild keeps of
//! the table it makes again (its columns' order, `AUTOINCREMENT`).

mod common;

use std::path::Path;

use common::{backends, colt_ok, fresh, rows, run_sql, Scratch};

fn up_sql(dir: &Path, run: &common::Run) -> String {
    common::migration_files(dir, run).0
}

/// A `--rename` to a name no entity declares (a typo) was taken: with `--allow-drop` the
/// renamed table or column was then dropped as undeclared and the entity's made empty,
/// every row or value of it lost. It is refused, and nothing is written.
#[test]
fn a_rename_to_a_name_no_entity_declares_is_refused() {
    for backend in backends() {
        let scratch = Scratch::new("diff-rename-typo");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        run_sql(
            url,
            &[
                "CREATE TABLE product (id BIGINT PRIMARY KEY NOT NULL, name TEXT)",
                "CREATE TABLE item (id BIGINT PRIMARY KEY NOT NULL, name TEXT)",
                "INSERT INTO product (id, name) VALUES (1, 'Chair')",
            ],
        );
        let entities = r#"
#[derive(Entity, Debug, Clone)]
#[colt(table = "product")]
pub struct Product {
    #[colt(primary_key)]
    pub id: i64,
    pub title: Option<String>,
}
#[derive(Entity, Debug, Clone)]
#[colt(table = "article")]
pub struct Article {
    #[colt(primary_key)]
    pub id: i64,
    pub name: Option<String>,
}
"#;
        for (rename, said) in [
            (
                "product.name=titel",
                "--rename product.name=titel: the entity of `product` declares no column `titel`",
            ),
            (
                "item=artcle",
                "--rename item=artcle: no entity declares a table `artcle`",
            ),
        ] {
            let run = common::diff_entities(
                dir,
                url,
                "typo",
                entities,
                &["--rename", rename, "--allow-drop"],
            );
            assert!(!run.ok, "[{backend}] {rename}: {}", up_sql(dir, &run));
            assert!(run.stderr.contains(said), "[{backend}] {}", run.stderr);
            assert!(
                !dir.join("migrations").exists()
                    || std::fs::read_dir(dir.join("migrations"))
                        .expect("migrations")
                        .next()
                        .is_none(),
                "[{backend}] a migration was written"
            );
        }
        // The names the entities give are taken.
        let run = common::diff_entities(
            dir,
            url,
            "renamed",
            entities,
            &[
                "--rename",
                "product.name=title",
                "--rename",
                "item=article",
                "--allow-drop",
            ],
        );
        assert!(run.ok, "[{backend}] {}{}", run.stdout, run.stderr);
        colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
        let got: Vec<(i64, Option<String>)> = rows(url, "SELECT id, title FROM product");
        assert_eq!(got, [(1, Some("Chair".to_string()))], "[{backend}]");
    }
}

/// Two entities on one table (which `Database::bind` refuses) were diffed as two changes
/// of the table: with `--allow-drop` the narrower one dropped the column the other declares
/// (`product.price`, its values lost). Refused, as `bind` does; an entity on a many-to-many's
/// link table too.
#[test]
fn two_entities_on_one_table_are_refused() {
    for backend in backends() {
        let scratch = Scratch::new("diff-two-entities");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        run_sql(
            url,
            &[
                "CREATE TABLE product (id BIGINT PRIMARY KEY NOT NULL, name TEXT NOT NULL, price BIGINT)",
                "INSERT INTO product (id, name, price) VALUES (1, 'Chair', 250)",
            ],
        );
        let entities = r#"
#[derive(Entity, Debug, Clone)]
#[colt(table = "product")]
pub struct Product {
    #[colt(primary_key)]
    pub id: i64,
    pub name: String,
    pub price: Option<i64>,
}
#[derive(Entity, Debug, Clone)]
#[colt(table = "Product")]
pub struct ProductName {
    #[colt(primary_key)]
    pub id: i64,
    pub name: String,
}
"#;
        let run = common::diff_entities(dir, url, "tidy", entities, &["--allow-drop"]);
        assert!(!run.ok, "[{backend}] {}", up_sql(dir, &run));
        assert!(
            run.stderr
                .contains("entities `Product` and `ProductName` both use table `Product`"),
            "[{backend}] {}",
            run.stderr
        );
        let links = r#"
#[derive(Entity, Debug, Clone)]
#[colt(table = "product")]
pub struct Product {
    #[colt(primary_key)]
    pub id: i64,
    pub name: String,
    pub price: Option<i64>,
    pub tags: Set<Tag>,
}
#[derive(Entity, Debug, Clone)]
pub struct Tag {
    #[colt(primary_key)]
    pub id: i64,
    pub products: Set<Product>,
}
#[derive(Entity, Debug, Clone)]
#[colt(table = "product_tag")]
pub struct ProductTag {
    #[colt(primary_key)]
    pub id: i64,
}
"#;
        let run = common::diff_entities(dir, url, "links", links, &["--allow-drop"]);
        assert!(!run.ok, "[{backend}] {}", up_sql(dir, &run));
        assert!(
            run.stderr.contains(
                "entity `ProductTag` uses table `product_tag`, the link table of the many-to-many"
            ),
            "[{backend}] {}",
            run.stderr
        );
        let price: Vec<(i64,)> = rows(url, "SELECT price FROM product");
        assert_eq!(price, [(250,)], "[{backend}]");
    }
}

/// SQLite: a rebuild made the table's columns in the entity's order, not the database's:
/// a trigger inserting by position (`INSERT INTO audit VALUES (..)`), or any statement doing
/// so, then wrote each value into another column, without an error. The database's order
/// is kept (new columns last, as `ADD COLUMN` puts them).
#[test]
fn a_sqlite_rebuild_keeps_the_columns_order() {
    let scratch = Scratch::new("diff-rebuild-order");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    let url = db.url.as_str();
    run_sql(
        url,
        &[
            "CREATE TABLE audit (id INTEGER PRIMARY KEY NOT NULL, what TEXT, who TEXT)",
            "CREATE TABLE orders (id INTEGER PRIMARY KEY NOT NULL, total BIGINT NOT NULL)",
            "CREATE TRIGGER orders_audit AFTER INSERT ON orders BEGIN INSERT INTO audit VALUES (NULL, 'order ' || new.id, 'system'); END",
            "INSERT INTO orders (total) VALUES (10)",
            "CREATE TABLE log (id INTEGER PRIMARY KEY NOT NULL, b TEXT, a TEXT)",
        ],
    );
    let entities = r#"
#[derive(Entity, Debug, Clone)]
#[colt(table = "audit")]
pub struct Audit {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub who: Option<String>,
    pub what: String,
}
#[derive(Entity, Debug, Clone)]
#[colt(table = "log")]
pub struct Log {
    #[colt(primary_key)]
    pub id: i64,
    pub c: Option<String>,
    pub a: String,
    pub b: Option<String>,
}
#[derive(Entity, Debug, Clone)]
#[colt(table = "orders")]
pub struct Orders {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub total: i64,
}
"#;
    let run = common::diff_entities(dir, url, "what_required", entities, &[]);
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
    colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
    let columns = |table: &str| -> Vec<String> {
        let names: Vec<(String,)> = rows(
            url,
            &format!("SELECT name FROM pragma_table_info('{table}')"),
        );
        names.into_iter().map(|c| c.0).collect()
    };
    assert_eq!(columns("audit"), ["id", "what", "who"]);
    // A new column comes after the database's.
    assert_eq!(columns("log"), ["id", "b", "a", "c"]);
    run_sql(url, &["INSERT INTO orders (total) VALUES (20)"]);
    let after: Vec<(String, Option<String>)> = rows(url, "SELECT what, who FROM audit ORDER BY id");
    assert_eq!(
        after,
        [
            ("order 1".to_string(), Some("system".to_string())),
            ("order 2".to_string(), Some("system".to_string()))
        ]
    );
}

/// SQLite: a rebuild of an `AUTOINCREMENT` table whose entity's key is not `auto` made it
/// without `AUTOINCREMENT`, and its counter went with the old table: the next row took the
/// key of a row deleted before, without a word. The clause and the counter are kept.
#[test]
fn a_sqlite_rebuild_keeps_autoincrement() {
    let scratch = Scratch::new("diff-rebuild-autoincrement");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    let url = db.url.as_str();
    run_sql(
        url,
        &[
            "CREATE TABLE ticket (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, title TEXT)",
            "INSERT INTO ticket (title) VALUES ('a'), ('b'), ('c')",
            "DELETE FROM ticket WHERE id = 3",
        ],
    );
    let entities = r#"
#[derive(Entity, Debug, Clone)]
#[colt(table = "ticket")]
pub struct Ticket {
    #[colt(primary_key)]
    pub id: i64,
    pub title: String,
}
"#;
    let run = common::diff_entities(dir, url, "title_required", entities, &[]);
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
    assert!(up_sql(dir, &run).contains("AUTOINCREMENT"));
    colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
    run_sql(url, &["INSERT INTO ticket (title) VALUES ('d')"]);
    let got: Vec<(i64, String)> = rows(url, "SELECT id, title FROM ticket ORDER BY id");
    assert_eq!(got.last(), Some(&(4, "d".to_string())), "{got:?}");
}

/// A table without `AUTOINCREMENT` does not gain it in a rebuild because a name or a text
/// in its SQL holds the word (a review of the change above).
#[test]
fn a_sqlite_rebuild_adds_no_autoincrement() {
    let scratch = Scratch::new("diff-rebuild-no-autoincrement");
    let dir = scratch.path();
    let db = fresh("sqlite", dir);
    let url = db.url.as_str();
    run_sql(
        url,
        &["CREATE TABLE job (id INTEGER PRIMARY KEY NOT NULL, autoincrement_step BIGINT, title TEXT DEFAULT 'AUTOINCREMENT')"],
    );
    let entities = r#"
#[derive(Entity, Debug, Clone)]
#[colt(table = "job")]
pub struct Job {
    #[colt(primary_key)]
    pub id: i64,
    pub autoincrement_step: Option<i64>,
    pub title: String,
}
"#;
    let run = common::diff_entities(dir, url, "title_required", entities, &[]);
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
    let up = up_sql(dir, &run);
    assert!(!up.contains("PRIMARY KEY AUTOINCREMENT"), "{up}");
    assert!(!up.contains("sqlite_sequence"), "{up}");
    colt_ok(dir, &["migrate", "run", url, "--dir", "migrations"]);
}

/// Two many-to-many relationships between the same entities take one link table by default
/// (`course_student`): the diff merged them into one, and with `--allow-drop` dropped the
/// table the second one's links were in. Refused, as `Database::bind` refuses it (a review).
#[test]
fn two_relationships_on_one_link_table_are_refused() {
    for backend in backends() {
        let scratch = Scratch::new("diff-shared-link");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        let url = db.url.as_str();
        let entities = r#"
#[derive(Entity, Debug, Clone)]
pub struct Course {
    #[colt(primary_key)]
    pub id: i64,
    #[colt(reverse = "courses")]
    pub students: Set<Student>,
    #[colt(reverse = "favorites")]
    pub fans: Set<Student>,
}
#[derive(Entity, Debug, Clone)]
pub struct Student {
    #[colt(primary_key)]
    pub id: i64,
    #[colt(reverse = "students")]
    pub courses: Set<Course>,
    #[colt(reverse = "fans")]
    pub favorites: Set<Course>,
}
"#;
        let run = common::diff_entities(dir, url, "links", entities, &["--allow-drop"]);
        assert!(!run.ok, "[{backend}] {}", up_sql(dir, &run));
        assert!(
            run.stderr
                .contains("would share the link table `course_student`"),
            "[{backend}] {}",
            run.stderr
        );
    }
}
