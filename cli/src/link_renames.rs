//! A table renamed with `--rename from=to` takes its many-to-many links along.
//!
//! A link table's default name is its two tables' names (`item_tag`), and its columns are
//! named after them (`item`, `tag`): renamed, `item` becomes `product`, and the entities
//! read `product_tag` (`product`, `tag`). Left to the diff, the old link table is one no
//! entity declares (kept, or dropped with `--allow-drop`) and an empty one is made: every
//! `Set` would read empty. So where the database has the link table named the old way,
//! with the columns named the old way, and lacks the one the entities name, the link table
//! and its columns are renamed too, as if `--rename` had said so, and a note says it.

use colt_runtime::Dialect;

use crate::desired_schema::Table;
use crate::schema_diff::Rename;

/// The renames that carry the link tables of the tables `renames` renames, and a note for
/// each link table.
pub(crate) fn inferred(
    dialect: Dialect,
    have: &[Table],
    want: &[Table],
    renames: &[Rename],
) -> (Vec<Rename>, Vec<String>) {
    let same = |a: &str, b: &str| match dialect {
        // SQLite's names ignore ASCII case.
        Dialect::Sqlite => a.eq_ignore_ascii_case(b),
        _ => a == b,
    };
    let exists = |name: &str| have.iter().find(|t| same(&t.info.name, name));
    let named = |name: &str| {
        renames.iter().any(|r| match r {
            Rename::Table { from, to } => same(from, name) || same(to, name),
            Rename::Column { .. } => false,
        })
    };
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for rename in renames {
        let Rename::Table { from, to } = rename else {
            continue;
        };
        for link in want.iter().filter(|t| is_link(t)) {
            let targets: Vec<&str> = link
                .info
                .foreign_keys
                .iter()
                .map(|fk| fk.table.as_str())
                .collect();
            if !targets.iter().any(|t| same(t, to)) || exists(&link.info.name).is_some() {
                continue;
            }
            // The names the link table and its columns had before the rename, by the default
            // rule: the tables' names in order, a column per table (`_2` for the second of a
            // table linked to itself).
            let old_table = |t: &'_ str| -> String {
                if same(t, to) {
                    from.clone()
                } else {
                    t.to_string()
                }
            };
            let mut pair = [old_table(targets[0]), old_table(targets[1])];
            let mut new_pair = [targets[0], targets[1]];
            pair.sort_unstable();
            new_pair.sort_unstable();
            if link.info.name != format!("{}_{}", new_pair[0], new_pair[1]) {
                continue;
            }
            let old_name = format!("{}_{}", pair[0], pair[1]);
            if named(&old_name) || named(&link.info.name) {
                continue;
            }
            let Some(old) = exists(&old_name) else {
                continue;
            };
            let old_column = |c: &str| {
                if same(c, to) {
                    Some(from.clone())
                } else {
                    c.strip_suffix("_2")
                        .filter(|t| same(t, to))
                        .map(|_| format!("{from}_2"))
                }
            };
            let columns: Vec<(String, String)> = link
                .info
                .columns
                .iter()
                .filter_map(|c| old_column(&c.name).map(|o| (o, c.name.clone())))
                .collect();
            // The old table has the old columns, and no other.
            let olds: Vec<String> = link
                .info
                .columns
                .iter()
                .map(|c| old_column(&c.name).unwrap_or_else(|| c.name.clone()))
                .collect();
            if old.info.columns.len() != olds.len()
                || !olds
                    .iter()
                    .all(|o| old.info.columns.iter().any(|c| same(&c.name, o)))
            {
                continue;
            }
            out.push(Rename::Table {
                from: old.info.name.clone(),
                to: link.info.name.clone(),
            });
            for (from_column, to_column) in &columns {
                out.push(Rename::Column {
                    table: link.info.name.clone(),
                    from: from_column.clone(),
                    to: to_column.clone(),
                });
            }
            let columns_said: Vec<String> = columns
                .iter()
                .map(|(f, t)| format!("`{f}` to `{t}`"))
                .collect();
            notes.push(format!(
                "the link table `{}` of the renamed table `{from}` is renamed `{}`, its column {} (as `--rename {}={}` would)",
                old.info.name,
                link.info.name,
                columns_said.join(", "),
                old.info.name,
                link.info.name
            ));
        }
    }
    (out, notes)
}

/// Whether the entities' table `t` is a many-to-many link table: two columns, both its key,
/// each referring to a table.
fn is_link(t: &Table) -> bool {
    t.info.columns.len() == 2
        && t.info.primary_key.len() == 2
        && t.info.foreign_keys.len() == 2
        && t.info.foreign_keys.iter().all(|fk| fk.columns.len() == 1)
}
