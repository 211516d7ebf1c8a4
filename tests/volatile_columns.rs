//! A `#[colt(volatile)]` column, which the database changes on its own (a trigger's
//! `updated_at`), is read back after every write of its object, as PonyORM reads such an
//! attribute again: the object holds what its row holds. After an insert it kept the value it
//! was given while a trigger had written another (a review exploring the Sakila sample
//! database, whose every table has such a trigger, found it), and after an update the value
//! it had before.

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
pub struct Stamped {
    #[colt(primary_key)]
    pub id: i64,
    pub name: String,
    /// Set by the database's triggers: 100 more than written on insert, 1000 more on
    /// every update.
    #[colt(volatile)]
    pub version: i64,
}

/// The same table, the column not marked: the object keeps what it wrote (the docs' rule:
/// such a column is marked `volatile`, or a second write meets it as a conflict).
#[derive(Entity, Debug, Clone)]
#[colt(table = "stamped")]
pub struct Unmarked {
    #[colt(primary_key)]
    pub id: i64,
    pub name: String,
    pub version: i64,
}

/// The database (and its URL, for a second mapping of the table).
fn stamped(backend: &common::Backend) -> colt::Result<(Database, String)> {
    let url = backend.fresh_url();
    let db = Database::open(&url)?;
    db.bind(schema![Stamped])?;
    db.create_tables()?;
    db.transaction(|tx| {
        if backend.is_postgres() {
            tx.execute_sql(
                "CREATE FUNCTION stamp() RETURNS trigger AS $$ BEGIN
                   IF TG_OP = 'INSERT' THEN NEW.version := NEW.version + 100;
                   ELSE NEW.version := OLD.version + 1000; END IF;
                   RETURN NEW; END $$ LANGUAGE plpgsql",
                &[],
            )?;
            tx.execute_sql(
                "CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON stamped
                 FOR EACH ROW EXECUTE FUNCTION stamp()",
                &[],
            )?;
        } else {
            tx.execute_sql(
                "CREATE TRIGGER stamp_insert AFTER INSERT ON stamped BEGIN
                   UPDATE stamped SET version = NEW.version + 100 WHERE id = NEW.id; END",
                &[],
            )?;
            tx.execute_sql(
                "CREATE TRIGGER stamp_update AFTER UPDATE OF name ON stamped BEGIN
                   UPDATE stamped SET version = OLD.version + 1000 WHERE id = NEW.id; END",
                &[],
            )?;
        }
        Ok(())
    })?;
    Ok((db, url))
}

fn stored(tx: &Transaction, id: i64) -> colt::Result<i64> {
    Ok(tx.query_sql::<i64>("SELECT version FROM stamped", &[])?[id as usize - 1])
}

#[test]
fn a_volatile_column_holds_what_the_row_holds_after_each_write() -> colt::Result<()> {
    each_backend(|backend| {
        let (db, _) = stamped(backend)?;
        db.transaction(|tx| {
            let s = Stamped::build().id(1).name("a").version(1).insert(tx)?;
            tx.flush()?;
            assert_eq!(stored(tx, 1)?, 101);
            assert_eq!(s.version(), 101);
            s.set(|s| s.name = "b".into())?;
            tx.flush()?;
            assert_eq!(stored(tx, 1)?, 1101);
            assert_eq!(s.version(), 1101);
            // A second write meets no conflict, and reads the column again.
            s.set(|s| s.name = "c".into())?;
            tx.flush()?;
            assert_eq!((s.name(), s.version()), ("c".to_string(), 2101));
            Ok(())
        })?;
        db.transaction(|tx| {
            let s = tx.get::<Stamped>(1)?.expect("the row");
            assert_eq!(s.version(), 2101);
            Ok(())
        })
    })
}

#[test]
fn an_unmarked_column_keeps_what_was_written_and_a_second_write_is_a_conflict() -> colt::Result<()>
{
    each_backend(|backend| {
        let (_db, url) = stamped(backend)?;
        let db2 = Database::open(&url)?;
        db2.bind(schema![Unmarked])?;
        let r = db2.transaction(|tx| {
            let s = Unmarked::build().id(1).name("a").version(1).insert(tx)?;
            tx.flush()?;
            assert_eq!(s.version(), 1);
            s.set(|s| s.name = "b".into())?;
            tx.flush()
        });
        assert!(matches!(r, Err(Error::UnrepeatableRead { .. })), "{r:?}");
        Ok(())
    })
}
