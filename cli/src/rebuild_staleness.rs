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

use colt_runtime::introspect::{sql_tokens, SqlToken};

use crate::change_sql::{needs_rebuild, SchemaObject};
use crate::schema_diff::Diff;

/// The identifiers an SQL text names, in lower case: words, and quoted names whole (`"Order
/// Details"`, `[Order Details]`); string literals and comments name nothing.
fn names_in(sql: &str) -> HashSet<String> {
    sql_tokens(sql)
        .into_iter()
        .map(|t| match t {
            SqlToken::Word(w) | SqlToken::Quoted(w) => w.to_lowercase(),
        })
        .collect()
}

/// Whether a rebuild of `table` drops `o` and makes it again: a trigger or a view whose
/// SQL names the table.
pub(crate) fn made_again_around(o: &SchemaObject, table: &str) -> bool {
    matches!(o.kind.as_str(), "trigger" | "view")
        && (o.table.eq_ignore_ascii_case(table) || names_in(&o.sql).contains(&table.to_lowercase()))
}

/// What a rebuild of `table` drops and makes again, in the order of `objects` (views before
/// triggers): the triggers and views whose SQL names the table, then, as long as there are
/// more, the views and triggers that name or belong to such a view (dropping a view drops
/// its `INSTEAD OF` triggers, and a view over it would name a view that is gone).
pub(crate) fn made_again<'a>(objects: &'a [SchemaObject], table: &str) -> Vec<&'a SchemaObject> {
    let mut chosen: Vec<bool> = objects
        .iter()
        .map(|o| made_again_around(o, table))
        .collect();
    loop {
        let views: Vec<&str> = objects
            .iter()
            .zip(&chosen)
            .filter(|(o, c)| **c && o.kind == "view")
            .map(|(o, _)| o.name.as_str())
            .collect();
        let mut more = false;
        for (o, c) in objects.iter().zip(chosen.iter_mut()) {
            if !*c && views.iter().any(|v| made_again_around(o, v)) {
                *c = true;
                more = true;
            }
        }
        if !more {
            break;
        }
    }
    objects
        .iter()
        .zip(chosen)
        .filter(|(_, c)| *c)
        .map(|(o, _)| o)
        .collect()
}

/// Everything a rebuild of `table` makes again from its saved SQL: [`made_again`], then the
/// table's partial and expression indexes.
fn remade<'a>(objects: &'a [SchemaObject], table: &str) -> Vec<&'a SchemaObject> {
    let mut out = made_again(objects, table);
    out.extend(
        objects
            .iter()
            .filter(|o| o.kind == "index" && !o.catalogued && o.table.eq_ignore_ascii_case(table)),
    );
    out
}

/// The first object a rebuild of `table` makes again from SQL that names `column` (a
/// trigger, a view, or a partial or expression index of the table).
pub(crate) fn remade_naming<'a>(
    objects: &'a [SchemaObject],
    table: &str,
    column: &str,
) -> Option<&'a SchemaObject> {
    remade(objects, table)
        .into_iter()
        .find(|o| names_in(&o.sql).contains(&column.to_lowercase()))
}

