//! A call site's SQL is rendered once and reused: later runs only bind parameters.
//! (Its own test binary, so that no other test renders SQL meanwhile.)

mod common;

use colt::prelude::*;
use common::{each_backend, Product};

#[test]
fn sql_is_rendered_once_per_call_site() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let run = |max: i64| select!(p.name for p in Product if p.price < max).fetch(tx);
            run(1000)?;
            let before = colt::__private::rendered_statements();
            for max in 0..50 {
                run(max * 100)?;
            }
            assert_eq!(colt::__private::rendered_statements(), before);
            // A refinement site caches its plan per base plan too.
            let base = select!(p for p in Product if p.price > 0);
            let refine =
                |q: &Query<Obj<Product>>, min: i64| select!(q.filter(|p| p.price > min)).count(tx);
            refine(&base, 1)?;
            let before = colt::__private::rendered_statements();
            for min in 0..50 {
                assert!(refine(&base, min)? <= 6);
            }
            assert_eq!(colt::__private::rendered_statements(), before);
            Ok(())
        })
    })
}
