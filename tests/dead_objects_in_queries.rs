//! A query value given an object (`b.shelf == poetry`) keeps the object's key. Run after the
//! object died (deleted, or inserted by a savepoint rolled back since), it answered about
//! whatever row held that key by then: a new shelf given the same key, and its books came
//! back as poetry's. It is `ObjectDeleted` now, on both backends (each test failed before).

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
#[colt(table = "shelf")]
struct Shelf {
    #[colt(primary_key)]
    id: i64,
    name: String,
    books: Set<Book>,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "book")]
struct Book {
    #[colt(primary_key, auto)]
    id: i64,
    title: String,
    shelf: Ref<Shelf>,
}

fn shelf(tx: &Transaction, id: i64, name: &str) -> colt::Result<Obj<Shelf>> {
    Shelf::build().id(id).name(name).insert(tx)
}

fn refused<T: std::fmt::Debug>(r: colt::Result<T>, backend: &str) {
    assert!(
        matches!(r, Err(Error::ObjectDeleted { entity: "Shelf" })),
        "{backend}: {r:?}"
    );
}

#[test]
fn a_query_value_of_an_object_deleted_since_is_refused() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Shelf, Book])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let poetry = shelf(tx, 1, "Poetry")?;
            let ode = Book::build().title("Ode").shelf(&poetry).insert(tx)?;
            let other = shelf(tx, 2, "Other")?;
            let of_poetry = select!(b.title for b in Book if b.shelf == poetry);
            let of_other = select!(b.title for b in Book if b.shelf == other);
            let books_of_poetry = select!(b for b in Book if b.shelf == poetry);
            let retitle = select!(books_of_poetry.set(|b| b.title = "gone".to_string()));
            assert_eq!(of_poetry.fetch(tx)?, ["Ode"]);
            ode.delete(tx)?;
            poetry.delete(tx)?;
            // The key is given to another shelf, which has a book.
            let drama = shelf(tx, 1, "Drama")?;
            Book::build().title("Hamlet").shelf(&drama).insert(tx)?;
            refused(of_poetry.fetch(tx), backend.name);
            refused(of_poetry.count(tx), backend.name);
            // A delete would have deleted the other shelf's book.
            refused(books_of_poetry.delete(tx), backend.name);
            refused(retitle.update(tx), backend.name);
            // A query given the new shelf, and one given a live object, answer.
            assert_eq!(
                select!(b.title for b in Book if b.shelf == drama).fetch(tx)?,
                ["Hamlet"]
            );
            assert!(of_other.fetch(tx)?.is_empty());
            Ok(())
        })
    })
}

/// An object a savepoint inserted, given to a query inside it: the savepoint rolled back,
/// its key given to another shelf since.
#[test]
fn a_query_value_of_an_object_a_rolled_back_savepoint_inserted_is_refused() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Shelf, Book])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let mut query = None;
            let _ = tx.savepoint(|tx| -> colt::Result<()> {
                let poetry = shelf(tx, 1, "Poetry")?;
                query = Some(select!(b.title for b in Book if b.shelf == poetry));
                Err(Error::InvalidQuery("changed my mind".into()))
            });
            let Some(of_poetry) = query else {
                panic!("the savepoint made the query");
            };
            let drama = shelf(tx, 1, "Drama")?;
            Book::build().title("Hamlet").shelf(&drama).insert(tx)?;
            refused(of_poetry.fetch(tx), backend.name);
            Ok(())
        })
    })
}

/// No wrong refusal: an object deleted inside a savepoint that rolled back is back, and a
/// query given it before answers; so does a query value run in a later transaction, where
/// the object's key is all it holds.
#[test]
fn a_query_value_of_an_object_a_rollback_gave_back_answers() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Shelf, Book])?;
        db.create_tables()?;
        let kept = db.transaction(|tx| {
            let poetry = shelf(tx, 1, "Poetry")?;
            Book::build().title("Ode").shelf(&poetry).insert(tx)?;
            let of_poetry = select!(b.title for b in Book if b.shelf == poetry);
            let _ = tx.savepoint(|tx| -> colt::Result<()> {
                for b in select!(b for b in Book).fetch(tx)? {
                    b.delete(tx)?;
                }
                poetry.delete(tx)?;
                tx.flush()?;
                Err(Error::InvalidQuery("changed my mind".into()))
            });
            assert!(!poetry.is_deleted());
            assert_eq!(of_poetry.fetch(tx)?, ["Ode"]);
            Ok(of_poetry)
        })?;
        db.transaction(|tx| {
            assert_eq!(kept.fetch(tx)?, ["Ode"]);
            Ok(())
        })
    })
}

/// No wrong refusal (from a review): inside a savepoint, poetry deleted and a new shelf
/// given its key; the rollback brings poetry back and the new shelf goes. A query given
/// poetry before answers (the new shelf's going is no death of poetry's).
#[test]
fn a_query_value_of_an_object_a_rollback_gave_back_ignores_the_stand_in() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Shelf, Book])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let poetry = shelf(tx, 1, "Poetry")?;
            Book::build().title("Ode").shelf(&poetry).insert(tx)?;
            let of_poetry = select!(b.title for b in Book if b.shelf == poetry);
            for flushed in [true, false] {
                let _ = tx.savepoint(|tx| -> colt::Result<()> {
                    for b in select!(b for b in Book).fetch(tx)? {
                        b.delete(tx)?;
                    }
                    poetry.delete(tx)?;
                    tx.flush()?;
                    shelf(tx, 1, "Drama")?;
                    if flushed {
                        tx.flush()?;
                    }
                    Err(Error::InvalidQuery("changed my mind".into()))
                });
                assert!(!poetry.is_deleted());
                assert_eq!(of_poetry.fetch(tx)?, ["Ode"], "{}", backend.name);
            }
            Ok(())
        })
    })
}

