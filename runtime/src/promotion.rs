//! What arithmetic gives when two numeric types meet (`left op right`: [`Combine`], on the
//! right side's type), and the casts that make
//! each backend compute it (`widened`).
//!
//! | left | right | result |
//! |---|---|---|
//! | an integer | an integer | the left type |
//! | a float | a float | the left type |
//! | an integer | a float | `f64` |
//! | a float | an integer | `f64` |
//! | a decimal | a decimal or an integer | decimal |
//! | an integer | a decimal | decimal |
//!
//! `Option` on either side makes the result an `Option`.

use crate::plan::{BinOp, CastTo, Node};
use crate::types::{ColumnType, SqlType};

/// `L op Self` is arithmetic a query can do (`Self` is the right side), and gives
/// [`Combine::Out`].
#[diagnostic::on_unimplemented(
    message = "a value of type `{Self}` cannot be combined with `{L}` in arithmetic",
    label = "expected a number that combines with `{L}`",
    note = "integers combine with integers, floats with floats, decimals with decimals and integers; `Option` of each may meet the plain type"
)]
pub trait Combine<L> {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<L>, _: ::core::marker::PhantomData<Self>) {}
    /// The type of the result.
    type Out: SqlType;
}

macro_rules! combine {
    ($($a:ty, $b:ty => $out:ty;)*) => {$(
        #[diagnostic::do_not_recommend]
        impl $crate::promotion::Combine<$a> for $b { type Out = $out; }
        #[diagnostic::do_not_recommend]
        impl $crate::promotion::Combine<Option<$a>> for $b { type Out = Option<$out>; }
        #[diagnostic::do_not_recommend]
        impl $crate::promotion::Combine<$a> for Option<$b> { type Out = Option<$out>; }
        #[diagnostic::do_not_recommend]
        impl $crate::promotion::Combine<Option<$a>> for Option<$b> { type Out = Option<$out>; }
    )*};
}
#[cfg(feature = "decimal")]
pub(crate) use combine;

combine! {
    i16, i16 => i16; i16, i32 => i16; i16, i64 => i16;
    i32, i16 => i32; i32, i32 => i32; i32, i64 => i32;
    i64, i16 => i64; i64, i32 => i64; i64, i64 => i64;
    f32, f32 => f32; f32, f64 => f32;
    f64, f32 => f64; f64, f64 => f64;
    i16, f32 => f64; i16, f64 => f64; i32, f32 => f64; i32, f64 => f64;
    i64, f32 => f64; i64, f64 => f64;
    f32, i16 => f64; f32, i32 => f64; f32, i64 => f64;
    f64, i16 => f64; f64, i32 => f64; f64, i64 => f64;
}

/// A parameter rounded to `f32` (`Node::ParamF32`); another node as it is.
pub(crate) fn narrowed(n: Node) -> Node {
    match n {
        Node::Param(i) => Node::ParamF32(i),
        Node::Const(crate::value::Value::Real(f), _) => Node::Const(
            crate::value::Value::Real(f64::from(f as f32)),
            ColumnType::Float,
        ),
        other => other,
    }
}

/// A parameter bound as the decimal of its shortest text ([`CastTo::ShortestDecimal`]);
/// another node as it is.
fn shortest_decimal(n: Node) -> Node {
    match n {
        Node::Param(_) => Node::Cast(Box::new(n), CastTo::ShortestDecimal),
        other => other,
    }
}

/// A parameter typed as `ty` (`CAST($1 AS BIGINT)` on PostgreSQL); another node as it is.
fn typed(n: Node, ty: ColumnType) -> Node {
    match n {
        Node::Param(_) => Node::Cast(Box::new(n), CastTo::As(ty)),
        other => other,
    }
}

fn is_float(ty: ColumnType) -> bool {
    matches!(ty, ColumnType::Float | ColumnType::Double)
}

fn is_integer(ty: ColumnType) -> bool {
    matches!(
        ty,
        ColumnType::SmallInt | ColumnType::Int | ColumnType::BigInt
    )
}

