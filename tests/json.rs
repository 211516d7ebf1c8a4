//! The `json` feature (issue 13): `serde_json::Value` and `Json<T>` columns (PostgreSQL
//! `jsonb`, SQLite text), round trips, equality, and member access in queries, on both
//! backends with the same answers.
#![cfg(feature = "json")]

mod common;

use std::collections::HashMap;

use colt::prelude::*;
use colt::Json;
use common::each_backend;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Settings {
    theme: String,
    font_size: i32,
    tags: Vec<String>,
}

#[derive(Entity, Debug, Clone)]
struct Doc {
    #[colt(primary_key)]
    id: i64,
    meta: serde_json::Value,
    settings: Json<Settings>,
    extra: Option<serde_json::Value>,
}

fn settings(theme: &str, font_size: i32, tags: &[&str]) -> Json<Settings> {
    Json(Settings {
        theme: theme.to_string(),
        font_size,
        tags: tags.iter().map(|t| t.to_string()).collect(),
    })
}

fn docs(db: &Database) -> colt::Result<()> {
    db.bind(schema![Doc])?;
    db.create_tables()?;
    db.check_tables()?;
    db.transaction(|tx| {
        Doc::build()
            .id(1)
            .meta(json!({"size": 7, "tags": ["red", "green"], "a.b": "dotted", "ratio": 0.5}))
            .settings(settings("dark", 12, &["x"]))
            .extra(json!(null))
            .insert(tx)?;
        Doc::build()
            .id(2)
            .meta(json!({"size": 3, "tags": [], "nested": {"deep": true}}))
            .settings(settings("light", 14, &[]))
            .insert(tx)?;
        Doc::build()
            .id(3)
            .meta(json!([1, "two", 3.5, false]))
            .settings(settings("dark", 9, &["y", "z"]))
            .extra(json!({"k": "v"}))
            .insert(tx)?;
        Ok(())
    })
}

#[test]
fn json_round_trips() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        docs(&db)?;
        let values = [
            json!({"ünïcødé": "ß\u{1F600}", "quote\"d": "a\\b", "n": -12345678901234i64}),
            json!([]),
            json!({}),
            json!("a string"),
            json!(42),
            json!(-0.125),
            json!(true),
            json!(null),
            json!({"nested": {"list": [1, [2, [3]]], "empty": null}}),
        ];
        for (i, v) in values.iter().enumerate() {
            let id = 100 + i as i64;
            db.transaction(|tx| {
                Doc::build()
                    .id(id)
                    .meta(v.clone())
                    .settings(settings("t", i as i32, &["a"]))
                    .extra(Some(v.clone()))
                    .insert(tx)?;
                Ok(())
            })?;
            let back = db.transaction(|tx| {
                select!((d.meta, d.settings, d.extra) for d in Doc if d.id == id).one(tx)
            })?;
            assert_eq!(back.0, *v);
            assert_eq!(back.1, settings("t", i as i32, &["a"]));
            // JSON null is a value; SQL NULL is `None`.
            assert_eq!(back.2, Some(v.clone()));
        }
        let none = db.transaction(|tx| select!(d.extra for d in Doc if d.id == 2).one(tx))?;
        assert_eq!(none, None);
        let null = db.transaction(|tx| select!(d.extra for d in Doc if d.id == 1).one(tx))?;
        assert_eq!(null, Some(json!(null)));
        Ok(())
    })
}

