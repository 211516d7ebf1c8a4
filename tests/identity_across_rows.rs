//! A result of several items is one object per row per transaction, item by item: a
//! collection's members and owners, a chain of collections, many-to-many members, a
//! reference followed, a cross join, a self-reference; whether the identity map was empty
//! or held some of them. (A guard for decoding that would skip the map's lookup for objects
//! it takes to be distinct rows: the single-entity results do, `Plan::distinct_objects`.)

mod common;

use std::collections::BTreeMap;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
pub struct Client {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub orders: Set<Order>,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "order")]
pub struct Order {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub client: Ref<Client>,
    pub total: i64,
    pub lines: Set<Line>,
    pub labels: Set<Label>,
}

#[derive(Entity, Debug, Clone)]
pub struct Line {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub order: Ref<Order>,
    pub item: String,
}

/// Many-to-many with `Order`.
#[derive(Entity, Debug, Clone)]
pub struct Label {
    #[colt(primary_key)]
    pub name: String,
    pub orders: Set<Order>,
}

#[derive(Entity, Debug, Clone)]
pub struct Person {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    #[colt(reverse = "children")]
    pub parent: Option<Ref<Person>>,
    #[colt(reverse = "parent")]
    pub children: Set<Person>,
}

fn shop(backend: &common::Backend) -> colt::Result<Database> {
    let db = backend.open();
    db.bind(schema![Client, Order, Line, Label, Person])?;
    db.create_tables()?;
    db.transaction(|tx| {
        let ann = Client::build().name("Ann").insert(tx)?;
        let bob = Client::build().name("Bob").insert(tx)?;
        Client::build().name("Cy").insert(tx)?;
        let red = Label::build().name("red").insert(tx)?;
        let blue = Label::build().name("blue").insert(tx)?;
        for (client, total, items, labels) in [
            (&ann, 10, &["a", "b"][..], &[&red, &blue][..]),
            (&ann, 20, &["c"][..], &[&red][..]),
            (&bob, 30, &[][..], &[&blue][..]),
            (&bob, 40, &["d", "e", "f"][..], &[][..]),
        ] {
            let o = Order::build().client(client).total(total).insert(tx)?;
            for item in items {
                Line::build().order(&o).item(*item).insert(tx)?;
            }
            for label in labels {
                o.labels().add(tx, label)?;
            }
        }
        let root = Person::build().name("root").insert(tx)?;
        let mid = Person::build().name("mid").parent(&root).insert(tx)?;
        Person::build().name("leaf").parent(&mid).insert(tx)?;
        Person::build().name("twig").parent(&mid).insert(tx)?;
        Ok(())
    })?;
    Ok(db)
}

/// Every object of `objs` with one key is the one object `tx.get` finds for that key.
fn one_object_per_key<T: Entity>(tx: &Transaction, objs: &[Obj<T>]) -> colt::Result<usize>
where
    T::Key: Ord + Clone,
{
    let mut seen: BTreeMap<T::Key, Obj<T>> = BTreeMap::new();
    for o in objs {
        let key = o.key();
        if let Some(first) = seen.get(&key) {
            assert!(first == o, "two objects for one row");
        }
        let found = tx.get::<T>(key.clone())?.expect("the row");
        assert!(found == *o, "the map holds another object for the row");
        seen.insert(key, o.clone());
    }
    Ok(seen.len())
}

#[test]
fn a_collections_members_and_owners_are_one_object_each() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            let rows = select!(left_join((c, o) for c in Client for o in c.orders)).fetch(tx)?;
            assert_eq!(rows.len(), 5);
            let clients: Vec<Obj<Client>> = rows.iter().map(|(c, _)| c.clone()).collect();
            let orders: Vec<Obj<Order>> = rows.iter().filter_map(|(_, o)| o.clone()).collect();
            assert_eq!(one_object_per_key(tx, &clients)?, 3);
            assert_eq!(one_object_per_key(tx, &orders)?, 4);
            // The same query again finds the same objects (now loaded).
            let again = select!(left_join((c, o) for c in Client for o in c.orders)).fetch(tx)?;
            for (c, o) in &again {
                assert!(clients.contains(c));
                if let Some(o) = o {
                    assert!(orders.contains(o));
                }
            }
            Ok(())
        })
    })
}

