//! The functions Colt adds to each SQLite connection, where SQLite's own would answer
//! otherwise than Rust and PostgreSQL: a division by zero refused (`colt_nonzero`), `x as
//! f32` and `x as i32` as Rust's `as` (`colt_f32`, `colt_int`), Rust's `round`, a
//! case-sensitive `LIKE`, a text's characters counted whole (`colt_chars`) and its case
//! changed as Rust changes it (`colt_lower`, `colt_upper`), decimals and
//! dates as Colt reads them, and sums of decimals added exactly (`colt_decimal_sum`).

use rusqlite::functions::FunctionFlags;
use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;

use super::sqlite::map_error;
use crate::exact_decimal::ExactDecimal;
use crate::temporal::Temporal;
use crate::Result;

/// Adds Colt's functions to `conn`.
pub(super) fn register(conn: &Connection) -> Result<()> {
    // `a / b` and `a % b` divide by `colt_nonzero(b)`: SQLite answers NULL for a division
    // by zero (the row silently drops out of a condition); PostgreSQL and Rust refuse. A
    // dividend that may be NULL is the second argument: NULL divided by zero is NULL, as
    // on PostgreSQL (a `None` divided is `None`).
    for args in [1, 2] {
        conn.create_scalar_function(
            "colt_nonzero",
            args,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| {
                if ctx.len() == 2 && ctx.get_raw(1) == rusqlite::types::ValueRef::Null {
                    return Ok(SqlValue::Null);
                }
                match ctx.get_raw(0) {
                    rusqlite::types::ValueRef::Integer(0) => Err(division_by_zero()),
                    rusqlite::types::ValueRef::Real(0.0) => Err(division_by_zero()),
                    v => Ok(SqlValue::try_from(v)?),
                }
            },
        )
        .map_err(|e| map_error(e, None))?;
    }
    // The spelling Colt writes of a date or time in any ISO spelling (NULL if it is
    // none): `check_tables` finds the values other tools spelled otherwise, which
    // queries would compare as text.
    conn.create_scalar_function(
        "colt_time_spelling",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(iso_spelling(ctx.get::<i64>(0)?, ctx.get_raw(1))),
    )
    .map_err(|e| map_error(e, None))?;
    // The optimistic check's form of a date or time: Colt's spelling of ISO text (as it is
    // read), any other value as it is (a unix time another program wrote over a NULL is a
    // change).
    conn.create_scalar_function(
        "colt_time_checked",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let raw = ctx.get_raw(1);
            match iso_spelling(ctx.get::<i64>(0)?, raw) {
                Some(t) => Ok(SqlValue::Text(t)),
                None => Ok(SqlValue::try_from(raw)?),
            }
        },
    )
    .map_err(|e| map_error(e, None))?;
    // `x as f32`: rounded to f32, as Rust's `as`.
    conn.create_scalar_function(
        "colt_f32",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        // An integer is rounded once, as Rust's `i64 as f32` (through an f64 it would be
        // rounded twice).
        |ctx| {
            Ok(match ctx.get_raw(0) {
                rusqlite::types::ValueRef::Integer(i) => Some(f64::from(i as f32)),
                _ => ctx.get::<Option<f64>>(0)?.map(|x| f64::from(x as f32)),
            })
        },
    )
    .map_err(|e| map_error(e, None))?;
    // `x as i64` (`i32`, `i16`): truncated toward zero as Rust's `as`; a value out of
    // the target's range is an error where Rust's `as` would wrap or saturate it.
    conn.create_scalar_function(
        "colt_int",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let bits = ctx.get::<u32>(1)?;
            narrowed(ctx.get_raw(0), bits).map_err(|()| {
                rusqlite::Error::UserFunctionError(format!("{OUT_OF_RANGE}i{bits}").into())
            })
        },
    )
    .map_err(|e| map_error(e, None))?;
    // `&s[a..b]` and `&s[a..]`: by bytes as Rust's slices; see `slice`.
    for args in [2, 3] {
        conn.create_scalar_function(
            "colt_slice",
            args,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| {
                let end = match ctx.len() {
                    3 => match ctx.get::<Option<i64>>(2)? {
                        Some(b) => Some(b),
                        None => return Ok(None),
                    },
                    _ => None,
                };
                let Some(start) = ctx.get::<Option<i64>>(1)? else {
                    return Ok(None);
                };
                let number;
                let text: &[u8] = match ctx.get_raw(0) {
                    rusqlite::types::ValueRef::Null => return Ok(None),
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => t,
                    rusqlite::types::ValueRef::Integer(i) => {
                        number = i.to_string();
                        number.as_bytes()
                    }
                    rusqlite::types::ValueRef::Real(_) => {
                        return Err(rusqlite::Error::UserFunctionError(
                            "colt_slice: a number where text was expected".into(),
                        ))
                    }
                };
                slice(text, start, end)
                    .map(|s| Some(s.to_string()))
                    .ok_or_else(|| {
                        rusqlite::Error::UserFunctionError(
                            "colt_slice: the range cuts inside a character".into(),
                        )
                    })
            },
        )
        .map_err(|e| map_error(e, None))?;
    }
    // `s.to_lowercase()`, `s.to_uppercase()`: Rust's, every letter (SQLite's `lower` and
    // `upper` change ASCII letters only: `Zoë` was `ZOë`; PonyORM gives SQLite Python's own
    // for the same reason). A text that is not UTF-8, or a value that is no text, is kept.
    for (name, upper) in [("colt_lower", false), ("colt_upper", true)] {
        conn.create_scalar_function(
            name,
            1,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            move |ctx| {
                Ok(match ctx.get_raw(0) {
                    rusqlite::types::ValueRef::Text(t) => match std::str::from_utf8(t) {
                        Ok(t) if upper => SqlValue::Text(t.to_uppercase()),
                        Ok(t) => SqlValue::Text(t.to_lowercase()),
                        // (Text that is not UTF-8, which no `Value` text holds: its bytes.)
                        Err(_) => SqlValue::Blob(t.to_vec()),
                    },
                    other => SqlValue::try_from(other).unwrap_or(SqlValue::Null),
                })
            },
        )
        .map_err(|e| map_error(e, None))?;
    }
    // `s.chars().count()`: the characters of the whole text (SQLite's `length` stops at the
    // first NUL, which a Rust string may hold).
    conn.create_scalar_function(
        "colt_chars",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| match ctx.get_raw(0) {
            rusqlite::types::ValueRef::Null => Ok(None),
            rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                // UTF-8: every byte but a continuation byte (`10xxxxxx`) starts a character.
                let starts = t.iter().filter(|&&b| b & 0xC0 != 0x80).count();
                Ok(Some(i64::try_from(starts).unwrap_or(i64::MAX)))
            }
            rusqlite::types::ValueRef::Integer(i) => {
                Ok(Some(i64::try_from(i.to_string().len()).unwrap_or(i64::MAX)))
            }
            rusqlite::types::ValueRef::Real(_) => Err(rusqlite::Error::UserFunctionError(
                "colt_chars: a number where text was expected".into(),
            )),
        },
    )
    .map_err(|e| map_error(e, None))?;
    // `x.round()`: Rust's (SQLite's round goes through 15-digit text).
    conn.create_scalar_function(
        "colt_round",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(ctx.get::<Option<f64>>(0)?.map(f64::round)),
    )
    .map_err(|e| map_error(e, None))?;
    // `s.like(pattern)`: SQL's LIKE, case-sensitive as PostgreSQL's (SQLite's own
    // ignores ASCII case).
    conn.create_scalar_function(
        "colt_like",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let (Some(text), Some(pattern)) =
                (ctx.get::<Option<String>>(0)?, ctx.get::<Option<String>>(1)?)
            else {
                return Ok(None);
            };
            crate::like::like(&text, &pattern)
                .map(Some)
                .map_err(|_| rusqlite::Error::UserFunctionError(crate::like::BAD_PATTERN.into()))
        },
    )
    .map_err(|e| map_error(e, None))?;
    // A decimal as Colt reads it (15 significant digits of a REAL), as text: the
    // optimistic check of a decimal attribute compares what was read, not the binary
    // noise of a REAL another program's arithmetic left (`0.30000000000000004`). Text that
    // is no number (`N/A` another program wrote) is no decimal: NULL, which a sum passes
    // over; `colt_decimal_checked` keeps it (marked), so that an optimistic check of a
    // value read as NULL finds it changed.
    for (name, keep_text) in [("colt_decimal", false), ("colt_decimal_checked", true)] {
        conn.create_scalar_function(
            name,
            1,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            move |ctx| decimal_text(ctx.get_raw(0), keep_text),
        )
        .map_err(|e| map_error(e, None))?;
    }
    // The sum and the average of decimals, each value read as `colt_decimal` reads it and
    // added exactly: SQLite's `SUM` adds REALs, and what is left of their binary noise
    // where the values cancel (`0.10 + 0.20 - 0.30` is 2.8e-17) has no digit to round away.
    for (name, average) in [("colt_decimal_sum", false), ("colt_decimal_avg", true)] {
        conn.create_aggregate_function(
            name,
            1,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            DecimalAggregate { average },
        )
        .map_err(|e| map_error(e, None))?;
    }
    Ok(())
}

