//! `colt inspect URL`: Rust source with one `#[derive(Entity)]` per table of an existing
//! database, and `schema()` binding them all.
//!
//! - Struct names are the tables' names in `UpperCamelCase`, fields the columns' in
//!   `snake_case`; where the derive's names (`colt_model`, the derive's own rules) would
//!   differ from the database's, `rename_all` (when one convention fits the table) or
//!   `table`/`column` say the database's.
//! - Types follow the declared types by the backend's rules (`check_tables`' own):
//!   integers, floats, text, bytes, `bool`; `NUMERIC`/`DECIMAL` as `rust_decimal::Decimal`,
//!   PostgreSQL's dates and times as chrono's, `jsonb` as `serde_json::Value`, `uuid` as
//!   `Uuid` (the features the header names); SQLite's `DATE`/`DATETIME` hold text, and are
//!   `String`.
//! - Keys: the primary key (composite: several `primary_key` fields), `auto` for a column the
//!   database fills in; `unique` and `index`, on a field or over several.
//! - A column's `DEFAULT` that is a plain constant (a number, a boolean, a string) is the
//!   field's `default = ..` (Colt's inserts write every column: without it a row would get
//!   NULL, or need the value, where other writers get the default); another `DEFAULT`
//!   (`CURRENT_TIMESTAMP`, a sequence) is said in a comment on the field.
//! - A foreign key is a `Ref<T>` (`Option<Ref<T>>` when nullable) with the `Set<T>` back on
//!   the other side (`reverse` where two relationships would be ambiguous, always for a
//!   table referring to itself; one reference of each cycle of required references an
//!   `Option<Ref<T>>`, which `db.bind` asks for); a pure link table (its primary key is two foreign keys,
//!   and it has no other column) is a many-to-many `Set` pair.
//! - A column the database's triggers set (an `updated_at`) is `volatile`.
//! - Views, and tables Colt cannot map (no primary key, a column of a type no field suits
//!   that cannot be left out), are listed in a comment saying why.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use colt_model::{default_column, default_table, RenameRule};
use colt_runtime::introspect::{
    declared_type_suits, sqlite_numeric_affinity, Catalog, ForeignKeyInfo, TableInfo,
};
use colt_runtime::Dialect;
use heck::ToSnakeCase;

use crate::field_types::{column_kind, column_type, padded_text};
use crate::links::{link_tables, Link};
use crate::rust_names::{field_name, type_name, unique_name};
use crate::Failure;

mod cycles;
mod sides;
mod tables;
mod triggers;

/// The comment on a reference whose rows the database deletes with their owner.
const CASCADE: &str = "ON DELETE CASCADE in the database (`cascade_delete` on the other side)";

/// Tables the inspector never maps: Colt's own migration history.
const OWN_TABLES: &[&str] = &["colt_migrations"];

/// The source for the tables of `catalog` (all, or those named).
///
/// # Errors
/// A named table the database does not have.
pub fn generate(
    catalog: &Catalog,
    dialect: Dialect,
    only: Option<&[String]>,
) -> Result<String, Failure> {
    let candidates: Vec<&TableInfo> = catalog
        .tables
        .iter()
        .filter(|t| !OWN_TABLES.contains(&t.name.as_str()))
        .filter(|t| !catalog.virtual_tables.contains(&t.name))
        .collect();
    if let Some(only) = only {
        for name in only {
            if !candidates.iter().any(|t| &t.name == name) {
                let known: Vec<&str> = candidates.iter().map(|t| t.name.as_str()).collect();
                return Err(format!(
                    "no table `{name}` in the database (its tables: {})",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ));
            }
        }
    }
    let selected: Vec<&TableInfo> = candidates
        .into_iter()
        .filter(|t| only.is_none_or(|o| o.contains(&t.name)))
        .collect();
    Ok(Inspector::new(dialect, &selected).source(catalog, only.is_some()))
}

