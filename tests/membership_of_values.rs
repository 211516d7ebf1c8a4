//! Membership in a collection's values or a sub-comprehension's (`s.items.weight.contains(&x)`,
//! `(i.doc for i in s.items).contains(&d)`) compares as `==` does, and JSON documents are
//! counted and compared as serde_json compares them, on both backends. Each test failed
//! before its fix, on the backend named in its comment.
#![cfg(feature = "json")]

mod common;

use colt::prelude::*;
use common::each_backend;
use serde_json::json;

#[derive(Entity, Debug, Clone)]
struct Shelf {
    #[colt(primary_key)]
    id: i64,
    items: Set<Item>,
}

#[derive(Entity, Debug, Clone)]
struct Item {
    #[colt(primary_key)]
    id: i64,
    shelf: Ref<Shelf>,
    weight: f32,
    qty: i64,
    doc: serde_json::Value,
}

fn shelves(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Shelf, Item])?;
    db.create_tables()?;
    db.transaction(|tx| {
        let one = Shelf::build().id(1).insert(tx)?;
        let two = Shelf::build().id(2).insert(tx)?;
        let rows = [
            (10, &one, 0.1_f32, 2, json!({"a": 1.0})),
            (20, &two, 0.5, 3, json!({"a": 1})),
        ];
        for (id, shelf, weight, qty, doc) in rows {
            Item::build()
                .id(id)
                .shelf(shelf)
                .weight(weight)
                .qty(qty)
                .doc(doc)
                .insert(tx)?;
        }
        Ok(())
    })?;
    Ok(db)
}

/// An f64 tested against f32 values is rounded to f32, as `==` rounds it (SQLite compared
/// 0.1 with 0.10000000149011612: no shelf; PostgreSQL refused the parameter); an integer's
/// values tested against a float compare as `i as f64` (PostgreSQL refused the float).
#[test]
fn numbers_in_a_collections_values_compare_as_eq_does() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shelves(backend)?;
        db.transaction(|tx| {
            let w = 0.1_f64;
            let by_path = select!(s.id for s in Shelf if s.items.weight.contains(&w)).fetch(tx)?;
            assert_eq!(by_path, [1], "{}", backend.name);
            let by_sub = select!(s.id for s in Shelf if (i.weight for i in s.items).contains(&w))
                .fetch(tx)?;
            assert_eq!(by_sub, [1], "{}", backend.name);
            let q = 2.0_f64;
            let whole = select!(s.id for s in Shelf if s.items.qty.contains(&q)).fetch(tx)?;
            assert_eq!(whole, [1], "{}", backend.name);
            Ok(())
        })
    })
}

/// JSON documents in a collection's values compare as serde_json does: `{"a": 1}` is not
/// `{"a": 1.0}` (PostgreSQL compared them as `jsonb`, which says they are equal).
#[test]
fn documents_in_a_collections_values_compare_as_serde_does() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shelves(backend)?;
        db.transaction(|tx| {
            let d = json!({"a": 1});
            let found = select!(s.id for s in Shelf if s.items.doc.contains(&d)).fetch(tx)?;
            assert_eq!(found, [2], "{}", backend.name);
            let by_sub =
                select!(s.id for s in Shelf if (i.doc for i in s.items).contains(&d)).fetch(tx)?;
            assert_eq!(by_sub, [2], "{}", backend.name);
            let n = select!(count_distinct(i.doc) for i in Item).one(tx)?;
            assert_eq!(n, 2, "{} count_distinct", backend.name);
            Ok(())
        })
    })
}

/// A document's `-0.0` is written as `0.0`, which serde_json says it equals: SQLite compared
/// the texts `-0.0` and `0.0` as different, PostgreSQL's `jsonb` dropped the sign.
#[test]
fn a_documents_negative_zero_is_zero() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shelves(backend)?;
        db.transaction(|tx| {
            let shelf = tx.get_or_err::<Shelf>(1)?;
            Item::build()
                .id(30)
                .shelf(&shelf)
                .weight(1.0)
                .qty(1)
                .doc(json!({"x": -0.0}))
                .insert(tx)?;
            Ok(())
        })?;
        db.transaction(|tx| {
            let zero = json!({"x": 0.0});
            let found = select!(i.id for i in Item if i.doc == zero).fetch(tx)?;
            assert_eq!(found, [30], "{}", backend.name);
            Ok(())
        })
    })
}
