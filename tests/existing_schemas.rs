//! Mapping schemas Colt did not create (issue 13): case conventions of other tools, on both
//! backends.

mod common;

use colt::prelude::*;
use common::each_backend;

/// Tables and columns in PascalCase, as many sample databases have them.
#[derive(Entity, Debug, Clone)]
#[colt(rename_all = "PascalCase")]
struct MediaType {
    #[colt(primary_key)]
    media_type_id: i64,
    name: Option<String>,
    lines: Set<InvoiceLine>,
}

#[derive(Entity, Debug, Clone)]
#[colt(rename_all = "PascalCase")]
struct InvoiceLine {
    #[colt(primary_key)]
    invoice_line_id: i64,
    unit_price: f64,
    quantity: i64,
    // An exception keeps its own name.
    #[colt(column = "media")]
    media_type: Ref<MediaType>,
}

/// `rename_all` names the table after the struct and each column after its field, in the
/// convention given; `column` still wins; queries, inserts and `check_tables` use the names.
#[test]
fn rename_all_maps_a_pascal_case_schema() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            tx.execute_sql(
                r#"CREATE TABLE "MediaType" ("MediaTypeId" INTEGER PRIMARY KEY, "Name" VARCHAR(120))"#,
                &[],
            )?;
            tx.execute_sql(
                r#"CREATE TABLE "InvoiceLine" (
                    "InvoiceLineId" INTEGER PRIMARY KEY,
                    "UnitPrice" DOUBLE PRECISION NOT NULL,
                    "Quantity" INTEGER NOT NULL,
                    "media" INTEGER NOT NULL REFERENCES "MediaType" ("MediaTypeId"))"#,
                &[],
            )?;
            tx.execute_sql(
                r#"INSERT INTO "MediaType" VALUES (1, 'MPEG audio'), (2, 'AAC audio')"#,
                &[],
            )?;
            Ok(())
        })?;
        db.bind(schema![MediaType, InvoiceLine])?;
        db.check_tables()?;
        db.transaction(|tx| {
            for (id, price, quantity, media) in [(1, 0.99, 2, 1), (2, 1.99, 1, 2), (3, 0.99, 5, 1)]
            {
                InvoiceLine::build()
                    .invoice_line_id(id)
                    .unit_price(price)
                    .quantity(quantity)
                    .media_type(Ref::new(media))
                    .insert(tx)?;
            }
            Ok(())
        })?;
        let sold = db.transaction(|tx| {
            select!(((l.media_type.name, sum(l.quantity)) for l in InvoiceLine)
                .order_by(|l| l.media_type.name))
            .fetch(tx)
        })?;
        assert_eq!(
            sold,
            [
                (Some("AAC audio".to_string()), Some(1)),
                (Some("MPEG audio".to_string()), Some(7))
            ]
        );
        let sql = select!(l for l in InvoiceLine if l.unit_price < 1.0).sql(db.dialect());
        assert!(sql.contains(r#""InvoiceLine""#), "{sql}");
        assert!(sql.contains(r#""UnitPrice""#), "{sql}");
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
#[colt(rename_all = "PascalCase")]
struct Track {
    #[colt(primary_key)]
    track_id: i64,
    name: String,
    unit_price: f64,
    milliseconds: i64,
    released: String,
    explicit: bool,
}

/// The declared types other tools write pass `check_tables` by each backend's rules: on
/// SQLite by type affinity (`NVARCHAR(120)` is text, `NUMERIC(10,2)` holds reals,
/// `DATETIME` holds ISO text), on PostgreSQL by the exact types (`varchar`, `numeric`); and
/// a column that does not suit its field is still reported, saying what would.
#[test]
fn declared_types_of_other_tools_pass_check_tables() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        let released = if backend.is_postgres() {
            "VARCHAR(30)"
        } else {
            "DATETIME"
        };
        db.transaction(|tx| {
            tx.execute_sql(
                &format!(
                    r#"CREATE TABLE "Track" (
                        "TrackId" INTEGER PRIMARY KEY NOT NULL,
                        "Name" NVARCHAR(200) NOT NULL,
                        "UnitPrice" NUMERIC(10,2) NOT NULL,
                        "Milliseconds" INTEGER NOT NULL,
                        "Released" {released} NOT NULL,
                        "Explicit" BOOLEAN NOT NULL)"#
                )
                .replace("NVARCHAR", if backend.is_postgres() { "VARCHAR" } else { "NVARCHAR" }),
                &[],
            )?;
            tx.execute_sql(
                r#"INSERT INTO "Track" VALUES (1, 'For Those About To Rock', 0.99, 343719, '2024-01-31 10:00:00', false)"#,
                &[],
            )?;
            Ok(())
        })?;
        db.bind(schema![Track])?;
        db.check_tables()?;
        let t = db.transaction(|tx| select!(t for t in Track).one(tx).map(|t| t.get().clone()))?;
        assert_eq!((t.unit_price, t.milliseconds), (0.99, 343_719));
        assert_eq!(t.released, "2024-01-31 10:00:00");
        assert!(!t.explicit);
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "Track", rename_all = "PascalCase")]
struct TrackAsNumbers {
    #[colt(primary_key)]
    track_id: i64,
    name: i64,
}

#[test]
fn a_declared_type_that_does_not_suit_its_field_is_reported() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            tx.execute_sql(
                r#"CREATE TABLE "Track" ("TrackId" INTEGER PRIMARY KEY, "Name" VARCHAR(200))"#,
                &[],
            )
        })?;
        db.bind(schema![TrackAsNumbers])?;
        match db.check_tables() {
            Err(Error::SchemaMismatch(message)) => {
                assert!(message.contains("Track.Name"), "{message}");
                assert!(message.contains("TrackAsNumbers::name"), "{message}");
                assert!(message.to_uppercase().contains("INT"), "{message}");
            }
            other => panic!("expected a schema mismatch, got {other:?}"),
        }
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
struct Price {
    #[colt(primary_key, auto)]
    id: i64,
    #[colt(sql_type = "NUMERIC(10,2)")]
    amount: f64,
}

