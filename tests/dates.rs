//! The `chrono` feature (issue 13): dates and times as columns on both backends (PostgreSQL
//! `date`/`time`/`timestamp`/`timestamptz`, SQLite ISO-8601 text), compared, ordered and
//! aggregated in queries.
#![cfg(feature = "chrono")]

mod common;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
struct Shipment {
    #[colt(primary_key, auto)]
    id: i64,
    day: NaiveDate,
    packed: NaiveDateTime,
    sent: DateTime<Utc>,
    window: Option<NaiveTime>,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32, micro: u32) -> NaiveDateTime {
    date(y, m, d)
        .and_hms_micro_opt(h, min, s, micro)
        .expect("a time")
}

fn shipments(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Shipment])?;
    db.create_tables()?;
    db.check_tables()?;
    db.transaction(|tx| {
        let rows = [
            (
                date(2024, 1, 31),
                at(2024, 1, 30, 23, 59, 59, 500_000),
                Some((9, 30)),
            ),
            (date(1969, 12, 31), at(1969, 12, 31, 0, 0, 0, 0), None),
            (
                date(2024, 2, 29),
                at(2024, 2, 29, 12, 0, 0, 250),
                Some((17, 0)),
            ),
        ];
        for (day, packed, window) in rows {
            Shipment::build()
                .day(day)
                .packed(packed)
                .sent(Utc.from_utc_datetime(&packed))
                .window(window.and_then(|(h, m)| NaiveTime::from_hms_opt(h, m, 0)))
                .insert(tx)?;
        }
        Ok(())
    })?;
    Ok(db)
}

#[test]
fn dates_and_times_round_trip_to_the_microsecond() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shipments(backend)?;
        db.transaction(|tx| {
            let all = select!((s for s in Shipment).order_by(|s| s.packed)).fetch(tx)?;
            let days: Vec<NaiveDate> = all.iter().map(|s| s.day()).collect();
            assert_eq!(
                days,
                [date(1969, 12, 31), date(2024, 1, 31), date(2024, 2, 29)]
            );
            assert_eq!(all[1].packed(), at(2024, 1, 30, 23, 59, 59, 500_000));
            assert_eq!(all[2].packed(), at(2024, 2, 29, 12, 0, 0, 250));
            assert_eq!(
                all[2].sent(),
                Utc.from_utc_datetime(&at(2024, 2, 29, 12, 0, 0, 250))
            );
            assert_eq!(all[0].window(), None);
            assert_eq!(all[1].window(), NaiveTime::from_hms_opt(9, 30, 0));
            Ok(())
        })
    })
}

#[test]
fn dates_compare_order_and_aggregate_in_queries() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shipments(backend)?;
        db.transaction(|tx| {
            let since = date(2024, 1, 1);
            let recent = select!(s.day for s in Shipment if s.day >= since).fetch(tx)?;
            assert_eq!(
                common::sorted(recent),
                [date(2024, 1, 31), date(2024, 2, 29)]
            );
            // A fraction of a second orders as time does (text order on SQLite).
            let cutoff = at(2024, 1, 30, 23, 59, 59, 0);
            let after = select!(count(s) for s in Shipment if s.packed > cutoff).one(tx)?;
            assert_eq!(after, 2);
            let exact = at(2024, 1, 30, 23, 59, 59, 500_000);
            let hit = select!(s.day for s in Shipment if s.packed == exact).fetch(tx)?;
            assert_eq!(hit, [date(2024, 1, 31)]);
            let instant = Utc.from_utc_datetime(&at(2000, 1, 1, 0, 0, 0, 0));
            let later = select!(count(s) for s in Shipment if s.sent > instant).one(tx)?;
            assert_eq!(later, 2);
            let (first, last) = select!((min(s.day), max(s.day)) for s in Shipment).one(tx)?;
            assert_eq!(
                (first, last),
                (Some(date(1969, 12, 31)), Some(date(2024, 2, 29)))
            );
            let morning = NaiveTime::from_hms_opt(12, 0, 0).expect("noon");
            let early = select!(s.day for s in Shipment if s.window < morning).fetch(tx)?;
            assert_eq!(early, [date(2024, 1, 31)]);
            let none = select!(count(s) for s in Shipment if s.window.is_none()).one(tx)?;
            assert_eq!(none, 1);
            Ok(())
        })
    })
}

