//! An attribute compared with an outer Rust value (`p.price == limit`, `p.name < "m"`).
//!
//! The comparison is checked against the value's own Rust type rather than the SQL type it is
//! sent as, so that a mistake names what the user wrote: comparing an `i64` attribute with
//! `"many"` says "a value of type `&str` cannot be compared .. with `i64`", not `String`. The
//! generated code calls [`ComparedParam::compare`] (a trait method, so a failing bound is one
//! error at the value, with no note pointing here) after checking the attribute's own type.

use crate::expr::{equality, ordered, Expr};
use crate::navigate::Many;
use crate::plan::{BinOp, Node};
use std::marker::PhantomData;

use crate::types::{Comparable, SqlType};

/// Which comparison: `==`, `!=`, `<`, `<=`, `>` or `>=`.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The plan's operator.
    pub(crate) fn bin_op(self) -> BinOp {
        match self {
            CmpOp::Eq => BinOp::Eq,
            CmpOp::Ne => BinOp::Ne,
            CmpOp::Lt => BinOp::Lt,
            CmpOp::Le => BinOp::Le,
            CmpOp::Gt => BinOp::Gt,
            CmpOp::Ge => BinOp::Ge,
        }
    }
}

/// The attribute side of a comparison with an outer value: one column's value (any
/// [`SqlType`]). A collection's values (`Many<T>`) are not, and are reported here with what to
/// write instead.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a single column value",
    label = "expected a column type",
    note = "column types are bool, i16, i32, i64, f32, f64, String, Vec<u8> and Option of each; relationships are Ref<T>, Option<Ref<T>> and Set<T>",
    note = "the values of a collection (`Many<T>`, such as `c.products.price`) are used through an aggregate (`sum(c.products.price)`), `.contains(..)`, or a generator (`for p in c.products`)"
)]
pub trait Comparand {
    /// Generated code calls this before a comparison with an outer value.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
}

#[diagnostic::do_not_recommend]
impl<T: SqlType> Comparand for T {}

/// An outer Rust value that can be compared with an attribute of SQL type `L`; `S` is the SQL
/// type it is sent as (its `TypedParam::Sql`, given separately so that a value that is no
/// parameter leaves this bound undecided: that mistake is reported once, by `TypedParam`).
#[diagnostic::on_unimplemented(
    message = "a value of type `{Self}` cannot be compared or combined with `{L}`",
    label = "expected a value compatible with `{L}`",
    note = "numbers compare with numbers (integers, floats, decimals), String/&str with text, bool with bool, Vec<u8> with bytes, a `#[derive(Value)]` type with itself; `Option` of each may meet the plain type"
)]
pub trait ComparedParam<L, S> {
    /// `l op value`, the value being outer value number `index` (bound per run).
    #[doc(hidden)]
    fn compare(
        op: CmpOp,
        l: Expr<L>,
        index: usize,
        value: &Self,
        sql: PhantomData<S>,
    ) -> Expr<bool>;
}

#[diagnostic::do_not_recommend]
impl<L: SqlType, S: SqlType + Comparable<L>, V: ?Sized> ComparedParam<L, S> for V {
    #[inline]
    fn compare(op: CmpOp, l: Expr<L>, index: usize, _: &V, _: PhantomData<S>) -> Expr<bool> {
        let r: Expr<S> = Expr::new(Node::Param(index));
        match op {
            CmpOp::Eq => equality(l, r, false),
            CmpOp::Ne => equality(l, r, true),
            CmpOp::Lt => ordered(BinOp::Lt, l, r),
            CmpOp::Le => ordered(BinOp::Le, l, r),
            CmpOp::Gt => ordered(BinOp::Gt, l, r),
            CmpOp::Ge => ordered(BinOp::Ge, l, r),
        }
    }
}

/// A collection's values (`c.products.name == "Dune"`) are not one value: the generated code
/// checks `Many<String>: SqlType` first and reports that, with its note on what to write
/// instead. This impl only keeps a second error about the value away; no program that uses
/// it compiles.
#[diagnostic::do_not_recommend]
impl<T, S, V: ?Sized> ComparedParam<Many<T>, S> for V {
    #[inline]
    fn compare(op: CmpOp, l: Expr<Many<T>>, index: usize, _: &V, _: PhantomData<S>) -> Expr<bool> {
        Expr::new(Node::Binary(
            op.bin_op(),
            Box::new(l.node),
            Box::new(Node::Param(index)),
        ))
    }
}
