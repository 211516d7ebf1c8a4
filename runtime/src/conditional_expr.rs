//! Conditional values in a query: `if c { a } else { b }` (SQL's `CASE WHEN`) and
//! `a.unwrap_or(b)` (`COALESCE`). The branches are of one kind, as `==` wants them; the
//! result is an `Option` when either branch is.

use crate::expr::Expr;
use crate::plan::{Func, Node};
use crate::types::{Comparable, Condition, NonNull, Nullable, SqlType};

/// The type of a value that is `A` or `B`.
#[diagnostic::on_unimplemented(
    message = "the branches `{Self}` do not give one type",
    label = "both branches must be of one kind"
)]
pub trait Branches {
    /// The result: the first branch's type, an `Option` when either is.
    type Out: SqlType;
}
impl<A: NonNull, B: NonNull> Branches for (A, B) {
    type Out = A;
}
impl<A: NonNull, B: NonNull> Branches for (Option<A>, B) {
    type Out = Option<A>;
}
impl<A: NonNull, B: NonNull> Branches for (A, Option<B>) {
    type Out = Option<A>;
}
impl<A: NonNull, B: NonNull> Branches for (Option<A>, Option<B>) {
    type Out = Option<A>;
}

/// `if c { a } else { b }`.
pub fn if_else<C, A, B, O>(c: Expr<C>, a: Expr<A>, b: Expr<B>) -> Expr<O>
where
    C: Condition,
    A: SqlType,
    B: Comparable<A> + SqlType,
    (A, B): Branches<Out = O>,
{
    Expr::new(Node::Call(Func::IfElse, vec![c.node, a.node, b.node]))
}

/// `a.unwrap_or(b)`: `a`, or `b` where `a` is NULL.
pub fn unwrap_or<A, B, O>(a: Expr<A>, b: Expr<B>) -> Expr<O>
where
    A: Nullable,
    B: Comparable<A::Inner> + SqlType,
    (A::Inner, B): Branches<Out = O>,
{
    Expr::new(Node::Call(Func::Coalesce, vec![a.node, b.node]))
}