/// SQLite holds SQLite's own text; the text another tool wrote (`T`, a zone) is read.
#[test]
fn sqlite_stores_iso_text_and_reads_other_spellings() -> colt::Result<()> {
    let file = common::TempDb::new("dates");
    let db = Database::open(&file.url())?;
    db.bind(schema![Shipment])?;
    db.create_tables()?;
    db.transaction(|tx| {
        Shipment::build()
            .day(date(2024, 1, 31))
            .packed(at(2024, 1, 31, 10, 0, 0, 0))
            .sent(Utc.from_utc_datetime(&at(2024, 1, 31, 10, 0, 0, 120_000)))
            .insert(tx)?;
        let raw: Vec<(String, String, String)> =
            tx.query_sql("SELECT day, packed, sent FROM shipment", &[])?;
        assert_eq!(
            raw,
            [(
                "2024-01-31".to_string(),
                "2024-01-31 10:00:00".to_string(),
                "2024-01-31 10:00:00.12".to_string()
            )]
        );
        tx.execute_sql(
            "INSERT INTO shipment (day, packed, sent) VALUES ('2009-01-01', '2009-01-01T08:30:00', '2009-01-01T10:30:00+02:00')",
            &[],
        )?;
        let s = select!(s for s in Shipment if s.day == date(2009, 1, 1)).one(tx)?;
        assert_eq!(s.packed(), at(2009, 1, 1, 8, 30, 0, 0));
        assert_eq!(s.sent(), Utc.from_utc_datetime(&at(2009, 1, 1, 8, 30, 0, 0)));
        Ok(())
    })
}

/// Date parts group and filter: shipments per month is one query; an instant's hour is
/// its hour in UTC whatever the session's time zone.
#[test]
fn date_parts_group_and_filter() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shipments(backend)?;
        db.transaction(|tx| {
            let mut per_month =
                select!((s.day.year(), s.day.month(), count(s)) for s in Shipment).fetch(tx)?;
            per_month.sort();
            assert_eq!(per_month, [(1969, 12, 1), (2024, 1, 1), (2024, 2, 1)]);
            let leap = select!(s.day for s in Shipment if s.day.month() == 2 && s.day.day() == 29)
                .fetch(tx)?;
            assert_eq!(leap, [date(2024, 2, 29)]);
            let parts = select!((s.packed.hour(), s.packed.minute(), s.packed.second())
                for s in Shipment if s.packed.year() == 2024 && s.packed.day() == 30)
            .one(tx)?;
            assert_eq!(parts, (23, 59, 59), "the fraction is dropped, not rounded");
            if backend.is_postgres() {
                tx.execute_sql("SET TIME ZONE 'Asia/Tokyo'", &[])?;
            }
            let late = select!(s.day for s in Shipment if s.sent.hour() >= 12).fetch(tx)?;
            assert_eq!(common::sorted(late), [date(2024, 1, 31), date(2024, 2, 29)]);
            let windows =
                select!(s.window.hour() for s in Shipment if s.window.is_some()).fetch(tx)?;
            assert_eq!(common::sorted(windows), [Some(9), Some(17)]);
            Ok(())
        })
    })
}

#[derive(Entity, Debug, Clone)]
struct Moment {
    #[colt(primary_key)]
    id: i64,
    day: Option<NaiveDate>,
    at: Option<NaiveDateTime>,
    instant: Option<DateTime<Utc>>,
    clock: Option<NaiveTime>,
}

