//! [`ExactDecimal`]: an exact decimal number as it crosses to and from the database, whatever
//! decimal type the program uses (`rust_decimal::Decimal` with the `decimal` feature).
//!
//! Its range is `rust_decimal`'s: a 96-bit mantissa and a scale of 0 to 28 (28 or 29
//! significant digits), so a conversion to `Decimal` never rounds.
//!
//! How each backend keeps one:
//! - PostgreSQL: `NUMERIC`, exactly, both ways (never through `f64`).
//! - SQLite has no decimal type: a number is an `INTEGER` or a `REAL`, and SQLite itself keeps
//!   15 significant digits of a `NUMERIC` value. A decimal is written as an `INTEGER` when it
//!   is whole and fits `i64`, else as the `REAL` whose shortest text is the decimal, which
//!   holds any value of at most 15 significant digits exactly; a decimal that needs more is
//!   refused ([`crate::Error::NotStorable`]) rather than rounded. A `REAL` read back (a column,
//!   or a product computed in `REAL` arithmetic) is rounded to 15 significant digits, which
//!   removes binary rounding noise: `0.1 + 0.2` reads as `0.3`. A `sum` or `avg` adds the
//!   values so read exactly (`colt_decimal_sum`), as noise left where they cancel has no
//!   digit to round away. Text (as other tools may store) is read exactly.

use std::fmt;

/// The largest mantissa: 2⁹⁶ − 1.
const MAX_MANTISSA: u128 = (1u128 << 96) - 1;
/// The largest scale (digits after the point).
pub const MAX_SCALE: u32 = 28;
/// The significant digits SQLite keeps of a number.
pub const SQLITE_DIGITS: u32 = 15;

/// An exact decimal number: `mantissa × 10^-scale`, the mantissa below 2⁹⁶, the scale at
/// most 28. Equality is of the written form (`1.10` and `1.1` differ); the decimal types
/// compare by value.
/// The default is zero.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ExactDecimal {
    lo: u64,
    hi: u32,
    scale: u8,
    negative: bool,
}

impl ExactDecimal {
    /// `mantissa × 10^-scale`, if the mantissa is below 2⁹⁶ in magnitude and the scale at
    /// most 28.
    pub fn new(mantissa: i128, scale: u32) -> Option<Self> {
        let m = mantissa.unsigned_abs();
        if m > MAX_MANTISSA || scale > MAX_SCALE {
            return None;
        }
        Some(ExactDecimal {
            lo: m as u64,
            hi: (m >> 64) as u32,
            scale: scale as u8,
            negative: mantissa < 0,
        })
    }

    /// The mantissa (the number without its decimal point).
    pub fn mantissa(&self) -> i128 {
        let m = (i128::from(self.hi) << 64) | i128::from(self.lo);
        if self.negative {
            -m
        } else {
            m
        }
    }

    /// The digits after the decimal point.
    pub fn scale(&self) -> u32 {
        u32::from(self.scale)
    }

    /// Parses decimal text: an optional sign, digits with an optional `.`, and an optional
    /// exponent (`e-3`). Digits beyond the 28th place after the point, or beyond the 96-bit
    /// mantissa, are rounded half to even; `None` if the text is not a number or its whole
    /// part does not fit.
    pub fn parse(text: &str) -> Option<Self> {
        let (negative, digits, scale) = Self::pieces(text)?;
        Self::from_digits(negative, &digits, scale)
    }

    /// Like [`ExactDecimal::parse`], but `None` when the value would be rounded (digits
    /// beyond the 28th place after the point, or beyond the mantissa): text another tool
    /// stored is read exactly or not at all.
    pub fn parse_exact(text: &str) -> Option<Self> {
        let (negative, digits, scale) = Self::pieces(text)?;
        let d = Self::from_digits(negative, &digits, scale)?;
        let kept: Vec<u8> = d
            .mantissa()
            .unsigned_abs()
            .to_string()
            .bytes()
            .map(|c| c - b'0')
            .collect();
        let same = normalized(&digits, scale) == normalized(&kept, i64::from(d.scale()));
        same.then_some(d)
    }

