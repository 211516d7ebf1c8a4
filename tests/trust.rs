//! Query shapes that once returned wrong rows without an error, and objects used with a
//! transaction that is not their own (issue 11). Each test failed before its fix.

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
pub struct Band {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub records: Set<Record>,
}

#[derive(Entity, Debug, Clone)]
pub struct Record {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub title: String,
    pub band: Ref<Band>,
    pub songs: Set<Song>,
}

#[derive(Entity, Debug, Clone)]
pub struct Song {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub title: String,
    pub seconds: i64,
    pub record: Ref<Record>,
}

#[derive(Entity, Debug, Clone)]
pub struct Teacher {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub grades: Set<Grade>,
}

#[derive(Entity, Debug, Clone)]
pub struct Grade {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub mark: i64,
    pub teacher: Ref<Teacher>,
}

#[derive(Entity, Debug, Clone)]
pub struct Apple {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub variety: String,
}

#[derive(Entity, Debug, Clone)]
pub struct Pear {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub variety: String,
    pub ripe: bool,
}

#[derive(Entity, Debug, Clone)]
pub struct Student {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
}

fn music(backend: &common::Backend) -> colt::Result<Database> {
    music_in(backend.open())
}

/// The data in a database that several transactions can use at once.
fn shared_music(backend: &common::Backend) -> colt::Result<Database> {
    music_in(Database::open(&backend.fresh_url())?)
}

fn music_in(db: Database) -> colt::Result<Database> {
    db.bind(schema![
        Band, Record, Song, Teacher, Grade, Apple, Pear, Student
    ])?;
    db.create_tables()?;
    db.transaction(|tx| {
        // Band A: 2 records of 3 and 4 songs. Band B: 1 record of 1 song. Band C: none.
        let a = Band::build().name("A").insert(tx)?;
        let b = Band::build().name("B").insert(tx)?;
        Band::build().name("C").insert(tx)?;
        let a1 = Record::build().title("a1").band(&a).insert(tx)?;
        let a2 = Record::build().title("a2").band(&a).insert(tx)?;
        let b1 = Record::build().title("b1").band(&b).insert(tx)?;
        for (record, n) in [(&a1, 3), (&a2, 4), (&b1, 1)] {
            for i in 0..n {
                Song::build()
                    .title(format!("{}-{i}", record.title()))
                    .seconds(100 + i)
                    .record(record)
                    .insert(tx)?;
            }
        }
        let t1 = Teacher::build().name("T1").insert(tx)?;
        let t2 = Teacher::build().name("T2").insert(tx)?;
        for (t, mark) in [(&t1, 1), (&t1, 2), (&t2, 3)] {
            Grade::build().mark(mark).teacher(t).insert(tx)?;
        }
        Apple::build().variety("Gala").insert(tx)?;
        Apple::build().variety("Fuji").insert(tx)?;
        Pear::build().variety("Conference").ripe(true).insert(tx)?;
        for name in ["Ann", "Bob", "Cid"] {
            Student::build().name(name).insert(tx)?;
        }
        Ok(())
    })?;
    Ok(db)
}