#[test]
fn json_compares_and_reads_members_in_queries() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        docs(&db)?;
        db.transaction(|tx| {
            // Equality with a whole document (key order is not part of a JSON object).
            let wanted = json!({"tags": [], "nested": {"deep": true}, "size": 3});
            let found = select!(d.id for d in Doc if d.meta == wanted).fetch(tx)?;
            assert_eq!(found, [2]);
            let found = select!(d.id for d in Doc if d.extra == json!({"k": "v"})).fetch(tx)?;
            assert_eq!(found, [3]);
            // Members by key, compared as JSON or read as plain values.
            let big = select!((d.id for d in Doc if d.meta.get("size").as_i64() > 5)).fetch(tx)?;
            assert_eq!(big, [1]);
            let sizes = select!((d.meta.get("size").as_i64() for d in Doc).order_by(|d| d.id))
                .fetch(tx)?;
            assert_eq!(sizes, [Some(7), Some(3), None]);
            let first_tag =
                select!(((d.id, d.meta.get("tags").get(0)) for d in Doc).order_by(|d| d.id))
                    .fetch(tx)?;
            assert_eq!(first_tag, [(1, Some(json!("red"))), (2, None), (3, None)]);
            let red = select!(d.id for d in Doc if d.meta.get("tags").get(0) == json!("red"))
                .fetch(tx)?;
            assert_eq!(red, [1]);
            // A key with a dot is a key, not a path.
            let dotted = select!(d.meta.get("a.b").as_str() for d in Doc if d.id == 1).one(tx)?;
            assert_eq!(dotted.as_deref(), Some("dotted"));
            // Array positions, negative from the end.
            let items = select!((d.meta.get(1), d.meta.get(-1), d.meta.get(9)) for d in Doc if d.id == 3)
                .one(tx)?;
            assert_eq!(items, (Some(json!("two")), Some(json!(false)), None));
            // Kinds: as serde_json's `as_*` methods answer.
            let kinds = select!((
                d.meta.get(0).as_i64(),
                d.meta.get(2).as_i64(),
                d.meta.get(2).as_f64(),
                d.meta.get(1).as_str(),
                d.meta.get(0).as_str(),
                d.meta.get(3).as_bool(),
                d.meta.get(1).as_bool()
            ) for d in Doc if d.id == 3)
            .one(tx)?;
            assert_eq!(
                kinds,
                (Some(1), None, Some(3.5), Some("two".to_string()), None, Some(false), None)
            );
            let ratio = select!(d.meta.get("ratio").as_f64() for d in Doc if d.id == 1).one(tx)?;
            assert_eq!(ratio, Some(0.5));
            let deep = select!(d.id for d in Doc if d.meta.get("nested").get("deep").as_bool() == Some(true))
                .fetch(tx)?;
            assert_eq!(deep, [2]);
            // A `Json<T>` attribute's members.
            let mut dark = select!(d.id for d in Doc if d.settings.get("theme").as_str() == "dark")
                .fetch(tx)?;
            dark.sort();
            assert_eq!(dark, [1, 3]);
            let fonts = select!(sum(d.settings.get("font_size").as_i64()) for d in Doc).one(tx)?;
            assert_eq!(fonts, Some(35));
            Ok(())
        })
    })
}

#[derive(Entity, Debug, Clone)]
struct Grid {
    #[colt(primary_key)]
    id: i64,
    cells: Json<HashMap<(i32, i32), i32>>,
}

/// A value whose `Serialize` fails (a map with non-string keys) is a typed error, and nothing
/// is written.
#[test]
fn a_value_that_does_not_serialize_is_refused() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Grid])?;
        db.create_tables()?;
        let r = db.transaction(|tx| {
            Grid::build()
                .id(1)
                .cells(Json(HashMap::from([((0, 0), 1)])))
                .insert(tx)?;
            Ok(())
        });
        assert!(matches!(r, Err(Error::JsonEncode { .. })), "{r:?}");
        let n = db.transaction(|tx| select!(count() for g in Grid).one(tx))?;
        assert_eq!(n, 0);
        Ok(())
    })
}

/// A column type of the program's own over a JSON document.
#[derive(Value, Debug, Clone, PartialEq)]
struct Cells(Json<HashMap<(i32, i32), i32>>);

#[derive(Entity, Debug, Clone)]
struct Board {
    #[colt(primary_key)]
    id: i64,
    cells: Cells,
}

