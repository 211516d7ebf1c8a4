//! Loaded collections at their edges (issue 14, from a review): owner key types through the
//! batched statement on both backends, upserts that move rows behind loaded objects' backs,
//! and a sibling's member changed by another transaction.

mod common;

use colt::prelude::*;
use common::each_backend;

// ---------- owner key types through `members_of_owners` ----------

#[cfg(feature = "chrono")]
mod dates {
    use super::*;
    use chrono::{NaiveDate, NaiveDateTime};

    #[derive(Entity, Debug, Clone)]
    pub struct Day {
        #[colt(primary_key)]
        pub day: NaiveDate,
        pub events: Set<Event>,
    }

    #[derive(Entity, Debug, Clone)]
    pub struct Event {
        #[colt(primary_key)]
        pub id: i64,
        pub day: Ref<Day>,
    }

    #[derive(Entity, Debug, Clone)]
    pub struct Slot {
        #[colt(primary_key)]
        pub at: NaiveDateTime,
        pub bookings: Set<Booking>,
    }

    #[derive(Entity, Debug, Clone)]
    pub struct Booking {
        #[colt(primary_key)]
        pub id: i64,
        pub slot: Ref<Slot>,
    }

    #[test]
    fn collections_of_date_keyed_owners() -> colt::Result<()> {
        each_backend(|backend| {
            let db = Database::open(&backend.fresh_url())?;
            db.bind(schema![Day, Event])?;
            db.create_tables()?;
            let d1 = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
            let d2 = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
            db.transaction(|tx| {
                let a = Day::build().day(d1).insert(tx)?;
                let b = Day::build().day(d2).insert(tx)?;
                Event::build().id(1).day(&a).insert(tx)?;
                Event::build().id(2).day(&b).insert(tx)?;
                Event::build().id(3).day(&b).insert(tx)?;
                Ok(())
            })?;
            db.transaction(|tx| {
                let days = select!((d for d in Day).order_by(|d| d.day)).fetch(tx)?;
                assert_eq!(days[0].events().fetch(tx)?.len(), 1);
                assert_eq!(days[1].events().fetch(tx)?.len(), 2);
                Ok(())
            })
        })
    }

    #[test]
    fn collections_of_timestamp_keyed_owners() -> colt::Result<()> {
        each_backend(|backend| {
            let db = Database::open(&backend.fresh_url())?;
            db.bind(schema![Slot, Booking])?;
            db.create_tables()?;
            let t = NaiveDate::from_ymd_opt(2024, 1, 1)
                .unwrap()
                .and_hms_opt(10, 0, 0)
                .unwrap();
            db.transaction(|tx| {
                let a = Slot::build().at(t).insert(tx)?;
                Booking::build().id(1).slot(&a).insert(tx)?;
                Ok(())
            })?;
            db.transaction(|tx| {
                let slots = select!(s for s in Slot).fetch(tx)?;
                assert_eq!(slots[0].bookings().fetch(tx)?.len(), 1);
                Ok(())
            })
        })
    }
}

#[cfg(feature = "uuid")]
mod uuids {
    use super::*;
    use uuid::Uuid;

    #[derive(Entity, Debug, Clone)]
    pub struct Account {
        #[colt(primary_key)]
        pub id: Uuid,
        pub entries: Set<Entry>,
    }

    #[derive(Entity, Debug, Clone)]
    pub struct Entry {
        #[colt(primary_key)]
        pub id: i64,
        pub account: Ref<Account>,
    }

    #[test]
    fn collections_of_uuid_keyed_owners() -> colt::Result<()> {
        each_backend(|backend| {
            let db = Database::open(&backend.fresh_url())?;
            db.bind(schema![Account, Entry])?;
            db.create_tables()?;
            let (u1, u2) = (Uuid::from_u128(1), Uuid::from_u128(2));
            db.transaction(|tx| {
                let a = Account::build().id(u1).insert(tx)?;
                let b = Account::build().id(u2).insert(tx)?;
                Entry::build().id(1).account(&a).insert(tx)?;
                Entry::build().id(2).account(&b).insert(tx)?;
                Entry::build().id(3).account(&b).insert(tx)?;
                Ok(())
            })?;
            db.transaction(|tx| {
                let a = tx.get_or_err::<Account>(u1)?;
                let b = tx.get_or_err::<Account>(u2)?;
                assert_eq!(a.entries().fetch(tx)?.len(), 1);
                assert_eq!(b.entries().fetch(tx)?.len(), 2);
                Ok(())
            })
        })
    }
}

