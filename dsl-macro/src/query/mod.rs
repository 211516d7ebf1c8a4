//! `select!`: parse → lower → expand.

mod ast;
mod checks;
mod expand;
mod literal;
mod lower;
mod ops;
mod parse;

/// The macro's entry point.
pub(crate) fn select(tokens: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    let result = parse::parse(tokens).and_then(lower::lower);
    match result {
        Ok(lowered) => expand::expand(&lowered),
        Err(e) => errors_as_expression(e),
    }
}

/// Every error of `e` where an expression stands: `{ compile_error!(a); compile_error!(b) }`.
/// (Side by side, `compile_error!(a) compile_error!(b)` is not an expression: rustc would
/// report the second as a syntax error and hide it.) The last one is the block's value, so
/// that the query's type raises no error of its own.
fn errors_as_expression(e: syn::Error) -> proc_macro2::TokenStream {
    let each: Vec<proc_macro2::TokenStream> = e.into_iter().map(|e| e.to_compile_error()).collect();
    quote::quote!({ #(#each);* })
}

/// A hybrid method's body (`self.price < 100`) as the expression of its twin on the column
/// handles.
pub(crate) fn hybrid_expr(body: &syn::Expr) -> syn::Result<proc_macro2::TokenStream> {
    lower::lower_hybrid(body).map(|e| expand::hybrid_body(&e))
}
