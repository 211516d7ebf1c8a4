//! `#[colt(..)]` attributes of an entity and of its fields.

use crate::diag::{closest, Errors};
use crate::rename;
use crate::RenameRule;

/// Attributes on the struct.
#[derive(Default)]
pub struct StructAttrs {
    /// `table = ".."`.
    pub table: Option<String>,
    /// `optimistic = ..`.
    pub optimistic: Option<bool>,
    /// `rename_all = ".."`.
    pub rename_all: Option<RenameRule>,
    /// `unique(a, b)`: unique constraints over several fields.
    pub uniques: Vec<Vec<syn::Ident>>,
    /// `index(a, b)`: indexes over several fields.
    pub indexes: Vec<Vec<syn::Ident>>,
}

/// Attributes on one field.
#[derive(Default)]
pub struct FieldAttrs {
    /// `primary_key` (the path, for errors).
    pub primary_key: Option<syn::Path>,
    /// `auto` (the path, for errors).
    pub auto: Option<syn::Path>,
    /// `unique`.
    pub unique: bool,
    /// `index`.
    pub index: bool,
    /// `volatile`.
    pub volatile: bool,
    /// `column = ".."`.
    pub column: Option<String>,
    /// The literal of `column`, for errors.
    pub column_lit: Option<syn::LitStr>,
    /// `columns("A", "B")`: the column names of a reference to a composite key.
    pub columns: Option<(syn::Path, Vec<syn::LitStr>)>,
    /// On a many-to-many `Set`: its link table and the column of the other side's key.
    pub link_table: Option<syn::LitStr>,
    /// `reverse_column = ".."`.
    pub reverse_column: Option<syn::LitStr>,
    /// `sql_type = ".."`.
    pub sql_type: Option<syn::LitStr>,
    /// `default = expr`.
    pub default: Option<syn::Expr>,
    /// `reverse = ".."`.
    pub reverse: Option<syn::LitStr>,
    /// `cascade_delete` (the path, for errors).
    pub cascade_delete: Option<syn::Path>,
    /// A key was not understood (reported): what follows from a missing key (`auto` without
    /// `primary_key`, an entity without a key) is then not reported too, as the unknown key
    /// may have been meant as one.
    pub unknown: bool,
}

const STRUCT_KEYS: &[&str] = &[
    "table",
    "optimistic",
    "rename_all",
    "unique(..)",
    "index(..)",
];
const FIELD_KEYS: &[&str] = &[
    "primary_key",
    "auto",
    "unique",
    "index",
    "column",
    "columns(..)",
    "reverse_column",
    "sql_type",
    "default",
    "volatile",
    "reverse",
    "cascade_delete",
];

fn unknown(errors: &mut Errors, path: &syn::Path, keys: &[&str], place: &str) {
    let name = path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_else(|| quote::quote!(#path).to_string());
    let list = keys
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let hint = closest(&name, keys)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default();
    errors.soft_at(
        path,
        format!("unknown {place} attribute `{name}`{hint} (expected one of {list})"),
    );
}

fn is_colt(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("colt")
}

/// The `#[colt(..)]` attributes of a struct; mistakes go to `errors`.
pub fn struct_attrs(attrs: &[syn::Attribute], errors: &mut Errors) -> StructAttrs {
    let mut out = StructAttrs::default();
    for attr in attrs.iter().filter(|a| is_colt(a)) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("table") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                if lit.value().is_empty() {
                    errors.at(&lit, "the table name cannot be empty");
                }
                out.table = Some(lit.value());
            } else if meta.path.is_ident("rename_all") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                out.rename_all = rename::rule_of(&lit, errors);
            } else if (meta.path.is_ident("unique") || meta.path.is_ident("index"))
                && meta.input.peek(syn::token::Paren)
            {
                let mut names = Vec::new();
                meta.parse_nested_meta(|inner| {
                    match inner.path.get_ident() {
                        Some(ident) => names.push(ident.clone()),
                        None => errors.at(&inner.path, "expected a field name"),
                    }
                    Ok(())
                })?;
                if names.len() < 2 {
                    errors.at(
                        &meta.path,
                        "a constraint on the struct spans several fields (`unique(a, b)`): for one field, put `#[colt(unique)]` or `#[colt(index)]` on it",
                    );
                }
                if meta.path.is_ident("unique") {
                    out.uniques.push(names);
                } else {
                    out.indexes.push(names);
                }
            } else if meta.path.is_ident("optimistic") {
                let lit: syn::LitBool = meta.value()?.parse()?;
                out.optimistic = Some(lit.value);
            } else if meta.path.is_ident("unique") || meta.path.is_ident("index") {
                errors.at(
                    &meta.path,
                    "on the struct, a constraint names its fields (`unique(a, b)`, `index(a, b)`); for one field, put it on the field",
                );
            } else if FIELD_KEYS.iter().any(|k| meta.path.is_ident(k)) {
                errors.at(
                    &meta.path,
                    "this attribute belongs on a field, not on the struct",
                );
                skip_value(&meta)?;
            } else {
                unknown(errors, &meta.path, STRUCT_KEYS, "entity");
                skip_value(&meta)?;
            }
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    out
}

