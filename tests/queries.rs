//! The query language of SPEC §4 on real SQLite rows: both spellings, filters, parameters,
//! projections, aggregates, ordering, paging, distinct, terminals and refinement.

mod common;

use colt::prelude::*;
use common::{each_backend, sorted, Category, Product};
use std::collections::HashSet;

fn names(v: Vec<Obj<Product>>) -> Vec<String> {
    sorted(v.into_iter().map(|p| p.name()).collect())
}

#[test]
fn both_spellings_give_the_same_rows_and_sql() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let max = 1000;
            let a = select!(p for p in Product if p.price < max);
            let b = select!(Product.filter(|p| p.price < max));
            assert_eq!(a.sql(Dialect::Sqlite), b.sql(Dialect::Sqlite));
            assert_eq!(names(a.fetch(tx)?), ["Assam", "Emma", "Sencha"]);
            assert_eq!(names(b.fetch(tx)?), ["Assam", "Emma", "Sencha"]);

            let c = select!(p.name for p in Product if p.price < max && p.in_stock);
            let d = select!(Product
                .filter(|p| p.price < max)
                .filter(|p| p.in_stock)
                .map(|p| p.name));
            assert_eq!(sorted(c.fetch(tx)?), ["Assam", "Emma", "Sencha"]);
            assert_eq!(sorted(d.fetch(tx)?), ["Assam", "Emma", "Sencha"]);
            Ok(())
        })
    })
}

#[test]
fn comparisons_arithmetic_and_logic() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let q = select!(p.name for p in Product if p.price == 450);
            assert_eq!(sorted(q.fetch(tx)?), ["Assam", "Sencha"]);
            let q = select!(p.name for p in Product if p.price != 450 && p.price >= 1500);
            assert_eq!(sorted(q.fetch(tx)?), ["Matcha", "Ulysses"]);
            let q = select!(p.name for p in Product if p.price <= 450 || p.price > 1800);
            assert_eq!(sorted(q.fetch(tx)?), ["Assam", "Matcha", "Sencha"]);
            let q = select!(p.name for p in Product if !(p.price < 1500));
            assert_eq!(sorted(q.fetch(tx)?), ["Matcha", "Ulysses"]);
            let q = select!(p.name for p in Product if p.price * 2 - 100 > 5600 / 2);
            assert_eq!(sorted(q.fetch(tx)?), ["Matcha", "Ulysses"]);
            let q = select!(p.name for p in Product if p.price % 1000 == 200);
            assert_eq!(q.fetch(tx)?, ["Dune"]);
            let q = select!(p.name for p in Product if -p.price < -1900);
            assert_eq!(q.fetch(tx)?, ["Matcha"]);
            let q = select!(p.name for p in Product if !p.in_stock);
            assert_eq!(sorted(q.fetch(tx)?), ["Matcha", "Ulysses"]);
            // Arithmetic in the projection.
            let q = select!((p.name, p.price + 1) for p in Product if p.price > 1900);
            assert_eq!(q.fetch(tx)?, [("Matcha".to_string(), 2001)]);
            Ok(())
        })
    })
}

#[test]
fn outer_values_are_parameters_never_sql_text() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
        let evil = "x' OR '1'='1".to_string();
        let q = select!(p for p in Product if p.name == evil);
        assert!(!q.sql(Dialect::Sqlite).contains("OR '1'"));
        assert!(q.fetch(tx)?.is_empty());

        struct Filter {
            min: i64,
        }
        let f = Filter { min: 1000 };
        let factor = 2;
        // Field access, arithmetic and calls on outer values are computed in Rust once.
        let q = select!(p.name for p in Product if p.price * factor > f.min * 2 && p.name != String::from("Dune"));
        assert_eq!(sorted(q.fetch(tx)?), ["Matcha", "Ulysses"]);
        assert_eq!(
            q.parameters(),
            vec![colt::Value::Int(2), colt::Value::Int(2000), colt::Value::Text("Dune".into())]
        );
        // Different values at the same call site: same SQL, different rows.
        let mut seen = Vec::new();
        for min in [0i64, 1000, 5000] {
            let q = select!(p for p in Product if p.price > min);
            seen.push((q.sql(Dialect::Sqlite), q.count(tx)?));
        }
        assert_eq!(seen[0].0, seen[2].0);
        assert_eq!(seen.iter().map(|s| s.1).collect::<Vec<_>>(), [6, 3, 0]);
        // Large literals fit.
        let q = select!(p for p in Product if p.price < 10_000_000_000);
        assert_eq!(q.count(tx)?, 6);
        Ok(())
    })
    })
}