#[test]
fn sibling_aggregates_over_a_collection_and_its_sub_path_count_apart() -> colt::Result<()> {
    each_backend(|backend| {
        let db = music(backend)?;
        db.transaction(|tx| {
            let rows = select!((b.name, count(b.records), count(b.records.songs)) for b in Band)
                .fetch(tx)?;
            assert_eq!(
                common::sorted(rows),
                vec![
                    ("A".to_string(), 2, 7),
                    ("B".to_string(), 1, 1),
                    ("C".to_string(), 0, 0)
                ]
            );
            // The other order.
            let rows = select!((b.name, count(b.records.songs), count(b.records)) for b in Band)
                .fetch(tx)?;
            assert_eq!(
                common::sorted(rows),
                vec![
                    ("A".to_string(), 7, 2),
                    ("B".to_string(), 1, 1),
                    ("C".to_string(), 0, 0)
                ]
            );
            // In conditions.
            let names = select!(b.name for b in Band
                if count(b.records) >= 2 && count(b.records.songs) < 10)
            .fetch(tx)?;
            assert_eq!(names, vec!["A".to_string()]);
            let names = select!(b.name for b in Band
                if count(b.records.songs) >= 1 && count(b.records) == 1)
            .fetch(tx)?;
            assert_eq!(names, vec!["B".to_string()]);
            // Mixed with sum, avg and exists over either path.
            let rows = select!((b.name, count(b.records), sum(b.records.songs.seconds), avg(b.records.songs.seconds)) for b in Band if exists(b.records))
                .fetch(tx)?;
            assert_eq!(
                common::sorted(
                    rows.into_iter()
                        .map(|(n, c, s, a)| (n, c, s, a.map(|a| (a * 100.0).round() as i64)))
                        .collect()
                ),
                vec![
                    ("A".to_string(), 2, Some(100 * 7 + 3 + 6), Some(10129)),
                    ("B".to_string(), 1, Some(100), Some(10000)),
                ]
            );
            let rows = select!((b.name, sum(b.records.songs.seconds), count(b.records)) for b in Band if exists(b.records.songs) && count(b.records) > 1)
                .fetch(tx)?;
            assert_eq!(rows, vec![("A".to_string(), Some(709), 2)]);
            Ok(())
        })
    })
}

fn all<T: Entity>(tx: &Transaction) -> colt::Result<Vec<Obj<T>>> {
    select!(x for x in T).fetch(tx)
}

fn how_many<T: Entity>(tx: &Transaction) -> colt::Result<i64> {
    select!(count(x) for x in T).one(tx)
}

#[test]
fn a_query_in_a_generic_function_reads_each_instantiations_entity() -> colt::Result<()> {
    each_backend(|backend| {
        let db = music(backend)?;
        db.transaction(|tx| {
            let apples = all::<Apple>(tx)?;
            assert_eq!(apples.len(), 2);
            let pears = all::<Pear>(tx)?;
            assert_eq!(pears.len(), 1);
            assert_eq!(pears[0].variety(), "Conference");
            assert!(pears[0].ripe());
            assert_eq!(all::<Apple>(tx)?.len(), 2);
            assert_eq!(how_many::<Apple>(tx)?, 2);
            assert_eq!(how_many::<Pear>(tx)?, 1);
            assert_eq!(how_many::<Student>(tx)?, 3);
            Ok(())
        })
    })
}

#[test]
fn bulk_delete_takes_conditions_that_navigate_or_use_sub_queries() -> colt::Result<()> {
    each_backend(|backend| {
        let db = music(backend)?;
        db.transaction(|tx| {
            let loaded = select!(g for g in Grade).fetch(tx)?;
            let n = select!(g for g in Grade if g.teacher.name == "T1").delete(tx)?;
            assert_eq!(n, 2);
            let left: Vec<i64> = select!(g.mark for g in Grade).fetch(tx)?;
            assert_eq!(left, vec![3]);
            // Loaded objects of deleted rows are marked deleted.
            let deleted: Vec<bool> = loaded.iter().map(|g| g.is_deleted()).collect();
            assert_eq!(common::sorted(deleted), vec![false, true, true]);
            Ok(())
        })?;
        let r = db.transaction(|tx| {
            // A sub-query in the condition.
            let n = select!(r for r in Record if count(r.songs) > 3).delete(tx);
            // Songs refer to the record: the constraint, not a refusal of the query shape.
            assert!(matches!(n, Err(colt::Error::Constraint { .. })), "{n:?}");
            Ok(())
        });
        // The failed statement ends the transaction (as PostgreSQL does), and commit says so.
        assert!(
            matches!(r, Err(colt::Error::TransactionAborted { .. })),
            "{r:?}"
        );
        db.transaction(|tx| {
            let n = select!(s for s in Song if s.record.band.name == "B").delete(tx)?;
            assert_eq!(n, 1);
            let n = select!(r for r in Record if r.songs.is_empty()).delete(tx)?;
            assert_eq!(n, 1);
            let titles: Vec<String> = select!(r.title for r in Record).fetch(tx)?;
            assert_eq!(
                common::sorted(titles),
                vec!["a1".to_string(), "a2".to_string()]
            );
            Ok(())
        })?;
        db.transaction(|tx| {
            // Several variables, objects of one of them: each row deleted once.
            let n = select!(s for s in Student for x in Student if s.name < x.name).delete(tx)?;
            assert_eq!(n, 2);
            let left: Vec<String> = select!(s.name for s in Student).fetch(tx)?;
            assert_eq!(left, vec!["Cid".to_string()]);
            Ok(())
        })
    })
}

