//! The validated view of a `#[derive(Value)]` type: a fieldless enum (stored by name or by
//! discriminant) or a newtype (stored as its inner type), every error on the user's token.

use quote::ToTokens;

use crate::diag::Errors;
use crate::rename;
use crate::RenameRule;

/// How a fieldless enum is stored.
pub enum Storage {
    /// By name, as text.
    Text,
    /// By discriminant, as an integer of the `#[repr(..)]`'s width (the column type's name
    /// in `ColumnType`).
    Integer(&'static str),
}

/// What a stored type is.
pub enum Shape<'a> {
    /// A fieldless enum.
    Enum {
        /// How it is stored.
        storage: Storage,
        /// Each variant with its stored name (unused when stored as an integer).
        variants: Vec<(&'a syn::Ident, String)>,
    },
    /// A newtype struct, stored as its inner type.
    Newtype {
        /// The inner type.
        inner: &'a syn::Type,
    },
}

/// A `#[derive(Value)]` type, validated.
pub struct ValueType<'a> {
    /// Its name.
    pub ident: &'a syn::Ident,
    /// Its shape.
    pub shape: Shape<'a>,
}

fn is_colt(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("colt")
}

/// The integer `#[repr(..)]` of an enum, as the column type that holds it.
fn integer_repr(attrs: &[syn::Attribute], errors: &mut Errors) -> Option<&'static str> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("repr")) {
        let _ = attr.parse_nested_meta(|meta| {
            let Some(name) = meta.path.get_ident().map(ToString::to_string) else {
                return Ok(());
            };
            match name.as_str() {
                "i8" | "u8" | "i16" => found = Some("SmallInt"),
                "u16" | "i32" => found = Some("Int"),
                "u32" | "i64" => found = Some("BigInt"),
                "u64" | "usize" | "isize" | "i128" | "u128" => errors.at(
                    &meta.path,
                    format!("a stored enum's discriminant is an SQL integer of at most 64 bits, signed: `{name}` may not fit (use `i64` or narrower)"),
                ),
                _ => {}
            }
            Ok(())
        });
    }
    found
}

/// `rename_all` on the type.
fn type_attrs(input: &syn::DeriveInput, errors: &mut Errors) -> Option<(RenameRule, syn::LitStr)> {
    let mut rule = None;
    for attr in input.attrs.iter().filter(|a| is_colt(a)) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                if let Some(r) = rename::rule_of(&lit, errors) {
                    rule = Some((r, lit));
                }
            } else {
                errors.at(
                    &meta.path,
                    "unknown attribute of a stored value: expected `rename_all = \"..\"` (and `rename = \"..\"` on a variant)",
                );
            }
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    rule
}

/// `rename` on a variant.
fn variant_rename(variant: &syn::Variant, errors: &mut Errors) -> Option<syn::LitStr> {
    let mut name = None;
    for attr in variant.attrs.iter().filter(|a| is_colt(a)) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                if lit.value().is_empty() {
                    errors.at(&lit, "a stored name cannot be empty");
                }
                name = Some(lit);
            } else {
                errors.at(
                    &meta.path,
                    "unknown attribute of a variant: expected `rename = \"..\"`",
                );
            }
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    name
}

/// The stored type `input` declares (`#[derive(Value)]`), or every mistake in it.
pub fn from_syn(input: &syn::DeriveInput) -> syn::Result<ValueType<'_>> {
    let mut errors = Errors::default();
    if !input.generics.params.is_empty() {
        errors.at(
            &input.generics,
            "a stored value cannot have generic parameters: it is one column type",
        );
    }
    let rule = type_attrs(input, &mut errors);
    let shape = match &input.data {
        syn::Data::Enum(e) => {
            let repr = integer_repr(&input.attrs, &mut errors);
            if let (Some(_), Some((_, lit))) = (repr, &rule) {
                errors.at(lit, "an enum stored by its integer discriminant (`#[repr(..)]`) has no stored names to rename");
            }
            if e.variants.is_empty() {
                errors.at(
                    &input.ident,
                    "an enum without variants has no value to store",
                );
            }
            let mut variants: Vec<(&syn::Ident, String)> = Vec::new();
            for v in &e.variants {
                if !matches!(v.fields, syn::Fields::Unit) {
                    errors.at(&v.fields, "a stored enum has fieldless variants only (its column holds the variant's name or discriminant)");
                }
                let renamed = variant_rename(v, &mut errors);
                if let (Some(_), Some(lit)) = (repr, &renamed) {
                    errors.at(
                        lit,
                        "an enum stored by its integer discriminant has no stored names",
                    );
                }
                let name = v.ident.to_string();
                let stored = match (&renamed, &rule) {
                    (Some(lit), _) => lit.value(),
                    (None, Some((r, _))) => r.apply(&name),
                    (None, None) => name,
                };
                if repr.is_none() && variants.iter().any(|(_, s)| *s == stored) {
                    errors.at(
                        renamed
                            .as_ref()
                            .map_or_else(|| v.ident.to_token_stream(), |l| l.to_token_stream()),
                        format!("two variants are stored as `{stored}`"),
                    );
                }
                variants.push((&v.ident, stored));
            }
            Shape::Enum {
                storage: repr.map_or(Storage::Text, Storage::Integer),
                variants,
            }
        }
        syn::Data::Struct(s) => {
            if let Some((_, lit)) = &rule {
                errors.at(
                    lit,
                    "`rename_all` names an enum's variants: a newtype is stored as its inner value",
                );
            }
            match &s.fields {
                syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => Shape::Newtype {
                    inner: &f.unnamed[0].ty,
                },
                other => {
                    errors.at(
                        if matches!(other, syn::Fields::Unit) {
                            input.ident.to_token_stream()
                        } else {
                            other.to_token_stream()
                        },
                        "a stored struct is a newtype over one column type, such as `struct Email(String);`",
                    );
                    Shape::Enum {
                        storage: Storage::Text,
                        variants: Vec::new(),
                    }
                }
            }
        }
        syn::Data::Union(u) => {
            errors.at(
                u.union_token,
                "a stored value is a fieldless enum or a newtype struct, not a union",
            );
            Shape::Enum {
                storage: Storage::Text,
                variants: Vec::new(),
            }
        }
    };
    errors.finish(ValueType {
        ident: &input.ident,
        shape,
    })
}
