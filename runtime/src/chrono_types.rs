//! `chrono`'s dates and times as column types (the `chrono` feature): `NaiveDate`,
//! `NaiveTime`, `NaiveDateTime` and `DateTime<Utc>`, stored to the microsecond (PostgreSQL
//! `date`, `time`, `timestamp`, `timestamptz`; SQLite ISO-8601 text, see
//! [`crate::temporal`]). Each is a family of its own in queries: compared and ordered with
//! itself, `min`/`max`, never with text.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

use crate::temporal::Temporal;
use crate::types::{
    kind, ColumnType, Comparable, Dated, DecodeFail, IntoOption, NonNull, Ordered, SqlType, Timed,
    ToParam, TypedParam,
};
use crate::value::{Value, ValueRef};

const MICROS_PER_DAY: i64 = 86_400_000_000;

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// Conversions between a chrono type and its [`Temporal`].
trait Chrono: Sized {
    /// A value of the kind, for parsing.
    const LIKE: Temporal;
    fn to_temporal(&self) -> Temporal;
    fn from_temporal(t: Temporal) -> Option<Self>;
}

impl Chrono for NaiveDate {
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

impl Chrono for NaiveTime {
    const LIKE: Temporal = Temporal::Time(0);
    fn to_temporal(&self) -> Temporal {
        let micros = i64::from(self.num_seconds_from_midnight()) * 1_000_000
            + i64::from(self.nanosecond() % 1_000_000_000 / 1_000);
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

impl Chrono for NaiveDateTime {
    const LIKE: Temporal = Temporal::Timestamp(0);
    fn to_temporal(&self) -> Temporal {
        Temporal::Timestamp(self.and_utc().timestamp_micros())
    }
    fn from_temporal(t: Temporal) -> Option<Self> {
        match t {
            Temporal::Timestamp(us) => DateTime::from_timestamp_micros(us).map(|d| d.naive_utc()),
            _ => None,
        }
    }
}

impl Chrono for DateTime<Utc> {
    const LIKE: Temporal = Temporal::TimestampTz(0);
    fn to_temporal(&self) -> Temporal {
        Temporal::TimestampTz(self.timestamp_micros())
    }
    fn from_temporal(t: Temporal) -> Option<Self> {
        match t {
            Temporal::TimestampTz(us) => DateTime::from_timestamp_micros(us),
            _ => None,
        }
    }
}

fn decode<T: Chrono>(v: ValueRef<'_>, name: &'static str) -> Result<T, DecodeFail> {
    let t = match v {
        ValueRef::Time(t) => Some(t),
        ValueRef::Text(text) => std::str::from_utf8(text)
            .ok()
            .and_then(|s| Temporal::parse_iso(T::LIKE, s)),
        _ => None,
    };
    t.and_then(T::from_temporal)
        .ok_or_else(|| DecodeFail::new(name, v))
}

macro_rules! chrono_type {
    ($t:ty, $kind:ident, $column:ident, $name:literal) => {
        impl SqlType for $t {
            type Inner = $t;
            type Kind = kind::$kind;
            const NULLABLE: bool = false;
            const COLUMN_TYPE: ColumnType = ColumnType::$column;
            const RUST_NAME: &'static str = $name;
            #[inline]
            fn to_value_ref(&self) -> ValueRef<'_> {
                ValueRef::Time(Chrono::to_temporal(self))
            }
            fn from_value_ref(v: ValueRef<'_>) -> Result<Self, DecodeFail> {
                decode(v, $name)
            }
        }
        impl NonNull for $t {}
        impl Ordered for $t {}
        impl ToParam for $t {
            fn to_param(&self) -> Value {
                Value::Time(Chrono::to_temporal(self))
            }
        }
        impl TypedParam for $t {
            type Sql = $t;
        }
        impl Comparable<$t> for $t {}
        impl Comparable<Option<$t>> for $t {}
        impl Comparable<$t> for Option<$t> {}
        impl Comparable<Option<$t>> for Option<$t> {}
        impl IntoOption<$t> for $t {
            fn into_option(self) -> Option<$t> {
                Some(self)
            }
        }
        impl IntoOption<$t> for Option<$t> {
            fn into_option(self) -> Option<$t> {
                self
            }
        }
    };
}

chrono_type!(NaiveDate, Date, Date, "NaiveDate");
chrono_type!(NaiveTime, Time, Time, "NaiveTime");
chrono_type!(NaiveDateTime, Timestamp, Timestamp, "NaiveDateTime");
chrono_type!(DateTime<Utc>, TimestampTz, TimestampTz, "DateTime<Utc>");

impl Dated for NaiveDate {
    type Part = i32;
}
impl Dated for NaiveDateTime {
    type Part = i32;
}
impl Dated for DateTime<Utc> {
    type Part = i32;
}
impl Timed for NaiveTime {
    type Part = i32;
}
impl Timed for NaiveDateTime {
    type Part = i32;
}
impl Timed for DateTime<Utc> {
    type Part = i32;
}
