//! `colt inspect URL` round trip, on both backends: a database made by other tools
//! (PascalCase names, a table referring to itself, a composite-key link table, `NUMERIC`
//! and `DATETIME`/`TIMESTAMP` columns, a view and a table without a key) is inspected; the
//! source written compiles as it is, binds, passes `check_tables` against the database it
//! came from, and answers queries over every relationship: each program is built and run as
//! a crate of its own, depending on `colt` with the features its header names (not as a
//! dev-dependency of this crate, whose features would then leak into the workspace's default
//! build).

mod common;

use std::path::{Path, PathBuf};

use colt_runtime::Database;
use common::{backends, colt as run_colt, colt_err, colt_ok, fresh, load, Fresh, Scratch};

/// The crate the generated programs are built in, one binary per fixture and backend.
fn round_trip_crate() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/tmp/inspect-round-trip")
}

/// Where a generated program goes.
fn generated(fixture: &str, backend: &str) -> PathBuf {
    let dir = round_trip_crate().join("src/bin");
    std::fs::create_dir_all(&dir).expect("target/tmp");
    dir.join(format!("{fixture}_{backend}.rs"))
}

/// A fresh database of `backend` loaded with `fixture`, inspected into `generated(..)`: the
/// database, its scratch directory, the source written and where.
fn inspect_fixture(fixture: &str, backend: &str) -> (Fresh, Scratch, String, PathBuf) {
    let scratch = Scratch::new(&format!("inspect-{fixture}"));
    let db = fresh(backend, scratch.path());
    load(&db.url, &format!("{fixture}.{backend}.sql"));
    let out = generated(fixture, backend);
    let _ = std::fs::remove_file(&out);
    colt_ok(
        scratch.path(),
        &[
            "inspect",
            &db.url,
            "--out",
            out.to_str().expect("utf-8 path"),
        ],
    );
    let source = std::fs::read_to_string(&out).expect("written");
    (db, scratch, source, out)
}