/// `sql_type` sets the type `create_tables` writes, and `check_tables` accepts it.
#[test]
fn sql_type_sets_the_declared_type() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Price])?;
        db.create_tables()?;
        db.check_tables()?;
        let declared: Vec<String> = db.transaction(|tx| {
            if backend.is_postgres() {
                tx.query_sql(
                    "SELECT format_type(atttypid, atttypmod) FROM pg_attribute \
                     WHERE attrelid = 'price'::regclass AND attname = 'amount'",
                    &[],
                )
            } else {
                tx.query_sql(
                    "SELECT type FROM pragma_table_info('price') WHERE name = 'amount'",
                    &[],
                )
            }
        })?;
        assert_eq!(declared[0].to_ascii_uppercase(), "NUMERIC(10,2)");
        db.transaction(|tx| {
            Price::build().amount(19.99).insert(tx)?;
            assert_eq!(select!(p.amount for p in Price).one(tx)?, 19.99);
            Ok(())
        })
    })
}

/// A many-to-many over a link table another tool made: the names are given on one side
/// (here `Playlist.tracks`), the other side (`Song.playlists`) follows.
#[derive(Entity, Debug, Clone)]
#[colt(rename_all = "PascalCase")]
struct Playlist {
    #[colt(primary_key)]
    playlist_id: i64,
    name: String,
    #[colt(
        table = "PlaylistTrack",
        column = "PlaylistId",
        reverse_column = "TrackId"
    )]
    tracks: Set<Song>,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "Track", rename_all = "PascalCase")]
struct Song {
    #[colt(primary_key)]
    track_id: i64,
    name: String,
    playlists: Set<Playlist>,
}

