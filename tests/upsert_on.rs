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

#[derive(Entity, Debug, Clone)]
struct Person {
    #[colt(primary_key, auto)]
    id: i64,
    #[colt(unique)]
    name: String,
    badge: Option<Ref<Badge>>,
}

#[derive(Entity, Debug, Clone)]
struct Badge {
    #[colt(primary_key, auto)]
    id: i64,
    #[colt(unique)]
    code: String,
    person: Ref<Person>,
}

fn people(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Member, Shelving, Person, Badge])?;
    db.create_tables()?;
    Ok(db)
}

/// Found by a reviewer (each failed before its fix).
mod review {
    use super::*;

    /// An `auto` primary key named as the key never conflicts (the insert leaves it out):
    /// a second row was inserted instead of the row updated. Refused, as `upsert` is.
    #[test]
    fn an_auto_primary_key_is_not_a_key_to_upsert_on() -> colt::Result<()> {
        each_backend(|backend| {
            let db = people(backend)?;
            db.transaction(|tx| {
                let a = tx.upsert_on(member("a@x.org", "A", 1), &["email"])?;
                let mut b = member("b@x.org", "B", 2);
                b.id = a.id();
                let err = tx.upsert_on(b, &["id"]);
                assert!(matches!(err, Err(colt::Error::InvalidQuery(_))), "{err:?}");
                assert_eq!(select!(m for m in Member).count(tx)?, 1);
                Ok(())
            })
        })
    }

    /// The loaded object on the column-less side of a one-to-one kept what the other side
    /// says (the value passed has it `None`); an old owner let go when the row was not
    /// loaded.
    #[test]
    fn one_to_one_sides_follow() -> colt::Result<()> {
        each_backend(|backend| {
            let db = people(backend)?;
            db.transaction(|tx| {
                let ann = tx.insert(Person {
                    id: 0,
                    name: "ann".into(),
                    badge: None,
                })?;
                let badge = tx.insert(Badge {
                    id: 0,
                    code: "B1".into(),
                    person: Ref::new(ann.id()),
                })?;
                tx.upsert_on(
                    Person {
                        id: 0,
                        name: "ann".into(),
                        badge: None,
                    },
                    &["name"],
                )?;
                assert_eq!(ann.badge(), Some(Ref::new(badge.id())));
                Ok(())
            })?;
            db.transaction(|tx| {
                let ann = select!(p for p in Person if p.name == "ann").one(tx)?;
                let bob = tx.insert(Person {
                    id: 0,
                    name: "bob".into(),
                    badge: None,
                })?;
                assert!(ann.badge().is_some());
                tx.upsert_on(
                    Badge {
                        id: 0,
                        code: "B1".into(),
                        person: Ref::new(bob.id()),
                    },
                    &["code"],
                )?;
                assert_eq!(ann.badge(), None);
                assert!(bob.badge().is_some());
                // The stored side of a one-to-one is a unique key too.
                let b = tx.upsert_on(
                    Badge {
                        id: 0,
                        code: "B2".into(),
                        person: Ref::new(bob.id()),
                    },
                    &["person"],
                )?;
                assert_eq!(b.code(), "B2");
                assert_eq!(select!(b for b in Badge).count(tx)?, 1);
                Ok(())
            })
        })
    }

    /// A field named twice: SQLite refused the statement (and the transaction), PostgreSQL
    /// ran it.
    #[test]
    fn a_field_named_twice_counts_once() -> colt::Result<()> {
        each_backend(|backend| {
            let db = people(backend)?;
            db.transaction(|tx| {
                tx.upsert_on(member("a@x.org", "A", 1), &["email", "email"])?;
                tx.upsert_on(member("a@x.org", "A2", 2), &["email", "email"])?;
                assert_eq!(select!(m.name for m in Member).fetch(tx)?, ["A2"]);
                Ok(())
            })
        })
    }

    #[derive(Entity, Debug, Clone, PartialEq)]
    struct Subscriber {
        #[colt(primary_key, auto)]
        id: i64,
        #[colt(unique)]
        email: String,
        name: String,
    }