#[derive(Entity, Debug, Clone)]
struct Team {
    #[colt(primary_key)]
    id: i32,
    players: Set<Player>,
}

#[derive(Entity, Debug, Clone)]
struct Player {
    #[colt(primary_key)]
    id: i64,
    team: Ref<Team>,
}

#[derive(Entity, Debug, Clone)]
struct Club {
    #[colt(primary_key)]
    code: String,
    fans: Set<Fan>,
}

#[derive(Entity, Debug, Clone)]
struct Fan {
    #[colt(primary_key)]
    id: i64,
    club: Ref<Club>,
}

#[test]
fn collections_of_i32_and_text_keyed_owners() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Team, Player, Club, Fan])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let a = Team::build().id(1).insert(tx)?;
            let b = Team::build().id(2).insert(tx)?;
            Player::build().id(1).team(&a).insert(tx)?;
            Player::build().id(2).team(&b).insert(tx)?;
            let x = Club::build().code("abc").insert(tx)?;
            let y = Club::build().code("ABC").insert(tx)?;
            Fan::build().id(1).club(&x).insert(tx)?;
            Fan::build().id(2).club(&y).insert(tx)?;
            Fan::build().id(3).club(&y).insert(tx)?;
            Ok(())
        })?;
        db.transaction(|tx| {
            let teams = select!((t for t in Team).order_by(|t| t.id)).fetch(tx)?;
            assert_eq!(teams[0].players().fetch(tx)?.len(), 1);
            assert_eq!(teams[1].players().count(tx)?, 1);
            let x = tx.get_or_err::<Club>("abc".to_string())?;
            let y = tx.get_or_err::<Club>("ABC".to_string())?;
            assert_eq!(x.fans().fetch(tx)?.len(), 1);
            assert_eq!(y.fans().fetch(tx)?.len(), 2);
            Ok(())
        })
    })
}

// ---------- an upsert of a row whose loaded object is stale ----------

#[derive(Entity, Debug, Clone)]
struct Owner {
    #[colt(primary_key)]
    id: i64,
    pets: Set<Pet>,
}

#[derive(Entity, Debug, Clone)]
struct Pet {
    #[colt(primary_key)]
    id: i64,
    owner: Ref<Owner>,
    name: String,
}

fn owners_and_pets(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Owner, Pet])?;
    db.create_tables()?;
    db.transaction(|tx| {
        let a = Owner::build().id(1).insert(tx)?;
        Owner::build().id(2).insert(tx)?;
        Pet::build().id(10).owner(&a).name("rex").insert(tx)?;
        Ok(())
    })?;
    Ok(db)
}

fn pet_ids_by_query(tx: &Transaction, o: i64) -> colt::Result<Vec<i64>> {
    select!((p.id for p in Pet if p.owner.id == o).order_by(|p| p.id)).fetch(tx)
}

/// The row of a loaded object is deleted behind Colt's back (raw SQL); the collection is
/// loaded again (empty, right); an upsert puts the row back with the same reference: the
/// loaded object's stale value is taken as the row's `before`, so no reference "changed"
/// and the loaded list is not bumped.
#[test]
fn upsert_reinserting_a_row_deleted_by_raw_sql() -> colt::Result<()> {
    each_backend(|backend| {
        let db = owners_and_pets(backend)?;
        db.transaction(|tx| {
            let a = tx.get_or_err::<Owner>(1)?;
            let rex = tx.get_or_err::<Pet>(10)?;
            assert_eq!(a.pets().count(tx)?, 1);
            tx.execute_sql("DELETE FROM pet WHERE id = 10", &[])?;
            assert_eq!(a.pets().fetch(tx)?.len(), 0);
            let again = tx.upsert(Pet {
                id: 10,
                owner: Ref::from(&a),
                name: "rex".into(),
            })?;
            assert!(Obj::ptr_eq(&again, &rex));
            assert_eq!(pet_ids_by_query(tx, 1)?, [10]);
            assert_eq!(a.pets().fetch(tx)?.len(), 1, "fetch after upsert");
            assert_eq!(a.pets().count(tx)?, 1, "count after upsert");
            Ok(())
        })
    })
}