#[test]
fn a_many_to_many_maps_an_existing_link_table() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            for sql in [
                r#"CREATE TABLE "Playlist" ("PlaylistId" INTEGER PRIMARY KEY, "Name" VARCHAR(120) NOT NULL)"#,
                r#"CREATE TABLE "Track" ("TrackId" INTEGER PRIMARY KEY, "Name" VARCHAR(200) NOT NULL)"#,
                r#"CREATE TABLE "PlaylistTrack" (
                    "PlaylistId" INTEGER NOT NULL REFERENCES "Playlist" ("PlaylistId"),
                    "TrackId" INTEGER NOT NULL REFERENCES "Track" ("TrackId"),
                    PRIMARY KEY ("PlaylistId", "TrackId"))"#,
                r#"INSERT INTO "Playlist" VALUES (1, 'Music'), (2, 'Movies'), (3, 'Empty')"#,
                r#"INSERT INTO "Track" VALUES (10, 'Balls to the Wall'), (11, 'Fast As a Shark'), (12, 'Restless')"#,
                r#"INSERT INTO "PlaylistTrack" VALUES (1, 10), (1, 11), (2, 11)"#,
            ] {
                tx.execute_sql(sql, &[])?;
            }
            Ok(())
        })?;
        db.bind(schema![Playlist, Song])?;
        db.check_tables()?;
        db.transaction(|tx| {
            // Both directions, counts and membership tests, each one statement.
            let sizes = select!((p.name, count(p.tracks)) for p in Playlist).fetch(tx)?;
            assert_eq!(
                common::sorted(sizes),
                [
                    ("Empty".to_string(), 0),
                    ("Movies".to_string(), 1),
                    ("Music".to_string(), 2)
                ]
            );
            let shark = select!(p.name for p in Playlist
                if exists(t for t in p.tracks if t.name == "Fast As a Shark"))
            .fetch(tx)?;
            assert_eq!(common::sorted(shark), ["Movies", "Music"]);
            let in_music = select!(s.name for s in Song
                if exists(p for p in s.playlists if p.name == "Music"))
            .fetch(tx)?;
            assert_eq!(
                common::sorted(in_music),
                ["Balls to the Wall", "Fast As a Shark"]
            );

            // Linking and unlinking write the existing table's rows.
            let empty = tx.get_or_err::<Playlist>(3)?;
            let restless = tx.get_or_err::<Song>(12)?;
            empty.tracks().add(tx, &restless)?;
            let music = tx.get_or_err::<Playlist>(1)?;
            let balls = tx.get_or_err::<Song>(10)?;
            music.tracks().remove(tx, &balls)?;
            Ok(())
        })?;
        let rows: Vec<(i64, i64)> = db.transaction(|tx| {
            tx.query_sql(
                r#"SELECT "PlaylistId", "TrackId" FROM "PlaylistTrack" ORDER BY 1, 2"#,
                &[],
            )
        })?;
        assert_eq!(rows, [(1, 11), (2, 11), (3, 12)]);
        Ok(())
    })
}

/// `create_tables` makes the link table with the names given.
#[test]
fn create_tables_names_the_link_table_as_given() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Playlist, Song])?;
        db.create_tables()?;
        db.check_tables()?;
        db.transaction(|tx| {
            let p = Playlist::build().playlist_id(1).name("Mix").insert(tx)?;
            let s = Song::build().track_id(7).name("Tune").insert(tx)?;
            s.playlists().add(tx, &p)?;
            Ok(())
        })?;
        let rows: Vec<(i64, i64)> = db.transaction(|tx| {
            tx.query_sql(
                r#"SELECT "PlaylistId", "TrackId" FROM "PlaylistTrack""#,
                &[],
            )
        })?;
        assert_eq!(rows, [(1, 7)]);
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "p2")]
struct ClashingPlaylist {
    #[colt(primary_key)]
    id: i64,
    #[colt(table = "PlaylistTrack")]
    tracks: Set<ClashingSong>,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "s2")]
struct ClashingSong {
    #[colt(primary_key)]
    id: i64,
    #[colt(table = "TrackPlaylist")]
    playlists: Set<ClashingPlaylist>,
}

