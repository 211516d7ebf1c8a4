//! A `select!` in a generic function (or a trait's default method) is one call site for
//! every instantiation: a plan that depends on an outer value's type is kept per type.

mod common;

use colt::prelude::*;
use colt::types::{Comparable, SqlType, TypedParam};
use common::each_backend;

#[derive(Entity, Debug, Clone)]
struct Product {
    #[colt(primary_key)]
    id: i64,
    discount: Option<i64>,
}

fn with_discount<D>(tx: &Transaction, d: D) -> colt::Result<Vec<i64>>
where
    D: TypedParam,
    D::Sql: Comparable<Option<i64>> + SqlType,
{
    select!(p.id for p in Product if p.discount == d).fetch(tx)
}

/// Called with an `i64` first, then with `None::<i64>`: the second call reused the first
/// plan, `discount = NULL`, and found nothing; it finds the products without a discount.
#[test]
fn a_plan_is_kept_per_outer_value_type() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Product])?;
        db.create_tables()?;
        db.transaction(|tx| {
            Product::build().id(1).discount(Some(5)).insert(tx)?;
            Product::build().id(2).discount(None::<i64>).insert(tx)?;
            Ok(())
        })?;
        db.transaction(|tx| {
            assert_eq!(with_discount(tx, 5i64)?, [1]);
            assert_eq!(with_discount(tx, None::<i64>)?, [2]);
            assert_eq!(with_discount(tx, Some(5i64))?, [1]);
            assert_eq!(with_discount(tx, 5i64)?, [1]);
            Ok(())
        })
    })
}
