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
    pub tags: Set<Tag>,
}

/// Many-to-many with `Product`: a join table `product_tag`.
#[derive(Entity, Debug, Clone)]
pub struct Tag {
    #[colt(primary_key)]
    pub name: String,
    pub products: Set<Product>,
}

/// Deleting a customer deletes its orders.
#[derive(Entity, Debug, Clone)]
pub struct Customer {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    #[colt(cascade_delete)]
    pub orders: Set<Order>,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "order")]
pub struct Order {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub customer: Ref<Customer>,
    pub total: i64,
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
    db.bind(schema![
        Category, Supplier, Product, Employee, Tag, Customer, Order
    ])?;
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
        let green = Tag::build().name("green").insert(tx)?;
        let classic = Tag::build().name("classic").insert(tx)?;
        for (product, tag) in [
            ("Sencha", &green),
            ("Assam", &classic),
            ("Dune", &classic),
            ("Emma", &classic),
        ] {
            let p = select!(p for p in Product if p.name == product).one(tx)?;
            p.tags().add(tx, tag)?;
        }
        let ann = Customer::build().name("Ann").insert(tx)?;
        Order::build().customer(&ann).total(10).insert(tx)?;
        Order::build().customer(&ann).total(20).insert(tx)?;
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
fn foreign_keys_are_indexed() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            let names: Vec<String> = if backend.is_postgres() {
                tx.query_sql(
                    "SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE 'idx_%' ORDER BY 1",
                    &[],
                )?
            } else {
                tx.query_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_%' ORDER BY 1",
                    &[],
                )?
            };
            for want in ["idx_employee__manager", "idx_order__customer", "idx_product__category", "idx_product__supplier", "idx_product_tag__tag"] {
                assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
            }
            Ok(())
        })
    })
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
            // No column of the referring table is named: PostgreSQL's message names the
            // deleted row's key (`id`), which the error gave as a column of `product`.
            Err(Error::Constraint {
                kind: ConstraintKind::ForeignKey,
                column: None,
                ..
            }) => {}
            other => panic!("expected a foreign key violation, got {other:?}"),
        }
        let n = db.transaction(|tx| select!(c for c in Category).count(tx))?;
        assert_eq!(n, 3, "nothing was deleted");
        Ok(())
    })
}

#[test]
fn collections_load_count_add_and_remove() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            let tea = select!(c for c in Category if c.name == "Tea").one(tx)?;
            let books = select!(c for c in Category if c.name == "Books").one(tx)?;
            let names = |v: Vec<Obj<Product>>| v.into_iter().map(|p| p.name()).collect::<Vec<_>>();
            assert_eq!(names(tea.products().fetch(tx)?), ["Sencha", "Assam"]);
            assert_eq!(books.products().count(tx)?, 2);
            // Moving a product: adding it to another category points its reference there.
            let sencha = select!(p for p in Product if p.name == "Sencha").one(tx)?;
            books.products().add(tx, &sencha)?;
            assert!(Obj::ptr_eq(&sencha.category().get(tx)?, &books));
            assert_eq!(books.products().count(tx)?, 3);
            assert_eq!(tea.products().count(tx)?, 1);
            // A required reference cannot be unset.
            assert!(matches!(
                books.products().remove(tx, &sencha),
                Err(Error::RequiredReference {
                    entity: "Product",
                    field: "category",
                    owner: "Category"
                })
            ));
            // An optional one can.
            let acme = select!(s for s in Supplier if s.name == "Acme").one(tx)?;
            let dune = select!(p for p in Product if p.name == "Dune").one(tx)?;
            assert!(acme.products().contains(tx, &dune)?);
            acme.products().remove(tx, &dune)?;
            assert!(dune.supplier().is_none());
            acme.products().clear(tx)?;
            assert!(acme.products().is_empty(tx)?);
            Ok(())
        })?;
        // Committed: the changes are in the database.
        db.transaction(|tx| {
            assert_eq!(
                select!(p for p in Product if p.supplier.name == "Acme").count(tx)?,
                0
            );
            Ok(())
        })
    })
}