/// Two sides that name the link table differently are refused when bound.
#[test]
fn two_sides_naming_the_link_table_differently_are_refused() {
    let db = Database::open("sqlite::memory:").expect("memory");
    match db.bind(schema![ClashingPlaylist, ClashingSong]) {
        Err(Error::SchemaMismatch(message)) => {
            assert!(
                message.contains("`PlaylistTrack` against `TrackPlaylist`"),
                "{message}"
            )
        }
        other => panic!("expected a schema mismatch, got {other:?}"),
    }
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "ev")]
struct Event {
    #[colt(primary_key, auto)]
    id: i64,
    name: String,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "grade")]
struct GradeByStudent {
    #[colt(primary_key)]
    student: i64,
    score: f64,
}

fn refused(db: &Database, words: &[&str]) {
    let r = db.check_tables();
    assert!(
        matches!(&r, Err(colt::Error::SchemaMismatch(m)) if words.iter().all(|w| m.contains(w))),
        "{r:?}"
    );
}

/// `check_tables` compares the keys too: an `auto` key the database does not fill in (on
/// SQLite, `BIGINT PRIMARY KEY` is no rowid: rows got a NULL key while the object took the
/// rowid), a primary key other than the entity's (an update of student 1 changed both of
/// its rows), a link table without a key over both columns (a pair added twice was kept
/// twice).
#[test]
fn check_tables_compares_keys() -> colt::Result<()> {
    each_backend(|backend| {
        let url = backend.fresh_url();
        let db = Database::open(&url)?;
        // The link table's surrogate key fills itself in (SQLite's rowid; an identity on
        // PostgreSQL, where a bare `INTEGER PRIMARY KEY` would make `add` fail).
        let surrogate = if backend.is_postgres() {
            r#""Id" INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"#
        } else {
            r#""Id" INTEGER PRIMARY KEY"#
        };
        let link = format!(
            r#"CREATE TABLE "PlaylistTrack" ({surrogate}, "PlaylistId" INTEGER NOT NULL, "TrackId" INTEGER NOT NULL)"#
        );
        db.transaction(|tx| {
            for sql in [
                "CREATE TABLE ev (id BIGINT PRIMARY KEY, name TEXT NOT NULL)",
                "CREATE TABLE grade (student INTEGER NOT NULL, course INTEGER NOT NULL, score REAL NOT NULL, PRIMARY KEY (student, course))",
                r#"CREATE TABLE "Playlist" ("PlaylistId" INTEGER PRIMARY KEY, "Name" VARCHAR(120) NOT NULL)"#,
                r#"CREATE TABLE "Track" ("TrackId" INTEGER PRIMARY KEY, "Name" VARCHAR(200) NOT NULL)"#,
                &link,
            ] {
                tx.execute_sql(sql, &[])?;
            }
            Ok(())
        })?;
        db.bind(schema![Event])?;
        refused(&db, &["ev.id", "auto"]);
        let db = Database::open(&url)?;
        db.bind(schema![GradeByStudent])?;
        refused(&db, &["grade", "primary key"]);
        let db = Database::open(&url)?;
        db.bind(schema![Playlist, Song])?;
        refused(&db, &["PlaylistTrack", "unique index"]);
        // A surrogate key with a unique index over the pair keeps each pair once: fine.
        db.transaction(|tx| {
            tx.execute_sql(
                r#"CREATE UNIQUE INDEX "PlaylistTrackPair" ON "PlaylistTrack" ("PlaylistId", "TrackId")"#,
                &[],
            )
        })?;
        db.check_tables()?;
        Ok(())
    })
}

