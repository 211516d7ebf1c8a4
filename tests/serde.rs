//! The `serde` feature (issue 13): an object serializes as its values, a reference as its
//! key, so that a handler can answer with an entity as JSON.
#![cfg(feature = "serde")]

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Category {
    #[colt(primary_key, auto)]
    id: i64,
    name: String,
    #[serde(skip)]
    #[colt(reverse = "category")]
    products: Set<Product>,
    #[serde(skip)]
    #[colt(reverse = "shelf")]
    shelved: Set<Product>,
}

#[derive(Entity, Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Product {
    #[colt(primary_key, auto)]
    id: i64,
    name: String,
    price: Option<f64>,
    category: Ref<Category>,
    shelf: Option<Ref<Category>>,
}

#[test]
fn objects_serialize_as_their_values_and_references_as_keys() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Category, Product])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let tea = Category::build().name("Tea").insert(tx)?;
            let sencha = Product::build().name("Sencha").category(&tea).insert(tx)?;
            sencha.set(|p| p.price = Some(4.5))?;
            let json = serde_json::to_value(&sencha).expect("JSON");
            assert_eq!(
                json,
                serde_json::json!({
                    "id": sencha.id(), "name": "Sencha", "price": 4.5,
                    "category": tea.id(), "shelf": null
                })
            );
            let all = select!(c for c in Category).fetch(tx)?;
            let json = serde_json::to_string(&all).expect("JSON");
            assert_eq!(json, format!(r#"[{{"id":{},"name":"Tea"}}]"#, tea.id()));
            // And back: a reference from its key.
            let back: Product = serde_json::from_value(serde_json::json!({
                "id": 9, "name": "Gyokuro", "price": null, "category": tea.id(), "shelf": tea.id()
            }))
            .expect("a product");
            assert_eq!(*back.category.key(), tea.id());
            assert_eq!(back.shelf.as_ref().map(|r| *r.key()), Some(tea.id()));
            let inserted = tx.insert(back)?;
            assert_eq!(inserted.category().get(tx)?.name(), "Tea");
            Ok(())
        })
    })
}
