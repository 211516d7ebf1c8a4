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
    let tables: Vec<(&str, &str)> = renames
        .iter()
        .filter_map(|r| match r {
            Rename::Table { from, to } => Some((from.as_str(), to.as_str())),
            Rename::Column { .. } => None,
        })
        .collect();
    let find = |name: &str| have.iter().find(|t| same(&t.info.name, name));
    // The name a table of the entities has in the database, before the renames.
    let before = |t: &str| -> String {
        tables
            .iter()
            .find(|(_, to)| same(to, t))
            .map_or_else(|| t.to_string(), |(from, _)| from.to_string())
    };
    let renamed = |t: &str| tables.iter().any(|(_, to)| same(to, t));
    let named = |name: &str| {
        tables
            .iter()
            .any(|(from, to)| same(from, name) || same(to, name))
    };
    // The link tables of renamed tables, with the name each had by the default rule.
    let mut links = Vec::new();
    for link in want.iter().filter(|t| is_link(t)) {
        let targets: Vec<&str> = link
            .info
            .foreign_keys
            .iter()
            .map(|fk| fk.table.as_str())
            .collect();
        if !targets.iter().any(|t| renamed(t)) {
            continue;
        }
        let mut new_pair = [targets[0].to_string(), targets[1].to_string()];
        let mut old_pair = [before(targets[0]), before(targets[1])];
        new_pair.sort_unstable();
        old_pair.sort_unstable();
        if link.info.name != format!("{}_{}", new_pair[0], new_pair[1]) {
            continue;
        }
        let old_name = format!("{}_{}", old_pair[0], old_pair[1]);
        if !same(&old_name, &link.info.name) && !named(&old_name) && !named(&link.info.name) {
            links.push((link, old_name));
        }
    }
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for (link, old_name) in &links {
        // The database's table of the new name is one renamed away (a chain of renames),
        // or the link is the database's already.
        let moved_away = links.iter().any(|(_, o)| same(o, &link.info.name));
        if find(&link.info.name).is_some() && !moved_away {
            continue;
        }
        let Some(old) = find(old_name) else {
            continue;
        };
        // Each column, with its name in the database: a renamed table's column had that
        // table's old name (`_2` after it for the second of a table linked to itself).
        let old_column = |c: &str| -> String {
            if renamed(c) {
                before(c)
            } else if let Some(t) = c.strip_suffix("_2").filter(|t| renamed(t)) {
                format!("{}_2", before(t))
            } else {
                c.to_string()
            }
        };
        let columns: Option<Vec<(String, String)>> = link
            .info
            .columns
            .iter()
            .map(|c| {
                let wanted = old_column(&c.name);
                old.info
                    .columns
                    .iter()
                    .find(|o| same(&o.name, &wanted))
                    .map(|o| (o.name.clone(), c.name.clone()))
            })
            .collect();
        let Some(columns) = columns.filter(|c| c.len() == old.info.columns.len()) else {
            continue;
        };
        out.push(Rename::Table {
            from: old.info.name.clone(),
            to: link.info.name.clone(),
        });
        let mut said = Vec::new();
        for (from_column, to_column) in columns {
            if !same(&from_column, &to_column) {
                said.push(format!("`{from_column}` to `{to_column}`"));
                out.push(Rename::Column {
                    table: link.info.name.clone(),
                    from: from_column,
                    to: to_column,
                });
            }
        }
        let columns_said = if said.is_empty() {
            String::new()
        } else {
            format!(", its columns {}", said.join(", "))
        };
        notes.push(format!(
            "the link table `{}` of a renamed table is renamed `{}`{columns_said} (as `--rename {}={}` would)",
            old.info.name, link.info.name, old.info.name, link.info.name
        ));
    }
    // A chain: the link renamed away first, as the table renames go.
    out.sort_by_key(|r| match r {
        Rename::Table { from, .. } => !links.iter().any(|(l, _)| same(&l.info.name, from)),
        Rename::Column { .. } => true,
    });
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