#[test]
fn option_attributes_follow_sql_null_rules() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let q = select!(p.name for p in Product if p.description.is_none());
            assert_eq!(sorted(q.fetch(tx)?), ["Emma", "Matcha"]);
            let q = select!(p.name for p in Product if p.description == None);
            assert_eq!(sorted(q.fetch(tx)?), ["Emma", "Matcha"]);
            let q = select!(p.name for p in Product if p.discount.is_some());
            assert_eq!(sorted(q.fetch(tx)?), ["Assam", "Emma", "Ulysses"]);
            let q = select!(p.name for p in Product if p.discount != None);
            assert_eq!(sorted(q.fetch(tx)?), ["Assam", "Emma", "Ulysses"]);
            // A NULL satisfies no comparison: neither `> 0` nor `!= 0`.
            let q = select!(p.name for p in Product if p.discount > 0);
            assert_eq!(sorted(q.fetch(tx)?), ["Assam", "Emma"]);
            let q = select!(p.name for p in Product if p.discount != 0);
            assert_eq!(sorted(q.fetch(tx)?), ["Assam", "Emma"]);
            // An outer Option: None means IS NULL, Some compares (and still skips NULLs).
            let none: Option<i64> = None;
            let q = select!(p.name for p in Product if p.discount == none);
            assert_eq!(sorted(q.fetch(tx)?), ["Dune", "Matcha", "Sencha"]);
            let q = select!(p.name for p in Product if p.discount != none);
            assert_eq!(sorted(q.fetch(tx)?), ["Assam", "Emma", "Ulysses"]);
            let some = Some(100i64);
            let q = select!(p.name for p in Product if p.discount == some);
            assert_eq!(q.fetch(tx)?, ["Emma"]);
            let q = select!(p.name for p in Product if p.discount != some);
            assert_eq!(sorted(q.fetch(tx)?), ["Assam", "Ulysses"]);
            // Option attribute compared with a plain attribute.
            let q = select!(p.name for p in Product if p.discount < p.price / 10);
            assert_eq!(q.fetch(tx)?, ["Ulysses"]);
            Ok(())
        })
    })
}

#[test]
fn string_methods_are_exact_and_case_sensitive() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
        let q = select!(p.name for p in Product if p.name.starts_with("S"));
        assert_eq!(q.fetch(tx)?, ["Sencha"]);
        let q = select!(p.name for p in Product if p.name.starts_with("s"));
        assert!(q.fetch(tx)?.is_empty());
        let q = select!(p.name for p in Product if p.name.ends_with("ma"));
        assert_eq!(q.fetch(tx)?, ["Emma"]);
        let q = select!(p.name for p in Product if p.name.contains("ss"));
        assert_eq!(sorted(q.fetch(tx)?), ["Assam", "Ulysses"]);
        // `%` and `_` are plain characters, not wildcards.
        let q = select!(p.name for p in Product if p.description.contains("100%"));
        assert_eq!(q.fetch(tx)?, ["Sencha"]);
        let q = select!(p.name for p in Product if p.description.contains("k_t"));
        assert_eq!(q.fetch(tx)?, ["Assam"]);
        let q = select!(p.name for p in Product if p.description.contains("%"));
        assert_eq!(q.fetch(tx)?, ["Sencha"]);
        let q = select!(p.name for p in Product if p.name.to_lowercase() == "dune");
        assert_eq!(q.fetch(tx)?, ["Dune"]);
        let q = select!(p.name for p in Product if p.name.to_uppercase().starts_with("MA"));
        assert_eq!(q.fetch(tx)?, ["Matcha"]);
        let q = select!((p.name, p.name.len()) for p in Product if p.name.len() > 5);
        assert_eq!(sorted(q.fetch(tx)?), [("Matcha".to_string(), 6), ("Sencha".to_string(), 6), ("Ulysses".to_string(), 7)]);
        let q = select!(p.name for p in Product if p.name.trim() == p.name && p.name.ends_with(&String::from("ses")));
        assert_eq!(q.fetch(tx)?, ["Ulysses"]);
        // A column as the argument, with or without `&`.
        let q = select!(p.name for p in Product if p.description.contains(&p.name));
        assert!(q.fetch(tx)?.is_empty());
        // An outer string's `.contains(&attr)` is a substring test.
        let sentence = "I drank Assam and Sencha";
        let q = select!(p.name for p in Product if sentence.contains(&p.name));
        assert_eq!(sorted(q.fetch(tx)?), ["Assam", "Sencha"]);
        Ok(())
    })
    })
}