/// Adds to `up.refused` each object a rebuild of `up` would make again from SQL that names
/// what the same migration renames before it, or a column of the table it drops, and to
/// `up.notes` each index that loses its `COLLATE` or `DESC`.
pub(crate) fn check(up: &mut Diff, objects: &[SchemaObject]) {
    let mut refused = Vec::new();
    let mut notes = Vec::new();
    for a in up.altered.iter().filter(|a| needs_rebuild(a)) {
        let table = &a.target.info.name;
        // The rebuilt table's name in the database, which its saved objects name. A table
        // renamed too is rebuilt before every rename of the migration (SQLite then renames
        // inside what it made again); any other, after them.
        let renamed_from = up
            .renamed_tables
            .iter()
            .find(|(_, to)| to == table)
            .map(|(from, _)| from.as_str());
        let original = renamed_from.unwrap_or(table.as_str());
        let early = renamed_from.is_some();
        for o in remade(objects, original) {
            let names = names_in(&o.sql);
            let named = |n: &str| names.contains(&n.to_lowercase());
            // Its own columns are renamed in place before the objects are made again.
            let own = a
                .renamed
                .iter()
                .find(|(from, _)| named(from))
                .map(|(from, _)| format!("column `{original}.{from}`"));
            // Another table's column, where the SQL names that table too (a trigger or a
            // view only), and tables renamed before this rebuild.
            let other = (o.kind != "index")
                .then(|| {
                    up.altered
                        .iter()
                        .filter(|b| !std::ptr::eq(*b, a))
                        .flat_map(|b| b.renamed.iter().map(move |(from, _)| (b, from)))
                        .find(|(b, from)| {
                            let names_table = named(&b.target.info.name)
                                || up
                                    .renamed_tables
                                    .iter()
                                    .any(|(old, new)| *new == b.target.info.name && named(old));
                            names_table && named(from)
                        })
                        .map(|(b, from)| format!("column `{}.{from}`", b.target.info.name))
                })
                .flatten();
            let renamed_table = (!early)
                .then(|| {
                    up.renamed_tables
                        .iter()
                        .find(|(from, _)| named(from))
                        .map(|(from, _)| format!("table `{from}`"))
                })
                .flatten();
            // A column of its own the migration drops (`--allow-drop`): SQLite would make
            // the trigger or view again without a word, and every insert, or every read of
            // the view, would then fail.
            // (SQLite checks an index made again, so up.sql would fail: refused here too.)
            let dropped = a
                .dropped
                .iter()
                .find(|c| named(c))
                .map(|c| format!("column `{original}.{c}`"));
            if let Some(what) = dropped {
                refused.push(format!(
                    "rebuilding `{table}` would make {} `{}` again from its SQL, which names {what}, dropped by the same migration (SQLite would not check a trigger or a view, and every statement reaching it would then fail); drop or rewrite the {} first (`colt migrate new`), then drop the column",
                    o.kind, o.name, o.kind
                ));
                continue;
            }
            if let Some(what) = own.or(other).or(renamed_table) {
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

#[cfg(test)]
mod tests {
    use super::{made_again_around, names_in};
    use crate::change_sql::SchemaObject;

    fn trigger(table: &str, sql: &str) -> SchemaObject {
        SchemaObject {
            kind: "trigger".to_string(),
            name: "od_audit".to_string(),
            table: table.to_string(),
            sql: sql.to_string(),
            catalogued: false,
        }
    }

    /// A table named with a space (Northwind's "Order Details"): its trigger was taken for
    /// one that does not name it (the words `order` and `details`), so a rebuild dropped it
    /// with the table and never made it again.
    #[test]
    fn quoted_names_are_names_whole() {
        let sql = r#"CREATE TRIGGER od_audit AFTER UPDATE ON "Order Details" BEGIN INSERT INTO audit VALUES ('order details', [Unit "Price"]); END"#;
        let names = names_in(sql);
        assert!(names.contains("order details"));
        assert!(names.contains("unit \"price\""));
        assert!(names.contains("audit"));
        // A string literal names nothing.
        assert!(!names.contains("order"));
        assert!(made_again_around(
            &trigger("Order Details", sql),
            "Order Details"
        ));
        assert!(made_again_around(
            &trigger("Order Details", sql),
            "order details"
        ));
        let doubled = names_in(r#"SELECT "a ""b""" FROM t -- "c d""#);
        assert!(doubled.contains("a \"b\""));
        assert!(!doubled.contains("c d"));
        // A view over the table names it in its query, not as its own table.
        let view = SchemaObject {
            kind: "view".to_string(),
            name: "big".to_string(),
            table: "big".to_string(),
            sql: r#"CREATE VIEW big AS SELECT * FROM "Order Details" WHERE qty > 5"#.to_string(),
            catalogued: false,
        };
        assert!(made_again_around(&view, "Order Details"));
        assert!(!made_again_around(&view, "Orders"));
    }
}
