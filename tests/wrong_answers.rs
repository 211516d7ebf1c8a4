//! Query shapes and writes that gave wrong answers without an error (found by reading the
//! runtime for issue 11). Each test failed before its fix; where SQL cannot give Rust's or
//! PonyORM's answer on every backend, the answer is now a typed error instead.
mod common;

use colt::prelude::*;
use common::{all_backends, sorted, Product, Sample};

#[derive(Entity, Debug, Clone)]
pub struct Person {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub passport: Option<Ref<Passport>>,
}

#[derive(Entity, Debug, Clone)]
pub struct Passport {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub number: String,
    pub person: Ref<Person>,
}

fn names(v: Vec<Obj<Product>>) -> Vec<String> {
    v.into_iter().map(|p| p.name()).collect()
}

/// Refining a query with a limit: the closure receives the objects the query returns, but
/// the refinement's condition would apply before the limit (Dune and Ulysses instead of
/// none): an error instead.
#[test]
fn refining_a_limited_query_is_an_error_not_other_rows() {
    all_backends(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let cheapest2 = select!((p for p in Product).order_by(|p| (p.price, p.name)).limit(2));
            assert_eq!(names(cheapest2.fetch(tx)?), ["Assam", "Sencha"]);
            let refined = select!(cheapest2.filter(|p| p.price > 1000));
            let r = refined.fetch(tx);
            assert!(matches!(r, Err(colt::Error::InvalidQuery(_))), "{r:?}");
            // Refine first, then limit.
            let q = select!((p for p in Product).order_by(|p| (p.price, p.name)));
            let refined = select!(q.filter(|p| p.price > 1000)).limit(2);
            assert_eq!(names(refined.fetch(tx)?), ["Dune", "Ulysses"]);
            Ok(())
        })
    });
}

/// One-to-one reverse side: a query that reads `p.passport` has only `Person` as a source,
/// so inserting a Passport does not invalidate its cached result.
#[test]
fn result_cache_misses_write_to_one_to_one_owner() {
    all_backends(|backend| {
        let db = backend.open();
        db.bind(schema![Person, Passport])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let ann = Person::build().name("Ann").insert(tx)?;
            Person::build().name("Bob").insert(tx)?;
            let without = |tx: &Transaction| {
                select!(p.name for p in Person if p.passport.is_none()).fetch(tx)
            };
            assert_eq!(sorted(without(tx)?), ["Ann", "Bob"]);
            Passport::build().number("P-1").person(&ann).insert(tx)?;
            let raw: Vec<String> = tx.query_sql(
                "SELECT name FROM person WHERE NOT EXISTS (SELECT 1 FROM passport WHERE passport.person = person.id)",
                &[],
            )?;
            assert_eq!(raw, ["Bob"]);
            assert_eq!(sorted(without(tx)?), ["Bob"], "served from the result cache");
            Ok(())
        })
    });
}

/// Setting the reverse (column-less) side of a one-to-one was accepted and silently lost:
/// a typed error now, and nothing changes.
#[test]
fn setting_reverse_one_to_one_side_is_refused() {
    all_backends(|backend| {
        let db = backend.open();
        db.bind(schema![Person, Passport])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let ann = Person::build().name("Ann").insert(tx)?;
            let bob = Person::build().name("Bob").insert(tx)?;
            let p1 = Passport::build().number("P-1").person(&ann).insert(tx)?;
            // Give Ann's passport to Bob, from Bob's side.
            let r = bob.set(|b| b.passport = Some(Ref::from(&p1)));
            assert!(
                matches!(
                    r,
                    Err(colt::Error::ReverseSide {
                        entity: "Person",
                        field: "passport",
                        other: "Passport",
                        other_field: "person"
                    })
                ),
                "{r:?}"
            );
            assert!(bob.passport().is_none());
            let r = ann.set(|a| a.passport = None);
            assert!(matches!(r, Err(colt::Error::ReverseSide { .. })), "{r:?}");
            // The side with the column: both sides follow.
            p1.set(|p| p.person = Ref::from(&bob))?;
            tx.flush()?;
            assert_eq!(bob.passport().map(|r| *r.key()), Some(p1.id()));
            assert!(ann.passport().is_none());
            Ok(())
        })?;
        db.transaction(|tx| {
            let who = select!(p.person.name for p in Passport if p.number == "P-1").one(tx)?;
            assert_eq!(who, "Bob");
            Ok(())
        })
    });
}