/// `colt_decimal_sum` and `colt_decimal_avg` (see `register`): NULL over no values.
struct DecimalAggregate {
    average: bool,
}

impl rusqlite::functions::Aggregate<DecimalSum, Option<String>> for DecimalAggregate {
    fn init(&self, _: &mut rusqlite::functions::Context<'_>) -> rusqlite::Result<DecimalSum> {
        Ok(DecimalSum::default())
    }

    fn step(
        &self,
        ctx: &mut rusqlite::functions::Context<'_>,
        sum: &mut DecimalSum,
    ) -> rusqlite::Result<()> {
        match decimal_of(ctx.get_raw(0))? {
            Some(d) => sum.add(d).ok_or_else(decimal_out_of_range),
            None => Ok(()),
        }
    }

    fn finalize(
        &self,
        _: &mut rusqlite::functions::Context<'_>,
        sum: Option<DecimalSum>,
    ) -> rusqlite::Result<Option<String>> {
        let Some(sum) = sum.filter(|s| s.count > 0) else {
            return Ok(None);
        };
        let total = sum.total().ok_or_else(decimal_out_of_range)?;
        if !self.average {
            return Ok(Some(total.to_string()));
        }
        // A quotient, to the 15 significant digits a decimal read from SQLite has.
        let average = ExactDecimal::from_f64(
            total.to_f64() / sum.count as f64,
            crate::exact_decimal::SQLITE_DIGITS,
        )
        .ok_or_else(decimal_out_of_range)?;
        Ok(Some(average.trimmed().to_string()))
    }
}