/// Same with a row moved by raw SQL (the loaded object still says owner 1): `upsert` moves
/// it back to owner 1, and owner 2's loaded list keeps it.
#[test]
fn upsert_moving_back_a_row_moved_by_raw_sql() -> colt::Result<()> {
    each_backend(|backend| {
        let db = owners_and_pets(backend)?;
        db.transaction(|tx| {
            let a = tx.get_or_err::<Owner>(1)?;
            let _rex = tx.get_or_err::<Pet>(10)?;
            tx.execute_sql("UPDATE pet SET owner = 2 WHERE id = 10", &[])?;
            // Only owner 1 is loaded: owner 2's list is not, so pet 10 is not read again.
            assert_eq!(a.pets().fetch(tx)?.len(), 0);
            tx.upsert(Pet {
                id: 10,
                owner: Ref::from(&a),
                name: "rex".into(),
            })?;
            assert_eq!(pet_ids_by_query(tx, 1)?, [10]);
            assert_eq!(a.pets().count(tx)?, 1, "owner 1 after upsert");
            Ok(())
        })
    })
}

// ---------- the same through a cascade of the schema (no raw SQL after setup) ----------

#[derive(Entity, Debug, Clone)]
struct Home {
    #[colt(primary_key)]
    id: i64,
    cats: Set<Cat>,
}

#[derive(Entity, Debug, Clone)]
struct Vet {
    #[colt(primary_key)]
    id: i64,
    cats: Set<Cat>,
}

#[derive(Entity, Debug, Clone)]
struct Cat {
    #[colt(primary_key)]
    id: i64,
    home: Ref<Home>,
    vet: Ref<Vet>,
}

/// `cat.home` is `ON DELETE CASCADE` in the schema. Deleting home 1 deletes cat 10 in the
/// database; the loaded `Cat` 10 stays in the identity map with its old values. The vet's
/// collection is loaded again (empty: right). Home 1 comes back and `upsert` puts cat 10
/// back with the same references as the stale object: `written` sees no reference change,
/// the vet's loaded list is kept, and says the vet has no cat.
#[test]
fn upsert_after_a_schema_cascade_deleted_the_row() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            tx.execute_sql("CREATE TABLE home (id BIGINT PRIMARY KEY)", &[])?;
            tx.execute_sql("CREATE TABLE vet (id BIGINT PRIMARY KEY)", &[])?;
            tx.execute_sql(
                "CREATE TABLE cat (id BIGINT PRIMARY KEY, home BIGINT NOT NULL REFERENCES home (id) ON DELETE CASCADE, vet BIGINT NOT NULL REFERENCES vet (id))",
                &[],
            )?;
            tx.execute_sql("INSERT INTO home VALUES (1)", &[])?;
            tx.execute_sql("INSERT INTO vet VALUES (7)", &[])?;
            tx.execute_sql("INSERT INTO cat VALUES (10, 1, 7)", &[])?;
            Ok(())
        })?;
        db.bind(schema![Home, Vet, Cat])?;
        db.transaction(|tx| {
            let vet = tx.get_or_err::<Vet>(7)?;
            assert_eq!(vet.cats().fetch(tx)?.len(), 1);
            tx.get_or_err::<Home>(1)?.delete(tx)?;
            assert_eq!(vet.cats().fetch(tx)?.len(), 0, "cascaded by the schema");
            let home = Home::build().id(1).insert(tx)?;
            tx.upsert(Cat {
                id: 10,
                home: Ref::from(&home),
                vet: Ref::from(&vet),
            })?;
            let by_query = select!(count() for c in Cat if c.vet.id == 7).one(tx)?;
            assert_eq!(by_query, 1);
            assert_eq!(vet.cats().count(tx)?, 1, "the vet's cats after the upsert");
            Ok(())
        })
    })
}

#[cfg(feature = "decimal")]
mod decimals {
    use super::*;
    use rust_decimal::Decimal;

    #[derive(Entity, Debug, Clone)]
    pub struct Coin {
        #[colt(primary_key)]
        pub value: Decimal,
        pub bags: Set<Bag>,
    }

    #[derive(Entity, Debug, Clone)]
    pub struct Bag {
        #[colt(primary_key)]
        pub id: i64,
        pub coin: Ref<Coin>,
    }

