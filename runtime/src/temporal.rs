//! Dates and times as Colt moves them between Rust and the database, whatever crate the
//! program uses (`chrono` or `time`): a [`Temporal`] is a count from a fixed origin, and
//! SQLite's form of it is ISO-8601 text, SQLite's own format (`2024-01-31`,
//! `2024-01-31 10:00:00`, `2024-01-31 10:00:00.25`, `10:00:00`; an instant in UTC, without a
//! zone, as SQLite's `datetime()` and `CURRENT_TIMESTAMP` write it). The text has no
//! trailing zeros in its fraction and none at all when the fraction is zero, so that values
//! written by Colt compare as text in time order, and equal the `2009-01-01 00:00:00` other
//! tools write. Colt stores the years 1 to 9999 only ([`Temporal::storable`]): outside
//! them the text would not sort, and PostgreSQL numbers the years before 1 otherwise.

use std::fmt::Write as _;

/// Microseconds in a day.
const DAY: i64 = 86_400_000_000;

/// A date or time: a count from 1970-01-01 (or midnight), to the microsecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Temporal {
    /// A calendar date: days since 1970-01-01.
    Date(i32),
    /// A time of day: microseconds since midnight.
    Time(i64),
    /// A date and time without a zone: microseconds since 1970-01-01 00:00:00.
    Timestamp(i64),
    /// An instant: microseconds since 1970-01-01 00:00:00 UTC.
    TimestampTz(i64),
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01: (year, month, day).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn push_date(out: &mut String, days: i64) {
    let (y, m, d) = civil_from_days(days);
    if (0..=9999).contains(&y) {
        let _ = write!(out, "{y:04}-{m:02}-{d:02}");
    } else {
        // Outside four digits: a sign and at least four digits (ISO 8601's expanded form).
        let _ = write!(out, "{y:+05}-{m:02}-{d:02}");
    }
}

fn push_time(out: &mut String, micros: i64) {
    let (secs, frac) = (micros / 1_000_000, micros % 1_000_000);
    let _ = write!(
        out,
        "{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    if frac != 0 {
        let digits = format!("{frac:06}");
        let _ = write!(out, ".{}", digits.trim_end_matches('0'));
    }
}

impl Temporal {
    /// Whether Colt stores this value: a date in the years 1 to 9999 (four-digit years sort
    /// as text; PostgreSQL calls the year before 1 "1 BC", which `.year()` would read as
    /// −1 where Rust says 0). A time of day always is.
    pub fn storable(self) -> bool {
        let days = match self {
            Temporal::Time(_) => return true,
            Temporal::Date(d) => i64::from(d),
            Temporal::Timestamp(t) | Temporal::TimestampTz(t) => t.div_euclid(DAY),
        };
        (1..=9999).contains(&civil_from_days(days).0)
    }

    /// The ISO-8601 text SQLite stores.
    pub fn to_iso(self) -> String {
        let mut out = String::with_capacity(32);
        match self {
            Temporal::Date(d) => push_date(&mut out, i64::from(d)),
            Temporal::Time(t) => push_time(&mut out, t),
            Temporal::Timestamp(t) | Temporal::TimestampTz(t) => {
                push_date(&mut out, t.div_euclid(DAY));
                out.push(' ');
                push_time(&mut out, t.rem_euclid(DAY));
            }
        }
        out
    }

    /// Reads ISO-8601 text as the kind of `like` (`Date`, `Time`, `Timestamp` or
    /// `TimestampTz`): `YYYY-MM-DD`, `HH:MM[:SS[.fff]]`, a date and a time joined by a space
    /// or `T`; an instant may end in `Z` or `±HH:MM` (none: UTC); a date-time without a zone
    /// must not have one (it would be read as another instant).
    pub fn parse_iso(like: Temporal, text: &str) -> Option<Temporal> {
        let text = text.trim();
        match like {
            Temporal::Date(_) => Some(Temporal::Date(i32::try_from(parse_date(text)?).ok()?)),
            Temporal::Time(_) => parse_time(text).map(Temporal::Time),
            Temporal::Timestamp(_) | Temporal::TimestampTz(_) => {
                let zoned = matches!(like, Temporal::TimestampTz(_));
                let (date, rest) = text.split_at(text.find([' ', 'T']).unwrap_or(text.len()));
                let days = parse_date(date)?;
                let rest = rest.get(1..).unwrap_or("");
                let (time, offset) = split_offset(rest)?;
                if offset.is_some() && !zoned {
                    return None;
                }
                let micros = if time.is_empty() {
                    0
                } else {
                    parse_time(time)?
                };
                let local = days.checked_mul(DAY)?.checked_add(micros)?;
                let utc = local.checked_sub(offset.unwrap_or(0))?;
                Some(if zoned {
                    Temporal::TimestampTz(utc)
                } else {
                    Temporal::Timestamp(local)
                })
            }
        }
    }
}