/// The extremes of four-digit years, the microsecond before midnight, instants before 1970,
/// and NULL, back as they went in on both backends.
#[test]
fn extremes_and_null_round_trip() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Moment])?;
        db.create_tables()?;
        let last = NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).expect("a time");
        let cases = [
            (date(1, 1, 1), at(1, 1, 1, 0, 0, 0, 0), NaiveTime::MIN),
            (date(9999, 12, 31), date(9999, 12, 31).and_time(last), last),
            (
                date(1969, 12, 31),
                at(1969, 12, 31, 23, 59, 59, 999_999),
                last,
            ),
            (date(1970, 1, 1), at(1970, 1, 1, 0, 0, 0, 1), NaiveTime::MIN),
        ];
        db.transaction(|tx| {
            for (i, (d, t, c)) in cases.iter().enumerate() {
                Moment::build()
                    .id(i as i64)
                    .day(*d)
                    .at(*t)
                    .instant(Utc.from_utc_datetime(t))
                    .clock(*c)
                    .insert(tx)?;
            }
            Moment::build().id(99).insert(tx)?;
            Ok(())
        })?;
        db.transaction(|tx| {
            for (i, (d, t, c)) in cases.iter().enumerate() {
                let m = tx.get_or_err::<Moment>(i as i64)?;
                assert_eq!(m.day(), Some(*d), "case {i}");
                assert_eq!(m.at(), Some(*t), "case {i}");
                assert_eq!(m.instant(), Some(Utc.from_utc_datetime(t)), "case {i}");
                assert_eq!(m.clock(), Some(*c), "case {i}");
            }
            let empty = tx.get_or_err::<Moment>(99)?;
            assert_eq!(
                (empty.day(), empty.at(), empty.instant(), empty.clock()),
                (None, None, None, None)
            );
            // Ordered as time is, across 1970 and the microsecond.
            let order =
                select!((m.id for m in Moment if m.at.is_some()).order_by(|m| m.at)).fetch(tx)?;
            assert_eq!(order, [0, 2, 3, 1]);
            Ok(())
        })
    })
}

/// SQLite: a date-time column another tool filled in another spelling would compare as
/// text in queries (`2009-01-01T08:30:00` sorts after every `2009-01-01 ..`): `check_tables`
/// reports it with the way to rewrite it, and accepts the column once rewritten.
#[test]
fn check_tables_reports_dates_in_another_spelling() -> colt::Result<()> {
    let file = common::TempDb::new("spelling");
    let db = Database::open(&file.url())?;
    db.bind(schema![Shipment])?;
    db.create_tables()?;
    db.transaction(|tx| {
        tx.execute_sql(
            "INSERT INTO shipment (day, packed, sent) VALUES ('2009-01-01', '2009-01-01T08:30:00', '2009-01-01 08:30:00'), ('2009-01-02', '2009-01-02 08:30:00.123450', '2009-01-02 08:30:00')",
            &[],
        )
    })?;
    match db.check_tables() {
        Err(Error::SchemaMismatch(message)) => {
            assert!(message.contains("shipment.packed"), "{message}");
            assert!(message.contains("2009-01-01T08:30:00"), "{message}");
            assert!(message.contains("colt_time_spelling(2, "), "{message}");
            assert!(!message.contains("shipment.sent"), "{message}");
            assert!(!message.contains("shipment.day"), "{message}");
        }
        other => panic!("expected a schema mismatch, got {other:?}"),
    }
    // The rewrite the message gives keeps every digit (`datetime(packed)`, which it gave
    // before, dropped the fraction of a second).
    db.transaction(|tx| {
        tx.execute_sql(
            r#"UPDATE "shipment" SET "packed" = colt_time_spelling(2, "packed") WHERE colt_time_spelling(2, "packed") IS NOT NULL"#,
            &[],
        )
    })?;
    db.check_tables()?;
    let packed = db
        .transaction(|tx| select!((s.packed for s in Shipment).order_by(|s| s.packed)).fetch(tx))?;
    assert_eq!(
        packed,
        [
            at(2009, 1, 1, 8, 30, 0, 0),
            at(2009, 1, 2, 8, 30, 0, 123_450)
        ]
    );
    Ok(())
}

/// An instant is stored in UTC without a zone, as SQLite's own `CURRENT_TIMESTAMP` writes it,
/// so that rows written either way compare with each other (a `+00:00` suffix made
/// `=` miss and `<` hold for the same instant).
#[test]
fn instants_compare_with_sqlites_own_timestamps() -> colt::Result<()> {
    let db = Database::open("sqlite::memory:")?;
    db.bind(schema![Shipment])?;
    db.create_tables()?;
    db.transaction(|tx| {
        tx.execute_sql(
            "INSERT INTO shipment (day, packed, sent) VALUES ('2024-01-31', '2024-01-31 10:00:00', datetime('2024-01-31 10:00:00'))",
            &[],
        )?;
        let instant = Utc.from_utc_datetime(&at(2024, 1, 31, 10, 0, 0, 0));
        assert_eq!(select!(count(s) for s in Shipment if s.sent == instant).one(tx)?, 1);
        assert_eq!(select!(count(s) for s in Shipment if s.sent < instant).one(tx)?, 0);
        assert_eq!(select!(count(s) for s in Shipment if s.sent >= instant).one(tx)?, 1);
        Ok(())
    })
}

