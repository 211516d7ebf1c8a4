//! PostgreSQL's binary `NUMERIC` (base-10 000 digits, a weight, a sign, a display scale),
//! to and from decimal text: decoded values are exact decimals ([`ExactDecimal`]; an `f64`
//! attribute reads the nearest float, as Rust's own parsing gives), and floats are written
//! from their shortest decimal text (so `19.99_f64` is stored as `19.99`).

use crate::exact_decimal::ExactDecimal;
use crate::value::ValueRef;

const POSITIVE: u16 = 0x0000;
const NEGATIVE: u16 = 0x4000;
const NAN: u16 = 0xC000;
const INFINITY: u16 = 0xD000;
const NEG_INFINITY: u16 = 0xF000;

/// The first `N` bytes of `b` (big-endian fields of the binary protocol), if it has them.
pub(super) fn be<const N: usize>(b: &[u8]) -> Option<[u8; N]> {
    b.get(..N).and_then(|s| s.try_into().ok())
}

/// A binary NUMERIC: an integer when it has no fraction and fits in `i64`, else an exact
/// decimal when one holds it (at most 28 places, a 96-bit mantissa), else the nearest float
/// (NaN and the infinities as themselves).
pub(crate) fn decode(b: &[u8]) -> Option<ValueRef<'static>> {
    let ndigits = usize::from(u16::from_be_bytes(be(b)?));
    let weight = i32::from(i16::from_be_bytes(be(b.get(2..)?)?));
    let sign = u16::from_be_bytes(be(b.get(4..)?)?);
    let dscale = u16::from_be_bytes(be(b.get(6..)?)?);
    match sign {
        NAN => return Some(ValueRef::Real(f64::NAN)),
        // PostgreSQL 14 and later: infinite NUMERIC values (they used to decode as 0).
        INFINITY => return Some(ValueRef::Real(f64::INFINITY)),
        NEG_INFINITY => return Some(ValueRef::Real(f64::NEG_INFINITY)),
        _ => {}
    }
    let mut digits = Vec::with_capacity(ndigits);
    for i in 0..ndigits {
        digits.push(i16::from_be_bytes(be(b.get(8 + 2 * i..)?)?));
    }
    let negative = sign == NEGATIVE;
    if dscale == 0 && digits.len() as i32 <= weight + 1 {
        let mut acc: Option<i64> = Some(0);
        for i in 0..=weight.max(-1) {
            let d = digits.get(i as usize).copied().unwrap_or(0);
            acc = acc.and_then(|a| a.checked_mul(10_000)?.checked_add(i64::from(d)));
        }
        // (An integer too large for `i64` is read as the nearest float below.)
        if let Some(acc) = acc {
            return Some(ValueRef::Int(if negative { -acc } else { acc }));
        }
    }
    let mut decimal_digits = Vec::with_capacity(4 * digits.len());
    for d in &digits {
        let d = u16::try_from(*d).ok().filter(|d| *d < 10_000)?;
        decimal_digits.extend([d / 1000, d / 100 % 10, d / 10 % 10, d % 10].map(|x| x as u8));
    }
    // `digits × 10_000^(weight - ndigits + 1)`, its trailing zeros left out.
    let mut scale = 4 * (ndigits as i64 - 1 - i64::from(weight));
    while scale > 0 && decimal_digits.last() == Some(&0) {
        decimal_digits.pop();
        scale -= 1;
    }
    // Only when a decimal holds it exactly (else an `f64` attribute would read a rounded
    // decimal's float): `from_digits` rounds only past 28 places or 96 bits.
    let exact = ExactDecimal::from_digits(negative, &decimal_digits, scale)
        .filter(|d| i64::from(d.scale()) == scale.max(0));
    if let Some(d) = exact {
        // At the display scale (`1.50` as written), when it fits.
        let d = ExactDecimal::new(d.mantissa(), d.scale())
            .and_then(|d| rescale(d, u32::from(dscale)))
            .unwrap_or(d);
        return Some(ValueRef::Decimal(d));
    }
    // The exact decimal text `DDDD…e±x`, parsed: correctly rounded, unlike a sum of
    // powers of 10 000 (which gave 0.9900000000000001 for 0.99).
    let mut text = String::with_capacity(4 * digits.len() + 8);
    if negative {
        text.push('-');
    }
    if digits.is_empty() {
        text.push('0');
    }
    for d in &digits {
        text.push_str(&format!("{d:04}"));
    }
    let exponent = 4 * (weight - (digits.len() as i32 - 1));
    text.push_str(&format!("e{exponent}"));
    let nearest = text.parse::<f64>().ok()?;
    // More places (or digits) than a decimal holds: the decimal rounded to its 28 places (or
    // 96 bits), when that is still the same float (a decimal attribute then reads 28 places,
    // not a float's 15 digits; an `f64` one the nearest float either way). Else the float:
    // `1e-30` rounds to a decimal 0; and a fraction that rounds to a whole number stays the
    // float, which an integer attribute refuses (`0.99..9` with 40 nines is no `1`).
    match ExactDecimal::from_digits(negative, &decimal_digits, scale) {
        Some(d) if d.to_f64() == nearest && d.trimmed().scale() > 0 => Some(ValueRef::Decimal(d)),
        _ => Some(ValueRef::Real(nearest)),
    }
}

