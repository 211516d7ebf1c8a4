//! SQLite: a rebuild in an up.sql checks, before it changes anything, that the table is the
//! one `colt migrate diff` saw.
//!
//! A rebuild copies the columns, and makes again the indexes, foreign keys and triggers, of
//! the database the migration was written against (often a development copy). Run against
//! another (the production database), a column, an index, a foreign key or a trigger only
//! that one has went with the old table, and the migration reported success. The guard fails
//! the migration instead, before its first statement changes anything of the table: a
//! `CHECK` on a temporary table, which SQLite allows anywhere a statement runs (`raise()`
//! only works in triggers).
//!
//! It compares what a revert and a new run keep: the columns by name, the indexes over plain
//! columns by what they index (a revert names a `UNIQUE` constraint's index otherwise), the
//! foreign keys by number, partial and expression indexes and triggers by name (the triggers
//! of the views it makes again too, which go with them). Not `CHECK`
//! constraints nor generated columns, which a rebuild does not keep anyway (the diff says
//! so), nor a trigger's body. (A `down.sql` undoes its own up.sql and is not guarded.)

use crate::change_sql::{text, SchemaObject};
use crate::schema_diff::Alter;

/// As many rows of `from` (a `FROM .. WHERE ..` text) as `values`, each with `expr` among
/// them.
fn same_set(from: &str, expr: &str, values: &[String]) -> String {
    let n = values.len();
    if values.is_empty() {
        return format!("(SELECT count(*) FROM {from}) = 0");
    }
    let list: Vec<String> = values.iter().map(|v| text(v)).collect();
    format!(
        "(SELECT count(*) FROM {from}) = {n} AND (SELECT count(*) FROM {from} AND {expr} IN ({})) = {n}",
        list.join(", ")
    )
}

/// The statements that fail the migration unless `table` (its name in the database now) has
/// the columns, indexes, foreign keys and triggers the diff read.
pub(crate) fn guard(a: &Alter, table: &str, objects: &[SchemaObject]) -> Vec<String> {
    let name = text(table);
    // Names in the database, in lower case as SQLite's `lower()` makes it (its names ignore
    // ASCII case only; `Äpfel` stays): a renamed
    // column under its old name (the rebuild renames it).
    let db_name = |c: &String| {
        a.renamed
            .iter()
            .find(|(_, to)| to == c)
            .map_or(c.as_str(), |(from, _)| from.as_str())
            .to_ascii_lowercase()
    };
    let columns: Vec<String> = a
        .current
        .info
        .columns
        .iter()
        .map(|c| db_name(&c.name))
        .collect();
    let indexes: Vec<String> = a
        .current
        .info
        .indexes
        .iter()
        .map(|i| {
            let cols: Vec<String> = i.columns.iter().map(db_name).collect();
            format!("{}:{}", u8::from(i.unique), cols.join(","))
        })
        .collect();
    let by_name: Vec<String> = objects
        .iter()
        .filter(|o| {
            o.table.eq_ignore_ascii_case(table)
                && (o.kind == "trigger" || (o.kind == "index" && !o.catalogued))
        })
        .map(|o| o.name.to_ascii_lowercase())
        .collect();
    let plain = "il.partial = 0 AND NOT EXISTS (SELECT 1 FROM pragma_index_info(il.name) x WHERE x.name IS NULL)";
    let mut checks = vec![
        same_set(
            &format!("pragma_table_info({name}) WHERE 1"),
            "lower(name)",
            &columns,
        ),
        same_set(
            &format!("pragma_index_list({name}) il WHERE il.origin <> 'pk' AND {plain}"),
            "((il.\"unique\" <> 0) || ':' || (SELECT group_concat(lower(ii.name), ',' ORDER BY ii.seqno) FROM pragma_index_info(il.name) ii))",
            &indexes,
        ),
        same_set(
            &format!(
                "sqlite_master WHERE tbl_name = {name} COLLATE NOCASE AND (type = 'trigger' OR (type = 'index' AND name IN (SELECT il.name FROM pragma_index_list({name}) il WHERE NOT ({plain}))))"
            ),
            "lower(name)",
            &by_name,
        ),
        format!(
            "(SELECT count(DISTINCT id) FROM pragma_foreign_key_list({name})) = {}",
            a.current.info.foreign_keys.len()
        ),
    ];
    // The triggers of the views the rebuild makes again (dropping a view drops them): only
    // those the diff saw are made again.
    let views: Vec<String> = crate::rebuild_staleness::made_again(objects, table)
        .into_iter()
        .filter(|o| o.kind == "view")
        .map(|o| o.name.to_ascii_lowercase())
        .collect();
    if !views.is_empty() {
        let of_views: Vec<String> = objects
            .iter()
            .filter(|o| o.kind == "trigger" && views.contains(&o.table.to_ascii_lowercase()))
            .map(|o| o.name.to_ascii_lowercase())
            .collect();
        let list: Vec<String> = views.iter().map(|v| text(v)).collect();
        checks.push(same_set(
            &format!(
                "sqlite_master WHERE type = 'trigger' AND lower(tbl_name) IN ({})",
                list.join(", ")
            ),
            "lower(name)",
            &of_views,
        ));
    }
    vec![
        format!(
            "-- `{}` must be as `colt migrate diff` saw it: a column, index, foreign key or trigger it did not see would go with the old table.",
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