    /// The sign, digits and scale of decimal text (`digits × 10^-scale`).
    fn pieces(text: &str) -> Option<(bool, Vec<u8>, i64)> {
        let (negative, rest) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (number, exponent) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], rest[i + 1..].parse::<i32>().ok()?),
            None => (rest, 0),
        };
        let (int, frac) = number.split_once('.').unwrap_or((number, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().chain(frac.bytes()).all(|c| c.is_ascii_digit()) {
            return None;
        }
        let digits: Vec<u8> = int.bytes().chain(frac.bytes()).map(|c| c - b'0').collect();
        // The value is `digits × 10^-(frac.len() - exponent)`.
        let scale = i64::try_from(frac.len()).ok()? - i64::from(exponent);
        Some((negative, digits, scale))
    }

    /// `digits × 10^-scale` (each digit 0–9), rounded half to even to fit.
    pub(crate) fn from_digits(negative: bool, digits: &[u8], scale: i64) -> Option<Self> {
        let first = digits.iter().position(|d| *d != 0).unwrap_or(digits.len());
        let digits = &digits[first..];
        let zero = || Self::new(0, scale.clamp(0, i64::from(MAX_SCALE)) as u32);
        if digits.is_empty() {
            return zero();
        }
        // Below half of the last place kept (10^-28): zero, without building the digits.
        if scale > i64::from(MAX_SCALE) + digits.len() as i64 {
            return zero();
        }
        // A negative scale: trailing zeros to append.
        let (mut digits, mut scale) = if scale < 0 {
            let zeros = usize::try_from(-scale).ok().filter(|z| *z <= 40)?;
            let mut v = digits.to_vec();
            if !v.is_empty() {
                v.extend(std::iter::repeat_n(0, zeros));
            }
            (v, 0)
        } else {
            (digits.to_vec(), scale)
        };
        // Too many places after the point: drop them, rounding.
        let mut dropped: Vec<u8> = Vec::new();
        if scale > i64::from(MAX_SCALE) {
            let excess = usize::try_from(scale - i64::from(MAX_SCALE)).ok()?;
            let keep = digits.len().saturating_sub(excess);
            dropped = digits.split_off(keep);
            if dropped.len() < excess {
                // The number is smaller than the first place dropped: all of it goes.
                dropped.splice(0..0, std::iter::repeat_n(0, excess - dropped.len()));
            }
            scale = i64::from(MAX_SCALE);
        }
        loop {
            let mut m: u128 = 0;
            let mut fits = true;
            for d in &digits {
                match m
                    .checked_mul(10)
                    .and_then(|m| m.checked_add(u128::from(*d)))
                {
                    Some(v) if v <= MAX_MANTISSA => m = v,
                    _ => {
                        fits = false;
                        break;
                    }
                }
            }
            if fits {
                let m = m + u128::from(round_up(&dropped, m % 2 == 1));
                if m <= MAX_MANTISSA {
                    let signed = i128::try_from(m).ok()?;
                    return Self::new(if negative { -signed } else { signed }, scale as u32);
                }
            }
            // Drop one more place after the point, if there is one.
            if scale == 0 {
                return None;
            }
            let last = digits.pop().unwrap_or(0);
            dropped.insert(0, last);
            scale -= 1;
        }
    }

    /// Rounded to `digits` significant digits, half to even (places dropped from a long
    /// whole part become zeros: `69999999999999990` to 15 digits is `70000000000000000`).
    pub fn round_significant(self, digits: u32) -> Self {
        let text = self.mantissa().unsigned_abs().to_string();
        let len = text.len() as u32;
        if len <= digits {
            return self;
        }
        let cut = len - digits;
        let all: Vec<u8> = text.bytes().map(|c| c - b'0').collect();
        let keep = all.len() - cut as usize;
        let m: u128 = all[..keep]
            .iter()
            .fold(0u128, |m, d| m * 10 + u128::from(*d));
        let m = m + u128::from(round_up(&all[keep..], m % 2 == 1));
        // Places dropped before the point come back as zeros.
        let (m, scale) = match self.scale().checked_sub(cut) {
            Some(scale) => (Some(m), scale),
            None => (
                10u128
                    .checked_pow(cut - self.scale())
                    .and_then(|p| m.checked_mul(p)),
                0,
            ),
        };
        m.and_then(|m| i128::try_from(m).ok())
            .and_then(|m| Self::new(if self.negative { -m } else { m }, scale))
            .unwrap_or(self)
            .trimmed()
    }

    /// Without trailing zeros after the point (`1.10` → `1.1`).
    pub fn trimmed(self) -> Self {
        let mut m = self.mantissa();
        let mut scale = self.scale();
        while scale > 0 && m % 10 == 0 {
            m /= 10;
            scale -= 1;
        }
        Self::new(m, scale).unwrap_or(self)
    }

    /// Its significant digits, trailing zeros left out (`1200` and `0.0012` have 2).
    pub fn significant_digits(&self) -> u32 {
        let mut m = self.mantissa().unsigned_abs();
        if m == 0 {
            return 0;
        }
        while m.is_multiple_of(10) {
            m /= 10;
        }
        m.to_string().len() as u32
    }

    /// Its value as `i64`, if it is whole and fits.
    pub fn to_i64(&self) -> Option<i64> {
        let t = self.trimmed();
        if t.scale != 0 {
            return None;
        }
        i64::try_from(t.mantissa()).ok()
    }

    /// The `f64` nearest its value (correctly rounded, through its text).
    pub fn to_f64(&self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// The `f64` whose shortest text is this decimal, if there is one (`0.1` yes,
    /// `0.09999999999999999999` no).
    pub fn to_f64_exact(&self) -> Option<f64> {
        let f = self.to_f64();
        (Self::from_f64(f, 17).map(Self::trimmed) == Some(self.trimmed())).then_some(f)
    }

    /// The decimal whose text is the shortest text of `f` (`0.99_f64` → `0.99`), rounded to
    /// `digits` significant digits; `None` for NaN, the infinities and magnitudes beyond the
    /// 96-bit mantissa.
    pub fn from_f64(f: f64, digits: u32) -> Option<Self> {
        if !f.is_finite() {
            return None;
        }
        // `{:e}` is the shortest round-trip text in scientific form.
        Self::parse(&format!("{f:e}")).map(|d| d.round_significant(digits))
    }

    /// Whether SQLite can hold it exactly: whole and within `i64`, or at most 15 significant
    /// digits (a `REAL` whose shortest text it is).
    pub fn sqlite_exact(&self) -> bool {
        self.to_i64().is_some() || self.significant_digits() <= SQLITE_DIGITS
    }
}

/// Whether the digits dropped (`dropped`, most significant first) round the kept number up:
/// above half, or exactly half and the kept number odd.
fn round_up(dropped: &[u8], odd: bool) -> bool {
    match dropped.split_first() {
        None => false,
        Some((first, rest)) => {
            let rest_zero = rest.iter().all(|d| *d == 0);
            *first > 5 || (*first == 5 && (!rest_zero || odd))
        }
    }
}

impl fmt::Display for ExactDecimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.mantissa().unsigned_abs().to_string();
        let scale = self.scale() as usize;
        if self.negative && self.mantissa() != 0 {
            f.write_str("-")?;
        }
        if scale == 0 {
            return f.write_str(&digits);
        }
        if digits.len() > scale {
            let (int, frac) = digits.split_at(digits.len() - scale);
            write!(f, "{int}.{frac}")
        } else {
            write!(f, "0.{}{digits}", "0".repeat(scale - digits.len()))
        }
    }
}

