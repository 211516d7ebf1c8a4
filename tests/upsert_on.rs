//! `tx.upsert_on(value, &["email"])`: insert, or update the row with the same value of a
//! unique key (not the primary key), in one statement, on both backends; the object
//! returned is the row's, with the row's primary key.

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone, PartialEq)]
struct Member {
    #[colt(primary_key, auto)]
    id: i64,
    #[colt(unique)]
    email: String,
    name: String,
    visits: i64,
}

#[derive(Entity, Debug, Clone, PartialEq)]
#[colt(unique(shop, sku))]
struct Shelving {
    #[colt(primary_key)]
    code: String,
    shop: String,
    sku: String,
    quantity: i64,
}

fn member(email: &str, name: &str, visits: i64) -> Member {
    Member {
        id: 0,
        email: email.into(),
        name: name.into(),
        visits,
    }
}

#[test]
fn upsert_on_a_unique_field_keeps_the_row_and_its_key() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Member, Shelving])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let ann = tx.upsert_on(member("ann@x.org", "Ann", 1), &["email"])?;
            let bob = tx.upsert_on(member("bob@x.org", "Bob", 1), &["email"])?;
            assert_ne!(ann.id(), bob.id());
            // The same email: the row keeps its key and takes the other values.
            let again = tx.upsert_on(member("ann@x.org", "Ann B.", 2), &["email"])?;
            assert_eq!(again.id(), ann.id());
            assert!(Obj::ptr_eq(&again, &ann), "one object per row");
            assert_eq!((ann.name(), ann.visits()), ("Ann B.".to_string(), 2));
            let all = select!(((m.email, m.name, m.visits) for m in Member).order_by(|m| m.email))
                .fetch(tx)?;
            assert_eq!(
                all,
                [
                    ("ann@x.org".to_string(), "Ann B.".to_string(), 2),
                    ("bob@x.org".to_string(), "Bob".to_string(), 1)
                ]
            );
            Ok(())
        })?;
        db.transaction(|tx| {
            // A composite unique key; the given primary key of the value yields to the row's.
            tx.upsert_on(
                Shelving {
                    code: "A1".into(),
                    shop: "north".into(),
                    sku: "pen".into(),
                    quantity: 3,
                },
                &["shop", "sku"],
            )?;
            let s = tx.upsert_on(
                Shelving {
                    code: "ZZ".into(),
                    shop: "north".into(),
                    sku: "pen".into(),
                    quantity: 9,
                },
                &["sku", "shop"],
            )?;
            assert_eq!((s.code(), s.quantity()), ("A1".to_string(), 9));
            assert_eq!(select!(s for s in Shelving).count(tx)?, 1);
            Ok(())
        })
    })
}

#[test]
fn upsert_on_a_field_that_is_not_a_unique_key_is_refused() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Member, Shelving])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let err = tx.upsert_on(member("a@x.org", "A", 1), &["name"]);
            assert!(
                matches!(&err, Err(colt::Error::InvalidQuery(m)) if m.contains("[email]")),
                "{err:?}"
            );
            let err = tx.upsert_on(member("a@x.org", "A", 1), &["nope"]);
            assert!(matches!(err, Err(colt::Error::InvalidQuery(_))), "{err:?}");
            assert_eq!(select!(m for m in Member).count(tx)?, 0);
            Ok(())
        })
    })
}