/// A `derive(Value)` newtype over JSON whose `Serialize` fails, as a query's parameter, was
/// sent as `NULL`: `!=` then kept no row (every row differs from it). It is refused, typed.
#[test]
fn a_parameter_that_does_not_serialize_is_refused() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Board])?;
        db.create_tables()?;
        db.transaction(|tx| {
            Board::build()
                .id(1)
                .cells(Cells(Json(HashMap::new())))
                .insert(tx)?;
            Ok(())
        })?;
        let odd = Cells(Json(HashMap::from([((0, 0), 1)])));
        let r = db.transaction(|tx| select!(b.id for b in Board if b.cells != odd).fetch(tx));
        assert!(matches!(r, Err(Error::JsonEncode { .. })), "{r:?}");
        let empty = Cells(Json(HashMap::new()));
        let same =
            db.transaction(|tx| select!(b.id for b in Board if b.cells == empty).fetch(tx))?;
        assert_eq!(same, [1]);
        Ok(())
    })
}

/// A SQLite column another tool declared `JSON` (NUMERIC affinity: a bare number is kept as a
/// number) reads as JSON.
#[test]
fn an_existing_sqlite_json_column_is_read() -> colt::Result<()> {
    #[derive(Entity, Debug, Clone)]
    #[colt(table = "events")]
    struct Event {
        #[colt(primary_key)]
        id: i64,
        payload: serde_json::Value,
    }
    let db = Database::open("sqlite::memory:")?;
    db.transaction(|tx| {
        tx.execute_sql(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, payload JSON NOT NULL)",
            &[],
        )?;
        tx.execute_sql(
            "INSERT INTO events VALUES (1, '{\"kind\": \"click\", \"x\": 3}'), (2, '5'), (3, '2.5')",
            &[],
        )
    })?;
    db.bind(schema![Event])?;
    db.check_tables()?;
    db.transaction(|tx| {
        let all = select!((e.payload for e in Event).order_by(|e| e.id)).fetch(tx)?;
        assert_eq!(
            all,
            [json!({"kind": "click", "x": 3}), json!(5), json!(2.5)]
        );
        let clicks =
            select!(e.id for e in Event if e.payload.get("kind") == json!("click")).fetch(tx)?;
        assert_eq!(clicks, [1]);
        Ok(())
    })
}

/// Review findings (each failed before its fix, on the backend named).
mod review {
    use super::*;

    #[derive(Entity, Debug, Clone)]
    struct Blob {
        #[colt(primary_key)]
        id: i64,
        doc: serde_json::Value,
    }