/// An f32 column compared with an f64 value: SQLite compares in f64 (as Rust's widening
/// would), PostgreSQL narrows the parameter to real.
#[test]
fn f32_column_against_f64_value() {
    all_backends(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            Sample::build()
                .key("a")
                .flag(true)
                .small(1i16)
                .int(1i32)
                .big(1)
                .single(0.1f32)
                .double(5.5)
                .text("t")
                .bytes(vec![])
                .insert(tx)?;
            // The f64 value is rounded to f32 first, as Rust types the literal in
            // `x > 0.1` when `x: f32`; the same answer on both backends (PostgreSQL used to
            // round it by itself, SQLite compared it widened).
            let limit: f64 = 0.1;
            let n = select!(s for s in Sample if s.single > limit).count(tx)?;
            assert_eq!(n, 0);
            let n = select!(s for s in Sample if s.single == limit).count(tx)?;
            assert_eq!(n, 1);
            let half: f64 = 0.0625;
            assert_eq!(select!(s for s in Sample if s.single > half).count(tx)?, 1);
            // A list of f64 values is rounded the same (it found nothing).
            let list = vec![0.1f64, 7.0];
            let n = select!(s for s in Sample if list.contains(&s.single)).count(tx)?;
            assert_eq!(n, 1);
            let n = select!(s for s in Sample if !list.contains(&s.single)).count(tx)?;
            assert_eq!(n, 0);
            let some = [Some(0.1f64)];
            let n = select!(s for s in Sample if some.contains(&s.o_single)).count(tx)?;
            assert_eq!(n, 0);
            // f32 arithmetic is f32 arithmetic: 0.4f32 * 2.5 is exactly 1.0 in Rust (SQLite
            // computed it in f64: 1.0000000149, and kept the row).
            Sample::build()
                .key("b")
                .flag(true)
                .small(1i16)
                .int(1i32)
                .big(1)
                .single(0.4f32)
                .double(5.5)
                .text("")
                .bytes(vec![])
                .insert(tx)?;
            let (factor, one) = (2.5f64, 1.0f64);
            let n =
                select!(s for s in Sample if s.key == "b" && s.single * factor > one).count(tx)?;
            assert_eq!(n, 0);
            let n =
                select!(s for s in Sample if s.key == "b" && s.single * factor == one).count(tx)?;
            assert_eq!(n, 1);
            // Every text starts with "" (SQLite's substr of an empty BLOB is NULL: the empty
            // text did not).
            let empty = "";
            let n = select!(s for s in Sample if s.text.starts_with(empty)).count(tx)?;
            assert_eq!(n, 2);
            // A query of f64 values cannot be rounded: an error, not no rows.
            let doubles = select!(s.double + 0.0 - 5.4 for s in Sample);
            let r = select!(s for s in Sample if doubles.contains(&s.single)).count(tx);
            assert!(matches!(r, Err(colt::Error::InvalidQuery(_))), "{r:?}");
            Ok(())
        })
    });
}

/// `!(x == Some(v))` and `x != Some(v)` mean the same in Rust; here they give different rows.
#[test]
fn negated_equality_with_some_differs_from_ne() {
    all_backends(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let some: Option<i64> = Some(100);
            let a = sorted(select!(p.name for p in Product if !(p.discount == some)).fetch(tx)?);
            let b = sorted(select!(p.name for p in Product if p.discount != some).fetch(tx)?);
            let c = sorted(select!(p.name for p in Product if !(p.discount == 100)).fetch(tx)?);
            assert_eq!(a, b, "!(==Some) vs !=Some");
            assert_eq!(a, c, "!(==Some(100)) vs !(==100)");
            Ok(())
        })
    });
}