/// Builds the programs as a crate of their own (its own workspace; the workspace's lock file,
/// so no version moves) and runs each.
fn build_and_run(programs: &[String], postgres: bool) {
    let dir = round_trip_crate();
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let workspace = workspace.canonicalize().expect("the workspace");
    let features = if postgres {
        r#"["decimal", "chrono", "postgres"]"#
    } else {
        r#"["decimal", "chrono"]"#
    };
    let manifest = format!(
        "[package]\nname = \"inspect-round-trip\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n[dependencies]\ncolt = {{ path = {:?}, features = {features} }}\nrust_decimal = {{ version = \"1\", default-features = false, features = [\"std\"] }}\nchrono = {{ version = \"0.4\", default-features = false, features = [\"std\", \"clock\"] }}\n",
        workspace.display().to_string()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("manifest");
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock file");
    let target = workspace.join("target/tests/inspect-round-trip");
    for program in programs {
        let out = std::process::Command::new(env!("CARGO"))
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", &target)
            .args(["run", "--quiet", "--bin", program])
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "{program} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// What the program does with the entities: bind them, check them against the tables,
/// query through each relationship.
const MUSIC_MAIN: &str = r#"
fn main() {
    let db = Database::open(URL).expect("open");
    db.bind(schema()).expect("bind");
    db.check_tables().expect("the entities fit the tables they came from");
    db.transaction(|tx| {
        let titles = select!((a.title for a in Album if a.artist.name == "Accept").order_by(|a| a.title)).fetch(tx)?;
        assert_eq!(titles, ["Balls to the Wall", "Restless and Wild"]);
        let reports = select!(e.last_name for e in Employee if e.reports_to.last_name == "Adams").fetch(tx)?;
        assert_eq!(reports, ["Edwards"]);
        let metal = select!(t.name for p in Playlist for t in p.tracks if p.name == "Metal").fetch(tx)?;
        assert_eq!(metal, ["Fast As a Shark"]);
        let on_music = select!(count(t.playlists) for t in Track if t.name == "Balls to the Wall").one(tx)?;
        assert_eq!(on_music, 1);
        let by_accept = select!(count(a.albums) for a in Artist if a.name == "Accept").one(tx)?;
        assert_eq!(by_accept, 2);
        let total = select!(sum(t.unit_price) for t in Track).one(tx)?;
        assert_eq!(total.map(|d| d.to_string()), Some("3.97".to_string()));
        let adams = select!(e for e in Employee if e.last_name == "Adams").one(tx)?;
        assert_eq!(adams.employees_by_reports_to().count(tx)?, 1);
        let hired = select!(e.hire_date for e in Employee if e.last_name == "Adams").one(tx)?;
        assert!(hired.is_some());
        // And a new row through the entities.
        let accept = select!(a for a in Artist if a.name == "Accept").one(tx)?;
        INSERT_ALBUM;
        assert_eq!(select!(count(a.albums) for a in Artist if a.name == "Accept").one(tx)?, 3);
        Ok(())
    })
    .expect("queries");
}
"#;

/// The second database: snake_case names (no attributes needed), a keyword and a name with a
/// space as columns, two references from one table to another, a composite key made of a
/// reference and a number, a composite reference to it, a composite unique constraint, two
/// tables that refer to each other through NOT NULL columns (Sakila's stores and staff), and
/// (on PostgreSQL) identity keys.
const SHOP_MAIN: &str = r#"
fn main() {
    let db = Database::open(URL).expect("open");
    db.bind(schema()).expect("bind");
    db.check_tables().expect("the entities fit the tables they came from");
    db.transaction(|tx| {
        let totals = select!(i.total for i in Invoice if i.customer.name == "ann").fetch(tx)?;
        assert_eq!(totals, [9.5]);
        let billed = select!(count(c.invoices_by_billed_to) for c in Customer if c.name == "bob").one(tx)?;
        assert_eq!(billed, 1);
        let notes = select!(n.note for n in LineNote if n.invoice_line.quantity == 1).fetch(tx)?;
        assert_eq!(notes, ["gift wrap"]);
        let lines = select!(l.line_no for l in InvoiceLine if l.invoice.customer.name == "bob").fetch(tx)?;
        assert_eq!(lines, [1]);
        // A composite key in another order than its columns (`PRIMARY KEY (bay, aisle)`).
        let shelves = select!(b.shelf.label for b in Bin).fetch(tx)?;
        assert_eq!(shelves, ["top"]);
        let kind = select!(c.type_ for c in Customer if c.name == "ann").one(tx)?;
        assert_eq!(kind, "retail");
        // Stores and staff refer to each other, both NOT NULL: one reference of the cycle
        // is an `Option`, which `bind` asks for and `check_tables` takes.
        let managers = select!(s.manager_staff.name for s in Store).fetch(tx)?;
        assert_eq!(managers, [Some("sam".to_string())]);
        let staff = select!((st.name for st in Staff if st.store.store_id == 1).order_by(|st| st.name)).fetch(tx)?;
        assert_eq!(staff, ["kim", "sam"]);
        let carl = Customer::build().name("carl").type_("trade").insert(tx)?;
        assert!(carl.id() > 2, "the key came from the database");
        // `changes` is set by the database's triggers: `volatile`, read back after writes.
        assert_eq!(carl.changes(), 1);
        carl.set(|c| c.name = "carla".to_string())?;
        tx.flush()?;
        assert_eq!(carl.changes(), 2);
        carl.set(|c| c.name = "carl".to_string())?;
        tx.flush()?;
        assert_eq!(carl.changes(), 3);
        Ok(())
    })
    .expect("queries");
}
"#;

#[test]
fn inspected_entities_compile_bind_check_and_query() {
    let mut databases = Vec::new();
    let mut programs = Vec::new();
    // A stale program of a backend not tested now would be built too.
    let _ = std::fs::remove_dir_all(round_trip_crate().join("src/bin"));
    for backend in backends() {
        let (db, scratch, source, out) = inspect_fixture("music", backend);
        for expected in [
            "#[colt(rename_all = \"PascalCase\")]\npub struct Album {",
            "    #[colt(column = \"ArtistId\")]\n    pub artist: Ref<Artist>,",
            "    pub reports_to: Option<",
            "    #[colt(reverse = \"reports_to\")]\n    pub employees_by_reports_to: Set<Employee>,",
            "    #[colt(table = \"PlaylistTrack\", column = \"PlaylistId\", reverse_column = \"TrackId\")]\n    pub tracks: Set<Track>,",
            "    pub playlists: Set<Playlist>,",
            "    pub unit_price: rust_decimal::Decimal,",
            "    #[colt(unique)]\n    pub email: String,",
            "//! Table `Log` is not mapped: it has no primary key",
            "//! View `AlbumTitles` is not mapped",
            "pub fn schema() -> colt::Schema {\n    schema![Album, Artist, Employee, Playlist, Track]\n}",
        ] {
            assert!(source.contains(expected), "[{backend}] no `{expected}` in:\n{source}");
        }
        let hire = if backend == "postgres" {
            "pub hire_date: Option<chrono::NaiveDateTime>,"
        } else {
            "pub hire_date: Option<String>,"
        };
        assert!(source.contains(hire), "[{backend}] {source}");
        // SQLite's INTEGER PRIMARY KEY is the rowid (`auto`); PostgreSQL's plain integer key
        // is the program's to give.
        let insert = if backend == "postgres" {
            r#"Album::build().album_id(4).title("Metal Heart").artist(&accept).insert(tx)?"#
        } else {
            r#"Album::build().title("Metal Heart").artist(&accept).insert(tx)?"#
        };
        let program = format!(
            "{source}\nconst URL: &str = {:?};\n{}",
            db.url,
            MUSIC_MAIN.replace("INSERT_ALBUM", insert)
        );
        std::fs::write(&out, program).expect("program");
        programs.push(format!("music_{backend}"));
        databases.push((db, scratch));

        let (db, scratch, source, out) = inspect_fixture("shop", backend);
        for expected in [
            "#[colt(unique(name, postal_code))]\npub struct Customer {\n    #[colt(primary_key, auto)]\n    pub id: i64,",
            "    #[colt(default = \"retail\", column = \"type\")]\n    pub type_: String,",
            "    #[colt(column = \"Postal Code\")]\n    pub postal_code: Option<String>,",
            "    #[colt(reverse = \"billed_to\")]\n    pub invoices_by_billed_to: Set<Invoice>,",
            "    #[colt(column = \"billed_to_id\")]\n    pub billed_to: Option<Ref<Customer>>,",
            "    #[colt(primary_key, column = \"invoice_id\")]\n    pub invoice: Ref<Invoice>,\n    #[colt(primary_key)]\n    pub line_no: i64,",
            "    #[colt(columns(\"invoice\", \"line\"))]\n    pub invoice_line: Ref<InvoiceLine>,",
            "    #[colt(cascade_delete)]\n    pub invoice_lines: Set<InvoiceLine>,",
            "    #[colt(columns(\"shelf_aisle\", \"shelf_bay\"))]\n    pub shelf: Ref<Shelf>,",
            "closes a cycle of required references",
            "    // set by a trigger: read back after each write, and left out of the optimistic check\n    #[colt(default = 0i64, volatile)]\n    pub changes: i64,",
            "    pub manager_staff: Option<Ref<Staff>>,",
            "    pub store: Ref<Store>,",
        ] {
            assert!(source.contains(expected), "[{backend}] no `{expected}` in:\n{source}");
        }
        let program = format!("{source}\nconst URL: &str = {:?};\n{SHOP_MAIN}", db.url);
        std::fs::write(&out, program).expect("program");
        programs.push(format!("shop_{backend}"));
        databases.push((db, scratch));
    }
    // Shapes of other tools' SQLite schemas (see the fixture): the entities compile, bind
    // (every relationship paired), pass `check_tables` and lose no column.
    let (db, scratch, source, out) = inspect_fixture("traps", "sqlite");
    for expected in [
        "    #[colt(column = \"artist_id\")]\n    pub artist: Option<Ref<Artist>>,",
        "    #[colt(default = false, column = \"is_deleted\")]\n    pub is_deleted_: bool,",
        "    #[colt(column = \"key\")]\n    pub key_: Option<String>,",
        "    #[colt(column = \"type_id\")]\n    pub type_: Option<Ref<Kind>>,",
        "    #[colt(reverse = \"depts_by_manager\", column = \"manager_id\")]\n    pub manager: Option<Ref<Emp>>,",
        "    #[colt(reverse = \"projects_by_owner\", column = \"owner_id\")]\n    pub owner: Ref<Emp>,",
        "    pub a_id: Option<i64>,\n    pub b_id: Option<i64>,",
        "// column `tag` (uuid) is left out",
        "// column `extra` (no declared type: it holds whatever was stored) is left out",
        "//! Virtual table `docs` is not mapped",
        "//! Table `post_tag` links `post` and `tag`",
        // Its untyped key columns are a composite reference inside the key, which stays plain
        // columns: no field type reads them, and an entity keyed by `c` alone would write
        // every row sharing it.
        "//! Table `part` is not mapped: its column `a`",
        // A table left out (its untyped key refers to nothing) makes the link to it no
        // link: its untyped column is then a plain one, and the table is left out too (it
        // was an entity keyed by `post_id` alone, whose writes reached every row of a post).
        "//! Table `label` is not mapped",
        "//! Table `post_label` is not mapped",
        "    #[colt(column = \"artist_id\")]\n    pub artist: Ref<Artist>,",
        "//! Table `odd\\nname` is not mapped",
        "    #[colt(column = \"back\\\\slash\")]\n    pub back_slash: Option<String>,",
        "pub struct Shipment {\n    #[colt(primary_key, auto)]\n    pub id: i64,\n    pub tenant: i64,\n    pub line: Option<i64>,",
    ] {
        assert!(source.contains(expected), "[traps] no `{expected}` in:\n{source}");
    }
    assert!(!source.contains("pub struct Docs"), "{source}");
    assert!(!source.contains("docs_"), "{source}");
    let program = format!("{source}\nconst URL: &str = {:?};\n{TRAPS_MAIN}", db.url);
    std::fs::write(&out, program).expect("program");
    programs.push("traps_sqlite".to_string());
    databases.push((db, scratch));
    build_and_run(&programs, backends().contains(&"postgres"));
    drop(databases);
}

/// The program of the `traps` fixture.
const TRAPS_MAIN: &str = r#"
fn main() {
    let db = Database::open(URL).expect("open");
    db.bind(schema()).expect("bind");
    db.check_tables().expect("the entities fit the tables they came from");
    db.transaction(|tx| {
        let albums = select!(a.title for a in Album if a.artist.name == "Accept").fetch(tx)?;
        assert_eq!(albums, ["Balls to the Wall"]);
        let managed = select!(d.name for d in Dept if d.manager.name == "ann").fetch(tx)?;
        assert_eq!(managed, ["sales"]);
        let staff = select!(count(d.emps_by_dept) for d in Dept if d.name == "sales").one(tx)?;
        assert_eq!(staff, 2);
        let members = select!(count(p.emps) for p in Project).one(tx)?;
        assert_eq!(members, 2);
        let owned = select!(count(e.projects_by_owner) for e in Emp if e.name == "ann").one(tx)?;
        assert_eq!(owned, 1);
        let kept = select!((c.a_id, c.b_id) for c in TenantC).fetch(tx)?;
        assert_eq!(kept, [(Some(1), Some(2))]);
        let quirk = select!((q.say_hi, q.back_slash) for q in Quirk).fetch(tx)?;
        assert_eq!(quirk, [(Some("hi".to_string()), Some("b".to_string()))]);
        let tagged = select!(count(p.tags) for p in Post).one(tx)?;
        assert_eq!(tagged, 2);
        let gigs = select!(count(a.gigs) for a in Artist).one(tx)?;
        assert_eq!(gigs, 1);
        let lines = select!(s.line for s in Shipment).fetch(tx)?;
        assert_eq!(lines, [None]);
        let live = select!(a.key_ for a in Album if !a.is_deleted_).fetch(tx)?;
        assert_eq!(live, [Some("b1".to_string())]);
        Ok(())
    })
    .expect("queries");
}
"#;

#[test]
fn only_the_tables_named_and_unknown_ones_are_an_error() {
    let scratch = Scratch::new("inspect-tables");
    let db = fresh("sqlite", scratch.path());
    load(&db.url, "music.sqlite.sql");
    let out = colt_ok(
        scratch.path(),
        &["inspect", &db.url, "--tables", "Artist,Album"],
    );
    assert!(out.contains("pub struct Artist {"), "{out}");
    assert!(out.contains("pub struct Album {"), "{out}");
    assert!(!out.contains("pub struct Track"), "{out}");
    assert!(out.contains("schema![Album, Artist]"), "{out}");
    // Album's tracks are not among them: no `Set<Track>`.
    assert!(!out.contains("Set<Track>"), "{out}");
    let err = colt_err(
        scratch.path(),
        &["inspect", &db.url, "--tables", "Artist,Albums"],
    );
    assert!(err.contains("no table `Albums` in the database"), "{err}");
    let err = colt_err(scratch.path(), &["inspect", "sqlite:nowhere.db"]);
    assert!(err.contains("no SQLite database at `nowhere.db`"), "{err}");
}

#[test]
fn a_without_rowid_tables_integer_key_is_not_auto() {
    let scratch = Scratch::new("inspect-rowid");
    let db = fresh("sqlite", scratch.path());
    let live = Database::open(&db.url).expect("open");
    live.transaction(|tx| {
        tx.execute_sql(
            "CREATE TABLE code (id INTEGER PRIMARY KEY, label TEXT NOT NULL) WITHOUT ROWID",
            &[],
        )?;
        tx.execute_sql(
            "CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT NOT NULL)",
            &[],
        )?;
        // Not the rowid either: its key has an index of its own.
        tx.execute_sql(
            "CREATE TABLE step (id INTEGER PRIMARY KEY DESC, text TEXT NOT NULL)",
            &[],
        )
    })
    .expect("schema");
    let out = colt_ok(scratch.path(), &["inspect", &db.url]);
    assert!(
        out.contains("pub struct Code {\n    #[colt(primary_key)]\n    pub id: i64,"),
        "{out}"
    );
    assert!(
        out.contains("pub struct Note {\n    #[colt(primary_key, auto)]\n    pub id: i64,"),
        "{out}"
    );
    assert!(
        out.contains("pub struct Step {\n    #[colt(primary_key)]\n    pub id: i64,"),
        "{out}"
    );
}

#[test]
fn a_column_no_type_suits_is_left_out_or_the_table_is_listed_with_why() {
    if !backends().contains(&"postgres") {
        return; // SQLite's affinity gives every declared type a field type.
    }
    let scratch = Scratch::new("inspect-unmappable");
    let db = fresh("postgres", scratch.path());
    let live = Database::open(&db.url).expect("open");
    live.transaction(|tx| {
        // `character(n)` comes back padded: a key of it is refused (check_tables' rule).
        tx.execute_sql("CREATE TABLE country (code character(2) PRIMARY KEY, name text NOT NULL)", &[])?;
        tx.execute_sql(
            "CREATE TABLE city (id bigint PRIMARY KEY, name text NOT NULL, tag character(3), country character(2) REFERENCES country (code))",
            &[],
        )
    })
    .expect("schema");
    let out = colt_ok(scratch.path(), &["inspect", &db.url]);
    assert!(
        out.contains("//! Table `country` is not mapped: its column `code` is `character(2)`, which no field type suits"),
        "{out}"
    );
    assert!(!out.contains("pub struct Country"), "{out}");
    assert!(out.contains("schema![City]"), "{out}");
}

/// PostgreSQL: a `character(n)` column that is not a key was left out ("no field type
/// suits it"), and a table with a required one was not mapped at all: it is a `String`
/// whose `sql_type` says so now, which `check_tables` takes and writes go through.
#[test]
fn a_fixed_length_text_column_is_a_string_of_its_own_type() {
    if !backends().contains(&"postgres") {
        return;
    }
    let scratch = Scratch::new("inspect-padded");
    let db = fresh("postgres", scratch.path());
    let live = Database::open(&db.url).expect("open");
    live.transaction(|tx| {
        tx.execute_sql(
            "CREATE TABLE city (id bigint PRIMARY KEY, name text NOT NULL, tag character(3) NOT NULL, note char(5))",
            &[],
        )
    })
    .expect("schema");
    let out = colt_ok(scratch.path(), &["inspect", &db.url]);
    assert!(
        out.contains("    #[colt(sql_type = \"character(3)\")]\n    pub tag: String,"),
        "{out}"
    );
    assert!(
        out.contains("    #[colt(sql_type = \"character(5)\")]\n    pub note: Option<String>,"),
        "{out}"
    );
    assert!(out.contains("schema![City]"), "{out}");
}

/// PostgreSQL: a foreign key to a table of another schema (`auth.users`, beside the
/// schema's own `users`) was read as a reference to the schema's own table of that name:
/// navigation joined the wrong table, and a delete of a `users` row set the column to NULL
/// in rows that named `auth.users`. It is a plain column now. (Found by a review.)
#[test]
fn a_foreign_key_to_another_schema_is_a_plain_column() {
    if !backends().contains(&"postgres") {
        return;
    }
    let scratch = Scratch::new("inspect-other-schema");
    let db = fresh("postgres", scratch.path());
    let other = format!("colt_auth_{}", std::process::id());
    let live = Database::open(&db.url).expect("open");
    live.transaction(|tx| {
        tx.execute_sql(&format!("CREATE SCHEMA \"{other}\""), &[])?;
        tx.execute_sql(&format!("CREATE TABLE \"{other}\".users (id bigint PRIMARY KEY)"), &[])?;
        tx.execute_sql("CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL)", &[])?;
        tx.execute_sql(
            &format!("CREATE TABLE profile (id bigint PRIMARY KEY, user_id bigint REFERENCES \"{other}\".users (id))"),
            &[],
        )
    })
    .expect("schema");
    let out = colt_ok(scratch.path(), &["inspect", &db.url]);
    let _ = live.transaction(|tx| tx.execute_sql(&format!("DROP SCHEMA \"{other}\" CASCADE"), &[]));
    assert!(out.contains("pub user_id: Option<i64>"), "{out}");
    assert!(!out.contains("Ref<Users>"), "{out}");
}

/// A foreign key whose column is unique keeps its `unique` in the entity `colt inspect`
/// writes: it was left out, so `colt migrate diff` of the inspected entities against the
/// same database dropped the constraint (a SQLite rebuild without it, a PostgreSQL `DROP
/// CONSTRAINT`). (Found by a review.)
#[test]
fn a_unique_foreign_key_stays_unique() {
    for backend in backends() {
        let scratch = Scratch::new("inspect-unique-ref");
        let dir = scratch.path();
        let db = fresh(backend, dir);
        Database::open(&db.url)
            .expect("open")
            .transaction(|tx| {
                tx.execute_sql("CREATE TABLE person (id BIGINT PRIMARY KEY, name TEXT NOT NULL)", &[])?;
                tx.execute_sql(
                    "CREATE TABLE passport (id BIGINT PRIMARY KEY, person_id BIGINT NOT NULL UNIQUE REFERENCES person (id))",
                    &[],
                )
            })
            .expect("schema");
        let out = colt_ok(dir, &["inspect", &db.url]);
        assert!(
            out.contains("#[colt(unique, column = \"person_id\")]\n    pub person: Ref<Person>,"),
            "[{backend}] {out}"
        );
        std::fs::create_dir_all(dir.join("entities")).expect("dir");
        std::fs::write(dir.join("entities/schema.rs"), &out).expect("write");
        let diff = run_colt(
            dir,
            &[
                "migrate",
                "diff",
                &db.url,
                "same",
                "--entities",
                "entities",
                "--dir",
                "migrations",
            ],
        );
        assert!(
            diff.ok && diff.stdout.starts_with("nothing to write"),
            "[{backend}] {}{}",
            diff.stdout,
            diff.stderr
        );
    }
}

/// A column's `DEFAULT` that is a plain constant becomes the field's `default = ..`: an
/// insert through Colt writes every column, so a nullable column got NULL where every
/// other writer gets the default (a silent difference). Another default is said in a
/// comment. (Found by a review.)
#[test]
fn a_columns_default_is_the_fields() {
    for backend in backends() {
        let scratch = Scratch::new("inspect-defaults");
        let db = fresh(backend, scratch.path());
        Database::open(&db.url)
            .expect("open")
            .transaction(|tx| {
                tx.execute_sql(
                    "CREATE TABLE item (id BIGINT PRIMARY KEY, status TEXT DEFAULT 'active', qty BIGINT NOT NULL DEFAULT 1, note TEXT DEFAULT 'it''s', made TEXT DEFAULT CURRENT_TIMESTAMP)",
                    &[],
                )
            })
            .expect("schema");
        let out = colt_ok(scratch.path(), &["inspect", &db.url]);
        for want in [
            "#[colt(default = \"active\")]\n    pub status: Option<String>,",
            "#[colt(default = 1i64)]\n    pub qty: i64,",
            "#[colt(default = \"it's\")]\n    pub note: Option<String>,",
        ] {
            assert!(out.contains(want), "[{backend}] {want}\n{out}");
        }
        assert!(
            out.contains("Colt's inserts write this field's value (NULL for None)"),
            "[{backend}] {out}"
        );
    }
}
