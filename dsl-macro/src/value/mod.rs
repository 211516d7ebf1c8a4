//! `#[derive(Value)]`: a fieldless enum or a newtype becomes a column type (model → expansion).

mod expand;
use colt_model::value as model;

/// The derive's entry point.
pub(crate) fn derive(input: &syn::DeriveInput) -> proc_macro2::TokenStream {
    match model::from_syn(input) {
        Ok(value) => expand::expand(&value),
        Err(e) => e.into_compile_error(),
    }
}
