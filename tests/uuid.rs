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