#[test]
fn loaded_members_are_found_and_refreshed_not_doubled() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            // Two orders loaded before the result, one of them changed in memory.
            let first = select!(o for o in Order if o.total <= 20).fetch(tx)?;
            first[0].set(|o| o.total += 1)?;
            let rows = select!((c, o) for c in Client for o in c.orders).fetch(tx)?;
            let orders: Vec<Obj<Order>> = rows.iter().map(|(_, o)| o.clone()).collect();
            assert_eq!(one_object_per_key(tx, &orders)?, 4);
            for o in &first {
                assert!(
                    orders.contains(o),
                    "a loaded order came back as another object"
                );
            }
            let totals: Vec<i64> = {
                let mut t: Vec<i64> = orders.iter().map(|o| o.get().total).collect();
                t.sort();
                t
            };
            assert_eq!(totals, [11, 20, 30, 40]);
            Ok(())
        })
    })
}

#[test]
fn a_chain_of_collections_is_one_object_per_row() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            let rows =
                select!((c, o, l) for c in Client for o in c.orders for l in o.lines).fetch(tx)?;
            assert_eq!(rows.len(), 6);
            let clients: Vec<_> = rows.iter().map(|r| r.0.clone()).collect();
            let orders: Vec<_> = rows.iter().map(|r| r.1.clone()).collect();
            let lines: Vec<_> = rows.iter().map(|r| r.2.clone()).collect();
            assert_eq!(one_object_per_key(tx, &clients)?, 2);
            assert_eq!(one_object_per_key(tx, &orders)?, 3);
            assert_eq!(one_object_per_key(tx, &lines)?, 6);
            Ok(())
        })
    })
}

#[test]
fn rows_that_repeat_are_merged() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            // A many-to-many member repeats across owners.
            let rows = select!((o, l) for o in Order for l in o.labels).fetch(tx)?;
            assert_eq!(rows.len(), 4);
            let labels: Vec<_> = rows.iter().map(|r| r.1.clone()).collect();
            assert_eq!(one_object_per_key(tx, &labels)?, 2);
            let orders: Vec<_> = rows.iter().map(|r| r.0.clone()).collect();
            assert_eq!(one_object_per_key(tx, &orders)?, 3);
            // A reference followed repeats its row for each referrer.
            let rows = select!((o.client, o) for o in Order).fetch(tx)?;
            let clients: Vec<_> = rows.iter().map(|r| r.0.clone()).collect();
            assert_eq!(one_object_per_key(tx, &clients)?, 2);
            let orders: Vec<_> = rows.iter().map(|r| r.1.clone()).collect();
            assert_eq!(one_object_per_key(tx, &orders)?, 4);
            // A cross join repeats both.
            let rows = select!((c, l) for c in Client for l in Label).fetch(tx)?;
            assert_eq!(rows.len(), 6);
            let clients: Vec<_> = rows.iter().map(|r| r.0.clone()).collect();
            assert_eq!(one_object_per_key(tx, &clients)?, 3);
            let labels: Vec<_> = rows.iter().map(|r| r.1.clone()).collect();
            assert_eq!(one_object_per_key(tx, &labels)?, 2);
            Ok(())
        })
    })
}

#[test]
fn a_self_reference_is_one_object_on_either_side() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            // `mid` is a child in one row and a parent in two.
            let rows = select!((p, c) for p in Person for c in p.children).fetch(tx)?;
            assert_eq!(rows.len(), 3);
            let all: Vec<Obj<Person>> = rows
                .iter()
                .flat_map(|(p, c)| [p.clone(), c.clone()])
                .collect();
            assert_eq!(one_object_per_key(tx, &all)?, 4);
            Ok(())
        })
    })
}
