//! SQL text from a [`Plan`], once per dialect and statement kind.
//!
//! The walk over the plan lives here; what differs between databases (placeholders, text
//! tests, list membership, NULL ordering, column types) lives in one file per dialect.

pub(crate) mod catalogue;
pub(crate) mod control;
mod ddl;
pub(crate) mod object;
mod postgres;
pub(crate) mod relation;
mod sqlite;

pub(crate) use ddl::{
    create_link_sql, create_table_sql, dependency_order, link_tables, SqlDialect,
};

use std::fmt::Write;

use crate::entity::EntityMeta;
use crate::plan::{AggFn, BinOp, Join, JoinKind, Node, Plan, ProjItem, SqlKey, TextFn};

/// A SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Dialect {
    /// SQLite 3.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Dialect {
    pub(crate) fn syntax(self) -> &'static dyn SqlDialect {
        match self {
            Dialect::Sqlite => &sqlite::Sqlite,
            Dialect::Postgres => &postgres::Postgres,
        }
    }
}

/// Which statement is rendered from a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum StatementKind {
    /// The rows (`fetch`).
    Select,
    /// The rows, ordered by key when the query has no order (`first`).
    First,
    /// How many rows `Select` returns.
    Count,
    /// Whether `Select` returns a row.
    Exists,
    /// Deletes the rows of the (single) entity variable, returning their keys.
    Delete,
}

/// Quotes an identifier (`"name"`, with inner quotes doubled).
pub(crate) fn quote(out: &mut String, ident: &str) {
    out.push('"');
    for ch in ident.chars() {
        if ch == '"' {
            out.push('"');
        }
        out.push(ch);
    }
    out.push('"');
}

struct Renderer<'a> {
    plan: &'a Plan,
    d: &'static dyn SqlDialect,
    out: String,
}