#[test]
fn list_membership_with_any_collection() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let wanted = vec!["Dune".to_string(), "Emma".to_string(), "Nope".to_string()];
            let q = select!(p.name for p in Product if wanted.contains(&p.name));
            assert_eq!(sorted(q.fetch(tx)?), ["Dune", "Emma"]);
            let prices = [450i64, 2000];
            let q = select!(p.name for p in Product if prices.contains(&p.price));
            assert_eq!(sorted(q.fetch(tx)?), ["Assam", "Matcha", "Sencha"]);
            let set: HashSet<i64> = [800].into_iter().collect();
            let q = select!(p.name for p in Product if !set.contains(&p.price));
            assert_eq!(q.count(tx)?, 5);
            let slice: &[&str] = &["Dune"];
            let q = select!(p.name for p in Product if slice.contains(&p.name));
            assert_eq!(q.fetch(tx)?, ["Dune"]);
            // Empty list: nothing is a member; one SQL text for every length.
            let empty: Vec<i64> = Vec::new();
            let q = select!(p for p in Product if empty.contains(&p.id));
            assert_eq!(q.count(tx)?, 0);
            let q2 = select!(p for p in Product if !empty.contains(&p.id));
            assert_eq!(q2.count(tx)?, 6);
            let many: Vec<i64> = (0..1000).collect();
            let q3 = select!(p for p in Product if empty.contains(&p.id));
            let q4 = select!(p for p in Product if many.contains(&p.id));
            assert_eq!(q3.sql(Dialect::Sqlite), q4.sql(Dialect::Sqlite));
            assert_eq!(q4.count(tx)?, 6);
            // A NULL attribute is never a member, negated or not.
            let discounts = vec![100i64];
            let q = select!(p.name for p in Product if !discounts.contains(&p.discount));
            assert_eq!(sorted(q.fetch(tx)?), ["Assam", "Ulysses"]);
            Ok(())
        })
    })
}

#[test]
fn projections_entities_attributes_tuples() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
        let q: Query<Obj<Product>> = select!(p for p in Product if p.price > 1400);
        let objs = q.fetch(tx)?;
        assert_eq!(objs.len(), 2);
        let q: Query<(String, i64, Option<String>)> =
            select!((p.name, p.price, p.description) for p in Product if p.price > 1400);
        assert_eq!(
            sorted(q.fetch(tx)?),
            [
                ("Matcha".to_string(), 2000, None),
                ("Ulysses".to_string(), 1500, Some("Dublin, one day".to_string()))
            ]
        );
        // Objects and attributes of two variables.
        let q = select!((p, c.name) for p in Product for c in Category if p.category_id == c.id && p.price > 1900);
        let rows = q.fetch(tx)?;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0.name(), "Matcha");
        assert_eq!(rows[0].1, "Tea");
        Ok(())
    })
    })
}

#[test]
fn results_are_sets_unless_asked_otherwise() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            // The projection leaves out the key: DISTINCT.
            let q = select!(p.price for p in Product if p.price < 1000);
            assert!(q.sql(Dialect::Sqlite).starts_with("SELECT DISTINCT"));
            assert_eq!(sorted(q.fetch(tx)?), [450, 800]);
            assert_eq!(q.count(tx)?, 2);
            let all = q.clone().without_distinct();
            assert_eq!(sorted(all.fetch(tx)?), [450, 450, 800]);
            assert_eq!(all.count(tx)?, 3);
            // With the key there is nothing to remove.
            let q = select!((p.id, p.price) for p in Product);
            assert!(!q.sql(Dialect::Sqlite).contains("DISTINCT"));
            let q = select!(p for p in Product).distinct();
            assert!(q.sql(Dialect::Sqlite).contains("DISTINCT"));
            let q = select!(Product
                .filter(|p| p.price == 450)
                .map(|p| p.price)
                .without_distinct());
            assert_eq!(q.fetch(tx)?, [450, 450]);
            Ok(())
        })
    })
}

