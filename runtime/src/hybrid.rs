//! Hybrid methods (PonyORM's methods used in queries): `#[colt::hybrid]` on an `impl` of an
//! entity gives each method written there, `fn is_cheap(&self) -> bool { self.price < 100 }`,
//! a twin on the entity's column handles that `select!` calls (`p.is_cheap()`), built from
//! the same body.
//!
//! A hybrid body reads its object's attributes and literals; its literals become part of the
//! SQL text ([`constant`]), as they are part of the program, not values from outside.

use crate::expr::Expr;
use crate::plan::{BinOp, Node};
use crate::types::{ColumnType, Comparable, Ordered, SqlType, TypedParam};
use crate::value::Value;

/// A literal of a hybrid method's body (`100`, `0.5`, `"tea"`, `true`), written into the SQL
/// text: an integer as such (an `i64` as a `BIGINT` on PostgreSQL), a float with its type
/// (PostgreSQL: `CAST('2.5' AS DOUBLE PRECISION)`, or `REAL` against an `f32` attribute, so
/// that it computes as a parameter would), a text quoted (`'` doubled), a boolean as `(1 =
/// 1)` / `(1 = 0)` (a condition on both backends).
pub fn constant<V: TypedParam + ?Sized>(value: &V) -> Expr<V::Sql> {
    let v = value.__item();
    let ty = <V::Sql as SqlType>::COLUMN_TYPE;
    let node = match (ty, v) {
        (ColumnType::Bool, Value::Int(i)) => Node::Binary(
            BinOp::Eq,
            Box::new(Node::Const(Value::Int(1), ColumnType::Int)),
            Box::new(Node::Const(Value::Int(i64::from(i != 0)), ColumnType::Int)),
        ),
        (_, v) => Node::Const(v, ty),
    };
    Expr::new(node)
}

/// `l == r` in a hybrid method's body: as Rust's `==`, where two `Option`s that are both
/// `None` are equal and `None` never equals `Some` (`COALESCE(l = r, l IS NULL AND r IS
/// NULL)`): the method means in a query what it means on the object.
pub fn hybrid_eq<L: SqlType, R: Comparable<L> + SqlType>(l: Expr<L>, r: Expr<R>) -> Expr<bool> {
    as_rust(l, r, BinOp::Eq, |a, b| and(null(a, true), null(b, true)))
}

/// `l != r` in a hybrid method's body, as Rust's (see [`hybrid_eq`]).
pub fn hybrid_ne<L: SqlType, R: Comparable<L> + SqlType>(l: Expr<L>, r: Expr<R>) -> Expr<bool> {
    as_rust(l, r, BinOp::Ne, |a, b| or(null(a, false), null(b, false)))
}

/// `l < r` in a hybrid method's body, as Rust's `Option` orders: `None` before every `Some`.
pub fn hybrid_lt<L: Ordered, R: Comparable<L> + SqlType>(l: Expr<L>, r: Expr<R>) -> Expr<bool> {
    as_rust(l, r, BinOp::Lt, |a, b| and(null(a, true), null(b, false)))
}

/// `l <= r` in a hybrid method's body (see [`hybrid_lt`]).
pub fn hybrid_le<L: Ordered, R: Comparable<L> + SqlType>(l: Expr<L>, r: Expr<R>) -> Expr<bool> {
    as_rust(l, r, BinOp::Le, |a, _| null(a, true))
}

/// `l > r` in a hybrid method's body (see [`hybrid_lt`]).
pub fn hybrid_gt<L: Ordered, R: Comparable<L> + SqlType>(l: Expr<L>, r: Expr<R>) -> Expr<bool> {
    as_rust(l, r, BinOp::Gt, |a, b| and(null(a, false), null(b, true)))
}

/// `l >= r` in a hybrid method's body (see [`hybrid_lt`]).
pub fn hybrid_ge<L: Ordered, R: Comparable<L> + SqlType>(l: Expr<L>, r: Expr<R>) -> Expr<bool> {
    as_rust(l, r, BinOp::Ge, |_, b| null(b, true))
}

/// A comparison of two `Option`s as Rust makes it: SQL's answer where both hold a value,
/// else `when_null(l, r)`, the answer Rust gives by which of them is `None`. (Rust compares
/// an `Option` only with an `Option`: where either side is no `Option`, SQL's answer is
/// Rust's.)
fn as_rust<L: SqlType, R: SqlType>(
    l: Expr<L>,
    r: Expr<R>,
    op: BinOp,
    when_null: fn(Node, Node) -> Node,
) -> Expr<bool> {
    let (a, b) = crate::promotion::widened(L::COLUMN_TYPE, R::COLUMN_TYPE, l.node, r.node);
    if !(L::NULLABLE && R::NULLABLE) {
        return Expr::new(Node::Binary(op, Box::new(a), Box::new(b)));
    }
    let answer = when_null(a.clone(), b.clone());
    let sql = Node::Binary(op, Box::new(a), Box::new(b));
    crate::conditional_expr::known(Expr::<bool>::new(sql), Expr::new(answer))
}

/// `e IS NULL` (`is`), or `e IS NOT NULL`.
fn null(e: Node, is: bool) -> Node {
    Node::IsNull(Box::new(e), !is)
}

fn and(a: Node, b: Node) -> Node {
    Node::Binary(BinOp::And, Box::new(a), Box::new(b))
}

fn or(a: Node, b: Node) -> Node {
    Node::Binary(BinOp::Or, Box::new(a), Box::new(b))
}