#[test]
fn many_to_many_through_a_join_table() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            let n: Vec<i64> = tx.query_sql("SELECT COUNT(*) FROM product_tag", &[])?;
            assert_eq!(n, [4]);
            let classic = tx.get_or_err::<Tag>("classic".to_string())?;
            let names: Vec<String> = classic.products().fetch(tx)?.into_iter().map(|p| p.name()).collect();
            assert_eq!(names, ["Dune", "Emma", "Assam"]);
            // Both directions, and in queries.
            let q = select!(t.name for p in Product if p.name == "Sencha" for t in p.tags);
            assert_eq!(q.fetch(tx)?, ["green"]);
            let q = select!(p.name for t in Tag if t.name == "classic" for p in t.products if p.price < 1000);
            assert_eq!(sorted(q.fetch(tx)?), ["Assam", "Emma"]);
            // Adding twice links once; removing unlinks.
            let dune = select!(p for p in Product if p.name == "Dune").one(tx)?;
            dune.tags().add(tx, &classic)?;
            assert_eq!(classic.products().count(tx)?, 3);
            classic.products().remove(tx, &dune)?;
            assert_eq!(dune.tags().count(tx)?, 0);
            // Deleting an object removes its links.
            let green = tx.get_or_err::<Tag>("green".to_string())?;
            green.delete(tx)?;
            let n: Vec<i64> = tx.query_sql("SELECT COUNT(*) FROM product_tag", &[])?;
            assert_eq!(n, [2]);
            Ok(())
        })
    })
}

#[test]
fn deleting_cascades_or_unsets_as_declared() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            let ann = select!(c for c in Customer if c.name == "Ann").one(tx)?;
            let orders = ann.orders().fetch(tx)?;
            assert_eq!(orders.len(), 2);
            ann.delete(tx)?;
            assert_eq!(select!(o for o in Order).count(tx)?, 0, "cascade_delete");
            assert!(orders.iter().all(|o| o.is_deleted()));
            // Deleting a supplier sets the optional references to it to NULL.
            let acme = select!(s for s in Supplier if s.name == "Acme").one(tx)?;
            let dune = select!(p for p in Product if p.name == "Dune").one(tx)?;
            acme.delete(tx)?;
            assert_eq!(
                select!(p for p in Product if p.supplier.is_none()).count(tx)?,
                3
            );
            assert!(dune.supplier().is_none(), "the loaded object follows");
            // Self-reference: the boss leaves, the reports stay without a manager.
            let boss = select!(e for e in Employee if e.name == "Boss").one(tx)?;
            boss.delete(tx)?;
            assert_eq!(
                select!(e for e in Employee if e.manager.is_none()).count(tx)?,
                1
            );
            Ok(())
        })
    })
}

#[test]
fn aggregates_over_collections_keep_empty_groups() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            let q = select!(((c.name, count(c.products), sum(c.products.price)) for c in Category).order_by(|c| c.name));
            assert_eq!(
                q.fetch(tx)?,
                [
                    ("Books".to_string(), 2, Some(2000)),
                    ("Empty".to_string(), 0, None),
                    ("Tea".to_string(), 2, Some(900)),
                ]
            );
            let q = select!(c.name for c in Category if count(c.products) > 1 && max(c.products.price) < 1000);
            assert_eq!(q.fetch(tx)?, ["Tea"]);
            // Through a many-to-many collection, and through two collections.
            let q = select!((t.name, count(t.products)) for t in Tag);
            assert_eq!(sorted(q.fetch(tx)?), [("classic".to_string(), 3), ("green".to_string(), 1)]);
            let q = select!((s.name, avg(s.products.price)) for s in Supplier);
            let rows = sorted(q.fetch(tx)?.into_iter().map(|(n, a)| (n, a.map(|a| a as i64))).collect());
            assert_eq!(rows, [("Acme".to_string(), Some(825)), ("Leaf".to_string(), Some(450))]);
            Ok(())
        })
    })
}

#[test]
fn exists_is_empty_and_membership() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            let q = select!(c.name for c in Category if c.products.is_empty());
            assert_eq!(q.fetch(tx)?, ["Empty"]);
            let q = select!(c.name for c in Category if !c.products.is_empty());
            assert_eq!(sorted(q.fetch(tx)?), ["Books", "Tea"]);
            let q = select!(c.name for c in Category if exists(c.products));
            assert_eq!(sorted(q.fetch(tx)?), ["Books", "Tea"]);
            let q = select!(c.name for c in Category if exists(p for p in c.products if p.price > 1000));
            assert_eq!(q.fetch(tx)?, ["Books"]);
            // A collection contains an object; a sub-comprehension contains a value.
            let dune = select!(p for p in Product if p.name == "Dune").one(tx)?;
            let q = select!(c.name for c in Category if c.products.contains(&dune));
            assert_eq!(q.fetch(tx)?, ["Books"]);
            let q = select!(p.name for p in Product for c in Category if c.name == "Tea" && c.products.contains(&p));
            assert_eq!(sorted(q.fetch(tx)?), ["Assam", "Sencha"]);
            let q = select!(p.name for p in Product if (c for c in Category if c.name.starts_with("B")).contains(&p.category));
            assert_eq!(sorted(q.fetch(tx)?), ["Dune", "Emma"]);
            Ok(())
        })
    })
}