    fn blobs(backend: &common::Backend, docs: &[serde_json::Value]) -> colt::Result<Database> {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Blob])?;
        db.create_tables()?;
        db.transaction(|tx| {
            for (i, d) in docs.iter().enumerate() {
                Blob::build().id(i as i64).doc(d.clone()).insert(tx)?;
            }
            Ok(())
        })?;
        Ok(db)
    }

    /// PostgreSQL: a position on a scalar read the scalar; a position past `integer` was
    /// an error; SQLite: a key holding `"` or `\` was never found.
    #[test]
    fn members_of_scalars_odd_keys_and_far_positions() -> colt::Result<()> {
        each_backend(|backend| {
            let db = blobs(
                backend,
                &[
                    json!(5),
                    json!("abc"),
                    json!(null),
                    json!({"quote\"d": 1, "back\\slash": 2, "a\"].b": 3}),
                    json!([10, 20]),
                ],
            )?;
            db.transaction(|tx| {
                let firsts = select!(((b.id, b.doc.get(0)) for b in Blob).order_by(|b| b.id)).fetch(tx)?;
                assert_eq!(
                    firsts,
                    [(0, None), (1, None), (2, None), (3, None), (4, Some(json!(10)))]
                );
                let keys = select!((b.doc.get("quote\"d"), b.doc.get("back\\slash"), b.doc.get("a\"].b")) for b in Blob if b.id == 3)
                    .one(tx)?;
                assert_eq!(keys, (Some(json!(1)), Some(json!(2)), Some(json!(3))));
                let far = 1i64 << 33;
                let none = select!((b.doc.get(far), b.doc.get(i64::MIN)) for b in Blob if b.id == 4).one(tx)?;
                assert_eq!(none, (None, None));
                Ok(())
            })
        })
    }

    /// `as_i64` of an integer past `i64`, or of a whole float, was an error; PostgreSQL
    /// read a Colt-written `1e16` back as an integer and said `1 == 1.0`.
    #[test]
    fn numbers_keep_their_kind() -> colt::Result<()> {
        each_backend(|backend| {
            let db = blobs(
                backend,
                &[
                    json!(u64::MAX),
                    json!(1e20),
                    json!(1e16),
                    json!(1.0),
                    json!(1),
                    json!(-0.0),
                ],
            )?;
            db.transaction(|tx| {
                let ints =
                    select!(((b.id, b.doc.as_i64()) for b in Blob).order_by(|b| b.id)).fetch(tx)?;
                assert_eq!(
                    ints,
                    [
                        (0, None),
                        (1, None),
                        (2, None),
                        (3, None),
                        (4, Some(1)),
                        (5, None)
                    ]
                );
                let docs = select!(((b.id, b.doc) for b in Blob).order_by(|b| b.id)).fetch(tx)?;
                assert_eq!(docs[2].1, json!(1e16));
                assert_eq!(docs[3].1, json!(1.0));
                let ones = select!((b.id for b in Blob if b.doc == json!(1)).order_by(|b| b.id))
                    .fetch(tx)?;
                assert_eq!(ones, [4]);
                let ones = select!((b.id for b in Blob if b.doc == json!(1.0)).order_by(|b| b.id))
                    .fetch(tx)?;
                assert_eq!(ones, [3]);
                Ok(())
            })
        })
    }

    #[derive(Entity, Debug, Clone)]
    struct Tally {
        #[colt(primary_key)]
        id: i64,
        counts: Json<HashMap<String, i32>>,
        n: i64,
    }

    /// SQLite: a `Json<HashMap>` was written in each map's own key order, and the optimistic
    /// check compared texts: every update after a read failed. A document another program
    /// wrote (spacing, key order) failed the check forever, on both backends.
    #[test]
    fn rows_with_json_can_be_updated_after_a_read() -> colt::Result<()> {
        each_backend(|backend| {
            let db = Database::open(&backend.fresh_url())?;
            db.bind(schema![Tally])?;
            db.create_tables()?;
            let map: HashMap<String, i32> = (0..20).map(|i| (format!("k{i}"), i)).collect();
            db.transaction(|tx| {
                Tally::build()
                    .id(1)
                    .counts(Json(map.clone()))
                    .n(0)
                    .insert(tx)?;
                tx.execute_sql(
                    "INSERT INTO tally (id, counts, n) VALUES (2, '{ \"b\" : 2,  \"a\": 1 }', 0)",
                    &[],
                )?;
                Ok(())
            })?;
            for _ in 0..5 {
                for id in [1i64, 2] {
                    db.transaction(|tx| {
                        let t = tx.get_or_err::<Tally>(id)?;
                        let _ = t.counts();
                        t.set(|t| t.n += 1)?;
                        Ok(())
                    })?;
                }
            }
            let n = db.transaction(|tx| select!(sum(t.n) for t in Tally).one(tx))?;
            assert_eq!(n, Some(10));
            Ok(())
        })
    }

    /// A list of documents: PostgreSQL refused it (a text array for a jsonb one); SQLite
    /// compared raw text (a document another program wrote with spaces never matched).
    #[test]
    fn lists_of_documents() -> colt::Result<()> {
        each_backend(|backend| {
            let db = blobs(backend, &[json!({"a": 1}), json!([1, 2]), json!("x")])?;
            db.transaction(|tx| {
                tx.execute_sql(
                    "INSERT INTO blob (id, doc) VALUES (9, '{ \"a\" : 1 }')",
                    &[],
                )
            })?;
            db.transaction(|tx| {
                let wanted = [json!({"a": 1}), json!("x")];
                let found =
                    select!((b.id for b in Blob if wanted.contains(&b.doc)).order_by(|b| b.id))
                        .fetch(tx)?;
                assert_eq!(found, [0, 2, 9]);
                Ok(())
            })
        })
    }

    /// A list of documents compares them as serde_json and `==` do: `1` is not `1.0`
    /// (PostgreSQL compared them as `jsonb`, which says they are equal).
    #[test]
    fn lists_of_documents_keep_1_and_1_0_apart() -> colt::Result<()> {
        each_backend(|backend| {
            let db = blobs(
                backend,
                &[json!(1.0), json!(1), json!({"a": 1.0}), json!({"a": 1})],
            )?;
            db.transaction(|tx| {
                let wanted = [json!(1), json!({"a": 1})];
                let found =
                    select!((b.id for b in Blob if wanted.contains(&b.doc)).order_by(|b| b.id))
                        .fetch(tx)?;
                assert_eq!(found, [1, 3]);
                let one = json!(1);
                let eq = select!((b.id for b in Blob if b.doc == one).order_by(|b| b.id));
                assert_eq!(eq.fetch(tx)?, [1]);
                Ok(())
            })
        })
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Reading {
        x: f64,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Maybe {
        x: Option<f64>,
    }

    #[derive(Entity, Debug, Clone)]
    struct Probe {
        #[colt(primary_key)]
        id: i64,
        reading: Json<Reading>,
        extra: Option<serde_json::Value>,
        maybe: Option<Json<Maybe>>,
    }

    /// A NaN was written as `null` (the row could never be read again); U+0000 was stored by
    /// SQLite and refused by PostgreSQL. Both are refused on both, before anything is written.
    #[test]
    fn documents_that_would_not_read_back_are_refused() -> colt::Result<()> {
        each_backend(|backend| {
            let db = Database::open(&backend.fresh_url())?;
            db.bind(schema![Probe])?;
            db.create_tables()?;
            let nan = db.transaction(|tx| {
                Probe::build()
                    .id(1)
                    .reading(Json(Reading { x: f64::NAN }))
                    .insert(tx)?;
                Ok(())
            });
            assert!(matches!(nan, Err(Error::JsonEncode { .. })), "{nan:?}");
            // Where `null` reads back (an `Option`), as `None`: not itself either (it was
            // written, and read back `None`).
            let optional = db.transaction(|tx| {
                Probe::build()
                    .id(3)
                    .reading(Json(Reading { x: 1.0 }))
                    .maybe(Json(Maybe {
                        x: Some(f64::INFINITY),
                    }))
                    .insert(tx)?;
                Ok(())
            });
            assert!(
                matches!(optional, Err(Error::JsonEncode { .. })),
                "{optional:?}"
            );
            let nul = db.transaction(|tx| {
                Probe::build()
                    .id(2)
                    .reading(Json(Reading { x: 1.0 }))
                    .extra(json!({"k": "a\u{0}b"}))
                    .insert(tx)?;
                Ok(())
            });
            assert!(matches!(nul, Err(Error::JsonEncode { .. })), "{nul:?}");
            let n = db.transaction(|tx| select!(count() for p in Probe).one(tx))?;
            assert_eq!(n, 0);
            Ok(())
        })
    }
}

/// A value whose `Serialize` panics (the program's code, run when its object is written).
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Fragile {
    n: i64,
}

impl Serialize for Fragile {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        assert_ne!(self.n, 13, "unlucky");
        s.serialize_newtype_struct("Fragile", &serde_json::json!({"n": self.n}))
    }
}

