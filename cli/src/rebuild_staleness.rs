//! SQLite: what a rebuild would make again from stale SQL.
//!
//! A rebuilt table's triggers, views and partial or expression indexes are made again from
//! the SQL `colt migrate diff` saved from the database, as it was before the migration. A
//! rename SQLite makes in place rewrites that SQL in the database, but not the saved copy:
//! made again after the rename, a trigger would name a column or a table that is gone, and
//! SQLite checks neither a trigger's body nor a view's query when it is made. The audit
//! trigger of a renamed column then never fired, without an error. Such a migration is
//! refused (with a way to write it); an index that keeps its `COLLATE` or `DESC` only in
//! its SQL, made again from the catalogue because a column of it is renamed, is a note.

use std::collections::HashSet;

use crate::change_sql::{needs_rebuild, SchemaObject};
use crate::schema_diff::Diff;

/// The identifiers an SQL text names, in lower case (quotes and punctuation separate them).
fn names_in(sql: &str) -> HashSet<String> {
    sql.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Adds to `up.refused` each object a rebuild of `up` would make again from SQL that names
/// what the same migration renames, and to `up.notes` each index that loses its `COLLATE`
/// or `DESC`.
pub(crate) fn check(up: &mut Diff, objects: &[SchemaObject]) {
    let mut refused = Vec::new();
    let mut notes = Vec::new();
    // Every column renamed in the migration (its table, the old name), and every table
    // renamed (the old name).
    let columns: Vec<(&str, &str)> = up
        .altered
        .iter()
        .flat_map(|a| {
            a.renamed
                .iter()
                .map(move |(from, _)| (a.target.info.name.as_str(), from.as_str()))
        })
        .collect();
    for a in up.altered.iter().filter(|a| needs_rebuild(a)) {
        let table = &a.target.info.name;
        // The rebuilt table's name in the database, which its saved objects name.
        let original = up
            .renamed_tables
            .iter()
            .find(|(_, to)| to == table)
            .map_or(table.as_str(), |(from, _)| from.as_str());
        let made_again = objects.iter().filter(|o| match o.kind.as_str() {
            "trigger" | "view" => names_in(&o.sql).contains(&original.to_lowercase()),
            "index" => !o.catalogued && o.table.eq_ignore_ascii_case(original),
            _ => false,
        });
        for o in made_again {
            let names = names_in(&o.sql);
            let stale_column = columns
                .iter()
                .find(|(t, c)| {
                    names.contains(&c.to_lowercase())
                        && (t.eq_ignore_ascii_case(table) || o.kind != "index")
                })
                .map(|(t, c)| format!("column `{t}.{c}`"));
            let stale_table = up
                .renamed_tables
                .iter()
                .find(|(from, to)| to != table && names.contains(&from.to_lowercase()))
                .map(|(from, _)| format!("table `{from}`"));
            if let Some(what) = stale_column.or(stale_table) {
                refused.push(format!(
                    "rebuilding `{table}` would make {} `{}` again from its SQL as it is now, which names {what}, renamed by the same migration (SQLite would not check it, and it would fail or do nothing); make the renames a migration of their own (`colt migrate diff` with only the entities' renames), then the rest in another",
                    o.kind, o.name
                ));
            }
        }
        for index in &a.target.info.indexes {
            let renamed = index
                .columns
                .iter()
                .any(|c| a.renamed.iter().any(|(_, to)| to == c));
            let Some(o) = objects.iter().find(|o| {
                o.kind == "index"
                    && o.catalogued
                    && o.name == index.name
                    && o.table.eq_ignore_ascii_case(original)
            }) else {
                continue;
            };
            let words = names_in(&o.sql);
            if renamed && (words.contains("collate") || words.contains("desc")) {
                notes.push(format!(
                    "index `{}` of `{table}` is made again from the entities, as a column of it is renamed: its COLLATE/DESC are not kept; add them to up.sql's CREATE INDEX to keep them",
                    index.name
                ));
            }
        }
    }
    up.refused.extend(refused);
    up.notes.extend(notes);
}