/// The two sides of an operation between `l` (of type `lt`) and `r` (of type `rt`): JSON
/// in its comparable form, an integer side that meets a decimal or a float cast to it (PostgreSQL then types a parameter on the
/// other side as a decimal, not as an integer it could not hold). A parameter is left as
/// it is: the server types it from the other side.
pub(crate) fn widened(lt: ColumnType, rt: ColumnType, l: Node, r: Node) -> (Node, Node) {
    let cast = |n: Node, to: CastTo| match n {
        Node::Param(_) => n,
        other => Node::Cast(Box::new(other), to),
    };
    match (lt, rt) {
        // JSON compares as JSON (on SQLite: minified, `json(..)`), parameters included.
        (ColumnType::Json, _) | (_, ColumnType::Json) => (
            Node::Cast(Box::new(l), CastTo::Json),
            Node::Cast(Box::new(r), CastTo::Json),
        ),
        // An integer parameter keeps its own type (PostgreSQL would type it as the column it
        // meets, which may be narrower than its attribute, or than the parameter: an `i64`
        // field on another tool's `integer` column; and refuse a value past it, where the
        // comparison by value has an answer).
        (a, b) if is_integer(a) && is_integer(b) => (typed(l, a), typed(r, b)),
        (ColumnType::Decimal, t) if is_integer(t) => (l, cast(r, CastTo::Decimal)),
        (t, ColumnType::Decimal) if is_integer(t) => (cast(l, CastTo::Decimal), r),
        // An `f64` parameter beside a decimal is the decimal of its shortest text (SQLite
        // would compare its binary value, past 2^53 another number).
        (ColumnType::Decimal, ColumnType::Double) => (l, shortest_decimal(r)),
        (ColumnType::Double, ColumnType::Decimal) => (shortest_decimal(l), r),
        // As Rust's `i as f64`, on both backends, parameters too (PostgreSQL would type an
        // integer parameter beside an f32 attribute as `real`).
        (f, t) if is_float(f) && is_integer(t) => (l, Node::Cast(Box::new(r), CastTo::Double)),
        (t, f) if is_float(f) && is_integer(t) => (Node::Cast(Box::new(l), CastTo::Double), r),
        // An f64 parameter beside an f32 attribute is an f32, as Rust types the literal in
        // `x * 0.1` when `x: f32`.
        (ColumnType::Float, ColumnType::Double) => (l, narrowed(r)),
        (ColumnType::Double, ColumnType::Float) => (narrowed(l), r),
        _ => (l, r),
    }
}

/// `l op r` of an arithmetic operator, its sides [`widened`]; a division with a decimal or
/// a float on either side divides a real dividend (SQLite would divide `10 / 4` as integers:
/// 2, and an `f64` column of NUMERIC affinity, or an integer branch of a float `if`, holds
/// whole values as integers), and the float sides of `+ - *` are computed as floats
/// (SQLite would add such integers exactly: `2^53 + 1.0`, which no `f64` holds).
pub(crate) fn arithmetic(op: BinOp, lt: ColumnType, rt: ColumnType, l: Node, r: Node) -> Node {
    // An `f64` on the left of an `f32` is an `f32` when it is a value of the program (a
    // literal's type follows the attribute's in Rust), else the result is the `f64` it is
    // typed (`amount * rate` of an `f64` and an `f32` attribute: Rust has no such
    // arithmetic; rounding it to `f32` lost digits of an `f64` result).
    let program_value = |n: &Node| {
        matches!(
            n,
            Node::Param(_) | Node::Const(crate::value::Value::Real(_), _)
        )
    };
    let left_narrowed = lt == ColumnType::Double && rt == ColumnType::Float && program_value(&l);
    let (l, r) = widened(lt, rt, l, r);
    let real = |t| t == ColumnType::Decimal || is_float(t);
    let widened_already = matches!(&l, Node::Cast(_, CastTo::Double | CastTo::Float));
    let l = if op == BinOp::Div && (real(lt) || real(rt)) && !widened_already {
        Node::Cast(Box::new(l), CastTo::Real)
    } else {
        l
    };
    let (l, r) = if matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul) {
        (as_real(lt, l), as_real(rt, r))
    } else {
        (l, r)
    };
    let node = Node::Binary(op, Box::new(l), Box::new(r));
    // An `f32` result (an `f32` attribute with an `f32` or `f64`) is rounded to `f32`, as
    // Rust computes it (SQLite computes REAL in f64: `0.4f32 * 2.5` would be 1.0000000149).
    let float32 = matches!(
        (lt, rt),
        (ColumnType::Float, ColumnType::Float | ColumnType::Double)
    ) || left_narrowed;
    if float32 {
        Node::Cast(Box::new(node), CastTo::Float32)
    } else if lt == ColumnType::Decimal || rt == ColumnType::Decimal {
        // Exact where it is compared, cast or grouped, not only where it is read back
        // (SQLite computes a REAL: 0.10 * 3 would be 0.30000000000000004).
        Node::Cast(Box::new(node), CastTo::StoredDecimal)
    } else {
        node
    }
}

