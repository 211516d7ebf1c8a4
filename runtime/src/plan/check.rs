//! Checks of a built plan for queries that SQL would answer differently on each backend, or
//! with rows picked arbitrarily: they become errors when the query runs.

use super::{Node, Plan, Problem, ProjItem};

/// A condition aggregating the rows of a query of whole objects of its one variable (the
/// macro's own message for the spellings it sees whole).
const OWN_ROWS: &str = "a condition aggregates the query's own rows (`count(p) > 1`, `p.price > avg(p.price)`), which would be grouped by the objects the query returns, one row each: each row would be compared with itself. Compare with an aggregate of all rows through a sub-comprehension (`p.price > avg(q.price for q in Product)`), or aggregate a collection (`count(c.orders) > 2`)";

/// The sub-queries `n` reads (aggregates, `exists`, membership tests), nested ones too.
fn scopes_in(n: &Node, out: &mut Vec<u16>) {
    match n {
        Node::SubAgg(k, ..) | Node::Exists(k, ..) | Node::InSub(_, k, _) => out.push(*k),
        _ => {}
    }
    n.for_each_child(|c| scopes_in(c, out));
}

impl Plan {
    /// Adds a problem when a sub-query's condition uses that sub-query itself: an aggregate,
    /// `exists` or membership test over a sub-comprehension's own rows inside its own `if`
    /// (`exists(r for r in b.records for s in r.songs if count(s) > 2)`), which SQL has no
    /// spelling for (a `HAVING` of the sub-query is not what it means).
    pub(crate) fn check_sub_query_cycles(&mut self) {
        let uses: Vec<Vec<u16>> = self
            .scope_filters
            .iter()
            .map(|filters| {
                let mut out = Vec::new();
                filters.iter().for_each(|f| scopes_in(f, &mut out));
                out
            })
            .collect();
        // Depth-first from each scope: reaching it again is a cycle.
        let reaches_itself = |start: u16| {
            let mut stack = vec![start];
            let mut seen = vec![false; uses.len()];
            while let Some(k) = stack.pop() {
                for &next in uses.get(k as usize).map_or(&[][..], Vec::as_slice) {
                    if next == start {
                        return true;
                    }
                    if let Some(s) = seen.get_mut(next as usize) {
                        if !*s {
                            *s = true;
                            stack.push(next);
                        }
                    }
                }
            }
            false
        };
        if (1..uses.len() as u16).any(reaches_itself) {
            self.problems.push(Problem::Query(
                "a sub-comprehension's condition aggregates or tests the sub-comprehension's own rows (`count(s)` of its own `s`): aggregate a collection instead (`count(r.songs) > 2`), or move the condition out".to_string(),
            ));
        }
    }

    /// Adds a problem when a sub-comprehension is read by no aggregate, `exists` or
    /// membership test: its value reads none of its own variables (`sum(1 for l in p.lines
    /// if l.qty > 2)`, `count(p for l in p.lines)`), so the aggregate was taken for the
    /// enclosing query's and its rows and condition were never asked (a silent wrong
    /// answer: one per parcel).
    pub(crate) fn check_unread_sub_comprehensions(&mut self) {
        let mut read = Vec::new();
        let nodes = self
            .filters
            .iter()
            .chain(self.scope_filters.iter().flatten())
            .chain(self.order.iter().map(|o| &o.node))
            .chain(self.assignments.iter().map(|(_, _, n)| n))
            .chain(self.projection.iter().filter_map(|p| match p {
                ProjItem::Expr(e) => Some(e),
                ProjItem::Entity(_) => None,
            }));
        for n in nodes {
            scopes_in(n, &mut read);
        }
        let unread = self
            .sources
            .iter()
            .any(|s| s.scope > 0 && s.variable && !read.contains(&s.scope));
        if unread {
            self.problems.push(Problem::Query(
                "a sub-comprehension's value reads none of its own variables (`sum(1 for l in p.lines if ..)`): aggregate what it ranges over (`count(l for l in p.lines if l.qty > 2)`, `sum(l.qty for l in p.lines)`)".to_string(),
            ));
        }
    }

