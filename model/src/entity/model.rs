//! The validated view of an entity struct: what the expansion needs, with the original nodes
//! kept so that every error points at the user's token.

use crate::diag::Errors;
use crate::entity::attr::{field_attrs, struct_attrs};
use quote::ToTokens;

/// An entity struct, validated.
pub struct Entity<'a> {
    /// The struct's name.
    pub ident: &'a syn::Ident,
    /// Its visibility.
    pub vis: &'a syn::Visibility,
    /// Its table.
    pub table: String,
    /// Whether writes are checked optimistically (`optimistic = false` turns them off).
    pub optimistic: bool,
    /// Its fields, in order.
    pub fields: Vec<Field<'a>>,
    /// `unique(a, b)` on the struct, as field positions.
    pub uniques: Vec<Vec<usize>>,
    /// `index(a, b)` on the struct, as field positions.
    pub indexes: Vec<Vec<usize>>,
}

/// A field of an entity, validated.
pub struct Field<'a> {
    /// Its name.
    pub ident: &'a syn::Ident,
    /// Its visibility.
    pub vis: &'a syn::Visibility,
    /// Its type, as written.
    pub ty: &'a syn::Type,
    /// `T` of an `Option<T>` field.
    pub option_of: Option<&'a syn::Type>,
    /// Its column (for a `Set`, none of this table's).
    pub column: String,
    /// `columns("A", "B")` on a reference: its column names, one per key column of the
    /// target, and the attribute (where a count that does not match is reported).
    pub columns: Option<(syn::Path, Vec<String>)>,
    /// `sql_type = ".."`: the column's declared SQL type.
    pub sql_type: Option<String>,
    /// On a many-to-many `Set`: its link table, this side's and the other side's columns.
    pub link: [Option<String>; 3],
    /// `primary_key`: part of the key.
    pub primary_key: bool,
    /// `auto`: the database gives the key.
    pub auto: bool,
    /// `unique`.
    pub unique: bool,
    /// `index`.
    pub index: bool,
    /// `volatile`: changed by others, never part of an optimistic check.
    pub volatile: bool,
    /// `default = expr`: the builder's value, and the column's SQL `DEFAULT`.
    pub default: Option<syn::Expr>,
    /// A relationship field: its kind and target entity type.
    pub relation: Option<(Rel, syn::Type)>,
    /// `reverse = ".."`: the other side of the relationship.
    pub reverse: Option<String>,
    /// `cascade_delete` (on a `Set`).
    pub cascade_delete: bool,
}

/// The kind of a relationship field, from its type.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Rel {
    /// `Ref<T>`
    Ref,
    /// `Option<Ref<T>>`
    OptionalRef,
    /// `Set<T>`
    Set,
}

impl Field<'_> {
    /// A field the builder must be given.
    pub fn required(&self) -> bool {
        !self.auto && self.option_of.is_none() && self.default.is_none() && !self.is_set()
    }

    /// A `Set<T>`: no column.
    pub fn is_set(&self) -> bool {
        matches!(self.relation, Some((Rel::Set, _)))
    }
}

/// `T` if `ty` is written `Name<T>` (the last path segment named `name`).
fn generic_of<'a>(ty: &'a syn::Type, name: &str) -> Option<&'a syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first() {
        Some(syn::GenericArgument::Type(t)) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

/// The relationship a field's type declares.
fn relation_of(ty: &syn::Type) -> Option<(Rel, syn::Type)> {
    if let Some(t) = generic_of(ty, "Ref") {
        return Some((Rel::Ref, t.clone()));
    }
    if let Some(t) = generic_of(ty, "Set") {
        return Some((Rel::Set, t.clone()));
    }
    let inner = generic_of(ty, "Option")?;
    generic_of(inner, "Ref").map(|t| (Rel::OptionalRef, t.clone()))
}

pub use crate::snake_case;

/// `T` if `ty` is written `Option<T>` (also `std::option::Option<T>`).
fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    generic_of(ty, "Option")
}

fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => {
            p.path.segments.last().map(|s| s.ident.to_string())
        }
        _ => None,
    }
}