    #[test]
    fn collections_of_decimal_keyed_owners() -> colt::Result<()> {
        each_backend(|backend| {
            let db = Database::open(&backend.fresh_url())?;
            db.bind(schema![Coin, Bag])?;
            db.create_tables()?;
            let (a, b) = (
                "0.10".parse::<Decimal>().unwrap(),
                "2.5".parse::<Decimal>().unwrap(),
            );
            db.transaction(|tx| {
                let ca = Coin::build().value(a).insert(tx)?;
                let cb = Coin::build().value(b).insert(tx)?;
                Bag::build().id(1).coin(&ca).insert(tx)?;
                Bag::build().id(2).coin(&cb).insert(tx)?;
                Bag::build().id(3).coin(&cb).insert(tx)?;
                Ok(())
            })?;
            db.transaction(|tx| {
                let coins = select!((c for c in Coin).order_by(|c| c.value)).fetch(tx)?;
                assert_eq!(coins[0].bags().fetch(tx)?.len(), 1);
                assert_eq!(coins[1].bags().fetch(tx)?.len(), 2);
                Ok(())
            })
        })
    }
}

#[cfg(feature = "time")]
mod time_dates {
    use super::*;

    #[derive(Entity, Debug, Clone)]
    pub struct Shift {
        #[colt(primary_key)]
        pub day: time::Date,
        pub tasks: Set<Task>,
    }

    #[derive(Entity, Debug, Clone)]
    pub struct Task {
        #[colt(primary_key)]
        pub id: i64,
        pub shift: Ref<Shift>,
    }

    #[test]
    fn collections_of_time_date_keyed_owners() -> colt::Result<()> {
        each_backend(|backend| {
            let db = Database::open(&backend.fresh_url())?;
            db.bind(schema![Shift, Task])?;
            db.create_tables()?;
            let d = time::macros::date!(2024 - 01 - 01);
            db.transaction(|tx| {
                let s = Shift::build().day(d).insert(tx)?;
                Task::build().id(1).shift(&s).insert(tx)?;
                Ok(())
            })?;
            db.transaction(|tx| {
                let s = tx.get_or_err::<Shift>(d)?;
                assert_eq!(s.tasks().fetch(tx)?.len(), 1);
                Ok(())
            })
        })
    }
}

// ---------- a sibling's member read again does not make an unrelated fetch fail ----------

/// Owner 1's pets are asked for; owner 2 is loaded too, so its pets are read in the same
/// statement. Pet 20 (owner 2's), whose name this transaction read, was renamed by another
/// transaction meanwhile: `a.pets().fetch` fails with `UnrepeatableRead` about a row that is
/// not one of owner 1's pets (before 8a72e31 it returned owner 1's pets).
#[test]
fn fetching_one_owners_members_rereads_its_siblings_members() -> colt::Result<()> {
    each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let db = owners_and_pets(backend)?;
        db.transaction(|tx| {
            Pet::build()
                .id(20)
                .owner(&tx.get_or_err::<Owner>(2)?)
                .name("tom")
                .insert(tx)?;
            Ok(())
        })?;
        let tx = db.begin()?;
        let a = tx.get_or_err::<Owner>(1)?;
        let _b = tx.get_or_err::<Owner>(2)?;
        let tom = tx.get_or_err::<Pet>(20)?;
        assert_eq!(tom.name(), "tom");
        db.transaction(|other| {
            other
                .get_or_err::<Pet>(20)?
                .set(|p| p.name = "jerry".into())?;
            Ok(())
        })?;
        assert_eq!(a.pets().fetch(&tx)?.len(), 1);
        // Owner 2's pets, asked for, still say that what was read changed.
        assert!(matches!(
            _b.pets().fetch(&tx),
            Err(colt::Error::UnrepeatableRead { .. })
        ));
        Ok(())
    })
}

/// A member's reference changed by another transaction and taken in by a later query
/// (this transaction had not read it): the loaded lists follow the object. They kept their
/// old members, so `a.pets()` still held the pet whose owner said `b`, and `remove` did
/// nothing.
#[test]
fn a_reference_another_transaction_changed_moves_the_member_when_read() -> colt::Result<()> {
    each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let db = owners_and_pets(backend)?;
        let tx = db.begin()?;
        let a = tx.get_or_err::<Owner>(1)?;
        let b = tx.get_or_err::<Owner>(2)?;
        assert_eq!(a.pets().fetch(&tx)?.len(), 1);
        assert_eq!(b.pets().fetch(&tx)?.len(), 0);
        db.transaction(|other| other.get_or_err::<Pet>(10)?.set(|p| p.owner = Ref::new(2)))?;
        let rex = select!(p for p in Pet if p.id == 10).one(&tx)?;
        assert_eq!(*rex.owner().key(), 2);
        assert_eq!(a.pets().count(&tx)?, 0);
        assert!(!a.pets().contains(&tx, &rex)?);
        assert!(b.pets().contains(&tx, &rex)?);
        assert_eq!(b.pets().fetch(&tx)?.len(), 1);
        Ok(())
    })
}

