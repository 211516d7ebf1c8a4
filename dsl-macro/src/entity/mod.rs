//! `#[derive(Entity)]`: attributes → validated model → expansion.

mod attr;
mod expand;
mod model;

pub(crate) use model::snake_case;

/// The derive's entry point.
pub(crate) fn derive(input: &syn::DeriveInput) -> proc_macro2::TokenStream {
    match model::from_syn(input) {
        Ok(entity) => expand::expand(&entity),
        Err(e) => e.into_compile_error(),
    }
}