#[test]
fn aggregates_over_the_whole_table() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            assert_eq!(select!(count(p) for p in Product).one(tx)?, 6);
            assert_eq!(
                select!(count() for p in Product if p.price > 1000).one(tx)?,
                3
            );
            assert_eq!(select!(count(p.discount) for p in Product).one(tx)?, 3);
            assert_eq!(select!(sum(p.price) for p in Product).one(tx)?, Some(6400));
            assert_eq!(
                select!(sum(p.discount) for p in Product).one(tx)?,
                Some(150)
            );
            assert_eq!(select!(min(p.price) for p in Product).one(tx)?, Some(450));
            assert_eq!(
                select!(max(p.name) for p in Product).one(tx)?,
                Some("Ulysses".to_string())
            );
            let avg_price: Option<f64> =
                select!(avg(p.price) for p in Product if p.price > 1000).one(tx)?;
            assert!((avg_price.unwrap_or_default() - 1566.666).abs() < 0.01);
            // No rows: count 0, the others None.
            assert_eq!(
                select!(count(p) for p in Product if p.price > 99999).one(tx)?,
                0
            );
            assert_eq!(
                select!(sum(p.price) for p in Product if p.price > 99999).one(tx)?,
                None
            );
            assert_eq!(
                select!(avg(p.price) for p in Product if p.price > 99999).one(tx)?,
                None
            );
            // Chain spelling, several aggregates at once.
            let q = select!(Product.filter(|p| p.in_stock).map(|p| (
                count(p),
                min(p.price),
                max(p.price)
            )));
            assert_eq!(q.one(tx)?, (4, Some(450), Some(1200)));
            Ok(())
        })
    })
}

#[test]
fn grouping_is_inferred_and_conditions_on_aggregates_are_having() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
        let q = select!((p.category_id, count(p), sum(p.price)) for p in Product);
        assert!(q.sql(Dialect::Sqlite).contains("GROUP BY \"p\".\"category_id\""));
        let rows = sorted(q.fetch(tx)?);
        assert_eq!(rows, [(1, 3, Some(3500)), (2, 3, Some(2900))]);
        let q = select!((c.name, count(p)) for c in Category for p in Product if p.category_id == c.id && p.in_stock);
        assert_eq!(sorted(q.fetch(tx)?), [("Books".to_string(), 2), ("Tea".to_string(), 2)]);
        let q = select!((p.category_id, avg(p.price)) for p in Product if sum(p.price) > 3000);
        assert!(q.sql(Dialect::Sqlite).contains("HAVING"));
        let rows = q.fetch(tx)?;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0, 1);
        // `&&` is split: plain conditions filter rows (WHERE), aggregate ones filter groups.
        let q = select!((p.category_id, count(p)) for p in Product if p.price < 1000 && count(p) > 1);
        let sql = q.sql(Dialect::Sqlite);
        assert!(sql.contains("WHERE (\"p\".\"price\" < ?1) GROUP BY"), "{sql}");
        assert!(sql.contains("HAVING (COUNT(*) > ?2)"), "{sql}");
        assert_eq!(q.fetch(tx)?, [(2, 2)]);
        // A grouped query orders by its aggregates.
        let q = select!(((p.category_id, sum(p.price)) for p in Product).order_by(|p| desc(sum(p.price))));
        assert_eq!(q.fetch(tx)?, [(1, Some(3500)), (2, Some(2900))]);
        Ok(())
    })
    })
}

#[test]
fn ordering_with_nulls_first_ascending_and_last_descending() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let q = select!((p for p in Product).order_by(|p| (desc(p.price), p.name)));
            let got: Vec<String> = q.fetch(tx)?.into_iter().map(|p| p.name()).collect();
            assert_eq!(
                got,
                ["Matcha", "Ulysses", "Dune", "Emma", "Assam", "Sencha"]
            );
            let q = select!(Product.order_by(|p| p.discount).map(|p| p.name));
            let got = q.clone().without_distinct().fetch(tx)?;
            assert_eq!(&got[3..], ["Ulysses", "Assam", "Emma"]);
            let q = select!(Product
                .order_by(|p| (desc(p.discount), p.name))
                .map(|p| (p.name, p.discount)));
            let got: Vec<String> = q.fetch(tx)?.into_iter().map(|r| r.0).collect();
            assert_eq!(
                got,
                ["Emma", "Assam", "Ulysses", "Dune", "Matcha", "Sencha"]
            );
            // PostgreSQL needs NULLS FIRST / LAST spelled out.
            let pg = q.sql(Dialect::Postgres);
            assert!(
                pg.contains("DESC NULLS LAST") && pg.contains("ASC NULLS FIRST"),
                "{pg}"
            );
            Ok(())
        })
    })
}

