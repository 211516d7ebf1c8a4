//! Transactions and the identity map (SPEC §3): one object per row, deferred writes flushed
//! before queries and at commit, rollback on error or panic, optimistic checks, raw SQL.

mod common;

use colt::prelude::*;
use common::{each_backend, Category, Enrollment, Product};

fn dune(tx: &Transaction) -> colt::Result<Obj<Product>> {
    select!(p for p in Product if p.name == "Dune").one(tx)
}

#[test]
fn one_object_per_row_whatever_loaded_it() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let a = dune(tx)?;
            let b = tx.get::<Product>(a.key())?.expect("by key");
            let c = select!(p for p in Product if p.price > 1000)
                .fetch(tx)?
                .into_iter()
                .find(|p| p.name() == "Dune")
                .expect("in the list");
            let d = select!(Product.filter(|p| p.id == a.key())).one(tx)?;
            assert!(Obj::ptr_eq(&a, &b) && Obj::ptr_eq(&a, &c) && Obj::ptr_eq(&a, &d));
            // Composite keys too.
            Enrollment::build()
                .student(1)
                .course("math")
                .grade(5)
                .insert(tx)?;
            tx.flush()?;
            let e1 = tx.get_or_err::<Enrollment>((1, "math".to_string()))?;
            let e2 = select!(e for e in Enrollment if e.course == "math").one(tx)?;
            assert!(Obj::ptr_eq(&e1, &e2));
            assert!(tx.get::<Enrollment>((2, "math".to_string()))?.is_none());
            Ok(())
        })
    })
}

#[test]
fn changes_are_flushed_before_queries_and_at_commit() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let d = dune(tx)?;
            d.set(|p| p.price = 99)?;
            // The query sees the change: it was flushed first.
            let cheap = select!(p.name for p in Product if p.price < 100).fetch(tx)?;
            assert_eq!(cheap, ["Dune"]);
            let n = select!(p for p in Product if p.price < 100).count(tx)?;
            assert_eq!(n, 1);
            Ok(())
        })?;
        // And it was committed.
        db.transaction(|tx| {
            assert_eq!(dune(tx)?.price(), 99);
            Ok(())
        })
    })
}

#[test]
fn a_query_never_overwrites_changes_in_memory() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        let tx = db.begin()?;
        let d = dune(&tx)?;
        // Another writer (raw SQL on the same transaction) changes the price of an object
        // only loaded, then of one changed.
        tx.execute_sql("UPDATE product SET price = 1 WHERE name = 'Dune'", &[])?;
        // The re-read refreshes what was never read (price).
        let all = select!(p for p in Product).fetch(&tx)?;
        assert!(all.iter().any(|p| Obj::ptr_eq(p, &d)));
        assert_eq!(d.price(), 1);
        d.set(|p| p.description = Some("mine".into()))?;
        tx.flush()?;
        d.set(|p| p.description = Some("mine again".into()))?;
        // A re-read keeps the change in memory.
        select!(p for p in Product).fetch(&tx)?;
        assert_eq!(d.get().description.as_deref(), Some("mine again"));
        // `set` counts every attribute as read (its closure may read any): a price changed
        // under it is a conflict, never a silent refresh.
        tx.execute_sql("UPDATE product SET price = 2 WHERE name = 'Dune'", &[])?;
        let r = select!(p for p in Product).fetch(&tx);
        assert!(
            matches!(&r, Err(Error::UnrepeatableRead { column, .. }) if column == "price"),
            "{r:?}"
        );
        drop(tx);
        db.transaction(|tx| {
            let d = dune(tx)?;
            assert_eq!(d.description().as_deref(), Some("A desert planet"));
            Ok(())
        })
    })
}

#[test]
fn new_objects_are_inserted_at_once_with_their_auto_key() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let p = Product::build()
                .name("Kindle")
                .price(9900)
                .category_id(1)
                .insert(tx)?;
            assert_eq!(p.key(), 7, "inserted at once: the key is known");
            // Defaults and options the builder was not given.
            assert!(p.in_stock());
            assert_eq!(p.description(), None);
            let found = select!(p for p in Product if p.name == "Kindle").one(tx)?;
            assert!(Obj::ptr_eq(&p, &found));
            assert_eq!(p.key(), 7);
            assert!(Obj::ptr_eq(&tx.get_or_err::<Product>(7)?, &p));
            Ok(())
        })
    })
}

