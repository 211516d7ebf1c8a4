//! `colt inspect` on small schemas of the shapes other tools make: overlapping cycles of NOT
//! NULL references, plural table names, triggers (found by a review of the seventeenth
//! session's changes; each failed before its fix).

mod common;

use common::{backends, colt_ok, fresh, run_sql, Scratch};

/// Inspects a fresh SQLite database made by `statements`: the source written.
fn inspect(statements: &[&str]) -> String {
    let scratch = Scratch::new("inspect-shapes");
    let db = fresh("sqlite", scratch.path());
    run_sql(&db.url, statements);
    colt_ok(scratch.path(), &["inspect", &db.url])
}

/// The field (with its attributes and comment) declared as `name: ..` in `entity`.
fn field<'a>(source: &'a str, entity: &str, name: &str) -> &'a str {
    let start = source
        .find(&format!("pub struct {entity} {{"))
        .unwrap_or_else(|| panic!("no {entity} in:\n{source}"));
    let body = &source[start..];
    let body = &body[..body.find("\n}").unwrap()];
    let at = body
        .find(&format!("pub {name}: "))
        .unwrap_or_else(|| panic!("no {entity}.{name} in:\n{source}"));
    // From the end of the previous field.
    let from = body[..at].rfind(",\n").map_or(0, |i| i + 2);
    let to = at + body[at..].find(',').unwrap();
    &body[from..to]
}

/// Two cycles of NOT NULL references sharing `a.b_id`: a -> b -> a and a -> b -> c -> a.
/// `break_required_cycles` breaks the first at `b.owner` (not named after its target),
/// then the second at `a.b` (the first edge), where `a.b` alone would break both: the
/// `b.owner` it made an `Option` reaches `b` back only through `a.b`, an `Option` now, and
/// `check_tables` refuses it ("column `b.owner_id` is NOT NULL but field `B::owner` is an
/// Option"; tests/session_review.rs runs that mapping). One `Option` is enough.
#[test]
fn inspect_makes_one_option_per_set_of_overlapping_cycles() {
    let source = inspect(&[
        "CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER NOT NULL REFERENCES b (id))",
        "CREATE TABLE b (id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL REFERENCES a (id),
             c_id INTEGER NOT NULL REFERENCES c (id))",
        "CREATE TABLE c (id INTEGER PRIMARY KEY, a_id INTEGER NOT NULL REFERENCES a (id))",
    ]);
    let options = source.matches(": Option<Ref<").count();
    assert_eq!(options, 1, "{source}");
}

/// `plural` keeps a word ending in `s` as a plural, but `menus` ends in `us`: the set back
/// to table `menus` is `menuses` (the `productses` the change meant to end).
#[test]
fn a_plural_table_name_ending_in_us_stays_plural() {
    let source = inspect(&[
        "CREATE TABLE restaurant (id INTEGER PRIMARY KEY)",
        "CREATE TABLE menus (id INTEGER PRIMARY KEY,
             restaurant_id INTEGER NOT NULL REFERENCES restaurant (id))",
    ]);
    assert!(!source.contains("menuses"), "{source}");
}

/// An `INSTEAD OF` trigger on a view writes the base table's columns only when a program
/// writes through the view: the database does not change them when the table itself is
/// written. `columns_set` takes every `UPDATE .. SET` in any trigger, so every column the
/// view writes is marked `volatile` (left out of the optimistic check, read back after each
/// write).
#[test]
fn columns_an_instead_of_trigger_on_a_view_writes_are_not_volatile() {
    let source = inspect(&[
        "CREATE TABLE account (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, balance INTEGER NOT NULL)",
        "CREATE VIEW account_view AS SELECT id, owner, balance FROM account",
        "CREATE TRIGGER account_view_update INSTEAD OF UPDATE ON account_view BEGIN
             UPDATE account SET owner = NEW.owner, balance = NEW.balance WHERE id = OLD.id; END",
    ]);
    let balance = field(&source, "Account", "balance");
    assert!(!balance.contains("volatile"), "{balance}\n---\n{source}");
}

