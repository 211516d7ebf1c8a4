//! The procedural macros of Colt: `select!` and `#[derive(Entity)]`.
//!
//! Use them through the `colt` crate. Each macro is a pipeline with a file per stage:
//! `query/{parse, lower, expand}.rs` and `entity/{attr, model, expand}.rs`; `diag.rs`
//! collects errors so that every mistake is reported at the user's own token.

mod diag;
mod entity;
#[cfg(test)]
mod fuzz;
mod query;

use proc_macro::TokenStream;

/// Builds a typed query: `select!(p.name for p in Product if p.price < max)` or
/// `select!(Product.filter(|p| p.price < max).map(|p| (p.name, p.price)))`.
///
/// See the `colt` crate for the language.
#[proc_macro]
pub fn select(input: TokenStream) -> TokenStream {
    query::select(input.into()).into()
}

/// Makes a struct an entity: a table, typed column handles for `select!`, per-attribute
/// getters on `Obj<T>`, and a builder for new objects (`T::build()`).
///
/// See the `colt` crate for the attributes.
#[proc_macro_derive(Entity, attributes(colt))]
pub fn derive_entity(input: TokenStream) -> TokenStream {
    match syn::parse::<syn::DeriveInput>(input) {
        Ok(input) => entity::derive(&input).into(),
        Err(e) => e.into_compile_error().into(),
    }
}