    /// Adds a problem for each condition or ordering of an aggregated query that reads a
    /// column outside its aggregates that is not grouped (`count(p) > 5 || p.price > 10`
    /// with `p.price` not selected): SQLite would read it from an arbitrary row of each
    /// group, PostgreSQL refuses the statement.
    pub(crate) fn check_grouping(&mut self) {
        if !self.is_aggregated() {
            // An ordering that aggregates a query that does not (`order_by(|p|
            // desc(max(p.price)))` of objects): SQLite would make the whole query one group
            // and give one row, PostgreSQL refuses it.
            if self.order.iter().any(|o| o.node.has_aggregate()) {
                self.problems.push(Problem::Query(
                    "an ordering aggregates (`max(p.price)`) in a query whose values do not: aggregate a collection instead (`max(c.products.price)`), or select the aggregate".to_string(),
                ));
            }
            return;
        }
        // A query of whole objects of its one variable is grouped by them, one row a group:
        // a condition's aggregate of its own rows would compare each row with itself. The
        // macro refuses the spellings it sees whole; a refinement (`q.filter(|p| count(p) >
        // 1)`) meets its query only here.
        let one_variable = |s: &u16| {
            let variable = |v: &super::Source| v.scope == 0 && v.variable;
            self.sources.iter().filter(|v| variable(v)).count() == 1
                && self.sources.get(usize::from(*s)).is_some_and(variable)
        };
        let whole_objects =
            matches!(self.projection.as_slice(), [ProjItem::Entity(s)] if one_variable(s));
        if whole_objects && self.filters.iter().any(Node::has_aggregate) {
            self.problems.push(Problem::Query(OWN_ROWS.to_string()));
            return;
        }
        // The same in other spellings: a condition's aggregate over groups of one row each
        // (`(p.id, p.price) for p in Product if p.price > avg(p.price)`: every variable's
        // key is selected), or of values the grouping fixes (`p for p in Product for q in
        // Product if p.price > avg(p.price)`: each group repeats one `p`). (Found by a
        // review: they compiled and returned no row, or every row.)
        let fixed = self.fixed_by_grouping();
        let one_row_groups = (0..self.sources.len())
            .filter(|&s| self.may_repeat_rows(s as u16))
            .all(|s| fixed[s]);
        let mut own = false;
        for f in &self.filters {
            own |= (one_row_groups && f.has_aggregate()) || self.compares_fixed_values(f, &fixed);
        }
        if own {
            self.problems.push(Problem::Query(OWN_ROWS.to_string()));
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
        // A selected value that mixes an aggregate with an attribute (`count(o) + c.bonus`)
        // is not grouped by: its attribute must be.
        let mixed = self.projection.iter().filter_map(|p| match p {
            ProjItem::Expr(e) if e.has_aggregate() => Some(e),
            _ => None,
        });
        for node in having.chain(order).chain(mixed) {
            bad |= reads_ungrouped(self, node, &grouped);
        }
        if bad {
            self.problems.push(Problem::Query(
                "a condition, ordering or selected value of a grouped query reads an attribute that is neither selected (grouped) nor inside an aggregate (also through a sub-query, such as `count(p.tags)`): select it, or aggregate it (`max(p.price)`)".to_string(),
            ));
        }
    }
}

/// Calls `f` with each aggregate of the query itself in `n` (not those of sub-queries).
fn aggregates_in(n: &Node, f: &mut impl FnMut(&Node)) {
    match n {
        Node::Agg(..) | Node::CountEntity(_) => f(n),
        Node::SubAgg(..) | Node::Exists(..) => {}
        Node::InSub(a, _, _) => aggregates_in(a, f),
        _ => n.for_each_child(|c| aggregates_in(c, f)),
    }
}

impl Plan {
    /// Whether a comparison in `n` has aggregates that all read only what the grouping
    /// fixes (`c.credit > avg(c.credit)`, also beside another test: `count(o) > 5 || ..`);
    /// one that also aggregates rows that repeat stands (`count(o) > max(c.cap)`).
    fn compares_fixed_values(&self, n: &Node, fixed: &[bool]) -> bool {
        use super::BinOp::{Eq, Ge, Gt, Le, Lt, Ne};
        match n {
            Node::Binary(Eq | Ne | Lt | Le | Gt | Ge, ..) if n.has_aggregate() => {
                let (mut aggregates, mut fixed_ones) = (0, 0);
                aggregates_in(n, &mut |agg| {
                    aggregates += 1;
                    fixed_ones += usize::from(self.aggregates_fixed_values(agg, fixed));
                });
                aggregates > 0 && fixed_ones == aggregates
            }
            Node::SubAgg(..) | Node::Exists(..) => false,
            _ => {
                let mut found = false;
                n.for_each_child(|c| found |= self.compares_fixed_values(c, fixed));
                found
            }
        }
    }

    /// Whether aggregate `agg` reads only tables whose row the grouping fixes in each group
    /// (`fixed`): its value is the group's own row's, however many rows the group has.
    fn aggregates_fixed_values(&self, agg: &Node, fixed: &[bool]) -> bool {
        let mut read = Vec::new();
        fn sources(n: &Node, out: &mut Vec<u16>) {
            match n {
                Node::Column { source, .. } | Node::CountEntity(source) => out.push(*source),
                _ => n.for_each_child(|c| sources(c, out)),
            }
        }
        sources(agg, &mut read);
        !read.is_empty()
            && read
                .iter()
                .all(|&s| fixed.get(usize::from(s)).copied().unwrap_or(false))
    }