#[test]
fn sub_comprehensions_in_aggregates() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            let q = select!(((c.name, sum(p.price for p in c.products if p.price > 500)) for c in Category).order_by(|c| c.name));
            assert_eq!(
                q.fetch(tx)?,
                [("Books".to_string(), Some(2000)), ("Empty".to_string(), None), ("Tea".to_string(), None)]
            );
            let q = select!((c.name, count(p for p in c.products if p.supplier.country == "NZ")) for c in Category);
            assert_eq!(
                sorted(q.fetch(tx)?),
                [("Books".to_string(), 1), ("Empty".to_string(), 0), ("Tea".to_string(), 1)]
            );
            // A sub-comprehension over a whole entity, with no collection.
            let q = select!(p.name for p in Product if p.price == max(x.price for x in Product));
            assert_eq!(q.fetch(tx)?, ["Dune"]);
            Ok(())
        })
    })
}

#[test]
fn nulls_never_poison_a_membership_test() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            // Emma has no supplier: her NULL must not make `NOT IN` unknown for everyone.
            let nz = "NZ";
            let q = select!(s.name for s in Supplier if !(p.supplier.country for p in Product if p.price < 1000).contains(&s.country) || s.country == nz);
            assert_eq!(sorted(q.fetch(tx)?), ["Acme"]);
            Ok(())
        })
    })
}

#[test]
fn paths_through_collections() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            // Values reached through a collection: membership, NULLs left out.
            let q = select!(c.name for c in Category if c.products.price.contains(&450));
            assert_eq!(q.fetch(tx)?, ["Tea"]);
            let q =
                select!(c.name for c in Category if !c.products.supplier.country.contains(&"UK"));
            assert_eq!(sorted(q.fetch(tx)?), ["Books", "Empty"]);
            // Two collections deep, in one sub-query; `count` counts distinct objects (Acme's
            // two products share one tag).
            let q = select!((s.name, count(s.products.tags)) for s in Supplier);
            assert_eq!(
                sorted(q.fetch(tx)?),
                [("Acme".to_string(), 1), ("Leaf".to_string(), 1)]
            );
            let q = select!(t.name for t in Tag if t.products.category.name.contains(&"Tea"));
            assert_eq!(sorted(q.fetch(tx)?), ["classic", "green"]);
            Ok(())
        })
    })
}

#[test]
fn following_a_reference_from_many_objects_is_not_n_plus_1() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            let cats: Vec<Obj<Category>> = (0..10)
                .map(|i| Category::build().name(format!("c{i}")).insert(tx))
                .collect::<colt::Result<_>>()?;
            for i in 0..100 {
                Product::build()
                    .name(format!("p{i}"))
                    .price(i)
                    .category(&cats[i as usize % 10])
                    .insert(tx)?;
            }
            Ok(())
        })?;
        db.transaction(|tx| {
            let before = tx.statements_executed();
            let products = select!(p for p in Product if p.name.starts_with("p")).fetch(tx)?;
            assert_eq!(products.len(), 100);
            let mut names = std::collections::BTreeSet::new();
            for p in &products {
                names.insert(p.category().get(tx)?.name());
            }
            assert_eq!(names.len(), 10);
            let used = tx.statements_executed() - before;
            assert!(
                used <= 2,
                "loading the categories of 100 products took {used} statements"
            );
            Ok(())
        })
    })
}

#[test]
fn collections_inside_sub_comprehensions_are_their_own_sub_queries() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            let q = select!(c.name for c in Category
                if exists(p for p in c.products if p.price < 1000 && p.tags.name.contains(&"classic")));
            assert_eq!(sorted(q.fetch(tx)?), ["Books", "Tea"]);
            let q = select!((c.name, count(p for p in c.products if count(p.tags) > 0)) for c in Category);
            assert_eq!(
                sorted(q.fetch(tx)?),
                [("Books".to_string(), 2), ("Empty".to_string(), 0), ("Tea".to_string(), 2)]
            );
            Ok(())
        })
    })
}