/// An outer list holding `None`: Rust's `contains(&None)` is true for a `None` attribute,
/// and Colt's own `p.discount == none` means IS NULL; `IN (NULL, ..)` never matches, and the
/// negation drops every row.
#[test]
fn outer_list_with_none() {
    all_backends(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            // discounts: Dune None, Emma 100, Ulysses 0, Sencha None, Assam 50, Matcha None
            let wanted: Vec<Option<i64>> = vec![None, Some(100)];
            let yes =
                sorted(select!(p.name for p in Product if wanted.contains(&p.discount)).fetch(tx)?);
            let no = sorted(
                select!(p.name for p in Product if !wanted.contains(&p.discount)).fetch(tx)?,
            );
            assert_eq!(
                (yes, no),
                (
                    vec![
                        "Dune".to_string(),
                        "Emma".into(),
                        "Matcha".into(),
                        "Sencha".into()
                    ],
                    vec!["Assam".to_string(), "Ulysses".into()],
                )
            );
            Ok(())
        })
    });
}

/// Docs: "A NULL attribute satisfies no comparison ... as does a membership test, negated or
/// not" -- but with an empty list the negated test keeps NULL attributes.
#[test]
fn negated_empty_list_keeps_nulls() {
    all_backends(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let one = vec![12345i64];
            let empty: Vec<i64> = vec![];
            let a =
                sorted(select!(p.name for p in Product if !one.contains(&p.discount)).fetch(tx)?);
            let b =
                sorted(select!(p.name for p in Product if !empty.contains(&p.discount)).fetch(tx)?);
            assert_eq!(a, b);
            Ok(())
        })
    });
}

/// Division by zero: SQLite gives NULL (the row silently drops out), PostgreSQL errors,
/// Rust panics.
#[test]
fn division_by_zero() {
    all_backends(|backend| {
        let db = backend.shop();
        let r = db.transaction(|tx| {
            select!(p.name for p in Product if p.discount.is_some() && p.price / p.discount < 1000000).fetch(tx)
        });
        // Ulysses has discount 0.
        assert!(
            matches!(r, Err(colt::Error::DivisionByZero)),
            "{}: {:?}",
            backend.name,
            r
        );
        let r = db.transaction(|tx| {
            select!(p.price % p.discount for p in Product if p.discount.is_some()).fetch(tx)
        });
        assert!(matches!(r, Err(colt::Error::DivisionByZero)), "{r:?}");
        // A divisor that is never zero divides as before.
        let r = db.transaction(|tx| {
            select!(p.price / 100 for p in Product if p.name == "Dune").one(tx)
        })?;
        assert_eq!(r, 12);
        Ok(())
    });
}

/// `first()` without order_by on a query with a sub-comprehension variable orders by that
/// variable's key, outside its sub-query.
#[test]
fn first_with_sub_comprehension() {
    all_backends(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let q = select!(p for p in Product if exists(x for x in Product if x.price > p.price));
            let f = q.first(tx);
            assert!(f.is_ok(), "{f:?}");
            Ok(())
        })
    });
}

/// `for_update()` on a query whose rows are DISTINCT (a projection without the key) or
/// aggregated rendered no `FOR UPDATE`: nothing was locked, silently. An error now; the
/// same projection without DISTINCT locks.
#[test]
fn for_update_that_cannot_lock_is_an_error() {
    all_backends(|backend| {
        let db = common::fill_shop(Database::open(&backend.fresh_url())?);
        let t1 = db.begin()?;
        let q = select!(p.price for p in Product if p.name == "Dune").for_update();
        let r = q.one(&t1);
        assert!(matches!(r, Err(colt::Error::InvalidQuery(_))), "{r:?}");
        let r = select!(p for p in Product).for_update().count(&t1);
        assert!(matches!(r, Err(colt::Error::InvalidQuery(_))), "{r:?}");
        let q = select!(p.price for p in Product if p.name == "Dune")
            .without_distinct()
            .for_update();
        assert_eq!(q.one(&t1)?, 1200);
        if backend.is_postgres() {
            // Another transaction cannot change the locked row.
            let other = db.transaction(|t2| {
                t2.execute_sql("SET LOCAL lock_timeout = '300ms'", &[])?;
                t2.execute_sql(
                    "UPDATE product SET price = price + 1 WHERE name = 'Dune'",
                    &[],
                )
            });
            assert!(
                other.is_err(),
                "row was not locked by for_update(): {other:?}"
            );
        }
        t1.rollback()?;
        Ok(())
    });
}

