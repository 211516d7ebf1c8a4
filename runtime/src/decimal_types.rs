//! `rust_decimal::Decimal` as a column type (the `decimal` feature): exact on PostgreSQL
//! (`numeric`), and on SQLite to 15 significant digits ([`crate::exact_decimal`] says how).
//!
//! In queries a decimal compares with decimals, integers and `f64` values (a float literal
//! such as `9.99` is sent as its shortest text, so `p.price < 9.99` means 9.99), and combines
//! in arithmetic with decimals and integers; `sum` and `avg` of decimals are decimals.

use rust_decimal::Decimal;

use crate::exact_decimal::{ExactDecimal, SQLITE_DIGITS};
use crate::types::{
    kind, ColumnType, DecodeFail, IntoOption, NonNull, Numeric, Ordered, SqlType, ToParam,
    TypedParam,
};
use crate::value::{Value, ValueRef};

fn exact(d: &Decimal) -> ExactDecimal {
    // A `Decimal`'s mantissa is below 2⁹⁶ and its scale at most 28, as `ExactDecimal`'s: the
    // fallbacks are never taken.
    ExactDecimal::new(d.mantissa(), d.scale())
        .or_else(|| ExactDecimal::parse(&d.to_string()))
        .unwrap_or_default()
}

fn decimal(d: ExactDecimal) -> Option<Decimal> {
    Decimal::try_from_i128_with_scale(d.mantissa(), d.scale()).ok()
}

#[diagnostic::do_not_recommend]
impl SqlType for Decimal {
    type Inner = Decimal;
    type Kind = kind::Decimal;
    const NULLABLE: bool = false;
    const COLUMN_TYPE: ColumnType = ColumnType::Decimal;
    const RUST_NAME: &'static str = "Decimal";
    #[inline]
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::Decimal(exact(self))
    }
    fn from_value_ref(v: ValueRef<'_>) -> Result<Self, DecodeFail> {
        let d = match v {
            ValueRef::Decimal(d) => Some(d),
            ValueRef::Int(i) => ExactDecimal::new(i128::from(i), 0),
            // SQLite's numbers: 15 significant digits, as SQLite keeps.
            ValueRef::Real(r) => ExactDecimal::from_f64(r, SQLITE_DIGITS),
            // Text another tool stored: exactly (a value a decimal would round is refused).
            ValueRef::Text(t) => std::str::from_utf8(t)
                .ok()
                .and_then(|s| ExactDecimal::parse_exact(s.trim())),
            _ => None,
        };
        d.and_then(decimal)
            .ok_or_else(|| DecodeFail::new("Decimal", v))
    }
}

#[diagnostic::do_not_recommend]
impl NonNull for Decimal {}
#[diagnostic::do_not_recommend]
impl Ordered for Decimal {}
#[diagnostic::do_not_recommend]
impl crate::types::Sorted for Decimal {}
#[diagnostic::do_not_recommend]
impl Numeric for Decimal {
    type Average = Decimal;
}

#[diagnostic::do_not_recommend]
impl ToParam for Decimal {
    fn to_param(&self) -> Value {
        Value::Decimal(exact(self))
    }
}
#[diagnostic::do_not_recommend]
impl TypedParam for Decimal {
    type Sql = Decimal;
    #[inline]
    fn __value(&self) -> Value {
        ToParam::to_param(self)
    }
}

crate::types::comparable_family!(Decimal; Decimal, i16, i32, i64, f64);
crate::types::comparable_family!(i16, i32, i64, f64; Decimal);
crate::promotion::combine! {
    Decimal, Decimal => Decimal;
    Decimal, i16 => Decimal; Decimal, i32 => Decimal; Decimal, i64 => Decimal;
    i16, Decimal => Decimal; i32, Decimal => Decimal; i64, Decimal => Decimal;
}

#[diagnostic::do_not_recommend]
impl IntoOption<Decimal> for Decimal {
    fn into_option(self) -> Option<Decimal> {
        Some(self)
    }
}
#[diagnostic::do_not_recommend]
impl IntoOption<Decimal> for Option<Decimal> {
    fn into_option(self) -> Option<Decimal> {
        self
    }
}
