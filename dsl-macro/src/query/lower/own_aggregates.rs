//! Aggregates of a query's own rows where the query has no groups for them.
//!
//! - An ordering that aggregates, in a query whose values do not: it has no groups to order.
//! - A condition that aggregates, in a query that returns whole objects of its one variable
//!   (`select!(p for p in Product if p.price > avg(p.price))`): its groups would be the
//!   objects themselves, one row each, so each row would be compared with itself (an
//!   answer of no row, or of every row, without an error).
//!
//! Either is fine when what it aggregates is a collection of each row (`count(c.orders)`,
//! `sum(c.orders.total)`) or a sub-comprehension (`sum(o.total for o in c.orders)`), which
//! become one correlated sub-query per row, as in PonyORM. The macro cannot tell a collection
//! from a column by its name: the aggregand is wrapped in `collection_aggregand` (orderings)
//! or `condition_aggregand` (conditions), whose bound refuses a column at the user's token.

use proc_macro2::Span;

use super::{AggArg, QExpr, Step};

const GROUPED: &str = "ordering by an aggregate needs a grouped query: select the groups with the aggregate, e.g. `select!(((p.category, count(p)) for p in Product).order_by(|p| desc(count(p))))`, or aggregate a collection: `Customer.order_by(|c| desc(count(c.orders)))`";

const ITSELF: &str = "this condition aggregates the query's own rows, which would be grouped by the objects the query returns, one row each: each row would be compared with itself. Compare with an aggregate of all rows through a sub-comprehension, e.g. `select!(p for p in Product if p.price > avg(q.price for q in Product))`, or aggregate a collection: `select!(c for c in Customer if count(c.orders) > 2)`";

/// Where the aggregates are.
#[derive(Clone, Copy)]
pub(super) enum Place {
    /// The orderings of a query whose values do not aggregate.
    Order,
    /// The conditions of a query that returns whole objects of its one variable.
    Condition,
}

impl Place {
    fn message(self) -> &'static str {
        match self {
            Place::Order => GROUPED,
            Place::Condition => ITSELF,
        }
    }

    fn wrapper(self) -> &'static str {
        match self {
            Place::Order => "collection_aggregand",
            Place::Condition => "condition_aggregand",
        }
    }
}

/// Checks the orderings or the conditions (`place`) of a query: an aggregate of the query's
/// own rows (`count(p)`, `count()`) is an error; any other aggregand is wrapped to be checked
/// as a collection by its type.
pub(super) fn check(steps: &mut [Step], place: Place, errors: &mut Vec<syn::Error>) {
    for step in steps {
        match (step, place) {
            (Step::Order(_, e, _), Place::Order) | (Step::Filter(_, e, _), Place::Condition) => {
                walk(e, place, errors)
            }
            _ => {}
        }
    }
}

fn walk(e: &mut QExpr, place: Place, errors: &mut Vec<syn::Error>) {
    match e {
        QExpr::Agg(_, span, arg) => {
            let span = *span;
            match arg {
                AggArg::Nothing | AggArg::Var(_) => {
                    errors.push(syn::Error::new(span, place.message()))
                }
                AggArg::Expr(inner) | AggArg::Two(inner, _) => wrap(inner, span, place),
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
            walk(a, place, errors);
            walk(b, place, errors);
        }
        QExpr::Unary(_, _, a) | QExpr::OuterContains(_, _, a) | QExpr::Cast(_, a, _) => {
            walk(a, place, errors);
        }
        QExpr::Tuple(items) | QExpr::Call(_, _, items) => {
            for item in items {
                walk(item, place, errors);
            }
        }
    }
}

/// Wraps an aggregand that is no sub-comprehension in the place's check.
fn wrap(inner: &mut Box<QExpr>, span: Span, place: Place) {
    if matches!(**inner, QExpr::SubComp(..)) {
        return;
    }
    let taken = std::mem::replace(&mut **inner, QExpr::Tuple(Vec::new()));
    **inner = QExpr::Call(place.wrapper(), span, vec![taken]);
}