/// The catalogue reads what an index is: one over an expression is left out (it was read as
/// unique over its plain columns: `(tenant, lower(email))` as `(tenant)`), an `INCLUDE`
/// column is not part of the key, and a table whose name starts with `sqlite` but not
/// `sqlite_` is a table.
#[test]
fn the_catalogue_reads_indexes_and_tables_as_they_are() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            tx.execute_sql("CREATE TABLE usr (id INTEGER PRIMARY KEY, tenant INTEGER NOT NULL, email TEXT NOT NULL)", &[])?;
            tx.execute_sql("CREATE UNIQUE INDEX usr_tenant_email ON usr (tenant, lower(email))", &[])?;
            tx.execute_sql("CREATE TABLE sqlitestats (id INTEGER PRIMARY KEY)", &[])?;
            if backend.is_postgres() {
                tx.execute_sql("CREATE UNIQUE INDEX usr_email ON usr (email) INCLUDE (tenant)", &[])?;
            }
            Ok(())
        })?;
        let catalog = db.catalog()?;
        let usr = catalog
            .tables
            .iter()
            .find(|t| t.name == "usr")
            .expect("usr");
        let indexes: Vec<(&str, Vec<&str>)> = usr
            .indexes
            .iter()
            .map(|i| {
                (
                    i.name.as_str(),
                    i.columns.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        if backend.is_postgres() {
            assert_eq!(indexes, [("usr_email", vec!["email"])]);
        } else {
            assert_eq!(indexes, []);
        }
        assert!(catalog.tables.iter().any(|t| t.name == "sqlitestats"));
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "member")]
struct Member {
    #[colt(primary_key)]
    id: i64,
    email: String,
    visits: i64,
}

/// A member table another tool made, its text compared without case.
fn nocase_members(file: &common::TempDb) -> colt::Result<Database> {
    let db = Database::open(&file.url())?;
    db.transaction(|tx| {
        tx.execute_sql(
            "CREATE TABLE member (id INTEGER PRIMARY KEY, email TEXT COLLATE NOCASE NOT NULL, visits INTEGER NOT NULL)",
            &[],
        )?;
        tx.execute_sql("INSERT INTO member VALUES (1, 'Ann@X.org', 0)", &[])
    })?;
    db.bind(schema![Member])?;
    Ok(db)
}

/// SQLite: a column compared with `COLLATE NOCASE` (or `RTRIM`) makes queries compare text
/// otherwise than Rust (`==` found `ann@x.org` and `Ann@X.org` both); `check_tables` passed
/// it. It is reported.
#[test]
fn a_text_column_with_a_collation_is_reported() -> colt::Result<()> {
    let file = common::TempDb::new("nocase");
    let db = nocase_members(&file)?;
    let r = db.check_tables();
    match r {
        Err(Error::SchemaMismatch(m)) => assert!(m.contains("NOCASE"), "{m}"),
        other => panic!("{other:?}"),
    }
    Ok(())
}

/// SQLite: the optimistic check of a text column compared with the column's collation, so
/// a change of case another program made meanwhile passed it, and a write computed from the
/// old value succeeded. It compares bytes.
#[test]
fn the_optimistic_check_of_a_nocase_column_compares_bytes() -> colt::Result<()> {
    let file = common::TempDb::new("nocase");
    let db = nocase_members(&file)?;
    let r = db.transaction(|tx| {
        let m = select!(m for m in Member if m.id == 1).one(tx)?;
        let lower = m.email() == m.email().to_lowercase();
        db.transaction(|other| {
            other.execute_sql("UPDATE member SET email = 'ann@x.org' WHERE id = 1", &[])
        })?;
        // Counts visits of members whose address was written in lower case only.
        m.set(|m| if lower { m.visits += 1 } else { m.visits = -1 })?;
        tx.flush()
    });
    assert!(matches!(r, Err(Error::UnrepeatableRead { .. })), "{r:?}");
    Ok(())
}

/// PostgreSQL: the same with a nondeterministic (case-insensitive) collation, as in
/// PostgreSQL's own documentation: the optimistic check passed a change of case another
/// transaction committed (a lost update), and `check_tables` passed the column. (Found by a
/// review.)
#[test]
fn postgres_a_case_insensitive_collation_is_reported_and_checked_by_bytes() -> colt::Result<()> {
    each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            tx.execute_sql(
                "CREATE COLLATION case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
                &[],
            )?;
            tx.execute_sql(
                "CREATE TABLE member (id BIGINT PRIMARY KEY, email TEXT COLLATE case_insensitive NOT NULL, visits BIGINT NOT NULL)",
                &[],
            )?;
            tx.execute_sql("INSERT INTO member VALUES (1, 'Ann@X.org', 0)", &[])
        })?;
        db.bind(schema![Member])?;
        match db.check_tables() {
            Err(Error::SchemaMismatch(m)) => assert!(m.contains("case_insensitive"), "{m}"),
            other => panic!("{other:?}"),
        }
        let r = db.transaction(|tx| {
            let m = select!(m for m in Member if m.id == 1).one(tx)?;
            let lower = m.email() == m.email().to_lowercase();
            db.transaction(|other| {
                other.execute_sql("UPDATE member SET email = 'ann@x.org' WHERE id = 1", &[])
            })?;
            m.set(|m| if lower { m.visits += 1 } else { m.visits = -1 })?;
            tx.flush()
        });
        assert!(matches!(r, Err(Error::UnrepeatableRead { .. })), "{r:?}");
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "setting")]
struct Setting {
    #[colt(primary_key)]
    id: i64,
    on: bool,
}

