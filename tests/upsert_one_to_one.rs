//! An upsert of the row of a one-to-one's stored side: the column-less sides of the loaded
//! objects follow the row, whatever this transaction read of it before (found by a review).

mod common;

use colt::prelude::*;
use common::all_backends;

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

/// ann (1), bob (2) and carl (3); passport 7 is ann's.
fn people(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Person, Passport])?;
    db.create_tables()?;
    db.transaction(|tx| {
        let ann = Person::build()
            .id(1)
            .name("ann")
            .passport(None::<Ref<Passport>>)
            .insert(tx)?;
        for (id, name) in [(2, "bob"), (3, "carl")] {
            Person::build()
                .id(id)
                .name(name)
                .passport(None::<Ref<Passport>>)
                .insert(tx)?;
        }
        Passport::build()
            .id(7)
            .person(Some(Ref::from(&ann)))
            .insert(tx)?;
        Ok(())
    })?;
    Ok(db)
}

fn passport_of(p: &Obj<Person>) -> Option<i64> {
    p.passport().map(|r| *r.key())
}

/// This transaction loaded passport 7 when it was ann's; another one gave it to bob; bob,
/// loaded since, shows it. An upsert giving it to carl let ann go (what this transaction
/// had read) but not bob: bob and carl both showed passport 7 until the end of the
/// transaction (an upsert is not checked against what was read, so nothing failed). The
/// column-less sides follow the row as for a row not loaded: every one naming it lets go.
#[test]
fn an_upsert_moves_a_one_to_one_another_transaction_moved_meanwhile() {
    for by_unique_key in [false, true] {
        all_backends(|backend| {
            let db = people(backend)?;
            let tx = db.begin()?;
            let _seven = tx.get_or_err::<Passport>(7)?;
            let ann = tx.get_or_err::<Person>(1)?;
            db.transaction(|other| {
                other
                    .get_or_err::<Passport>(7)?
                    .set(|p| p.person = Some(Ref::new(2)))
            })?;
            let bob = tx.get_or_err::<Person>(2)?;
            let carl = tx.get_or_err::<Person>(3)?;
            assert_eq!(passport_of(&bob), Some(7));
            let to_carl = Passport {
                id: 7,
                person: Some(Ref::new(3)),
            };
            if by_unique_key {
                tx.upsert_on(to_carl, &["id"])?;
            } else {
                tx.upsert(to_carl)?;
            }
            let seen = (passport_of(&ann), passport_of(&bob), passport_of(&carl));
            tx.commit()?;
            assert_eq!(seen, (None, None, Some(7)), "upsert_on: {by_unique_key}");
            Ok(())
        });
    }
}

/// An upsert that leaves the row's person as it was: that person keeps the passport.
#[test]
fn an_upsert_keeping_a_one_to_one_keeps_it() {
    all_backends(|backend| {
        let db = people(backend)?;
        let tx = db.begin()?;
        let ann = tx.get_or_err::<Person>(1)?;
        let _seven = tx.get_or_err::<Passport>(7)?;
        tx.upsert(Passport {
            id: 7,
            person: Some(Ref::new(1)),
        })?;
        let seen = passport_of(&ann);
        tx.commit()?;
        assert_eq!(seen, Some(7));
        Ok(())
    });
}