#[test]
fn chain_and_refine_spellings_hold_sub_comprehensions() -> colt::Result<()> {
    each_backend(|backend| {
        let db = music(backend)?;
        db.transaction(|tx| {
            // Students with someone after them in name order.
            let names: Vec<String> =
                select!(Student.filter(|s| exists(x for x in Student if s.name < x.name))
                    .map(|s| s.name))
                .fetch(tx)?;
            assert_eq!(
                common::sorted(names),
                vec!["Ann".to_string(), "Bob".to_string()]
            );
            let q = select!(s for s in Student);
            let last =
                select!(q.filter(|s| !exists(x for x in Student if s.name < x.name))).fetch(tx)?;
            assert_eq!(last.len(), 1);
            assert_eq!(last[0].name(), "Cid");
            let busy = select!(Band.filter(|b| count(r for r in b.records if r.title != "x") >= 2))
                .fetch(tx)?;
            assert_eq!(busy.len(), 1);
            assert_eq!(busy[0].name(), "A");
            Ok(())
        })
    })
}

#[test]
fn an_object_acts_only_in_its_own_transaction() -> colt::Result<()> {
    each_backend(|backend| {
        let db = shared_music(backend)?;
        // A committed transaction's object.
        let old = db.transaction(|tx| select!(s for s in Student if s.name == "Ann").one(tx))?;
        db.transaction(|tx| {
            let err = old.delete(tx);
            assert!(
                matches!(err, Err(colt::Error::ForeignObject { .. })),
                "{err:?}"
            );
            let ann = select!(s for s in Student if s.name == "Ann").one(tx)?;
            assert!(!ann.is_deleted());
            Ok(())
        })?;
        // Two open transactions.
        let t1 = db.begin()?;
        let t2 = db.begin()?;
        let bob = select!(s for s in Student if s.name == "Bob").one(&t1)?;
        let err = bob.delete(&t2);
        assert!(
            matches!(err, Err(colt::Error::ForeignObject { .. })),
            "{err:?}"
        );
        drop(t2);
        t1.commit()?;
        db.transaction(|tx| {
            assert_eq!(select!(count(s) for s in Student).one(tx)?, 3);
            Ok(())
        })?;
        // Collections: add and remove only with the objects' own transaction.
        let (band, record) = db.transaction(|tx| {
            let band = select!(b for b in Band if b.name == "C").one(tx)?;
            let record = select!(r for r in Record if r.title == "b1").one(tx)?;
            Ok((band, record))
        })?;
        db.transaction(|tx| {
            let err = band.records().add(tx, &record);
            assert!(
                matches!(err, Err(colt::Error::ForeignObject { .. })),
                "{err:?}"
            );
            let c = select!(b for b in Band if b.name == "C").one(tx)?;
            let err = c.records().add(tx, &record);
            assert!(
                matches!(err, Err(colt::Error::ForeignObject { .. })),
                "{err:?}"
            );
            assert_eq!(c.records().count(tx)?, 0);
            Ok(())
        })
    })
}

#[test]
fn an_object_of_another_database_is_refused() -> colt::Result<()> {
    each_backend(|backend| {
        let one = music(backend)?;
        let two = music(backend)?;
        let t1 = one.begin()?;
        let t2 = two.begin()?;
        let ann = select!(s for s in Student if s.name == "Ann").one(&t1)?;
        let err = ann.delete(&t2);
        assert!(
            matches!(err, Err(colt::Error::ForeignObject { .. })),
            "{err:?}"
        );
        t2.commit()?;
        two.transaction(|tx| {
            assert_eq!(select!(count(s) for s in Student).one(tx)?, 3);
            Ok(())
        })
    })
}

/// The reverse side of a one-to-one reads its column through a sub-query in the select list.
#[derive(Entity, Debug, Clone)]
pub struct Citizen {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub visa: Option<Ref<Visa>>,
}

