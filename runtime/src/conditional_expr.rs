//! Conditional values in a query: `if c { a } else { b }` (SQL's `CASE WHEN`) and
//! `a.unwrap_or(b)` (`COALESCE`). The branches are of one kind, as `==` wants them; the
//! result is the wider of two numbers (`f64` when a float meets an integer, the wider
//! integer of two), and an `Option` when either branch is. A condition that is NULL takes
//! the `else` branch, as in SQL.

use crate::expr::Expr;
use crate::plan::{CastTo, Func, Node};
use crate::types::{Condition, NonNull, Nullable, SqlType};

/// The type of a value that is `Self` or `B`, both plain types: the same type, or the wider
/// of two numbers.
#[diagnostic::on_unimplemented(
    message = "`{Self}` and `{B}` do not give one type",
    label = "both branches must be of one kind"
)]
pub trait Wider<B> {
    /// The result.
    type Out: NonNull;
}
#[diagnostic::do_not_recommend]
impl<T: NonNull> Wider<T> for T {
    type Out = T;
}
macro_rules! wider {
    ($($a:ty, $b:ty => $out:ty;)*) => {$(
        #[diagnostic::do_not_recommend]
        impl Wider<$b> for $a { type Out = $out; }
        #[diagnostic::do_not_recommend]
        impl Wider<$a> for $b { type Out = $out; }
    )*};
}
wider! {
    i16, i32 => i32; i16, i64 => i64; i32, i64 => i64;
    f32, f64 => f32;
    i16, f32 => f64; i16, f64 => f64; i32, f32 => f64; i32, f64 => f64;
    i64, f32 => f64; i64, f64 => f64;
}
#[cfg(feature = "decimal")]
wider! {
    rust_decimal::Decimal, i16 => rust_decimal::Decimal;
    rust_decimal::Decimal, i32 => rust_decimal::Decimal;
    rust_decimal::Decimal, i64 => rust_decimal::Decimal;
}

/// The type of a value that is `A` or `B`: their [`Wider`] type, an `Option` when either is.
#[diagnostic::on_unimplemented(
    message = "the branches `{Self}` do not give one type",
    label = "both branches must be of one kind"
)]
pub trait Branches {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
    /// The result.
    type Out: SqlType;
}
#[diagnostic::do_not_recommend]
impl<A: NonNull + Wider<B>, B: NonNull> Branches for (A, B) {
    type Out = A::Out;
}
#[diagnostic::do_not_recommend]
impl<A: NonNull + Wider<B>, B: NonNull> Branches for (Option<A>, B) {
    type Out = Option<A::Out>;
}
#[diagnostic::do_not_recommend]
impl<A: NonNull + Wider<B>, B: NonNull> Branches for (A, Option<B>) {
    type Out = Option<A::Out>;
}
#[diagnostic::do_not_recommend]
impl<A: NonNull + Wider<B>, B: NonNull> Branches for (Option<A>, Option<B>) {
    type Out = Option<A::Out>;
}

/// A branch as a value of the result's type: a parameter typed (PostgreSQL would take a
/// `CASE` of untyped parameters for text), an f64 parameter beside an f32 result rounded to
/// `f32`.
///
/// An integer branch of a float result is made a float: SQLite keeps an integer's storage
/// class through `CASE` and `COALESCE`, so `a.unwrap_or(0.5) / b.unwrap_or(0.5)` divided
/// two integers there (7 / 2 = 3, where Rust and PostgreSQL say 3.5).
fn branch<O: SqlType>(n: Node) -> Node {
    use crate::types::ColumnType;
    match n {
        Node::Param(i) if O::COLUMN_TYPE == ColumnType::Float => {
            Node::Cast(Box::new(Node::ParamF32(i)), CastTo::As(O::COLUMN_TYPE))
        }
        // An integer parameter of a float result is `i as f64` (SQLite's typed parameter
        // would stay an integer, compared exactly with a REAL past 2^53).
        Node::Param(_) if O::COLUMN_TYPE == ColumnType::Double => {
            Node::Cast(Box::new(n), CastTo::Double)
        }
        Node::Param(_) => Node::Cast(Box::new(n), CastTo::As(O::COLUMN_TYPE)),
        other if O::COLUMN_TYPE == ColumnType::Double => {
            Node::Cast(Box::new(other), CastTo::Double)
        }
        other if O::COLUMN_TYPE == ColumnType::Float => {
            Node::Cast(Box::new(other), CastTo::Float32)
        }
        other => other,
    }
}

/// `if c { a } else { b }`.
pub fn if_else<C, A, B, O>(c: Expr<C>, a: Expr<A>, b: Expr<B>) -> Expr<O>
where
    C: Condition,
    A: SqlType,
    B: SqlType,
    (A, B): Branches<Out = O>,
    O: SqlType,
{
    Expr::new(Node::Call(
        Func::IfElse,
        vec![c.node, branch::<O>(a.node), branch::<O>(b.node)],
    ))
}

/// The value of an `Option` where a test has made sure it is there (`Some(v)` in a
/// `match`, `v` in `.is_some_and(|v| ..)`): the same SQL, typed as the value, so that `v`
/// reads as a `T` (as in Rust) and not as an `Option<T>`.
#[doc(hidden)]
pub fn some_value<A>(a: Expr<A>) -> Expr<A::Inner>
where
    A: Nullable,
    A::Inner: SqlType,
{
    Expr::new(a.node)
}

/// A condition that is true or false, never NULL (`COALESCE(c, FALSE)`, `no` the bound
/// `false`): the body of `.is_some_and(..)`, which Rust types `bool`. The `false` is typed:
/// PostgreSQL would take `COALESCE($1, $2)` of two parameters (a body computed in Rust) for
/// text.
#[doc(hidden)]
pub fn known<C: crate::types::Condition>(c: Expr<C>, no: Expr<bool>) -> Expr<bool> {
    Expr::new(Node::Call(
        Func::Coalesce,
        vec![c.node, branch::<bool>(no.node)],
    ))
}

/// `a.unwrap_or(b)`: `a`, or `b` where `a` is NULL.
pub fn unwrap_or<A, B, O>(a: Expr<A>, b: Expr<B>) -> Expr<O>
where
    A: Nullable,
    B: SqlType,
    (A::Inner, B): Branches<Out = O>,
    O: SqlType,
{
    Expr::new(Node::Call(
        Func::Coalesce,
        vec![branch::<O>(a.node), branch::<O>(b.node)],
    ))
}