/// SQLite: the optimistic check compares a date or time as it is read, not as another tool
/// spelled it: `obj.get()` then a change of another field failed every time (retried in
/// vain) as a concurrent change, because `2024-01-31T10:00:00` is not Colt's text.
#[test]
fn sqlite_the_check_of_a_date_another_tool_spelled_passes() -> colt::Result<()> {
    let db = Database::open("sqlite::memory:")?;
    db.bind(schema![Shipment])?;
    db.create_tables()?;
    db.transaction(|tx| {
        tx.execute_sql(
            "INSERT INTO shipment (id, day, packed, sent) VALUES (1, '2024-01-31', '2024-01-31T10:00:00.500000', '2024-01-31T10:00:00+00:00')",
            &[],
        )
    })?;
    db.transaction(|tx| {
        let s = tx.get_or_err::<Shipment>(1)?;
        let read = s.get().packed;
        assert_eq!(read, at(2024, 1, 31, 10, 0, 0, 500_000));
        s.set(|s| s.day = date(2024, 2, 1))?;
        Ok(())
    })?;
    // A real change by another program is still caught.
    let r = db.transaction(|tx| {
        let s = tx.get_or_err::<Shipment>(1)?;
        let _ = s.get().packed;
        tx.execute_sql(
            "UPDATE shipment SET packed = '2024-01-31T10:00:01' WHERE id = 1",
            &[],
        )?;
        s.set(|s| s.day = date(2024, 2, 2))?;
        Ok(())
    });
    assert!(
        matches!(r, Err(colt::Error::UnrepeatableRead { .. })),
        "{r:?}"
    );
    // A value that is no ISO text, written over a NULL read, is a change too.
    let r = db.transaction(|tx| {
        let s = tx.get_or_err::<Shipment>(1)?;
        assert_eq!(s.get().window, None);
        tx.execute_sql(
            "UPDATE shipment SET \"window\" = 1700000000 WHERE id = 1",
            &[],
        )?;
        s.set(|s| s.day = date(2024, 2, 3))?;
        Ok(())
    });
    assert!(
        matches!(r, Err(colt::Error::UnrepeatableRead { .. })),
        "{r:?}"
    );
    Ok(())
}

/// A leap second is held as the last microsecond of its minute (it rolled over into the
/// next day and year before); dates outside the years 1 to 9999 are refused before anything
/// runs (SQLite would sort their text wrongly; PostgreSQL numbers the years before 1
/// otherwise than Rust).
#[test]
fn leap_seconds_and_years_outside_four_digits() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Moment])?;
        db.create_tables()?;
        let leap = date(2016, 12, 31)
            .and_hms_milli_opt(23, 59, 59, 1_500)
            .expect("a leap second");
        db.transaction(|tx| {
            Moment::build()
                .id(1)
                .at(leap)
                .instant(Utc.from_utc_datetime(&leap))
                .insert(tx)?;
            Ok(())
        })?;
        db.transaction(|tx| {
            let m = tx.get_or_err::<Moment>(1)?;
            let held = at(2016, 12, 31, 23, 59, 59, 999_999);
            assert_eq!(m.at(), Some(held));
            assert_eq!(m.instant(), Some(Utc.from_utc_datetime(&held)));
            Ok(())
        })?;
        for day in [date(0, 12, 31), date(10_000, 1, 1)] {
            let r = db.transaction(|tx| {
                Moment::build().id(2).day(day).insert(tx)?;
                Ok(())
            });
            assert!(matches!(r, Err(Error::NotStorable { .. })), "{day}: {r:?}");
            let r = db.transaction(|tx| select!(m.id for m in Moment if m.day == day).fetch(tx));
            assert!(matches!(r, Err(Error::NotStorable { .. })), "{day}: {r:?}");
        }
        let rows = db.transaction(|tx| select!(count(m) for m in Moment).one(tx))?;
        assert_eq!(rows, 1, "nothing was written");
        Ok(())
    })
}

