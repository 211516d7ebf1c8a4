//! The order of a chained closure's arguments on a comprehension.
//!
//! A closure chained on a comprehension (`(.. for c in Client for b in c.bills).filter(..)`)
//! takes the query's variables in generator order. PonyORM's lambdas, and Colt's own
//! refinements of a query value, take the items the query returns, in their order. The two
//! agree unless the comprehension returns its variables in another order; where they differ
//! and the closure does not say which it means (its arguments are not the generators' names
//! in generator order), the closure is refused rather than bound one way in silence.

use super::strip;
use crate::query::ast::{Clause, Comprehension};

/// Why a closure with arguments `params` on `comp` is ambiguous, if it is.
pub(super) fn misordered(comp: &Comprehension, params: &[syn::Ident]) -> Option<String> {
    let gens: Vec<String> = comp
        .clauses
        .iter()
        .filter_map(|c| match c {
            Clause::For { var, .. } => Some(var.to_string()),
            Clause::If { .. } => None,
        })
        .collect();
    let params: Vec<String> = params.iter().map(ToString::to_string).collect();
    if params == gens || params.len() != gens.len() {
        return None;
    }
    let in_order = gens.join(", ");
    let mut sorted_params = params.clone();
    sorted_params.sort();
    let mut sorted_gens = gens.clone();
    sorted_gens.sort();
    if sorted_params == sorted_gens {
        return Some(format!(
            "this closure names the query's variables out of their order: its arguments are the variables in generator order, so `{}` would be `{}`; write `|{in_order}|`",
            params[0], gens[0]
        ));
    }
    let returned = returned_variables(&comp.projection)?;
    if returned.len() == gens.len() && returned != gens && {
        let mut sorted = returned.clone();
        sorted.sort();
        sorted == sorted_gens
    } {
        return Some(format!(
            "this closure's arguments are the query's variables in generator order (`{in_order}`), not the items it returns (`{}`), as a PonyORM lambda's would be; name them `|{in_order}|`, or return the variables in generator order",
            returned.join(", ")
        ));
    }
    None
}

/// The names of the variables a projection returns, when it returns only plain names.
fn returned_variables(projection: &syn::Expr) -> Option<Vec<String>> {
    let items: Vec<&syn::Expr> = match strip(projection) {
        syn::Expr::Tuple(t) => t.elems.iter().collect(),
        e => vec![e],
    };
    items
        .into_iter()
        .map(|e| match strip(e) {
            syn::Expr::Path(p) => p.path.get_ident().map(ToString::to_string),
            _ => None,
        })
        .collect()
}