/// An exact sum of decimals: `total × 10^-scale`, and how many were added.
#[derive(Default)]
struct DecimalSum {
    total: i128,
    scale: u32,
    count: i64,
}

impl DecimalSum {
    /// Adds `d`, exactly where `i128` holds both at the larger scale, else at the largest
    /// scale it holds them at, each rounded there half to even (as a decimal type's
    /// addition rounds); `None` past `i128` at scale 0.
    fn add(&mut self, d: ExactDecimal) -> Option<()> {
        let d = d.trimmed();
        let mut scale = self.scale.max(d.scale());
        loop {
            let total = at_scale(self.total, self.scale, scale);
            let m = at_scale(d.mantissa(), d.scale(), scale);
            if let Some(sum) = total.zip(m).and_then(|(t, m)| t.checked_add(m)) {
                self.total = sum;
                self.scale = scale;
                self.count += 1;
                return Some(());
            }
            scale = scale.checked_sub(1)?;
        }
    }

    /// The sum as a decimal, rounded half to even to fewer places where its mantissa is
    /// too long for one; `None` past a decimal's range.
    fn total(&self) -> Option<ExactDecimal> {
        (0..=self.scale).rev().find_map(|scale| {
            let m = at_scale(self.total, self.scale, scale)?;
            ExactDecimal::new(m, scale).map(ExactDecimal::trimmed)
        })
    }
}

/// `m × 10^-from` as a mantissa at scale `to`: exact upward, rounded half to even
/// downward (once, however many places go); `None` past `i128`.
fn at_scale(m: i128, from: u32, to: u32) -> Option<i128> {
    if to >= from {
        return m.checked_mul(10i128.checked_pow(to - from)?);
    }
    let Some(by) = 10i128.checked_pow(from - to) else {
        // More places than `i128` has digits: nothing of `m` is left but its rounding,
        // which is zero (|m| < 10^38 < half of 10^39).
        return Some(0);
    };
    let (q, r) = (m / by, (m % by).unsigned_abs());
    let half = by.unsigned_abs() / 2;
    let up = r > half || (r == half && q % 2 != 0);
    Some(if up { q + m.signum() } else { q })
}

fn decimal_out_of_range() -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(format!("{OUT_OF_RANGE}Decimal").into())
}

/// The message of a division by zero (`colt_nonzero`), recognised by [`map_error`].
pub(super) const DIVISION_BY_ZERO: &str = "colt: division by zero";

