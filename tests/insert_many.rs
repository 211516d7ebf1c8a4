//! `tx.insert_many(..)` (issue 14): multi-row `INSERT`s within the parameter limit, objects
//! loaded as `insert` makes them, all or nothing, on both backends.

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
struct Reading {
    #[colt(primary_key)]
    id: i64,
    sensor: String,
    value: f64,
    note: Option<String>,
}

#[derive(Entity, Debug, Clone)]
struct Event {
    #[colt(primary_key, auto)]
    id: i64,
    name: String,
}

fn reading(id: i64) -> Reading {
    Reading {
        id,
        sensor: format!("s{}", id % 7),
        value: id as f64 / 4.0,
        note: (id % 2 == 0).then(|| format!("n{id}")),
    }
}

#[test]
fn many_rows_take_few_statements() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Reading, Event])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let before = tx.statements_executed();
            let objs = tx.insert_many((1..=2500).map(reading))?;
            let used = tx.statements_executed() - before;
            // 2 500 rows of 4 columns: 1 000 rows a statement (plus the transaction's BEGIN).
            assert!(used <= 4, "{used} statements");
            assert_eq!(objs.len(), 2500);
            // Loaded: found without SQL, the same object.
            let before = tx.statements_executed();
            let o = tx.get_or_err::<Reading>(1234)?;
            assert_eq!(tx.statements_executed(), before);
            assert!(Obj::ptr_eq(&o, &objs[1233]));
            Ok(())
        })?;
        db.transaction(|tx| {
            let n = select!(count() for r in Reading).one(tx)?;
            assert_eq!(n, 2500);
            let r = select!(r for r in Reading if r.id == 2000).one(tx)?;
            assert_eq!(
                (r.sensor(), r.value(), r.note()),
                ("s5".to_string(), 500.0, Some("n2000".to_string()))
            );
            // An `auto` key: one statement each, keys filled in.
            let events = tx.insert_many(["a", "b", "c"].map(|n| Event {
                id: 0,
                name: n.to_string(),
            }))?;
            let ids: Vec<i64> = events.iter().map(|e| e.id()).collect();
            assert_eq!(ids, [1, 2, 3]);
            Ok(())
        })
    })
}

#[test]
fn a_failing_row_inserts_nothing() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Reading, Event])?;
        db.create_tables()?;
        db.transaction(|tx| {
            tx.insert(reading(5))?;
            Ok(())
        })?;
        let r = db.transaction(|tx| {
            tx.insert_many((1..=10).map(reading))?;
            Ok(())
        });
        assert!(matches!(r, Err(Error::Constraint { .. })), "{r:?}");
        let n = db.transaction(|tx| select!(count() for r in Reading).one(tx))?;
        assert_eq!(n, 1);
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
struct Person {
    #[colt(primary_key, auto)]
    id: i64,
    name: String,
    passport: Option<Ref<Passport>>,
}

#[derive(Entity, Debug, Clone)]
struct Passport {
    #[colt(primary_key, auto)]
    id: i64,
    number: String,
    person: Ref<Person>,
}

/// A value refused before any statement (set on the column-less side of a one-to-one) is
/// refused with the batch: no object of the batch is inserted, with an `auto` key on SQLite
/// (one statement per object) as on PostgreSQL, and however the caller goes on. (The rows
/// before the refused one used to be written on SQLite, and committed with the caller's
/// transaction.)
#[test]
fn a_refused_value_inserts_none_of_the_batch() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Person, Passport])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let ann = Person::build().name("Ann").insert(tx)?;
            let p1 = Passport::build().number("P-1").person(&ann).insert(tx)?;
            for batch in [1, 2] {
                let mut values: Vec<Person> = (0..batch)
                    .map(|i| Person {
                        id: 0,
                        name: format!("new {i}"),
                        passport: None,
                    })
                    .collect();
                values.push(Person {
                    id: 0,
                    name: "Cy".into(),
                    passport: Some(Ref::from(&p1)),
                });
                let r = tx.insert_many(values);
                assert!(matches!(r, Err(Error::ReverseSide { .. })), "{r:?}");
            }
            Ok(())
        })?;
        let names = db.transaction(|tx| select!(p.name for p in Person).fetch(tx))?;
        assert_eq!(names, vec!["Ann".to_string()]);
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "stock")]
struct Stock {
    #[colt(primary_key)]
    shop: String,
    #[colt(primary_key)]
    sku: String,
    quantity: i64,
}