/// The `#[colt(..)]` attributes of a field; mistakes go to `errors`.
pub fn field_attrs(field: &syn::Field, errors: &mut Errors) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in field.attrs.iter().filter(|a| is_colt(a)) {
        let result = attr.parse_nested_meta(|meta| {
            let p = &meta.path;
            if p.is_ident("primary_key") {
                out.primary_key = Some(p.clone());
            } else if p.is_ident("auto") {
                out.auto = Some(p.clone());
            } else if p.is_ident("unique") {
                out.unique = true;
            } else if p.is_ident("index") {
                out.index = true;
            } else if p.is_ident("volatile") {
                out.volatile = true;
            } else if p.is_ident("column") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                if lit.value().is_empty() {
                    errors.at(&lit, "the column name cannot be empty");
                }
                out.column = Some(lit.value());
                out.column_lit = Some(lit);
            } else if p.is_ident("columns") {
                let content;
                syn::parenthesized!(content in meta.input);
                let names = syn::punctuated::Punctuated::<syn::LitStr, syn::Token![,]>::parse_terminated(&content)?;
                for lit in &names {
                    if lit.value().is_empty() {
                        errors.at(lit, "the column name cannot be empty");
                    }
                }
                if names.is_empty() {
                    errors.at(p, "`columns(..)` names the columns of a reference to a composite key, in key order: `columns(\"OrderId\", \"LineNo\")`");
                }
                out.columns = Some((p.clone(), names.into_iter().collect()));
            } else if p.is_ident("reverse_column") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                if lit.value().is_empty() {
                    errors.at(&lit, "the column name cannot be empty");
                }
                out.reverse_column = Some(lit);
            } else if p.is_ident("table") {
                // On a field: a many-to-many's link table (checked by the model).
                let lit: syn::LitStr = meta.value()?.parse()?;
                if lit.value().is_empty() {
                    errors.at(&lit, "the table name cannot be empty");
                }
                out.link_table = Some(lit);
            } else if p.is_ident("sql_type") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                if lit.value().trim().is_empty() {
                    errors.at(&lit, "the SQL type cannot be empty");
                }
                out.sql_type = Some(lit);
            } else if p.is_ident("default") {
                out.default = Some(meta.value()?.parse()?);
            } else if STRUCT_KEYS.iter().any(|k| p.is_ident(k)) {
                errors.at(p, "this attribute belongs on the struct, not on a field");
                skip_value(&meta)?;
            } else if p.is_ident("reverse") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                out.reverse = Some(lit);
            } else if p.is_ident("cascade_delete") {
                out.cascade_delete = Some(p.clone());
            } else {
                unknown(errors, p, FIELD_KEYS, "field");
                out.unknown = true;
                skip_value(&meta)?;
            }
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    out
}

/// Consumes `= value` after an unknown key, so one mistake gives one message.
fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        let _: syn::Expr = meta.value()?.parse()?;
    }
    Ok(())
}