/// A column as a field.
struct FieldPlan {
    name: String,
    /// The column (empty for a `Set` or a composite reference).
    column: String,
    /// Named otherwise than the column's plain `snake_case` (a keyword, other characters):
    /// it says its column itself, and does not vote for a convention.
    sanitized: bool,
    ty: String,
    attrs: Vec<String>,
    comment: Option<String>,
}

/// A table as an entity.
struct EntityPlan {
    table: String,
    name: String,
    rename_all: Option<RenameRule>,
    fields: Vec<FieldPlan>,
    struct_attrs: Vec<String>,
    comments: Vec<String>,
}

struct Inspector<'a> {
    dialect: Dialect,
    tables: Vec<&'a TableInfo>,
    /// Struct name of each mapped table.
    names: BTreeMap<String, String>,
    links: Vec<Link<'a>>,
    /// Tables left out, with why.
    skipped: Vec<(String, String)>,
    features: BTreeSet<&'static str>,
}

impl<'a> Inspector<'a> {
    fn new(dialect: Dialect, selected: &[&'a TableInfo]) -> Inspector<'a> {
        // Decided again until nothing changes: a table left out makes the references to it
        // plain columns, which may need a type they do not have (a link table to a table
        // left out is no link).
        let mut tables: Vec<&'a TableInfo> = selected.to_vec();
        let mut skipped = Vec::new();
        loop {
            let (kept, left) = Self::mappable(dialect, &tables);
            if left.is_empty() {
                break;
            }
            skipped.extend(left);
            tables = kept;
        }
        let mut names = BTreeMap::new();
        let mut taken = BTreeSet::new();
        for t in &tables {
            let mut name = type_name(&t.name);
            while taken.contains(&name) {
                name.push('_');
            }
            taken.insert(name.clone());
            names.insert(t.name.clone(), name);
        }
        let mut inspector = Inspector {
            dialect,
            tables,
            names,
            links: Vec::new(),
            skipped,
            features: BTreeSet::new(),
        };
        inspector.find_links();
        inspector
    }

    /// Link tables are many-to-many `Set` pairs, not entities.
    fn find_links(&mut self) {
        let links = link_tables(&self.tables);
        for link in &links {
            self.names.remove(&link.table.name);
        }
        self.tables
            .retain(|t| !links.iter().any(|l| l.table.name == t.name));
        self.links = links;
    }

    fn source(mut self, catalog: &Catalog, filtered: bool) -> String {
        let tables = self.tables.clone();
        let mut plans: Vec<EntityPlan> = tables.iter().map(|t| self.plan_table(t)).collect();
        triggers::mark_trigger_columns(&mut plans, catalog);
        cycles::break_required_cycles(&mut plans);
        self.add_reverse_sides(&mut plans);
        self.add_links(&mut plans);
        let mut out = String::new();
        out.push_str("//! Entities written by `colt inspect` from the database's own tables.\n");
        if !self.features.is_empty() {
            let list: Vec<&str> = self.features.iter().copied().collect();
            let crates: Vec<&str> = list
                .iter()
                .filter_map(|f| match *f {
                    "decimal" => Some("rust_decimal"),
                    "chrono" => Some("chrono"),
                    "json" => Some("serde_json"),
                    "uuid" => Some("uuid"),
                    _ => None,
                })
                .collect();
            let _ = writeln!(
                out,
                "//! Needs colt's features {} (`colt = {{ version = \"..\", features = [{}] }}`) and the crates {}.",
                list.join(", "),
                list.iter().map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(", "),
                crates.join(", ")
            );
        }
        if !self.skipped.is_empty()
            || (!filtered && (!catalog.views.is_empty() || !catalog.virtual_tables.is_empty()))
            || !self.links.is_empty()
        {
            out.push_str("//!\n");
        }
        for link in &self.links {
            let _ = writeln!(
                out,
                "//! Table `{}` links `{}` and `{}`: a many-to-many `Set` pair, not an entity.",
                in_comment(&link.table.name),
                in_comment(&link.sides[0].0),
                in_comment(&link.sides[1].0)
            );
        }
        for (table, why) in &self.skipped {
            let _ = writeln!(
                out,
                "//! Table `{}` is not mapped: {}.",
                in_comment(table),
                in_comment(why)
            );
        }
        if !filtered {
            for view in &catalog.views {
                let _ = writeln!(
                    out,
                    "//! View `{}` is not mapped: a view has no key to write rows back by (query it with `tx.query_sql`).",
                    in_comment(view)
                );
            }
            for table in &catalog.virtual_tables {
                let _ = writeln!(
                    out,
                    "//! Virtual table `{}` is not mapped: its rows are its module's (full-text search, R*Tree), kept in tables of its own that only the module writes (query it with `tx.query_sql`).",
                    in_comment(table)
                );
            }
        }
        out.push_str("\n#![allow(dead_code)]\n\nuse colt::prelude::*;\n");
        for p in &plans {
            out.push('\n');
            write_entity(&mut out, p);
        }
        let all: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
        let _ = write!(
            out,
            "\n/// Every entity above, for `db.bind(schema())`.\npub fn schema() -> colt::Schema {{\n    schema![{}]\n}}\n",
            all.join(", ")
        );
        out
    }

    fn plan_table(&mut self, t: &TableInfo) -> EntityPlan {
        let name = self.names[&t.name].clone();
        let mut fields: Vec<FieldPlan> = Vec::new();
        let mut comments = Vec::new();
        let mut taken: BTreeSet<String> = BTreeSet::new();
        // Foreign keys that become references, by their first column.
        let refs: Vec<&ForeignKeyInfo> = t
            .foreign_keys
            .iter()
            .filter(|fk| self.names.contains_key(&fk.table) && self.references_key(fk))
            // (A composite reference that is part of the key stays plain columns.)
            .filter(|fk| {
                fk.columns.len() == 1 || !fk.columns.iter().any(|c| t.primary_key.contains(c))
            })
            .collect();
        // A column in two foreign keys (a tenant column shared by two composite keys, or a
        // key on `x` beside one on `(x, y)`) cannot be two fields: those keys stay plain
        // columns.
        let shared: BTreeSet<&str> = t
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .filter(|c| {
                refs.iter()
                    .filter(|fk| fk.columns.iter().any(|k| k == c))
                    .count()
                    > 1
            })
            .collect();
        let refs: Vec<&ForeignKeyInfo> = refs
            .into_iter()
            .filter(|fk| {
                let overlaps = fk.columns.iter().any(|c| shared.contains(c.as_str()));
                // Some columns NOT NULL, others not: a row may hold a part of the key with
                // the rest NULL (which the database does not check), which no reference reads.
                let nullable = |c: &String| t.column(c).is_some_and(|c| !c.not_null);
                let mixed = fk.columns.iter().any(nullable) && !fk.columns.iter().all(nullable);
                let why = if overlaps {
                    Some("shares a column with another: its columns are plain fields (a column is one field)")
                } else if mixed {
                    Some("has NOT NULL and nullable columns: its columns are plain fields (a row may hold part of a key, which no reference reads)")
                } else if !self.key_types_suit(t, fk) {
                    Some("has a column whose declared type does not suit the key it refers to (`check_tables` would refuse the reference, and the database may compare the two otherwise than as equal values): its columns are plain fields")
                } else {
                    None
                };
                if let Some(why) = why {
                    comments.push(format!(
                        "the foreign key ({}) to `{}` {why}",
                        fk.columns.join(", "),
                        fk.table
                    ));
                }
                why.is_none()
            })
            .collect();
        let mut in_ref: BTreeSet<&str> = BTreeSet::new();
        for fk in &refs {
            for c in &fk.columns {
                in_ref.insert(c.as_str());
            }
        }
        for c in &t.columns {
            if let Some(fk) = refs.iter().find(|fk| fk.columns[0] == c.name) {
                fields.push(self.ref_field(t, fk, &mut taken));
                continue;
            }
            if in_ref.contains(c.name.as_str()) {
                continue; // a later column of a composite reference
            }
            let key = t.primary_key.contains(&c.name);
            let mut attrs = Vec::new();
            let typed = match self.rust_type(&c.declared_type) {
                // A `String` in a column SQLite gives a number's affinity (`DATETIME`): its
                // `sql_type` makes queries compare it as the text it holds (without it, a
                // bound `"2025"` would be compared as the number 2025).
                Some(ty)
                    if ty == "String"
                        && self.dialect == Dialect::Sqlite
                        && sqlite_numeric_affinity(&c.declared_type) =>
                {
                    attrs.push(format!("sql_type = {:?}", c.declared_type));
                    Some(ty)
                }
                Some(ty) => Some(ty),
                // `character(2)`: a `String` whose `sql_type` says the column pads it.
                None if !key && padded_text(self.dialect, &c.declared_type) => {
                    attrs.push(format!("sql_type = {:?}", c.declared_type));
                    Some("String".to_string())
                }
                None => None,
            };
            let Some(ty) = typed else {
                // (A required one made the table unmappable: see `new`.)
                let declared = if c.declared_type.is_empty() {
                    "no declared type: it holds whatever was stored"
                } else {
                    &c.declared_type
                };
                comments.push(format!(
                    "column `{}` ({declared}) is left out: no field type suits it (inserts leave it to its default or NULL)",
                    c.name
                ));
                continue;
            };
            if key {
                attrs.push("primary_key".to_string());
                if c.generated && t.primary_key.len() == 1 && is_integer(&ty) {
                    attrs.push("auto".to_string());
                }
            }
            let single = |cols: &[String]| cols.len() == 1 && cols[0] == c.name;
            if !key {
                if t.indexes.iter().any(|i| i.unique && single(&i.columns)) {
                    attrs.push("unique".to_string());
                } else if t.indexes.iter().any(|i| !i.unique && single(&i.columns)) {
                    attrs.push("index".to_string());
                }
            }
            // The database's `DEFAULT`, as the builder's: an insert through Colt writes every
            // column, so without it a row got NULL (or had to be given the value) where other
            // writers get the default. One that is no plain literal is said in a comment.
            let mut comment = None;
            if let Some(default) = c.default.as_deref().filter(|_| !c.generated && !key) {
                match crate::column_defaults::literal(default, &ty) {
                    Some(lit) => attrs.push(format!("default = {lit}")),
                    None => {
                        comment = Some(format!(
                            "DEFAULT {} in the database: Colt's inserts write this field's value{}",
                            default.replace(['\n', '\r'], " "),
                            if c.not_null { "" } else { " (NULL for None)" }
                        ))
                    }
                }
            }
            let ty = if c.not_null || key {
                ty
            } else {
                format!("Option<{ty}>")
            };
            let mut base = field_name(&c.name);
            if base == "key" && !key {
                // Every object has `key()`, its primary key: the derive refuses the name.
                base.push('_');
            }
            let field = unique_name(base, &mut taken);
            fields.push(FieldPlan {
                sanitized: field != c.name.to_snake_case(),
                name: field,
                column: c.name.clone(),
                ty,
                attrs,
                comment,
            });
        }
        let mut plan = EntityPlan {
            table: t.name.clone(),
            name,
            rename_all: None,
            fields,
            struct_attrs: Vec::new(),
            comments,
        };
        // Indexes and unique constraints over several columns, by field names.
        for index in &t.indexes {
            if index.columns.len() < 2 {
                continue;
            }
            let fields: Option<Vec<&str>> = index
                .columns
                .iter()
                .map(|c| {
                    plan.fields
                        .iter()
                        .find(|f| &f.column == c && !f.ty.contains("Ref<"))
                        .map(|f| f.name.as_str())
                })
                .collect();
            if let Some(fields) = fields {
                let kind = if index.unique { "unique" } else { "index" };
                if !(index.unique && index.columns == t.primary_key) {
                    plan.struct_attrs
                        .push(format!("{kind}({})", fields.join(", ")));
                }
            }
        }
        plan
    }

    /// The table a foreign key refers to, when it is mapped.
    fn target(&self, fk: &ForeignKeyInfo) -> Option<&'a TableInfo> {
        self.tables.iter().copied().find(|t| t.name == fk.table)
    }

    /// Whether a foreign key refers to its table's whole primary key (what a `Ref` is), in
    /// any order of the key's columns.
    fn references_key(&self, fk: &ForeignKeyInfo) -> bool {
        self.target(fk).is_some_and(|t| {
            t.primary_key.len() == fk.referenced.len()
                && t.primary_key.iter().all(|k| fk.referenced.contains(k))
        })
    }

    /// Whether each column of `fk` is declared a type that suits the field of the key column
    /// it refers to, by `check_tables`' rules (a `TEXT` column referring to an `INTEGER`
    /// key is not: SQLite compares its text with the key's numbers, and a reference would
    /// find no row). A key column whose type no field suits is left to the entity it is in.
    fn key_types_suit(&self, t: &TableInfo, fk: &ForeignKeyInfo) -> bool {
        let Some(target) = self.target(fk) else {
            return true;
        };
        fk.columns
            .iter()
            .zip(&fk.referenced)
            .all(|(column, referenced)| {
                let kind = target
                    .column(referenced)
                    .and_then(|k| column_kind(self.dialect, &k.declared_type));
                match (kind, t.column(column)) {
                    (Some(kind), Some(own)) => {
                        declared_type_suits(self.dialect, kind, &own.declared_type)
                    }
                    _ => true,
                }
            })
    }

    /// The foreign key's columns in the order of the key fields of the entity it refers to
    /// (their columns' order, which is the order `columns(..)` pairs them in), whatever the
    /// order of the key (`PRIMARY KEY (bay, aisle)`) or of the foreign key.
    fn in_key_field_order<'f>(&self, fk: &'f ForeignKeyInfo) -> Vec<&'f String> {
        let position = |referenced: &String| {
            self.target(fk)
                .and_then(|t| t.columns.iter().position(|c| &c.name == referenced))
                .unwrap_or(usize::MAX)
        };
        let mut pairs: Vec<(&String, &String)> =
            fk.columns.iter().zip(fk.referenced.iter()).collect();
        pairs.sort_by_key(|(_, referenced)| position(referenced));
        pairs.into_iter().map(|(column, _)| column).collect()
    }

    fn ref_field(
        &self,
        t: &TableInfo,
        fk: &ForeignKeyInfo,
        taken: &mut BTreeSet<String>,
    ) -> FieldPlan {
        let target = &self.names[&fk.table];
        let first = &fk.columns[0];
        let nullable = fk
            .columns
            .iter()
            .any(|c| t.column(c).is_some_and(|c| !c.not_null));
        let ty = if nullable {
            format!("Option<Ref<{target}>>")
        } else {
            format!("Ref<{target}>")
        };
        let base = if fk.columns.len() == 1 {
            let snake = field_name(first);
            let stripped = snake
                .strip_suffix("_id")
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .unwrap_or(snake);
            // `type_id` → `type`, a keyword: named as any column would be.
            field_name(&stripped)
        } else {
            type_name(&fk.table).to_snake_case()
        };
        let name = unique_name(base, taken);
        let mut attrs = Vec::new();
        if t.primary_key.contains(first) {
            attrs.push("primary_key".to_string());
        } else if t
            .indexes
            .iter()
            .any(|i| i.unique && i.columns == fk.columns)
        {
            // (Left out, a diff of these entities would drop the constraint.)
            attrs.push("unique".to_string());
        }
        if fk.columns.len() > 1 {
            let list: Vec<String> = self
                .in_key_field_order(fk)
                .iter()
                .map(|c| format!("{c:?}"))
                .collect();
            attrs.push(format!("columns({})", list.join(", ")));
        }
        FieldPlan {
            sanitized: false,
            name,
            column: if fk.columns.len() == 1 {
                first.clone()
            } else {
                String::new()
            },
            ty,
            attrs,
            comment: match fk.on_delete.as_str() {
                "NO ACTION" | "RESTRICT" => None,
                "CASCADE" => Some(CASCADE.to_string()),
                other => Some(format!("ON DELETE {other} in the database")),
            },
        }
    }

    /// `rename_all` when one convention names the table and most columns, then `table` and
    /// `column` for what it does not.
    fn choose_names(&self, plan: &mut EntityPlan) {
        let rules = [
            None,
            Some(RenameRule::Pascal),
            Some(RenameRule::Camel),
            Some(RenameRule::Lower),
            Some(RenameRule::Upper),
            Some(RenameRule::ScreamingSnake),
        ];
        let score = |rule: Option<RenameRule>| {
            let table = usize::from(default_table(&plan.name, rule) == plan.table);
            let columns = plan
                .fields
                .iter()
                .filter(|f| {
                    !f.column.is_empty()
                        && !f.sanitized
                        && default_column(&f.name, rule) == f.column
                })
                .count();
            table + columns
        };
        let best = rules
            .iter()
            .copied()
            .max_by_key(|r| (score(*r), usize::from(r.is_none())))
            .flatten();
        plan.rename_all = best;
        if default_table(&plan.name, best) != plan.table {
            plan.struct_attrs
                .insert(0, format!("table = {:?}", plan.table));
        }
        if let Some(rule) = best {
            plan.struct_attrs
                .insert(0, format!("rename_all = \"{}\"", rule.name()));
        }
        for f in &mut plan.fields {
            if !f.column.is_empty() && (f.sanitized || default_column(&f.name, best) != f.column) {
                f.attrs.push(format!("column = {:?}", f.column));
            }
        }
    }

    /// The Rust type of a declared column type, when one suits it (noting the feature it
    /// needs).
    fn rust_type(&mut self, declared: &str) -> Option<String> {
        let (rust, feature) = column_type(self.dialect, declared)?;
        if let Some(f) = feature {
            self.features.insert(f);
        }
        Some(rust.to_string())
    }
}

