//! Which tables `colt inspect` maps to entities: those with a key, whose every column has a
//! field type or is a reference (or a link table's side), decided again until nothing
//! changes.

use colt_runtime::introspect::{ForeignKeyInfo, TableInfo};
use colt_runtime::Dialect;

use super::Inspector;
use crate::field_types::{column_type, padded_text};
use crate::links::link_tables;

impl<'a> Inspector<'a> {
    /// The tables of `among` that map to entities, given that the others of `among` do,
    /// and those that do not, with why.
    #[allow(clippy::type_complexity)]
    pub(super) fn mappable(
        dialect: Dialect,
        among: &[&'a TableInfo],
    ) -> (Vec<&'a TableInfo>, Vec<(String, String)>) {
        let mut skipped = Vec::new();
        let mut tables = Vec::new();
        let links = link_tables(among);
        for t in among {
            // A column no field type suits can be left out only if inserts may leave it out.
            // (A column that becomes a reference, or a link table's side, needs no type of its
            // own: the key it names types it. Any other keeps the rule.)
            let link = links.iter().any(|l| l.table.name == t.name);
            let referring = |c: &colt_runtime::introspect::ColumnInfo| {
                link || t
                    .foreign_keys
                    .iter()
                    .any(|fk| fk.columns.contains(&c.name) && becomes_reference(t, fk, among))
            };
            let unmappable = t.columns.iter().find(|c| {
                // (A `character(n)` that is not a key: a `String` of its own `sql_type`.)
                let typed = column_type(dialect, &c.declared_type).is_some()
                    || (padded_text(dialect, &c.declared_type) && !t.primary_key.contains(&c.name));
                !typed
                    && !referring(c)
                    && ((c.not_null && c.default.is_none() && !c.generated)
                        || t.primary_key.contains(&c.name))
            });
            if t.primary_key.is_empty() {
                skipped.push((
                    t.name.clone(),
                    "it has no primary key (an entity is written back by its key)".to_string(),
                ));
            } else if let Some(c) = unmappable {
                skipped.push((
                    t.name.clone(),
                    if c.declared_type.trim().is_empty() {
                        format!(
                            "its column `{}` has no declared type (it holds whatever was stored, which no one field type reads), and an insert could not leave it out",
                            c.name
                        )
                    } else {
                        format!(
                            "its column `{}` is `{}`, which no field type suits, and an insert could not leave it out",
                            c.name, c.declared_type
                        )
                    },
                ));
            } else {
                tables.push(*t);
            }
        }
        (tables, skipped)
    }
}

/// Whether `plan_table` makes `fk` of `t` a reference: to the whole primary key of a table
/// inspected with it, not a composite part of `t`'s own key, sharing no column with another
/// foreign key, its columns all NOT NULL or all nullable.
pub(super) fn becomes_reference(
    t: &TableInfo,
    fk: &ForeignKeyInfo,
    selected: &[&TableInfo],
) -> bool {
    let to_key = selected.iter().any(|o| {
        o.name == fk.table
            && o.primary_key.len() == fk.referenced.len()
            && o.primary_key.iter().all(|k| fk.referenced.contains(k))
    });
    let in_key = fk.columns.len() > 1 && fk.columns.iter().any(|c| t.primary_key.contains(c));
    let shared = fk.columns.iter().any(|c| {
        t.foreign_keys
            .iter()
            .filter(|other| other.columns.contains(c))
            .count()
            > 1
    });
    let nullable = |c: &String| t.column(c).is_some_and(|c| !c.not_null);
    let mixed = fk.columns.iter().any(nullable) && !fk.columns.iter().all(nullable);
    to_key && !in_key && !shared && !mixed
}