/// One-to-one: the `Ref` side holds the (unique) column; the `Option<Ref>` side has none.
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

#[test]
fn one_to_one_has_its_column_on_the_required_side() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.open();
        db.bind(schema![Person, Passport])?;
        db.create_tables()?;
        db.check_tables()?;
        db.transaction(|tx| {
            let ann = Person::build().name("Ann").insert(tx)?;
            let bob = Person::build().name("Bob").insert(tx)?;
            Passport::build().number("P-1").person(&ann).insert(tx)?;
            // The reverse side reads the other side's key.
            let ann2 = select!(p for p in Person if p.name == "Ann").one(tx)?;
            assert!(Obj::ptr_eq(&ann, &ann2));
            let q = select!(p.name for p in Person if p.passport.number == "P-1");
            assert_eq!(q.fetch(tx)?, ["Ann"]);
            let q = select!(p.name for p in Person if p.passport.is_none());
            assert_eq!(q.fetch(tx)?, ["Bob"]);
            let q = select!((p.name, p.passport.number) for p in Person);
            assert_eq!(
                sorted(q.fetch(tx)?),
                [
                    ("Ann".to_string(), Some("P-1".to_string())),
                    ("Bob".to_string(), None)
                ]
            );
            let fresh = tx.get_or_err::<Person>(bob.key())?;
            assert!(fresh.passport().is_none());
            Ok(())
        })?;
        // The column is unique: one passport per person.
        let dup = db.transaction(|tx| {
            let ann = select!(p for p in Person if p.name == "Ann").one(tx)?;
            Passport::build().number("P-2").person(&ann).insert(tx)?;
            Ok(())
        });
        assert!(
            matches!(
                dup,
                Err(Error::Constraint {
                    kind: ConstraintKind::Unique,
                    ..
                })
            ),
            "{dup:?}"
        );
        db.transaction(|tx| {
            let ann = select!(p for p in Person if p.name == "Ann").one(tx)?;
            let passport = ann.passport().expect("Ann has one").get(tx)?;
            assert_eq!(passport.number(), "P-1");
            assert!(Obj::ptr_eq(&passport.person().get(tx)?, &ann));
            Ok(())
        })
    })
}

/// Two relationships between the same entities, told apart by `reverse`.
#[derive(Entity, Debug, Clone)]
pub struct Address {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub city: String,
    #[colt(reverse = "billing")]
    pub billed: Set<Shipment>,
    #[colt(reverse = "shipping")]
    pub shipped: Set<Shipment>,
}

#[derive(Entity, Debug, Clone)]
pub struct Shipment {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(reverse = "billed")]
    pub billing: Ref<Address>,
    #[colt(reverse = "shipped")]
    pub shipping: Option<Ref<Address>>,
}

#[test]
fn reverse_tells_two_relationships_apart() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.open();
        db.bind(schema![Address, Shipment])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let home = Address::build().city("Wellington").insert(tx)?;
            let work = Address::build().city("Auckland").insert(tx)?;
            Shipment::build().billing(&home).shipping(&work).insert(tx)?;
            Shipment::build().billing(&home).insert(tx)?;
            let q = select!(((a.city, count(a.billed), count(a.shipped)) for a in Address).order_by(|a| a.city));
            assert_eq!(
                q.fetch(tx)?,
                [("Auckland".to_string(), 0, 1), ("Wellington".to_string(), 2, 0)]
            );
            assert_eq!(home.billed().count(tx)?, 2);
            assert_eq!(work.shipped().count(tx)?, 1);
            Ok(())
        })
    })
}