/// A name or a note in a `//` comment: on one line (a table named with a line break would
/// end the comment, and the rest would be code).
fn in_comment(s: &str) -> String {
    s.replace('\n', "\\n").replace('\r', "\\r")
}

fn write_entity(out: &mut String, p: &EntityPlan) {
    for c in &p.comments {
        let _ = writeln!(out, "// {}", in_comment(c));
    }
    out.push_str("#[derive(Entity, Debug, Clone)]\n");
    if !p.struct_attrs.is_empty() {
        let _ = writeln!(out, "#[colt({})]", p.struct_attrs.join(", "));
    }
    let _ = writeln!(out, "pub struct {} {{", p.name);
    for f in &p.fields {
        if let Some(c) = &f.comment {
            let _ = writeln!(out, "    // {}", in_comment(c));
        }
        if !f.attrs.is_empty() {
            let _ = writeln!(out, "    #[colt({})]", f.attrs.join(", "));
        }
        let _ = writeln!(out, "    pub {}: {},", f.name, f.ty);
    }
    out.push_str("}\n");
}

/// `Ref<Album>` or `Option<Ref<Album>>` → `Album`.
fn ref_target(ty: &str) -> Option<&str> {
    let inner = ty
        .strip_prefix("Option<")
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(ty);
    inner.strip_prefix("Ref<")?.strip_suffix('>')
}

fn is_integer(ty: &str) -> bool {
    matches!(ty, "i16" | "i32" | "i64")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_targets() {
        assert_eq!(ref_target("Option<Ref<Album>>"), Some("Album"));
        assert_eq!(ref_target("Ref<Album>"), Some("Album"));
        assert_eq!(ref_target("Set<Album>"), None);
    }
}
