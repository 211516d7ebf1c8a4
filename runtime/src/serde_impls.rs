//! `serde` support (the `serde` feature): an object serializes as its entity's current
//! values, a reference as the key it holds, so that a handler can answer with an entity as
//! JSON. A `Set<T>` has no serialized form: mark it `#[serde(skip)]` (it deserializes as an
//! empty, unloaded set), or serialize the members you mean explicitly.
//!
//! (The example runs as `tests/serde.rs` of the `colt` crate.)
//!
//! ```ignore
//! use colt::prelude::*;
//!
//! #[derive(Entity, Debug, Clone, serde::Serialize, serde::Deserialize)]
//! struct Category {
//!     #[colt(primary_key, auto)]
//!     id: i64,
//!     name: String,
//!     #[serde(skip)]
//!     products: Set<Product>,
//! }
//!
//! #[derive(Entity, Debug, Clone, serde::Serialize, serde::Deserialize)]
//! struct Product {
//!     #[colt(primary_key, auto)]
//!     id: i64,
//!     name: String,
//!     category: Ref<Category>,
//! }
//!
//! # fn main() -> colt::Result<()> {
//! let db = Database::open("sqlite::memory:")?;
//! db.bind(schema![Category, Product])?;
//! db.create_tables()?;
//! db.transaction(|tx| {
//!     let tea = Category::build().name("Tea").insert(tx)?;
//!     let sencha = Product::build().name("Sencha").category(&tea).insert(tx)?;
//!     let json = serde_json::to_string(&sencha).expect("JSON");
//!     assert_eq!(json, r#"{"id":1,"name":"Sencha","category":1}"#);
//!     let back: Product = serde_json::from_str(&json).expect("a product");
//!     assert_eq!(*back.category.key(), 1);
//!     Ok(())
//! })
//! # }
//! ```

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::entity::Entity;
use crate::obj::Obj;
use crate::relation::Ref;

/// The object's current values (they count as read, as through [`Obj::get`]).
impl<T: Entity + Serialize> Serialize for Obj<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(serializer)
    }
}

/// The key the reference holds.
impl<T: Entity> Serialize for Ref<T>
where
    T::Key: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.key().serialize(serializer)
    }
}

/// A reference to the object with the key given.
impl<'de, T: Entity> Deserialize<'de> for Ref<T>
where
    T::Key: Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::Key::deserialize(deserializer).map(Ref::new)
    }
}
