//! Numeric functions of query values: `x as f64` (and the other numeric casts), `.abs()`,
//! `.round()`.
//!
//! - `x as f64`: the value as a float; `x as f32` rounded to `f32`, as Rust's `as`.
//! - `x as i64`, `x as i32`, `x as i16`: an integer; a float or a decimal is truncated toward
//!   zero, as Rust's `as` (PostgreSQL's own cast rounds). Unlike Rust's `as`, a value that
//!   does not fit the target is never wrapped nor saturated: it is an error
//!   (`Error::OutOfRange`) on both backends, wherever the cast is (a condition too).
//! - `.abs()`: of an integer, float or decimal.
//! - `.round()`: of a float, half away from zero, as Rust's `f64::round` (PostgreSQL's
//!   `round(double precision)` would break ties to even).

use crate::expr::Expr;
use crate::plan::{CastTo, Func, Node};
use crate::types::{ColumnType, NonNull, Numeric, SqlType};

/// A type a query value can be cast to with `as`.
#[diagnostic::on_unimplemented(
    message = "a query cannot cast to `{Self}`",
    label = "casts go to `f64`, `f32`, `i64`, `i32` or `i16`"
)]
pub trait CastTarget: NonNull {
    /// Whether the target is an integer.
    const INTEGER: bool;
}
#[diagnostic::do_not_recommend]
impl CastTarget for f64 {
    const INTEGER: bool = false;
}
#[diagnostic::do_not_recommend]
impl CastTarget for f32 {
    const INTEGER: bool = false;
}
#[diagnostic::do_not_recommend]
impl CastTarget for i64 {
    const INTEGER: bool = true;
}
#[diagnostic::do_not_recommend]
impl CastTarget for i32 {
    const INTEGER: bool = true;
}
#[diagnostic::do_not_recommend]
impl CastTarget for i16 {
    const INTEGER: bool = true;
}

/// The type of `Self as U`: `U`, or `Option<U>` for an `Option`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be cast to `{U}` in a query",
    label = "only numbers (integers, floats, decimals) are cast",
    note = "`x as f64`, `x as i64` work on i16, i32, i64, f32, f64, Decimal and Option of each"
)]
pub trait Recast<U> {
    /// The result.
    type Out: SqlType;
}
#[diagnostic::do_not_recommend]
impl<T: Numeric + NonNull, U: CastTarget> Recast<U> for T {
    type Out = U;
}
#[diagnostic::do_not_recommend]
impl<T: Numeric + NonNull, U: CastTarget> Recast<U> for Option<T> {
    type Out = Option<U>;
}

/// `e as U`.
pub fn cast<U: CastTarget, T, O>(e: Expr<T>) -> Expr<O>
where
    T: SqlType + Recast<U, Out = O>,
{
    let from_integer = matches!(
        T::COLUMN_TYPE,
        ColumnType::SmallInt | ColumnType::Int | ColumnType::BigInt | ColumnType::Bool
    );
    let to = match (U::INTEGER, from_integer) {
        (false, _) if U::COLUMN_TYPE == ColumnType::Float => CastTo::Float32,
        (false, _) => CastTo::Float,
        (true, true) => CastTo::Integer(U::COLUMN_TYPE),
        (true, false) => CastTo::Truncated(U::COLUMN_TYPE),
    };
    Expr::new(Node::Cast(Box::new(e.node), to))
}

/// `e.abs()`.
pub fn abs<T: Numeric>(e: Expr<T>) -> Expr<T> {
    Expr::new(Node::Call(Func::Abs, vec![e.node]))
}

/// Float types (`.round()`).
#[diagnostic::on_unimplemented(
    message = "`.round()` needs a float, not `{Self}`",
    label = "`.round()` rounds an f32 or f64 attribute (half away from zero)"
)]
pub trait Floating: Numeric {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
}
#[diagnostic::do_not_recommend]
impl Floating for f32 {}
#[diagnostic::do_not_recommend]
impl Floating for f64 {}
#[diagnostic::do_not_recommend]
impl<T: Floating + NonNull> Floating for Option<T> {}

/// `e.round()`: half away from zero, as Rust's.
pub fn round<T: Floating>(e: Expr<T>) -> Expr<T> {
    Expr::new(Node::Call(Func::Round, vec![e.node]))
}
