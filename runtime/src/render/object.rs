//! Statements about one object of an entity: load by key, load many by key, insert, update
//! and delete (with the optimistic check of the columns read).

use super::{Dialect, SqlWriter};
use crate::entity::EntityMeta;
use crate::plan::CastTo;
use crate::types::ColumnType;

/// `SELECT <every column> FROM table`.
fn select_all(meta: &'static EntityMeta, d: Dialect) -> SqlWriter {
    let mut w = SqlWriter::new(d);
    w.push("SELECT ");
    for i in 0..meta.columns.len() {
        if i > 0 {
            w.push(", ");
        }
        w.entity_column(meta, meta.table, i);
    }
    w.push(" FROM ").ident(meta.table);
    w
}

/// `SELECT .. WHERE k1 = $1 AND k2 = $2`: one object by its key. On PostgreSQL an integer
/// key's parameter is typed as the field's type (`CAST($1 AS BIGINT)`), not the column's: a
/// key past another tool's narrower `integer` column finds no row, as on SQLite, where the
/// bare parameter was refused before it was sent (and the refusal failed the transaction).
pub(crate) fn get(meta: &'static EntityMeta, d: Dialect) -> String {
    let mut w = select_all(meta, d);
    w.push(" WHERE ");
    for (i, &k) in meta.primary_key.iter().enumerate() {
        if i > 0 {
            w.push(" AND ");
        }
        let ty = meta.columns[k].ty;
        let typed = d == Dialect::Postgres
            && matches!(
                ty,
                ColumnType::SmallInt | ColumnType::Int | ColumnType::BigInt
            );
        let (open, close) = if typed {
            w.syntax().cast(CastTo::As(ty))
        } else {
            ("", "")
        };
        w.qualified(meta.table, meta.columns[k].name)
            .push(" = ")
            .push(open)
            .bind()
            .push(close);
    }
    w.finish()
}

/// `SELECT .. WHERE k IN (list $1)`: the objects of a list of (single-column) keys.
pub(crate) fn by_keys(meta: &'static EntityMeta, d: Dialect) -> String {
    let mut w = select_all(meta, d);
    let key = meta.primary_key.first().copied().unwrap_or(0);
    w.push(" WHERE ")
        .qualified(meta.table, meta.columns[key].name);
    w.syntax().in_list(&mut w, 0);
    w.finish()
}

/// `SELECT key FROM t WHERE key IN (list)`: which rows of a one-column key exist.
pub(crate) fn existing_keys(meta: &'static EntityMeta, d: Dialect) -> String {
    let mut w = SqlWriter::new(d);
    let key = meta.primary_key.first().copied().unwrap_or(0);
    w.push("SELECT ").entity_column(meta, meta.table, key);
    w.push(" FROM ").ident(meta.table);
    w.push(" WHERE ")
        .qualified(meta.table, meta.columns[key].name);
    w.syntax().in_list(&mut w, 0);
    w.finish()
}

/// `INSERT INTO t (columns) VALUES `.
fn insert_into(w: &mut SqlWriter, meta: &EntityMeta, columns: &[usize], overriding: bool) {
    w.push("INSERT INTO ")
        .ident(meta.table)
        .push(" (")
        .idents(columns.iter().map(|&i| meta.columns[i].name))
        .push(if overriding {
            ") OVERRIDING SYSTEM VALUE VALUES "
        } else {
            ") VALUES "
        });
}

/// `(?, ?, ..)`: the next `n` parameters.
fn values_row(w: &mut SqlWriter, n: usize) {
    w.push("(");
    for i in 0..n {
        if i > 0 {
            w.push(", ");
        }
        w.bind();
    }
    w.push(")");
}

/// `INSERT INTO t (columns) VALUES ($1, ..) [RETURNING auto]` (or `DEFAULT VALUES`).
pub(crate) fn insert(
    meta: &'static EntityMeta,
    d: Dialect,
    columns: &[usize],
    auto: Option<usize>,
) -> String {
    let mut w = SqlWriter::new(d);
    if columns.is_empty() {
        w.push("INSERT INTO ")
            .ident(meta.table)
            .push(" DEFAULT VALUES");
    } else {
        insert_into(&mut w, meta, columns, false);
        values_row(&mut w, columns.len());
    }
    if let (Some(a), true) = (auto, w.syntax().returning_auto()) {
        w.push(" RETURNING ").ident(meta.columns[a].name);
    }
    w.finish()
}

/// `INSERT INTO t (columns) VALUES (..), (..), .. [RETURNING returning]`: `rows` rows in one
/// statement.
/// `overriding` (PostgreSQL): `OVERRIDING SYSTEM VALUE` before `VALUES`, so that keys the
/// program took from the column's sequence are accepted by an identity column that is
/// `GENERATED ALWAYS` (the clause changes nothing for other columns).
pub(crate) fn insert_rows(
    meta: &'static EntityMeta,
    d: Dialect,
    columns: &[usize],
    rows: usize,
    overriding: bool,
    returning: Option<usize>,
) -> String {
    let mut w = SqlWriter::new(d);
    insert_into(&mut w, meta, columns, overriding);
    for r in 0..rows {
        if r > 0 {
            w.push(", ");
        }
        values_row(&mut w, columns.len());
    }
    if let Some(c) = returning {
        w.push(" RETURNING ").ident(meta.columns[c].name);
    }
    w.finish()
}