/// `assignments` ends a value at a word `END` outside parentheses: a `CASE .. END` value
/// ends the clause there, and the columns set after it are not found.
#[test]
fn a_column_set_after_a_case_value_is_volatile() {
    let source = inspect(&[
        "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
             size_class TEXT, touched TEXT)",
        "CREATE TRIGGER item_touch AFTER UPDATE OF name ON item BEGIN
             UPDATE item SET size_class = CASE WHEN length(NEW.name) > 10 THEN 'long' ELSE 'short' END,
                 touched = datetime('now') WHERE id = NEW.id; END",
    ]);
    assert!(
        field(&source, "Item", "size_class").contains("volatile"),
        "{source}"
    );
    assert!(
        field(&source, "Item", "touched").contains("volatile"),
        "{source}"
    );
}

/// PostgreSQL: a trigger on a partition sets a column of the rows written through the
/// partitioned table, the table an entity maps (a partition is its parent's); the column
/// was found set in the partition only, and not marked `volatile`.
#[test]
fn a_column_a_partition_trigger_sets_is_volatile() {
    for backend in backends().into_iter().filter(|b| *b == "postgres") {
        let scratch = Scratch::new("inspect-partition-trigger");
        let db = fresh(backend, scratch.path());
        // (A schema of this test's own: the database is shared.)
        let elsewhere = format!("elsewhere_{}", std::process::id());
        let partition = format!(
            "CREATE TABLE {elsewhere}.reading_late PARTITION OF reading \
             FOR VALUES FROM (100) TO (200)"
        );
        let trigger = format!(
            "CREATE TRIGGER reading_late BEFORE INSERT ON {elsewhere}.reading_late \
             FOR EACH ROW EXECUTE FUNCTION mark_late()"
        );
        run_sql(
            &db.url,
            &[
                "CREATE TABLE reading (id BIGINT NOT NULL, at BIGINT NOT NULL, \
                 touched BIGINT NOT NULL DEFAULT 0, late BIGINT NOT NULL DEFAULT 0, \
                 PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
                "CREATE TABLE reading_early PARTITION OF reading FOR VALUES FROM (0) TO (100)",
                "CREATE FUNCTION touch() RETURNS trigger AS $$ BEGIN \
                 NEW.touched := NEW.touched + 1; RETURN NEW; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER reading_touch BEFORE INSERT OR UPDATE ON reading_early \
                 FOR EACH ROW EXECUTE FUNCTION touch()",
                // A partition in another schema (found by a review: the trigger was
                // looked for in the partition's schema).
                &format!("CREATE SCHEMA {elsewhere}"),
                &partition,
                "CREATE FUNCTION mark_late() RETURNS trigger AS $$ BEGIN \
                 NEW.late := 1; RETURN NEW; END $$ LANGUAGE plpgsql",
                &trigger,
            ],
        );
        let source = colt_ok(scratch.path(), &["inspect", &db.url]);
        run_sql(&db.url, &[&format!("DROP SCHEMA {elsewhere} CASCADE")]);
        assert!(
            field(&source, "Reading", "touched").contains("volatile"),
            "{source}"
        );
        assert!(
            field(&source, "Reading", "late").contains("volatile"),
            "{source}"
        );
    }
}

