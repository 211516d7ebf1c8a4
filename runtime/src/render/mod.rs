//! SQL text from a [`Plan`], once per dialect and statement kind.
//!
//! The walk over the plan lives here; what differs between databases (placeholders, text
//! tests, list membership, NULL ordering, column types) lives in one file per dialect.

mod bulk_write;
pub(crate) mod catalogue;
pub(crate) mod control;
pub(crate) mod ddl;
pub(crate) mod introspection_sql;
#[cfg(feature = "migrate")]
pub(crate) mod migration_sql;
pub(crate) mod object;
mod postgres;
pub(crate) mod relation;
mod select;
mod sqlite;
mod writer;

pub(crate) use writer::SqlWriter;

pub(crate) use ddl::{
    create_link_sql, dependency_order, link_tables, standard_call, tables_sql, CallPiece,
    SqlDialect,
};

use crate::plan::{AggFn, BinOp, Join, JoinKind, Node, Plan, ProjItem, SqlKey, TextFn};

/// The alias of a query's rows, taken as a table, in a bulk write with a limit or an offset.
const FETCHED_ROWS: &str = "colt_rows";

pub use crate::dialect::Dialect;

impl Dialect {
    pub(crate) fn syntax(self) -> &'static dyn SqlDialect {
        match self {
            Dialect::Sqlite => &sqlite::Sqlite,
            Dialect::Postgres => &postgres::Postgres,
        }
    }
}

pub(crate) use crate::plan::StatementKind;

/// The SQL text of a statement of `plan`, rendered on first use and kept in the plan (which
/// holds the texts but does not render itself).
pub(crate) fn sql(plan: &Plan, key: SqlKey) -> std::sync::Arc<str> {
    if let Some(text) = plan.rendered(key) {
        return text;
    }
    plan.keep_rendered(key, render(plan, key).into())
}

struct Renderer<'a> {
    plan: &'a Plan,
    d: &'static dyn SqlDialect,
    w: SqlWriter,
    /// The sub-queries being written, innermost last.
    open: Vec<u16>,
    /// Whether this is the statement whose result Colt reads (not one inside another).
    top_level: bool,
}