#[test]
fn err_rolls_back_and_so_does_drop() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        let result: colt::Result<()> = db.transaction(|tx| {
            dune(tx)?.set(|p| p.price = 1)?;
            Category::build().name("Games").insert(tx)?;
            tx.flush()?;
            Err(Error::NotFound {
                entity: "reason to go on".into(),
                key: None,
            })
        });
        assert!(matches!(result, Err(Error::NotFound { .. })));
        {
            let tx = db.begin()?;
            dune(&tx)?.set(|p| p.price = 2)?;
            tx.flush()?;
            // dropped without commit
        }
        db.transaction(|tx| {
            assert_eq!(dune(tx)?.price(), 1200);
            assert_eq!(select!(c for c in Category).count(tx)?, 2);
            Ok(())
        })
    })
}

#[test]
fn a_panic_rolls_back_and_the_database_stays_usable() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _: colt::Result<()> = db.transaction(|tx| {
                dune(tx)?.set(|p| p.price = 5)?;
                tx.flush()?;
                panic!("boom");
            });
        }));
        assert!(caught.is_err());
        db.transaction(|tx| {
            assert_eq!(dune(tx)?.price(), 1200);
            Ok(())
        })
    })
}

#[test]
fn a_finished_transaction_is_closed() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        let mut kept = None;
        db.transaction(|tx| {
            kept = Some(dune(tx)?);
            Ok(())
        })?;
        let d = kept.expect("kept");
        // Reading what was loaded still works; writing does not.
        assert_eq!(d.name(), "Dune");
        assert!(matches!(
            d.set(|p| p.price = 1),
            Err(Error::TransactionClosed)
        ));
        let tx = db.begin()?;
        tx.commit()?;
        Ok(())
    })
}

#[test]
fn deleting_objects() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let d = dune(tx)?;
            d.delete(tx)?;
            assert!(d.is_deleted());
            assert!(matches!(
                d.set(|p| p.price = 1),
                Err(Error::ObjectDeleted { entity: "Product" })
            ));
            assert_eq!(select!(p for p in Product).count(tx)?, 5);
            assert!(tx.get::<Product>(1)?.is_none());
            assert!(matches!(
                tx.get_or_err::<Product>(1),
                Err(Error::NotFound { .. })
            ));
            // A new object deleted before its flush is never written.
            let temp = Category::build().name("Temp").insert(tx)?;
            temp.delete(tx)?;
            assert_eq!(
                select!(c for c in Category if c.name == "Temp").count(tx)?,
                0
            );
            Ok(())
        })?;
        db.transaction(|tx| {
            assert_eq!(select!(p for p in Product).count(tx)?, 5);
            Ok(())
        })
    })
}

#[test]
fn unique_violation_is_a_typed_error_and_loses_nothing() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        let result = db.transaction(|tx| {
            dune(tx)?.set(|p| p.price = 7)?;
            Category::build().name("Books").insert(tx)?;
            tx.flush()
        });
        match result {
            Err(Error::Constraint {
                kind: ConstraintKind::Unique,
                table,
                column,
                ..
            }) => {
                assert_eq!(table, "category");
                assert_eq!(column.as_deref(), Some("name"));
            }
            other => panic!("expected a unique violation, got {other:?}"),
        }
        db.transaction(|tx| {
            assert_eq!(
                dune(tx)?.price(),
                1200,
                "the whole transaction was rolled back"
            );
            assert_eq!(select!(c for c in Category).count(tx)?, 2);
            Ok(())
        })
    })
}

#[test]
fn a_failed_flush_closes_the_transaction() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        let tx = db.begin()?;
        let d = dune(&tx)?;
        d.set(|p| p.price = 2)?;
        let dup = Category::build().name("Books").insert(&tx);
        assert!(matches!(dup, Err(Error::Constraint { .. })));
        assert!(matches!(
            d.set(|p| p.price = 1),
            Err(Error::TransactionClosed)
        ));
        assert!(matches!(
            select!(p for p in Product).count(&tx),
            Err(Error::TransactionClosed)
        ));
        Ok(())
    })
}

#[test]
fn values_that_do_not_decode_name_their_column() -> colt::Result<()> {
    each_backend(|backend| {
        if backend.is_postgres() {
            return Ok(()); // PostgreSQL's typed columns cannot hold a value of the wrong type
        }
        let db = backend.shop();
        db.transaction(|tx| {
            tx.execute_sql("UPDATE product SET price = 'lots' WHERE name = 'Emma'", &[])?;
            Ok(())
        })?;
        db.transaction(|tx| {
            match select!(p for p in Product).fetch(tx) {
                Err(Error::Decode {
                    column,
                    expected,
                    found,
                }) => {
                    assert_eq!(column, "product.price");
                    assert_eq!(expected, "i64");
                    assert!(found.contains("lots"), "{found}");
                }
                other => panic!("expected a decode error, got {other:?}"),
            }
            match select!(p.price for p in Product).fetch(tx) {
                Err(Error::Decode { column, .. }) => assert_eq!(column, "product.price"),
                other => panic!("expected a decode error, got {other:?}"),
            }
            // Other rows and columns still read.
            assert_eq!(
                select!(p.name for p in Product if p.name != "Emma").count(tx)?,
                5
            );
            Ok(())
        })
    })
}

