//! `chrono`'s dates and times as column types (the `chrono` feature): `NaiveDate`,
//! `NaiveTime`, `NaiveDateTime` and `DateTime<Utc>`, stored to the microsecond (PostgreSQL
//! `date`, `time`, `timestamp`, `timestamptz`; SQLite ISO-8601 text, see
//! [`crate::temporal`]). Each is a family of its own in queries: compared and ordered with
//! itself, `min`/`max`, never with text.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

use crate::temporal::{temporal_type, AsTemporal, Temporal};
use crate::types::{Dated, Timed};

const MICROS_PER_DAY: i64 = 86_400_000_000;

/// A leap second (`23:59:60.5`, chrono's nanosecond ≥ 10⁹) as the last microsecond of its
/// minute: counted as is, it would roll over into the next day (and year).
fn without_leap_second(t: DateTime<Utc>) -> DateTime<Utc> {
    if t.nanosecond() >= 1_000_000_000 {
        t.with_nanosecond(999_999_999).unwrap_or(t)
    } else {
        t
    }
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

impl AsTemporal for NaiveDate {
    const LIKE: Temporal = Temporal::Date(0);
    fn to_temporal(&self) -> Temporal {
        Temporal::Date((*self - epoch()).num_days() as i32)
    }
    fn from_temporal(t: Temporal) -> Option<Self> {
        match t {
            Temporal::Date(d) => epoch().checked_add_signed(chrono::TimeDelta::days(d.into())),
            _ => None,
        }
    }
}

impl AsTemporal for NaiveTime {
    const LIKE: Temporal = Temporal::Time(0);
    fn to_temporal(&self) -> Temporal {
        // A leap second (chrono's nanosecond ≥ 10⁹) is held as the last microsecond of its
        // minute, as the date-times do: the day and the minute stay what they were.
        let micros = i64::from(self.num_seconds_from_midnight()) * 1_000_000
            + i64::from(self.nanosecond().min(999_999_999) / 1_000);
        Temporal::Time(micros)
    }
    fn from_temporal(t: Temporal) -> Option<Self> {
        match t {
            Temporal::Time(us) if (0..MICROS_PER_DAY).contains(&us) => {
                NaiveTime::from_num_seconds_from_midnight_opt(
                    u32::try_from(us / 1_000_000).ok()?,
                    u32::try_from(us % 1_000_000 * 1_000).ok()?,
                )
            }
            _ => None,
        }
    }
}

impl AsTemporal for NaiveDateTime {
    const LIKE: Temporal = Temporal::Timestamp(0);
    fn to_temporal(&self) -> Temporal {
        Temporal::Timestamp(without_leap_second(self.and_utc()).timestamp_micros())
    }
    fn from_temporal(t: Temporal) -> Option<Self> {
        match t {
            Temporal::Timestamp(us) => DateTime::from_timestamp_micros(us).map(|d| d.naive_utc()),
            _ => None,
        }
    }
}

impl AsTemporal for DateTime<Utc> {
    const LIKE: Temporal = Temporal::TimestampTz(0);
    fn to_temporal(&self) -> Temporal {
        Temporal::TimestampTz(without_leap_second(*self).timestamp_micros())
    }
    fn from_temporal(t: Temporal) -> Option<Self> {
        match t {
            Temporal::TimestampTz(us) => DateTime::from_timestamp_micros(us),
            _ => None,
        }
    }
}

temporal_type!(NaiveDate, Date, Date, "NaiveDate");
temporal_type!(NaiveTime, Time, Time, "NaiveTime");
temporal_type!(NaiveDateTime, Timestamp, Timestamp, "NaiveDateTime");
temporal_type!(DateTime<Utc>, TimestampTz, TimestampTz, "DateTime<Utc>");

#[diagnostic::do_not_recommend]
impl Dated for NaiveDate {
    type Part = i32;
}
#[diagnostic::do_not_recommend]
impl Dated for NaiveDateTime {
    type Part = i32;
}
#[diagnostic::do_not_recommend]
impl Dated for DateTime<Utc> {
    type Part = i32;
}
#[diagnostic::do_not_recommend]
impl Timed for NaiveTime {
    type Part = i32;
}
#[diagnostic::do_not_recommend]
impl Timed for NaiveDateTime {
    type Part = i32;
}
#[diagnostic::do_not_recommend]
impl Timed for DateTime<Utc> {
    type Part = i32;
}
