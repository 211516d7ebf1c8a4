//! The derive's code compiles in a crate that forbids `unsafe` (the `unsafe impl` it writes
//! for the accessor contract is the macro's, not the user's).
#![forbid(unsafe_code)]

use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Thing {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
}

#[test]
fn entities_derive_under_forbid_unsafe_code() -> colt::Result<()> {
    let db = Database::open("sqlite::memory:")?;
    db.bind(schema![Thing])?;
    db.create_tables()?;
    db.transaction(|tx| {
        let t = Thing::build().name("x").insert(tx)?;
        assert_eq!(t.name(), "x");
        Ok(())
    })
}
