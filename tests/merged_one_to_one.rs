//! A one-to-one that another transaction changed, taken in by a later query of this one:
//! the loaded objects of the column-less side follow the row, as they do after this
//! transaction's own writes.

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
struct Person {
    #[colt(primary_key)]
    id: i64,
    name: String,
    passport: Option<Ref<Passport>>,
}

#[derive(Entity, Debug, Clone)]
struct Passport {
    #[colt(primary_key)]
    id: i64,
    person: Option<Ref<Person>>,
}

/// Passport 7 moves from person 1 to person 2 in another transaction; this one, which had
/// loaded both people (and not read the passport's `person`), reads the passport again:
/// person 1 kept saying it holds passport 7, person 2 that it holds none.
#[test]
fn the_column_less_side_follows_a_row_read_again() -> colt::Result<()> {
    each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Person, Passport])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let ann = Person::build()
                .id(1)
                .name("ann")
                .passport(None::<Ref<Passport>>)
                .insert(tx)?;
            Person::build()
                .id(2)
                .name("bob")
                .passport(None::<Ref<Passport>>)
                .insert(tx)?;
            Passport::build()
                .id(7)
                .person(Some(Ref::from(&ann)))
                .insert(tx)?;
            Ok(())
        })?;
        let tx = db.begin()?;
        let ann = tx.get_or_err::<Person>(1)?;
        let bob = tx.get_or_err::<Person>(2)?;
        assert_eq!(ann.passport().map(|p| *p.key()), Some(7));
        assert_eq!(bob.passport().map(|p| *p.key()), None);
        tx.get_or_err::<Passport>(7)?;
        db.transaction(|other| {
            other
                .get_or_err::<Passport>(7)?
                .set(|p| p.person = Some(Ref::new(2)))
        })?;
        let seven = select!(p for p in Passport if p.id == 7).one(&tx)?;
        assert_eq!(seven.person().map(|p| *p.key()), Some(2));
        assert_eq!(ann.passport().map(|p| *p.key()), None);
        assert_eq!(bob.passport().map(|p| *p.key()), Some(7));
        tx.commit()?;
        // And away again, to nobody.
        let tx = db.begin()?;
        let bob = tx.get_or_err::<Person>(2)?;
        tx.get_or_err::<Passport>(7)?;
        assert_eq!(bob.passport().map(|p| *p.key()), Some(7));
        db.transaction(|other| other.get_or_err::<Passport>(7)?.set(|p| p.person = None))?;
        select!(p for p in Passport).fetch(&tx)?;
        assert_eq!(bob.passport().map(|p| *p.key()), None);
        Ok(())
    })
}

/// A passport another transaction moved away from a person this transaction then gives
/// another passport: the old passport, which this transaction saw holding the person, lets
/// go of it (as in PonyORM), and its write meets the other transaction's move: a conflict,
/// not a write over it. Retried, the person holds the new passport, the moved one its new
/// holder. (Before, the old passport kept naming the person in memory.)
#[test]
fn giving_a_person_whose_passport_another_transaction_moved_is_a_conflict() -> colt::Result<()> {
    each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Person, Passport])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let ann = Person::build()
                .id(1)
                .name("ann")
                .passport(None::<Ref<Passport>>)
                .insert(tx)?;
            Person::build()
                .id(2)
                .name("bob")
                .passport(None::<Ref<Passport>>)
                .insert(tx)?;
            Passport::build()
                .id(7)
                .person(Some(Ref::from(&ann)))
                .insert(tx)?;
            Passport::build()
                .id(8)
                .person(None::<Ref<Person>>)
                .insert(tx)?;
            Ok(())
        })?;
        let tx = db.begin()?;
        let ann = tx.get_or_err::<Person>(1)?;
        tx.get_or_err::<Passport>(7)?;
        let eight = tx.get_or_err::<Passport>(8)?;
        db.transaction(|other| {
            other
                .get_or_err::<Passport>(7)?
                .set(|p| p.person = Some(Ref::new(2)))
        })?;
        eight.set(|p| p.person = Some(Ref::from(&ann)))?;
        assert_eq!(ann.passport().map(|p| *p.key()), Some(8));
        let flushed = tx.flush();
        assert!(
            matches!(flushed, Err(Error::UnrepeatableRead { .. })),
            "{flushed:?}"
        );
        drop(tx);
        db.transaction_with_retry(3, |tx| {
            let ann = tx.get_or_err::<Person>(1)?;
            tx.get_or_err::<Passport>(7)?;
            tx.get_or_err::<Passport>(8)?
                .set(|p| p.person = Some(Ref::from(&ann)))
        })?;
        let holders = db.transaction(|tx| {
            select!(((p.id, p.person) for p in Passport).order_by(|p| p.id)).fetch(tx)
        })?;
        let holders: Vec<(i64, Option<i64>)> = holders
            .into_iter()
            .map(|(id, p)| (id, p.map(|p| p.key())))
            .collect();
        assert_eq!(holders, [(7, Some(2)), (8, Some(1))]);
        Ok(())
    })
}

/// A passport deleted by another statement (raw SQL here), its key then inserted again for
/// another person: the new row displaced the loaded object of the old one, but the person
/// that held the old one kept saying it holds it, beside the new holder (two persons, one
/// passport). The old holder lets go now, on both backends.
#[test]
fn a_key_inserted_again_leaves_the_old_holder() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Person, Passport])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let ann = Person::build()
                .id(1)
                .name("ann")
                .passport(None::<Ref<Passport>>)
                .insert(tx)?;
            Person::build()
                .id(2)
                .name("bob")
                .passport(None::<Ref<Passport>>)
                .insert(tx)?;
            Passport::build()
                .id(10)
                .person(Some(Ref::from(&ann)))
                .insert(tx)?;
            Ok(())
        })?;
        db.transaction(|tx| {
            let ann = tx.get_or_err::<Person>(1)?;
            let bob = tx.get_or_err::<Person>(2)?;
            let old = tx.get_or_err::<Passport>(10)?;
            assert_eq!(ann.passport().map(|p| *p.key()), Some(10));
            tx.execute_sql("DELETE FROM passport WHERE id = 10", &[])?;
            let new = Passport::build()
                .id(10)
                .person(Some(Ref::from(&bob)))
                .insert(tx)?;
            assert!(!Obj::ptr_eq(&old, &new));
            assert_eq!(bob.passport().map(|p| *p.key()), Some(10));
            assert_eq!(ann.passport(), None);
            Ok(())
        })
    })
}
