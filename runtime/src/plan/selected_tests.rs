//! Selected `bool` tests: NULL taken as `false`, as a condition takes it.
//!
//! A test of a NULL (`p.a > 0` for a NULL `a`, `!p.o_flag`) is NULL in SQL; where a query
//! filters, a NULL keeps no row (a NULL satisfies no comparison). A test selected as a Rust
//! `bool` is that same `false`: it is selected as `COALESCE(t, FALSE)` ([`Node::
//! null_as_false`], by `Projection for Expr<bool>`). A grouped query groups by what it
//! selects, so its orderings, `HAVING` conditions and values mixing the test with an
//! aggregate read the same key ([`Plan::selected_tests_as_keys`]): else the database (and
//! Colt's own check) would see `t` as neither grouped nor aggregated.

use super::{CastTo, Func, Node, Plan, ProjItem};
use crate::types::ColumnType;
use crate::value::Value;

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

impl Plan {
    /// In an aggregated query, every ordering, condition with an aggregate (`HAVING`) and
    /// selected value with an aggregate that reads a selected test reads the group key it is
    /// selected as.
    pub(super) fn selected_tests_as_keys(&mut self) {
        if !self.is_aggregated() {
            return;
        }
        let keys: Vec<(Node, Node)> = self
            .projection
            .iter()
            .filter_map(|p| match p {
                ProjItem::Expr(key) if !key.has_aggregate() => key
                    .test_of_null_as_false()
                    .map(|test| (test.clone(), key.clone())),
                _ => None,
            })
            .collect();
        if keys.is_empty() {
            return;
        }
        // (Not inside an aggregate: there the test reads each row, not the group's key.)
        fn as_key(n: &mut Node, keys: &[(Node, Node)]) {
            if let Some((_, key)) = keys.iter().find(|(test, _)| test == n) {
                *n = key.clone();
                return;
            }
            if !matches!(n, Node::Agg(..) | Node::SubAgg(..)) {
                n.for_each_child_mut(|c| as_key(c, keys));
            }
        }
        for o in &mut self.order {
            as_key(&mut o.node, &keys);
        }
        for f in self.filters.iter_mut().filter(|f| f.has_aggregate()) {
            as_key(f, &keys);
        }
        for p in &mut self.projection {
            if let ProjItem::Expr(e) = p {
                if e.has_aggregate() {
                    as_key(e, &keys);
                }
            }
        }
    }
}