/// The reverse side of a one-to-one in loaded objects is not kept up to date by this
/// transaction's own writes.
#[test]
fn one_to_one_reverse_side_stale_after_own_insert() {
    all_backends(|backend| {
        let db = backend.open();
        db.bind(schema![Person, Passport])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let ann = Person::build().name("Ann").insert(tx)?;
            Passport::build().number("P-1").person(&ann).insert(tx)?;
            let with: Vec<String> =
                select!(p.name for p in Person if p.passport.is_some()).fetch(tx)?;
            assert_eq!(with, ["Ann"]);
            assert!(
                ann.passport().is_some(),
                "Ann has a passport, the object says {:?}",
                ann.passport()
            );
            Ok(())
        })
    });
}

/// Same, when the attribute was read before: the transaction's own insert is reported as
/// somebody else's change.
#[test]
fn one_to_one_own_insert_is_unrepeatable_read() {
    all_backends(|backend| {
        let db = backend.open();
        db.bind(schema![Person, Passport])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let ann = Person::build().name("Ann").insert(tx)?;
            assert!(ann.passport().is_none());
            Passport::build().number("P-1").person(&ann).insert(tx)?;
            let again = select!(p for p in Person if p.name == "Ann").one(tx)?;
            assert!(again.passport().is_some());
            Ok(())
        })
    });
}

/// `ends_with("")` on a NULL attribute: SQLite says true (the `length(b) = 0 OR ..` shortcut),
/// PostgreSQL says NULL.
#[test]
fn ends_with_empty_on_null() {
    all_backends(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let suffix = String::new();
            let n = select!(p for p in Product if p.description.ends_with(&suffix)).count(tx)?;
            // 4 products have a description, 2 have NULL.
            assert_eq!(n, 4);
            Ok(())
        })
    });
}

/// A HAVING disjunct that reads a non-grouped column: SQLite picks an arbitrary row,
/// PostgreSQL refuses.
#[test]
fn having_or_with_plain_column() {
    all_backends(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let q = select!((p.category_id, count(p)) for p in Product if count(p) > 5 || p.price > 1900);
            let r = q.fetch(tx);
            assert!(matches!(r, Err(colt::Error::InvalidQuery(_))), "{}: {:?}", q.sql(Dialect::Sqlite), r);
            // Grouped attributes and aggregates are fine.
            let q = select!((p.category_id, count(p)) for p in Product if count(p) > 5 || p.category_id > 1);
            assert_eq!(q.fetch(tx)?.len(), 1);
            Ok(())
        })
    });
}

mod tags {
    use colt::prelude::*;

    #[derive(Entity, Debug, Clone)]
    pub struct Shelf {
        #[colt(primary_key, auto)]
        pub id: i64,
        pub name: String,
        pub items: Set<Item>,
    }

    #[derive(Entity, Debug, Clone)]
    pub struct Item {
        #[colt(primary_key, auto)]
        pub id: i64,
        pub name: String,
        pub shelf: Ref<Shelf>,
        pub labels: Set<Label>,
    }

    #[derive(Entity, Debug, Clone)]
    pub struct Label {
        #[colt(primary_key)]
        pub name: String,
        pub items: Set<Item>,
    }
}

/// Counting the objects of a sub-comprehension with two generators counts joined rows,
/// while the same count at the top level counts distinct objects.
#[test]
fn count_of_objects_in_sub_query_counts_join_rows() {
    use tags::*;
    all_backends(|backend| {
        let db = backend.open();
        db.bind(schema![Shelf, Item, Label])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let books = Shelf::build().name("Books").insert(tx)?;
            let classic = Label::build().name("classic").insert(tx)?;
            for n in ["Dune", "Emma"] {
                let i = Item::build().name(n).shelf(&books).insert(tx)?;
                i.labels().add(tx, &classic)?;
            }
            // Top level: count(l) is COUNT(DISTINCT l.name) -> 1.
            let top = select!((s.name, count(l)) for s in Shelf for i in s.items for l in i.labels)
                .fetch(tx)?;
            assert_eq!(top, [("Books".to_string(), 1)]);
            // The same count as a sub-query of the shelf.
            let sub = select!((s.name, count(l for i in s.items for l in i.labels)) for s in Shelf)
                .fetch(tx)?;
            let path = select!((s.name, count(s.items.labels)) for s in Shelf).fetch(tx)?;
            assert_eq!(
                (sub, path),
                (
                    vec![("Books".to_string(), 1)],
                    vec![("Books".to_string(), 1)]
                ),
                "(sub-comprehension, collection path)"
            );
            Ok(())
        })
    });
}