/// A trigger on a table that inherits from another (PostgreSQL's table inheritance, not a
/// partition) fires for the child's rows, which the parent's queries read and its updates
/// write: the columns it sets are volatile in the parent's entity as in the child's (found
/// in the twenty-first session: only the child's were).
#[test]
fn a_column_an_inheriting_tables_trigger_sets_is_volatile() {
    for backend in backends().into_iter().filter(|b| *b == "postgres") {
        let scratch = Scratch::new("inspect-inherited-trigger");
        let db = fresh(backend, scratch.path());
        run_sql(
            &db.url,
            &[
                "CREATE TABLE vehicle (id BIGINT PRIMARY KEY, name TEXT NOT NULL, \
                 touched BIGINT NOT NULL DEFAULT 0)",
                // (A child does not inherit its parent's primary key: `big_truck` has
                // none, so it is not mapped, and its trigger is still its parents'.)
                "CREATE TABLE truck (load BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (id)) \
                 INHERITS (vehicle)",
                "CREATE TABLE big_truck (axles BIGINT NOT NULL DEFAULT 0) INHERITS (truck)",
                "CREATE FUNCTION touch_vehicle() RETURNS trigger AS $$ BEGIN \
                 NEW.touched := NEW.touched + 1; RETURN NEW; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER big_truck_touch BEFORE INSERT OR UPDATE ON big_truck \
                 FOR EACH ROW EXECUTE FUNCTION touch_vehicle()",
            ],
        );
        let source = colt_ok(scratch.path(), &["inspect", &db.url]);
        for entity in ["Vehicle", "Truck"] {
            assert!(
                field(&source, entity, "touched").contains("volatile"),
                "{entity}: {source}"
            );
            assert!(
                !field(&source, entity, "name").contains("volatile"),
                "{entity}: {source}"
            );
        }
    }
}

/// A foreign key whose column is declared a type the key it refers to does not suit (a
/// `TEXT` column referring to an `INTEGER` key) was a `Ref`, which `check_tables` refuses,
/// and whose collection contradicted itself: SQLite compares the stored text `'2'` with the
/// key 2 as unequal in the collection's own statement, so `fetch` found no member where
/// `count` found one (found by a review of the twenty-second session). Its column is a
/// plain field now, with a comment saying why; an `INT` column still refers.
#[test]
fn a_foreign_key_of_a_type_its_key_does_not_suit_is_a_plain_field() {
    let source = inspect(&[
        "CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
        "CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL, \
         author_id TEXT REFERENCES author (id), editor_id INT REFERENCES author (id))",
    ]);
    assert!(
        field(&source, "Note", "author_id").contains("Option<String>"),
        "{source}"
    );
    assert!(
        source.contains(
            "the foreign key (author_id) to `author` has a column whose declared type does not suit"
        ),
        "{source}"
    );
    assert!(
        field(&source, "Note", "editor").contains("Option<Ref<Author>>"),
        "{source}"
    );
    // One collection back, the editor's.
    assert_eq!(source.matches(": Set<Note>").count(), 1, "{source}");
}

/// A text column another tool declared `datetime` (NUMERIC affinity on SQLite) is a
/// `String` whose `sql_type` says so: queries then compare it as the text it holds (see
/// tests/text_in_numeric_columns.rs; found by a review of the twenty-second session). A
/// `TEXT` or `VARCHAR` one needs none.
#[test]
fn a_string_in_a_date_named_column_says_its_sql_type() {
    let source = inspect(&[
        "CREATE TABLE post (id INTEGER PRIMARY KEY, created datetime NOT NULL, \
         title varchar(80) NOT NULL, body TEXT)",
    ]);
    let created = field(&source, "Post", "created");
    assert!(created.contains("sql_type = \"datetime\""), "{source}");
    assert!(created.contains("String"), "{source}");
    assert!(
        !field(&source, "Post", "title").contains("sql_type"),
        "{source}"
    );
    assert!(
        !field(&source, "Post", "body").contains("sql_type"),
        "{source}"
    );
}

/// A table whose key column has no declared type is left out, and the note says so in
/// words, where it read "its column `k` is ``" (found by a review of the twenty-second
/// session).
#[test]
fn a_key_column_without_a_type_is_named_so() {
    let source = inspect(&["CREATE TABLE kv (k PRIMARY KEY, v TEXT)"]);
    assert!(
        source.contains("its column `k` has no declared type"),
        "{source}"
    );
    assert!(!source.contains("``"), "{source}");
}