/// The entity `input` declares, and the errors of soft mistakes beside it (unknown keys, left
/// out); `Err` when the entity cannot be built.
pub fn from_syn(input: &syn::DeriveInput) -> syn::Result<(Entity<'_>, Option<syn::Error>)> {
    let mut errors = Errors::default();
    let attrs = struct_attrs(&input.attrs, &mut errors);
    if !input.generics.params.is_empty() {
        errors.at(
            &input.generics,
            "an entity cannot have generic parameters: it maps to one table",
        );
    }
    let named = match &input.data {
        syn::Data::Struct(s) => match &s.fields {
            syn::Fields::Named(n) => Some(n),
            other => {
                errors.at(
                    other,
                    "an entity must be a struct with named fields (one per column)",
                );
                None
            }
        },
        syn::Data::Enum(e) => {
            errors.at(e.enum_token, "an entity must be a struct, not an enum");
            None
        }
        syn::Data::Union(u) => {
            errors.at(u.union_token, "an entity must be a struct, not a union");
            None
        }
    };
    let mut fields = Vec::new();
    let mut unknown_key = false;
    if let Some(named) = named {
        for f in &named.named {
            let Some(ident) = f.ident.as_ref() else {
                continue;
            };
            let a = field_attrs(f, &mut errors);
            let option_of = option_inner(&f.ty);
            let relation = relation_of(&f.ty);
            if relation.is_none() {
                if let Some(r) = &a.reverse {
                    errors.at(r, "`reverse` names the other side of a relationship: it goes on a `Ref<T>`, `Option<Ref<T>>` or `Set<T>` field");
                }
            }
            if !matches!(relation, Some((Rel::Set, _))) {
                if let Some(c) = &a.cascade_delete {
                    errors.at(c, "`cascade_delete` goes on the `Set<T>` side, as in PonyORM: deleting the owner deletes the members");
                }
            }
            if let Some((Rel::Set, _)) = relation {
                for (flag, what) in [(&a.primary_key, "primary_key"), (&a.auto, "auto")] {
                    if let Some(p) = flag {
                        errors.at(
                            p,
                            format!("a `Set<T>` is not a column: it cannot be `{what}`"),
                        );
                    }
                }
                if a.unique || a.index || a.default.is_some() || a.sql_type.is_some() {
                    errors.at(&f.ty, "a `Set<T>` is not a column: `unique`, `index`, `sql_type` and `default` do not apply (`table`, `column` and `reverse_column` name a many-to-many's link table)");
                }
            } else {
                for lit in [&a.link_table, &a.reverse_column].into_iter().flatten() {
                    errors.at(lit, "`table` and `reverse_column` on a field name a many-to-many's link table: they go on a `Set<T>` (`table` on the struct names the entity's table)");
                }
            }
            if let Some((path, _)) = &a.columns {
                if !matches!(relation, Some((Rel::Ref | Rel::OptionalRef, _))) {
                    errors.at(path, "`columns(..)` names the columns of a reference (`Ref<T>` or `Option<Ref<T>>`) to an entity with a composite key; a plain field has one column: `column = \"..\"`");
                } else if a.column.is_some() {
                    errors.at(path, "give either `column` (a reference to a key of one column, or the prefix of a composite key's columns) or `columns(..)`, not both");
                }
            }
            let is_set = matches!(relation, Some((Rel::Set, _)));
            let name = ident.to_string();
            let name = name.strip_prefix("r#").unwrap_or(&name).to_string();
            if let Some(auto) = &a.auto {
                if a.primary_key.is_none() && !a.unknown {
                    errors.at(auto, "`auto` goes with `primary_key`: only a key can be generated by the database");
                }
                let int =
                    last_ident(&f.ty).is_some_and(|t| matches!(t.as_str(), "i16" | "i32" | "i64"));
                if !int {
                    errors.at(
                        &f.ty,
                        "an `auto` key must be an integer (`i64`, `i32` or `i16`)",
                    );
                }
                if a.default.is_some() {
                    errors.at(auto, "an `auto` key cannot also have a `default`");
                }
                // A declared type the database fills in: SQLite's `INTEGER` (the rowid),
                // PostgreSQL's serial and identity types. Any other would make a key column
                // nothing fills in.
                if let Some(sql_type) = &a.sql_type {
                    let t = sql_type.value().trim().to_ascii_uppercase();
                    if t != "INTEGER" && !t.contains("SERIAL") && !t.contains("IDENTITY") {
                        errors.at(sql_type, "an `auto` key's column is one the database fills in (SQLite's `INTEGER PRIMARY KEY`, PostgreSQL's `BIGSERIAL` or an identity): this `sql_type` would make one nothing fills in; leave `sql_type` out (or declare `INTEGER`, a serial or an identity type)");
                    }
                }
            }
            if let (Some(pk), Some(_)) = (&a.primary_key, option_of) {
                errors.at(
                    pk,
                    "a primary key cannot be an `Option`: keys are never NULL",
                );
            }
            unknown_key |= a.unknown;
            fields.push(Field {
                ident,
                vis: &f.vis,
                ty: &f.ty,
                option_of,
                column: a
                    .column
                    .clone()
                    .unwrap_or_else(|| crate::default_column(&name, attrs.rename_all)),
                columns: a
                    .columns
                    .as_ref()
                    .map(|(p, l)| (p.clone(), l.iter().map(syn::LitStr::value).collect())),
                sql_type: a.sql_type.as_ref().map(syn::LitStr::value),
                link: [
                    a.link_table.as_ref().map(syn::LitStr::value),
                    a.column.clone().filter(|_| is_set),
                    a.reverse_column.as_ref().map(syn::LitStr::value),
                ],
                primary_key: a.primary_key.is_some(),
                auto: a.auto.is_some(),
                unique: a.unique,
                index: a.index,
                volatile: a.volatile,
                default: a.default,
                relation,
                reverse: a.reverse.as_ref().map(syn::LitStr::value),
                cascade_delete: a.cascade_delete.is_some(),
            });
        }
        if fields.is_empty() {
            errors.at(&input.ident, "an entity needs at least one field");
        } else if fields.iter().all(|f| f.is_set()) {
            errors.at(
                &input.ident,
                "an entity needs at least one column besides its `Set` fields",
            );
        } else if !fields.iter().any(|f| f.primary_key) && !unknown_key {
            errors.at(
                &input.ident,
                format!(
                    "entity `{}` has no primary key: mark a field with `#[colt(primary_key)]` (add `auto` for a key the database generates, e.g. `#[colt(primary_key, auto)] id: i64`)",
                    input.ident
                ),
            );
        }
        let autos: Vec<&Field> = fields.iter().filter(|f| f.auto).collect();
        let keys = fields.iter().filter(|f| f.primary_key).count();
        if autos.len() > 1 || (autos.len() == 1 && keys > 1) {
            for f in &autos {
                errors.at(
                    f.ident,
                    "`auto` needs a single-column primary key: a composite key is given by the program",
                );
            }
        }
        // A field named as a method every object has would never be read by `obj.name()`:
        // the object's own method answers (`is_deleted`: deleted in this transaction; `key`:
        // the primary key), silently where the types agree.
        let key_type = match fields.iter().filter(|f| f.primary_key).collect::<Vec<_>>()[..] {
            [k] => Some(k.ty.to_token_stream().to_string()),
            _ => None,
        };
        for f in &fields {
            let name = f.ident.to_string();
            let shadowed = match name.as_str() {
                "is_deleted" => true,
                "key" => !f.primary_key && key_type == Some(f.ty.to_token_stream().to_string()),
                _ => false,
            };
            if shadowed {
                errors.at(
                    f.ident,
                    format!("a field cannot be named `{name}` here: every object has a method `{name}()` (`obj.{name}()` {}), which would answer instead of the field; name the field otherwise and keep the column's name with `#[colt(column = \"{name}\")]`", if name == "key" { "gives the primary key" } else { "says whether the object was deleted in this transaction" }),
                );
            }
        }
        // (A `Set` has no column of the entity's table.)
        for (i, f) in fields.iter().enumerate() {
            if !f.is_set()
                && fields[..i]
                    .iter()
                    .any(|g| !g.is_set() && g.column.eq_ignore_ascii_case(&f.column))
            {
                errors.at(
                    f.ident,
                    format!("two fields map to the column `{}`", f.column),
                );
            }
        }
    }
    check_self_pairs(&input.ident, &fields, &mut errors);
    let uniques = column_lists(&attrs.uniques, &fields, &mut errors);
    let indexes = column_lists(&attrs.indexes, &fields, &mut errors);
    let table = attrs
        .table
        .clone()
        .unwrap_or_else(|| crate::default_table(&input.ident.to_string(), attrs.rename_all));
    if !fields.iter().any(|f| f.primary_key) {
        // A mistyped `primary_key` left the entity without a key: it cannot be expanded.
        errors.harden();
    }
    errors.finish_soft(Entity {
        ident: &input.ident,
        vis: &input.vis,
        table,
        optimistic: attrs.optimistic.unwrap_or(true),
        fields,
        uniques,
        indexes,
    })
}

