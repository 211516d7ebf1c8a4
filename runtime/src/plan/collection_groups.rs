//! A collection's aggregate selected beside values that do not fix its owner:
//! `(c.country, count(c.orders)) for c in Customer`.
//!
//! Per owner, `count(c.orders)` is a correlated sub-query (`SubAgg`). Selected beside the
//! owner's key (or the owner), each row is one owner and that is the answer. Beside values
//! several owners share (`c.country`), PonyORM groups by those values and aggregates the
//! members of every owner in the group: `("USA", 3)`. Colt did neither: a row per owner,
//! then `DISTINCT` (equal counts of one country merged, `("USA", 1), ("USA", 2)`), and beside
//! another aggregate the sub-query became a `GROUP BY` key, splitting the groups. (Found by
//! a review.)
//!
//! The query is made a grouped one: each such aggregate is combined over the group's rows
//! (`SUM` of the owners' counts and sums, `MIN` and `MAX` of theirs, an average as the
//! sum of their sums over the sum of their counts), as is an ordering by it. That is the group's answer only where no member is counted twice: the rows of a group
//! are distinct owners (the owner is the query's one variable, and no other table repeats
//! it), and the members are reached by collections alone (no many-to-many link, no
//! reference followed: two owners then share members, which PonyORM counts once). `MIN` and
//! `MAX` do not mind a member met twice. Every other case (a distinct aggregate,
//! `group_concat`, a decimal's average, shared members) is `InvalidQuery` with the spelling that
//! works: a generator over the collection, grouped (`(c.country, count(o)) for c in
//! Customer for o in c.orders`, `left_join` to keep owners without members).
//!
//! A condition reading such an aggregate tests each owner, before grouping (`if
//! count(c.orders) > 1`), as for a query that aggregates otherwise. A sub-comprehension
//! (`count(o for o in c.orders if ..)`) is left as it is, one value per row, as PonyORM does.

use super::{AggFn, BinOp, CastTo, Func, JoinKind, Node, Plan, Problem, ProjItem};
use crate::types::ColumnType;
use crate::value::Value;

/// What to do with a selected collection aggregate.
enum Combine {
    /// Its owner is fixed per row, or it is a sub-comprehension's: leave it.
    Leave,
    /// Aggregate it over the group with this aggregate.
    With(AggFn),
    /// An average: the group's members' sum over their count.
    Average,
    /// A count of distinct members or values: the collection joined to the query itself
    /// (a `LEFT JOIN`, for owners without members), counted distinct.
    Lift,
    /// Its group's answer cannot be computed from the owners': refuse the query.
    Refuse,
}

const REFUSED: &str = "a collection's aggregate selected without its owner's key aggregates the members of every owner in a group, as PonyORM's does (`(c.country, count(c.orders))`: per country; `count(c.orders) for c in Customer`: of all customers), which Colt computes for `count`, `sum` and `avg` (not of decimals) of a collection no two owners share members of, and for `min` and `max`, but not here (a many-to-many collection or a reference followed lets owners share members; or a distinct aggregate, `group_concat`): select the owner's key beside it for one value per owner (`(c.id, c.country, count(c.tags))`), or range over the collection (`(c.country, count(t)) for c in Customer for t in c.tags`, `left_join(..)` to keep owners without members)";

