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

/// 64 columns: the volatile one is column 63.
#[derive(Entity, Debug, Clone)]
#[colt(table = "wide")]
pub struct Wide {
    #[colt(primary_key)]
    pub id: i64,
    pub c1: i64,
    pub c2: i64,
    pub c3: i64,
    pub c4: i64,
    pub c5: i64,
    pub c6: i64,
    pub c7: i64,
    pub c8: i64,
    pub c9: i64,
    pub c10: i64,
    pub c11: i64,
    pub c12: i64,
    pub c13: i64,
    pub c14: i64,
    pub c15: i64,
    pub c16: i64,
    pub c17: i64,
    pub c18: i64,
    pub c19: i64,
    pub c20: i64,
    pub c21: i64,
    pub c22: i64,
    pub c23: i64,
    pub c24: i64,
    pub c25: i64,
    pub c26: i64,
    pub c27: i64,
    pub c28: i64,
    pub c29: i64,
    pub c30: i64,
    pub c31: i64,
    pub c32: i64,
    pub c33: i64,
    pub c34: i64,
    pub c35: i64,
    pub c36: i64,
    pub c37: i64,
    pub c38: i64,
    pub c39: i64,
    pub c40: i64,
    pub c41: i64,
    pub c42: i64,
    pub c43: i64,
    pub c44: i64,
    pub c45: i64,
    pub c46: i64,
    pub c47: i64,
    pub c48: i64,
    pub c49: i64,
    pub c50: i64,
    pub c51: i64,
    pub c52: i64,
    pub c53: i64,
    pub c54: i64,
    pub c55: i64,
    pub c56: i64,
    pub c57: i64,
    pub c58: i64,
    pub c59: i64,
    pub c60: i64,
    pub c61: i64,
    pub c62: i64,
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

/// A bulk update (`select!(q.set(..)).update(tx)`) reads a loaded object's volatile column
/// back too (it refreshed only the columns it assigned: a review found it).
#[test]
fn a_bulk_update_reads_the_volatile_column_back() -> colt::Result<()> {
    each_backend(|backend| {
        let (db, _) = stamped(backend)?;
        db.transaction(|tx| {
            let s = Stamped::build().id(1).name("a").version(1).insert(tx)?;
            tx.flush()?;
            assert_eq!(s.version(), 101);
            let n = select!(Stamped
                .filter(|s| s.id == 1)
                .set(|s| s.name = "b".to_string()))
            .update(tx)?;
            assert_eq!(n, 1);
            assert_eq!((s.name(), stored(tx, 1)?), ("b".to_string(), 1101));
            assert_eq!(s.version(), 1101);
            Ok(())
        })
    })
}

/// A volatile column past the 62nd of a wide entity is read back too (the first version
/// kept its columns in a 62-column mask and left it out).
#[test]
fn a_volatile_column_past_the_62nd_is_read_back() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            tx.execute_sql(CREATE_WIDE, &[])?;
            if backend.is_postgres() {
                tx.execute_sql(
                    "CREATE FUNCTION stamp_wide() RETURNS trigger AS $$ BEGIN
                       NEW.version := NEW.version + 100; RETURN NEW; END $$ LANGUAGE plpgsql",
                    &[],
                )?;
                tx.execute_sql(
                    "CREATE TRIGGER stamp_wide BEFORE INSERT ON wide
                     FOR EACH ROW EXECUTE FUNCTION stamp_wide()",
                    &[],
                )?;
            } else {
                tx.execute_sql(
                    "CREATE TRIGGER stamp_wide AFTER INSERT ON wide BEGIN
                       UPDATE wide SET version = NEW.version + 100 WHERE id = NEW.id; END",
                    &[],
                )?;
            }
            Ok(())
        })?;
        db.bind(schema![Wide])?;
        db.check_tables()?;
        db.transaction(|tx| {
            let w = Wide::build()
                .id(1)
                .version(1)
                .c1(0)
                .c2(0)
                .c3(0)
                .c4(0)
                .c5(0)
                .c6(0)
                .c7(0)
                .c8(0)
                .c9(0)
                .c10(0)
                .c11(0)
                .c12(0)
                .c13(0)
                .c14(0)
                .c15(0)
                .c16(0)
                .c17(0)
                .c18(0)
                .c19(0)
                .c20(0)
                .c21(0)
                .c22(0)
                .c23(0)
                .c24(0)
                .c25(0)
                .c26(0)
                .c27(0)
                .c28(0)
                .c29(0)
                .c30(0)
                .c31(0)
                .c32(0)
                .c33(0)
                .c34(0)
                .c35(0)
                .c36(0)
                .c37(0)
                .c38(0)
                .c39(0)
                .c40(0)
                .c41(0)
                .c42(0)
                .c43(0)
                .c44(0)
                .c45(0)
                .c46(0)
                .c47(0)
                .c48(0)
                .c49(0)
                .c50(0)
                .c51(0)
                .c52(0)
                .c53(0)
                .c54(0)
                .c55(0)
                .c56(0)
                .c57(0)
                .c58(0)
                .c59(0)
                .c60(0)
                .c61(0)
                .c62(0)
                .insert(tx)?;
            tx.flush()?;
            assert_eq!(w.version(), 101);
            Ok(())
        })
    })
}