/// `tx.upsert(value)`: inserts, or gives the existing row every value; the loaded object
/// follows.
#[test]
fn upsert_inserts_or_updates_by_key() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Reading, Event, Stock])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let a = tx.upsert(reading(1))?;
            assert_eq!(a.value(), 0.25);
            // The loaded object takes the new values.
            let b = tx.upsert(Reading {
                value: 9.5,
                note: None,
                ..reading(1)
            })?;
            assert!(Obj::ptr_eq(&a, &b));
            assert_eq!((a.value(), a.note()), (9.5, None));
            let s = tx.upsert(Stock {
                shop: "north".into(),
                sku: "tea".into(),
                quantity: 3,
            })?;
            tx.upsert(Stock {
                shop: "north".into(),
                sku: "tea".into(),
                quantity: 5,
            })?;
            tx.upsert(Stock {
                shop: "south".into(),
                sku: "tea".into(),
                quantity: 1,
            })?;
            assert_eq!(s.quantity(), 5);
            let auto = tx.upsert(Event {
                id: 1,
                name: "x".into(),
            });
            assert!(matches!(auto, Err(Error::InvalidQuery(_))), "{auto:?}");
            Ok(())
        })
        .or_else(|e| match e {
            Error::InvalidQuery(_) => Ok(()),
            e => Err(e),
        })?;
        db.transaction(|tx| {
            let r = select!(r for r in Reading if r.id == 1).one(tx)?;
            assert_eq!((r.value(), r.note()), (9.5, None));
            let total = select!(sum(s.quantity) for s in Stock).one(tx)?;
            assert_eq!(total, Some(6));
            Ok(())
        })
    })
}

/// An identity column the program did not make (`GENERATED ALWAYS`: PostgreSQL refuses a
/// value for it unless told `OVERRIDING SYSTEM VALUE`).
#[derive(Entity, Debug, Clone)]
#[colt(table = "ledger")]
struct Entry {
    #[colt(primary_key, auto)]
    id: i64,
    memo: String,
}