#[test]
fn limit_offset_page_inside_and_outside_the_macro() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let by_price = select!((p.name for p in Product).order_by(|p| (p.price, p.name)));
            let all = by_price.fetch(tx)?;
            assert_eq!(
                all,
                ["Assam", "Sencha", "Emma", "Dune", "Ulysses", "Matcha"]
            );
            assert_eq!(by_price.clone().limit(2).fetch(tx)?, ["Assam", "Sencha"]);
            assert_eq!(by_price.clone().offset(4).fetch(tx)?, ["Ulysses", "Matcha"]);
            assert_eq!(by_price.clone().page(2, 2).fetch(tx)?, ["Emma", "Dune"]);
            assert_eq!(by_price.clone().page(4, 2).fetch(tx)?, Vec::<String>::new());
            let n = 3usize;
            let q = select!(Product
                .order_by(|p| desc(p.price))
                .map(|p| p.name)
                .offset(1)
                .limit(n));
            assert_eq!(q.fetch(tx)?, ["Ulysses", "Dune", "Emma"]);
            assert_eq!(q.count(tx)?, 3);
            let q =
                select!((p.name for p in Product if p.price > 100).order_by(|p| p.name).limit(1));
            assert_eq!(q.fetch(tx)?, ["Assam"]);
            Ok(())
        })
    })
}

/// A second limit keeps the smaller, offsets add up; a limit and an offset stay SQL's pair
/// (an offset after a limit is PonyORM's `.limit(n, offset=m)`). A second limit replaced the
/// first, so a query value handed out with `.limit(3)` returned every row once its caller
/// limited it again.
#[test]
fn a_second_limit_or_offset_composes_with_the_first() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let by_price = select!((p.name for p in Product).order_by(|p| (p.price, p.name)));
            let top3 = by_price.clone().limit(3);
            assert_eq!(top3.clone().limit(10).fetch(tx)?, ["Assam", "Sencha", "Emma"]);
            assert_eq!(top3.clone().limit(2).fetch(tx)?, ["Assam", "Sencha"]);
            assert_eq!(top3.count(tx)?, 3);
            assert_eq!(
                by_price.clone().offset(2).offset(1).fetch(tx)?,
                ["Dune", "Ulysses", "Matcha"]
            );
            assert_eq!(top3.clone().offset(1).fetch(tx)?, ["Sencha", "Emma", "Dune"]);
            assert_eq!(
                top3.clone().offset(1).offset(1).fetch(tx)?,
                ["Emma", "Dune", "Ulysses"]
            );
            assert_eq!(top3.page(1, 10).fetch(tx)?, ["Assam", "Sencha", "Emma"]);
            let q = select!((p.name for p in Product).order_by(|p| (p.price, p.name)).limit(3).limit(10));
            assert_eq!(q.fetch(tx)?.len(), 3);
            Ok(())
        })
    })
}

#[test]
fn terminals_first_one_count_exists() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            // `first` without order_by: the first by primary key.
            let first = select!(p for p in Product if p.price > 500).first(tx)?;
            assert_eq!(first.map(|p| p.name()), Some("Dune".to_string()));
            let first = select!(p for p in Product if p.price > 99999).first(tx)?;
            assert!(first.is_none());
            let cheapest =
                select!(Product.order_by(|p| (p.price, p.name)).map(|p| p.name)).first(tx)?;
            assert_eq!(cheapest.as_deref(), Some("Assam"));

            let one = select!(p for p in Product if p.name == "Emma").one(tx)?;
            assert_eq!(one.price(), 800);
            assert!(matches!(
                select!(p for p in Product if p.name == "Nope").one(tx),
                Err(Error::NotFound { .. })
            ));
            assert!(matches!(
                select!(p for p in Product if p.price == 450).one(tx),
                Err(Error::MultipleFound)
            ));
            assert_eq!(select!(p for p in Product if p.in_stock).count(tx)?, 4);
            assert!(select!(p for p in Product if p.price == 450).exists(tx)?);
            assert!(!select!(p for p in Product if p.price == 451).exists(tx)?);
            Ok(())
        })
    })
}

#[test]
fn bulk_delete_removes_rows_and_marks_loaded_objects() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let emma = select!(p for p in Product if p.name == "Emma").one(tx)?;
            let n = select!(p for p in Product if p.price < 1000).delete(tx)?;
            assert_eq!(n, 3);
            assert!(emma.is_deleted());
            assert_eq!(select!(p for p in Product).count(tx)?, 3);
            assert!(tx.get::<Product>(emma.key())?.is_none());
            Ok(())
        })?;
        db.transaction(|tx| {
            assert_eq!(select!(p for p in Product).count(tx)?, 3);
            Ok(())
        })
    })
}