/// The column positions of the fields each list names (`unique(a, b)`), every unknown name
/// or `Set` an error on its own token.
fn column_lists(
    lists: &[Vec<syn::Ident>],
    fields: &[Field<'_>],
    errors: &mut Errors,
) -> Vec<Vec<usize>> {
    let columns: Vec<&Field> = fields.iter().filter(|f| !f.is_set()).collect();
    let names: Vec<String> = columns.iter().map(|f| f.ident.to_string()).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    lists
        .iter()
        .map(|list| {
            let mut positions = Vec::new();
            for ident in list {
                if let Some(i) = columns.iter().position(|f| f.ident == ident) {
                    if positions.contains(&i) {
                        errors.at(ident, format!("`{ident}` is named twice"));
                    }
                    positions.push(i);
                } else if fields.iter().any(|f| f.ident == ident) {
                    errors.at(
                        ident,
                        format!("`{ident}` is a `Set`: it has no column to constrain"),
                    );
                } else {
                    let hint = crate::diag::closest(&ident.to_string(), &names)
                        .map(|c| format!("; did you mean `{c}`?"))
                        .unwrap_or_default();
                    errors.at(ident, format!("no field `{ident}` in this entity{hint}"));
                }
            }
            positions
        })
        .collect()
}

/// Whether `ty` names the entity itself (`Employee` inside `struct Employee`, or `Self`).
fn is_self(ty: &syn::Type, name: &syn::Ident) -> bool {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == *name || s.ident == "Self"),
        _ => false,
    }
}