    /// Which of the query's tables have one row in each group: those whose key is selected,
    /// a reference followed from one of those (`p.category`), and the table a fixed row
    /// refers to by its key (`c` in `for c in Customer for o in c.orders` when `o` is
    /// fixed).
    pub(super) fn fixed_by_grouping(&self) -> Vec<bool> {
        let n = self.sources.len();
        let mut fixed: Vec<bool> = (0..n)
            .map(|s| self.sources[s].scope == 0 && self.projects_key_of(s as u16))
            .collect();
        loop {
            let mut changed = false;
            for s in 0..n {
                let src = &self.sources[s];
                if src.scope != 0 {
                    continue;
                }
                let Some(j) = src.join else { continue };
                let parent = usize::from(j.parent);
                // Followed from a fixed row by a reference: fixed.
                if !fixed[s] && fixed[parent] && !self.may_repeat_rows(s as u16) {
                    fixed[s] = true;
                    changed = true;
                }
                // A fixed row refers to its parent by the parent's key: the parent is fixed.
                let parent_meta = self.sources[parent].entity;
                // (Not through a left join: the group of the missing row holds many parents.)
                let by_key = j.via.is_none()
                    && j.kind != crate::plan::JoinKind::Left
                    && parent_meta.primary_key.first() == Some(&usize::from(j.parent_column))
                    && parent_meta.primary_key.len() == usize::from(j.width.max(1));
                if fixed[s] && !fixed[parent] && by_key && self.sources[parent].scope == 0 {
                    fixed[parent] = true;
                    changed = true;
                }
            }
            if !changed {
                return fixed;
            }
        }
    }
}

/// Whether sub-query `scope` reads a column of the grouped query itself (scope 0) that
/// `grouped` does not accept: the column it is correlated on (`count(p.tags)` reads `p`'s
/// key) or one its conditions read, also through the sub-queries inside it. (The columns
/// of its own tables and of deeper sub-queries are the sub-queries' to read.)
pub(super) fn sub_reads_ungrouped(
    plan: &Plan,
    scope: u16,
    value: Option<&Node>,
    grouped: &impl Fn(&Node) -> bool,
) -> bool {
    sub_reads_ungrouped_at(plan, scope, value, grouped, 0)
}

fn sub_reads_ungrouped_at(
    plan: &Plan,
    scope: u16,
    value: Option<&Node>,
    grouped: &impl Fn(&Node) -> bool,
    depth: usize,
) -> bool {
    // (A sub-query that uses itself is refused on its own: `check_sub_query_cycles`.)
    if depth > 32 {
        return false;
    }
    let outside = |source: u16| {
        plan.sources
            .get(source as usize)
            .is_some_and(|s| s.scope == 0)
    };
    let correlated = plan.sources.iter().filter(|s| s.scope == scope).any(|s| {
        s.join.as_ref().is_some_and(|j| {
            outside(j.parent)
                && !grouped(&Node::Column {
                    source: j.parent,
                    column: j.parent_column,
                })
        })
    });
    fn nodes(n: &Node, f: &mut impl FnMut(&Node)) {
        f(n);
        n.for_each_child(|c| nodes(c, f));
    }
    let mut reads = false;
    let filters = plan.scope_filters.get(scope as usize).into_iter().flatten();
    // Its conditions, and what it selects (`avg(x.price - p.price for x in ..)` reads `p`).
    for filter in filters.chain(value) {
        nodes(filter, &mut |n| match n {
            Node::Column { source, .. } => reads |= outside(*source) && !grouped(n),
            Node::SubAgg(k, _, arg, _) => {
                reads |= *k != scope
                    && sub_reads_ungrouped_at(plan, *k, arg.as_deref(), grouped, depth + 1);
            }
            Node::Exists(k, anchor, _) | Node::InSub(_, k, anchor) => {
                reads |= *k != scope
                    && sub_reads_ungrouped_at(plan, *k, Some(anchor), grouped, depth + 1);
            }
            _ => {}
        });
    }
    correlated || reads
}

/// Whether `node` reads a column outside aggregates that `grouped` does not accept.
fn reads_ungrouped(plan: &Plan, node: &Node, grouped: &impl Fn(&Node) -> bool) -> bool {
    if grouped(node) {
        return false;
    }
    let reads = |n: &Node| reads_ungrouped(plan, n, grouped);
    match node {
        Node::Column { .. } => true,
        Node::SubAgg(scope, _, arg, _) => {
            sub_reads_ungrouped(plan, *scope, arg.as_deref(), grouped)
        }
        Node::Exists(scope, anchor, _) => sub_reads_ungrouped(plan, *scope, Some(anchor), grouped),
        Node::InSub(a, scope, anchor) => {
            reads(a) || sub_reads_ungrouped(plan, *scope, Some(anchor), grouped)
        }
        Node::Param(_)
        | Node::ParamF32(_)
        | Node::Const(..)
        | Node::Agg(..)
        | Node::CountEntity(_) => false,
        Node::Binary(_, a, b)
        | Node::NullSafeEq(a, b, _)
        | Node::Text(_, a, b)
        | Node::JsonGet(a, b, _) => reads(a) || reads(b),
        Node::Not(a)
        | Node::Neg(a)
        | Node::IsNull(a, _)
        | Node::TextFn(_, a)
        | Node::DatePart(_, _, a)
        | Node::Cast(a, _)
        | Node::JsonAs(_, a)
        | Node::InList(a, ..)
        | Node::InQuery(a, _) => reads(a),
        Node::Call(_, args) => args.iter().any(reads),
    }
}
