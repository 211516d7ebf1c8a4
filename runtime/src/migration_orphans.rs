//! SQLite: the rows a migration leaves referring to nothing. Foreign keys are off while a
//! migration runs (a rebuild drops and renames tables), so the runner checks the rows
//! itself, before and after: a row that referred to nothing before (the sqlite3 shell does
//! not enforce foreign keys) is not the migration's doing, any other is.
//!
//! Rows are told apart by the values they refer by, not by rowid (a rebuild renumbers rows,
//! and a `WITHOUT ROWID` table has none); counted by table and parent they were not: a
//! migration that deleted two old orphans and made one new one passed.

use std::collections::HashMap;

use crate::backend::{Conn, Param};
use crate::render::migration_sql as sql;
use crate::value::Value;
use crate::Result;

/// A row that refers to a row that does not exist.
pub(crate) struct Orphan {
    pub(crate) table: String,
    pub(crate) parent: String,
    /// Its rowid, as text for messages (`?` in a `WITHOUT ROWID` table).
    pub(crate) row: String,
    /// The values it refers by (`None` in a `WITHOUT ROWID` table: counted by table alone).
    key: Option<Vec<Value>>,
}

/// Every row `pragma_foreign_key_check` finds.
pub(crate) fn orphans(conn: &Conn) -> Result<Vec<Orphan>> {
    let rows = conn.query_values(sql::FOREIGN_KEY_CHECK, &[])?;
    // The statement that reads a row's referring values, per table and foreign key (`None`:
    // the key has no columns to read).
    let mut selects: HashMap<(String, i64), Option<String>> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    // Rows without a rowid (a `WITHOUT ROWID` table): by foreign key, the values of the rows
    // that refer to nothing, found by a query of their own (if it finds as many rows as the
    // check did; else they are counted by table alone).
    let mut keyless: HashMap<(String, i64), (String, usize)> = HashMap::new();
    for r in rows {
        let text = |i: usize| match r.get(i) {
            Some(Value::Text(t)) => t.clone(),
            _ => String::new(),
        };
        let (table, parent) = (text(0), text(2));
        let fkid = match r.get(3) {
            Some(Value::Int(i)) => *i,
            _ => -1,
        };
        let (row, key) = match r.get(1) {
            Some(Value::Int(rowid)) => {
                let select = match selects.get(&(table.clone(), fkid)) {
                    Some(select) => select.clone(),
                    None => {
                        let (from, _) = fk_pairs(conn, &table, fkid)?;
                        let select = (!from.is_empty()).then(|| sql::row_values(&table, &from));
                        selects.insert((table.clone(), fkid), select.clone());
                        select
                    }
                };
                let values = match select {
                    Some(select) => {
                        let id = Value::Int(*rowid);
                        conn.query_values(&select, &[Param::Owned(&id)])?
                            .into_iter()
                            .next()
                            .unwrap_or_default()
                    }
                    None => Vec::new(),
                };
                (rowid.to_string(), Some(values))
            }
            _ => {
                keyless.entry((table, fkid)).or_insert((parent, 0)).1 += 1;
                continue;
            }
        };
        out.push(Orphan {
            table,
            parent,
            row,
            key,
        });
    }
    for ((table, fkid), (parent, n)) in keyless {
        let found = dangling(conn, &table, &parent, fkid)?.filter(|keys| keys.len() == n);
        match found {
            Some(keys) => out.extend(keys.into_iter().map(|k| Orphan {
                table: table.clone(),
                parent: parent.clone(),
                row: "?".to_string(),
                key: Some(k),
            })),
            None => out.extend((0..n).map(|_| Orphan {
                table: table.clone(),
                parent: parent.clone(),
                row: "?".to_string(),
                key: None,
            })),
        }
    }
    Ok(out)
}

/// The values by which the rows of `table` refer through foreign key `fkid` to rows of
/// `parent` that do not exist (`None` when the key's columns cannot be read).
fn dangling(conn: &Conn, table: &str, parent: &str, fkid: i64) -> Result<Option<Vec<Vec<Value>>>> {
    let (from, mut to) = fk_pairs(conn, table, fkid)?;
    let text = |v: Option<&Value>| match v {
        Some(Value::Text(t)) => Some(t.clone()),
        _ => None,
    };
    if to.is_empty() {
        // Not named: the parent's primary key.
        let p = Value::Text(parent.to_string());
        to = conn
            .query_values(sql::PRIMARY_KEY_COLUMNS, &[Param::Owned(&p)])?
            .into_iter()
            .filter_map(|r| text(r.first()))
            .collect();
    }
    if from.is_empty() || from.len() != to.len() {
        return Ok(None);
    }
    // A parent table that does not exist (every row referring to it is an orphan): no query
    // of it, whose error would fail the migration's transaction.
    let p = Value::Text(parent.to_string());
    if conn
        .query_values(sql::TABLE_COLUMNS, &[Param::Owned(&p)])?
        .is_empty()
    {
        return Ok(None);
    }
    let sql = sql::dangling_values(table, &from, parent, &to);
    Ok(Some(conn.query_values(&sql, &[])?))
}

/// The first orphan of `after` that is not one of `before` (as many rows of a table
/// referring by the same values to the same parent as before are old).
pub(crate) fn new_orphan<'a>(before: &[Orphan], after: &'a [Orphan]) -> Option<&'a Orphan> {
    let pair = |o: &Orphan| (o.table.to_ascii_lowercase(), o.parent.to_ascii_lowercase());
    // A table and parent whose rows could not all be told apart, before or after: counted.
    let counted: std::collections::HashSet<(String, String)> = before
        .iter()
        .chain(after)
        .filter(|o| o.key.is_none())
        .map(pair)
        .collect();
    let id = |o: &Orphan| {
        let (t, p) = pair(o);
        let key = if counted.contains(&(t.clone(), p.clone())) {
            None
        } else {
            o.key.as_ref().map(|k| format!("{k:?}"))
        };
        (t, p, key)
    };
    let mut old: HashMap<_, usize> = HashMap::new();
    for o in before {
        *old.entry(id(o)).or_default() += 1;
    }
    after.iter().find(|o| match old.get_mut(&id(o)) {
        Some(n) if *n > 0 => {
            *n -= 1;
            false
        }
        _ => true,
    })
}

/// The columns of foreign key `fkid` of `table`, in order, and the parent's columns they
/// name (none where the key names none: the parent's primary key).
fn fk_pairs(conn: &Conn, table: &str, fkid: i64) -> Result<(Vec<String>, Vec<String>)> {
    let (t, id) = (Value::Text(table.to_string()), Value::Int(fkid));
    let pairs = conn.query_values(
        sql::FOREIGN_KEY_PAIRS,
        &[Param::Owned(&t), Param::Owned(&id)],
    )?;
    let text = |v: Option<&Value>| match v {
        Some(Value::Text(t)) => Some(t.clone()),
        _ => None,
    };
    Ok((
        pairs.iter().filter_map(|r| text(r.first())).collect(),
        pairs.iter().filter_map(|r| text(r.get(1))).collect(),
    ))
}