/// Text tests with a NUL: SQLite's text functions stop at the NUL, so
/// `p.name.ends_with("\0x")` matched every row. They work on the bytes now (SQLite); on
/// PostgreSQL, text cannot hold a NUL and sending one is an error.
#[test]
fn text_tests_with_a_nul_agree_with_rust() {
    all_backends(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let names = ["a\0x", "a\0y", "plain"];
            if !backend.is_postgres() {
                for n in names {
                    Product::build().name(n).price(1).category_id(1).insert(tx)?;
                }
            }
            for (pattern, test) in [("\0x", 0), ("a\0", 1), ("\0", 2), ("", 0)] {
                let q = match test {
                    0 => select!(p.name for p in Product if p.name.ends_with(pattern) && p.price == 1),
                    1 => select!(p.name for p in Product if p.name.starts_with(pattern) && p.price == 1),
                    _ => select!(p.name for p in Product if p.name.contains(pattern) && p.price == 1),
                };
                let got = q.fetch(tx);
                if backend.is_postgres() {
                    if pattern.contains('\0') {
                        assert!(got.is_err(), "{pattern:?}: {got:?}");
                    }
                    continue;
                }
                let want: Vec<String> = names
                    .iter()
                    .filter(|n| match test {
                        0 => n.ends_with(pattern),
                        1 => n.starts_with(pattern),
                        _ => n.contains(pattern),
                    })
                    .map(|n| n.to_string())
                    .collect();
                assert_eq!(sorted(got?), want, "{pattern:?}");
            }
            Ok(())
        })
        .or_else(|e| match e {
            // PostgreSQL: the refused statement ends the transaction (TransactionAborted).
            colt::Error::TransactionAborted { .. } if backend.is_postgres() => Ok(()),
            other => Err(other),
        })
    });
}

/// `Some(f64::NAN)` came back as `None` from SQLite (which stores NaN as NULL): refused on
/// SQLite with a typed error before anything is written; PostgreSQL keeps NaN.
#[test]
fn nan_in_an_optional_column_is_refused_where_it_would_change() {
    all_backends(|backend| {
        let db = backend.shop();
        let r = db.transaction(|tx| {
            Sample::build()
                .key("nan")
                .flag(true)
                .small(1i16)
                .int(1i32)
                .big(1)
                .single(0.5)
                .double(0.5)
                .text("t")
                .bytes(vec![])
                .o_double(Some(f64::NAN))
                .insert(tx)?;
            Ok(())
        });
        if backend.is_postgres() {
            r?;
            let back = db.transaction(|tx| select!(s.o_double for s in Sample).one(tx))?;
            assert!(back.is_some_and(f64::is_nan), "{back:?}");
        } else {
            assert!(
                matches!(r, Err(colt::Error::NotStorable { value: "NaN", .. })),
                "{r:?}"
            );
            let n = db.transaction(|tx| select!(s for s in Sample).count(tx))?;
            assert_eq!(n, 0);
        }
        Ok(())
    });
}

/// PostgreSQL's infinite NUMERIC values decoded as 0.0.
#[test]
fn infinite_numeric_values_decode_as_infinities() {
    all_backends(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let db = backend.open();
        db.transaction(|tx| {
            let v: Vec<(f64, f64, f64)> = tx.query_sql(
                "SELECT 'Infinity'::numeric, '-Infinity'::numeric, 'NaN'::numeric",
                &[],
            )?;
            assert_eq!(v[0].0, f64::INFINITY);
            assert_eq!(v[0].1, f64::NEG_INFINITY);
            assert!(v[0].2.is_nan());
            Ok(())
        })
    });
}