#[derive(Entity, Debug, Clone)]
pub struct Visa {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub number: String,
    pub holder: Ref<Citizen>,
}

#[test]
fn following_references_to_an_entity_with_a_one_to_one_reverse_side() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.open();
        db.bind(schema![Citizen, Visa])?;
        db.create_tables()?;
        db.transaction(|tx| {
            for (name, number) in [("Ann", "V-1"), ("Bob", "V-2")] {
                let c = Citizen::build().name(name).insert(tx)?;
                Visa::build().number(number).holder(&c).insert(tx)?;
            }
            Ok(())
        })?;
        db.transaction(|tx| {
            // Loading the holders of every visa is one batch (the statement used to be
            // made by cutting the text of the lookup at its first ` WHERE `, which here is
            // inside the select list).
            let visas = select!(v for v in Visa).fetch(tx)?;
            let mut names = Vec::new();
            for v in &visas {
                names.push(v.holder().get(tx)?.name());
            }
            assert_eq!(
                common::sorted(names),
                vec!["Ann".to_string(), "Bob".to_string()]
            );
            Ok(())
        })
    })
}

#[test]
fn text_tests_inside_a_sub_comprehension_test_text() -> colt::Result<()> {
    each_backend(|backend| {
        let db = music(backend)?;
        db.transaction(|tx| {
            // Bands with a record whose title contains "2": only A (a2).
            let names: Vec<String> = select!(b.name for b in Band
                if exists(r for r in b.records if r.title.contains("2")))
            .fetch(tx)?;
            assert_eq!(names, vec!["A".to_string()]);
            let names: Vec<String> = select!(b.name for b in Band
                if count(s for s in b.records.songs if s.title.contains("a1")) == 3)
            .fetch(tx)?;
            assert_eq!(names, vec!["A".to_string()]);
            let n: i64 = select!(count(s) for s in Student
                if exists(x for x in Student if x.name.contains("o") && x.name != s.name))
            .one(tx)?;
            // Bob contains "o": every student but Bob has another student with an "o".
            assert_eq!(n, 2);
            Ok(())
        })
    })
}

/// A generator over a path through two collections (`for s in b.records.songs`) ranges over
/// the songs, joined through the records (it was left in a sub-query nobody rendered: every
/// band came back, band C without any song too).
#[test]
fn a_generator_over_a_path_through_two_collections_filters() -> colt::Result<()> {
    each_backend(|backend| {
        let db = music(backend)?;
        db.transaction(|tx| {
            let bands = select!(b.name for b in Band for s in b.records.songs);
            assert_eq!(common::sorted(bands.fetch(tx)?), ["A", "B"]);
            let counts = select!((b.name, count(s)) for b in Band for s in b.records.songs);
            assert_eq!(
                common::sorted(counts.fetch(tx)?),
                [("A".to_string(), 7), ("B".to_string(), 1)]
            );
            let titles = select!(s.title for b in Band for s in b.records.songs if b.name == "B");
            assert_eq!(titles.fetch(tx)?, ["b1-0"]);
            let with_c = select!(left_join((b.name, count(s)) for b in Band
                for s in b.records.songs));
            assert_eq!(
                common::sorted(with_c.fetch(tx)?),
                [
                    ("A".to_string(), 7),
                    ("B".to_string(), 1),
                    ("C".to_string(), 0)
                ]
            );
            Ok(())
        })
    })
}

/// `count` of the references a collection's members hold counts the objects they name, as
/// `count` of objects does everywhere (band A's two records both name band A: it counted 2).
#[test]
fn count_of_references_through_a_collection_counts_objects() -> colt::Result<()> {
    each_backend(|backend| {
        let db = music(backend)?;
        db.transaction(|tx| {
            let rows = select!((b.name, count(b.records.band)) for b in Band);
            assert_eq!(
                common::sorted(rows.fetch(tx)?),
                [
                    ("A".to_string(), 1),
                    ("B".to_string(), 1),
                    ("C".to_string(), 0)
                ]
            );
            let songs = select!((b.name, count(b.records.songs.record)) for b in Band);
            assert_eq!(
                common::sorted(songs.fetch(tx)?),
                [
                    ("A".to_string(), 2),
                    ("B".to_string(), 1),
                    ("C".to_string(), 0)
                ]
            );
            Ok(())
        })
    })
}

