//! A small shop, as a user's crate would declare it: its entities are used by the cases in
//! `tests/compile-fail`, which pin the compile errors of queries that must never compile.
//!
//! `cargo test -p colt-example-pinned-errors` checks them; `TRYBUILD=overwrite` re-pins them.
//! docs/compile-errors.md ("Testing your own queries with trybuild") walks through it.
//!
//! `tests/queries_from_another_crate.rs` runs queries of these entities from a crate of its
//! own, as a program whose entities are a crate apart does (see "Build times" in Colt's
//! crate docs).

use colt::prelude::*;

/// A shelf of the shop.
#[derive(Entity, Debug, Clone)]
pub struct Category {
    /// The key.
    #[colt(primary_key, auto)]
    pub id: i64,
    /// Its name.
    pub name: String,
    /// What is on it.
    pub products: Set<Product>,
}

/// Something for sale.
#[derive(Entity, Debug, Clone)]
pub struct Product {
    /// The key.
    #[colt(primary_key, auto)]
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its price, in cents.
    pub price: i64,
    /// Whether it can be sold today.
    pub in_stock: bool,
    /// An optional description.
    pub description: Option<String>,
    /// Its shelf.
    pub category: Ref<Category>,
}

#[hybrid]
impl Product {
    /// In stock and under ten euros: in Rust on an object, and in SQL inside `select!`.
    pub fn is_a_bargain(&self) -> bool {
        self.in_stock && self.price < 1000
    }
}

/// The schema of the shop.
pub fn schema() -> colt::Schema {
    colt::schema![Category, Product]
}