#[test]
fn a_relationship_without_its_other_side_is_refused_at_bind() {
    #[derive(Entity, Debug, Clone)]
    pub struct Shelf {
        #[colt(primary_key)]
        pub id: i64,
        pub books: Set<Book>,
    }
    #[derive(Entity, Debug, Clone)]
    pub struct Book {
        #[colt(primary_key)]
        pub id: i64,
        pub title: String,
    }
    let db = Database::open("sqlite::memory:").expect("open");
    match db.bind(schema![Shelf, Book]) {
        Err(Error::SchemaMismatch(m)) => {
            assert!(m.contains("`Shelf.books`") && m.contains("`Book`"), "{m}")
        }
        other => panic!("expected a schema mismatch, got {other:?}"),
    }
    // Ambiguous without `reverse`: both sides named.
    #[derive(Entity, Debug, Clone)]
    pub struct Town {
        #[colt(primary_key)]
        pub id: i64,
        pub births: Set<Citizen>,
    }
    #[derive(Entity, Debug, Clone)]
    pub struct Citizen {
        #[colt(primary_key)]
        pub id: i64,
        pub born: Ref<Town>,
        pub lives: Ref<Town>,
    }
    match db.bind(schema![Town, Citizen]) {
        Err(Error::SchemaMismatch(m)) => {
            assert!(
                m.contains("`born`") && m.contains("`lives`") && m.contains("reverse"),
                "{m}"
            )
        }
        other => panic!("expected a schema mismatch, got {other:?}"),
    }
}

#[test]
fn a_reference_read_only_for_its_key_is_not_joined() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            // `p.category.id` is the column `p.category`: no join.
            let by_category = select!((p.category.id, count(p)) for p in Product);
            assert!(!by_category.sql(Dialect::Sqlite).contains("JOIN"));
            let counts = sorted(by_category.fetch(tx)?.into_iter().map(|(_, n)| n).collect());
            assert_eq!(counts, vec![2, 2]);
            // An optional reference's key reads NULL where there is none, as the LEFT JOIN did.
            let q = select!((p.name, p.supplier.id) for p in Product if p.supplier.id == None);
            assert!(!q.sql(Dialect::Sqlite).contains("JOIN"));
            assert_eq!(q.fetch(tx)?, vec![("Emma".to_string(), None)]);
            // A join read for more than its key stays (once), and the key is read through it.
            let q = select!((p.name, p.category.id) for p in Product if p.category.name == "Tea");
            let sql = q.sql(Dialect::Sqlite);
            assert_eq!(sql.matches("JOIN").count(), 1, "{sql}");
            assert_eq!(sorted(q.fetch(tx)?).len(), 2);
            // A refinement that reads more of the table joins it again.
            let base = select!(p for p in Product if p.category.id > 0);
            assert!(!base.sql(Dialect::Sqlite).contains("JOIN"));
            let refined = select!(base.filter(|p| p.category.name == "Books"));
            assert!(refined.sql(Dialect::Sqlite).contains("JOIN"));
            let mut names: Vec<String> = refined.fetch(tx)?.iter().map(|p| p.name()).collect();
            names.sort();
            assert_eq!(names, vec!["Dune".to_string(), "Emma".to_string()]);
            Ok(())
        })
    })
}

/// Adding to the collection of an owner whose delete is pending, or adding a deleted
/// member, is `ObjectDeleted`, and nothing changes. (Found by a review: the add was `Ok`,
/// then the owner's cascade deleted the member at the flush.)
#[test]
fn adding_to_a_deleted_owner_is_an_error() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            let ann = select!(c for c in Customer if c.name == "Ann").one(tx)?;
            let bob = Customer::build().name("Bob").insert(tx)?;
            let order = Order::build().customer(&bob).total(7).insert(tx)?;
            ann.delete(tx)?;
            let r = ann.orders().add(tx, &order);
            assert!(matches!(r, Err(Error::ObjectDeleted { .. })), "{r:?}");
            tx.flush()?;
            assert!(!order.is_deleted(), "the order was not moved to Ann");
            assert_eq!(order.customer().key(), &bob.key());
            let gone = Order::build().customer(&bob).total(8).insert(tx)?;
            gone.delete(tx)?;
            let r = bob.orders().add(tx, &gone);
            assert!(matches!(r, Err(Error::ObjectDeleted { .. })), "{r:?}");
            Ok(())
        })
    })
}

/// A self-reference written with `Self`, as the derive's own message suggests: it did not
/// compile (the expansion copied `Ref<Self>` into the column handles and the builder, where
/// `Self` is another type).
#[derive(Entity, Debug, Clone)]
pub struct Folder {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    #[colt(reverse = "children")]
    pub parent: Option<Ref<Self>>,
    #[colt(reverse = "parent")]
    pub children: Set<Self>,
}

