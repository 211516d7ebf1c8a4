//! A collection's aggregate selected beside values that do not fix its owner:
//! `(c.country, count(c.orders)) for c in Customer`.
//!
//! Per owner, `count(c.orders)` is a correlated sub-query (`SubAgg`). Selected beside the
//! owner's key (or the owner, or a `unique` column), each row is one owner and that is the
//! answer. Beside values several owners share (`c.country`), PonyORM groups by those values
//! and aggregates the members of every owner in the group: `("USA", 3)`. Colt gave a row per
//! owner, then `DISTINCT` (equal counts of one country merged: `("USA", 1), ("USA", 2)`), and
//! beside another aggregate the sub-query became a `GROUP BY` key, splitting the groups.
//! (Found by a review.)
//!
//! The query is made a grouped one, each such aggregate (and an ordering by it) of the
//! group's members:
//! - **Combined from the owners' own values** where each owner is one row of its group (the
//!   query's one source whose rows repeat): `SUM` of their sums (PonyORM's sum is over the
//!   rows the owners reach, a many-to-many link or a reference followed each once an owner,
//!   which is what the owners' sums add up to), `SUM` of their counts where no two owners
//!   can share a member (reached by collections alone), an average as the sum of their sums
//!   over the sum of their counts; `MIN` and `MAX` of theirs anywhere.
//! - **Joined** ([`Plan::lift`]): a count of members owners may share, a distinct aggregate,
//!   a decimal's average and `group_concat`: the collection's tables become `LEFT JOIN`s of
//!   the query itself (owners without members keep their row), the aggregate over the joined
//!   rows, counted distinct where it counts. The joined rows repeat each owner once a member,
//!   so every other aggregate must not mind that (distinct ones, objects counted, `MIN`,
//!   `MAX`), and an aggregate over the rows (an average, `group_concat`) needs the only join.
//! - **Refused** otherwise (`InvalidQuery`), with the spellings that work: the owner's key
//!   beside it, or a generator over the collection (`(c.country, count(o)) for c in Customer
//!   for o in c.orders`, `left_join` to keep owners without members).
//!
//! A condition reading such an aggregate tests each owner, before grouping (`if
//! count(c.orders) > 1`), as where the query aggregates otherwise. A sub-comprehension's
//! aggregate (`count(o for o in c.orders if ..)`) is each row's value, as PonyORM's, where
//! the query does not aggregate; where it does, it would be a key splitting the groups, and
//! is refused. With another generator (`for c in Customer for o in c.orders`) and no other
//! aggregate, PonyORM gives each row's value, and so does Colt.

use super::{AggFn, BinOp, CastTo, Func, JoinKind, Node, Plan, Problem, ProjItem};
use crate::types::ColumnType;
use crate::value::Value;

/// What the query's shape says of its collection aggregates' owners.
struct Shape {
    /// The tables whose row each row of the query names (by a selected key).
    fixed: Vec<bool>,
    /// The tables whose rows may repeat in the query's rows.
    repeating: Vec<u16>,
    /// Whether the query aggregates otherwise (before this pass).
    aggregated: bool,
    /// How many generators the query has.
    variables: usize,
    /// Whether a count of members is joined (`Combine::Lift`) even where the owners'
    /// counts would add up: beside another joined collection.
    lift_counts: bool,
}

/// What to do with a selected collection aggregate.
enum Combine {
    /// Its owner is fixed per row, or it is a sub-comprehension's over a whole entity: leave
    /// it.
    Leave,
    /// A sub-comprehension's over a collection of an owner several rows share: each row's
    /// value, as PonyORM's, where the query does not aggregate (it would be a key that
    /// splits the groups: refused there).
    PerRow,
    /// Aggregate it over the group with this aggregate.
    With(AggFn),
    /// An average: the group's members' sum over their count.
    Average,
    /// A count of distinct members or values: the collection joined to the query itself
    /// (a `LEFT JOIN`, for owners without members), counted distinct.
    Lift,
    /// A decimal's average or `group_concat`: the collection joined as for `Lift`, the
    /// aggregate over the rows, which no other joined collection may repeat.
    LiftOnce,
    /// Its group's answer cannot be computed from the owners': refuse the query.
    Refuse,
}