/// The start of the message of a narrowing cast out of range (`colt_int`), recognised by
/// [`map_error`]; the target type follows.
pub(super) const OUT_OF_RANGE: &str = "colt: out of the range of ";

/// `value as i{bits}` for `colt_int`: an integer as it is, a float (or a number kept as
/// text) truncated toward zero; `Err` when the result does not fit `bits`.
fn narrowed(value: rusqlite::types::ValueRef<'_>, bits: u32) -> Result<Option<i64>, ()> {
    use rusqlite::types::ValueRef;
    let (min, max) = match bits {
        16 => (i64::from(i16::MIN), i64::from(i16::MAX)),
        32 => (i64::from(i32::MIN), i64::from(i32::MAX)),
        _ => (i64::MIN, i64::MAX),
    };
    let whole = |r: f64| {
        let r = r.trunc();
        // -2^63 fits and 2^63 does not; both are exact doubles, and NaN fails both.
        if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&r) {
            Ok(r as i64)
        } else {
            Err(())
        }
    };
    let i = match value {
        ValueRef::Null => return Ok(None),
        ValueRef::Integer(i) => i,
        ValueRef::Real(r) => whole(r)?,
        ValueRef::Text(t) => {
            let t = std::str::from_utf8(t).map_err(|_| ())?.trim();
            match t.parse::<i64>() {
                Ok(i) => i,
                Err(_) => whole(t.parse::<f64>().map_err(|_| ())?)?,
            }
        }
        ValueRef::Blob(_) => return Err(()),
    };
    if (min..=max).contains(&i) {
        Ok(Some(i))
    } else {
        Err(())
    }
}

/// `&text[start..end]` (`end` `None`: to the end) by bytes, as Rust slices; where Rust would
/// panic, a bound before the start is the start, one past the end the end, and an end
/// before the start gives the empty text. `None` when the range cuts inside a character
/// (or the bytes are not UTF-8).
fn slice(text: &[u8], start: i64, end: Option<i64>) -> Option<&str> {
    let len = text.len();
    let at = |i: i64| usize::try_from(i.max(0)).map_or(len, |i| i.min(len));
    let from = at(start);
    let to = end.map_or(len, at).max(from);
    std::str::from_utf8(&text[from..to]).ok()
}

fn division_by_zero() -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(DIVISION_BY_ZERO.into())
}

/// `colt_decimal`'s value (see `register`): the decimal a value reads as, as text; NULL for
/// NULL, a blob, or text that is no number (`keep_text`: that text or blob, marked).
fn decimal_text(
    raw: rusqlite::types::ValueRef<'_>,
    keep_text: bool,
) -> rusqlite::Result<Option<String>> {
    if let Some(d) = decimal_of(raw)? {
        return Ok(Some(d.trimmed().to_string()));
    }
    Ok(match raw {
        rusqlite::types::ValueRef::Text(t) if keep_text => Some(format!(
            "text:{}",
            std::str::from_utf8(t).unwrap_or("").trim()
        )),
        rusqlite::types::ValueRef::Blob(b) if keep_text => {
            let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
            Some(format!("blob:{hex}"))
        }
        _ => None,
    })
}

/// Whether text is a number (one a decimal may not hold, `1e400`); `NaN` and `inf`, which
/// Rust's `f64` reads, are not.
fn is_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.') && text.parse::<f64>().is_ok()
}

/// The decimal a value reads as (15 significant digits of a REAL, an integer or a number's
/// text exactly); `None` for NULL, a blob, or text that is no number.
fn decimal_of(raw: rusqlite::types::ValueRef<'_>) -> rusqlite::Result<Option<ExactDecimal>> {
    let d = match raw {
        rusqlite::types::ValueRef::Integer(i) => ExactDecimal::new(i128::from(i), 0),
        rusqlite::types::ValueRef::Real(r) => {
            ExactDecimal::from_f64(r, crate::exact_decimal::SQLITE_DIGITS)
        }
        rusqlite::types::ValueRef::Text(t) => {
            let text = std::str::from_utf8(t).unwrap_or("").trim();
            match ExactDecimal::parse(text) {
                Some(d) => Some(d),
                None if !is_number(text) => return Ok(None),
                None => None,
            }
        }
        rusqlite::types::ValueRef::Blob(_) | rusqlite::types::ValueRef::Null => return Ok(None),
    };
    // A number no decimal holds (a sum past its range) is an error, not a NULL that would
    // read as "no rows" or fail a condition.
    d.map(Some).ok_or_else(decimal_out_of_range)
}