/// A NULL attribute satisfies no membership test in a sub-query, negated or not, whether
/// the sub-query has rows or none (docs/semantics.md). Found by a review: `NULL IN (<no
/// rows>)` is false, so the negated test kept the products without a discount when no
/// product was dearer than `max`, and dropped them otherwise.
#[test]
fn negated_membership_in_an_empty_sub_query_keeps_no_nulls() {
    all_backends(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let mut answers = Vec::new();
            for max in [1500i64, 5000] {
                let names = sorted(
                    select!(p.name for p in Product
                        if !(q.price for q in Product if q.price > max).contains(&p.discount))
                    .fetch(tx)?,
                );
                answers.push(names);
            }
            assert_eq!(answers[0], ["Assam", "Emma", "Ulysses"]);
            assert_eq!(answers[1], answers[0]);
            let kept = select!(p.name for p in Product
                if (q.price for q in Product if q.price > 5000).contains(&p.discount))
            .count(tx)?;
            assert_eq!(kept, 0);
            Ok(())
        })
    });
}

/// `starts_with` and slices of an empty text agree with Rust on SQLite, where `substr` of
/// an empty BLOB is NULL (found by a review: `!name.starts_with("D")` and
/// `&name[..1] != "D"` dropped the product named "", and `&name[1..]` of it was a `Decode`
/// error).
#[test]
fn text_tests_of_an_empty_text_agree_with_rust() {
    all_backends(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            Product::build()
                .name("")
                .price(1)
                .category_id(1)
                .insert(tx)?;
            let a = select!(p.name for p in Product if !p.name.starts_with("D") && p.price == 1)
                .fetch(tx)?;
            assert_eq!(a, [""]);
            let b = select!(p.name for p in Product if p.name.starts_with("") && p.price == 1)
                .fetch(tx)?;
            assert_eq!(b, [""]);
            let c =
                select!(p.name for p in Product if &p.name[..0] == "" && p.price == 1).fetch(tx)?;
            assert_eq!(c, [""]);
            let d = select!(&p.name[0..] for p in Product if p.price == 1).fetch(tx)?;
            assert_eq!(d, [""]);
            let e = select!(p.name for p in Product if &p.name[..1] != "D" && p.price == 1)
                .count(tx)?;
            // Rust would panic on `""[..1]`; SQL gives the empty text, which is not "D".
            assert_eq!(e, 1);
            Ok(())
        })
    });
}

/// `first` keeps the query's own limit: `limit(0)` has no first row, as `fetch` has none
/// (found by a review: `first` asked for one row whatever the limit).
#[test]
fn first_keeps_a_limit_of_zero() {
    all_backends(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let q = select!((p for p in Product).order_by(|p| p.name)).limit(0);
            assert!(q.fetch(tx)?.is_empty());
            assert!(q.first(tx)?.is_none());
            let one = select!((p.name for p in Product).order_by(|p| p.name)).limit(3);
            assert_eq!(one.first(tx)?.as_deref(), Some("Assam"));
            Ok(())
        })
    });
}

/// A float `unwrap_or` or `if` over integer attributes is a float: SQLite kept the
/// integers' storage class through `COALESCE` and `CASE` and divided them as integers
/// (found by a review: 7 / 2 was 3 there, 3.5 in Rust and on PostgreSQL).
#[test]
fn float_branches_over_integers_divide_as_floats() {
    all_backends(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            Sample::build()
                .key("k")
                .flag(true)
                .small(1i16)
                .int(2i32)
                .big(7)
                .single(0.1f32)
                .double(5.5)
                .text("t")
                .bytes(vec![])
                .o_big(Some(7))
                .o_int(Some(2))
                .insert(tx)?;
            let a = select!(s.key for s in Sample
                if s.o_big.unwrap_or(0.5) / s.o_int.unwrap_or(0.5) > 3.25)
            .count(tx)?;
            assert_eq!(a, 1);
            let b = select!(s.key for s in Sample
                if (if s.flag { s.big } else { 0.5 }) / (if s.flag { s.int } else { 0.5 }) > 3.25)
            .count(tx)?;
            assert_eq!(b, 1);
            Ok(())
        })
    });
}