const PER_ROW: &str = "a sub-comprehension's aggregate (`count(o for o in c.orders if o.total > 5)`) is each owner's value, which in a query that aggregates, selected without the owner's key, would be a group key splitting the groups: range over the collection with the condition (`(c.country, count(o)) for c in Customer for o in c.orders if o.total > 5`), or select the owner's key beside it";

const REFUSED: &str = "a collection's aggregate selected without its owner's key aggregates the members of every owner in a group, as PonyORM's does (`(c.country, count(c.orders))`: per country; `count(c.orders) for c in Customer`: of all customers), which Colt computes but not here (a `sum` beside a count of members owners may share, or beside another collection joined for its count, average or `group_concat`; a count of values owners may share): select the owner's key beside it for one value per owner (`(c.id, c.country, count(c.tags))`), or range over the collection (`(c.country, count(t)) for c in Customer for t in c.tags`, `left_join(..)` to keep owners without members)";

impl Plan {
    /// Makes a query that selects a collection's aggregate beside values that do not fix its
    /// owner a grouped one, the aggregate combined over each group (see the module doc).
    pub(super) fn aggregate_collections_over_groups(&mut self) {
        // (Worked out once: the passes below take the projection out while they change it.)
        let mut shape = Shape {
            fixed: self.fixed_by_grouping(),
            repeating: (0..self.sources.len() as u16)
                .filter(|&s| self.may_repeat_rows(s))
                .collect(),
            aggregated: self.is_aggregated(),
            variables: self
                .sources
                .iter()
                .filter(|s| s.scope == 0 && s.variable)
                .count(),
            lift_counts: false,
        };
        let mut decisions = self.decisions(&shape);
        if decisions
            .iter()
            .all(|d| matches!(d, Combine::Leave | Combine::PerRow))
            && !(shape.aggregated && decisions.iter().any(|d| matches!(d, Combine::PerRow)))
        {
            return;
        }
        // An ordering by such an aggregate orders the groups.
        decisions.extend(self.order_decisions(&shape));
        // Beside a joined collection, a count of members is one too (counted distinct, it
        // does not mind the repeated rows; a sum of the owners' counts would).
        if decisions.iter().any(|d| matches!(d, Combine::Lift)) {
            shape.lift_counts = true;
            decisions = self.decisions(&shape);
            decisions.extend(self.order_decisions(&shape));
        }
        // A lifted collection repeats the rows of its owner, once a member: every other
        // aggregate must not mind that.
        let lifts = decisions
            .iter()
            .filter(|d| matches!(d, Combine::Lift | Combine::LiftOnce))
            .count();
        let once = decisions
            .iter()
            .filter(|d| matches!(d, Combine::LiftOnce))
            .count();
        let robust = || {
            decisions.iter().all(|d| {
                matches!(
                    d,
                    Combine::Leave
                        | Combine::PerRow
                        | Combine::Lift
                        | Combine::LiftOnce
                        | Combine::With(AggFn::Min | AggFn::Max)
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
        if decisions.iter().any(|d| matches!(d, Combine::PerRow)) {
            self.problems.push(Problem::Query(PER_ROW.to_string()));
            return;
        }
        // (An aggregate over joined rows is the group's only where nothing else repeats them.)
        let refused = decisions.iter().any(|d| matches!(d, Combine::Refuse))
            || (lifts > 0 && !robust())
            || (once > 0 && lifts > 1);
        if refused {
            self.problems.push(Problem::Query(REFUSED.to_string()));
            return;
        }
        let mut projection = std::mem::take(&mut self.projection);
        for p in &mut projection {
            if let ProjItem::Expr(e) = p {
                self.combined(e, &shape);
            }
        }
        let mut order = std::mem::take(&mut self.order);
        for o in &mut order {
            self.combined(&mut o.node, &shape);
        }
        self.projection = projection;
        self.order = order;
    }

    /// What to do with each collection aggregate the projection selects.
    fn decisions(&self, shape: &Shape) -> Vec<Combine> {
        let mut decisions = Vec::new();
        for p in &self.projection {
            if let ProjItem::Expr(e) = p {
                per_row_aggregates(e, &mut |n| decisions.push(self.combine(n, shape)));
            }
        }
        decisions
    }

    /// What to do with each collection aggregate the orderings read.
    fn order_decisions(&self, shape: &Shape) -> Vec<Combine> {
        let mut decisions = Vec::new();
        for o in &self.order {
            per_row_aggregates(&o.node, &mut |n| decisions.push(self.combine(n, shape)));
        }
        decisions
    }

    /// `n` with each collection aggregate of it combined over the group.
    fn combined(&mut self, n: &mut Node, shape: &Shape) {
        match n {
            Node::SubAgg(_, _, _, ty) => {
                let ty = *ty;
                match self.combine(n, shape) {
                    Combine::Leave | Combine::PerRow => {}
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
                    Combine::Lift | Combine::LiftOnce => self.lift(n),
                    Combine::Refuse => {
                        self.problems.push(Problem::Query(REFUSED.to_string()));
                    }
                }
            }
            Node::Agg(..) | Node::Exists(..) | Node::InSub(..) => {}
            _ => n.for_each_child_mut(|c| self.combined(c, shape)),
        }
    }

    /// What to do with collection aggregate `n` (a `SubAgg`).
    fn combine(&self, n: &Node, shape: &Shape) -> Combine {
        let Node::SubAgg(scope, f, arg, ty) = n else {
            return Combine::Leave;
        };
        let members: Vec<u16> = (0..self.sources.len() as u16)
            .filter(|&s| self.sources[usize::from(s)].scope == *scope)
            .collect();
        let Some(first) = members.first().map(|&s| &self.sources[usize::from(s)]) else {
            return Combine::Leave;
        };
        // A sub-comprehension over a whole entity (`count(p for p in Purchase if p.buyer ==
        // c)`): each row's value; one whose conditions read a table the grouping does not
        // fix has an owner several rows share, as below.
        let Some(join) = first.join else {
            let fixed = |n: &Node| {
                matches!(n, Node::Column { source, .. }
                    if shape.fixed.get(usize::from(*source)).copied().unwrap_or(false))
            };
            let owned = super::check::sub_reads_ungrouped(self, *scope, arg.as_deref(), &fixed);
            return if owned {
                Combine::PerRow
            } else {
                Combine::Leave
            };
        };
        let owner = join.parent;
        let Some(owner_source) = self.sources.get(usize::from(owner)) else {
            return Combine::Leave;
        };
        let fixed = shape.fixed.get(usize::from(owner)).copied().unwrap_or(true);
        if owner_source.scope != 0 || fixed {
            return Combine::Leave;
        }
        // A sub-comprehension's generators: each row's value, as PonyORM's.
        if members
            .iter()
            .any(|&s| self.sources[usize::from(s)].variable)
        {
            return Combine::PerRow;
        }
        // One owner a row: the owner is the query's one source whose rows repeat. With
        // another generator, PonyORM gives each row's value, and so does Colt, but for a
        // query that aggregates otherwise (where it would be a key). An owner a reference
        // reaches (`c.team` of each `c`) is shared by rows: only what counts each member
        // once a group (`min`, `max`, distinct counts) is the group's answer.
        let one_owner_a_row = shape.repeating == [owner];
        if !one_owner_a_row && shape.variables > 1 && !shape.aggregated {
            return Combine::Leave;
        }
        // A sum or an average is PonyORM's over the rows the owners reach (a link of a
        // many-to-many collection, a member with what it refers to: each once an owner), so
        // the owners' own sums add up, provided each owner is one row of its group.
        // A count of members counts each once: they must be reached by collections alone,
        // so that no two owners share one.
        let disjoint = one_owner_a_row
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
            AggFn::Sum if one_owner_a_row => Combine::With(AggFn::Sum),
            AggFn::Count if counts_objects && unfiltered && shape.lift_counts => Combine::Lift,
            AggFn::Count if disjoint => Combine::With(AggFn::Sum),
            AggFn::Avg if one_owner_a_row && ty.is_some_and(|t| t != ColumnType::Decimal) => {
                Combine::Average
            }
            // A decimal's average, exact, and the texts joined: over the rows joined (see
            // `Combine::LiftOnce`).
            AggFn::Avg | AggFn::GroupConcat if one_owner_a_row && unfiltered => Combine::LiftOnce,
            // Distinct members or values across the group: joined, and counted distinct.
            AggFn::Count if counts_objects && unfiltered => Combine::Lift,
            AggFn::CountDistinct | AggFn::SumDistinct | AggFn::AvgDistinct if unfiltered => {
                Combine::Lift
            }
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