#[derive(Entity, Debug, Clone)]
struct Box1 {
    #[colt(primary_key)]
    id: i64,
    content: Json<Fragile>,
    label: String,
}

/// A panic of the program's code inside a flush (a `Serialize` impl), caught by the
/// program, left the rest of the flushed batch dropped but still marked as queued: a later
/// `commit` returned `Ok` without writing them, and later changes to them were never
/// queued. The transaction now ends with the panic: the commit is an error.
#[test]
fn a_panic_inside_a_flush_ends_the_transaction() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Box1])?;
        db.create_tables()?;
        db.transaction(|tx| {
            for id in [1, 2] {
                Box1::build()
                    .id(id)
                    .content(Json(Fragile { n: id }))
                    .label("old")
                    .insert(tx)?;
            }
            Ok(())
        })?;
        let tx = db.begin()?;
        let first = tx.get_or_err::<Box1>(1)?;
        let second = tx.get_or_err::<Box1>(2)?;
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            first.set(|b| b.content = Json(Fragile { n: 13 }))?;
            second.set(|b| b.label = "new".into())?;
            tx.flush()
        }));
        assert!(caught.is_err(), "the Serialize impl panics");
        let committed = tx.commit();
        assert!(committed.is_err(), "{committed:?}");
        let labels = db.transaction(|tx| {
            select!(((b.id, b.label) for b in Box1).order_by(|b| b.id)).fetch(tx)
        })?;
        assert_eq!(
            labels,
            [(1, "old".to_string()), (2, "old".to_string())],
            "{}",
            backend.name
        );
        Ok(())
    })
}

