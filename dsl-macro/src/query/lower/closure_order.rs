//! The order of a chained closure's arguments on a comprehension.
//!
//! A closure chained on a comprehension (`(.. for c in Client for b in c.bills).filter(..)`)
//! takes the query's variables in generator order. PonyORM's lambdas, and Colt's own
//! refinements of a query value, take the items the query returns, in their order. Where a
//! closure's arguments say otherwise, it is refused rather than bound one way in silence:
//! an argument named as another position's generator (`|b, c|` for `for c .. for b ..`,
//! `|b, _c|`), or, over a comprehension that returns its variables in another order than
//! its generators, arguments none of which names its own generator (`|x, y|`).

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
    if params.len() != gens.len() {
        // The arity error says what to write.
        return None;
    }
    // `_c` names `c` (an unused argument), unless a generator is itself named `_c`.
    let names: Vec<String> = params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let raw = p.to_string();
            if raw == gens[i] || gens.contains(&raw) {
                raw
            } else {
                raw.trim_start_matches('_').to_string()
            }
        })
        .collect();
    let in_order = gens.join(", ");
    for (i, name) in names.iter().enumerate() {
        if name == &gens[i] {
            continue;
        }
        if gens.iter().any(|g| g == name) {
            return Some(format!(
                "`{}` here is the query's variable `{}`, not `{name}`: a closure's arguments are the query's variables in generator order; write `|{in_order}|`",
                params[i], gens[i]
            ));
        }
    }
    let returned = returned_variables(&comp.projection)?;
    let mut sorted = returned.clone();
    sorted.sort();
    let mut sorted_gens = gens.clone();
    sorted_gens.sort();
    if returned == gens || sorted != sorted_gens {
        return None;
    }
    // An argument named as its own variable settles the order only where the projection
    // moves that variable.
    let settled = (0..gens.len()).any(|i| returned[i] != gens[i] && names[i] == gens[i]);
    if !settled {
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