/// A float operand (of type `ty`) of `+ - *` or of a sum computed as a float
/// ([`CastTo::Real`]), unless it is the program's value (bound or written as a float) or
/// cast to a float already.
pub(crate) fn as_real(ty: ColumnType, n: Node) -> Node {
    let float_already = matches!(
        &n,
        Node::Param(_)
            | Node::ParamF32(_)
            | Node::Const(crate::value::Value::Real(_), _)
            | Node::Cast(
                _,
                CastTo::Double | CastTo::Float | CastTo::Float32 | CastTo::Real
            )
    );
    if is_float(ty) && !float_already {
        Node::Cast(Box::new(n), CastTo::Real)
    } else {
        n
    }
}

/// `L + Self`: numbers that [`Combine`], or text (concatenated).
#[diagnostic::on_unimplemented(
    message = "a value of type `{Self}` cannot be added to `{L}`",
    label = "expected a number that combines with `{L}`, or text after text",
    note = "integers combine with integers and floats, floats with floats, decimals with decimals and integers; text + text concatenates; `Option` of each may meet the plain type"
)]
pub trait Added<L> {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<L>, _: ::core::marker::PhantomData<Self>) {}
    /// The result.
    type Out: SqlType;
    /// Whether `+` concatenates text.
    const CONCAT: bool;
}
#[diagnostic::do_not_recommend]
impl<L, R: Combine<L>> Added<L> for R {
    type Out = R::Out;
    const CONCAT: bool = false;
}
macro_rules! concat_text {
    ($($a:ty, $b:ty => $out:ty;)*) => {$(
        #[diagnostic::do_not_recommend]
        impl Added<$a> for $b {
            type Out = $out;
            const CONCAT: bool = true;
        }
    )*};
}
concat_text! {
    String, String => String;
    Option<String>, String => Option<String>;
    String, Option<String> => Option<String>;
    Option<String>, Option<String> => Option<String>;
}

/// `L % Self`: integers on both sides (SQLite truncates a float to an integer and
/// PostgreSQL has no `%` for floats, so a float remainder would not be Rust's).
#[diagnostic::on_unimplemented(
    message = "`%` needs integers, not `{L}` and `{Self}`",
    label = "the remainder of a float has no SQL that gives Rust's answer on every backend",
    note = "`%` works on i16, i32, i64 and Option of each"
)]
pub trait Remainder<L> {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<L>, _: ::core::marker::PhantomData<Self>) {}
}
macro_rules! remainder {
    ($($a:ty),*) => {
        remainder!(@each [$($a),*] [$($a),*]);
    };
    (@each [$($a:ty),*] $bs:tt) => {
        $( remainder!(@one $a $bs); )*
    };
    (@one $a:ty [$($b:ty),*]) => {$(
        #[diagnostic::do_not_recommend]
        impl Remainder<$a> for $b {}
        #[diagnostic::do_not_recommend]
        impl Remainder<Option<$a>> for $b {}
        #[diagnostic::do_not_recommend]
        impl Remainder<$a> for Option<$b> {}
        #[diagnostic::do_not_recommend]
        impl Remainder<Option<$a>> for Option<$b> {}
    )*};
}
remainder!(i16, i32, i64);

/// An attribute a bulk `set` (`select!(q.set(|p| p.price = ..))`) names: a plain value's, or
/// a reference's, which a bulk `set` does not assign (see [`AssignsPlain`]).
pub trait Assignee {
    /// The SQL type a value assigned to it must suit ([`Assignable`]).
    type Sql;
    /// The SQL type `None` is assigned to ([`crate::types::Nullable`]).
    type NullSql;
    /// The entity a reference refers to; [`Plain`] for other attributes.
    type Referent;
    /// Its table and column in the plan.
    #[doc(hidden)]
    fn position(&self) -> (u16, u16);
    /// The value as written into its column.
    #[doc(hidden)]
    fn assigned(value: Node) -> Node;
}

/// The referent of an attribute that is not a reference.
pub struct Plain;

/// What a reference attribute takes in the checks of a bulk `set`: anything, so that the
/// one error is [`AssignsPlain`]'s.
pub struct RefAttr;

#[diagnostic::do_not_recommend]
impl<V: ?Sized> Assignable<RefAttr> for V {}