fn cheap(max: i64) -> Query<Obj<Product>> {
    select!(p for p in Product if p.price <= max)
}

#[test]
fn queries_refine_at_run_time_and_keep_one_type() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            for (max_price, needle, expected) in [
                (
                    None,
                    None,
                    vec!["Assam", "Dune", "Emma", "Matcha", "Sencha", "Ulysses"],
                ),
                (Some(1000), None, vec!["Assam", "Emma", "Sencha"]),
                (Some(1000), Some("a"), vec!["Assam", "Emma", "Sencha"]),
                (None, Some("ss"), vec!["Assam", "Ulysses"]),
                (Some(500), Some("S"), vec!["Sencha"]),
            ] {
                let mut q = select!(p for p in Product if p.price > 0);
                if let Some(max) = max_price {
                    q = select!(q.filter(|p| p.price <= max));
                }
                if let Some(word) = &needle {
                    q = select!(q.filter(|p| p.name.contains(word)));
                }
                assert_eq!(names(q.fetch(tx)?), expected, "{max_price:?} {needle:?}");
            }
            // A function returns a query; refinement keeps its parameters and adds its own.
            let q = select!(cheap(1000)
                .filter(|x| x.in_stock)
                .order_by(|x| desc(x.price)));
            let got: Vec<String> = q.fetch(tx)?.into_iter().map(|p| p.name()).collect();
            assert_eq!(got, ["Emma", "Sencha", "Assam"]);
            Ok(())
        })
    })
}

#[test]
fn sql_is_shown_per_dialect() {
    let q = select!((p.name for p in Product if p.price > 10 && p.name.contains("a")).order_by(|p| desc(p.price)).limit(5));
    assert_eq!(
        q.sql(Dialect::Sqlite),
        "SELECT \"p\".\"name\" FROM \"product\" AS \"p\" WHERE (\"p\".\"price\" > ?1) AND (instr(CAST(\"p\".\"name\" AS BLOB), CAST(?2 AS BLOB)) > 0) GROUP BY \"p\".\"name\" ORDER BY MAX(\"p\".\"price\") DESC LIMIT ?3"
    );
    assert_eq!(
        q.sql(Dialect::Postgres),
        "SELECT \"p\".\"name\" FROM \"product\" AS \"p\" WHERE (\"p\".\"price\" > CAST($1 AS BIGINT)) AND (strpos(CAST(\"p\".\"name\" AS TEXT), $2) > 0) GROUP BY \"p\".\"name\" ORDER BY MAX(\"p\".\"price\") DESC NULLS LAST LIMIT $3"
    );
    let ids = vec![1i64];
    let q = select!(p for p in Product if ids.contains(&p.id));
    assert!(q.sql(Dialect::Postgres).contains("\"p\".\"id\" = ANY($1)"));
    assert!(q
        .sql(Dialect::Sqlite)
        .contains("\"p\".\"id\" IN rarray(?1)"));
}

/// A later `order_by` orders first and keeps the earlier one for ties, as PonyORM's does
/// (`translator.order[:0] = new_order`): it replaced it, and Sencha and Assam (both 450)
/// came back in either order, a page of them differently from run to run.
#[test]
fn a_later_order_by_keeps_the_earlier_for_ties() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let by_name = select!((p for p in Product).order_by(|p| p.name));
            let q = select!(by_name.order_by(|p| desc(p.price)));
            let got: Vec<String> = q.fetch(tx)?.into_iter().map(|p| p.name()).collect();
            assert_eq!(
                got,
                ["Matcha", "Ulysses", "Dune", "Emma", "Assam", "Sencha"]
            );
            let q = select!(Product
                .order_by(|p| desc(p.name))
                .order_by(|p| p.price)
                .map(|p| p.name));
            assert_eq!(
                q.without_distinct().fetch(tx)?,
                ["Sencha", "Assam", "Emma", "Dune", "Ulysses", "Matcha"]
            );
            // The same key again orders once, by the later direction.
            let q = select!(by_name.order_by(|p| desc(p.name)));
            assert_eq!(q.fetch(tx)?[0].name(), "Ulysses");
            Ok(())
        })
    })
}