impl Plan {
    /// Makes a query that selects a collection's aggregate beside values that do not fix its
    /// owner a grouped one, the aggregate combined over each group (see the module doc).
    pub(super) fn aggregate_collections_over_groups(&mut self) {
        let fixed = self.fixed_by_grouping();
        let repeating: Vec<u16> = (0..self.sources.len() as u16)
            .filter(|&s| self.may_repeat_rows(s))
            .collect();
        let mut decisions = Vec::new();
        for p in &self.projection {
            if let ProjItem::Expr(e) = p {
                per_row_aggregates(e, &mut |n| {
                    decisions.push(self.combine(n, &fixed, &repeating))
                });
            }
        }
        if decisions.iter().all(|d| matches!(d, Combine::Leave)) {
            return;
        }
        // An ordering by such an aggregate orders the groups.
        for o in &self.order {
            per_row_aggregates(&o.node, &mut |n| {
                decisions.push(self.combine(n, &fixed, &repeating))
            });
        }
        // A lifted collection repeats the rows of its owner, once a member: every other
        // aggregate must not mind that.
        let lifts = decisions.iter().any(|d| matches!(d, Combine::Lift));
        let robust = || {
            decisions.iter().all(|d| {
                matches!(
                    d,
                    Combine::Leave | Combine::Lift | Combine::With(AggFn::Min | AggFn::Max)
                )
            }) && self
                .projection
                .iter()
                .filter_map(|p| match p {
                    ProjItem::Expr(e) => Some(e),
                    ProjItem::Entity(_) => None,
                })
                .chain(self.order.iter().map(|o| &o.node))
                .chain(self.filters.iter().filter(|f| f.has_aggregate()))
                .all(repeats_safely)
        };
        if decisions.iter().any(|d| matches!(d, Combine::Refuse)) || (lifts && !robust()) {
            self.problems.push(Problem::Query(REFUSED.to_string()));
            return;
        }
        let mut projection = std::mem::take(&mut self.projection);
        for p in &mut projection {
            if let ProjItem::Expr(e) = p {
                self.combined(e, &fixed, &repeating);
            }
        }
        let mut order = std::mem::take(&mut self.order);
        for o in &mut order {
            self.combined(&mut o.node, &fixed, &repeating);
        }
        self.projection = projection;
        self.order = order;
    }

    /// `n` with each collection aggregate of it combined over the group.
    fn combined(&mut self, n: &mut Node, fixed: &[bool], repeating: &[u16]) {
        match n {
            Node::SubAgg(_, _, _, ty) => {
                let ty = *ty;
                match self.combine(n, fixed, repeating) {
                    Combine::Leave => {}
                    Combine::With(f) => {
                        let count = matches!(n, Node::SubAgg(_, AggFn::Count, ..));
                        // (`SUM` of `bigint`s is `numeric` on PostgreSQL.)
                        let ty = if count { Some(ColumnType::BigInt) } else { ty };
                        let sub = std::mem::replace(n, Node::Agg(f, None, ty));
                        *n = Node::Agg(f, Some(Box::new(sub)), ty);
                        if count {
                            // A count over no owner (a query without groups, no row) is 0.
                            let sum = std::mem::replace(n, Node::Agg(f, None, ty));
                            *n = Node::Call(Func::Coalesce, vec![sum, zero()]);
                        }
                    }
                    Combine::Average => *n = average_over_group(n),
                    Combine::Lift => self.lift(n),
                    Combine::Refuse => {
                        self.problems.push(Problem::Query(REFUSED.to_string()));
                    }
                }
            }
            Node::Agg(..) | Node::Exists(..) | Node::InSub(..) => {}
            _ => n.for_each_child_mut(|c| self.combined(c, fixed, repeating)),
        }
    }

    /// What to do with collection aggregate `n` (a `SubAgg`).
    fn combine(&self, n: &Node, fixed: &[bool], repeating: &[u16]) -> Combine {
        let Node::SubAgg(scope, f, arg, ty) = n else {
            return Combine::Leave;
        };
        let members: Vec<u16> = (0..self.sources.len() as u16)
            .filter(|&s| self.sources[usize::from(s)].scope == *scope)
            .collect();
        let Some(first) = members.first().map(|&s| &self.sources[usize::from(s)]) else {
            return Combine::Leave;
        };
        // A sub-comprehension's generators, or one not joined to its owner: one value a row.
        let Some(join) = first.join else {
            return Combine::Leave;
        };
        if members
            .iter()
            .any(|&s| self.sources[usize::from(s)].variable)
        {
            return Combine::Leave;
        }
        let owner = join.parent;
        let Some(owner_source) = self.sources.get(usize::from(owner)) else {
            return Combine::Leave;
        };
        if owner_source.scope != 0 || fixed.get(usize::from(owner)).copied().unwrap_or(true) {
            return Combine::Leave;
        }
        // One owner a row: else (another generator) PonyORM gives each row's value, and so
        // does Colt, but for a query that aggregates otherwise (where it would be a key).
        let one_owner_a_row = repeating == [owner];
        if !one_owner_a_row && !self.is_aggregated() {
            return Combine::Leave;
        }
        // Each member met once in a group: the group's rows are distinct owners, and the
        // members are reached by collections alone.
        let once = one_owner_a_row
            && members.iter().all(|&s| {
                let src = &self.sources[usize::from(s)];
                src.join.is_some_and(|j| j.via.is_none()) && !self.joined_to_one(s)
            });
        let counts_objects = matches!(arg.as_deref(), Some(Node::CountEntity(_)));
        let unfiltered = self
            .scope_filters
            .get(usize::from(*scope))
            .is_none_or(Vec::is_empty);
        match f {
            AggFn::Min | AggFn::Max => Combine::With(*f),
            AggFn::Count | AggFn::Sum if once => Combine::With(AggFn::Sum),
            // Distinct members or values across the group: joined, and counted distinct.
            AggFn::Count if counts_objects && unfiltered => Combine::Lift,
            AggFn::CountDistinct | AggFn::SumDistinct | AggFn::AvgDistinct if unfiltered => {
                Combine::Lift
            }
            // (A decimal's average would be computed as a float.)
            AggFn::Avg if once && ty.is_some_and(|t| t != ColumnType::Decimal) => Combine::Average,
            _ => Combine::Refuse,
        }
    }
}

