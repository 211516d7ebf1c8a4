//! `.to_lowercase()` and `.to_uppercase()` inside a query. On SQLite they were SQLite's
//! `lower` and `upper`, which change ASCII letters only: `"Zoë".to_uppercase()` was
//! `"ZOë"` where Rust (and PonyORM, which gives SQLite Python's own) says `"ZOË"`, and
//! `p.name.to_lowercase() == "élan"` did not find `"ÉLAN"` (found by a review of the
//! twenty-second session comparing Colt's answers with PonyORM's). On SQLite they are
//! Rust's now. PostgreSQL's follow the database's character type (docs/semantics.md).

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
struct Person {
    #[colt(primary_key)]
    id: i64,
    name: String,
}

#[test]
fn text_case_is_rusts_on_sqlite() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Person])?;
        db.create_tables()?;
        let names = ["Zoë", "ÇELIK", "ann", "ÉLAN", "Straße", "ΣΊΣΥΦΟΣ"];
        db.transaction(|tx| {
            for (i, name) in names.iter().enumerate() {
                Person::build().id(i as i64 + 1).name(*name).insert(tx)?;
            }
            Ok(())
        })?;
        db.transaction(|tx| {
            // ASCII: the same on every backend.
            let ann = select!(p.id for p in Person if p.name.to_uppercase() == "ANN").fetch(tx)?;
            assert_eq!(ann, [3], "{}", backend.name);
            if backend.is_postgres() {
                return Ok(()); // (The rest follows the server's character type there.)
            }
            let upper =
                select!((p.name.to_uppercase() for p in Person).order_by(|p| p.id)).fetch(tx)?;
            let expected: Vec<String> = names.iter().map(|n| n.to_uppercase()).collect();
            assert_eq!(upper, expected);
            let lower =
                select!((p.name.to_lowercase() for p in Person).order_by(|p| p.id)).fetch(tx)?;
            let expected: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
            assert_eq!(lower, expected);
            let elan =
                select!(p.id for p in Person if p.name.to_lowercase() == "élan").fetch(tx)?;
            assert_eq!(elan, [4]);
            Ok(())
        })
    })
}
