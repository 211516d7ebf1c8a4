//! Left-join generators (issue 14, PonyORM's `left_join`): an owner without members still
//! yields a row, the member side `None`, in one statement, on both backends.

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
struct Customer {
    #[colt(primary_key)]
    id: i64,
    name: String,
    invoices: Set<Invoice>,
    tags: Set<Tag>,
}

#[derive(Entity, Debug, Clone)]
struct Invoice {
    #[colt(primary_key)]
    id: i64,
    customer: Ref<Customer>,
    total: i64,
}

#[derive(Entity, Debug, Clone)]
struct Tag {
    #[colt(primary_key)]
    name: String,
    customers: Set<Customer>,
}

fn shop(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Customer, Invoice, Tag])?;
    db.create_tables()?;
    db.transaction(|tx| {
        let ann = Customer::build().id(1).name("Ann").insert(tx)?;
        let bob = Customer::build().id(2).name("Bob").insert(tx)?;
        Customer::build().id(3).name("Cid").insert(tx)?;
        Invoice::build().id(10).customer(&ann).total(5).insert(tx)?;
        Invoice::build().id(11).customer(&ann).total(7).insert(tx)?;
        Invoice::build().id(12).customer(&bob).total(1).insert(tx)?;
        let vip = Tag::build().name("vip").insert(tx)?;
        ann.tags().add(tx, &vip)?;
        Ok(())
    })?;
    Ok(db)
}

#[test]
fn owners_without_members_still_yield_a_row() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            let before = tx.statements_executed();
            let rows = select!(left_join((c.name, i.total) for c in Customer for i in c.invoices)
                .order_by(|c, i| (c.id, i.id)))
            .fetch(tx)?;
            assert_eq!(tx.statements_executed() - before, 1);
            assert_eq!(
                rows,
                [
                    ("Ann".to_string(), Some(5)),
                    ("Ann".to_string(), Some(7)),
                    ("Bob".to_string(), Some(1)),
                    ("Cid".to_string(), None)
                ]
            );
            // Objects: the member side is an `Option<Obj<_>>`.
            let pairs = select!(left_join((c, i) for c in Customer for i in c.invoices)
                .order_by(|c, i| (c.id, i.id)))
            .fetch(tx)?;
            let ids: Vec<(i64, Option<i64>)> = pairs
                .iter()
                .map(|(c, i)| (c.id(), i.as_ref().map(|i| i.id())))
                .collect();
            assert_eq!(
                ids,
                [(1, Some(10)), (1, Some(11)), (2, Some(12)), (3, None)]
            );
            // Counting the members of each, zero included.
            let counts =
                select!(left_join((c.name, count(i)) for c in Customer for i in c.invoices)
                .order_by(|c, _i| c.name))
                .fetch(tx)?;
            assert_eq!(
                counts,
                [
                    ("Ann".to_string(), 2),
                    ("Bob".to_string(), 1),
                    ("Cid".to_string(), 0)
                ]
            );
            // Many-to-many too.
            let tagged = select!(left_join((c.name, t.name) for c in Customer for t in c.tags)
                .order_by(|c, _t| c.id))
            .fetch(tx)?;
            assert_eq!(
                tagged,
                [
                    ("Ann".to_string(), Some("vip".to_string())),
                    ("Bob".to_string(), None),
                    ("Cid".to_string(), None)
                ]
            );
            Ok(())
        })
    })
}

/// Grouped by the member's key through a left join: the group of owners without a member
/// holds several owners, so `count(c) > 1` is a question about the rows, not the query's own
/// row (the own-rows check refused it, taking the member's row to fix its owner; found by a
/// review).
#[test]
fn a_left_joined_members_group_may_hold_several_owners() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shop(backend)?;
        db.transaction(|tx| {
            Customer::build().id(4).name("Dee").insert(tx)?;
            let rows = select!(left_join((i.id, count(c)) for c in Customer for i in c.invoices
                if count(c) > 1))
            .fetch(tx)?;
            assert_eq!(rows, [(None, 2)], "{}", backend.name);
            Ok(())
        })
    })
}