/// A query that calls `random()` runs again each time (its answer is new at each run, as
/// documented), and is not served from the transaction's result cache. (Found by a review:
/// the second run returned the first run's order, so `first()` repeated the same row.)
#[test]
fn a_random_order_is_not_served_from_the_cache() {
    all_backends(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let q = select!((p.name for p in Product).order_by(|_p| random()));
            let before = tx.statements_executed();
            for _ in 0..3 {
                assert_eq!(q.fetch(tx)?.len(), 6);
            }
            assert_eq!(tx.statements_executed() - before, 3);
            // A query without it is still served from the cache.
            let plain = select!((p.name for p in Product).order_by(|p| p.name));
            plain.fetch(tx)?;
            let before = tx.statements_executed();
            plain.fetch(tx)?;
            assert_eq!(tx.statements_executed(), before);
            Ok(())
        })
    });
}

/// `first()` of distinct values without `order_by` takes the first in Colt's order, NULLs
/// first, on both backends (PostgreSQL put NULLs last: `Some(0)` instead of `None`).
#[test]
fn first_of_distinct_values_puts_nulls_first() {
    all_backends(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let first = select!(p.discount for p in Product).first(tx)?;
            assert_eq!(first, Some(None));
            let pair = select!((p.discount, p.in_stock) for p in Product).first(tx)?;
            assert_eq!(pair, Some((None, false)));
            Ok(())
        })
    });
}

/// An unchanged NaN is no change: a change to another column wrote the NaN back too (`NaN ==
/// NaN` is false), over another transaction's committed value (floats were not checked then;
/// now the NaN read passes its check, and another transaction's change of it is a conflict).
#[test]
fn an_unchanged_nan_is_not_written_back() {
    all_backends(|backend| {
        if !backend.is_postgres() {
            return Ok(()); // SQLite stores no NaN.
        }
        let db = backend.shop();
        db.transaction(|tx| {
            Sample::build()
                .key("nan")
                .flag(true)
                .small(1i16)
                .int(1i32)
                .big(1)
                .single(0.5)
                .double(f64::NAN)
                .text("t")
                .bytes(vec![])
                .insert(tx)?;
            Ok(())
        })?;
        let tx = db.begin()?;
        let sample = select!(s for s in Sample if s.key == "nan").one(&tx)?;
        sample.set(|s| s.text = "changed".into())?;
        tx.commit()?;
        let (text, double) = db.transaction(|tx| {
            select!((s.text, s.double) for s in Sample if s.key == "nan").one(tx)
        })?;
        assert_eq!(text, "changed");
        assert!(double.is_nan(), "{double}");
        let tx = db.begin()?;
        let sample = select!(s for s in Sample if s.key == "nan").one(&tx)?;
        sample.set(|s| s.text = "again".into())?;
        db.transaction(|other| {
            select!(s for s in Sample if s.key == "nan")
                .one(other)?
                .set(|s| s.double = 2.0)
        })?;
        let r = tx.commit();
        assert!(
            matches!(r, Err(colt::Error::UnrepeatableRead { .. })),
            "{r:?}"
        );
        let (text, double) = db.transaction(|tx| {
            select!((s.text, s.double) for s in Sample if s.key == "nan").one(tx)
        })?;
        assert_eq!((text.as_str(), double), ("changed", 2.0));
        Ok(())
    });
}

/// Distinct values ordered by an attribute they leave out: a group holding a NULL comes
/// first where NULLs do (`MIN` passed over the NULL: Pens came between Books and Tea).
#[test]
fn distinct_values_ordered_by_a_left_out_attribute_keep_nulls_first() {
    all_backends(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let pens = common::Category::build().name("Pens").insert(tx)?;
            Product::build()
                .name("Biro")
                .price(100)
                .category_id(pens.key())
                .discount(Some(1))
                .in_stock(true)
                .insert(tx)?;
            let names = select!((c.name for c in common::Category for p in Product
                if p.category_id == c.id).order_by(|c, p| (p.discount, c.name)));
            assert_eq!(names.fetch(tx)?, ["Books", "Tea", "Pens"]);
            Ok(())
        })
    });
}
