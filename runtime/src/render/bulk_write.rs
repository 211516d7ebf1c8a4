//! The statements of bulk writes (`q.delete(tx)`, `q.update(tx)`): the rows the query
//! selects, by their keys, locked on PostgreSQL as the query's own rows would be.

use super::{Renderer, FETCHED_ROWS};
use crate::entity::EntityMeta;
use crate::plan::{Node, ProjItem, SqlKey};

impl Renderer<'_> {
    /// The source a `delete` or an `update` writes: the projected entity variable.
    pub(super) fn written(&self) -> u16 {
        match self.plan.projection.as_slice() {
            [ProjItem::Entity(s)] => *s,
            _ => 0,
        }
    }

    /// ` WHERE (key) IN (SELECT key FROM <the query>) RETURNING key` and `also`: the rows of
    /// the written entity the query selects (every key column).
    pub(super) fn rows_of_query(&mut self, key: SqlKey, also: &[u16]) {
        self.where_rows_of_query(key);
        self.w.push(" RETURNING ");
        let entity = self.plan.sources[self.written() as usize].entity;
        self.returning(entity, also);
    }

    /// ` WHERE (key) IN (SELECT key FROM <the query>)`, the key's columns unqualified.
    fn where_rows_of_query(&mut self, key: SqlKey) {
        let target = self.written();
        let entity = self.plan.sources[target as usize].entity;
        let pk = entity.primary_key;
        self.w.push(" WHERE ");
        if pk.len() > 1 {
            self.w.push("(");
        }
        for (i, &k) in pk.iter().enumerate() {
            if i > 0 {
                self.w.push(", ");
            }
            self.w.ident(entity.columns[k].name);
        }
        if pk.len() > 1 {
            self.w.push(")");
        }
        self.w.push(" IN (");
        // PostgreSQL: the rows are locked as they are selected, and a row another transaction
        // changed meanwhile is tested again against the query (READ COMMITTED would otherwise
        // write a row that no longer matches). SQLite writes one transaction at a time.
        let lock = self
            .d
            .for_update(key.for_update.unwrap_or(crate::plan::LockWait::Wait));
        let wait = lock.strip_prefix(" FOR UPDATE");
        let distinct = key.distinct && (key.limit || key.offset);
        match wait {
            // PostgreSQL locks no row of a DISTINCT or grouped query: the rows it selects
            // are locked by a query of their own, which tests each again against the
            // conditions on the row alone (as the lock of a plain query does).
            Some(wait) if distinct || self.plan.is_aggregated() => {
                self.locked_rows_of(key, target, wait)
            }
            _ => self.selected_rows(key, target, distinct, wait),
        }
        self.w.push(")");
    }

    /// `SELECT key FROM <the query>`: the written rows' keys; locked (`FOR UPDATE OF v`) when
    /// `wait` says how and the rows are table rows.
    pub(super) fn selected_rows(
        &mut self,
        key: SqlKey,
        target: u16,
        distinct: bool,
        wait: Option<&str>,
    ) {
        let pk = self.plan.sources[target as usize].entity.primary_key;
        let entity = self.plan.sources[target as usize].entity;
        self.w.push("SELECT ");
        if distinct {
            // A join repeats a row (one per product of a category): `fetch` makes its rows
            // distinct before the limit and the offset, so the rows written are those of its
            // statement, taken as a table.
            for (i, &k) in pk.iter().enumerate() {
                if i > 0 {
                    self.w.push(", ");
                }
                self.w
                    .ident(FETCHED_ROWS)
                    .push(".")
                    .ident(entity.columns[k].name);
            }
            self.w.push(" FROM (");
            self.select(key, true);
            self.w.push(") AS ").ident(FETCHED_ROWS);
            return;
        }
        for (i, &k) in pk.iter().enumerate() {
            if i > 0 {
                self.w.push(", ");
            }
            self.column(target, k as u16);
        }
        self.body();
        if key.limit || key.offset {
            self.order_by(key, false);
            self.limit_offset(key);
        }
        if let Some(wait) = wait.filter(|_| !self.plan.is_aggregated()) {
            // `FOR UPDATE OF v NOWAIT`: only the written table's rows.
            let alias = &self.plan.sources[target as usize].alias;
            self.w.push(" FOR UPDATE OF ");
            self.w.ident(alias);
            self.w.push(wait);
        }
    }

    /// `SELECT v.key FROM t AS v WHERE (v.key) IN (SELECT key FROM <the query>) AND <its
    /// conditions on v alone> FOR UPDATE OF v`: the rows of a query that cannot lock them
    /// itself (DISTINCT, grouped), locked, and tested again when another transaction changed
    /// them meanwhile (the conditions on other tables, as in a plain query's lock, are
    /// those of the rows the statement began with).
    pub(super) fn locked_rows_of(&mut self, key: SqlKey, target: u16, wait: &str) {
        let plan = self.plan;
        let src = &plan.sources[target as usize];
        let pk = src.entity.primary_key;
        let keys = |r: &mut Self| {
            for (i, &k) in pk.iter().enumerate() {
                if i > 0 {
                    r.w.push(", ");
                }
                r.column(target, k as u16);
            }
        };
        self.w.push("SELECT ");
        keys(self);
        self.w.push(" FROM ");
        self.w.ident(src.entity.table);
        self.w.push(" AS ");
        self.w.ident(&src.alias);
        self.w.push(" WHERE ");
        if pk.len() > 1 {
            self.w.push("(");
        }
        keys(self);
        if pk.len() > 1 {
            self.w.push(")");
        }
        let alone = |n: &Node| {
            !n.has_aggregate()
                && crate::plan::scopes::reads_only(&plan.sources, &plan.scope_filters, n, target)
        };
        // A limit ordered by the row's own values is the outer query's: PostgreSQL locks
        // below it, so a row skipped (`SKIP LOCKED`) or changed meanwhile leaves its place to
        // the next one, as in a plain query. An order by other tables' values (or by an
        // aggregate) stays inside.
        let limited = key.limit || key.offset;
        let outer_limit = limited && plan.order.iter().all(|o| alone(&o.node));
        let inner = if outer_limit {
            SqlKey {
                limit: false,
                offset: false,
                ..key
            }
        } else {
            key
        };
        // The inner query names its tables by the same aliases: inside it, they are its own.
        self.w.push(" IN (");
        self.selected_rows(
            inner,
            target,
            inner.distinct && limited && !outer_limit,
            None,
        );
        self.w.push(")");
        // (A condition cannot draw at random, `random()` only orders: testing one twice
        // keeps the same rows.)
        for f in plan.filters.iter().filter(|f| alone(f)) {
            self.w.push(" AND ");
            self.node(f);
        }
        if outer_limit {
            self.order_by(key, false);
            self.limit_offset(key);
        }
        self.w.push(" FOR UPDATE OF ");
        self.w.ident(&src.alias);
        self.w.push(wait);
    }

    /// The written rows' key columns and `also`, returned.
    pub(super) fn returning(&mut self, entity: &'static EntityMeta, also: &[u16]) {
        let returned = entity
            .primary_key
            .iter()
            .map(|&k| k as u16)
            .chain(also.iter().copied());
        for (i, k) in returned.enumerate() {
            if i > 0 {
                self.w.push(", ");
            }
            self.w.ident(entity.columns[k as usize].name);
        }
    }

    /// `DELETE FROM t WHERE key IN (SELECT v.key FROM .. WHERE ..)` for the objects the
    /// query returns (variable `v`), whatever the query joins or tests.
    pub(super) fn delete(&mut self, key: SqlKey) {
        let entity = self.plan.sources[self.written() as usize].entity;
        self.w.push("DELETE FROM ");
        self.w.ident(entity.table);
        self.rows_of_query(key, &[]);
    }

    /// `UPDATE t AS v SET c = <value>, .. WHERE (key) IN (SELECT key ..) RETURNING key, c, ..`:
    /// the values read the row being updated through the variable's alias.
    pub(super) fn update(&mut self, key: SqlKey) {
        let plan = self.plan;
        if self.d.update_sees_own_writes()
            && plan.assignments.iter().any(|(_, _, v)| reads_other_rows(v))
        {
            return self.update_from_values(key);
        }
        let target = self.written();
        let src = &self.plan.sources[target as usize];
        self.w.push("UPDATE ");
        self.w.ident(src.entity.table);
        self.w.push(" AS ");
        self.w.ident(&src.alias);
        self.w.push(" SET ");
        for (i, (_, column, value)) in plan.assignments.iter().enumerate() {
            if i > 0 {
                self.w.push(", ");
            }
            self.w.ident(src.entity.columns[*column as usize].name);
            self.w.push(" = ");
            self.node(value);
        }
        let columns: Vec<u16> = plan.assignments.iter().map(|(_, c, _)| *c).collect();
        self.rows_of_query(key, &columns);
    }

    /// `update` where a value reads other rows and the dialect's sub-queries would see the
    /// rows the statement already wrote (SQLite): every value is worked out first, from the
    /// rows as they were, in a table of its own, and the rows take them from there:
    /// `WITH "colt:new" AS MATERIALIZED (SELECT v.key AS "colt:k0", .., <value> AS
    /// "colt:v0", .. FROM t AS v WHERE (key) IN (SELECT key ..)) UPDATE t SET c =
    /// "colt:new"."colt:v0", .. FROM "colt:new" WHERE t.key = "colt:new"."colt:k0" AND ..
    /// RETURNING key, c, ..`.
    fn update_from_values(&mut self, key: SqlKey) {
        let plan = self.plan;
        let src = &plan.sources[self.written() as usize];
        let entity = src.entity;
        self.w.push("WITH \"colt:new\" AS MATERIALIZED (SELECT ");
        for (i, &k) in entity.primary_key.iter().enumerate() {
            if i > 0 {
                self.w.push(", ");
            }
            self.w.ident(&src.alias);
            self.w.push(".");
            self.w.ident(entity.columns[k].name);
            self.w.push(&format!(" AS \"colt:k{i}\""));
        }
        for (i, (_, _, value)) in plan.assignments.iter().enumerate() {
            self.w.push(", ");
            self.node(value);
            self.w.push(&format!(" AS \"colt:v{i}\""));
        }
        self.w.push(" FROM ");
        self.w.ident(entity.table);
        self.w.push(" AS ");
        self.w.ident(&src.alias);
        self.where_rows_of_query(key);
        self.w.push(") UPDATE ");
        self.w.ident(entity.table);
        self.w.push(" SET ");
        for (i, (_, column, _)) in plan.assignments.iter().enumerate() {
            if i > 0 {
                self.w.push(", ");
            }
            self.w.ident(entity.columns[*column as usize].name);
            self.w.push(&format!(" = \"colt:new\".\"colt:v{i}\""));
        }
        self.w.push(" FROM \"colt:new\" WHERE ");
        for (i, &k) in entity.primary_key.iter().enumerate() {
            if i > 0 {
                self.w.push(" AND ");
            }
            self.w.ident(entity.table);
            self.w.push(".");
            self.w.ident(entity.columns[k].name);
            self.w.push(&format!(" = \"colt:new\".\"colt:k{i}\""));
        }
        self.w.push(" RETURNING ");
        let columns: Vec<u16> = plan.assignments.iter().map(|(_, c, _)| *c).collect();
        self.returning(entity, &columns);
    }
}

/// Whether `n` reads rows besides its own: a sub-query (an aggregate over a collection, a
/// sub-comprehension, another query's values).
fn reads_other_rows(n: &Node) -> bool {
    if matches!(
        n,
        Node::SubAgg(..) | Node::Exists(..) | Node::InSub(..) | Node::InQuery(..)
    ) {
        return true;
    }
    let mut found = false;
    n.for_each_child(|c| found = found || reads_other_rows(c));
    found
}