    /// A unique column whose database equality is wider than Rust's (SQLite `COLLATE
    /// NOCASE`, a PostgreSQL case-insensitive collation): the row kept its `Ann@X.org`
    /// while the object said `ann@x.org`. The row now takes every value given.
    #[test]
    fn a_case_insensitive_key_leaves_the_object_and_the_row_alike() -> colt::Result<()> {
        each_backend(|backend| {
            let db = Database::open(&backend.fresh_url())?;
            let ddl = if backend.is_postgres() {
                "CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
                 CREATE TABLE subscriber (id BIGSERIAL PRIMARY KEY,
                     email TEXT COLLATE ci NOT NULL UNIQUE, name TEXT NOT NULL)"
            } else {
                "CREATE TABLE subscriber (id INTEGER PRIMARY KEY,
                     email TEXT COLLATE NOCASE NOT NULL UNIQUE, name TEXT NOT NULL)"
            };
            db.transaction(|tx| {
                for statement in ddl.split(';') {
                    tx.execute_sql(statement, &[])?;
                }
                Ok(())
            })?;
            db.bind(schema![Subscriber])?;
            let sub = |email: &str, name: &str| Subscriber {
                id: 0,
                email: email.into(),
                name: name.into(),
            };
            let shown = db.transaction(|tx| {
                tx.upsert_on(sub("Ann@X.org", "Ann"), &["email"])?;
                let again = tx.upsert_on(sub("ann@x.org", "Ann B."), &["email"])?;
                Ok((again.email(), again.name()))
            })?;
            let stored =
                db.transaction(|tx| select!((s.email, s.name) for s in Subscriber).fetch(tx))?;
            assert_eq!(stored, [shown]);
            Ok(())
        })
    }

    /// An upsert that met a row no object of the transaction had loaded made an object whose
    /// column-less side of a one-to-one was `None` (the value's, which may not give it),
    /// while a badge referred to the row: it reads the row's side now.
    #[test]
    fn an_upsert_of_a_row_not_loaded_shows_its_column_less_side() -> colt::Result<()> {
        each_backend(|backend| {
            let db = people(backend)?;
            let badge = db.transaction(|tx| {
                let ann = tx.insert(Person {
                    id: 0,
                    name: "ann".into(),
                    badge: None,
                })?;
                let badge = tx.insert(Badge {
                    id: 0,
                    code: "B1".into(),
                    person: Ref::new(ann.id()),
                })?;
                Ok(badge.id())
            })?;
            db.transaction(|tx| {
                let ann = tx.upsert_on(
                    Person {
                        id: 0,
                        name: "ann".into(),
                        badge: None,
                    },
                    &["name"],
                )?;
                assert_eq!(ann.badge(), Some(Ref::new(badge)));
                Ok(())
            })
        })
    }

    #[derive(Entity, Debug, Clone, PartialEq)]
    #[colt(unique(shop, sku))]
    struct Listing {
        #[colt(primary_key, auto)]
        id: i64,
        shop: Option<String>,
        sku: String,
    }

    /// `upsert_on` by a key with a `None` part inserted a new row at every call: NULL
    /// conflicts with no row, on either backend. Refused, and nothing is written.
    #[test]
    fn an_upsert_by_a_key_with_a_none_is_refused() -> colt::Result<()> {
        each_backend(|backend| {
            let db = Database::open(&backend.fresh_url())?;
            db.bind(schema![Listing])?;
            db.create_tables()?;
            db.transaction(|tx| {
                for _ in 0..2 {
                    let r = tx.upsert_on(
                        Listing {
                            id: 0,
                            shop: None,
                            sku: "pen".into(),
                        },
                        &["shop", "sku"],
                    );
                    assert!(matches!(r, Err(Error::InvalidQuery(_))), "{r:?}");
                }
                assert_eq!(select!(l for l in Listing).count(tx)?, 0);
                Ok(())
            })
        })
    }

    #[derive(Entity, Debug, Clone, PartialEq)]
    #[colt(table = "pairing")]
    struct Pairing {
        #[colt(primary_key)]
        a: i64,
        #[colt(primary_key)]
        b: i64,
    }

    /// `upsert` of an entity made of its key alone took "no row written" for "the row is
    /// there", so a row a trigger or a rule skipped was `Ok`, with an object for a row that
    /// does not exist. `NotWritten` now; a row that is there is still `Ok`.
    #[test]
    fn an_upsert_of_key_columns_a_trigger_skipped_is_not_written() -> colt::Result<()> {
        each_backend(|backend| {
            let db = Database::open(&backend.fresh_url())?;
            db.bind(schema![Pairing])?;
            db.create_tables()?;
            db.transaction(|tx| tx.upsert(Pairing { a: 1, b: 1 }).map(|_| ()))?;
            db.transaction(|tx| tx.upsert(Pairing { a: 1, b: 1 }).map(|_| ()))?;
            let skip = if backend.is_postgres() {
                "CREATE RULE skip AS ON INSERT TO pairing WHERE NEW.a = 2 DO INSTEAD NOTHING"
            } else {
                "CREATE TRIGGER skip BEFORE INSERT ON pairing WHEN NEW.a = 2 BEGIN SELECT RAISE(IGNORE); END"
            };
            db.transaction(|tx| tx.execute_sql(skip, &[]).map(|_| ()))?;
            let r = db.transaction(|tx| tx.upsert(Pairing { a: 2, b: 2 }).map(|_| ()));
            assert!(matches!(r, Err(Error::NotWritten { .. })), "{r:?}");
            Ok(())
        })
    }
}

