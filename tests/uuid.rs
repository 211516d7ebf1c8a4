//! The `uuid` feature (issue 13): `uuid::Uuid` columns, keys included, on both backends
//! (PostgreSQL `uuid`, SQLite a 16-byte BLOB), usable in queries.
#![cfg(feature = "uuid")]

mod common;

use colt::prelude::*;
use common::each_backend;
use uuid::Uuid;

#[derive(Entity, Debug, Clone)]
struct Device {
    #[colt(primary_key)]
    id: Uuid,
    name: String,
    twin: Option<Uuid>,
}

#[test]
fn uuids_are_keys_and_compare_in_queries() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Device])?;
        db.create_tables()?;
        db.check_tables()?;
        let (a, b, c) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::max());
        db.transaction(|tx| {
            Device::build().id(a).name("a").twin(b).insert(tx)?;
            Device::build().id(b).name("b").insert(tx)?;
            Device::build().id(c).name("c").twin(a).insert(tx)?;
            Ok(())
        })?;
        db.transaction(|tx| {
            let found = tx.get_or_err::<Device>(b)?;
            assert_eq!(
                (found.id(), found.name(), found.twin()),
                (b, "b".to_string(), None)
            );
            let named = select!(d.name for d in Device if d.id == a).one(tx)?;
            assert_eq!(named, "a");
            let twins = select!(d.name for d in Device if d.twin == Some(a)).fetch(tx)?;
            assert_eq!(twins, ["c"]);
            let some = [a, c];
            let mut listed = select!(d.name for d in Device if some.contains(&d.id)).fetch(tx)?;
            listed.sort();
            assert_eq!(listed, ["a", "c"]);
            // Every UUID sorts last against the greatest one, on both backends (bytes order).
            let below = select!(count(d) for d in Device if d.id < c).one(tx)?;
            assert_eq!(below, 2);
            Ok(())
        })
    })
}

/// UUIDs stored as text by another tool (SQLite) are read; a column of another type is a
/// decode error naming it.
#[test]
fn uuids_written_as_text_by_other_tools_are_read() -> colt::Result<()> {
    let db = Database::open("sqlite::memory:")?;
    let id = Uuid::new_v4();
    let read: Vec<(Uuid,)> =
        db.transaction(|tx| tx.query_sql("SELECT ?1", &[&id.hyphenated().to_string()]))?;
    assert_eq!(read, [(id,)]);
    let bad = db.transaction(|tx| tx.query_sql::<(Uuid,)>("SELECT 'not a uuid'", &[]));
    assert!(matches!(bad, Err(Error::Decode { .. })), "{bad:?}");
    Ok(())
}

#[derive(Entity, Debug, Clone)]
struct Token {
    #[colt(primary_key)]
    id: i64,
    #[colt(default = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef))]
    owner: Uuid,
}

/// A UUID default is written as a literal each backend takes (PostgreSQL's `uuid` takes no
/// bytea: `CREATE TABLE` failed).
#[test]
fn a_uuid_default_is_the_columns_sql_default() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Token])?;
        db.create_tables()?;
        db.transaction(|tx| {
            tx.execute_sql("INSERT INTO token (id) VALUES (1)", &[])?;
            let t = tx.get_or_err::<Token>(1)?;
            assert_eq!(
                t.owner(),
                Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef)
            );
            Ok(())
        })
    })
}

#[derive(Entity, Debug, Clone)]
struct Switch {
    #[colt(primary_key)]
    id: i64,
    on: bool,
}

/// SQLite: a `Uuid` column another tool filled with text, or a `bool` column holding 2, is
/// read (or refused) one way and compared another: a query for the text UUID's key found
/// nothing while fetching every row found it, and `if s.on` kept a 2 that `s.on == true`
/// did not. `check_tables` reports such a column with a value it holds and the way to
/// rewrite it, and accepts it once rewritten.
#[test]
fn check_tables_reports_uuids_stored_as_text_and_bools_not_0_or_1() -> colt::Result<()> {
    let file = common::TempDb::new("uuid-text");
    let db = Database::open(&file.url())?;
    db.bind(schema![Device, Switch])?;
    db.create_tables()?;
    let id = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
    let mine = Uuid::from_u128(0xfedc_ba98_7654_3210_fedc_ba98_7654_3210);
    db.transaction(|tx| {
        tx.execute_sql(
            "INSERT INTO device (id, name, twin) VALUES (?1, 'a', NULL)",
            &[&id.hyphenated().to_string()],
        )?;
        tx.execute_sql("INSERT INTO switch (id, \"on\") VALUES (1, 2), (2, 0)", &[])?;
        // A row Colt wrote, beside the other tool's.
        Device::build().id(mine).name("b").twin(None).insert(tx)?;
        // What the report is about: the text key is read, but a query for it finds nothing.
        assert_eq!(
            select!((d.id for d in Device).order_by(|d| d.name)).fetch(tx)?,
            [id, mine]
        );
        assert!(tx.get::<Device>(id)?.is_none());
        Ok(())
    })?;
    let rewrite = match db.check_tables() {
        Err(Error::SchemaMismatch(message)) => {
            assert!(message.contains("device.id"), "{message}");
            assert!(message.contains("01234567-89ab"), "{message}");
            assert!(message.contains("unhex"), "{message}");
            assert!(!message.contains("device.twin"), "{message}");
            assert!(message.contains("switch.on"), "{message}");
            // The statement the report gives, as given.
            let from = message.find("`UPDATE \"device\"").expect("a rewrite") + 1;
            let to = from + message[from..].find('`').expect("its end");
            message[from..to].to_string()
        }
        other => panic!("expected a schema mismatch, got {other:?}"),
    };
    db.transaction(|tx| {
        // (It left the rows Colt wrote alone: it set their keys to NULL before.)
        tx.execute_sql(&rewrite, &[])?;
        tx.execute_sql("UPDATE switch SET \"on\" = 1 WHERE \"on\" = 2", &[])
    })?;
    db.check_tables()?;
    db.transaction(|tx| {
        assert!(tx.get::<Device>(id)?.is_some());
        assert!(tx.get::<Device>(mine)?.is_some());
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
struct Badge {
    #[colt(primary_key)]
    id: i64,
    token: Uuid,
    active: bool,
}

/// `max`/`min` of a `Uuid` or a `bool` were an error on PostgreSQL (it has no such
/// aggregate), where SQLite answered; both order them as Rust does now.
#[test]
fn min_and_max_of_uuids_and_bools() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Badge])?;
        db.create_tables()?;
        let tokens = [
            Uuid::from_u128(0x0fff_0000_0000_0000_0000_0000_0000_0001),
            Uuid::from_u128(0xa000_0000_0000_0000_0000_0000_0000_0000),
            Uuid::from_u128(0x1000_0000_0000_0000_0000_0000_0000_0000),
        ];
        db.transaction(|tx| {
            for (i, t) in tokens.iter().enumerate() {
                Badge::build()
                    .id(i as i64)
                    .token(*t)
                    .active(i == 1)
                    .insert(tx)?;
            }
            Ok(())
        })?;
        db.transaction(|tx| {
            let (hi, lo) = select!((max(b.token), min(b.token)) for b in Badge).one(tx)?;
            assert_eq!(hi, tokens.iter().max().copied());
            assert_eq!(lo, tokens.iter().min().copied());
            let (any, all) = select!((max(b.active), min(b.active)) for b in Badge).one(tx)?;
            assert_eq!((any, all), (Some(true), Some(false)));
            Ok(())
        })
    })
}