/// A grouped query whose ordering or selected value reads, through a sub-query or beside an
/// aggregate, an attribute it does not group by is refused, as PostgreSQL refuses it (SQLite
/// read it from an arbitrary row of each group).
#[test]
fn a_grouped_query_reading_ungrouped_rows_through_a_sub_query_is_refused() -> colt::Result<()> {
    each_backend(|backend| {
        let db = music(backend)?;
        db.transaction(|tx| {
            let by_songs = select!(((r.band.name, count(r)) for r in Record)
                .order_by(|r| desc(count(r.songs))));
            let r = by_songs.fetch(tx);
            assert!(matches!(r, Err(colt::Error::InvalidQuery(_))), "{r:?}");
            let with_songs = select!((r.band.name, count(r))
                for r in Record if count(r) > 5 || exists(r.songs));
            let r = with_songs.fetch(tx);
            assert!(matches!(r, Err(colt::Error::InvalidQuery(_))), "{r:?}");
            let mixed = select!((r.band.name, count(r) + r.id) for r in Record);
            let r = mixed.fetch(tx);
            assert!(matches!(r, Err(colt::Error::InvalidQuery(_))), "{r:?}");
            // Grouped by the variable itself, its sub-queries are per group: fine.
            let per_record = select!((r, count(r.songs), max(r.songs.seconds)) for r in Record);
            assert_eq!(per_record.fetch(tx)?.len(), 3);
            let per_band = select!(((b.name, count(b.records)) for b in Band)
                .order_by(|b| desc(count(b.records.songs))));
            assert_eq!(per_band.fetch(tx)?[0].0, "A");
            Ok(())
        })
    })
}

/// A collection reached from a sub-comprehension's variable through a reference
/// (`r.band.records`) is a sub-query of its own (it was put in the sub-comprehension's own
/// scope, and rendering it recursed until the stack overflowed).
#[test]
fn a_collection_through_a_reference_inside_a_sub_comprehension() -> colt::Result<()> {
    each_backend(|backend| {
        let db = music(backend)?;
        db.transaction(|tx| {
            let bands = select!(b.name for b in Band
                if exists(r for r in Record if r.band == b && count(r.band.records) > 1));
            assert_eq!(bands.fetch(tx)?, ["A"]);
            Ok(())
        })
    })
}

/// An aggregate over a sub-comprehension's own rows inside its own condition is refused
/// (rendering it recursed until the stack overflowed).
#[test]
fn an_aggregate_of_a_sub_comprehensions_own_rows_in_its_condition_is_refused() -> colt::Result<()> {
    each_backend(|backend| {
        let db = music(backend)?;
        db.transaction(|tx| {
            let q = select!(b.name for b in Band
                if exists(r for r in b.records for s in r.songs if count(s) > 2));
            let r = q.fetch(tx);
            assert!(matches!(r, Err(colt::Error::InvalidQuery(_))), "{r:?}");
            Ok(())
        })
    })
}

/// Its SQL can be shown all the same (it recursed until the stack overflowed).
#[test]
fn the_sql_of_a_refused_self_aggregating_sub_comprehension_is_shown() {
    let q = select!(b.name for b in Band
        if exists(r for r in b.records for s in r.songs if count(s) > 2));
    assert!(q.sql(colt::Dialect::Sqlite).contains("EXISTS"));
}

/// A grouped query's condition may hold a sub-comprehension with a sub-query of its own
/// (it was refused: the inner sub-query's columns were taken for ungrouped ones).
#[test]
fn a_nested_sub_query_in_a_grouped_condition_is_accepted() -> colt::Result<()> {
    each_backend(|backend| {
        let db = music(backend)?;
        db.transaction(|tx| {
            let q = select!((b, count(r)) for b in Band for r in b.records
                if count(r) > 5 || exists(x for x in b.records if exists(x.songs)));
            let names = q
                .fetch(tx)?
                .into_iter()
                .map(|(b, n)| (b.name(), n))
                .collect();
            assert_eq!(
                common::sorted(names),
                [("A".to_string(), 2), ("B".to_string(), 1)]
            );
            Ok(())
        })
    })
}
