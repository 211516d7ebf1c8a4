//! What `check_tables` says about a table's keys: the primary key is the entity's, an `auto`
//! key is one the database fills in, and a many-to-many's link table keeps each pair once.
//! A difference there gives wrong rows rather than errors: an update by a key that is not
//! the table's changes every row that shares it, an `auto` key SQLite does not fill in
//! leaves the row a NULL key while the object takes the rowid, and a link table without a
//! key over both columns keeps a pair added twice twice.

use crate::backend::LiveColumn;
use crate::entity::EntityMeta;
use crate::render::Dialect;

/// Whether a live column's name is `name`: SQLite's names ignore ASCII case; PostgreSQL's
/// do not, as Colt quotes every name (`"Name"` is not `"name"`).
pub(crate) fn same_name(dialect: Dialect, live: &str, name: &str) -> bool {
    match dialect {
        Dialect::Sqlite => live.eq_ignore_ascii_case(name),
        // (Either side may be the cut one: both are cut.)
        Dialect::Postgres => pg_name(live) == pg_name(name),
    }
}

/// Whether two entities' table names would name one table on some backend: SQLite ignores
/// ASCII case; PostgreSQL keeps the first 63 bytes of a name (two longer names alike in
/// those would be one table there). (`bind` refuses two entities on one table by this.)
pub(crate) fn same_table_name(a: &str, b: &str) -> bool {
    pg_name(a).eq_ignore_ascii_case(pg_name(b))
}

/// A name as PostgreSQL keeps it: its first 63 bytes (`NAMEDATALEN`), cut at a character's
/// boundary. Its statements cut every longer name so, and its catalogue holds the cut name.
pub(crate) fn pg_name(name: &str) -> &str {
    let mut end = name.len().min(63);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// The live table's primary key, by column name.
fn live_key(live: &[LiveColumn]) -> Vec<&str> {
    live.iter()
        .filter(|l| l.primary_key)
        .map(|l| l.name.as_str())
        .collect()
}

/// Whether SQLite's column is the table's rowid: the single `INTEGER PRIMARY KEY` (not
/// `DESC`, not in a `WITHOUT ROWID` table: see [`LiveColumn::rowid`]).
pub(crate) fn is_rowid(dialect: Dialect, live: &[LiveColumn], l: &LiveColumn) -> bool {
    dialect == Dialect::Sqlite && l.rowid && live_key(live).len() == 1
}

/// The problems of entity `e`'s keys against its live table's columns.
pub(crate) fn key_problems(dialect: Dialect, e: &EntityMeta, live: &[LiveColumn]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut declared: Vec<&str> = e.primary_key.iter().map(|&i| e.columns[i].name).collect();
    let mut found = live_key(live);
    declared.sort_by_key(|n| n.to_ascii_lowercase());
    found.sort_by_key(|n| n.to_ascii_lowercase());
    // A table without a primary key (a view, a table keyed by a unique index) says nothing.
    let same = declared.len() == found.len()
        && declared
            .iter()
            .zip(&found)
            .all(|(a, b)| same_name(dialect, b, a));
    if !found.is_empty() && !same {
        problems.push(format!(
            "table `{}` has the primary key ({}) but `{}` declares ({}): an object would stand for several rows, or a row for several objects",
            e.table,
            found.join(", "),
            e.name,
            declared.join(", ")
        ));
    }
    // (A view, or a table keyed by a unique index, has no key to fill in.)
    if let Some(auto) = e.auto_column().filter(|_| !found.is_empty()) {
        let name = e.columns[auto].name;
        if let Some(l) = live.iter().find(|l| same_name(dialect, &l.name, name)) {
            let filled = match dialect {
                Dialect::Sqlite => is_rowid(dialect, live, l),
                Dialect::Postgres => l.has_default,
            };
            if !filled {
                problems.push(match dialect {
                    Dialect::Sqlite => format!(
                        "column `{}.{}` is an `auto` key of `{}` but not the table's rowid (an `INTEGER PRIMARY KEY` alone): SQLite would not fill it in",
                        e.table, name, e.name
                    ),
                    Dialect::Postgres => format!(
                        "column `{}.{}` is an `auto` key of `{}` but has no default (an identity, `serial` or sequence): PostgreSQL would not fill it in",
                        e.table, name, e.name
                    ),
                });
            }
        }
    }
    problems
}

/// The problem of a link table that keeps a pair twice: its primary key is another (a
/// surrogate `id`, or none) and no unique index is over its two columns. (On PostgreSQL, a
/// table whose key the database does not show, to a role that cannot see its constraints,
/// says nothing; SQLite always shows a table's key.)
pub(crate) fn link_problem(
    dialect: Dialect,
    table: &str,
    columns: [&str; 2],
    live: &[LiveColumn],
    unique_indexes: &[Vec<String>],
) -> Option<String> {
    let pair = |cols: &[&str]| {
        cols.len() == 2
            && columns
                .iter()
                .all(|c| cols.iter().any(|k| k.eq_ignore_ascii_case(c)))
    };
    let key = live_key(live);
    let indexed = unique_indexes.iter().any(|i| {
        let cols: Vec<&str> = i.iter().map(String::as_str).collect();
        pair(&cols)
    });
    let shown = !key.is_empty() || dialect == Dialect::Sqlite;
    (shown && !pair(&key) && !indexed).then(|| {
        format!(
            "link table `{table}` keeps a pair added twice twice: make ({}, {}) its primary key or a unique index",
            columns[0], columns[1]
        )
    })
}
