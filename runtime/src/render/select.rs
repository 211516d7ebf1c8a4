//! `SELECT`, `SELECT COUNT(*)` and their ordering, limits and sets: the statements of a
//! query's `fetch`, `first` and `count`.

use super::{constant, Renderer, StatementKind};
use crate::plan::{AggFn, Func, Node, OrderItem, ProjItem, SqlKey};
use crate::types::ColumnType;

impl Renderer<'_> {
    /// Whether `node` is one of the projected values (or a column of a projected object).
    fn projected(&self, node: &Node) -> bool {
        self.plan.projection.iter().any(|p| match (p, node) {
            (ProjItem::Expr(e), n) => e == n,
            (ProjItem::Entity(s), Node::Column { source, .. }) => s == source,
            (ProjItem::Entity(_), _) => false,
        })
    }

    /// A value the statement returns that the dialect computes exactly
    /// ([`super::SqlDialect::exact_aggregate`]): an aggregate, a collection's (a sub-query
    /// per row), either with a default (`unwrap_or`), written in the form that is read
    /// exactly, for a reader that reads it so (the result of the top-level statement, or
    /// another exact aggregate: a sum of collections' sums); whether it was.
    pub(super) fn exact_read(&mut self, n: &Node) -> bool {
        match n {
            Node::Agg(f, Some(arg), ty) if self.reads_exactly(*f, *ty) => {
                self.exact_aggregate(*f, arg, *ty, true);
                true
            }
            Node::SubAgg(scope, f, Some(arg), ty) if self.reads_exactly(*f, *ty) => {
                self.w.push("(SELECT ");
                self.exact_aggregate(*f, arg, *ty, true);
                self.scope_body(*scope, &[]);
                self.w.push(")");
                true
            }
            Node::Call(Func::Coalesce, args)
                if args.len() == 2 && self.has_exact_read(&args[0]) =>
            {
                self.w.push("COALESCE(");
                self.exact_read(&args[0]);
                self.w.push(", ");
                self.node(&args[1]);
                self.w.push(")");
                true
            }
            _ => false,
        }
    }

    /// Whether [`Renderer::exact_read`] writes `n` in another form than [`Renderer::node`].
    fn has_exact_read(&self, n: &Node) -> bool {
        match n {
            Node::Agg(f, Some(_), ty) | Node::SubAgg(_, f, Some(_), ty) => {
                self.reads_exactly(*f, *ty)
            }
            Node::Call(Func::Coalesce, args) => args.len() == 2 && self.has_exact_read(&args[0]),
            _ => false,
        }
    }

    fn reads_exactly(&self, f: AggFn, ty: Option<ColumnType>) -> bool {
        self.d.exact_aggregate(f, ty, true) != self.d.exact_aggregate(f, ty, false)
    }

    /// An aggregate the dialect computes exactly, in the form read exactly (`read_back`) or
    /// the one the statement compares; an argument that is itself one is read exactly.
    pub(super) fn exact_aggregate(
        &mut self,
        f: AggFn,
        arg: &Node,
        ty: Option<ColumnType>,
        read_back: bool,
    ) {
        let (open, close) = self
            .d
            .exact_aggregate(f, ty, read_back)
            .unwrap_or(("SUM(", ")"));
        self.w.push(open);
        if !self.exact_read(arg) {
            self.node(arg);
        }
        self.w.push(close);
    }

    pub(super) fn select(&mut self, key: SqlKey, with_order: bool) {
        let plan = self.plan;
        // `SELECT DISTINCT a ORDER BY b` is ill-defined (PostgreSQL refuses it): each value
        // is ordered by its first row in that order. With one such `b`, grouping does it
        // (the least, or descending the greatest, of its `b`s); with more, each value's
        // first row is found by a window.
        let unselected = if with_order && key.distinct && !plan.is_aggregated() {
            plan.order
                .iter()
                .filter(|o| !constant(o) && !self.projected(&o.node))
                .count()
        } else {
            0
        };
        if unselected > 1 {
            return self.first_rows(key);
        }
        let grouped_distinct = unselected == 1;
        self.w.push("SELECT ");
        // A grouped query's rows are distinct already (one per group of its values): its
        // `DISTINCT` would only make PostgreSQL refuse an ordering by an aggregate it does not
        // select.
        if key.distinct && !grouped_distinct && !plan.is_aggregated() {
            self.w.push("DISTINCT ");
        }
        self.proj_items(&plan.projection);
        self.body();
        if grouped_distinct {
            self.w.push(" GROUP BY ");
            self.key_items(&plan.projection);
        }
        if with_order {
            self.order_by(key, grouped_distinct);
        }
        self.limit_offset(key);
        if let Some(wait) = key
            .for_update
            .filter(|_| with_order && !key.distinct && !plan.is_aggregated())
        {
            // `FOR UPDATE OF` the query's variables and the objects it returns: without `OF`,
            // PostgreSQL locks the rows of every joined table too, those read only in its
            // conditions included (a job's queue: another worker's `SKIP LOCKED` then
            // skipped every job of that queue). Not a left join's row, which PostgreSQL
            // refuses to lock (there may be none); what is joined inner below it is locked.
            let lock = self.d.for_update(wait);
            let projected = |i: usize| {
                plan.projection
                    .iter()
                    .any(|p| matches!(p, ProjItem::Entity(e) if usize::from(*e) == i))
            };
            let variables: Vec<&str> = plan
                .sources
                .iter()
                .enumerate()
                .filter(|&(i, s)| {
                    s.scope == 0
                        && !s.elided
                        && !s
                            .join
                            .is_some_and(|j| j.kind == crate::plan::JoinKind::Left)
                        && (s.variable || projected(i))
                })
                .map(|(_, s)| s.alias.as_str())
                .collect();
            match lock.strip_prefix(" FOR UPDATE") {
                Some(wait) if !variables.is_empty() => {
                    self.w.push(" FOR UPDATE OF ");
                    for (i, alias) in variables.into_iter().enumerate() {
                        if i > 0 {
                            self.w.push(", ");
                        }
                        self.w.ident(alias);
                    }
                    self.w.push(wait);
                }
                _ => {
                    self.w.push(lock);
                }
            }
        }
    }

    /// A DISTINCT query ordered by several values it does not select: each distinct row of
    /// the projection where it first comes in the order (independent `MIN`s would mix the
    /// values of different rows). The sub-query names the projection's columns `colt_c{n}`;
    /// the outer `SELECT` gives back exactly them (an object's under its columns' names, as
    /// a bulk write's wrapper reads its key), for a result, or an `IN (..)`.
    fn first_rows(&mut self, key: SqlKey) {
        let plan = self.plan;
        let mut names: Vec<Option<&'static str>> = Vec::new();
        self.w.push("SELECT ");
        for item in &plan.projection {
            match item {
                ProjItem::Entity(s) => names.extend(
                    plan.sources[*s as usize]
                        .entity
                        .columns
                        .iter()
                        .map(|c| Some(c.name)),
                ),
                ProjItem::Expr(_) => names.push(None),
            }
        }
        for (n, name) in names.iter().enumerate() {
            if n > 0 {
                self.w.push(", ");
            }
            self.w.push(&format!("colt_first.colt_c{n}"));
            if let Some(name) = name {
                self.w.push(" AS ");
                self.w.ident(name);
            }
        }
        self.w.push(" FROM (SELECT ");
        let mut n = 0;
        for (i, item) in plan.projection.iter().enumerate() {
            if i > 0 {
                self.w.push(", ");
            }
            let named = |r: &mut Self, n: &mut usize| {
                r.w.push(&format!(" AS colt_c{n}"));
                *n += 1;
            };
            match item {
                ProjItem::Entity(s) => {
                    let columns = plan.sources[*s as usize].entity.columns.len();
                    for c in 0..columns {
                        if c > 0 {
                            self.w.push(", ");
                        }
                        self.column(*s, c as u16);
                        named(self, &mut n);
                    }
                }
                ProjItem::Expr(e) => {
                    self.node(e);
                    named(self, &mut n);
                }
            }
        }
        // (Here at least two items are not constants.)
        let order: Vec<&OrderItem> = plan.order.iter().filter(|o| !constant(o)).collect();
        self.w.push(", ROW_NUMBER() OVER (PARTITION BY ");
        self.key_items(&plan.projection);
        self.w.push(" ORDER BY ");
        for (i, o) in order.iter().enumerate() {
            if i > 0 {
                self.w.push(", ");
            }
            self.node(&o.node);
            self.w.push(self.d.order_suffix(o.desc, o.nulls_first));
        }
        self.w.push(") AS colt_row");
        for (i, o) in order.iter().enumerate() {
            self.w.push(", ");
            self.node(&o.node);
            self.w.push(&format!(" AS colt_order_{i}"));
        }
        self.body();
        self.w.push(") AS colt_first WHERE colt_row = 1 ORDER BY ");
        for (i, o) in order.iter().enumerate() {
            if i > 0 {
                self.w.push(", ");
            }
            self.w.push(&format!("colt_order_{i}"));
            self.w.push(self.d.order_suffix(o.desc, o.nulls_first));
        }
        self.limit_offset(key);
    }

    pub(super) fn order_by(&mut self, key: SqlKey, grouped: bool) {
        let plan = self.plan;
        let order: Vec<&OrderItem> = plan.order.iter().filter(|o| !constant(o)).collect();
        if !order.is_empty() {
            self.w.push(" ORDER BY ");
            for (i, o) in order.iter().enumerate() {
                if i > 0 {
                    self.w.push(", ");
                }
                if grouped && !self.projected(&o.node) {
                    // A group is ordered by its first value in this order: its NULL, where
                    // NULLs come first (`MIN`/`MAX` would pass over it).
                    let nulls_first = o.nulls_first.unwrap_or(!o.desc);
                    if nulls_first {
                        self.w.push("(CASE WHEN COUNT(*) > COUNT(");
                        self.node(&o.node);
                        self.w.push(") THEN NULL ELSE ");
                    }
                    let f = if o.desc { AggFn::Max } else { AggFn::Min };
                    let (open, close) = self.d.min_max(f, o.ty).unwrap_or(if o.desc {
                        ("MAX(", ")")
                    } else {
                        ("MIN(", ")")
                    });
                    self.w.push(open);
                    self.node(&o.node);
                    self.w.push(close);
                    if nulls_first {
                        self.w.push(" END)");
                    }
                } else {
                    self.node(&o.node);
                }
                self.w.push(self.d.order_suffix(o.desc, o.nulls_first));
            }
        } else if key.kind == StatementKind::First {
            // `first` without `order_by`: the first of what the query returns, ordered by
            // it (PonyORM's `order_by(1, 2, ..)`), distinct or not: an object by its key's
            // columns (wherever the entity declares them), a value by itself. (Ordered by
            // every variable's key instead, `b for c in Client for b in c.bills` without
            // `distinct` returned the first client's bill, not the first bill.)
            // A value returned in the form read exactly (a decimal sum's text, on SQLite) is
            // ordered by its value, not by its position: text would sort `'10'` before
            // `'9.5'`.
            self.w.push(" ORDER BY ");
            let mut keys: Vec<Result<usize, &Node>> = Vec::new();
            let mut at = 0;
            for p in &plan.projection {
                match p {
                    ProjItem::Entity(s) => {
                        let entity = plan.sources[*s as usize].entity;
                        keys.extend(entity.primary_key.iter().map(|&k| Ok(at + k + 1)));
                        at += entity.columns.len();
                    }
                    ProjItem::Expr(e) => {
                        at += 1;
                        let exact = self.top_level && self.has_exact_read(e);
                        keys.push(if exact { Err(e) } else { Ok(at) });
                    }
                }
            }
            for (n, k) in keys.into_iter().enumerate() {
                if n > 0 {
                    self.w.push(", ");
                }
                match k {
                    Ok(position) => {
                        self.w.push(&position.to_string());
                    }
                    Err(e) => self.node(e),
                }
                // NULLs first, as everywhere (PostgreSQL would put them last).
                self.w.push(self.d.order_suffix(false, None));
            }
        }
    }

    pub(super) fn limit_offset(&mut self, key: SqlKey) {
        let n = self.plan.param_count;
        if key.limit {
            self.w.push(" LIMIT ");
            self.w.bind_param(n);
        } else if key.offset {
            self.w.push(self.d.no_limit());
        }
        if key.offset {
            self.w.push(" OFFSET ");
            self.w.bind_param(n + usize::from(key.limit));
        }
    }

    pub(super) fn count(&mut self, key: SqlKey) {
        let plan = self.plan;
        if key.distinct || key.limit || key.offset || plan.is_aggregated() {
            self.w.push("SELECT COUNT(*) FROM (");
            self.select(key, false);
            self.w.push(") AS \"colt_q\"");
        } else {
            self.w.push("SELECT COUNT(*)");
            self.body();
        }
    }

    /// `count(v)` of the objects of source `s` in `scope`: `COUNT(*)` when the rows of the
    /// scope are the objects, `COUNT(DISTINCT key)` when other tables of the scope can
    /// repeat them (several generators, a path through two collections).
    pub(super) fn count_objects(&mut self, s: u16, scope: u16) {
        let plan = self.plan;
        let repeats = if scope == 0 {
            // Navigation joins never repeat rows; generators (variables) do, and so does a
            // collection joined for a group's distinct members (`plan/collection_groups.rs`).
            plan.sources
                .iter()
                .filter(|x| x.variable && x.scope == 0)
                .count()
                > 1
                || (0..plan.sources.len() as u16)
                    .any(|i| !plan.sources[usize::from(i)].variable && plan.may_repeat_rows(i))
        } else {
            plan.sources
                .iter()
                .filter(|x| x.scope == scope && !x.elided)
                .count()
                > 1
        };
        if !repeats {
            self.w.push("COUNT(*)");
            return;
        }
        let entity = plan.sources[s as usize].entity;
        let pk = entity.primary_key;
        self.w.push("COUNT(DISTINCT ");
        if pk.len() == 1 {
            self.column(s, pk[0] as u16);
        } else {
            // COUNT(DISTINCT a, b) is not portable: count distinct tuples as text, each part
            // after its length in bytes (`1:a3:b|c`), so that no two keys make the same text
            // whatever bytes their parts hold. (A left-joined row's NULL key stays NULL.)
            let (open, close) = self.d.byte_length();
            for (i, &k) in pk.iter().enumerate() {
                if i > 0 {
                    self.w.push(" || ");
                }
                self.w.push(open).push("CAST(");
                self.column(s, k as u16);
                self.w
                    .push(" AS TEXT)")
                    .push(close)
                    .push(" || ':' || CAST(");
                self.column(s, k as u16);
                self.w.push(" AS TEXT)");
            }
        }
        self.w.push(")");
    }
}
