//! SQLite: a rebuild in an up.sql checks, before it drops anything, that the table is the one
//! `colt migrate diff` saw.
//!
//! A rebuild copies the columns, and makes again the indexes and triggers, of the database
//! the migration was written against (often a development copy). Run against another (the
//! production database), a column, an index or a trigger only that one has went with the old
//! table, and the migration reported success. The guard fails the migration instead, before
//! its first statement changes anything of the table: a `CHECK` on a temporary table, which
//! SQLite allows anywhere a statement runs (`raise()` only works in triggers).

use crate::change_sql::SchemaObject;
use crate::schema_diff::Alter;

/// A string literal (SQLite).
fn text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// As many rows of `from` (a sub-query's text) as `names`, each named one of them (SQLite's
/// names ignore ASCII case).
fn exactly(from: &str, names: &[String]) -> String {
    let n = names.len();
    if names.is_empty() {
        return format!("(SELECT count(*) FROM {from}) = 0");
    }
    let list: Vec<String> = names.iter().map(|n| text(n)).collect();
    format!(
        "(SELECT count(*) FROM {from}) = {n} AND (SELECT count(*) FROM {from} AND name COLLATE NOCASE IN ({})) = {n}",
        list.join(", ")
    )
}

/// The statements that fail the migration unless `table` (its name in the database now) has
/// the columns, indexes and triggers the rebuild of `a` was written for.
pub(crate) fn guard(a: &Alter, table: &str, objects: &[SchemaObject]) -> Vec<String> {
    // The columns under their names in the database (a rename is the rebuild's to make).
    let columns: Vec<String> = a
        .current
        .info
        .columns
        .iter()
        .map(|c| {
            a.renamed
                .iter()
                .find(|(_, to)| *to == c.name)
                .map_or(c.name.clone(), |(from, _)| from.clone())
        })
        .collect();
    let own: Vec<String> = objects
        .iter()
        .filter(|o| {
            matches!(o.kind.as_str(), "index" | "trigger") && o.table.eq_ignore_ascii_case(table)
        })
        .map(|o| o.name.clone())
        .collect();
    let name = text(table);
    let columns_now = format!("pragma_table_info({name}) WHERE 1");
    let objects_now = format!(
        "sqlite_master WHERE tbl_name = {name} COLLATE NOCASE AND type IN ('index', 'trigger') AND sql IS NOT NULL"
    );
    vec![
        format!(
            "-- `{}` must be as `colt migrate diff` saw it: a column, index or trigger it did not see would go with the old table.",
            table.replace(['\n', '\r'], " ")
        ),
        "CREATE TEMP TABLE colt_rebuild_guard (differs TEXT, CONSTRAINT \"a table to rebuild has columns, indexes or triggers colt migrate diff did not see (see up.sql)\" CHECK (differs IS NULL));".to_string(),
        format!(
            "INSERT INTO temp.colt_rebuild_guard SELECT CASE WHEN {} AND {} THEN NULL ELSE {name} END;",
            exactly(&columns_now, &columns),
            exactly(&objects_now, &own)
        ),
        "DROP TABLE temp.colt_rebuild_guard;".to_string(),
    ]
}
