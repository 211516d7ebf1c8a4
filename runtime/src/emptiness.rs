//! `x.is_empty()` and `exists(x)` where `x` is not a sub-comprehension (those are
//! [`crate::expr::is_empty`] and [`crate::expr::exists`]): a collection (`c.orders`), a
//! correlated sub-query; and, for `is_empty`, a text, as Rust's `String::is_empty` (`= ''`).
//! A text's `is_empty` taken for a sub-query's was a wrong answer inside an aggregate of a
//! sub-comprehension (`sum(if p.note.is_empty() { 1 } else { 0 } for p in c.products)`).

use crate::entity::Entity;
use crate::expr::{Expr, SubQuery};
use crate::navigate::SetOf;
use crate::plan::{BinOp, Node, UNRESOLVED};
use crate::types::ColumnType;
use crate::value::Value;

/// What `.is_empty()` asks of in a query: a collection (no row), or a text (`""`).
#[diagnostic::on_unimplemented(
    message = "`.is_empty()` of `{Self}` has no meaning in a query",
    label = "expected a collection (`c.orders`), a sub-comprehension, or a `String`",
    note = "a collection or sub-comprehension is empty when it has no row; a text when it is `\"\"`"
)]
pub trait Emptiable {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
    /// The condition that it is empty.
    #[doc(hidden)]
    fn empty(self) -> Node;
}

#[diagnostic::do_not_recommend]
impl<T: Entity> Emptiable for Expr<SetOf<T>> {
    fn empty(self) -> Node {
        Node::Exists(UNRESOLVED, Box::new(self.anchor()), true)
    }
}

#[diagnostic::do_not_recommend]
impl Emptiable for Expr<String> {
    fn empty(self) -> Node {
        Node::Binary(
            BinOp::Eq,
            Box::new(self.node),
            Box::new(Node::Const(Value::Text(String::new()), ColumnType::Text)),
        )
    }
}

/// What `exists(..)` asks of in a query, besides a sub-comprehension: a collection.
#[diagnostic::on_unimplemented(
    message = "`exists(..)` of `{Self}` has no meaning in a query",
    label = "expected a collection (`c.orders`) or a sub-comprehension (`o for o in c.orders if ..`)"
)]
pub trait HasRows {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
    /// The node it selects, as a sub-query's anchor.
    #[doc(hidden)]
    fn rows(self) -> Node;
}

#[diagnostic::do_not_recommend]
impl<T: Entity> HasRows for Expr<SetOf<T>> {
    fn rows(self) -> Node {
        self.anchor()
    }
}

/// `c.orders.is_empty()`, `p.note.is_empty()`.
pub fn is_empty_of<S: Emptiable>(s: S) -> Expr<bool> {
    Expr::new(s.empty())
}

/// `exists(c.orders)`.
pub fn exists_of<S: HasRows>(s: S) -> Expr<bool> {
    Expr::new(Node::Exists(UNRESOLVED, Box::new(s.rows()), false))
}
