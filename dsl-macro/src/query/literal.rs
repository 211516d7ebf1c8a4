//! The Rust type an outer value's literals get: an unsuffixed integer is an `i64` (as SQL
//! computes integers, and so that `3_000_000_000` fits and any integer attribute accepts it),
//! an unsuffixed float an `f64`. Rust alone would make them `i32` and `f64`, and `1 << 31`
//! would be bound as -2 147 483 648.

use proc_macro2::TokenStream;
use quote::ToTokens;

/// An unsuffixed integer literal gets `i64`, so that large values fit and any integer
/// attribute accepts it; an unsuffixed float literal gets `f64`.
pub(crate) fn param_tokens(e: &syn::Expr) -> TokenStream {
    if let Some(wide) = literal_i64(e) {
        return wide.to_token_stream();
    }
    // An unsuffixed float literal is `f64` (rounded to `f32` where it meets one), so that
    // the type of `x * 0.1` is known.
    if let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Float(f),
        ..
    }) = e
    {
        if f.suffix().is_empty() {
            let lit = syn::LitFloat::new(&format!("{}f64", f.base10_digits()), f.span());
            return lit.to_token_stream();
        }
    }
    e.to_token_stream()
}

/// `e` with its unsuffixed integer literals made `i64`, when its integer type comes from
/// them alone (`1`, `-5`, `1 << 31`, `(1 << 40) | 1`, and so inside `[..]`, `vec![..]`,
/// `Some(..)` and `&..`): Rust would make it an `i32`, and
/// `1 << 31` would be bound as -2 147 483 648. `None` when the type comes from elsewhere
/// (`x + 1` takes `x`'s); the amount of a shift keeps its own type.
pub(crate) fn literal_i64(e: &syn::Expr) -> Option<syn::Expr> {
    use syn::BinOp as B;
    match e {
        syn::Expr::Lit(syn::ExprLit {
            attrs,
            lit: syn::Lit::Int(i),
        }) if i.suffix().is_empty() => Some(syn::Expr::Lit(syn::ExprLit {
            attrs: attrs.clone(),
            lit: syn::Lit::Int(syn::LitInt::new(
                &format!("{}i64", i.base10_digits()),
                i.span(),
            )),
        })),
        syn::Expr::Paren(p) => literal_i64(&p.expr).map(|inner| {
            let mut p = p.clone();
            *p.expr = inner;
            syn::Expr::Paren(p)
        }),
        syn::Expr::Group(g) => literal_i64(&g.expr).map(|inner| {
            let mut g = g.clone();
            *g.expr = inner;
            syn::Expr::Group(g)
        }),
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_) | syn::UnOp::Not(_)) => {
            literal_i64(&u.expr).map(|inner| {
                let mut u = u.clone();
                *u.expr = inner;
                syn::Expr::Unary(u)
            })
        }
        syn::Expr::Array(a) => {
            let mut a = a.clone();
            for e in a.elems.iter_mut() {
                *e = literal_i64(e)?;
            }
            Some(syn::Expr::Array(a))
        }
        syn::Expr::Reference(r) => literal_i64(&r.expr).map(|inner| {
            let mut r = r.clone();
            *r.expr = inner;
            syn::Expr::Reference(r)
        }),
        // `Some(1 << 31)`: the option of such a literal.
        syn::Expr::Call(c)
            if c.args.len() == 1
                && matches!(&*c.func, syn::Expr::Path(p) if p.path.is_ident("Some")) =>
        {
            let inner = literal_i64(&c.args[0])?;
            let mut c = c.clone();
            c.args[0] = inner;
            Some(syn::Expr::Call(c))
        }
        // `vec![1 << 31, 5]`: a list of such literals.
        syn::Expr::Macro(m) if m.mac.path.is_ident("vec") => {
            let items = m
                .mac
                .parse_body_with(
                    syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
                )
                .ok()?;
            if items.is_empty() {
                return None;
            }
            let wide = items.iter().map(literal_i64).collect::<Option<Vec<_>>>()?;
            let mut m = m.clone();
            m.mac.tokens = quote::quote!(#(#wide),*);
            Some(syn::Expr::Macro(m))
        }
        syn::Expr::Binary(b) => {
            let shift = matches!(b.op, B::Shl(_) | B::Shr(_));
            let arithmetic = matches!(
                b.op,
                B::Add(_)
                    | B::Sub(_)
                    | B::Mul(_)
                    | B::Div(_)
                    | B::Rem(_)
                    | B::BitAnd(_)
                    | B::BitOr(_)
                    | B::BitXor(_)
            );
            let mut b = b.clone();
            if shift {
                *b.left = literal_i64(&b.left)?;
            } else if arithmetic {
                let (left, right) = (literal_i64(&b.left)?, literal_i64(&b.right)?);
                (*b.left, *b.right) = (left, right);
            } else {
                return None;
            }
            Some(syn::Expr::Binary(b))
        }
        _ => None,
    }
}
