//! Checks of a built plan for queries that SQL would answer differently on each backend, or
//! with rows picked arbitrarily: they become errors when the query runs.

use super::{Node, Plan, Problem, ProjItem};

impl Plan {
    /// Adds a problem for each condition or ordering of an aggregated query that reads a
    /// column outside its aggregates that is not grouped (`count(p) > 5 || p.price > 10`
    /// with `p.price` not selected): SQLite would read it from an arbitrary row of each
    /// group, PostgreSQL refuses the statement.
    pub(crate) fn check_grouping(&mut self) {
        if !self.is_aggregated() {
            return;
        }
        let group = self.group_by();
        let grouped = |n: &Node| {
            group.iter().any(|g| match (g, n) {
                (ProjItem::Expr(e), n) => e == n,
                (ProjItem::Entity(s), Node::Column { source, .. }) => s == source,
                (ProjItem::Entity(_), _) => false,
            })
        };
        let mut bad = false;
        let having = self.filters.iter().filter(|n| n.has_aggregate());
        let order = self.order.iter().map(|o| &o.node);
        for node in having.chain(order) {
            bad |= reads_ungrouped(node, &grouped);
        }
        if bad {
            self.problems.push(Problem::Query(
                "a condition or ordering of a grouped query reads an attribute that is neither selected (grouped) nor inside an aggregate: select it, or aggregate it (`max(p.price)`)".to_string(),
            ));
        }
    }
}

/// Whether `node` reads a column outside aggregates that `grouped` does not accept.
fn reads_ungrouped(node: &Node, grouped: &impl Fn(&Node) -> bool) -> bool {
    if grouped(node) {
        return false;
    }
    match node {
        Node::Column { .. } => true,
        Node::Param(_)
        | Node::ParamF32(_)
        | Node::Const(..)
        | Node::Agg(..)
        | Node::CountEntity(_)
        | Node::SubAgg(..)
        | Node::Exists(..) => false,
        Node::Binary(_, a, b)
        | Node::NullSafeEq(a, b, _)
        | Node::Text(_, a, b)
        | Node::JsonGet(a, b, _) => reads_ungrouped(a, grouped) || reads_ungrouped(b, grouped),
        Node::Not(a)
        | Node::Neg(a)
        | Node::IsNull(a, _)
        | Node::TextFn(_, a)
        | Node::DatePart(_, _, a)
        | Node::Cast(a, _)
        | Node::JsonAs(_, a)
        | Node::InList(a, ..) => reads_ungrouped(a, grouped),
        Node::InSub(a, _, _) | Node::InQuery(a, _) => reads_ungrouped(a, grouped),
        Node::Call(_, args) => args.iter().any(|a| reads_ungrouped(a, grouped)),
    }
}