/// SQLite: booleans another tool stored as text are reported, with a rewrite that keeps
/// them (the one given before, `on <> 0`, made `'f'` true) and leaves unknown values alone.
#[test]
fn the_rewrite_of_text_booleans_keeps_them() -> colt::Result<()> {
    let db = Database::open("sqlite::memory:")?;
    db.transaction(|tx| {
        tx.execute_sql(
            "CREATE TABLE setting (id INTEGER PRIMARY KEY, \"on\" BOOLEAN NOT NULL)",
            &[],
        )?;
        tx.execute_sql(
            "INSERT INTO setting VALUES (1, 't'), (2, 'f'), (3, 2), (4, 'False'), (5, 'maybe')",
            &[],
        )
    })?;
    db.bind(schema![Setting])?;
    let message = match db.check_tables() {
        Err(Error::SchemaMismatch(m)) => m,
        other => panic!("{other:?}"),
    };
    let start = message.find("`UPDATE").expect("a rewrite") + 1;
    let end = start + message[start..].find('`').expect("its end");
    let rewrite = message[start..end].to_string();
    db.transaction(|tx| tx.execute_sql(&rewrite, &[]))?;
    // The value it cannot read stays, and is reported again.
    assert!(db.check_tables().is_err());
    db.transaction(|tx| tx.execute_sql("DELETE FROM setting WHERE id = 5", &[]))?;
    db.check_tables()?;
    let on = db.transaction(|tx| {
        select!((s.on for s in Setting).order_by(|s| s.id))
            .without_distinct()
            .fetch(tx)
    })?;
    assert_eq!(on, [true, false, true, false]);
    Ok(())
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "stock")]
struct Stock {
    #[colt(primary_key)]
    id: i64,
    qty: Option<i64>,
    note: Option<String>,
    weight: Option<f32>,
    rank: Option<i32>,
}

