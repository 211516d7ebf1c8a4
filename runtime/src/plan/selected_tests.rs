//! `bool` tests used as values: NULL taken as `false`, as a condition takes it.
//!
//! A test of a NULL (`p.a > 0` for a NULL `a`, `!p.o_flag`) is NULL in SQL; where a query
//! filters, a NULL keeps no row (a NULL satisfies no comparison). A test used as a Rust
//! `bool` value is that same `false`: it is `COALESCE(t, FALSE)` ([`bool_value`]) where it
//! is selected, ordered by, aggregated (`count_distinct(p.a > 0)`, `min(..)`) or assigned
//! by a bulk `set`, so that each reads the value a selected test returns (an ordering by
//! it sorted its NULLs apart from the `false`s, an aggregate skipped them, and a `set`
//! stored NULL for a `bool`). A grouped query groups by what it selects, so its orderings,
//! `HAVING` conditions and values mixing the test with an aggregate read the same key
//! (`plan/group_keys.rs`): else the database (and Colt's own check) would see `t` as neither
//! grouped nor aggregated.

use super::{CastTo, Func, Node};
use crate::types::{ColumnType, SqlType};
use crate::value::Value;

/// `node`, of type `T`, as a value: a `bool` test whose NULL is `false`. A `bool` attribute
/// as it is stays itself (a NULL another program wrote there is a `Decode` error when
/// read), and so does a constant or an outer value, never NULL (an ordering by one then
/// still orders nothing).
pub(crate) fn bool_value<T: SqlType>(node: Node) -> Node {
    let never_null = |n: &Node| matches!(n, Node::Const(..) | Node::Param(_));
    let itself = match &node {
        Node::Column { .. } => true,
        Node::Cast(inner, _) => never_null(inner),
        n => never_null(n),
    };
    if T::COLUMN_TYPE == ColumnType::Bool && !T::NULLABLE && !itself {
        node.null_as_false()
    } else {
        node
    }
}

impl Node {
    /// `COALESCE(self, FALSE)`: a selected `bool` test whose NULL is `false`.
    pub(crate) fn null_as_false(self) -> Node {
        Node::Call(Func::Coalesce, vec![self, false_node()])
    }

    /// The test inside a node [`Node::null_as_false`] made.
    pub(crate) fn test_of_null_as_false(&self) -> Option<&Node> {
        match self {
            Node::Call(Func::Coalesce, args) if args.len() == 2 && args[1] == false_node() => {
                Some(&args[0])
            }
            _ => None,
        }
    }
}

/// `FALSE`, typed (PostgreSQL would not take an untyped constant for a `boolean` beside a
/// parameter).
fn false_node() -> Node {
    Node::Cast(
        Box::new(Node::Const(Value::Int(0), ColumnType::Bool)),
        CastTo::As(ColumnType::Bool),
    )
}
