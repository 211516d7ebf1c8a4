//! Entities and data shared by the integration tests.
#![allow(dead_code)]

use colt::prelude::*;

mod backends;
pub mod checks;
#[allow(unused_imports)]
pub use backends::{all_backends, each_backend, Backend};

#[derive(Entity, Debug, Clone, PartialEq)]
pub struct Category {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(unique)]
    pub name: String,
}

#[derive(Entity, Debug, Clone, PartialEq)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub price: i64,
    pub description: Option<String>,
    #[colt(index)]
    pub category_id: i64,
    pub discount: Option<i64>,
    #[colt(default = true)]
    pub in_stock: bool,
}

/// Every column type, for round trips.
#[derive(Entity, Debug, Clone, PartialEq)]
#[colt(table = "type_zoo")]
pub struct Sample {
    #[colt(primary_key)]
    pub key: String,
    pub flag: bool,
    pub small: i16,
    pub int: i32,
    pub big: i64,
    pub single: f32,
    pub double: f64,
    pub text: String,
    pub bytes: Vec<u8>,
    pub o_flag: Option<bool>,
    pub o_small: Option<i16>,
    pub o_int: Option<i32>,
    pub o_big: Option<i64>,
    pub o_single: Option<f32>,
    pub o_double: Option<f64>,
    pub o_text: Option<String>,
    pub o_bytes: Option<Vec<u8>>,
}

/// A composite primary key.
#[derive(Entity, Debug, Clone, PartialEq)]
pub struct Enrollment {
    #[colt(primary_key)]
    pub student: i64,
    #[colt(primary_key)]
    pub course: String,
    pub grade: Option<i32>,
}

/// Reserved words as table and column names.
#[derive(Entity, Debug, Clone, PartialEq)]
#[colt(table = "group")]
pub struct Group {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(column = "order")]
    pub position: i32,
    #[colt(column = "select")]
    pub label: String,
}

/// Gives `db` the shop's schema and data.
pub fn fill_shop(db: Database) -> Database {
    db.bind(schema![Category, Product, Sample, Enrollment, Group])
        .expect("bind");
    db.create_tables().expect("create");
    db.transaction(|tx| {
        let books = Category::build().name("Books").insert(tx)?;
        let tea = Category::build().name("Tea").insert(tx)?;
        tx.flush()?;
        let (b, t) = (books.key(), tea.key());
        // name, price, description, category, discount, in stock
        type Row<'a> = (&'a str, i64, Option<&'a str>, i64, Option<i64>, bool);
        let rows: [Row; 6] = [
            ("Dune", 1200, Some("A desert planet"), b, None, true),
            ("Emma", 800, None, b, Some(100), true),
            ("Ulysses", 1500, Some("Dublin, one day"), b, Some(0), false),
            ("Sencha", 450, Some("Green tea 100%"), t, None, true),
            ("Assam", 450, Some("Black_tea"), t, Some(50), true),
            ("Matcha", 2000, None, t, None, false),
        ];
        for (name, price, description, category_id, discount, in_stock) in rows {
            Product::build()
                .name(name)
                .price(price)
                .description(description)
                .category_id(category_id)
                .discount(discount)
                .in_stock(in_stock)
                .insert(tx)?;
        }
        Ok(())
    })
    .expect("data");
    db
}

/// Sorted, for comparing results of queries without `order_by`.
pub fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

/// A path for a temporary SQLite file (removed when the guard drops).
pub struct TempDb {
    pub path: std::path::PathBuf,
}

impl TempDb {
    pub fn new(name: &str) -> TempDb {
        // The counter keeps two tests of one process apart when the clock gives both the
        // same time (it did: two tests shared a file, and one failed on the other's rows).
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "colt-test-{}-{}-{}-{}.db",
            name,
            std::process::id(),
            n,
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        TempDb { path }
    }

    pub fn url(&self) -> String {
        format!("sqlite:{}?mode=rwc", self.path.display())
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{}", self.path.display(), suffix));
        }
    }
}

/// A database in a file (several connections share it), with the shop's schema and one
/// product named "counter" at price 0: what the concurrency tests increment.
pub fn counter(backend: &Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Category, Product])?;
    db.create_tables()?;
    db.transaction(|tx| {
        Product::build()
            .name("counter")
            .price(0)
            .category_id(1)
            .insert(tx)?;
        Ok(())
    })?;
    Ok(db)
}