/// Issue 18: an `auto` key no longer costs one statement per object on PostgreSQL (Diesel
/// sends one multi-row `INSERT`): the keys come from the column's sequence in one
/// statement, then the rows go in with them. Every object gets the key of its own row, and
/// the sequence stays ahead of them (a later `insert` gets a new key).
#[test]
fn auto_keys_are_taken_from_the_sequence_on_postgres() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Reading, Event])?;
        db.create_tables()?;
        let names: Vec<String> = (0..2500).map(|i| format!("event {i}")).collect();
        db.transaction(|tx| {
            let before = tx.statements_executed();
            let events = tx.insert_many(names.iter().map(|n| Event {
                id: 0,
                name: n.clone(),
            }))?;
            let used = tx.statements_executed() - before;
            if backend.is_postgres() {
                // BEGIN, the keys, three multi-row INSERTs.
                assert!(used <= 5, "{used} statements");
            } else {
                assert!(used >= 2500, "{used} statements: SQLite inserts one by one");
            }
            let mut ids: Vec<i64> = events.iter().map(|e| e.id()).collect();
            for (e, n) in events.iter().zip(&names) {
                assert_eq!(&e.name(), n);
                assert!(Obj::ptr_eq(e, &tx.get_or_err::<Event>(e.id())?));
            }
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), 2500, "every object has a key of its own");
            Ok(())
        })?;
        db.transaction(|tx| {
            // Each row holds the name of the object that got its key.
            let rows = select!((e.id, e.name) for e in Event).fetch(tx)?;
            assert_eq!(rows.len(), 2500);
            let by_id: std::collections::HashMap<i64, String> = rows.into_iter().collect();
            let later = Event::build().name("later".to_string()).insert(tx)?;
            assert!(
                !by_id.contains_key(&later.id()),
                "the sequence stayed ahead"
            );
            let one = tx.insert_many([Event {
                id: 0,
                name: "alone".to_string(),
            }])?;
            assert!(!by_id.contains_key(&one[0].id()) && one[0].id() != later.id());
            Ok(())
        })?;
        // The keys by name, as read back in a new transaction.
        db.transaction(|tx| {
            for i in [0, 999, 1000, 2499] {
                let name = format!("event {i}");
                let e = select!(e for e in Event if e.name == name).one(tx)?;
                assert_eq!(tx.get_or_err::<Event>(e.id())?.name(), name);
            }
            Ok(())
        })?;
        if backend.is_postgres() {
            let db = Database::open(&backend.fresh_url())?;
            db.transaction(|tx| {
                tx.execute_sql(
                    "CREATE TABLE ledger (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, memo TEXT NOT NULL)",
                    &[],
                )
            })?;
            db.bind(schema![Entry])?;
            let ids: Vec<i64> = db.transaction(|tx| {
                let made = tx.insert_many((0..3).map(|i| Entry {
                    id: 0,
                    memo: format!("m{i}"),
                }))?;
                Ok(made.iter().map(|e| e.id()).collect())
            })?;
            let memos = db.transaction(|tx| {
                let mut rows = select!((e.id, e.memo) for e in Entry).fetch(tx)?;
                rows.sort();
                Ok(rows)
            })?;
            assert_eq!(
                memos,
                ids.iter()
                    .zip(["m0", "m1", "m2"])
                    .map(|(i, m)| (*i, m.to_string()))
                    .collect::<Vec<_>>()
            );
        }
        Ok(())
    })
}

/// Makes the database skip, without an error, every new `event` named "skip" and every new
/// `reading` of sensor "skip" (SQLite: `RAISE(IGNORE)`; PostgreSQL: a `BEFORE INSERT`
/// trigger returning `NULL`), as another program's schema may.
fn skipping_triggers(backend: &common::Backend, tx: &Transaction) -> colt::Result<()> {
    if backend.is_postgres() {
        tx.execute_sql(
            "CREATE FUNCTION skip_row() RETURNS trigger AS $$ BEGIN \
             IF to_jsonb(NEW) ->> 'name' = 'skip' OR to_jsonb(NEW) ->> 'sensor' = 'skip' \
             THEN RETURN NULL; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            &[],
        )?;
        for table in ["event", "reading"] {
            tx.execute_sql(
                &format!("CREATE TRIGGER skip BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION skip_row()"),
                &[],
            )?;
        }
    } else {
        tx.execute_sql(
            "CREATE TRIGGER skip_event BEFORE INSERT ON event WHEN NEW.name = 'skip' \
             BEGIN SELECT RAISE(IGNORE); END",
            &[],
        )?;
        tx.execute_sql(
            "CREATE TRIGGER skip_reading BEFORE INSERT ON reading WHEN NEW.sensor = 'skip' \
             BEGIN SELECT RAISE(IGNORE); END",
            &[],
        )?;
    }
    Ok(())
}

