//! An ordering that aggregates, in a query whose values do not: it has no groups to order,
//! unless what it aggregates is a collection of each row (`count(c.orders)`,
//! `sum(c.orders.total)`) or a sub-comprehension (`sum(o.total for o in c.orders)`), which
//! become one correlated sub-query per row, as in PonyORM. The macro cannot tell a collection
//! from a column by its name: the aggregand is wrapped in `collection_aggregand`, whose bound
//! refuses a column at the user's token.

use proc_macro2::Span;

use super::{AggArg, QExpr, Step};

const GROUPED: &str = "ordering by an aggregate needs a grouped query: select the groups with the aggregate, e.g. `select!(((p.category, count(p)) for p in Product).order_by(|p| desc(count(p))))`, or aggregate a collection: `Customer.order_by(|c| desc(count(c.orders)))`";

/// Checks the orderings of a query whose values do not aggregate: an aggregate of the
/// query's own rows (`count(p)`, `count()`) is an error; any other aggregand is wrapped to be
/// checked as a collection by its type.
pub(super) fn check(steps: &mut [Step], errors: &mut Vec<syn::Error>) {
    for step in steps {
        if let Step::Order(_, e, _) = step {
            walk(e, errors);
        }
    }
}

fn walk(e: &mut QExpr, errors: &mut Vec<syn::Error>) {
    match e {
        QExpr::Agg(_, span, arg) => {
            let span = *span;
            match arg {
                AggArg::Nothing | AggArg::Var(_) => errors.push(syn::Error::new(span, GROUPED)),
                AggArg::Expr(inner) | AggArg::Two(inner, _) => wrap(inner, span),
            }
        }
        QExpr::Var(_)
        | QExpr::Attr(..)
        | QExpr::Key(_)
        | QExpr::Param(..)
        | QExpr::Const(_)
        | QExpr::Hybrid(..)
        | QExpr::SubComp(..) => {}
        QExpr::Binary(_, _, a, b) | QExpr::Method2(_, _, a, b) | QExpr::InSub(_, a, b) => {
            walk(a, errors);
            walk(b, errors);
        }
        QExpr::Unary(_, _, a) | QExpr::OuterContains(_, _, a) | QExpr::Cast(_, a, _) => {
            walk(a, errors);
        }
        QExpr::Tuple(items) | QExpr::Call(_, _, items) => {
            for item in items {
                walk(item, errors);
            }
        }
    }
}

/// Wraps an aggregand that is no sub-comprehension in `collection_aggregand`.
fn wrap(inner: &mut Box<QExpr>, span: Span) {
    if matches!(**inner, QExpr::SubComp(..)) {
        return;
    }
    let taken = std::mem::replace(&mut **inner, QExpr::Tuple(Vec::new()));
    **inner = QExpr::Call("collection_aggregand", span, vec![taken]);
}