fn number(s: &str) -> Option<i64> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn parse_date(s: &str) -> Option<i64> {
    let (sign, body) = match s.strip_prefix(['-', '+']) {
        Some(rest) => (if s.starts_with('-') { -1 } else { 1 }, rest),
        None => (1, s),
    };
    let mut parts = body.splitn(3, '-');
    let year = sign * number(parts.next()?)?;
    let month = u32::try_from(number(parts.next()?)?).ok()?;
    let day = u32::try_from(number(parts.next()?)?).ok()?;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days_in_month)
        .contains(&day)
        .then(|| days_from_civil(year, month, day))
}

fn parse_time(s: &str) -> Option<i64> {
    let (hms, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut parts = hms.split(':');
    let h = number(parts.next()?)?;
    let m = number(parts.next()?)?;
    let sec = parts.next().map_or(Some(0), number)?;
    if parts.next().is_some() || h > 23 || m > 59 || sec > 59 {
        return None;
    }
    // (`HH:MM.f` is no spelling of a time; digits past the microsecond are dropped.)
    if !frac.is_empty() && (hms.split(':').count() < 3 || !frac.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let micros = if frac.is_empty() {
        0
    } else {
        let digits: String = frac.chars().take(6).collect();
        number(&digits)? * 10_i64.pow(6 - digits.len() as u32)
    };
    Some(((h * 60 + m) * 60 + sec) * 1_000_000 + micros)
}

/// Splits a trailing `Z` / `±HH:MM` / `±HHMM` off a time: (the time, the offset in µs).
fn split_offset(s: &str) -> Option<(&str, Option<i64>)> {
    if let Some(time) = s.strip_suffix('Z') {
        return Some((time, Some(0)));
    }
    match s.rfind(['+', '-']) {
        Some(at) => {
            let (time, zone) = s.split_at(at);
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 {
                return None;
            }
            let h = number(&digits[..2])?;
            let m = number(&digits[2..])?;
            Some((time, Some(sign * (h * 60 + m) * 60 * 1_000_000)))
        }
        None => Some((s, None)),
    }
}

/// A date or time type of a crate (`chrono`, `time`) and its [`Temporal`].
#[cfg(any(feature = "chrono", feature = "time"))]
pub(crate) trait AsTemporal: Sized {
    /// A value of the kind, for parsing text.
    const LIKE: Temporal;
    fn to_temporal(&self) -> Temporal;
    fn from_temporal(t: Temporal) -> Option<Self>;
}

/// Decodes a date or time: from the backend's value, or from the ISO text SQLite holds.
#[cfg(any(feature = "chrono", feature = "time"))]
pub(crate) fn decode<T: AsTemporal>(
    v: crate::value::ValueRef<'_>,
    name: &'static str,
) -> Result<T, crate::types::DecodeFail> {
    use crate::value::ValueRef;
    let t = match v {
        ValueRef::Time(t) => Some(t),
        ValueRef::Text(text) => std::str::from_utf8(text)
            .ok()
            .and_then(|s| Temporal::parse_iso(T::LIKE, s)),
        _ => None,
    };
    t.and_then(T::from_temporal)
        .ok_or_else(|| crate::types::DecodeFail::new(name, v))
}

/// The column-type impls of a date or time type: a family of its own (`kind::$kind`),
/// ordered, usable as a parameter and in builders.
#[cfg(any(feature = "chrono", feature = "time"))]
macro_rules! temporal_type {
    ($t:ty, $kind:ident, $column:ident, $name:literal) => {
        #[diagnostic::do_not_recommend]
        impl $crate::types::SqlType for $t {
            type Inner = $t;
            type Kind = $crate::types::kind::$kind;
            const NULLABLE: bool = false;
            const COLUMN_TYPE: $crate::types::ColumnType = $crate::types::ColumnType::$column;
            const RUST_NAME: &'static str = $name;
            #[inline]
            fn to_value_ref(&self) -> $crate::value::ValueRef<'_> {
                $crate::value::ValueRef::Time(AsTemporal::to_temporal(self))
            }
            fn from_value_ref(
                v: $crate::value::ValueRef<'_>,
            ) -> Result<Self, $crate::types::DecodeFail> {
                $crate::temporal::decode(v, $name)
            }
        }
        #[diagnostic::do_not_recommend]
        impl $crate::types::NonNull for $t {}
        #[diagnostic::do_not_recommend]
        impl $crate::types::Ordered for $t {}
        #[diagnostic::do_not_recommend]
        impl $crate::types::Sorted for $t {}
        #[diagnostic::do_not_recommend]
        impl $crate::types::ToParam for $t {
            fn to_param(&self) -> $crate::value::Value {
                $crate::value::Value::Time(AsTemporal::to_temporal(self))
            }
        }
        #[diagnostic::do_not_recommend]
        impl $crate::types::TypedParam for $t {
            type Sql = $t;
            #[inline]
            fn __value(&self) -> $crate::value::Value {
                $crate::types::ToParam::to_param(self)
            }
        }
        #[diagnostic::do_not_recommend]
        impl $crate::types::Comparable<$t> for $t {}
        #[diagnostic::do_not_recommend]
        impl $crate::types::Comparable<Option<$t>> for $t {}
        #[diagnostic::do_not_recommend]
        impl $crate::types::Comparable<$t> for Option<$t> {}
        #[diagnostic::do_not_recommend]
        impl $crate::types::Comparable<Option<$t>> for Option<$t> {}
        #[diagnostic::do_not_recommend]
        impl $crate::types::IntoOption<$t> for $t {
            fn into_option(self) -> Option<$t> {
                Some(self)
            }
        }
        #[diagnostic::do_not_recommend]
        impl $crate::types::IntoOption<$t> for Option<$t> {
            fn into_option(self) -> Option<$t> {
                self
            }
        }
    };
}
#[cfg(any(feature = "chrono", feature = "time"))]
pub(crate) use temporal_type;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_dates_agree() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for days in [-800_000, -1, 0, 59, 60, 11_016, 19_753, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn iso_text_round_trips_and_sorts_in_time_order() {
        let values = [
            Temporal::Timestamp(0),
            Temporal::Timestamp(250_000),
            Temporal::Timestamp(500_000),
            Temporal::Timestamp(1_000_000),
            Temporal::Timestamp(DAY - 1),
        ];
        let texts: Vec<String> = values.iter().map(|v| v.to_iso()).collect();
        assert_eq!(texts[0], "1970-01-01 00:00:00");
        assert_eq!(texts[1], "1970-01-01 00:00:00.25");
        let mut sorted = texts.clone();
        sorted.sort();
        assert_eq!(sorted, texts);
        for v in values {
            assert_eq!(Temporal::parse_iso(v, &v.to_iso()), Some(v));
        }
        let tz = [Temporal::TimestampTz(0), Temporal::TimestampTz(500_000)];
        assert!(tz[0].to_iso() < tz[1].to_iso());
        // As SQLite's own `datetime()` / `CURRENT_TIMESTAMP`: UTC without a zone.
        assert_eq!(tz[0].to_iso(), "1970-01-01 00:00:00");
        assert_eq!(
            Temporal::parse_iso(tz[0], "1970-01-01 00:00:00"),
            Some(tz[0])
        );
        let d = Temporal::Date(19_753);
        assert_eq!(d.to_iso(), "2024-01-31");
        assert_eq!(Temporal::parse_iso(d, "2024-01-31"), Some(d));
    }

    #[test]
    fn only_four_digit_years_are_stored() {
        assert!(Temporal::Date(days_from_civil(1, 1, 1) as i32).storable());
        assert!(Temporal::Date(days_from_civil(9999, 12, 31) as i32).storable());
        assert!(!Temporal::Date(days_from_civil(0, 12, 31) as i32).storable());
        assert!(!Temporal::Timestamp(days_from_civil(10_000, 1, 1) * DAY).storable());
        assert!(Temporal::Time(DAY - 1).storable());
    }

    #[test]
    fn other_tools_spellings_are_read() {
        let like = Temporal::TimestampTz(0);
        let a = Temporal::parse_iso(like, "2024-01-31T12:00:00+02:00");
        let b = Temporal::parse_iso(like, "2024-01-31 10:00:00Z");
        assert_eq!(a, b);
        let naive = Temporal::Timestamp(0);
        assert!(Temporal::parse_iso(naive, "2009-01-01 00:00:00").is_some());
        assert!(Temporal::parse_iso(naive, "2009-01-01").is_some());
        assert!(Temporal::parse_iso(naive, "2009-01-01 00:00:00+01:00").is_none());
        assert!(Temporal::parse_iso(Temporal::Date(0), "2023-02-29").is_none());
        assert!(Temporal::parse_iso(Temporal::Time(0), "24:00:00").is_none());
        assert!(Temporal::parse_iso(Temporal::Time(0), "10:00.5").is_none());
        assert!(Temporal::parse_iso(Temporal::Time(0), "10:00:00.1234567x").is_none());
        assert_eq!(
            Temporal::parse_iso(Temporal::Time(0), "00:00:00.1234567"),
            Some(Temporal::Time(123_456))
        );
    }
}