#[test]
fn lists_of_dates_and_times_are_parameters_on_both_backends() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shipments(backend)?;
        db.transaction(|tx| {
            let days = vec![date(2024, 2, 29), date(1969, 12, 31), date(2000, 1, 1)];
            let found =
                select!((s.day for s in Shipment if days.contains(&s.day)).order_by(|s| s.day))
                    .fetch(tx)?;
            assert_eq!(found, [date(1969, 12, 31), date(2024, 2, 29)]);
            let times = [at(2024, 1, 30, 23, 59, 59, 500_000)];
            let packed = select!(s.day for s in Shipment if times.contains(&s.packed)).fetch(tx)?;
            assert_eq!(packed, [date(2024, 1, 31)]);
            let sent = vec![Utc.from_utc_datetime(&at(1969, 12, 31, 0, 0, 0, 0))];
            let n = select!(count() for s in Shipment if sent.contains(&s.sent)).one(tx)?;
            assert_eq!(n, 1);
            Ok(())
        })
    })
}

#[derive(Entity, Debug, Clone)]
struct Day {
    #[colt(primary_key)]
    day: NaiveDate,
    note: String,
    #[colt(cascade_delete)]
    slots: Set<Slot>,
}

#[derive(Entity, Debug, Clone)]
struct Slot {
    #[colt(primary_key)]
    at: NaiveDateTime,
    day: Ref<Day>,
}

/// Rows deleted by a statement (a bulk delete, and a cascade) leave the loaded objects of
/// them deleted, with keys that are dates and times too: SQLite gives those back as text,
/// the objects hold dates. (Found by a review: on SQLite the objects stayed loaded, so `get`
/// returned a deleted row's object, and after the key was inserted again a change to the
/// old object was written to the new row.)
#[test]
fn rows_deleted_by_a_statement_leave_their_date_keyed_objects_deleted() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Day, Slot])?;
        db.create_tables()?;
        let (d1, d2, t1) = (
            date(2024, 1, 1),
            date(2024, 1, 2),
            at(2024, 1, 1, 9, 30, 0, 0),
        );
        db.transaction(|tx| {
            let d = Day::build().day(d1).note("a").insert(tx)?;
            Slot::build().at(t1).day(&d).insert(tx)?;
            Day::build().day(d2).note("a").insert(tx)?;
            Ok(())
        })?;
        db.transaction(|tx| {
            let (first, second) = (tx.get_or_err::<Day>(d1)?, tx.get_or_err::<Day>(d2)?);
            let slot = tx.get_or_err::<Slot>(t1)?;
            // The cascade deletes the slot's row by a statement.
            first.delete(tx)?;
            tx.flush()?;
            assert!(slot.is_deleted(), "the cascade's object is deleted");
            assert!(tx.get::<Slot>(t1)?.is_none());
            // A bulk delete.
            assert_eq!(select!(x for x in Day if x.day == d2).delete(tx)?, 1);
            assert!(second.is_deleted(), "the bulk delete's object is deleted");
            assert!(tx.get::<Day>(d2)?.is_none());
            let again = Day::build().day(d2).note("b").insert(tx)?;
            assert!(second.set(|x| x.note = "old".into()).is_err());
            assert_eq!(again.note(), "b");
            Ok(())
        })?;
        let note = db.transaction(|tx| Ok(tx.get_or_err::<Day>(d2)?.note()))?;
        assert_eq!(note, "b");
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
struct Stamp {
    #[colt(primary_key)]
    id: i64,
    #[colt(default = Utc.with_ymd_and_hms(2024, 1, 31, 10, 0, 0).single().unwrap_or_default())]
    at: DateTime<Utc>,
}

/// An instant's default is written with its zone: PostgreSQL read `'2024-01-31 10:00:00'`
/// for a `timestamptz` in the session's time zone, so a row another tool inserted without
/// the column got another instant than the entity declares (nine hours off in Tokyo).
#[test]
fn an_instants_default_is_the_same_instant_in_any_time_zone() -> colt::Result<()> {
    each_backend(|backend| {
        let mut url = backend.fresh_url();
        if backend.is_postgres() {
            url.push_str("%20-cTimeZone%3DAsia/Tokyo");
        }
        let db = Database::open(&url)?;
        db.bind(schema![Stamp])?;
        db.create_tables()?;
        let read = db.transaction(|tx| {
            tx.execute_sql("INSERT INTO stamp (id) VALUES (1)", &[])?;
            select!(s.at for s in Stamp).fetch(tx)
        })?;
        let want = Utc.with_ymd_and_hms(2024, 1, 31, 10, 0, 0).single();
        assert_eq!(read.first().copied(), want, "{}", backend.name);
        Ok(())
    })
}
