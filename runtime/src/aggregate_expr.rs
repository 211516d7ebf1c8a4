//! The aggregates beyond `count`, `sum`, `avg`, `min` and `max` (in `expr`):
//! `count_distinct`, `sum_distinct`, `avg_distinct` and `group_concat` (SQLite's
//! `group_concat`, PostgreSQL's `string_agg`; the order of the values joined is the
//! database's: sort them in Rust where it matters).

use crate::expr::{Aggregand, Expr};
use crate::plan::{AggFn, Func, Node};
use crate::types::{NonNull, Numeric, SqlType, Textual};

fn aggregate(f: AggFn, arg: Node, ty: Option<crate::types::ColumnType>) -> Node {
    Node::Agg(f, Some(Box::new(arg)), ty)
}

/// `count_distinct(e)`: the number of different non-NULL values.
pub fn count_distinct<A: Aggregand>(a: A) -> Expr<i64> {
    let arg = a.into_node();
    // JSON documents are told apart as serde_json does (`1` is not `1.0`), on both backends.
    let arg = if A::Item::COLUMN_TYPE == crate::types::ColumnType::Json {
        Node::Cast(Box::new(arg), crate::plan::CastTo::Json)
    } else {
        arg
    };
    Expr::new(aggregate(AggFn::CountDistinct, arg, None))
}

/// `sum_distinct(e)`: the sum of the different values, `None` over none.
pub fn sum_distinct<A: Aggregand>(a: A) -> Expr<Option<<A::Item as SqlType>::Inner>>
where
    A::Item: Numeric,
    <A::Item as SqlType>::Inner: NonNull,
{
    // Floats added as floats (see `sum`).
    let ty = A::Item::COLUMN_TYPE;
    Expr::new(aggregate(
        AggFn::SumDistinct,
        crate::promotion::as_real(ty, a.into_node()),
        Some(ty),
    ))
}

/// `avg_distinct(e)`: the average of the different values, `None` over none.
pub fn avg_distinct<A: Aggregand, O>(a: A) -> Expr<Option<O>>
where
    A::Item: Numeric<Average = O>,
{
    Expr::new(aggregate(
        AggFn::AvgDistinct,
        a.into_node(),
        Some(A::Item::COLUMN_TYPE),
    ))
}

/// `group_concat(e, separator)`: the non-NULL values joined with the separator, `None` over
/// none.
pub fn group_concat<A: Aggregand, S: Textual>(a: A, separator: Expr<S>) -> Expr<Option<String>>
where
    A::Item: Textual,
{
    Expr::new(aggregate(
        AggFn::GroupConcat,
        Node::Call(Func::Separated, vec![a.into_node(), separator.node]),
        None,
    ))
}

/// What an ordering of a query that does not aggregate may aggregate: a collection's values
/// or members (`count(c.orders)`, `sum(c.orders.total)`), one sub-query per row. The query's
/// own rows (`max(p.price)`) have no groups to order.
#[diagnostic::on_unimplemented(
    message = "ordering by an aggregate of `{Self}` needs a grouped query",
    label = "not a collection: this query's values do not aggregate, so it has no groups to order",
    note = "select the groups with the aggregate, e.g. `select!(((p.category, count(p)) for p in Product).order_by(|p| desc(count(p))))`, or aggregate a collection: `Customer.order_by(|c| desc(count(c.orders)))`"
)]
pub trait CollectionAggregand {
    /// Generated code calls this before [`collection_aggregand`]: a failing bound is then
    /// reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
}

#[diagnostic::do_not_recommend]
impl<T: SqlType> CollectionAggregand for crate::navigate::Many<T> {}
#[diagnostic::do_not_recommend]
impl<T> CollectionAggregand for crate::navigate::SetOf<T> {}

/// The aggregand of an ordering aggregate in a query that does not aggregate, checked to be
/// a collection (generated code wraps it so).
pub fn collection_aggregand<T: CollectionAggregand>(a: Expr<T>) -> Expr<T> {
    a
}

/// What a condition of a query that returns whole objects of its one variable may
/// aggregate: a collection's values or members (`count(c.orders) > 2`), one sub-query per
/// row. The query's own rows (`avg(p.price)`) would be grouped by the objects themselves,
/// one row each, and each row compared with itself.
#[diagnostic::on_unimplemented(
    message = "a condition's aggregate of `{Self}` would compare each row with itself",
    label = "not a collection: this query returns whole objects, each its own group",
    note = "compare with an aggregate of all rows through a sub-comprehension, e.g. `select!(p for p in Product if p.price > avg(q.price for q in Product))`, or aggregate a collection: `select!(c for c in Customer if count(c.orders) > 2)`"
)]
pub trait ConditionAggregand {
    /// Generated code calls this before [`condition_aggregand`]: a failing bound is then
    /// reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
}

#[diagnostic::do_not_recommend]
impl<T: SqlType> ConditionAggregand for crate::navigate::Many<T> {}
#[diagnostic::do_not_recommend]
impl<T> ConditionAggregand for crate::navigate::SetOf<T> {}

/// The aggregand of a condition's aggregate in a query of whole objects of one variable,
/// checked to be a collection (generated code wraps it so).
pub fn condition_aggregand<T: ConditionAggregand>(a: Expr<T>) -> Expr<T> {
    a
}