const CREATE_WIDE: &str = "CREATE TABLE wide (id BIGINT PRIMARY KEY, c1 BIGINT NOT NULL, c2 BIGINT NOT NULL, c3 BIGINT NOT NULL, c4 BIGINT NOT NULL, c5 BIGINT NOT NULL, c6 BIGINT NOT NULL, c7 BIGINT NOT NULL, c8 BIGINT NOT NULL, c9 BIGINT NOT NULL, c10 BIGINT NOT NULL, c11 BIGINT NOT NULL, c12 BIGINT NOT NULL, c13 BIGINT NOT NULL, c14 BIGINT NOT NULL, c15 BIGINT NOT NULL, c16 BIGINT NOT NULL, c17 BIGINT NOT NULL, c18 BIGINT NOT NULL, c19 BIGINT NOT NULL, c20 BIGINT NOT NULL, c21 BIGINT NOT NULL, c22 BIGINT NOT NULL, c23 BIGINT NOT NULL, c24 BIGINT NOT NULL, c25 BIGINT NOT NULL, c26 BIGINT NOT NULL, c27 BIGINT NOT NULL, c28 BIGINT NOT NULL, c29 BIGINT NOT NULL, c30 BIGINT NOT NULL, c31 BIGINT NOT NULL, c32 BIGINT NOT NULL, c33 BIGINT NOT NULL, c34 BIGINT NOT NULL, c35 BIGINT NOT NULL, c36 BIGINT NOT NULL, c37 BIGINT NOT NULL, c38 BIGINT NOT NULL, c39 BIGINT NOT NULL, c40 BIGINT NOT NULL, c41 BIGINT NOT NULL, c42 BIGINT NOT NULL, c43 BIGINT NOT NULL, c44 BIGINT NOT NULL, c45 BIGINT NOT NULL, c46 BIGINT NOT NULL, c47 BIGINT NOT NULL, c48 BIGINT NOT NULL, c49 BIGINT NOT NULL, c50 BIGINT NOT NULL, c51 BIGINT NOT NULL, c52 BIGINT NOT NULL, c53 BIGINT NOT NULL, c54 BIGINT NOT NULL, c55 BIGINT NOT NULL, c56 BIGINT NOT NULL, c57 BIGINT NOT NULL, c58 BIGINT NOT NULL, c59 BIGINT NOT NULL, c60 BIGINT NOT NULL, c61 BIGINT NOT NULL, c62 BIGINT NOT NULL, version BIGINT NOT NULL, name TEXT)";