/// Colt's spelling of `v` when it is ISO text of a date or time of kind `kind` (0 a date,
/// 1 a time, 2 a timestamp, 3 one with a zone), as `colt_time_spelling` and
/// `colt_time_checked` take it.
fn iso_spelling(kind: i64, v: rusqlite::types::ValueRef<'_>) -> Option<String> {
    let like = match kind {
        0 => Temporal::Date(0),
        1 => Temporal::Time(0),
        2 => Temporal::Timestamp(0),
        _ => Temporal::TimestampTz(0),
    };
    match v {
        rusqlite::types::ValueRef::Text(t) => std::str::from_utf8(t)
            .ok()
            .and_then(|s| Temporal::parse_iso(like, s))
            .map(Temporal::to_iso),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{at_scale, decimal_of, slice, DecimalSum};
    use crate::exact_decimal::ExactDecimal;
    use rusqlite::types::ValueRef;

    fn sum(values: &[&str]) -> Option<String> {
        let mut s = DecimalSum::default();
        for v in values {
            s.add(ExactDecimal::parse(v)?)?;
        }
        s.total().map(|d| d.to_string())
    }

    /// Found by a review: values aligned to the largest scale seen overflowed `i128` (a
    /// tiny value at scale 28 beside 2e10), where the sum has a decimal to round to.
    #[test]
    fn a_sum_rounds_where_the_exact_one_is_past_i128() {
        assert_eq!(sum(&["0.10", "0.20", "-0.30"]).as_deref(), Some("0"));
        assert_eq!(
            sum(&["0.00000000000000000000000000015", "20000000000"]).as_deref(),
            Some("20000000000")
        );
        assert_eq!(
            sum(&["20000000000", "0.0000000000000000000000000015"]).as_deref(),
            Some("20000000000")
        );
        // Trailing zeros cost no places.
        assert_eq!(
            sum(&["5.00000000000000000000000000", "70000000000000000000"]).as_deref(),
            Some("70000000000000000005")
        );
    }

    /// Places dropped at once, rounded once (`..251` to two fewer places is `..3`; rounding
    /// one place at a time made it `..2`).
    #[test]
    fn dropped_places_round_once_half_to_even() {
        assert_eq!(at_scale(1251, 3, 1), Some(13));
        assert_eq!(at_scale(-1251, 3, 1), Some(-13));
        assert_eq!(at_scale(1149, 3, 1), Some(11));
        assert_eq!(at_scale(125, 1, 0), Some(12));
        assert_eq!(at_scale(135, 1, 0), Some(14));
        assert_eq!(at_scale(-135, 1, 0), Some(-14));
        assert_eq!(at_scale(7, 0, 2), Some(700));
        assert_eq!(at_scale(i128::MAX, 0, 1), None);
    }

    /// `NaN` and `inf`, which Rust's `f64` reads, are no numbers (as `N/A` is not): a sum
    /// passes over them. A number past a decimal's range is an error.
    #[test]
    fn words_a_float_parser_reads_are_no_decimal() {
        for word in ["NaN", "inf", "-infinity", "N/A"] {
            assert!(matches!(
                decimal_of(ValueRef::Text(word.as_bytes())),
                Ok(None)
            ));
        }
        assert!(decimal_of(ValueRef::Text(b"1e400")).is_err());
        assert!(matches!(
            decimal_of(ValueRef::Text(b" 2.50 ")),
            Ok(Some(d)) if d.to_string() == "2.50"
        ));
    }

    #[test]
    fn slices_by_bytes_clamped() {
        assert_eq!(slice(b"hello", 1, Some(3)), Some("el"));
        assert_eq!(slice(b"hello", -2, Some(3)), Some("hel"));
        assert_eq!(slice(b"hello", -2, None), Some("hello"));
        assert_eq!(slice(b"hello", 3, Some(99)), Some("lo"));
        assert_eq!(slice(b"hello", 4, Some(2)), Some(""));
        assert_eq!(slice(b"hello", 9, None), Some(""));
        assert_eq!(slice(b"hello", 2, Some(-1)), Some(""));
        assert_eq!(slice("é".as_bytes(), 0, Some(1)), None);
        assert_eq!(slice("aé".as_bytes(), 1, None), Some("é"));
    }
}