/// A row the database skips without an error (a trigger, a rule, a conflict clause of the
/// table) is an error, and the transaction is rolled back: `Ok` means every row was written.
/// Before, the insert was `Ok`: on SQLite an `auto` object took the key of the row inserted
/// before it (`last_insert_rowid`), on PostgreSQL it kept the key 0; `insert_many` and
/// `upsert` loaded objects without rows.
#[test]
fn a_row_the_database_skips_is_an_error() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Reading, Event])?;
        db.create_tables()?;
        db.transaction(|tx| skipping_triggers(backend, tx))?;
        let not_written = |r: colt::Result<()>, expected: u64, written: u64| match r {
            Err(Error::NotWritten {
                expected: e,
                written: w,
                ..
            }) => assert_eq!((e, w), (expected, written)),
            other => panic!("expected NotWritten, got {other:?}"),
        };
        not_written(
            db.transaction(|tx| {
                let a = tx.insert(Event {
                    id: 0,
                    name: "a".into(),
                })?;
                let s = tx.insert(Event {
                    id: 0,
                    name: "skip".into(),
                })?;
                panic!("inserted as {} (the row before it: {})", s.key(), a.key());
            }),
            1,
            0,
        );
        not_written(
            db.transaction(|tx| {
                tx.insert(reading(1))?;
                tx.insert_many([
                    reading(2),
                    Reading {
                        sensor: "skip".into(),
                        ..reading(3)
                    },
                    reading(4),
                ])?;
                Ok(())
            }),
            3,
            2,
        );
        not_written(
            db.transaction(|tx| {
                tx.upsert(Reading {
                    sensor: "skip".into(),
                    ..reading(5)
                })?;
                Ok(())
            }),
            1,
            0,
        );
        let (events, readings) = db.transaction(|tx| {
            Ok((
                select!(count() for e in Event).one(tx)?,
                select!(count() for r in Reading).one(tx)?,
            ))
        })?;
        assert_eq!(
            (events, readings),
            (0, 0),
            "every transaction was rolled back"
        );
        Ok(())
    })
}

/// PostgreSQL: a `BEFORE INSERT` trigger that sets the key stores the rows of an
/// `insert_many` under other keys than the ones Colt took from the sequence. That is an
/// error and nothing is written; it was `Ok`, with every object naming a row that was not
/// its own. One `insert` at a time reads the key back and works with such a table.
#[test]
fn keys_a_trigger_sets_are_not_taken_for_the_sequences() -> colt::Result<()> {
    each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Reading, Event])?;
        db.create_tables()?;
        db.transaction(|tx| {
            tx.execute_sql(
                "CREATE FUNCTION shift_key() RETURNS trigger AS $$ BEGIN \
                 NEW.id := NEW.id + 1000; RETURN NEW; END $$ LANGUAGE plpgsql",
                &[],
            )?;
            tx.execute_sql(
                "CREATE TRIGGER shift BEFORE INSERT ON event FOR EACH ROW EXECUTE FUNCTION shift_key()",
                &[],
            )?;
            Ok(())
        })?;
        let many = db.transaction(|tx| {
            let events = ["a", "b"].map(|name| Event {
                id: 0,
                name: name.to_string(),
            });
            tx.insert_many(events).map(|_| ())
        });
        assert!(
            matches!(many, Err(Error::KeysNotKept { entity: "Event" })),
            "{many:?}"
        );
        let rows = db.transaction(|tx| select!(e for e in Event).count(tx))?;
        assert_eq!(rows, 0);
        let (key, stored) = db.transaction(|tx| {
            let one = Event::build().name("c").insert(tx)?;
            let stored = select!(e.id for e in Event if e.name == "c").one(tx)?;
            Ok((one.id(), stored))
        })?;
        assert_eq!(key, stored);
        Ok(())
    })
}

// ---------- `auto` keys, one statement each (SQLite; PostgreSQL for one value) ----------

#[derive(Entity, Debug, Clone)]
struct Shelf {
    #[colt(primary_key, auto)]
    id: i64,
    name: String,
    books: Set<Book>,
}

#[derive(Entity, Debug, Clone)]
struct Book {
    #[colt(primary_key, auto)]
    id: i64,
    #[colt(unique)]
    title: String,
    shelf: Ref<Shelf>,
}

fn book(title: &str, shelf: &Obj<Shelf>) -> Book {
    Book {
        id: 0,
        title: title.into(),
        shelf: Ref::from(shelf),
    }
}

