//! The types a chained closure's arguments are annotated with (`|a: &Category, b: &Product|`).
//!
//! The arguments are the query's variables in generator order, whatever their names or
//! types say: an annotation naming another entity than the variable's would be read as Rust
//! reads it, and bind the other variable in silence. Where the variables' entities are
//! written in the query (`for p in Product for c in Category`), an annotation that names
//! another variable's entity than its own is refused; a variable over a collection or a
//! query value has no entity written to compare with.

use crate::query::ast::{Base, Clause};

/// A closure's argument: its name, and the type it is annotated with, if any.
pub(super) type Param = (syn::Ident, Option<syn::Type>);

/// The entity written for each of the query's variables, in order, where one is.
pub(super) fn written_entities(base: &Base) -> Vec<Option<String>> {
    match base {
        Base::Comprehension(comp) => comp
            .clauses
            .iter()
            .filter_map(|c| match c {
                Clause::For { source, .. } => Some(entity_of(source)),
                Clause::If { .. } => None,
            })
            .collect(),
        Base::Path(p) => vec![entity_name(p)],
        Base::Existing(_) => Vec::new(),
    }
}

/// The entity a generator's source names (`Product`), if it is one.
fn entity_of(source: &syn::Expr) -> Option<String> {
    match source {
        syn::Expr::Path(p) if p.qself.is_none() => entity_name(&p.path),
        syn::Expr::Paren(p) => entity_of(&p.expr),
        _ => None,
    }
}

/// An entity's name: a path whose last segment is capitalized (a query value is a variable).
fn entity_name(path: &syn::Path) -> Option<String> {
    let last = path.segments.last()?;
    let name = last.ident.to_string();
    name.starts_with(|c: char| c.is_ascii_uppercase())
        .then_some(name)
}

/// The entity an annotation names: `&Product`, `Product`, `&Obj<Product>`.
fn annotated_entity(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Reference(r) => annotated_entity(&r.elem),
        syn::Type::Paren(p) => annotated_entity(&p.elem),
        syn::Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last()?;
            if last.ident == "Obj" {
                if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                    if let Some(syn::GenericArgument::Type(inner)) = args.args.first() {
                        return annotated_entity(inner);
                    }
                }
            }
            // (`Self` is the entity of an `impl` the macro cannot see; another wrapper,
            // `Box<..>`, is no entity's name.)
            let plain = matches!(last.arguments, syn::PathArguments::None);
            (plain && last.ident != "Self").then(|| last.ident.to_string())
        }
        _ => None,
    }
}

/// The first annotation that names another entity than its variable's, as an error. (`Self`
/// and wrappers other than `&` and `Obj<..>` are not compared; a type alias or a renamed
/// import of the variable's own entity is refused too: write the entity's name, or none.)
pub(super) fn mistyped(entities: &[Option<String>], params: &[Param]) -> Option<syn::Error> {
    for (i, (name, ty)) in params.iter().enumerate() {
        let (Some(ty), Some(Some(entity))) = (ty, entities.get(i)) else {
            continue;
        };
        let Some(annotated) = annotated_entity(ty) else {
            continue;
        };
        if &annotated != entity {
            return Some(syn::Error::new_spanned(
                ty,
                format!(
                    "`{name}` is the query's variable number {} (a `{entity}`), not a `{annotated}`: a closure's arguments are the query's variables in generator order, whatever their names or types",
                    i + 1
                ),
            ));
        }
    }
    None
}