/// `INSERT INTO t (columns) VALUES (..) ON CONFLICT (key) DO UPDATE SET c = excluded.c, ..`:
/// the row inserted, or the row with its key given every value (the same text on SQLite,
/// 3.24 and later, and PostgreSQL).
pub(crate) fn upsert(meta: &'static EntityMeta, d: Dialect, columns: &[usize]) -> String {
    let mut w = SqlWriter::new(d);
    insert_into(&mut w, meta, columns, false);
    values_row(&mut w, columns.len());
    w.push(" ON CONFLICT (")
        .idents(meta.primary_key.iter().map(|&i| meta.columns[i].name))
        .push(")");
    let rest: Vec<usize> = columns
        .iter()
        .copied()
        .filter(|i| !meta.primary_key.contains(i))
        .collect();
    if rest.is_empty() {
        w.push(" DO NOTHING");
    } else {
        w.push(" DO UPDATE SET ");
        for (n, &i) in rest.iter().enumerate() {
            if n > 0 {
                w.push(", ");
            }
            let name = meta.columns[i].name;
            w.ident(name).push(" = excluded.").ident(name);
        }
        // The key as the row holds it: a key compared ignoring case (`citext`, `COLLATE
        // NOCASE`) may be spelled otherwise than the value's.
        w.push(" RETURNING ")
            .idents(meta.primary_key.iter().map(|&i| meta.columns[i].name));
    }
    w.finish()
}

/// `INSERT .. ON CONFLICT (<a unique key>) DO UPDATE SET <every column but the primary key>
/// RETURNING <primary key>`: the row with the same unique key gets the values (its own
/// primary key kept), or a new row is inserted; either way its key comes back.
pub(crate) fn upsert_on(
    meta: &'static EntityMeta,
    d: Dialect,
    columns: &[usize],
    conflict: &[usize],
) -> String {
    let mut w = SqlWriter::new(d);
    insert_into(&mut w, meta, columns, false);
    values_row(&mut w, columns.len());
    w.push(" ON CONFLICT (")
        .idents(conflict.iter().map(|&i| meta.columns[i].name))
        .push(") DO UPDATE SET ");
    // Every value given, the conflict's own columns too: where the database's equality is
    // wider than Rust's (`COLLATE NOCASE`, `citext`), the row met may hold `Ann@X.org` for
    // the `ann@x.org` given, and the object will show the value given.
    let mut rest: Vec<usize> = columns
        .iter()
        .copied()
        .filter(|i| !meta.primary_key.contains(i))
        .collect();
    if rest.is_empty() {
        // Only the key: a no-op update, so that the row's key is returned.
        rest.extend(conflict.first().copied());
    }
    for (n, &i) in rest.iter().enumerate() {
        if n > 0 {
            w.push(", ");
        }
        let name = meta.columns[i].name;
        w.ident(name).push(" = excluded.").ident(name);
    }
    w.push(" RETURNING ")
        .idents(meta.primary_key.iter().map(|&i| meta.columns[i].name));
    w.finish()
}

/// `UPDATE t SET c = $1, .. WHERE key = .. AND checked IS ..`: the changed columns, then
/// the key, then the old values of the checked columns.
pub(crate) fn update(
    meta: &'static EntityMeta,
    d: Dialect,
    changed: &[usize],
    checked: &[usize],
) -> String {
    let mut w = SqlWriter::new(d);
    w.push("UPDATE ").ident(meta.table).push(" SET ");
    for (n, &i) in changed.iter().enumerate() {
        if n > 0 {
            w.push(", ");
        }
        w.ident(meta.columns[i].name).push(" = ").bind();
    }
    key_where(&mut w, meta, checked);
    w.finish()
}

/// `DELETE FROM t WHERE key = .. AND checked IS ..`.
pub(crate) fn delete(meta: &'static EntityMeta, d: Dialect, checked: &[usize]) -> String {
    let mut w = SqlWriter::new(d);
    w.push("DELETE FROM ").ident(meta.table);
    key_where(&mut w, meta, checked);
    w.finish()
}

/// ` WHERE "key" = ? .. AND "checked" IS ? ..`.
fn key_where(w: &mut SqlWriter, meta: &EntityMeta, checked: &[usize]) {
    w.push(" WHERE ");
    for (i, &k) in meta.primary_key.iter().enumerate() {
        if i > 0 {
            w.push(" AND ");
        }
        // Qualified: SQLite reads an unqualified double-quoted name it cannot resolve as a
        // string (a misnamed key would match no row, reported as a concurrent change).
        w.qualified(meta.table, meta.columns[k].name)
            .push(" = ")
            .bind();
    }
    let (is, _) = w.syntax().null_safe_eq();
    for &c in checked {
        let (open, close) = w.syntax().checked(&meta.columns[c]);
        w.push(" AND ")
            .push(open)
            .qualified(meta.table, meta.columns[c].name)
            .push(close);
        w.push(is).push(open).bind().push(close);
    }
}