/// Objects inserted with `auto` keys are the map's loaded objects: found by key and by
/// queries without a second object, their changes written as updates, and a loaded
/// collection of their owner shows them.
#[test]
fn objects_inserted_with_auto_keys_are_loaded_objects() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Shelf, Book])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let shelf = Shelf::build().name("poetry").insert(tx)?;
            assert_eq!(shelf.books().fetch(tx)?.len(), 0);
            for batch in [1, 3] {
                let titles: Vec<String> = (0..batch).map(|i| format!("{batch}-{i}")).collect();
                let books = tx.insert_many(titles.iter().map(|t| book(t, &shelf)))?;
                assert_eq!(books.len(), batch);
                for b in &books {
                    assert!(b.id() > 0);
                    let before = tx.statements_executed();
                    let found = tx.get_or_err::<Book>(b.id())?;
                    assert_eq!(tx.statements_executed(), before, "found without SQL");
                    assert!(Obj::ptr_eq(&found, b));
                }
                let queried = select!((b for b in Book).order_by(|b| b.id)).fetch(tx)?;
                assert!(queried
                    .iter()
                    .any(|q| books.iter().any(|b| Obj::ptr_eq(q, b))));
            }
            // The owner's loaded collection (read empty before) shows the new members.
            assert_eq!(shelf.books().fetch(tx)?.len(), 4);
            let first = tx.get_or_err::<Book>(2)?;
            first.set(|b| b.title = "renamed".into())?;
            Ok(())
        })?;
        let titles =
            db.transaction(|tx| select!((b.title for b in Book).order_by(|b| b.id)).fetch(tx))?;
        assert_eq!(titles, ["1-0", "renamed", "3-1", "3-2"]);
        Ok(())
    })
}

/// A row of the batch the database refuses ends the transaction with the table named, and
/// none of the batch is kept.
#[test]
fn a_refused_row_among_auto_keys_names_its_table() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Shelf, Book])?;
        db.create_tables()?;
        let r = db.transaction(|tx| {
            let shelf = Shelf::build().name("poetry").insert(tx)?;
            tx.insert_many(["a", "b", "a"].map(|t| book(t, &shelf)))?;
            Ok(())
        });
        match r {
            Err(Error::Constraint { kind, table, .. }) => {
                assert_eq!(kind, ConstraintKind::Unique);
                assert_eq!(table, "book");
            }
            other => panic!("{other:?}"),
        }
        let n = db.transaction(|tx| select!(count() for b in Book).one(tx))?;
        assert_eq!(n, 0);
        Ok(())
    })
}

/// A loaded passport whose row raw SQL deleted, its key given to the next row: the new row
/// displaces the old object (its holder lets go); the other side of the one-to-one follows
/// each new row.
#[test]
fn auto_keys_inserted_one_by_one_keep_one_to_ones_current() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Person, Passport])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let ann = Person::build().name("Ann").insert(tx)?;
            Person::build().name("Bob").insert(tx)?;
            Person::build().name("Cy").insert(tx)?;
            Passport::build().number("P-1").person(&ann).insert(tx)?;
            Ok(())
        })?;
        db.transaction(|tx| {
            let ann = tx.get_or_err::<Person>(1)?;
            let bob = tx.get_or_err::<Person>(2)?;
            let cy = tx.get_or_err::<Person>(3)?;
            let old = tx.get_or_err::<Passport>(1)?;
            assert_eq!(ann.passport().map(|p| *p.key()), Some(1));
            tx.execute_sql("DELETE FROM passport WHERE id = 1", &[])?;
            // The next key is the deleted row's again.
            if backend.is_postgres() {
                tx.query_sql::<i64>(
                    "SELECT setval(pg_get_serial_sequence('passport', 'id'), 1, false)",
                    &[],
                )?;
            } else {
                tx.execute_sql(
                    "UPDATE sqlite_sequence SET seq = 0 WHERE name = 'passport'",
                    &[],
                )?;
            }
            let new = tx.insert_many([Passport {
                id: 0,
                number: "P-2".into(),
                person: Ref::from(&bob),
            }])?;
            let new = &new[0];
            assert!(!Obj::ptr_eq(&old, new));
            assert_eq!(bob.passport().map(|p| *p.key()), Some(new.id()));
            assert!(Obj::ptr_eq(&tx.get_or_err::<Passport>(new.id())?, new));
            assert_eq!(new.id(), 1);
            assert_eq!(ann.passport(), None);
            let more = tx.insert_many([Passport {
                id: 0,
                number: "P-3".into(),
                person: Ref::from(&cy),
            }])?;
            assert_eq!(cy.passport().map(|p| *p.key()), Some(more[0].id()));
            Ok(())
        })
    })
}