/// `d` with `scale` places after the point, if that only adds or removes zeros and fits.
fn rescale(d: ExactDecimal, scale: u32) -> Option<ExactDecimal> {
    let t = d.trimmed();
    if scale < t.scale() {
        return None;
    }
    let m = t
        .mantissa()
        .checked_mul(10i128.checked_pow(scale - t.scale())?)?;
    ExactDecimal::new(m, scale)
}

/// An exact decimal as a binary NUMERIC.
pub(crate) fn encode_exact(d: ExactDecimal) -> Vec<u8> {
    let mut out = Vec::with_capacity(24);
    // Its text is plain digits with an optional sign and point.
    let _ = encode_decimal(&d.to_string(), &mut out);
    out
}

/// Writes `decimal` (an optional `-`, digits, an optional `.` and digits, as Rust prints
/// integers and floats) as a binary NUMERIC.
fn encode_decimal(decimal: &str, out: &mut Vec<u8>) -> Option<()> {
    let (negative, unsigned) = match decimal.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, decimal),
    };
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if !int.bytes().chain(frac.bytes()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let dscale = u16::try_from(frac.len()).ok()?;
    // Whole groups of four: the integer part padded on the left, the fraction on the right.
    let int_pad = (4 - int.len() % 4) % 4;
    let frac_pad = (4 - frac.len() % 4) % 4;
    let all: String = "0".repeat(int_pad) + int + frac + &"0".repeat(frac_pad);
    let mut groups: Vec<i16> = all
        .as_bytes()
        .chunks(4)
        .map(|c| c.iter().fold(0i16, |acc, d| acc * 10 + i16::from(d - b'0')))
        .collect();
    let mut weight = ((int_pad + int.len()) / 4) as i32 - 1;
    while groups.first() == Some(&0) {
        groups.remove(0);
        weight -= 1;
    }
    while groups.last() == Some(&0) {
        groups.pop();
    }
    if groups.is_empty() {
        weight = 0;
    }
    let sign = if negative && !groups.is_empty() {
        NEGATIVE
    } else {
        POSITIVE
    };
    out.extend_from_slice(&u16::try_from(groups.len()).ok()?.to_be_bytes());
    out.extend_from_slice(&i16::try_from(weight).ok()?.to_be_bytes());
    out.extend_from_slice(&sign.to_be_bytes());
    out.extend_from_slice(&dscale.to_be_bytes());
    for g in groups {
        out.extend_from_slice(&g.to_be_bytes());
    }
    Some(())
}

/// An integer as a binary NUMERIC.
pub(crate) fn encode_int(i: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    // Rust's integer text is always plain digits.
    let _ = encode_decimal(&i.to_string(), &mut out);
    out
}