/// A relationship of an entity with itself has both sides in this struct: check the pairing
/// here, at compile time (other pairings are checked by `db.bind`).
fn check_self_pairs(name: &syn::Ident, fields: &[Field<'_>], errors: &mut Errors) {
    let selfs: Vec<&Field> = fields
        .iter()
        .filter(|f| matches!(&f.relation, Some((_, t)) if is_self(t, name)))
        .collect();
    for f in &selfs {
        let Some((rel, _)) = &f.relation else {
            continue;
        };
        let field = f.ident.to_string();
        let partners: Vec<&&Field> = selfs
            .iter()
            .filter(|g| g.ident != f.ident)
            .filter(|g| f.reverse.as_deref().is_none_or(|r| g.ident == r))
            .filter(|g| g.reverse.as_deref().is_none_or(|r| r == field))
            .collect();
        // PonyORM's symmetric many-to-many (`friends = Set("Person", reverse="friends")`),
        // one field its own other side, has no Colt spelling yet.
        const SYMMETRIC: &str = "a symmetric many-to-many, one `Set<Self>` its own other side as PonyORM's `Set(\"Person\", reverse=\"friends\")`, is not supported yet: declare two `Set<Self>` fields, as `followers` and `following`";
        let missing = match rel {
            Rel::Set => format!("declare an `Option<Ref<Self>>` (or `Ref<Self>`) or a `Set<Self>` field for its other side; {SYMMETRIC}"),
            Rel::Ref | Rel::OptionalRef => "declare a `Set<Self>` field, as PonyORM requires both sides".to_string(),
        };
        match partners.len() {
            0 => errors.at(
                f.ident,
                match &f.reverse {
                    Some(r) if *r == field && matches!(rel, Rel::Set) => {
                        format!("`reverse = \"{r}\"` names this field itself: {SYMMETRIC}")
                    }
                    Some(r) => format!("`reverse = \"{r}\"` names no relationship of `{name}` with itself"),
                    None => format!("`{field}` relates `{name}` to itself but has no other side: {missing}"),
                },
            ),
            1 => {}
            _ => errors.at(
                f.ident,
                format!("`{field}` could pair with several fields of `{name}`: name one with `#[colt(reverse = \"..\")]`"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The model works on any parsed struct, not only inside the derive: what `colt` reads
    /// from a crate's sources is what the derive expands.
    #[test]
    fn a_struct_read_from_source_gives_its_table_and_columns() {
        let input: syn::DeriveInput = syn::parse_str(
            r#"
            #[derive(Entity)]
            #[colt(rename_all = "PascalCase", table = "InvoiceLines")]
            struct InvoiceLine {
                #[colt(primary_key, auto)]
                invoice_line_id: i64,
                #[colt(column = "Qty")]
                quantity: i32,
                unit_price: Option<f64>,
                invoice: Ref<Invoice>,
            }
            "#,
        )
        .expect("a struct");
        let Ok((entity, None)) = from_syn(&input) else {
            panic!("a valid entity");
        };
        assert_eq!(entity.table, "InvoiceLines");
        let columns: Vec<&str> = entity.fields.iter().map(|f| f.column.as_str()).collect();
        assert_eq!(columns, ["InvoiceLineId", "Qty", "UnitPrice", "Invoice"]);
        assert!(entity.fields[0].primary_key && entity.fields[0].auto);
        assert!(entity.fields[2].option_of.is_some());
        assert!(matches!(entity.fields[3].relation, Some((Rel::Ref, _))));
    }
}