#[test]
fn prefetch_then_writes_and_first() -> colt::Result<()> {
    each_backend(|backend| {
        let db = owners_and_pets(backend)?;
        db.transaction(|tx| {
            let owners = select!((o for o in Owner).order_by(|o| o.id))
                .prefetch(|o| o.pets())
                .fetch(tx)?;
            let first = select!((o for o in Owner).order_by(|o| o.id))
                .prefetch(|o| o.pets().with(|p| p.owner()))
                .first(tx)?
                .unwrap();
            assert!(Obj::ptr_eq(&first, &owners[0]));
            let rex = tx.get_or_err::<Pet>(10)?;
            rex.set(|p| p.owner = Ref::from(&owners[1]))?;
            assert_eq!(owners[0].pets().count(tx)?, 0);
            assert!(owners[1].pets().contains(tx, &rex)?);
            Pet::build().id(11).owner(&owners[0]).name("a").insert(tx)?;
            tx.insert_many([Pet {
                id: 12,
                owner: Ref::from(&owners[0]),
                name: "b".into(),
            }])?;
            assert_eq!(owners[0].pets().count(tx)?, 2);
            tx.upsert_on(
                Pet {
                    id: 12,
                    owner: Ref::from(&owners[1]),
                    name: "b".into(),
                },
                &["id"],
            )?;
            assert_eq!(owners[0].pets().count(tx)?, 1);
            assert_eq!(owners[1].pets().count(tx)?, 2);
            Ok(())
        })
    })
}

/// PostgreSQL: a conflict in the members of a sibling owner, which a batch load reads and
/// leaves unloaded, made a later unrelated error of the attempt (`NotFound`) look like a
/// conflict's, and `transaction_with_retry` ran the closure again.
#[test]
fn a_siblings_ignored_conflict_does_not_make_a_later_error_retryable() -> colt::Result<()> {
    each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let db = owners_and_pets(backend)?;
        db.transaction(|tx| {
            Pet::build()
                .id(20)
                .owner(&tx.get_or_err::<Owner>(2)?)
                .name("tom")
                .insert(tx)?;
            Ok(())
        })?;
        let runs = std::cell::Cell::new(0);
        let r: colt::Result<()> = db.transaction_with_retry(3, |tx| {
            runs.set(runs.get() + 1);
            let a = tx.get_or_err::<Owner>(1)?;
            let _b = tx.get_or_err::<Owner>(2)?;
            let _ = tx.get_or_err::<Pet>(20)?.name();
            if runs.get() == 1 {
                db.transaction(|o| o.get_or_err::<Pet>(20)?.set(|p| p.name = "jerry".into()))?;
            }
            assert_eq!(a.pets().fetch(tx)?.len(), 1);
            tx.get_or_err::<Owner>(99)?;
            Ok(())
        });
        assert!(matches!(r, Err(colt::Error::NotFound { .. })), "{r:?}");
        assert_eq!(runs.get(), 1);
        Ok(())
    })
}

/// A deleted owner's collection: reading it answered empty (after the delete was written,
/// the cascade had emptied it) where `add` and `remove` are `ObjectDeleted`, and PonyORM
/// refuses any operation on a deleted object. (Found by a review.)
#[test]
fn a_deleted_owners_collection_is_refused() -> colt::Result<()> {
    each_backend(|backend| {
        let db = owners_and_pets(backend)?;
        db.transaction(|tx| {
            let rex = tx.get_or_err::<Pet>(10)?;
            let owner = tx.get_or_err::<Owner>(2)?;
            owner.delete(tx)?;
            for written in [false, true] {
                if written {
                    tx.flush()?;
                }
                let fetched = owner.pets().fetch(tx);
                let counted = owner.pets().count(tx);
                let contained = owner.pets().contains(tx, &rex);
                assert!(
                    matches!(fetched, Err(colt::Error::ObjectDeleted { .. }))
                        && matches!(counted, Err(colt::Error::ObjectDeleted { .. }))
                        && matches!(contained, Err(colt::Error::ObjectDeleted { .. })),
                    "{} (written: {written}): {fetched:?} {counted:?} {contained:?}",
                    backend.name
                );
            }
            Ok(())
        })
    })
}
