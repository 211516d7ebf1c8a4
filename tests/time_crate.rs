//! The `time` feature (issue 13): the `time` crate's dates and times as columns, stored as
//! the `chrono` feature's are, on both backends.
#![cfg(feature = "time")]

mod common;

use colt::prelude::*;
use common::each_backend;
use time::macros::{date, datetime, time};
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

#[derive(Entity, Debug, Clone)]
struct Visit {
    #[colt(primary_key, auto)]
    id: i64,
    day: Date,
    arrived: PrimitiveDateTime,
    logged: OffsetDateTime,
    slot: Option<Time>,
}

#[test]
fn time_crate_values_round_trip_and_compare() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Visit])?;
        db.create_tables()?;
        db.check_tables()?;
        db.transaction(|tx| {
            let rows = [
                (
                    date!(2024 - 02 - 29),
                    datetime!(2024-02-29 08:15:30.000_250),
                    Some(time!(8:00)),
                ),
                (date!(1960 - 01 - 01), datetime!(1960-01-01 00:00), None),
            ];
            for (day, arrived, slot) in rows {
                Visit::build()
                    .day(day)
                    .arrived(arrived)
                    // Another offset: stored as its instant, read back in UTC.
                    .logged(arrived.assume_offset(time::macros::offset!(+2)))
                    .slot(slot)
                    .insert(tx)?;
            }
            Ok(())
        })?;
        db.transaction(|tx| {
            let v = select!(v for v in Visit if v.day == date!(2024 - 02 - 29)).one(tx)?;
            assert_eq!(v.arrived(), datetime!(2024-02-29 08:15:30.000_250));
            assert_eq!(v.logged(), datetime!(2024-02-29 06:15:30.000_250 UTC));
            assert_eq!(v.slot(), Some(time!(8:00)));
            let before = datetime!(2000-01-01 0:00);
            let old = select!(v.day for v in Visit if v.arrived < before).fetch(tx)?;
            assert_eq!(old, [date!(1960 - 01 - 01)]);
            let hours = select!((v.logged.hour(), v.day.year()) for v in Visit if v.slot.is_some())
                .fetch(tx)?;
            assert_eq!(hours, [(6, 2024)]);
            Ok(())
        })
    })
}
