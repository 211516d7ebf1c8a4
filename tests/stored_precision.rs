//! An object holds what its row holds: a date-time finer than the microsecond that the
//! databases keep is truncated in the object too, when it is inserted, upserted or set (it
//! kept its nanoseconds, so reading the row again was an `UnrepeatableRead`, and the object
//! showed a value no row held).
#![cfg(feature = "chrono")]

mod common;

use chrono::{DateTime, NaiveDateTime, NaiveTime, TimeZone, Utc};
use colt::prelude::*;
use common::all_backends;

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