/// SQLite: values of another storage class than their field's (the `''` a CSV import leaves
/// in an INTEGER column, an integer in a column without a type for a `String`, a double no
/// `f32` is) passed `check_tables`, and queries compared them as they are (`x.qty > 5` held
/// for `''`, which SQLite orders after every number). Each is reported.
#[test]
fn values_of_another_storage_class_are_reported() -> colt::Result<()> {
    let db = Database::open("sqlite::memory:")?;
    db.transaction(|tx| {
        tx.execute_sql(
            "CREATE TABLE stock (id INTEGER PRIMARY KEY, qty INTEGER, note, weight REAL, rank INTEGER)",
            &[],
        )?;
        tx.execute_sql("INSERT INTO stock VALUES (1, 3, 'a', 1.5, 1)", &[])
    })?;
    db.bind(schema![Stock])?;
    db.check_tables()?;
    for (bad, column, fix) in [
        (
            "INSERT INTO stock VALUES (2, '', 'b', NULL, NULL)",
            "stock.qty",
            "UPDATE stock SET qty = NULL WHERE qty = ''",
        ),
        (
            "INSERT INTO stock VALUES (3, NULL, 42, NULL, NULL)",
            "stock.note",
            "UPDATE stock SET note = '42' WHERE id = 3",
        ),
        (
            "INSERT INTO stock VALUES (4, NULL, NULL, 0.1, NULL)",
            "stock.weight",
            "UPDATE stock SET weight = colt_f32(weight) WHERE id = 4",
        ),
        // (Text in an `f32` column is reported, not an error of the check's own.)
        (
            "INSERT INTO stock VALUES (5, NULL, NULL, 'heavy', NULL)",
            "stock.weight",
            "UPDATE stock SET weight = NULL WHERE id = 5",
        ),
        // An integer past an `i32`'s range (reading it failed; check_tables passed it).
        (
            "INSERT INTO stock VALUES (6, NULL, NULL, NULL, 100000000000)",
            "stock.rank",
            "UPDATE stock SET rank = NULL WHERE id = 6",
        ),
    ] {
        db.transaction(|tx| tx.execute_sql(bad, &[]))?;
        match db.check_tables() {
            Err(Error::SchemaMismatch(m)) => assert!(m.contains(column), "{m}"),
            other => panic!("{bad}: {other:?}"),
        }
        db.transaction(|tx| tx.execute_sql(fix, &[]))?;
        db.check_tables()?;
    }
    db.transaction(|tx| {
        assert_eq!(
            select!(s.id for s in Stock if s.qty > 5).fetch(tx)?,
            Vec::<i64>::new()
        );
        let w = 0.1f32;
        assert_eq!(
            select!(s.id for s in Stock if s.weight == Some(w)).fetch(tx)?,
            [4]
        );
        Ok(())
    })
}

/// SQLite: a virtual table is in the catalogue (with its columns, its module being built
/// in) and said to be virtual; the tables its module stores it in are not (they were
/// tables like any other, and `colt inspect` mapped them as entities).
#[test]
fn the_catalogue_knows_virtual_tables() -> colt::Result<()> {
    let db = Database::open("sqlite::memory:")?;
    db.transaction(|tx| tx.execute_sql("CREATE VIRTUAL TABLE docs USING fts5(body)", &[]))?;
    let catalog = db.catalog()?;
    assert_eq!(catalog.virtual_tables, ["docs"]);
    let names: Vec<&str> = catalog.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["docs"]);
    Ok(())
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "feeling")]
struct Feeling {
    #[colt(primary_key)]
    id: i64,
    #[colt(sql_type = "mood")]
    mood: String,
}

/// PostgreSQL: a column `create_tables` made with a `sql_type` of the database's own (an
/// enum, `citext`) was refused by `check_tables`, which read its type as `USER-DEFINED`.
#[test]
fn a_sql_type_of_the_databases_own_passes_check_tables() -> colt::Result<()> {
    each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            tx.execute_sql("CREATE TYPE mood AS ENUM ('ok', 'sad')", &[])
                .map(|_| ())
        })?;
        db.bind(schema![Feeling])?;
        db.create_tables()?;
        db.check_tables()?;
        // Written and written again: the optimistic check of its text compares it as
        // `text` (an enum takes no `COLLATE`: found by a review of the collation fix).
        db.transaction(|tx| {
            Feeling::build().id(1).mood("ok").insert(tx)?;
            Ok(())
        })?;
        db.transaction(|tx| {
            let f = tx.get_or_err::<Feeling>(1)?;
            assert_eq!(f.mood(), "ok");
            f.set(|f| f.mood = "sad".into())?;
            tx.flush()?;
            f.set(|f| f.mood = "ok".into())?;
            Ok(())
        })?;
        let mood = db.transaction(|tx| select!(f.mood for f in Feeling).one(tx))?;
        assert_eq!(mood, "ok");
        // A list membership (a review feared the list would go as a `text[]` PostgreSQL
        // refuses for a `mood[]` parameter; it does not).
        let moods = ["ok", "sad"];
        let found = db.transaction(|tx| {
            select!(f.id for f in Feeling if moods.contains(&f.mood)).fetch(tx)
        })?;
        assert_eq!(found, [1]);
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
struct Label {
    #[colt(primary_key)]
    id: i64,
    text: String,
}

