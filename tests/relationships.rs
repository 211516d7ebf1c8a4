//! Relationships (SPEC §2, §4): references and collections in the schema, navigation joins,
//! entity comparison, generators over collections.

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
pub struct Category {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(unique)]
    pub name: String,
    pub products: Set<Product>,
}

#[derive(Entity, Debug, Clone)]
pub struct Supplier {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub country: String,
    pub products: Set<Product>,
}

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub price: i64,
    pub category: Ref<Category>,
    pub supplier: Option<Ref<Supplier>>,
}

/// A self-reference, both sides in one entity.
#[derive(Entity, Debug, Clone)]
pub struct Employee {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    #[colt(reverse = "reports")]
    pub manager: Option<Ref<Employee>>,
    #[colt(reverse = "manager")]
    pub reports: Set<Employee>,
}

fn shop(backend: &common::Backend) -> colt::Result<Database> {
    let db = backend.open();
    db.bind(schema![Category, Supplier, Product, Employee])?;
    db.create_tables()?;
    db.check_tables()?;
    db.transaction(|tx| {
        let books = Category::build().name("Books").insert(tx)?;
        let tea = Category::build().name("Tea").insert(tx)?;
        Category::build().name("Empty").insert(tx)?;
        let acme = Supplier::build().name("Acme").country("NZ").insert(tx)?;
        let leaf = Supplier::build().name("Leaf").country("UK").insert(tx)?;
        for (name, price, cat, sup) in [
            ("Dune", 1200, &books, Some(&acme)),
            ("Emma", 800, &books, None),
            ("Sencha", 450, &tea, Some(&leaf)),
            ("Assam", 450, &tea, Some(&acme)),
        ] {
            Product::build()
                .name(name)
                .price(price)
                .category(cat)
                .supplier(sup)
                .insert(tx)?;
        }
        let boss = Employee::build().name("Boss").insert(tx)?;
        let mid = Employee::build().name("Mid").manager(&boss).insert(tx)?;
        Employee::build().name("Low").manager(&mid).insert(tx)?;
        Ok(())
    })?;
    Ok(db)
}

fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

#[test]
fn navigation_is_an_implicit_join_made_once() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            let q = select!(p.name for p in Product if p.category.name == "Books" || p.category.name == "Nope");
            let sql = q.sql(Dialect::Sqlite);
            assert_eq!(sql.matches("JOIN").count(), 1, "{sql}");
            assert!(sql.contains("INNER JOIN \"category\" AS \"p_category\""), "{sql}");
            assert_eq!(sorted(q.fetch(tx)?), ["Dune", "Emma"]);
            // Optional references are LEFT joins: products without a supplier stay.
            let q = select!(p.name for p in Product if p.supplier.country == "NZ" || p.supplier.is_none());
            assert!(q.sql(Dialect::Sqlite).contains("LEFT JOIN \"supplier\""));
            assert_eq!(sorted(q.fetch(tx)?), ["Assam", "Dune", "Emma"]);
            // Any depth, self-references included.
            let q = select!(e.name for e in Employee if e.manager.manager.name == "Boss");
            assert_eq!(q.fetch(tx)?, ["Low"]);
            // What an optional reference reaches reads as an Option.
            let q = select!(((e.name, e.manager.name) for e in Employee).order_by(|e| e.name));
            let rows: Vec<(String, Option<String>)> = q.fetch(tx)?;
            assert_eq!(
                rows,
                [
                    ("Boss".to_string(), None),
                    ("Low".to_string(), Some("Mid".to_string())),
                    ("Mid".to_string(), Some("Boss".to_string()))
                ]
            );
            Ok(())
        })
    })
}

#[test]
fn references_project_to_objects_and_compare_as_entities() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            let rows = select!((p.name, p.category) for p in Product if p.price > 1000).fetch(tx)?;
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].1.name(), "Books");
            let books = select!(c for c in Category if c.name == "Books").one(tx)?;
            assert!(Obj::ptr_eq(&rows[0].1, &books), "the identity map holds across joins");
            // Optional references give Option<Obj<T>>.
            let sups = select!(((p.name, p.supplier) for p in Product).order_by(|p| p.name)).fetch(tx)?;
            let names: Vec<(String, Option<String>)> = sups
                .into_iter()
                .map(|(n, s)| (n, s.map(|s| s.name())))
                .collect();
            assert_eq!(names[1], ("Dune".to_string(), Some("Acme".to_string())));
            assert_eq!(names[2], ("Emma".to_string(), None));
            // Comparing with an outer object, and with another query variable.
            let q = select!(p.name for p in Product if p.category == books);
            assert_eq!(sorted(q.fetch(tx)?), ["Dune", "Emma"]);
            let q = select!((p.name, c.name) for p in Product for c in Category if p.category == c && c.name == "Tea");
            assert_eq!(sorted(q.fetch(tx)?), [("Assam".to_string(), "Tea".to_string()), ("Sencha".to_string(), "Tea".to_string())]);
            let q = select!(p for p in Product for q in Product if p.category == q.category && p != q && q.name == "Dune");
            assert_eq!(q.one(tx)?.name(), "Emma");
            // A reference loads its object through the identity map.
            let dune = select!(p for p in Product if p.name == "Dune").one(tx)?;
            assert!(Obj::ptr_eq(&dune.category().get(tx)?, &books));
            assert_eq!(dune.supplier().map(|s| s.key().to_owned()), Some(1));
            Ok(())
        })
    })
}

#[test]
fn generators_over_collections() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            let q = select!(p.name for c in Category if c.name == "Tea" for p in c.products);
            assert_eq!(sorted(q.fetch(tx)?), ["Assam", "Sencha"]);
            let q =
                select!((c.name, p.name) for c in Category for p in c.products if p.price > 1000);
            assert_eq!(q.fetch(tx)?, [("Books".to_string(), "Dune".to_string())]);
            let q = select!(r.name for e in Employee if e.name == "Boss" for r in e.reports);
            assert_eq!(q.fetch(tx)?, ["Mid"]);
            // A category with no products gives no rows; the collection's members repeat
            // the owner, so the owners alone are made distinct.
            let q = select!(c.name for c in Category for p in c.products);
            assert_eq!(sorted(q.fetch(tx)?), ["Books", "Tea"]);
            Ok(())
        })
    })
}

#[test]
fn deleting_a_referenced_row_is_refused() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        let result = db.transaction(|tx| {
            let books = select!(c for c in Category if c.name == "Books").one(tx)?;
            books.delete(tx)?;
            tx.flush()
        });
        match result {
            Err(Error::Constraint {
                kind: ConstraintKind::ForeignKey,
                ..
            }) => {}
            other => panic!("expected a foreign key violation, got {other:?}"),
        }
        let n = db.transaction(|tx| select!(c for c in Category).count(tx))?;
        assert_eq!(n, 3, "nothing was deleted");
        Ok(())
    })
}