impl Plan {
    /// Makes collection aggregate `n` (a `SubAgg`) one of the query itself: its tables
    /// joined to the query (`LEFT JOIN`s, so that an owner without members keeps its row),
    /// the aggregate over them (a count of objects counts them distinct, as the rows repeat).
    fn lift(&mut self, n: &mut Node) {
        let Node::SubAgg(scope, f, arg, ty) = n else {
            return;
        };
        let scope = *scope;
        for s in self.sources.iter_mut().filter(|s| s.scope == scope) {
            s.scope = 0;
            if let Some(j) = &mut s.join {
                j.kind = JoinKind::Left;
            }
        }
        *n = match (*f, arg.take()) {
            (AggFn::Count, Some(counted)) if matches!(*counted, Node::CountEntity(_)) => *counted,
            (f, arg) => Node::Agg(f, arg, *ty),
        };
    }
}

/// Whether every aggregate of the query itself in `n` gives the same answer when the rows
/// of a group repeat (a lifted collection joins a row per member): distinct counts and
/// values, objects counted (distinct), `min`, `max`.
fn repeats_safely(n: &Node) -> bool {
    match n {
        Node::Agg(f, ..) => matches!(
            f,
            AggFn::CountDistinct
                | AggFn::SumDistinct
                | AggFn::AvgDistinct
                | AggFn::Min
                | AggFn::Max
        ),
        Node::CountEntity(_) | Node::SubAgg(..) | Node::Exists(..) | Node::InSub(..) => true,
        _ => {
            let mut safe = true;
            n.for_each_child(|c| safe &= repeats_safely(c));
            safe
        }
    }
}

/// `avg` of a collection (`n`, a `SubAgg`) over a group's owners: the sum of their members'
/// values over the count of them, as floats, NULL where there are none.
fn average_over_group(n: &Node) -> Node {
    let Node::SubAgg(scope, _, Some(arg), _) = n else {
        return n.clone();
    };
    let float = |n: Node| Node::Cast(Box::new(n), CastTo::Float);
    let sum = Node::Agg(
        AggFn::Sum,
        Some(Box::new(Node::SubAgg(
            *scope,
            AggFn::Sum,
            Some(Box::new(float((**arg).clone()))),
            Some(ColumnType::Double),
        ))),
        Some(ColumnType::Double),
    );
    let count = Node::Agg(
        AggFn::Sum,
        Some(Box::new(Node::SubAgg(
            *scope,
            AggFn::Count,
            Some(arg.clone()),
            None,
        ))),
        Some(ColumnType::BigInt),
    );
    let some = Node::Binary(BinOp::Gt, Box::new(count.clone()), Box::new(zero()));
    let mean = Node::Binary(BinOp::Div, Box::new(sum), Box::new(float(count)));
    Node::Call(
        Func::IfElse,
        vec![some, mean, Node::Call(Func::Null, Vec::new())],
    )
}

/// `0`, a `bigint`.
fn zero() -> Node {
    Node::Const(Value::Int(0), ColumnType::BigInt)
}

/// Calls `f` with each collection aggregate `n` selects per row (not one inside an
/// aggregate of the query's rows, nor inside another sub-query).
fn per_row_aggregates(n: &Node, f: &mut impl FnMut(&Node)) {
    match n {
        Node::SubAgg(..) => f(n),
        Node::Agg(..) | Node::Exists(..) | Node::InSub(..) => {}
        _ => n.for_each_child(|c| per_row_aggregates(c, f)),
    }
}
