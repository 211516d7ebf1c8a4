//! Outer values the macro copies are evaluated once. A `match` in a query becomes one test
//! per arm, each holding a copy of the matched expression (`p.qty - next()` compared with
//! `0`, then with `1..=9`), and an `Option`'s `is_some_and` a test and a body with a copy
//! of the receiver: each copy's outer part would be a parameter of its own, evaluated once
//! per copy. What may run code there (a call, a method call, a macro, an index) is evaluated
//! once per run instead, into `__colt_s{i}`, and every copy reads it, as Rust evaluates the
//! expression once. (Not reached: a part inside a closure, a `match`, a block or a
//! sub-comprehension that also uses a query variable: they bind names of their own.)

use proc_macro2::Span;
use quote::format_ident;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;

use super::{mentions, Lowerer, Scope};
use crate::query::literal::param_tokens;

/// The name of hoisted value `i` (the expansion's `let`, and the copies' reads).
pub(crate) fn hoisted_ident(i: usize) -> syn::Ident {
    format_ident!("__colt_s{}", i, span = Span::mixed_site())
}

impl Lowerer {
    /// `e`, about to be copied, with each largest part that does not use a query variable
    /// and may run code replaced by a read of its value, evaluated once.
    pub(super) fn hoist_outer(&mut self, e: &syn::Expr, scope: &Scope) -> syn::Expr {
        let mut e = e.clone();
        if !self.hybrid {
            Hoist { l: self, scope }.visit_expr_mut(&mut e);
        }
        e
    }
}

struct Hoist<'a> {
    l: &'a mut Lowerer,
    scope: &'a Scope,
}

impl VisitMut for Hoist<'_> {
    fn visit_expr_mut(&mut self, e: &mut syn::Expr) {
        // A closure is an argument of the query's own methods (`is_some_and(|d| ..)`), not
        // a value; a query function (`count(..)`, a sub-comprehension) is the query's.
        if matches!(e, syn::Expr::Closure(_)) || has_query_function(e) {
            if !binds_names(e) {
                syn::visit_mut::visit_expr_mut(self, e);
            }
            return;
        }
        if !mentions(e, self.scope) {
            if runs_code(e) {
                let i = self.l.hoisted.len();
                // Evaluated where it stands among the parameters, as Rust evaluates it.
                self.l.hoisted.push((self.l.params.len(), param_tokens(e)));
                let id = hoisted_ident(i);
                *e = syn::parse_quote!((*#id));
            }
            return;
        }
        // Names bound inside (a closure's parameter, a `match` arm's binding) are not query
        // variables, yet a value that uses one is not outer: such parts are left whole.
        if binds_names(e) {
            return;
        }
        syn::visit_mut::visit_expr_mut(self, e);
    }
}

/// Whether `e` holds a query function (`count(..)`, `exists(..)`, ..) or a
/// sub-comprehension: the query's, not a Rust value.
fn has_query_function(e: &syn::Expr) -> bool {
    struct Finds(bool);
    impl<'ast> Visit<'ast> for Finds {
        fn visit_expr(&mut self, e: &'ast syn::Expr) {
            match e {
                syn::Expr::Call(c) if super::is_reserved_call(c) => self.0 = true,
                syn::Expr::Macro(m) if m.mac.path.is_ident("__colt_comp") => self.0 = true,
                _ => syn::visit::visit_expr(self, e),
            }
        }
    }
    let mut f = Finds(false);
    f.visit_expr(e);
    f.0
}

/// Whether `e` binds names of its own, or is a macro (a sub-comprehension): its parts are
/// not read alone.
fn binds_names(e: &syn::Expr) -> bool {
    matches!(
        e,
        syn::Expr::Closure(_)
            | syn::Expr::Match(_)
            | syn::Expr::Block(_)
            | syn::Expr::If(_)
            | syn::Expr::Let(_)
            | syn::Expr::ForLoop(_)
            | syn::Expr::While(_)
            | syn::Expr::Loop(_)
            | syn::Expr::Macro(_)
            | syn::Expr::Unsafe(_)
    )
}

/// Whether evaluating `e` may run the program's code (and so give another value, or do
/// something, each time).
fn runs_code(e: &syn::Expr) -> bool {
    struct Finds(bool);
    impl<'ast> Visit<'ast> for Finds {
        fn visit_expr(&mut self, e: &'ast syn::Expr) {
            match e {
                syn::Expr::Call(_)
                | syn::Expr::MethodCall(_)
                | syn::Expr::Macro(_)
                | syn::Expr::Index(_)
                | syn::Expr::Block(_)
                | syn::Expr::Unsafe(_)
                | syn::Expr::Await(_) => self.0 = true,
                _ => syn::visit::visit_expr(self, e),
            }
        }
    }
    let mut f = Finds(false);
    f.visit_expr(e);
    f.0
}