#[derive(Entity, Debug, Clone)]
struct Stamp {
    #[colt(primary_key, auto)]
    id: i64,
    name: String,
    /// 100 more than written, set by a trigger on insert.
    #[colt(volatile)]
    version: i64,
}

/// A `volatile` column of objects inserted with `auto` keys holds what the trigger wrote.
#[test]
fn auto_keys_inserted_one_by_one_read_volatile_columns_back() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Stamp])?;
        db.create_tables()?;
        db.transaction(|tx| {
            if backend.is_postgres() {
                tx.execute_sql(
                    "CREATE FUNCTION stamp() RETURNS trigger AS $$ BEGIN
                       NEW.version := NEW.version + 100; RETURN NEW; END $$ LANGUAGE plpgsql",
                    &[],
                )?;
                tx.execute_sql(
                    "CREATE TRIGGER stamp BEFORE INSERT ON stamp
                     FOR EACH ROW EXECUTE FUNCTION stamp()",
                    &[],
                )?;
            } else {
                tx.execute_sql(
                    "CREATE TRIGGER stamp AFTER INSERT ON stamp BEGIN
                       UPDATE stamp SET version = NEW.version + 100 WHERE id = NEW.id; END",
                    &[],
                )?;
            }
            Ok(())
        })?;
        db.transaction(|tx| {
            for batch in [1, 2] {
                let stamps = tx.insert_many((0..batch).map(|i| Stamp {
                    id: 0,
                    name: format!("s{i}"),
                    version: i,
                }))?;
                let versions: Vec<i64> = stamps.iter().map(|s| s.version()).collect();
                assert_eq!(versions, (0..batch).map(|i| i + 100).collect::<Vec<_>>());
            }
            Ok(())
        })
    })
}

/// An empty batch writes nothing and runs no statement (with an `auto` key it began the
/// write transaction and prepared its statement, and failed on a missing table).
#[test]
fn an_empty_batch_runs_no_statement() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Reading, Event])?;
        db.transaction(|tx| {
            let before = tx.statements_executed();
            assert!(tx.insert_many(Vec::<Event>::new())?.is_empty());
            assert!(tx.insert_many(Vec::<Reading>::new())?.is_empty());
            assert_eq!(tx.statements_executed(), before);
            Ok(())
        })
    })
}

/// On PostgreSQL the keys of a transaction's first write come in the round trip of its
/// `BEGIN` (the keys first: a sequence is outside transactions): the rows are still the
/// transaction's, undone by its rollback, whether it read before or not.
#[test]
fn a_first_batch_of_auto_keys_is_rolled_back_with_its_transaction() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Reading, Event])?;
        db.create_tables()?;
        let batch = || {
            (0..3).map(|i| Event {
                id: 0,
                name: format!("e{i}"),
            })
        };
        for read_first in [false, true] {
            let r: colt::Result<()> = db.transaction(|tx| {
                if read_first {
                    assert_eq!(select!(count() for e in Event).one(tx)?, 0);
                }
                let made = tx.insert_many(batch())?;
                assert_eq!(made.len(), 3);
                assert_eq!(select!(count() for e in Event).one(tx)?, 3);
                Err(Error::InvalidQuery("undo".to_string()))
            });
            assert!(r.is_err());
            let left = db.transaction(|tx| select!(count() for e in Event).one(tx))?;
            assert_eq!(left, 0, "{}: read first {read_first}", backend.name);
        }
        // Kept when the transaction commits; a second batch in it shares its `BEGIN`.
        let ids = db.transaction(|tx| {
            let first = tx.insert_many(batch())?;
            let second = tx.insert_many(batch())?;
            Ok(first
                .iter()
                .chain(&second)
                .map(|e| e.id())
                .collect::<Vec<_>>())
        })?;
        let mut stored = db.transaction(|tx| select!(e.id for e in Event).fetch(tx))?;
        stored.sort_unstable();
        let mut ids = ids;
        ids.sort_unstable();
        assert_eq!(stored, ids);
        Ok(())
    })
}
