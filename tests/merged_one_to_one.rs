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

/// A passport another transaction moved away from a person this transaction has since given
/// another passport: the person keeps the passport it holds now (the move's clearing took it
/// away, whatever the person held).
#[test]
fn a_move_clears_only_a_partner_that_still_names_the_row() -> colt::Result<()> {
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
        // (Passport 7 no longer names ann in the database: 8 may.)
        eight.set(|p| p.person = Some(Ref::from(&ann)))?;
        tx.flush()?;
        assert_eq!(ann.passport().map(|p| *p.key()), Some(8));
        select!(p for p in Passport if p.id == 7).one(&tx)?;
        assert_eq!(ann.passport().map(|p| *p.key()), Some(8));
        Ok(())
    })
}