impl fmt::Debug for ExactDecimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExactDecimal({self})")
    }
}

/// `digits × 10^-scale` without leading or trailing zeros (zero: no digits), to compare two
/// spellings of a value.
fn normalized(digits: &[u8], scale: i64) -> (Vec<u8>, i64) {
    let first = digits.iter().position(|d| *d != 0).unwrap_or(digits.len());
    let mut v = digits[first..].to_vec();
    let mut scale = scale;
    while v.last() == Some(&0) {
        v.pop();
        scale -= 1;
    }
    if v.is_empty() {
        scale = 0;
    }
    (v, scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> ExactDecimal {
        ExactDecimal::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn text_round_trips() {
        for s in [
            "0",
            "1",
            "-1",
            "0.99",
            "-0.001",
            "1.10",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "7.9228162514264337593543950335",
            "0.0000000000000000000000000001",
            "1234567890123456789.123456789",
        ] {
            assert_eq!(d(s).to_string(), s);
        }
        assert_eq!(d("1e3").to_string(), "1000");
        assert_eq!(d("1.5E-2").to_string(), "0.015");
        assert_eq!(d("+.5").to_string(), "0.5");
        assert_eq!(ExactDecimal::parse("1.2.3"), None);
        assert_eq!(ExactDecimal::parse(""), None);
        assert_eq!(ExactDecimal::parse("-"), None);
        assert_eq!(ExactDecimal::parse("79228162514264337593543950336"), None);
        // Far below the last place: zero at once (no digits are built); zero with any
        // exponent is zero.
        assert_eq!(
            d("1e-300000000").to_string(),
            "0.0000000000000000000000000000"
        );
        assert_eq!(d("-1e-2147483648").mantissa(), 0);
        assert_eq!(d("0e50").to_string(), "0");
        assert_eq!(d("0e-50").mantissa(), 0);
    }

    /// `parse_exact` reads a value a decimal holds as it is, in any spelling, and refuses
    /// one it would round (`parse` rounds it half to even: another tool's text read so was
    /// silently another number).
    #[test]
    fn parse_exact_refuses_what_it_would_round() {
        let exact = |s: &str| ExactDecimal::parse_exact(s).map(|d| d.to_string());
        assert_eq!(exact("1.50"), Some("1.50".to_string()));
        assert_eq!(exact("-0.000"), Some("0.000".to_string()));
        assert_eq!(exact("1.5e3"), Some("1500".to_string()));
        assert_eq!(exact("12e-30"), None);
        assert_eq!(
            exact("0.1234567890123456789012345678"),
            Some("0.1234567890123456789012345678".to_string())
        );
        assert_eq!(exact("0.12345678901234567890123456789"), None);
        assert_eq!(
            exact("0.12345678901234567890123456780000"),
            Some("0.1234567890123456789012345678".to_string())
        );
        assert_eq!(
            exact("7922816251426433759354395033.5"),
            Some("7922816251426433759354395033.5".to_string())
        );
        assert_eq!(exact("7922816251426433759354395033.6"), None);
        assert_eq!(
            exact("0e-50"),
            Some("0.0000000000000000000000000000".to_string())
        );
    }

    #[test]
    fn too_many_places_round_half_to_even() {
        assert_eq!(
            d("0.00000000000000000000000000005").to_string(),
            "0.0000000000000000000000000000"
        );
        assert_eq!(
            d("0.00000000000000000000000000015").to_string(),
            "0.0000000000000000000000000002"
        );
        assert_eq!(
            d("0.000000000000000000000000000151").to_string(),
            "0.0000000000000000000000000002"
        );
        // Beyond the mantissa: places after the point give way.
        assert_eq!(
            d("79228162514264337593543950.3356").to_string(),
            "79228162514264337593543950.34"
        );
    }

    #[test]
    fn floats_read_as_their_shortest_text_to_15_digits() {
        let f = |x: f64| ExactDecimal::from_f64(x, SQLITE_DIGITS).map(|d| d.to_string());
        assert_eq!(f(0.99).as_deref(), Some("0.99"));
        assert_eq!(f(0.1 + 0.2).as_deref(), Some("0.3"));
        assert_eq!(f(1.0 / 3.0).as_deref(), Some("0.333333333333333"));
        assert_eq!(f(123456789012.34).as_deref(), Some("123456789012.34"));
        assert_eq!(f(-2.5e-7).as_deref(), Some("-0.00000025"));
        assert_eq!(f(1e20).as_deref(), Some("100000000000000000000"));
        // A long whole part is rounded too (REAL arithmetic noise in the units).
        assert_eq!(f(0.7 * 1e17).as_deref(), Some("70000000000000000"));
        assert_eq!(f(1.1 * 1e17).as_deref(), Some("110000000000000000"));
        assert_eq!(f(-2.5e30), None);
        assert_eq!(f(f64::NAN), None);
        assert_eq!(f(1e40), None);
    }

    #[test]
    fn what_sqlite_holds_exactly() {
        assert!(d("123456789012.345").sqlite_exact());
        assert!(d("9223372036854775807").sqlite_exact());
        assert!(d("1000000000000000000000").sqlite_exact());
        assert!(!d("1234567890123.4567").sqlite_exact());
        assert_eq!(d("0.99").to_f64(), 0.99);
        assert_eq!(d("0.10").to_f64_exact(), Some(0.1));
        assert_eq!(d("0.09999999999999999999").to_f64_exact(), None);
        assert_eq!(d("1.10").to_i64(), None);
        assert_eq!(d("12.000").to_i64(), Some(12));
    }
}