#[test]
fn a_self_reference_may_say_self() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.open();
        db.bind(schema![Folder])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let root = Folder::build()
                .name("root")
                .parent(None::<Ref<Folder>>)
                .insert(tx)?;
            Folder::build().name("docs").parent(&root).insert(tx)?;
            let n = select!(count(f.children) for f in Folder if f.name == "root").one(tx)?;
            assert_eq!(n, 1);
            let parent = select!(f.parent.name for f in Folder if f.name == "docs").one(tx)?;
            assert_eq!(parent.as_deref(), Some("root"));
            Ok(())
        })
    })
}

/// A self-reference whose deletes cascade.
#[derive(Entity, Debug, Clone)]
pub struct Node {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(reverse = "children")]
    pub parent: Option<Ref<Self>>,
    #[colt(reverse = "parent", cascade_delete)]
    pub children: Set<Self>,
}

/// A row that refers to itself (a root that is its own parent) could not be deleted: with
/// `SET NULL`, its own reference was set to NULL under its delete (`ObjectBorrowed`, or the
/// delete's optimistic check failed); with `cascade_delete`, the cascade reached the row
/// itself again and again (`CascadeTooDeep`). PonyORM deletes it. (Found by a review.)
#[test]
fn a_row_that_refers_to_itself_can_be_deleted() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.open();
        db.bind(schema![Folder, Node])?;
        db.create_tables()?;
        let (folder, node) = db.transaction(|tx| {
            let root = Folder::build()
                .name("root")
                .parent(None::<Ref<Folder>>)
                .insert(tx)?;
            root.set(|f| f.parent = Some(Ref::from(&root)))?;
            Folder::build().name("child").parent(&root).insert(tx)?;
            let top = Node::build().parent(None::<Ref<Node>>).insert(tx)?;
            top.set(|n| n.parent = Some(Ref::from(&top)))?;
            Node::build().parent(&top).insert(tx)?;
            Ok((root.key(), top.key()))
        })?;
        db.transaction(|tx| {
            let root = tx.get_or_err::<Folder>(folder)?;
            assert_eq!(root.parent().map(|p| *p.key()), Some(folder));
            root.delete(tx)?;
            tx.get_or_err::<Node>(node)?.delete(tx)?;
            Ok(())
        })?;
        let left = db.transaction(|tx| {
            Ok((
                select!((f.name, f.parent) for f in Folder).fetch(tx)?,
                select!(count(n) for n in Node).one(tx)?,
            ))
        })?;
        assert_eq!(left.0.len(), 1, "{}", backend.name);
        assert_eq!(left.0[0].0, "child");
        assert!(left.0[0].1.is_none());
        assert_eq!(left.1, 0);
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
pub struct Shopper {
    #[colt(primary_key)]
    pub id: i64,
    #[colt(reverse = "shopper", cascade_delete)]
    pub addresses: Set<Addr>,
    #[colt(reverse = "default_of")]
    pub default_address: Option<Ref<Addr>>,
}

#[derive(Entity, Debug, Clone)]
pub struct Addr {
    #[colt(primary_key)]
    pub id: i64,
    #[colt(reverse = "addresses")]
    pub shopper: Ref<Shopper>,
    #[colt(reverse = "default_address")]
    pub default_of: Set<Shopper>,
}

/// An object whose own reference a cascade of its delete sets to NULL (its default address,
/// one of the addresses it deletes): the cascade found the object borrowed by its own delete
/// (`ObjectBorrowed`, or, once skipped, a delete whose check compared the old reference
/// with the NULL). Its delete now takes the NULL too. (Found by a review.)
#[test]
fn a_delete_whose_cascade_nulls_its_own_reference() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.open();
        db.bind(schema![Shopper, Addr])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let s = Shopper::build()
                .id(1)
                .default_address(None::<Ref<Addr>>)
                .insert(tx)?;
            let a = Addr::build().id(7).shopper(&s).insert(tx)?;
            s.set(|s| s.default_address = Some(Ref::from(&a)))?;
            Ok(())
        })?;
        db.transaction(|tx| {
            let s = tx.get_or_err::<Shopper>(1)?;
            assert_eq!(s.default_address().map(|a| *a.key()), Some(7));
            s.delete(tx)?;
            Ok(())
        })?;
        let left = db.transaction(|tx| {
            Ok((
                select!(count(s) for s in Shopper).one(tx)?,
                select!(count(a) for a in Addr).one(tx)?,
            ))
        })?;
        assert_eq!(left, (0, 0), "{}", backend.name);
        Ok(())
    })
}
