//! `select!`: parse → lower → expand.

mod ast;
mod expand;
mod lower;
mod ops;
mod parse;

/// The macro's entry point.
pub(crate) fn select(tokens: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    let result = parse::parse(tokens).and_then(lower::lower);
    match result {
        Ok(lowered) => expand::expand(&lowered),
        Err(e) => e.into_compile_error(),
    }
}