/// Another tool's SQLite file in UTF-16: `.len()`, slices and `contains` work on its
/// bytes (`"abc".len()` was 6, and `contains("\u{6200}")` found the bytes `00 62` inside
/// "ab"), silently; `check_tables` passed it. It reports the encoding now. (Found by a
/// review.)
#[test]
fn a_database_not_in_utf8_is_reported() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        if !backend.is_postgres() {
            db.transaction(|tx| {
                tx.execute_sql("PRAGMA encoding = 'UTF-16le'", &[])?;
                tx.execute_sql(
                    "CREATE TABLE label (id INTEGER PRIMARY KEY, text TEXT NOT NULL)",
                    &[],
                )
            })?;
        } else {
            db.transaction(|tx| {
                tx.execute_sql(
                    "CREATE TABLE label (id BIGINT PRIMARY KEY, text TEXT NOT NULL)",
                    &[],
                )
            })?;
        }
        db.bind(schema![Label])?;
        let checked = db.check_tables();
        if backend.is_postgres() {
            // The test server's database is UTF-8.
            checked?;
        } else {
            let message = checked.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(message.contains("UTF-16le"), "{message}");
        }
        Ok(())
    })
}

/// SQLite: `INTEGER PRIMARY KEY DESC`, and an `INTEGER PRIMARY KEY` of a `WITHOUT ROWID`
/// table, are not the rowid: SQLite leaves a key the insert does not give NULL. They were
/// taken for it (the declared type alone was read), so an `auto` key passed `check_tables`,
/// and rows got a NULL key while their objects took the rowid. (Found by a review.)
#[test]
fn sqlite_an_integer_key_that_is_not_the_rowid_is_not_auto() -> colt::Result<()> {
    #[derive(Entity, Debug, Clone)]
    #[colt(table = "ev")]
    struct Ev {
        #[colt(primary_key, auto)]
        id: i64,
        name: String,
    }
    for ddl in [
        "CREATE TABLE ev (id INTEGER PRIMARY KEY DESC, name TEXT NOT NULL)",
        "CREATE TABLE ev (id INTEGER PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID",
    ] {
        let db = Database::open("sqlite::memory:")?;
        db.transaction(|tx| tx.execute_sql(ddl, &[]))?;
        db.bind(schema![Ev])?;
        refused(&db, &["ev.id", "auto"]);
    }
    let db = Database::open("sqlite::memory:")?;
    db.transaction(|tx| {
        tx.execute_sql(
            "CREATE TABLE ev (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
            &[],
        )
    })?;
    db.bind(schema![Ev])?;
    db.check_tables()?;
    Ok(())
}

/// PostgreSQL: a column's name is matched exactly (Colt quotes every name: `"Name"` is not
/// `"name"`): `check_tables` matched ignoring case and passed a mapping whose every query
/// then failed. (Found by a review.)
#[test]
fn postgres_column_names_are_matched_exactly() -> colt::Result<()> {
    #[derive(Entity, Debug, Clone)]
    #[colt(table = "shout")]
    struct Shout {
        #[colt(primary_key)]
        id: i64,
        name: String,
    }
    each_backend(|backend| {
        let db = backend.open();
        db.transaction(|tx| {
            tx.execute_sql(
                r#"CREATE TABLE shout (id BIGINT PRIMARY KEY, "Name" TEXT NOT NULL)"#,
                &[],
            )
        })?;
        db.bind(schema![Shout])?;
        if backend.is_postgres() {
            refused(&db, &["shout.name", "does not exist"]);
        } else {
            // SQLite's names ignore case: the same column.
            db.check_tables()?;
        }
        Ok(())
    })
}