#[test]
fn raw_sql_escape_hatch() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let d = dune(tx)?;
            d.set(|p| p.price = 1234)?;
            // Pending changes are flushed before raw SQL.
            let rows: Vec<(String, i64)> = tx.query_sql(
                "SELECT name, price FROM product WHERE price > $1 ORDER BY price",
                &[&1230],
            )?;
            assert_eq!(rows[0], ("Dune".to_string(), 1234));
            let changed = tx.execute_sql(
                "UPDATE product SET discount = $1 WHERE category_id = $2",
                &[&Some(5i64), &2],
            )?;
            assert_eq!(changed, 3);
            let n: Vec<i64> =
                tx.query_sql("SELECT count(*) FROM product WHERE discount = 5", &[])?;
            assert_eq!(n, [3]);
            let err = tx.query_sql::<(i64,)>("SELECT nope FROM product", &[]);
            assert!(matches!(err, Err(Error::Backend(_))));
            Ok(())
        })
    })
}

/// A database that several connections share, with one product, "Dune", priced 10.
fn one_product(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Category, Product])?;
    db.create_tables()?;
    db.transaction(|tx| {
        Product::build()
            .name("Dune")
            .price(10)
            .category_id(1)
            .insert(tx)?;
        Ok(())
    })?;
    Ok(db)
}

#[test]
fn optimistic_check_catches_a_concurrent_change() -> colt::Result<()> {
    each_backend(|backend| {
        let db = one_product(backend)?;
        let t1 = db.begin()?;
        let t2 = db.begin()?;
        let a = dune(&t1)?;
        let b = dune(&t2)?;
        // Both read the price, both change it: the second commit must fail.
        let (pa, pb) = (a.price(), b.price());
        a.set(|p| p.price = pa + 1)?;
        b.set(|p| p.price = pb + 100)?;
        t1.commit()?;
        match t2.commit() {
            Err(Error::UnrepeatableRead { entity, column, .. }) => {
                assert_eq!(entity, "Product");
                assert_eq!(column, "price");
            }
            other => panic!("expected UnrepeatableRead, got {other:?}"),
        }
        db.transaction(|tx| {
            assert_eq!(dune(tx)?.price(), 11, "the winner's value stays");
            Ok(())
        })?;
        // A column changed through `set` counts as read (the closure may have read it:
        // `p.price += 1`), so a concurrent change of it is a conflict too, never a lost
        // update: the first writer wins and the second is told.
        let t1 = db.begin()?;
        let t2 = db.begin()?;
        let a = dune(&t1)?;
        let b = dune(&t2)?;
        a.set(|p| p.description = Some("one".into()))?;
        b.set(|p| p.description = Some("two".into()))?;
        t1.commit()?;
        let r = t2.commit();
        assert!(
            matches!(&r, Err(Error::UnrepeatableRead { column, .. }) if column == "description"),
            "{r:?}"
        );
        db.transaction(|tx| {
            assert_eq!(dune(tx)?.description().as_deref(), Some("one"));
            Ok(())
        })
    })
}

#[test]
fn re_reading_a_row_that_changed_after_it_was_read_fails() -> colt::Result<()> {
    each_backend(|backend| {
        let db = one_product(backend)?;
        let t1 = db.begin()?;
        let a = dune(&t1)?;
        assert_eq!(a.price(), 10);
        db.transaction(|tx| dune(tx)?.set(|p| p.price = 20))?;
        // The same query again comes from the transaction's cache; another one reads the row.
        assert_eq!(dune(&t1)?.price(), 10);
        let again = select!(p for p in Product if p.price > 0).fetch(&t1);
        assert!(matches!(again, Err(Error::UnrepeatableRead { .. })));
        Ok(())
    })
}

#[test]
fn reserved_words_work_as_names() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            common::Group::build().position(2).label("b").insert(tx)?;
            common::Group::build().position(1).label("a").insert(tx)?;
            let q = select!((g.label for g in common::Group).order_by(|g| g.position));
            assert_eq!(q.fetch(tx)?, ["a", "b"]);
            Ok(())
        })
    })
}

#[test]
fn serializable_transactions_write_from_the_start() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        let n = db.transaction_serializable(|tx| {
            let d = dune(tx)?;
            d.set(|p| p.price += 1)?;
            assert_eq!(d, dune(tx)?, "Obj equality is identity");
            select!(p for p in Product if p.price == 1201).count(tx)
        })?;
        assert_eq!(n, 1);
        Ok(())
    })
}
