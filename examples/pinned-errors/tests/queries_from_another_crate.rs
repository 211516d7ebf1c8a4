//! The entities of this example's library, used from another crate (an integration test is
//! one): queries that navigate references and collections, aggregate, call a hybrid method
//! and write, as a program whose entities are a crate of their own (for the rebuild after
//! an edit of a query, see "Build times" in Colt's crate docs). Everything `derive(Entity)`
//! and `#[hybrid]` write that `select!` names must be reachable from there.

use colt::prelude::*;
use colt_example_pinned_errors::{schema, Category, Product};

#[test]
fn queries_of_entities_declared_in_another_crate() -> colt::Result<()> {
    let db = Database::open("sqlite::memory:")?;
    db.bind(schema())?;
    db.create_tables()?;
    db.transaction(|tx| {
        let books = Category::build().name("Books").insert(tx)?;
        let tea = Category::build().name("Tea").insert(tx)?;
        for (name, price, in_stock, category) in [
            ("Dune", 900, true, &books),
            ("Emma", 1200, true, &books),
            ("Sencha", 700, false, &tea),
        ] {
            Product::build()
                .name(name)
                .price(price)
                .in_stock(in_stock)
                .category(category)
                .insert(tx)?;
        }

        let max = 1000;
        let cheap_books = select!(p.name for p in Product
            if p.price < max && p.category.name == "Books")
        .fetch(tx)?;
        assert_eq!(cheap_books, ["Dune"]);

        let bargains = select!(Product.filter(|p| p.is_a_bargain()).map(|p| p.name)).fetch(tx)?;
        assert_eq!(bargains, ["Dune"]);

        let shelves =
            select!(((c.name, count(c.products), sum(c.products.price)) for c in Category)
            .order_by(|c| c.name))
            .fetch(tx)?;
        assert_eq!(
            shelves,
            [
                ("Books".to_string(), 2, Some(2100)),
                ("Tea".to_string(), 1, Some(700))
            ]
        );

        let sencha = select!(p for p in Product if p.name == "Sencha").one(tx)?;
        sencha.set(|p| p.in_stock = true)?;
        assert!(sencha.get().is_a_bargain());
        assert_eq!(tea.products().count(tx)?, 1);
        let bargains = select!(count(p) for p in Product if p.is_a_bargain()).one(tx)?;
        assert_eq!(bargains, 2);

        let n = select!(Product
            .filter(|p| p.category == books)
            .set(|p| p.price = p.price + 100))
        .update(tx)?;
        assert_eq!(n, 2);
        let prices = select!((p.price for p in Product if p.category.name == "Books")
            .order_by(|p| p.price))
        .fetch(tx)?;
        assert_eq!(prices, [1000, 1300]);
        Ok(())
    })
}
