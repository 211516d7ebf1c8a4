//! The procedural macros of Colt: `select!` and `#[derive(Entity)]`.
//!
//! Use them through the `colt` crate. Each macro is a pipeline with a file per stage:
//! `query/{parse, lower, expand}.rs`, `entity/{columns, expand}.rs` and `value/expand.rs`.
//! The attributes and models of both derives are `colt_model`'s, shared with the `colt`
//! command; `colt_model::diag` collects errors so that every mistake is reported at the
//! user's own token.

pub(crate) use colt_model::diag;
mod entity;
#[cfg(test)]
mod fuzz;
mod hybrid;
mod migrations;
mod query;
mod value;

use proc_macro::TokenStream;

/// Makes a fieldless enum or a newtype a column type: `#[derive(Value)] enum Status { .. }`
/// (stored as text, the variant's name; as its integer discriminant with `#[repr(i32)]`),
/// `#[derive(Value)] struct Email(String);` (stored as the inner type).
///
/// See the `colt` crate for the attributes.
#[proc_macro_derive(Value, attributes(colt))]
pub fn derive_value(input: TokenStream) -> TokenStream {
    match syn::parse::<syn::DeriveInput>(input) {
        Ok(input) => value::derive(&input).into(),
        Err(e) => e.into_compile_error().into(),
    }
}

/// Builds a typed query: `select!(p.name for p in Product if p.price < max)` or
/// `select!(Product.filter(|p| p.price < max).map(|p| (p.name, p.price)))`.
///
/// See the `colt` crate for the language.
#[proc_macro]
pub fn select(input: TokenStream) -> TokenStream {
    query::select(input.into()).into()
}

/// Makes the methods of an `impl` block of an entity usable inside `select!` (PonyORM's
/// hybrid methods): `#[hybrid] impl Product { fn is_cheap(&self) -> bool { self.price < 100 } }`
/// then `select!(p for p in Product if p.is_cheap())`.
///
/// See the `colt` crate for what a hybrid method may say.
#[proc_macro_attribute]
pub fn hybrid(attr: TokenStream, item: TokenStream) -> TokenStream {
    hybrid::hybrid(attr.into(), item.into()).into()
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

/// Embeds a migrations directory in the program: `db.migrate(&embed_migrations!("migrations"))`
/// applies the same files `colt migrate run` does. The path is relative to `Cargo.toml`.
///
/// See `colt::migrations` for the directory's layout.
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    migrations::embed(input.into()).into()
}
