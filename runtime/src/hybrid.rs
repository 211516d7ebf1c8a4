//! Hybrid methods (PonyORM's methods used in queries): `#[colt::hybrid]` on an `impl` of an
//! entity gives each method written there, `fn is_cheap(&self) -> bool { self.price < 100 }`,
//! a twin on the entity's column handles that `select!` calls (`p.is_cheap()`), built from
//! the same body.
//!
//! A hybrid body reads its object's attributes and literals; its literals become part of the
//! SQL text ([`constant`]), as they are part of the program, not values from outside.

use crate::expr::Expr;
use crate::plan::{BinOp, Node};
use crate::types::{ColumnType, SqlType, TypedParam};
use crate::value::Value;

/// A literal of a hybrid method's body (`100`, `0.5`, `"tea"`, `true`), written into the SQL
/// text: an integer as such, a float with its type (PostgreSQL: `CAST('2.5' AS DOUBLE
/// PRECISION)`, or `REAL` against an `f32` attribute, so that it computes as a parameter
/// would), a text quoted (`'` doubled), a boolean as `(1 = 1)` / `(1 = 0)` (a condition on
/// both backends).
pub fn constant<V: TypedParam + ?Sized>(value: &V) -> Expr<V::Sql> {
    let v = value.__value();
    let ty = <V::Sql as SqlType>::COLUMN_TYPE;
    let node = match (ty, v) {
        (ColumnType::Bool, Value::Int(i)) => Node::Binary(
            BinOp::Eq,
            Box::new(Node::Const(Value::Int(1), ColumnType::BigInt)),
            Box::new(Node::Const(
                Value::Int(i64::from(i != 0)),
                ColumnType::BigInt,
            )),
        ),
        (_, v) => Node::Const(v, ty),
    };
    Expr::new(node)
}
