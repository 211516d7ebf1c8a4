//! The `time` crate's dates and times as column types (the `time` feature): `Date`,
//! `Time`, `PrimitiveDateTime` and `OffsetDateTime`, stored as the `chrono` feature's are
//! (to the microsecond; PostgreSQL `date`, `time`, `timestamp`, `timestamptz`; SQLite ISO
//! text, see [`crate::temporal`]). An `OffsetDateTime` is stored as its instant and read
//! back in UTC.

use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

use crate::temporal::{temporal_type, AsTemporal, Temporal};
use crate::types::{Dated, Timed};

/// The Julian day of 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i32 = 2_440_588;

fn micros_of(odt: OffsetDateTime) -> Option<i64> {
    i64::try_from(odt.unix_timestamp_nanos().div_euclid(1_000)).ok()
}

fn from_micros(us: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1_000).ok()
}

impl AsTemporal for Date {
    const LIKE: Temporal = Temporal::Date(0);
    fn to_temporal(&self) -> Temporal {
        Temporal::Date(self.to_julian_day() - UNIX_EPOCH_JULIAN_DAY)
    }
    fn from_temporal(t: Temporal) -> Option<Self> {
        match t {
            Temporal::Date(d) => Date::from_julian_day(d.checked_add(UNIX_EPOCH_JULIAN_DAY)?).ok(),
            _ => None,
        }
    }
}

impl AsTemporal for Time {
    const LIKE: Temporal = Temporal::Time(0);
    fn to_temporal(&self) -> Temporal {
        let secs = i64::from(self.hour()) * 3600
            + i64::from(self.minute()) * 60
            + i64::from(self.second());
        Temporal::Time(secs * 1_000_000 + i64::from(self.microsecond()))
    }
    fn from_temporal(t: Temporal) -> Option<Self> {
        match t {
            Temporal::Time(us) => {
                let secs = us.div_euclid(1_000_000);
                Time::from_hms_micro(
                    u8::try_from(secs / 3600).ok()?,
                    u8::try_from(secs / 60 % 60).ok()?,
                    u8::try_from(secs % 60).ok()?,
                    u32::try_from(us.rem_euclid(1_000_000)).ok()?,
                )
                .ok()
            }
            _ => None,
        }
    }
}

impl AsTemporal for PrimitiveDateTime {
    const LIKE: Temporal = Temporal::Timestamp(0);
    fn to_temporal(&self) -> Temporal {
        // Out of `i64` microseconds (beyond ±292 000 years) cannot happen for `time`'s
        // default range of years (±9999).
        Temporal::Timestamp(micros_of(self.assume_utc()).unwrap_or(i64::MAX))
    }
    fn from_temporal(t: Temporal) -> Option<Self> {
        match t {
            Temporal::Timestamp(us) => {
                let odt = from_micros(us)?;
                Some(PrimitiveDateTime::new(odt.date(), odt.time()))
            }
            _ => None,
        }
    }
}

impl AsTemporal for OffsetDateTime {
    const LIKE: Temporal = Temporal::TimestampTz(0);
    fn to_temporal(&self) -> Temporal {
        Temporal::TimestampTz(micros_of(*self).unwrap_or(i64::MAX))
    }
    fn from_temporal(t: Temporal) -> Option<Self> {
        match t {
            Temporal::TimestampTz(us) => from_micros(us),
            _ => None,
        }
    }
}

temporal_type!(Date, Date, Date, "time::Date");
temporal_type!(Time, Time, Time, "time::Time");
temporal_type!(PrimitiveDateTime, Timestamp, Timestamp, "PrimitiveDateTime");
temporal_type!(OffsetDateTime, TimestampTz, TimestampTz, "OffsetDateTime");

#[diagnostic::do_not_recommend]
impl Dated for Date {
    type Part = i32;
}
#[diagnostic::do_not_recommend]
impl Dated for PrimitiveDateTime {
    type Part = i32;
}
#[diagnostic::do_not_recommend]
impl Dated for OffsetDateTime {
    type Part = i32;
}
#[diagnostic::do_not_recommend]
impl Timed for Time {
    type Part = i32;
}
#[diagnostic::do_not_recommend]
impl Timed for PrimitiveDateTime {
    type Part = i32;
}
#[diagnostic::do_not_recommend]
impl Timed for OffsetDateTime {
    type Part = i32;
}
