//! Pure link tables: a table whose primary key is two foreign keys, each to another table's
//! one-column key, and which has no other column. `colt inspect` makes such a table a
//! many-to-many `Set` pair, and `colt diagram` draws it as one many-to-many edge.

use colt_runtime::introspect::TableInfo;

/// A link table between two tables.
pub struct Link<'a> {
    /// The link table.
    pub table: &'a TableInfo,
    /// Each side: the table linked, and the link table's column that refers to it, in the
    /// link table's column order.
    pub sides: [(String, String); 2],
}

/// The link tables among `tables` (linking two of `tables`).
pub fn link_tables<'a>(tables: &[&'a TableInfo]) -> Vec<Link<'a>> {
    let mut links = Vec::new();
    for t in tables {
        if t.columns.len() != 2 || t.primary_key.len() != 2 || t.foreign_keys.len() != 2 {
            continue;
        }
        let mut sides: Vec<(String, String)> = t
            .foreign_keys
            .iter()
            .filter(|fk| fk.columns.len() == 1 && fk.table != t.name)
            .filter(|fk| {
                tables.iter().any(|o| {
                    o.name == fk.table && o.primary_key.len() == 1 && o.primary_key == fk.referenced
                })
            })
            .map(|fk| (fk.table.clone(), fk.columns[0].clone()))
            .collect();
        // In the link table's column order, whatever order the database lists its keys.
        sides.sort_by_key(|(_, column)| t.columns.iter().position(|c| &c.name == column));
        let [a, b] = sides.as_slice() else { continue };
        if a.0 == b.0 || a.1 == b.1 {
            continue;
        }
        links.push(Link {
            table: t,
            sides: [a.clone(), b.clone()],
        });
    }
    links
}
