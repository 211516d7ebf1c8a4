//! An object holds what its row holds: a date-time finer than the microsecond that the
//! databases keep is truncated in the object too, when it is inserted, upserted or set (it
//! kept its nanoseconds, so reading the row again was an `UnrepeatableRead`, and the object
//! showed a value no row held).
#![cfg(feature = "chrono")]

mod common;

use chrono::{DateTime, NaiveDateTime, NaiveTime, TimeZone, Utc};
use colt::prelude::*;
use common::{all_backends, each_backend};

#[derive(Entity, Debug, Clone)]
struct Event {
    #[colt(primary_key)]
    id: i64,
    at: DateTime<Utc>,
    local: NaiveDateTime,
    time: Option<NaiveTime>,
}

fn fine() -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000, 123_456_789)
        .single()
        .expect("instant")
}

fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).expect("instant")
}

#[test]
fn nanoseconds_are_truncated_in_the_object_as_in_the_row() {
    all_backends(|backend| {
        let db = backend.open();
        db.bind(schema![Event])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let e = Event::build()
                .id(1)
                .at(fine())
                .local(fine().naive_utc())
                .time(Some(fine().time()))
                .insert(tx)?;
            // Read (so the next query checks it), then the row read again.
            assert_eq!(e.at(), micros(fine()));
            assert_eq!(e.local(), micros(fine()).naive_utc());
            assert_eq!(e.time(), Some(micros(fine()).time()));
            let all = select!(x for x in Event).fetch(tx)?;
            assert_eq!(all.len(), 1);
            // A set, and an upsert.
            let later = fine() + chrono::TimeDelta::nanoseconds(1_000_999);
            e.set(|e| e.at = later)?;
            assert_eq!(e.at(), micros(later));
            let at = select!(x.at for x in Event).one(tx)?;
            assert_eq!(at, micros(later));
            let up = tx.upsert(Event {
                id: 1,
                at: fine(),
                local: fine().naive_utc(),
                time: None,
            })?;
            assert_eq!(up.at(), micros(fine()));
            select!(x for x in Event).fetch(tx)?;
            Ok(())
        })?;
        let stored = db.transaction(|tx| select!(x.at for x in Event).one(tx))?;
        assert_eq!(stored, micros(fine()));
        Ok(())
    });
}

/// PostgreSQL: a `varchar(n)` cuts trailing spaces past `n` (`"ab   "` into `varchar(3)` is
/// `"ab "`), without an error: the object kept the text it was given, which its row no
/// longer held. It reads the row's text back after the write, as
/// for a `numeric(p, s)`, whether `check_tables` saw the column or its `sql_type` says so.
/// (Found by a review.)
#[test]
fn a_text_its_column_cuts_or_pads_is_read_back() -> colt::Result<()> {
    #[derive(Entity, Debug, Clone)]
    struct Code {
        #[colt(primary_key)]
        id: i64,
        #[colt(sql_type = "varchar(3)")]
        short: String,
        other: String,
    }
    each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            tx.execute_sql(
                "CREATE TABLE code (id BIGINT PRIMARY KEY, short VARCHAR(3) NOT NULL, other VARCHAR(4) NOT NULL)",
                &[],
            )
        })?;
        db.bind(schema![Code])?;
        db.check_tables()?;
        db.transaction(|tx| {
            let c = Code::build()
                .id(1)
                .short("ab   ")
                .other("xyz  ")
                .insert(tx)?;
            assert_eq!(
                (c.short(), c.other()),
                ("ab ".to_string(), "xyz ".to_string())
            );
            c.set(|c| c.short = "cd    ".to_string())?;
            tx.flush()?;
            assert_eq!(c.short(), "cd ");
            Ok(())
        })?;
        // Only a text ending with spaces is read back (not every write of a `varchar(n)`),
        // and a `char(n)` is not (it pads; its check compares without the padding).
        db.transaction(|tx| {
            Code::build().id(2).short("ab").other("xy").insert(tx)?;
            let before = tx.statements_executed();
            Code::build().id(3).short("cd").other("zw").insert(tx)?;
            assert_eq!(tx.statements_executed() - before, 1);
            Ok(())
        })?;
        let c = db.transaction(|tx| tx.get_or_err::<Code>(1))?;
        assert_eq!(
            (c.short(), c.other()),
            ("cd ".to_string(), "xyz ".to_string())
        );
        Ok(())
    })
}