/// A float as a binary NUMERIC, from its shortest decimal text (`19.99`, not
/// `19.989999999999998`); NaN and the infinities as PostgreSQL's own.
pub(crate) fn encode_float(f: f64) -> Vec<u8> {
    let special = |sign: u16| [0u8, 0, 0, 0, (sign >> 8) as u8, 0, 0, 0].to_vec();
    if f.is_nan() {
        return special(NAN);
    }
    if f.is_infinite() {
        return special(if f > 0.0 { INFINITY } else { NEG_INFINITY });
    }
    let mut out = Vec::with_capacity(24);
    // `{}` of an f64 is its shortest round-trip text, without an exponent.
    let _ = encode_decimal(&format!("{f}"), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(f: f64) -> f64 {
        match decode(&encode_float(f)) {
            Some(ValueRef::Real(r)) => r,
            Some(ValueRef::Decimal(d)) => d.to_f64(),
            Some(ValueRef::Int(i)) => i as f64,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn floats_keep_their_shortest_decimal_text() {
        for f in [
            0.99,
            19.99,
            -0.5,
            1e-7,
            123_456.789,
            1e22,
            -3.0,
            0.0,
            0.1 + 0.2,
        ] {
            assert_eq!(round_trip(f), f, "{f}");
        }
        assert!(round_trip(f64::NAN).is_nan());
        assert_eq!(round_trip(f64::INFINITY), f64::INFINITY);
        assert_eq!(round_trip(f64::NEG_INFINITY), f64::NEG_INFINITY);
    }

    #[test]
    fn decimals_are_exact() {
        for s in [
            "0.99",
            "-1.50",
            "0.0001",
            "12345678901234567890.12345678",
            "7.9228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
        ] {
            let d = ExactDecimal::parse(s).unwrap();
            match decode(&encode_exact(d)) {
                Some(ValueRef::Decimal(back)) => assert_eq!(back.to_string(), s),
                Some(ValueRef::Int(i)) => assert_eq!(i.to_string(), s),
                other => panic!("{s}: {other:?}"),
            }
        }
    }

    /// Beyond a decimal's places or digits: the nearest float where a rounded decimal is not
    /// that float (an `f64` attribute on a `numeric` column read 1e-30 as 0), else the
    /// rounded decimal.
    #[test]
    fn numerics_beyond_a_decimal_read_as_the_nearest_float() {
        for f in [1e-30, 1.2345678901234567e-20, 1e-100] {
            assert_eq!(decode(&encode_float(f)), Some(ValueRef::Real(f)), "{f}");
        }
        let long = ExactDecimal::parse("12345678901234567890.1234567890123").unwrap();
        match decode(&encode_exact(long)) {
            Some(ValueRef::Decimal(d)) => assert_eq!(d, long),
            other => panic!("{other:?}"),
        }
        // Past a decimal's 96 bits: the decimal rounded, which is the same float.
        let mut out = Vec::new();
        encode_decimal("12345678901234567890.12345678901234567890", &mut out).unwrap();
        let rounded = ExactDecimal::parse("12345678901234567890.123456789").unwrap();
        assert_eq!(decode(&out), Some(ValueRef::Decimal(rounded)));
        assert_eq!(rounded.to_f64(), 12345678901234567890.12345678901234567890);
        // Past its 28 places, rounded half to even.
        let mut out = Vec::new();
        encode_decimal("0.12345678901234567890123456785", &mut out).unwrap();
        let rounded = ExactDecimal::parse("0.1234567890123456789012345678").unwrap();
        assert_eq!(decode(&out), Some(ValueRef::Decimal(rounded)));
    }

    #[test]
    fn integers_stay_integers() {
        for i in [0, 1, -1, 9_999, 10_000, 123_456_789, i64::MAX, i64::MIN + 1] {
            assert_eq!(decode(&encode_int(i)), Some(ValueRef::Int(i)), "{i}");
        }
    }
}