#[derive(Entity, Debug, Clone, PartialEq)]
struct Guest {
    #[colt(primary_key)]
    name: String,
    visits: i64,
}

/// SQLite: a primary key compared ignoring case (a table made by hand `COLLATE NOCASE`):
/// `upsert` of `ANN` wrote the row `ann`, but made a second object for it under `ANN` and
/// left the loaded object of `ann` with its old values. The key comes back as the row holds
/// it now, and the loaded object takes the values.
#[test]
fn upsert_by_a_key_compared_ignoring_case_keeps_one_object() -> colt::Result<()> {
    let file = common::TempDb::new("upsert-nocase");
    let db = Database::open(&file.url())?;
    db.transaction(|tx| {
        tx.execute_sql(
            "CREATE TABLE guest (name TEXT PRIMARY KEY COLLATE NOCASE NOT NULL, visits BIGINT NOT NULL)",
            &[],
        )?;
        tx.execute_sql("INSERT INTO guest VALUES ('ann', 1)", &[])
    })?;
    db.bind(schema![Guest])?;
    db.transaction(|tx| {
        let ann = tx.get_or_err::<Guest>("ann".to_string())?;
        let upserted = tx.upsert(Guest {
            name: "ANN".into(),
            visits: 9,
        })?;
        assert!(Obj::ptr_eq(&ann, &upserted));
        assert_eq!(ann.visits(), 9);
        assert_eq!(ann.name(), "ann");
        Ok(())
    })
}

#[derive(Entity, Debug, Clone, PartialEq)]
struct Label {
    #[colt(primary_key)]
    name: String,
}

/// The same for an entity of key columns alone (`DO NOTHING`): the key as the row holds it.
#[test]
fn upsert_of_a_key_alone_compared_ignoring_case_keeps_one_object() -> colt::Result<()> {
    let file = common::TempDb::new("upsert-nocase-key");
    let db = Database::open(&file.url())?;
    db.transaction(|tx| {
        tx.execute_sql(
            "CREATE TABLE label (name TEXT PRIMARY KEY COLLATE NOCASE NOT NULL)",
            &[],
        )?;
        tx.execute_sql("INSERT INTO label VALUES ('ann')", &[])
    })?;
    db.bind(schema![Label])?;
    db.transaction(|tx| {
        let ann = tx.get_or_err::<Label>("ann".to_string())?;
        let upserted = tx.upsert(Label { name: "ANN".into() })?;
        assert!(Obj::ptr_eq(&ann, &upserted));
        assert_eq!(upserted.name(), "ann");
        Ok(())
    })
}