static RENDERED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many statements were rendered from plans since the program started (for tests that
/// check that a call site renders its SQL once).
pub fn rendered_statements() -> usize {
    RENDERED.load(std::sync::atomic::Ordering::Relaxed)
}

pub(crate) fn render(plan: &Plan, key: SqlKey) -> String {
    RENDERED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut r = Renderer {
        plan,
        d: key.dialect.syntax(),
        out: String::with_capacity(256),
    };
    match key.kind {
        StatementKind::Select | StatementKind::First => r.select(key, true),
        StatementKind::Count => r.count(key),
        StatementKind::Exists => {
            r.out.push_str("SELECT EXISTS(");
            r.select(key, false);
            r.out.push(')');
        }
        StatementKind::Delete => r.delete(key),
    }
    r.out
}

/// Column `column` of `meta` under the name `qualifier` (an alias or the table): the column
/// itself, or, for the reverse side of a one-to-one (which has no column), the key of the row
/// on the other side that refers to it.
pub(crate) fn column_ref(
    out: &mut String,
    meta: &'static EntityMeta,
    qualifier: &str,
    column: usize,
) {
    match crate::pairing::virtual_column(meta, column) {
        None => {
            quote(out, qualifier);
            out.push('.');
            quote(out, meta.columns[column].name);
        }
        Some((other, fk)) => {
            let key = other.primary_key.first().copied().unwrap_or(0);
            let own_key = meta.primary_key.first().copied().unwrap_or(0);
            out.push_str("(SELECT \"colt_o2o\".");
            quote(out, other.columns[key].name);
            out.push_str(" FROM ");
            quote(out, other.table);
            out.push_str(" AS \"colt_o2o\" WHERE \"colt_o2o\".");
            quote(out, other.columns[fk].name);
            out.push_str(" = ");
            quote(out, qualifier);
            out.push('.');
            quote(out, meta.columns[own_key].name);
            out.push(')');
        }
    }
}

impl Renderer<'_> {
    fn column(&mut self, source: u16, column: u16) {
        let src = &self.plan.sources[source as usize];
        column_ref(&mut self.out, src.entity, &src.alias, column as usize);
    }

    fn entity_columns(&mut self, source: u16) {
        let n = self.plan.sources[source as usize].entity.columns.len();
        for c in 0..n {
            if c > 0 {
                self.out.push_str(", ");
            }
            self.column(source, c as u16);
        }
    }

    fn proj_items(&mut self, items: &[ProjItem]) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            match item {
                ProjItem::Entity(s) => self.entity_columns(*s),
                ProjItem::Expr(n) => self.node(n),
            }
        }
    }

    fn from(&mut self) {
        self.out.push_str(" FROM ");
        self.sources_of(0);
    }

    /// The tables of a scope: the first as it is, the others joined to what comes before.
    /// Returns the correlation of the first one with the outer query, if any.
    fn sources_of(&mut self, scope: u16) -> Option<(u16, Join)> {
        let mut first = None;
        for (i, src) in self.plan.sources.iter().enumerate() {
            if src.scope != scope || src.elided {
                continue;
            }
            let i = i as u16;
            if first.is_some() {
                self.out.push_str(match src.join {
                    None => " CROSS JOIN ",
                    Some(Join {
                        kind: JoinKind::Inner,
                        ..
                    }) => " INNER JOIN ",
                    Some(Join {
                        kind: JoinKind::Left,
                        ..
                    }) => " LEFT JOIN ",
                });
            }
            quote(&mut self.out, src.entity.table);
            self.out.push_str(" AS ");
            quote(&mut self.out, &src.alias);
            match (first, src.join) {
                (None, j) => first = Some(j.map(|j| (i, j))),
                (Some(_), Some(j)) => {
                    self.out.push_str(" ON ");
                    self.join_condition(i, j);
                }
                (Some(_), None) => {}
            }
        }
        first.flatten()
    }

    /// `this.column = parent.parent_column`, or through a many-to-many join table.
    fn join_condition(&mut self, this: u16, j: Join) {
        self.column(this, j.column);
        match j.via {
            None => {
                self.out.push_str(" = ");
                self.column(j.parent, j.parent_column);
            }
            Some(link) => {
                self.out.push_str(" IN (SELECT ");
                quote(&mut self.out, &link.member_column);
                self.out.push_str(" FROM ");
                quote(&mut self.out, &link.table);
                self.out.push_str(" WHERE ");
                quote(&mut self.out, &link.owner_column);
                self.out.push_str(" = ");
                self.column(j.parent, j.parent_column);
                self.out.push(')');
            }
        }
    }

    /// ` FROM .. WHERE ..` of sub-query `scope`: correlated to the outer query by its first
    /// table's join, filtered by its conditions and `extra`.
    fn scope_body(&mut self, scope: u16, extra: &[&Node]) {
        self.out.push_str(" FROM ");
        let correlation = self.sources_of(scope);
        let plan = self.plan;
        let filters = plan
            .scope_filters
            .get(scope as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut first = true;
        let mut and = |out: &mut String| {
            out.push_str(if first { " WHERE " } else { " AND " });
            first = false;
        };
        if let Some((this, j)) = correlation {
            and(&mut self.out);
            self.join_condition(this, j);
        }
        for f in filters.iter().chain(extra.iter().copied()) {
            and(&mut self.out);
            self.node(f);
        }
    }

    fn conjunction(&mut self, keyword: &str, nodes: &[&Node]) {
        if nodes.is_empty() {
            return;
        }
        self.out.push_str(keyword);
        for (i, n) in nodes.iter().enumerate() {
            if i > 0 {
                self.out.push_str(" AND ");
            }
            self.node(n);
        }
    }

    /// FROM .. WHERE .. GROUP BY .. HAVING ..
    fn body(&mut self) {
        self.from();
        let plan = self.plan;
        let (having, filter): (Vec<&Node>, Vec<&Node>) =
            plan.filters.iter().partition(|n| n.has_aggregate());
        self.conjunction(" WHERE ", &filter);
        let group = plan.group_by();
        if !group.is_empty() {
            self.out.push_str(" GROUP BY ");
            self.proj_items(&group);
        }
        self.conjunction(" HAVING ", &having);
    }

    /// Whether `node` is one of the projected values (or a column of a projected object).
    fn projected(&self, node: &Node) -> bool {
        self.plan.projection.iter().any(|p| match (p, node) {
            (ProjItem::Expr(e), n) => e == n,
            (ProjItem::Entity(s), Node::Column { source, .. }) => s == source,
            (ProjItem::Entity(_), _) => false,
        })
    }

    fn select(&mut self, key: SqlKey, with_order: bool) {
        let plan = self.plan;
        // `SELECT DISTINCT a ORDER BY b` is ill-defined (PostgreSQL refuses it): make the rows
        // distinct by grouping instead, and order each by the least (or, descending, the
        // greatest) of its `b`s. Same rows on every backend.
        let grouped_distinct = with_order
            && key.distinct
            && !plan.is_aggregated()
            && plan.order.iter().any(|o| !self.projected(&o.node));
        self.out.push_str("SELECT ");
        if key.distinct && !grouped_distinct {
            self.out.push_str("DISTINCT ");
        }
        self.proj_items(&plan.projection);
        self.body();
        if grouped_distinct {
            self.out.push_str(" GROUP BY ");
            self.proj_items(&plan.projection);
        }
        if with_order {
            self.order_by(key, grouped_distinct);
        }
        self.limit_offset(key);
        if key.for_update && with_order && !key.distinct && !plan.is_aggregated() {
            self.out.push_str(self.d.for_update());
        }
    }

    fn order_by(&mut self, key: SqlKey, grouped: bool) {
        let plan = self.plan;
        if !plan.order.is_empty() {
            self.out.push_str(" ORDER BY ");
            for (i, o) in plan.order.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(", ");
                }
                if grouped && !self.projected(&o.node) {
                    self.out.push_str(if o.desc { "MAX(" } else { "MIN(" });
                    self.node(&o.node);
                    self.out.push(')');
                } else {
                    self.node(&o.node);
                }
                self.out.push_str(self.d.order_suffix(o.desc));
            }
        } else if key.kind == StatementKind::First {
            // `first` without `order_by`: the first by primary key, or by the projected
            // values where the rows are distinct or grouped.
            self.out.push_str(" ORDER BY ");
            if key.distinct || plan.is_aggregated() {
                let n = plan
                    .projection
                    .iter()
                    .map(|p| match p {
                        ProjItem::Entity(s) => plan.sources[*s as usize].entity.columns.len(),
                        ProjItem::Expr(_) => 1,
                    })
                    .sum::<usize>();
                for i in 1..=n {
                    if i > 1 {
                        self.out.push_str(", ");
                    }
                    let _ = write!(self.out, "{i}");
                }
            } else {
                let mut first = true;
                for (s, src) in plan.sources.iter().enumerate() {
                    // The query's own variables (a sub-query's are not in scope here).
                    if !src.variable || src.scope != 0 {
                        continue;
                    }
                    for &k in src.entity.primary_key {
                        if !first {
                            self.out.push_str(", ");
                        }
                        first = false;
                        self.column(s as u16, k as u16);
                    }
                }
            }
        }
    }

    fn limit_offset(&mut self, key: SqlKey) {
        let n = self.plan.param_count;
        if key.limit {
            self.out.push_str(" LIMIT ");
            self.d.placeholder(&mut self.out, n);
        } else if key.offset {
            self.out.push_str(self.d.no_limit());
        }
        if key.offset {
            self.out.push_str(" OFFSET ");
            self.d
                .placeholder(&mut self.out, n + usize::from(key.limit));
        }
    }

    fn count(&mut self, key: SqlKey) {
        let plan = self.plan;
        if key.distinct || key.limit || key.offset || plan.is_aggregated() {
            self.out.push_str("SELECT COUNT(*) FROM (");
            self.select(key, false);
            self.out.push_str(") AS \"colt_q\"");
        } else {
            self.out.push_str("SELECT COUNT(*)");
            self.body();
        }
    }

    /// `DELETE FROM t WHERE key IN (SELECT v.key FROM .. WHERE ..)` for the objects the
    /// query returns (variable `v`), whatever the query joins or tests.
    fn delete(&mut self, key: SqlKey) {
        let plan = self.plan;
        let target = match plan.projection.as_slice() {
            [ProjItem::Entity(s)] => *s,
            _ => 0,
        };
        let entity = plan.sources[target as usize].entity;
        let pk = entity.primary_key;
        self.out.push_str("DELETE FROM ");
        quote(&mut self.out, entity.table);
        self.out.push_str(" WHERE ");
        if pk.len() > 1 {
            self.out.push('(');
        }
        for (i, &k) in pk.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            quote(&mut self.out, entity.columns[k].name);
        }
        if pk.len() > 1 {
            self.out.push(')');
        }
        self.out.push_str(" IN (SELECT ");
        for (i, &k) in pk.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.column(target, k as u16);
        }
        self.body();
        if key.limit || key.offset {
            self.order_by(key, false);
            self.limit_offset(key);
        }
        self.out.push_str(") RETURNING ");
        for (i, &k) in pk.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            quote(&mut self.out, entity.columns[k].name);
        }
    }

    /// `count(v)` of the objects of source `s` in `scope`: `COUNT(*)` when the rows of the
    /// scope are the objects, `COUNT(DISTINCT key)` when other tables of the scope can
    /// repeat them (several generators, a path through two collections).
    fn count_objects(&mut self, s: u16, scope: u16) {
        let plan = self.plan;
        let repeats = if scope == 0 {
            // Navigation joins never repeat rows; generators (variables) do.
            plan.sources
                .iter()
                .filter(|x| x.variable && x.scope == 0)
                .count()
                > 1
        } else {
            plan.sources
                .iter()
                .filter(|x| x.scope == scope && !x.elided)
                .count()
                > 1
        };
        if !repeats {
            self.out.push_str("COUNT(*)");
            return;
        }
        let entity = plan.sources[s as usize].entity;
        let pk = entity.primary_key;
        self.out.push_str("COUNT(DISTINCT ");
        if pk.len() == 1 {
            self.column(s, pk[0] as u16);
        } else {
            // COUNT(DISTINCT a, b) is not portable: count distinct tuples as text.
            for (i, &k) in pk.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(" || '\u{1f}' || ");
                }
                self.out.push_str("CAST(");
                self.column(s, k as u16);
                self.out.push_str(" AS TEXT)");
            }
        }
        self.out.push(')');
    }

    /// Renders a node on its own (for dialect pieces that place it themselves).
    fn sub(&mut self, n: &Node) -> String {
        let outer = std::mem::take(&mut self.out);
        self.node(n);
        std::mem::replace(&mut self.out, outer)
    }

    fn node(&mut self, n: &Node) {
        match n {
            Node::Column { source, column } => self.column(*source, *column),
            Node::Param(i) | Node::ParamF32(i) => self.d.placeholder(&mut self.out, *i),
            Node::Binary(op, a, b) => {
                self.out.push('(');
                self.node(a);
                self.out.push_str(match op {
                    BinOp::Eq => " = ",
                    BinOp::Ne => " <> ",
                    BinOp::Lt => " < ",
                    BinOp::Le => " <= ",
                    BinOp::Gt => " > ",
                    BinOp::Ge => " >= ",
                    BinOp::And => " AND ",
                    BinOp::Or => " OR ",
                    BinOp::Add => " + ",
                    BinOp::Sub => " - ",
                    BinOp::Mul => " * ",
                    BinOp::Div => " / ",
                    BinOp::Rem => " % ",
                });
                if matches!(op, BinOp::Div | BinOp::Rem) {
                    let (open, close) = self.d.divisor();
                    self.out.push_str(open);
                    self.node(b);
                    self.out.push_str(close);
                } else {
                    self.node(b);
                }
                self.out.push(')');
            }
            Node::Not(a) => {
                // Parenthesised: `(NOT a) < b`, not `NOT (a < b)`.
                self.out.push_str("(NOT ");
                self.node(a);
                self.out.push(')');
            }
            Node::Neg(a) => {
                self.out.push_str("(-");
                self.node(a);
                self.out.push(')');
            }
            Node::IsNull(a, negated) => {
                self.out.push('(');
                self.node(a);
                self.out.push_str(if *negated {
                    " IS NOT NULL)"
                } else {
                    " IS NULL)"
                });
            }
            Node::NullSafeEq(a, b, negated) => {
                // `b` is an `Option` parameter: `None` tests for NULL (a definite answer,
                // so that `!(x == None)` is `x.is_some()`); `Some(v)` compares as `=`/`<>`
                // do, unknown for a NULL attribute, so that a NULL attribute satisfies
                // neither `x == Some(v)`, `x != Some(v)` nor their negations.
                // (The comparison comes first: PostgreSQL types the parameter from it.)
                self.out.push_str("(CASE WHEN ");
                self.node(a);
                self.out.push_str(if *negated { " <> " } else { " = " });
                self.node(b);
                self.out.push_str(" THEN TRUE WHEN ");
                self.node(b);
                self.out.push_str(" IS NULL THEN ");
                self.node(a);
                self.out
                    .push_str(if *negated { " IS NOT NULL" } else { " IS NULL" });
                self.out.push_str(" WHEN ");
                self.node(a);
                self.out.push_str(" IS NULL THEN NULL ELSE FALSE END)");
            }
            Node::Text(test, a, b) => {
                let a = self.sub(a);
                let b = self.sub(b);
                self.d.text_test(&mut self.out, *test, &a, &b);
            }
            Node::TextFn(f, a) => {
                let (open, close) = match f {
                    TextFn::Lower => ("lower(", ")"),
                    TextFn::Upper => ("upper(", ")"),
                    TextFn::Trim => ("trim(", ")"),
                    TextFn::Len => self.d.byte_length(),
                };
                self.out.push_str(open);
                self.node(a);
                self.out.push_str(close);
            }
            Node::InList(a, p, nullable_items) => {
                // A NULL attribute is in the list only when the list holds `None`; otherwise
                // the test is unknown (negated or not, it keeps no row), also for an empty
                // list (`NULL IN ()` would be false, and its negation true). A `None` in the
                // list never makes the test unknown for other values.
                self.out.push_str("(CASE WHEN ");
                self.node(a);
                self.out.push_str(" IS NOT NULL THEN ");
                if *nullable_items {
                    self.out.push_str("COALESCE(");
                    self.node(a);
                    self.d.in_list(&mut self.out, *p);
                    self.out.push_str(", FALSE) WHEN ");
                    self.d.list_has_null(&mut self.out, *p);
                    self.out.push_str(" THEN TRUE END)");
                } else {
                    self.node(a);
                    self.d.in_list(&mut self.out, *p);
                    self.out.push_str(" END)");
                }
            }
            Node::Agg(f, arg, ty) => {
                let (open, close) = self.d.aggregate_cast(*f, *ty);
                self.out.push_str(open);
                self.out.push_str(match f {
                    AggFn::Count => "COUNT(",
                    AggFn::Sum => "SUM(",
                    AggFn::Avg => "AVG(",
                    AggFn::Min => "MIN(",
                    AggFn::Max => "MAX(",
                });
                match arg {
                    Some(a) => self.node(a),
                    None => self.out.push('*'),
                }
                self.out.push(')');
                self.out.push_str(close);
            }
            Node::SubAgg(scope, f, arg, ty) => {
                self.out.push_str("(SELECT ");
                match (f, arg.as_deref()) {
                    (AggFn::Count, Some(Node::CountEntity(s))) => self.count_objects(*s, *scope),
                    _ => self.node(&Node::Agg(*f, arg.clone(), *ty)),
                }
                self.scope_body(*scope, &[]);
                self.out.push(')');
            }
            Node::Exists(scope, _anchor, negated) => {
                self.out.push_str(if *negated {
                    "(NOT EXISTS (SELECT 1"
                } else {
                    "(EXISTS (SELECT 1"
                });
                self.scope_body(*scope, &[]);
                self.out.push_str("))");
            }
            Node::InSub(value, scope, projected) => {
                // NULLs of the sub-query never make a membership test unknown.
                self.out.push('(');
                self.node(value);
                self.out.push_str(" IN (SELECT ");
                self.node(projected);
                let not_null = Node::IsNull(projected.clone(), true);
                self.scope_body(*scope, &[&not_null]);
                self.out.push_str("))");
            }
            Node::CountEntity(s) => self.count_objects(*s, 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_doubles_inner_quotes() {
        let mut s = String::new();
        quote(&mut s, "we\"ird");
        assert_eq!(s, "\"we\"\"ird\"");
    }
}