/// What a bulk `set` assigns: an attribute of a plain value, not a reference (the loaded
/// collections it moves objects between would not follow). Implemented by [`Plain`] only: a
/// reference to `T` is the compile error, at the attribute.
#[diagnostic::on_unimplemented(
    message = "a bulk `set` assigns attributes of plain values, not a reference to `{Self}`",
    label = "a reference is not assigned by a bulk `set`",
    note = "load the objects and change each with `obj.set(|o| o.reference = ..)`, which moves them between the loaded collections too"
)]
pub trait AssignsPlain {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
}

#[diagnostic::do_not_recommend]
impl AssignsPlain for Plain {}

impl<T: SqlType> Assignee for &crate::expr::Col<T> {
    type Sql = T;
    type NullSql = T;
    type Referent = Plain;
    fn position(&self) -> (u16, u16) {
        crate::expr::Col::position(self)
    }
    fn assigned(value: Node) -> Node {
        assigned::<T>(value)
    }
}

macro_rules! reference_assignee {
    ($($handle:ident),*) => {$(
        impl<T: crate::Entity> Assignee for &crate::navigate::$handle<T> {
            type Sql = RefAttr;
            type NullSql = Option<i64>;
            type Referent = T;
            fn position(&self) -> (u16, u16) {
                (self.source(), self.column())
            }
            fn assigned(value: Node) -> Node {
                value
            }
        }
    )*};
}
reference_assignee!(RefCol, OptRefCol);

/// `column = value` in `.set(|p| ..)`: a value of `Self` can be stored in a `T` attribute.
/// The same type; a value into an `Option` of it; an integer into any integer attribute and
/// a float into any float one (as a literal in Rust takes the attribute's type: a value out
/// of a narrower column's range is refused by PostgreSQL, and on SQLite stored, then a
/// `Decode` error when read).
#[diagnostic::on_unimplemented(
    message = "a value of type `{Self}` cannot be assigned to a `{T}` attribute",
    label = "expected a value for a `{T}` attribute",
    note = "assign a value of the attribute's type (an `Option` attribute also takes the plain type); integers go into integer attributes, floats into float ones: convert others with `as`"
)]
pub trait Assignable<T> {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<T>, _: ::core::marker::PhantomData<Self>) {}
    /// The assigned value's node as a value: a `bool` test stores the `false` it selects
    /// where it reads a NULL ([`crate::plan::bool_value`]).
    #[doc(hidden)]
    fn value(node: Node) -> Node {
        node
    }
}

#[diagnostic::do_not_recommend]
impl<T: SqlType> Assignable<T> for T {
    fn value(node: Node) -> Node {
        crate::plan::bool_value::<T>(node)
    }
}
#[diagnostic::do_not_recommend]
impl<T: crate::types::NonNull> Assignable<Option<T>> for T {
    fn value(node: Node) -> Node {
        crate::plan::bool_value::<T>(node)
    }
}

macro_rules! assignable {
    ($($from:ty => $($to:ty),*;)*) => {$($(
        #[diagnostic::do_not_recommend]
        impl Assignable<$to> for $from {}
        #[diagnostic::do_not_recommend]
        impl Assignable<Option<$to>> for Option<$from> {}
        #[diagnostic::do_not_recommend]
        impl Assignable<Option<$to>> for $from {}
    )*)*};
}
assignable! {
    i64 => i16, i32;
    i32 => i16, i64;
    i16 => i32, i64;
    f64 => f32;
    f32 => f64;
}

/// The node stored by `column = value` for a `T` attribute: what the attribute holds when
/// Colt writes it. An `f32` rounded to `f32` (a parameter as compared ones are, a computed
/// value in the statement); a computed decimal as a decimal is stored on SQLite (not the
/// noise of REAL arithmetic, `0.1 * 3` → `0.30000000000000004`).
pub(crate) fn assigned<T: SqlType>(value: Node) -> Node {
    let param = matches!(value, Node::Param(_) | Node::ParamF32(_));
    match T::COLUMN_TYPE {
        ColumnType::Float if param => narrowed(value),
        // (Another column's value too: an `f64` one is rounded as well.)
        ColumnType::Float => Node::Cast(Box::new(value), CastTo::Float32),
        ColumnType::Decimal if !param && !matches!(value, Node::Column { .. }) => {
            Node::Cast(Box::new(value), CastTo::StoredDecimal)
        }
        _ => value,
    }
}