/// A panic in the flush that ends a savepoint (a `Serialize` impl), caught by the enclosing
/// savepoint's closure: the panic guard was gone by then, so the inner savepoint stayed open
/// in the database and counted, the outer's rollback took it, and a commit kept what the
/// outer closure wrote. (Found by a review.)
#[test]
fn a_panic_in_the_flush_ending_a_nested_savepoint_fails_the_outer_one() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Box1])?;
        db.create_tables()?;
        db.transaction(|tx| {
            for id in [1, 2] {
                Box1::build()
                    .id(id)
                    .content(Json(Fragile { n: id }))
                    .label("old")
                    .insert(tx)?;
            }
            Ok(())
        })?;
        let tx = db.begin()?;
        let outer = tx.savepoint(|tx| -> colt::Result<()> {
            tx.get_or_err::<Box1>(2)?.set(|b| b.label = "new".into())?;
            tx.flush()?;
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                tx.savepoint(|tx| -> colt::Result<()> {
                    tx.get_or_err::<Box1>(1)?
                        .set(|b| b.content = Json(Fragile { n: 13 }))?;
                    Ok(())
                })
            }));
            assert!(caught.is_err(), "the Serialize impl panics");
            Ok(())
        });
        assert!(outer.is_err(), "{outer:?}");
        let committed = tx.commit();
        let labels = db.transaction(|tx| {
            select!(((b.id, b.label) for b in Box1).order_by(|b| b.id)).fetch(tx)
        })?;
        assert_eq!(
            labels,
            [(1, "old".to_string()), (2, "old".to_string())],
            "{}: commit {committed:?}",
            backend.name
        );
        Ok(())
    })
}

/// The same through `insert_many`, which writes its rows by several statements (one per
/// row for an `auto` key on SQLite, chunks otherwise): rows before the panic stayed
/// written, and a commit kept them. (Found by a review of the flush's fix.)
#[test]
fn a_panic_inside_insert_many_ends_the_transaction() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Box1])?;
        db.create_tables()?;
        let tx = db.begin()?;
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            // More rows than one statement takes, the panic in the last.
            tx.insert_many((1..=1500).map(|id| Box1 {
                id,
                content: Json(Fragile {
                    n: if id == 1500 { 13 } else { id },
                }),
                label: "new".into(),
            }))
        }));
        assert!(caught.is_err(), "the Serialize impl panics");
        let committed = tx.commit();
        assert!(committed.is_err(), "{committed:?}");
        let n = db.transaction(|tx| select!(count(b) for b in Box1).one(tx))?;
        assert_eq!(n, 0, "{}", backend.name);
        Ok(())
    })
}

