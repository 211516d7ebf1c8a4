//! SQLite: a rebuild in an up.sql checks, before it changes anything, that the table is the
//! one `colt migrate diff` saw.
//!
//! A rebuild copies the columns, and makes again the indexes and triggers, of the database
//! the migration was written against (often a development copy). Run against another (the
//! production database), a column, a constraint, an index or a trigger only that one has
//! went with the old table, and the migration reported success. The guard fails the
//! migration instead, before its first statement changes anything of the table: a `CHECK`
//! on a temporary table, which SQLite allows anywhere a statement runs (`raise()` only works
//! in triggers). It compares the table's columns and the names of its indexes and triggers
//! with what the diff read, which a revert and a new run keep: not their SQL (a revert
//! rebuilds the table as Colt writes it), nor generated columns and `UNIQUE` constraints,
//! which the catalogue leaves out. (A `down.sql` undoes its own up.sql and is not guarded.)

use crate::change_sql::SchemaObject;
use crate::schema_diff::Alter;

/// A string literal (SQLite).
fn text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// The statements that fail the migration unless `table` (its name in the database now) has
/// the columns, indexes and triggers the objects describe.
pub(crate) fn guard(a: &Alter, table: &str, objects: &[SchemaObject]) -> Vec<String> {
    let name = text(table);
    let mut checks = Vec::new();
    // The columns under their names in the database (a rename is the rebuild's).
    let columns: Vec<String> = a
        .current
        .info
        .columns
        .iter()
        .map(|c| {
            let db_name = a
                .renamed
                .iter()
                .find(|(_, to)| *to == c.name)
                .map_or(c.name.as_str(), |(from, _)| from.as_str());
            text(db_name)
        })
        .collect();
    let n = columns.len();
    checks.push(format!(
        "(SELECT count(*) FROM pragma_table_info({name})) = {n} AND (SELECT count(*) FROM pragma_table_info({name}) WHERE name COLLATE NOCASE IN ({})) = {n}",
        columns.join(", ")
    ));
    // Its indexes and triggers, by name (an autoindex, of a UNIQUE constraint, has no SQL).
    let own: Vec<String> = objects
        .iter()
        .filter(|o| {
            matches!(o.kind.as_str(), "index" | "trigger") && o.table.eq_ignore_ascii_case(table)
        })
        .map(|o| text(&o.name))
        .collect();
    let now = format!(
        "sqlite_master WHERE tbl_name = {name} COLLATE NOCASE AND type IN ('index', 'trigger') AND sql IS NOT NULL"
    );
    let m = own.len();
    checks.push(if own.is_empty() {
        format!("(SELECT count(*) FROM {now}) = 0")
    } else {
        format!(
            "(SELECT count(*) FROM {now}) = {m} AND (SELECT count(*) FROM {now} AND name IN ({})) = {m}",
            own.join(", ")
        )
    });
    vec![
        format!(
            "-- `{}` must be as `colt migrate diff` saw it: a column, index or trigger it did not see would go with the old table.",
            table.replace(['\n', '\r'], " ")
        ),
        "CREATE TEMP TABLE colt_rebuild_guard (differs TEXT, CONSTRAINT \"a table to rebuild is not as colt migrate diff saw it (see up.sql)\" CHECK (differs IS NULL));".to_string(),
        format!(
            "INSERT INTO temp.colt_rebuild_guard SELECT CASE WHEN {} THEN NULL ELSE {name} END;",
            checks.join(" AND ")
        ),
        "DROP TABLE temp.colt_rebuild_guard;".to_string(),
    ]
}
