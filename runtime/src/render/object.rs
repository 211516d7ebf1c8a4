//! Statements about one object of an entity: load by key, load many by key, insert, update
//! and delete (with the optimistic check of the columns read).

use super::{column_ref, quote, Dialect};
use crate::entity::EntityMeta;

/// `SELECT <every column> FROM table`.
fn select_all(meta: &'static EntityMeta) -> String {
    let mut sql = String::from("SELECT ");
    for i in 0..meta.columns.len() {
        if i > 0 {
            sql.push_str(", ");
        }
        column_ref(&mut sql, meta, meta.table, i);
    }
    sql.push_str(" FROM ");
    quote(&mut sql, meta.table);
    sql
}

/// `SELECT .. WHERE k1 = $1 AND k2 = $2`: one object by its key.
pub(crate) fn get(meta: &'static EntityMeta, d: Dialect) -> String {
    let mut sql = select_all(meta);
    key_where(&mut sql, d, meta, &[], 0);
    sql
}

/// `SELECT .. WHERE k IN (list $1)`: the objects of a list of (single-column) keys.
pub(crate) fn by_keys(meta: &'static EntityMeta, d: Dialect) -> String {
    let mut sql = select_all(meta);
    sql.push_str(" WHERE ");
    let key = meta.primary_key.first().copied().unwrap_or(0);
    quote(&mut sql, meta.columns[key].name);
    d.syntax().in_list(&mut sql, 0);
    sql
}

/// `INSERT INTO t (columns) VALUES ($1, ..) [RETURNING auto]` (or `DEFAULT VALUES`).
pub(crate) fn insert(
    meta: &'static EntityMeta,
    d: Dialect,
    columns: &[usize],
    auto: Option<usize>,
) -> String {
    let syntax = d.syntax();
    let mut sql = String::from("INSERT INTO ");
    quote(&mut sql, meta.table);
    if columns.is_empty() {
        sql.push_str(" DEFAULT VALUES");
    } else {
        sql.push_str(" (");
        for (n, &i) in columns.iter().enumerate() {
            if n > 0 {
                sql.push_str(", ");
            }
            quote(&mut sql, meta.columns[i].name);
        }
        sql.push_str(") VALUES (");
        for n in 0..columns.len() {
            if n > 0 {
                sql.push_str(", ");
            }
            syntax.placeholder(&mut sql, n);
        }
        sql.push(')');
    }
    if let (Some(a), true) = (auto, syntax.returning_auto()) {
        sql.push_str(" RETURNING ");
        quote(&mut sql, meta.columns[a].name);
    }
    sql
}

/// `UPDATE t SET c = $1, .. WHERE key = .. AND checked IS ..`: the changed columns, then
/// the key, then the old values of the checked columns.
pub(crate) fn update(
    meta: &'static EntityMeta,
    d: Dialect,
    changed: &[usize],
    checked: &[usize],
) -> String {
    let mut sql = String::from("UPDATE ");
    quote(&mut sql, meta.table);
    sql.push_str(" SET ");
    for (n, &i) in changed.iter().enumerate() {
        if n > 0 {
            sql.push_str(", ");
        }
        quote(&mut sql, meta.columns[i].name);
        sql.push_str(" = ");
        d.syntax().placeholder(&mut sql, n);
    }
    key_where(&mut sql, d, meta, checked, changed.len());
    sql
}

/// `DELETE FROM t WHERE key = .. AND checked IS ..`.
pub(crate) fn delete(meta: &'static EntityMeta, d: Dialect, checked: &[usize]) -> String {
    let mut sql = String::from("DELETE FROM ");
    quote(&mut sql, meta.table);
    key_where(&mut sql, d, meta, checked, 0);
    sql
}

/// ` WHERE "key" = ?n .. AND "checked" IS ?m ..`, placeholders numbered from `first`.
fn key_where(sql: &mut String, d: Dialect, meta: &EntityMeta, checked: &[usize], first: usize) {
    let syntax = d.syntax();
    let mut n = first;
    sql.push_str(" WHERE ");
    for (i, &k) in meta.primary_key.iter().enumerate() {
        if i > 0 {
            sql.push_str(" AND ");
        }
        quote(sql, meta.columns[k].name);
        sql.push_str(" = ");
        syntax.placeholder(sql, n);
        n += 1;
    }
    let (is, _) = syntax.null_safe_eq();
    for &c in checked {
        sql.push_str(" AND ");
        quote(sql, meta.columns[c].name);
        sql.push_str(is);
        syntax.placeholder(sql, n);
        n += 1;
    }
}
