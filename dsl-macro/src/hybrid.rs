//! `#[colt::hybrid]`: methods of an entity that `select!` can call (PonyORM's hybrid methods).
//!
//! On an `impl Product { .. }` block, each method `fn is_cheap(&self) -> bool { self.price <
//! 100 }` stays as written (a Rust method on the entity) and gets a twin on the entity's
//! column handles, `ProductColumns::is_cheap(&self) -> Expr<bool>`, built from the same body
//! by `select!`'s own lowering: `select!(p for p in Product if p.is_cheap())` calls the twin.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::diag::Errors;

/// What a hybrid method may look like, for errors.
const SHAPE: &str = "a hybrid method takes `&self` only and its body is one expression of the object's attributes and literals: `fn is_cheap(&self) -> bool { self.price < 100 }`";

pub(crate) fn hybrid(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    if !attr.is_empty() {
        errors.at(&attr, "`#[colt::hybrid]` takes no arguments");
    }
    let imp: syn::ItemImpl = match syn::parse2(item.clone()) {
        Ok(i) => i,
        Err(_) => {
            let e = syn::Error::new_spanned(
                &item,
                "`#[colt::hybrid]` goes on an `impl` block of an entity: `#[colt::hybrid] impl Product { fn is_cheap(&self) -> bool { self.price < 100 } }`",
            );
            let err = e.to_compile_error();
            return quote!(#item #err);
        }
    };
    let columns = match &*imp.self_ty {
        syn::Type::Path(p) if imp.trait_.is_none() && imp.generics.params.is_empty() => p
            .path
            .segments
            .last()
            .map(|s| format_ident!("{}Columns", s.ident, span = s.ident.span())),
        _ => None,
    };
    let Some(columns) = columns else {
        errors.at(
            &imp.self_ty,
            "`#[colt::hybrid]` goes on a plain `impl Entity { .. }` block (no trait, no generics)",
        );
        return with_errors(item, errors);
    };
    let mut twins = Vec::new();
    for it in &imp.items {
        let syn::ImplItem::Fn(f) = it else {
            continue;
        };
        let Some((ret, body)) = shape(f, &mut errors) else {
            continue;
        };
        match crate::query::hybrid_expr(body) {
            Ok(expr) => {
                let (vis, name) = (&f.vis, &f.sig.ident);
                let doc = format!("`{name}` in a query (a hybrid method: `#[colt::hybrid]`).");
                let entity = &imp.self_ty;
                twins.push(quote_spanned! {f.sig.span()=>
                    #[doc = #doc]
                    #[allow(clippy::all, dead_code)]
                    #vis fn #name(&self) -> ::colt::__private::Expr<#ret> {
                        // The Rust method counts as used when only queries call it.
                        let _ = <#entity>::#name;
                        #expr
                    }
                });
            }
            Err(e) => errors.push(e),
        }
    }
    let out = quote! {
        #imp
        impl #columns {
            #(#twins)*
        }
    };
    with_errors(out, errors)
}

/// The return type and the body of a method of the right shape; an error otherwise.
fn shape<'a>(
    f: &'a syn::ImplItemFn,
    errors: &mut Errors,
) -> Option<(&'a syn::Type, &'a syn::Expr)> {
    let sig = &f.sig;
    let by_ref = matches!(
        sig.inputs.first(),
        Some(syn::FnArg::Receiver(r)) if matches!(r.kind, syn::ReceiverKind::Reference(_, _, None))
    );
    if let Some(a) = &sig.asyncness {
        errors.at(
            a,
            "a hybrid method is not `async`: its query twin is an expression, not a future",
        );
        return None;
    }
    if !by_ref || sig.inputs.len() != 1 || !sig.generics.params.is_empty() {
        errors.at(&sig.inputs, SHAPE);
        return None;
    }
    let syn::ReturnType::Type(_, ret) = &sig.output else {
        errors.at(&sig.ident, SHAPE);
        return None;
    };
    match f.block.stmts.as_slice() {
        [syn::Stmt::Expr(e, None)] => Some((ret, e)),
        _ => {
            errors.at(&f.block, SHAPE);
            None
        }
    }
}

fn with_errors(out: TokenStream, errors: Errors) -> TokenStream {
    match errors.finish(()) {
        Ok(()) => out,
        Err(e) => {
            let err = e.to_compile_error();
            quote!(#out #err)
        }
    }
}