/// Ordering by a JSON document is refused at compile time (`order_by_json` in the
/// compile-fail suite: SQLite ordered `{"rank": 10}` before `{"rank": 9}`, PostgreSQL after);
/// ordering by a value read from it gives one order on both.
#[test]
fn ordering_by_a_value_read_from_json() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        docs(&db)?;
        let ids = db.transaction(|tx| {
            select!((d.id for d in Doc).order_by(|d| (desc(d.meta.get("size").as_i64()), d.id)))
                .fetch(tx)
        })?;
        assert_eq!(ids, [1, 2, 3], "{}", backend.name);
        Ok(())
    })
}

/// Documents equal in Rust are equal in a query whatever order their keys were given in:
/// with serde_json's `preserve_order` (on in this test build, as any crate of a program may
/// turn it on) Colt wrote keys in insertion order, and on SQLite, which compares the text,
/// `{"b":1,"a":2}` was not `{"a":2,"b":1}`; a `Json<HashMap>` came out in the map's random
/// order. (Found by a review.)
#[test]
fn documents_equal_in_rust_are_equal_in_a_query_whatever_their_key_order() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.open();
        db.bind(schema![Doc])?;
        db.create_tables()?;
        db.transaction(|tx| {
            Doc::build()
                .id(1)
                .meta(json!({"b": 1, "a": {"y": [1, {"d": 0, "c": 1}], "x": 2}}))
                .settings(settings("dark", 12, &["t"]))
                .extra(None::<serde_json::Value>)
                .insert(tx)?;
            Ok(())
        })?;
        let other_order = json!({"a": {"x": 2, "y": [1, {"c": 1, "d": 0}]}, "b": 1});
        assert_eq!(
            other_order,
            json!({"b": 1, "a": {"y": [1, {"d": 0, "c": 1}], "x": 2}})
        );
        let found = db.transaction(|tx| {
            Ok((
                select!(d.id for d in Doc if d.meta == other_order).fetch(tx)?,
                select!(d.id for d in Doc if d.meta.get("a") == json!({"y": [1, {"c": 1, "d": 0}], "x": 2})).fetch(tx)?,
            ))
        })?;
        assert_eq!(found, (vec![1], vec![1]), "{}", backend.name);
        let text: Vec<(String,)> = db.transaction(|tx| {
            tx.query_sql(
                if backend.is_postgres() {
                    "SELECT meta::text FROM doc"
                } else {
                    "SELECT meta FROM doc"
                },
                &[],
            )
        })?;
        if !backend.is_postgres() {
            assert_eq!(text[0].0, r#"{"a":{"x":2,"y":[1,{"c":1,"d":0}]},"b":1}"#);
        }
        Ok(())
    })
}

/// A document whose type's `==` calls two values equal that it writes differently (a
/// decimal member `1.5` and `1.50`): the change answered `Ok` and was never written, the
/// row kept `1.5`. (Found by a review.)
#[test]
fn a_document_change_its_type_calls_equal_is_written() -> colt::Result<()> {
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Invoice {
        total: rust_decimal::Decimal,
    }
    #[derive(Entity, Debug, Clone)]
    struct Bill {
        #[colt(primary_key)]
        id: i64,
        doc: Json<Invoice>,
    }
    let dec = |s: &str| s.parse::<rust_decimal::Decimal>().expect("a decimal");
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Bill])?;
        db.create_tables()?;
        db.transaction(|tx| {
            Bill::build()
                .id(1)
                .doc(Json(Invoice { total: dec("1.5") }))
                .insert(tx)?;
            Ok(())
        })?;
        db.transaction(|tx| {
            tx.get_or_err::<Bill>(1)?
                .set(|b| b.doc = Json(Invoice { total: dec("1.50") }))
        })?;
        let total = db.transaction(|tx| Ok(tx.get_or_err::<Bill>(1)?.doc().0.total))?;
        assert_eq!(total.to_string(), "1.50", "{}", backend.name);
        Ok(())
    })
}