static RENDERED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many statements were rendered from plans since the program started (for tests that
/// check that a call site renders its SQL once).
pub fn rendered_statements() -> usize {
    RENDERED.load(std::sync::atomic::Ordering::Relaxed)
}

pub(crate) fn render(plan: &Plan, key: SqlKey) -> String {
    RENDERED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    render_at(plan, key, 0, true)
}

/// The statement of `plan` with its parameter numbers starting at `base` (an inner query),
/// the one whose result Colt reads or not (`top_level`).
fn render_at(plan: &Plan, key: SqlKey, base: usize, top_level: bool) -> String {
    let mut r = Renderer {
        plan,
        d: key.dialect.syntax(),
        w: SqlWriter::at_base(key.dialect, base),
        open: Vec::new(),
        top_level,
    };
    match key.kind {
        StatementKind::Select | StatementKind::First => r.select(key, true),
        StatementKind::Count => r.count(key),
        StatementKind::Exists => {
            r.w.push("SELECT EXISTS(");
            r.select(key, false);
            r.w.push(")");
        }
        StatementKind::Delete => r.delete(key),
        StatementKind::Update => r.update(key),
    }
    r.w.finish()
}

impl Renderer<'_> {
    /// A literal of the program's source (`Node::Const`).
    fn constant(&mut self, v: &crate::value::Value, ty: crate::types::ColumnType) {
        use crate::value::Value;
        use std::fmt::Write as _;
        let dialect = self.w.dialect();
        let postgres = dialect == crate::render::Dialect::Postgres;
        let out = self.w.text();
        match v {
            // PostgreSQL types a bare literal that fits in 32 bits as `integer`: an `i64`
            // literal (a hybrid method's `1_000_000`) times an `i32` attribute would
            // overflow at 2³¹, where the `i64` arithmetic it means has an answer.
            Value::Int(i) if postgres && ty == crate::types::ColumnType::BigInt => {
                let _ = write!(out, "CAST({i} AS BIGINT)");
            }
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            // `{:?}` writes the shortest text that reads back as the same f64 (`0.1`,
            // `1e-7`, `-0.0`); a literal is never NaN or infinite. PostgreSQL would read a
            // bare `2.5` as `numeric` (computed in another precision, `-0.0` unsigned): the
            // text is cast to the float type.
            Value::Real(f) if f.is_finite() => {
                if postgres {
                    let float = if ty == crate::types::ColumnType::Float {
                        "REAL"
                    } else {
                        "DOUBLE PRECISION"
                    };
                    let _ = write!(out, "CAST('{f:?}' AS {float})");
                } else {
                    let _ = write!(out, "{f:?}");
                }
            }
            Value::Text(t) => out.push_str(&ddl::text_literal(dialect, t)),
            _ => out.push_str("NULL"),
        }
    }

    /// Whether `n` is never NULL: a NOT NULL column of a row every result row has (no left
    /// join on the way), a constant other than NULL, arithmetic and casts of those. (No
    /// means "perhaps".)
    fn never_null(&self, n: &Node) -> bool {
        match n {
            Node::Column { source, column } => {
                let meta = self.plan.sources[*source as usize].entity;
                let mut at = Some(*source);
                while let Some(s) = at {
                    let join = self.plan.sources[s as usize].join;
                    if join.is_some_and(|j| j.kind == crate::plan::JoinKind::Left) {
                        return false;
                    }
                    at = join.map(|j| j.parent);
                }
                let c = *column as usize;
                meta.columns.get(c).is_some_and(|col| !col.nullable)
                    && crate::pairing::virtual_column(meta, c).is_none()
            }
            Node::Const(v, _) => !matches!(v, crate::Value::Null),
            Node::Binary(BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem, a, b) => {
                self.never_null(a) && self.never_null(b)
            }
            Node::Neg(a) | Node::Cast(a, _) => self.never_null(a),
            _ => false,
        }
    }

    /// An operand of `<`, `<=`, `>`, `>=`: a column as the dialect compares it in order
    /// ([`SqlDialect::ordered_column`]), anything else as it is.
    fn ordered_operand(&mut self, n: &Node) {
        let wrap = match n {
            Node::Column { source, column } => self.plan.sources[*source as usize]
                .entity
                .columns
                .get(*column as usize)
                .map(|c| self.d.ordered_column(c)),
            _ => None,
        };
        let (open, close) = wrap.unwrap_or(("", ""));
        self.w.push(open);
        self.node(n);
        self.w.push(close);
    }

    fn column(&mut self, source: u16, column: u16) {
        let src = &self.plan.sources[source as usize];
        self.w
            .entity_column(src.entity, &src.alias, column as usize);
    }

    fn entity_columns(&mut self, source: u16) {
        let n = self.plan.sources[source as usize].entity.columns.len();
        for c in 0..n {
            if c > 0 {
                self.w.push(", ");
            }
            self.column(source, c as u16);
        }
    }

    fn proj_items(&mut self, items: &[ProjItem]) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.w.push(", ");
            }
            match item {
                ProjItem::Entity(s) => self.entity_columns(*s),
                ProjItem::Expr(n) => {
                    if !(self.top_level && self.exact_read(n)) {
                        self.node(n);
                    }
                }
            }
        }
    }

    /// Items as the keys of a `GROUP BY` or `PARTITION BY` (see [`Renderer::group_key`]).
    fn key_items(&mut self, items: &[ProjItem]) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.w.push(", ");
            }
            match item {
                ProjItem::Entity(s) => self.entity_columns(*s),
                ProjItem::Expr(n) => self.group_key(n),
            }
        }
    }

    /// A value grouped by. Both databases read a bare whole number there (`3`, `-3`) as the
    /// position of a result column, not as the number, and PostgreSQL refuses another bare
    /// constant (`'x'`, `NULL`): a hybrid method whose body is a constant (`fn tier(&self)
    /// -> i64 { 3 }`) grouped by the third column. Such a constant is written as a cast,
    /// which is a value. (Constants ordered by are left out: see [`constant`].)
    fn group_key(&mut self, n: &Node) {
        let postgres = self.w.dialect() == crate::render::Dialect::Postgres;
        let cast = match constant_value(n) {
            Some(crate::value::Value::Int(_)) if postgres => Some(" AS BIGINT)"),
            Some(crate::value::Value::Int(_)) => Some(" AS INTEGER)"),
            Some(crate::value::Value::Text(_) | crate::value::Value::Null) if postgres => {
                Some(" AS TEXT)")
            }
            _ => None,
        };
        match cast {
            Some(ty) => {
                self.w.push("CAST(");
                self.node(n);
                self.w.push(ty);
            }
            None => self.node(n),
        }
    }

    fn from(&mut self) {
        self.w.push(" FROM ");
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
                self.w.push(match src.join {
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
            self.w.ident(src.entity.table);
            self.w.push(" AS ");
            self.w.ident(&src.alias);
            match (first, src.join) {
                (None, j) => first = Some(j.map(|j| (i, j))),
                (Some(_), Some(j)) => {
                    self.w.push(" ON ");
                    self.join_condition(i, j);
                }
                (Some(_), None) => {}
            }
        }
        first.flatten()
    }

    /// `this.column = parent.parent_column`, or through a many-to-many join table.
    fn join_condition(&mut self, this: u16, j: Join) {
        match j.via {
            None => {
                let this_entity = self.plan.sources[this as usize].entity;
                let parent_entity = self.plan.sources[j.parent as usize].entity;
                for k in 0..j.width.max(1) {
                    if k > 0 {
                        self.w.push(" AND ");
                    }
                    self.column(this, Join::part(this_entity, j.column, k));
                    self.w.push(" = ");
                    self.column(j.parent, Join::part(parent_entity, j.parent_column, k));
                }
            }
            Some(link) => {
                self.column(this, j.column);
                self.w.push(" IN (SELECT ");
                self.w.ident(&link.member_column);
                self.w.push(" FROM ");
                self.w.ident(&link.table);
                self.w.push(" WHERE ");
                self.w.ident(&link.owner_column);
                self.w.push(" = ");
                self.column(j.parent, j.parent_column);
                self.w.push(")");
            }
        }
    }

    /// ` FROM .. WHERE ..` of sub-query `scope`: correlated to the outer query by its first
    /// table's join, filtered by its conditions and `extra`.
    fn scope_body(&mut self, scope: u16, extra: &[&Node]) {
        // A sub-query whose condition uses itself (refused when the query runs, see
        // `Plan::check_sub_query_cycles`) is written once, not until the stack ends.
        if self.open.contains(&scope) {
            self.w.push(" FROM (SELECT NULL) AS colt_cycle WHERE FALSE");
            return;
        }
        self.open.push(scope);
        self.scope_body_once(scope, extra);
        self.open.pop();
    }

    fn scope_body_once(&mut self, scope: u16, extra: &[&Node]) {
        self.w.push(" FROM ");
        let correlation = self.sources_of(scope);
        let plan = self.plan;
        let filters = plan
            .scope_filters
            .get(scope as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut first = true;
        let mut and = |w: &mut SqlWriter| {
            w.push(if first { " WHERE " } else { " AND " });
            first = false;
        };
        if let Some((this, j)) = correlation {
            and(&mut self.w);
            self.join_condition(this, j);
        }
        let terms: Vec<&Node> = filters.iter().chain(extra.iter().copied()).collect();
        if !terms.is_empty() {
            and(&mut self.w);
            self.conditions(&terms);
        }
    }

    /// `t1 && t2 && ..` (or `||`), each term evaluated only where the terms before it do not
    /// decide: `(t1 AND CASE WHEN t1 IS NOT FALSE THEN (t2 AND CASE ..) END)`, and for `||`
    /// `(t1 OR CASE WHEN t1 IS NOT TRUE THEN (..) END)`: SQL's truth values, NULL included.
    /// The run is taken whole, right to left, so that each term is written at most twice
    /// (Rust reads `a || b || c` as `(a || b) || c`; guarding that as it nests doubled the
    /// text at each term).
    fn guarded_chain(&mut self, terms: &[&Node], and: bool) {
        let Some((first, rest)) = terms.split_first() else {
            return;
        };
        if rest.is_empty() {
            self.node(first);
            return;
        }
        let joiner = if and { " AND " } else { " OR " };
        if !rest.iter().any(|t| t.may_raise()) {
            self.w.push("(");
            self.node(first);
            for t in rest {
                self.w.push(joiner);
                self.node(t);
            }
            self.w.push(")");
            return;
        }
        self.w.push("(");
        self.node(first);
        self.w.push(joiner).push("CASE WHEN ");
        self.node(first);
        self.w.push(if and {
            " IS NOT FALSE THEN "
        } else {
            " IS NOT TRUE THEN "
        });
        self.guarded_chain(rest, and);
        self.w.push(" END)");
    }

    fn conjunction(&mut self, keyword: &str, nodes: &[&Node]) {
        if nodes.is_empty() {
            return;
        }
        self.w.push(keyword);
        self.conditions(nodes);
    }

    /// A query's conditions, `t1 AND t2 AND ..`. They are a run of `&&`: a term that could
    /// raise (`x / d > 1`) is evaluated only for rows the terms before it keep, as inside a
    /// value (PostgreSQL evaluates a `WHERE`'s terms in the order it estimates cheapest, so
    /// `d * d <> 0` could come after `x / d > 1`): `t1 AND t2 AND CASE WHEN t1 AND t2 THEN
    /// (t3 AND ..) END`, the terms before it still plain terms an index can serve. (NULL
    /// keeps no row, so a term NULL for a row need not let the rest be evaluated.)
    fn conditions(&mut self, nodes: &[&Node]) {
        let first_raising = nodes
            .iter()
            .skip(1)
            .position(|n| n.may_raise())
            .map_or(nodes.len(), |i| i + 1);
        let (guards, rest) = nodes.split_at(first_raising);
        for (i, n) in guards.iter().enumerate() {
            if i > 0 {
                self.w.push(" AND ");
            }
            self.node(n);
        }
        if rest.is_empty() {
            return;
        }
        self.w.push(" AND CASE WHEN ");
        for (i, n) in guards.iter().enumerate() {
            if i > 0 {
                self.w.push(" AND ");
            }
            self.node(n);
        }
        self.w.push(" THEN ");
        self.guarded_chain(rest, true);
        self.w.push(" END");
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
            self.w.push(" GROUP BY ");
            self.key_items(&group);
        }
        self.conjunction(" HAVING ", &having);
    }

    /// Renders a node on its own (for dialect pieces that place it themselves).
    fn sub(&mut self, n: &Node) -> String {
        let outer = self.w.swap_text(String::new());
        self.node(n);
        self.w.swap_text(outer)
    }

    /// A function's SQL: its pieces, each argument written where it stands.
    fn pieces(&mut self, pieces: &[CallPiece], args: &[&Node]) {
        for piece in pieces {
            match piece {
                CallPiece::Sql(s) => {
                    self.w.push(s);
                }
                CallPiece::Arg(i) => {
                    if let Some(a) = args.get(*i) {
                        self.node(a);
                    }
                }
            }
        }
    }

    fn node(&mut self, n: &Node) {
        match n {
            Node::Column { source, column } => self.column(*source, *column),
            Node::Param(i) | Node::ParamF32(i) => {
                self.w.bind_param(*i);
            }
            Node::Const(v, ty) => self.constant(v, *ty),
            // Rust's short circuit where a later term could fail for a row an earlier one
            // decides (`d != 0 && x / d > 10` inside a value; SQL may evaluate every term):
            // see `guarded_chain`.
            Node::Binary(op @ (BinOp::And | BinOp::Or), ..) if chain_needs_guard(n, *op) => {
                let mut terms = Vec::new();
                chain_terms(n, *op, &mut terms);
                self.guarded_chain(&terms, *op == BinOp::And);
            }
            Node::Binary(op, a, b) => {
                let ordering = matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge);
                self.w.push("(");
                if ordering {
                    self.ordered_operand(a);
                } else {
                    self.node(a);
                }
                self.w.push(match op {
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
                    self.w.push(open);
                    self.node(b);
                    // A dividend that may be NULL goes to the check too, which lets a NULL
                    // through whatever the divisor (written twice only then).
                    if !open.is_empty() && !self.never_null(a) {
                        self.w.push(", ");
                        self.node(a);
                    }
                    self.w.push(close);
                } else if ordering {
                    self.ordered_operand(b);
                } else {
                    self.node(b);
                }
                self.w.push(")");
            }
            Node::Not(a) => {
                // Parenthesised: `(NOT a) < b`, not `NOT (a < b)`.
                self.w.push("(NOT ");
                self.node(a);
                self.w.push(")");
            }
            Node::Neg(a) => {
                // A space: `(--5)` would start a comment.
                self.w.push("(- ");
                self.node(a);
                self.w.push(")");
            }
            Node::IsNull(a, negated) => {
                self.w.push("(");
                self.node(a);
                self.w.push(if *negated {
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
                self.w.push("(CASE WHEN ");
                self.node(a);
                self.w.push(if *negated { " <> " } else { " = " });
                self.node(b);
                self.w.push(" THEN TRUE WHEN ");
                self.node(b);
                self.w.push(" IS NULL THEN ");
                self.node(a);
                self.w
                    .push(if *negated { " IS NOT NULL" } else { " IS NULL" });
                self.w.push(" WHEN ");
                self.node(a);
                self.w.push(" IS NULL THEN NULL ELSE FALSE END)");
            }
            Node::Text(test, a, b) => {
                let a = self.sub(a);
                let b = self.sub(b);
                self.d.text_test(self.w.text(), *test, &a, &b);
            }
            Node::TextFn(f, a) => {
                let (open, close) = match f {
                    TextFn::Lower => self.d.text_case(false),
                    TextFn::Upper => self.d.text_case(true),
                    TextFn::Trim => ("trim(", ")"),
                    TextFn::Len => self.d.byte_length(),
                    TextFn::CharCount => self.d.char_length(),
                };
                self.w.push(open);
                self.node(a);
                self.w.push(close);
            }
            Node::Call(f, args) => {
                let args: Vec<&Node> = args.iter().collect();
                self.pieces(self.d.call(*f), &args);
            }
            Node::JsonGet(doc, key, position) => {
                self.pieces(self.d.json_get(*position), &[doc, key])
            }
            Node::JsonAs(scalar, doc) => self.pieces(self.d.json_as(*scalar), &[doc]),
            Node::Cast(a, ty) => {
                let (open, close) = self.d.cast(*ty);
                self.w.push(open);
                self.node(a);
                self.w.push(close);
            }
            Node::DatePart(part, utc, a) => {
                let (open, close) = self.d.date_part(*part, *utc);
                self.w.push(open);
                self.node(a);
                self.w.push(close);
            }
            Node::InQuery(a, sub) => {
                // As `contains` on a list or a sub-comprehension: a NULL value satisfies no
                // membership test, negated or not (unknown); a value not in a result that
                // holds NULLs is not in it (never unknown).
                self.w.push("(CASE WHEN ");
                self.node(a);
                self.w.push(" IS NOT NULL THEN COALESCE(");
                self.node(a);
                self.w.push(" IN (");
                let key = SqlKey {
                    dialect: self.w.dialect(),
                    kind: StatementKind::Select,
                    distinct: sub.flags.distinct,
                    limit: sub.flags.limit,
                    offset: sub.flags.offset,
                    for_update: None,
                };
                let inner = render_at(&sub.plan, key, self.w.base() + sub.base, false);
                match sub.values_as {
                    None => self.w.push(&inner),
                    // Its values cast outside it, as a common table expression's (SQLite
                    // takes no column names for a derived table). Its name hides a table of
                    // that name inside it, on SQLite: one no table is given (`:` is in no
                    // name Colt makes, and in few any schema holds).
                    Some(to) => {
                        let (open, close) = self.d.cast(to);
                        self.w.push("WITH \"colt:values\" (v) AS (");
                        self.w.push(&inner);
                        self.w.push(") SELECT ");
                        self.w.push(open);
                        self.w.push("\"colt:values\".v");
                        self.w.push(close);
                        self.w.push(" FROM \"colt:values\"")
                    }
                };
                self.w.push("), FALSE) END)");
            }
            Node::InList(a, p, nullable_items, _) => {
                let json = matches!(&**a, Node::Cast(_, crate::plan::CastTo::JsonListed));
                let in_list = |r: &mut Self| {
                    if json {
                        r.d.in_json_list(&mut r.w, *p);
                    } else {
                        r.d.in_list(&mut r.w, *p);
                    }
                };
                // A NULL attribute is in the list only when the list holds `None`; otherwise
                // the test is unknown (negated or not, it keeps no row), also for an empty
                // list (`NULL IN ()` would be false, and its negation true). A `None` in the
                // list never makes the test unknown for other values.
                self.w.push("(CASE WHEN ");
                self.node(a);
                self.w.push(" IS NOT NULL THEN ");
                if *nullable_items {
                    self.w.push("COALESCE(");
                    self.node(a);
                    in_list(self);
                    self.w.push(", FALSE) WHEN ");
                    self.d.list_has_null(&mut self.w, *p);
                    self.w.push(" THEN TRUE END)");
                } else {
                    self.node(a);
                    in_list(self);
                    self.w.push(" END)");
                }
            }
            Node::Agg(f, Some(arg), ty) if self.d.exact_aggregate(*f, *ty, false).is_some() => {
                self.exact_aggregate(*f, arg, *ty, false);
            }
            Node::Agg(f @ (AggFn::Avg | AggFn::AvgDistinct), Some(arg), ty)
                if self.d.avg_as_sum_over_count(*f, *ty) =>
            {
                let distinct = if *f == AggFn::AvgDistinct {
                    "DISTINCT "
                } else {
                    ""
                };
                self.w.push("(CAST(SUM(").push(distinct);
                self.node(arg);
                self.w
                    .push(") AS DOUBLE PRECISION) / COUNT(")
                    .push(distinct);
                self.node(arg);
                self.w.push("))");
            }
            Node::Agg(f @ (AggFn::Min | AggFn::Max), Some(arg), ty)
                if self.d.min_max(*f, *ty).is_some() =>
            {
                let (open, close) = self.d.min_max(*f, *ty).unwrap_or(("MAX(", ")"));
                self.w.push(open);
                self.node(arg);
                self.w.push(close);
            }
            Node::Agg(f, arg, ty) => {
                let (open, close) = self.d.aggregate_cast(*f, *ty);
                self.w.push(open);
                self.w.push(match f {
                    AggFn::Count => "COUNT(",
                    AggFn::Sum => "SUM(",
                    AggFn::Avg => "AVG(",
                    AggFn::Min => "MIN(",
                    AggFn::Max => "MAX(",
                    AggFn::CountDistinct => "COUNT(DISTINCT ",
                    AggFn::SumDistinct => "SUM(DISTINCT ",
                    AggFn::AvgDistinct => "AVG(DISTINCT ",
                    AggFn::GroupConcat => self.d.group_concat(),
                });
                match arg {
                    Some(a) => self.node(a),
                    None => {
                        self.w.push("*");
                    }
                }
                self.w.push(")");
                self.w.push(close);
            }
            Node::SubAgg(scope, f, arg, ty) => {
                self.w.push("(SELECT ");
                match (f, arg.as_deref()) {
                    (AggFn::Count, Some(Node::CountEntity(s))) => self.count_objects(*s, *scope),
                    _ => self.node(&Node::Agg(*f, arg.clone(), *ty)),
                }
                self.scope_body(*scope, &[]);
                self.w.push(")");
            }
            Node::Exists(scope, anchor, negated) => {
                self.w.push(if *negated {
                    "(NOT EXISTS (SELECT "
                } else {
                    "(EXISTS (SELECT "
                });
                // The rows, whatever their value; a value that holds a parameter
                // (`(s.age > 24 for s in g.students).is_empty()`) is selected, so that the
                // statement reads every parameter it is given (the databases do not compute
                // an `EXISTS` sub-query's values).
                if reads_params(anchor) {
                    self.node(anchor);
                } else {
                    self.w.push("1");
                }
                self.scope_body(*scope, &[]);
                self.w.push("))");
            }
            Node::InSub(value, scope, projected) => {
                // NULLs of the sub-query never make a membership test unknown; a NULL value
                // makes it unknown, negated or not, even against an empty sub-query (where
                // `NULL IN (..)` is false). (The test comes first: PostgreSQL types a
                // parameter from it.)
                self.w.push("(CASE WHEN ");
                self.node(value);
                self.w.push(" IN (SELECT ");
                self.node(projected);
                let not_null = Node::IsNull(projected.clone(), true);
                self.scope_body(*scope, &[&not_null]);
                self.w.push(") THEN TRUE WHEN ");
                self.node(value);
                self.w.push(" IS NULL THEN NULL ELSE FALSE END)");
            }
            Node::CountEntity(s) => self.count_objects(*s, 0),
        }
    }
}

/// Whether `n` reads a parameter.
fn reads_params(n: &Node) -> bool {
    let mut found = match n {
        Node::Param(_) | Node::ParamF32(_) | Node::InList(..) => true,
        // Another query's parameters, rendered inside this one (its limit and offset are
        // parameters too).
        Node::InQuery(_, sub) => sub.plan.param_count > 0 || sub.flags.limit || sub.flags.offset,
        _ => false,
    };
    n.for_each_child(|c| found |= reads_params(c));
    found
}

/// Whether a run of `op` (`&&` or `||`) has a term after its first that can fail for a row
/// ([`Node::may_raise`]).
fn chain_needs_guard(n: &Node, op: BinOp) -> bool {
    let mut terms = Vec::new();
    chain_terms(n, op, &mut terms);
    terms.iter().skip(1).any(|t| t.may_raise())
}

/// The terms of a run of `op` in `n`, left to right (`(a || b) || c`: `a`, `b`, `c`).
fn chain_terms<'n>(n: &'n Node, op: BinOp, out: &mut Vec<&'n Node>) {
    match n {
        Node::Binary(o, a, b) if *o == op => {
            chain_terms(a, op, out);
            chain_terms(b, op, out);
        }
        _ => out.push(n),
    }
}

/// The value of a constant node: a literal, negated or cast (a cast may be written as its
/// operand alone).
fn constant_value(n: &Node) -> Option<&crate::value::Value> {
    match n {
        Node::Const(v, _) => Some(v),
        Node::Neg(inner) | Node::Cast(inner, _) => constant_value(inner),
        _ => None,
    }
}

/// Whether an order item orders by a constant, which orders nothing: it is left out of the
/// `ORDER BY` (written, a whole number would be read as a column's position, and PostgreSQL
/// refuses other constants there).
pub(super) fn constant(o: &crate::plan::OrderItem) -> bool {
    constant_value(&o.node).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_double_inner_quotes() {
        let mut w = SqlWriter::new(Dialect::Sqlite);
        w.ident("we\"ird");
        assert_eq!(w.finish(), "\"we\"\"ird\"");
    }

    #[test]
    fn binds_are_numbered_for_you() {
        let mut w = SqlWriter::new(Dialect::Postgres);
        w.bind()
            .push(", ")
            .bind()
            .push(", ")
            .bind_param(5)
            .push(", ")
            .bind();
        assert_eq!(w.finish(), "$1, $2, $6, $7");
    }
}