/// An optional object (`b.shelf == Some(poetry)`, from a review) is checked as an object.
#[test]
fn a_query_value_of_an_optional_object_deleted_since_is_refused() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Shelf, Book])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let poetry = shelf(tx, 1, "Poetry")?;
            let ode = Book::build().title("Ode").shelf(&poetry).insert(tx)?;
            let some = Some(poetry.clone());
            let of_poetry = select!(b.title for b in Book if b.shelf == some);
            assert_eq!(of_poetry.fetch(tx)?, ["Ode"]);
            ode.delete(tx)?;
            poetry.delete(tx)?;
            let drama = shelf(tx, 1, "Drama")?;
            Book::build().title("Hamlet").shelf(&drama).insert(tx)?;
            refused(of_poetry.fetch(tx), backend.name);
            Ok(())
        })
    })
}

/// Objects in a list (`shelves.contains(&b.shelf)`): one deleted after the query was built,
/// its key given to another shelf since. The list bound poetry's key, and the other shelf's
/// books came back (and a delete deleted them).
#[test]
fn a_query_value_of_a_list_holding_an_object_deleted_since_is_refused() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Shelf, Book])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let poetry = shelf(tx, 1, "Poetry")?;
            let prose = shelf(tx, 2, "Prose")?;
            let ode = Book::build().title("Ode").shelf(&poetry).insert(tx)?;
            Book::build().title("Essay").shelf(&prose).insert(tx)?;
            let shelves = vec![poetry.clone(), prose.clone()];
            let listed = select!(b.title for b in Book if shelves.contains(&b.shelf));
            let to_delete = select!(b for b in Book if shelves.contains(&b.shelf));
            let mut titles = listed.fetch(tx)?;
            titles.sort();
            assert_eq!(titles, ["Essay", "Ode"]);
            ode.delete(tx)?;
            poetry.delete(tx)?;
            let drama = shelf(tx, 1, "Drama")?;
            Book::build().title("Hamlet").shelf(&drama).insert(tx)?;
            refused(listed.fetch(tx), backend.name);
            refused(listed.exists(tx), backend.name);
            refused(to_delete.delete(tx), backend.name);
            // A list of live objects answers; so does one built again.
            let live = [prose.clone(), drama.clone()];
            let mut titles = select!(b.title for b in Book if live.contains(&b.shelf)).fetch(tx)?;
            titles.sort();
            assert_eq!(titles, ["Essay", "Hamlet"]);
            Ok(())
        })
    })
}

/// A long list among many deaths: only the list's own dead objects refuse it, whichever
/// its position, whatever else died since.
#[test]
fn a_long_list_is_refused_for_its_own_dead_objects_only() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Shelf, Book])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let shelves: Vec<Obj<Shelf>> = (1..=200)
                .map(|i| shelf(tx, i, &format!("s{i}")))
                .collect::<colt::Result<_>>()?;
            let (listed, others) = shelves.split_at(100);
            let listed = listed.to_vec();
            let q = select!(s.name for s in Shelf if listed.contains(&s));
            // Other objects given to queries die: the list answers.
            for o in others {
                let _given = select!(s for s in Shelf if s == o);
                o.delete(tx)?;
            }
            assert_eq!(q.count(tx)?, 100, "{}", backend.name);
            // One of its own, near the end, dies.
            listed[97].delete(tx)?;
            refused(q.fetch(tx), backend.name);
            Ok(())
        })
    })
}

/// A query given an object and misusing `for_update` (a count locks no rows) is refused for
/// the misuse before anything is written: the check of its objects wrote pending changes
/// first, and their failure (here a duplicate key) came instead.
#[test]
fn a_misused_lock_is_refused_before_pending_changes_are_written() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Shelf, Book])?;
        db.create_tables()?;
        let (mut counted, mut rekeyed) = (None, None);
        // (The commit then fails on the duplicate.)
        let r = db.transaction(|tx| {
            let poetry = shelf(tx, 1, "Poetry")?;
            tx.flush()?;
            // Pending: a change the flush will refuse (a name another row holds, under a
            // unique index made behind Colt's back).
            tx.execute_sql("CREATE UNIQUE INDEX shelf_name ON shelf (name)", &[])?;
            tx.execute_sql("INSERT INTO shelf (id, name) VALUES (2, 'Taken')", &[])?;
            poetry.set(|s| s.name = "Taken".to_string())?;
            counted = Some(
                select!(b for b in Book if b.shelf == poetry)
                    .for_update()
                    .count(tx),
            );
            // So is a bulk update that assigns the key.
            let books = select!(b for b in Book if b.shelf == poetry);
            rekeyed = Some(select!(books.set(|b| b.id = 5)).update(tx));
            Ok(())
        });
        assert!(
            matches!(rekeyed, Some(Err(Error::InvalidQuery(_)))),
            "{}: {rekeyed:?}",
            backend.name
        );
        assert!(
            matches!(counted, Some(Err(Error::InvalidQuery(_)))),
            "{}: {counted:?} {r:?}",
            backend.name
        );
        Ok(())
    })
}
