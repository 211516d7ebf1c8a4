//! Constraints and defaults in the tables Colt creates (issue 13): unique constraints and
//! indexes over several columns, and `default` written as the column's SQL `DEFAULT`, on
//! both backends.

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Value, Debug, Clone, Copy, PartialEq)]
#[colt(rename_all = "lowercase")]
enum Level {
    Basic,
    Gold,
}

#[derive(Entity, Debug, Clone)]
#[colt(unique(first_name, last_name), index(city, zip))]
struct Member {
    #[colt(primary_key, auto)]
    id: i64,
    first_name: String,
    last_name: String,
    city: String,
    zip: String,
    #[colt(default = 5)]
    credits: i64,
    #[colt(default = "new")]
    note: String,
    #[colt(default = true)]
    active: bool,
    #[colt(default = Level::Gold)]
    level: Level,
    #[colt(default = 0.5)]
    ratio: f64,
}

fn members(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Member])?;
    db.create_tables()?;
    db.check_tables()?;
    Ok(db)
}

/// A row inserted by another program, without the defaulted columns, gets Colt's defaults.
#[test]
fn defaults_are_the_columns_sql_defaults() -> colt::Result<()> {
    each_backend(|backend| {
        let db = members(backend)?;
        db.transaction(|tx| {
            tx.execute_sql(
                "INSERT INTO member (first_name, last_name, city, zip) VALUES ('Ada', 'L', 'X', '1')",
                &[],
            )?;
            let m = select!(m for m in Member).one(tx)?;
            assert_eq!(m.credits(), 5);
            assert_eq!(m.note(), "new");
            assert!(m.active());
            assert_eq!(m.level(), Level::Gold);
            assert_eq!(m.ratio(), 0.5);
            // The builder gives the same values.
            let b = Member::build()
                .first_name("Bo")
                .last_name("M")
                .city("Y")
                .zip("2")
                .insert(tx)?;
            assert_eq!((b.credits(), b.note(), b.level()), (5, "new".to_string(), Level::Gold));
            Ok(())
        })
    })
}

#[test]
fn a_unique_constraint_spans_several_columns() -> colt::Result<()> {
    each_backend(|backend| {
        let db = members(backend)?;
        let add = |first: &str, last: &str| {
            db.transaction(|tx| {
                Member::build()
                    .first_name(first)
                    .last_name(last)
                    .city("C")
                    .zip("Z")
                    .insert(tx)?;
                Ok(())
            })
        };
        add("Ada", "Lovelace")?;
        add("Ada", "Byron")?; // one column alike is fine
        add("Bo", "Lovelace")?;
        match add("Ada", "Lovelace") {
            Err(Error::Constraint { kind, .. }) => assert_eq!(kind, ConstraintKind::Unique),
            other => panic!("expected a unique violation, got {other:?}"),
        }
        Ok(())
    })
}

#[test]
fn an_index_spans_several_columns() -> colt::Result<()> {
    each_backend(|backend| {
        let db = members(backend)?;
        let columns: Vec<String> = db.transaction(|tx| {
            if backend.is_postgres() {
                tx.query_sql(
                    "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'member' \
                     AND indexname = 'idx_member__city__zip'",
                    &[],
                )
            } else {
                tx.query_sql(
                    "SELECT group_concat(name, ',') FROM pragma_index_info('idx_member__city__zip')",
                    &[],
                )
            }
        })?;
        assert_eq!(columns.len(), 1, "the index exists");
        let shown = columns[0].to_lowercase();
        assert!(shown.contains("city") && shown.contains("zip"), "{shown}");
        assert!(shown.find("city") < shown.find("zip"), "{shown}");
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
struct Tally {
    #[colt(primary_key, auto)]
    id: i64,
    name: String,
    note: Option<String>,
}

/// The builder keeps the values its setters were given (required first, optional after) and
/// inserts them; a builder value made by hand in this module without its required value is
/// a typed error, and nothing is inserted.
#[test]
fn a_builder_without_a_required_value_is_an_error() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Tally])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let t = Tally::build().note("n").name("a").insert(tx)?;
            assert_eq!(
                (t.name(), t.note()),
                ("a".to_string(), Some("n".to_string()))
            );
            let u = Tally::build().name("b").insert(tx)?;
            assert_eq!(u.note(), None);
            let forged: TallyBuilder<colt::builder::Given<String>> = TallyBuilder {
                values: (None, Some(Some("x".to_string()))),
                state: std::marker::PhantomData,
            };
            match forged.insert(tx) {
                Err(Error::MissingField { entity, field }) => {
                    assert_eq!((entity, field), ("Tally", "name"))
                }
                other => panic!("expected MissingField, got {other:?}"),
            }
            assert_eq!(select!(t for t in Tally).count(tx)?, 2);
            Ok(())
        })
    })
}

#[derive(Entity, Debug, Clone)]
struct Account {
    #[colt(primary_key)]
    tenant: i64,
    #[colt(primary_key, unique)]
    email: String,
    name: String,
}

#[derive(Entity, Debug, Clone)]
struct Course {
    #[colt(primary_key)]
    id: i64,
    enrollments: Set<Enrollment>,
}

#[derive(Entity, Debug, Clone)]
struct Student {
    #[colt(primary_key)]
    id: i64,
    enrollments: Set<Enrollment>,
}

#[derive(Entity, Debug, Clone)]
struct Enrollment {
    #[colt(primary_key)]
    student: Ref<Student>,
    #[colt(primary_key)]
    course: Ref<Course>,
}

/// `unique` on a field that is part of a composite key was dropped from the table: two
/// tenants held the same address, and `upsert_on(.., &["email"])` was refused. A reference
/// that is the second part of a key got no index (the key's index serves only its first
/// column), so `course.enrollments` read the whole table.
#[test]
fn a_key_column_keeps_its_unique_and_its_index() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Account, Course, Student, Enrollment])?;
        db.create_tables()?;
        db.check_tables()?;
        db.transaction(|tx| {
            Account::build()
                .tenant(1)
                .email("ann@x.org")
                .name("ann")
                .insert(tx)
                .map(|_| ())
        })?;
        let twice = db.transaction(|tx| {
            Account::build()
                .tenant(2)
                .email("ann@x.org")
                .name("ann again")
                .insert(tx)
                .map(|_| ())
        });
        assert!(matches!(twice, Err(Error::Constraint { .. })), "{twice:?}");
        let upserted = db.transaction(|tx| {
            let a = tx.upsert_on(
                Account {
                    tenant: 1,
                    email: "ann@x.org".into(),
                    name: "Ann".into(),
                },
                &["email"],
            )?;
            Ok(a.name())
        })?;
        assert_eq!(upserted, "Ann");
        let catalog = db.catalog()?;
        let enrollment = catalog.table("enrollment").expect("the table");
        assert!(
            enrollment
                .indexes
                .iter()
                .any(|i| i.columns == ["course"] && !i.unique),
            "{enrollment:?}"
        );
        Ok(())
    })
}

static NEXT_TICKET: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(100);

fn next_ticket() -> i64 {
    NEXT_TICKET.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

#[derive(Entity, Debug, Clone)]
struct Ticket {
    #[colt(primary_key)]
    id: i64,
    #[colt(default = next_ticket())]
    number: i64,
    #[colt(default = 7)]
    seats: i64,
    #[colt(default = String::new())]
    note: String,
}

/// A `default` worked out per object (`Utc::now()`, a counter) was written into the table
/// once, as the value it had when `create_tables` ran: every row another program inserted
/// got that value. Only a constant is the column's SQL `DEFAULT`; a row without the other
/// is refused (NOT NULL), not given a stale value.
#[test]
fn only_a_constant_default_is_the_tables() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Ticket])?;
        db.create_tables()?;
        db.check_tables()?;
        let t = db.transaction(|tx| Ticket::build().id(1).insert(tx).map(|t| t.number()))?;
        assert!(t >= 100, "{t}");
        let raw = db
            .transaction(|tx| tx.execute_sql("INSERT INTO ticket (id, seats) VALUES (2, 3)", &[]));
        assert!(matches!(raw, Err(Error::Constraint { .. })), "{raw:?}");
        db.transaction(|tx| tx.execute_sql("INSERT INTO ticket (id, number) VALUES (3, 5)", &[]))?;
        let seats = db.transaction(|tx| select!(t.seats for t in Ticket if t.id == 3).one(tx))?;
        assert_eq!(seats, 7);
        // A constructor of a fixed value is a constant.
        let note = db.transaction(|tx| select!(t.note for t in Ticket if t.id == 3).one(tx))?;
        assert_eq!(note, "");
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
struct Booking {
    #[colt(primary_key)]
    id: i64,
    room: i64,
}

/// A write another kind of constraint refuses says which: a PostgreSQL `EXCLUDE` was a bare
/// database error, a SQLite trigger's `RAISE(ABORT, ..)` a `CHECK`.
#[test]
fn exclusion_constraints_and_refusing_triggers_are_named() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            if backend.is_postgres() {
                tx.execute_sql(
                    "CREATE TABLE booking (id BIGINT PRIMARY KEY, room BIGINT NOT NULL, EXCLUDE USING btree (room WITH =))",
                    &[],
                )
            } else {
                tx.execute_sql(
                    "CREATE TABLE booking (id BIGINT PRIMARY KEY, room BIGINT NOT NULL)",
                    &[],
                )?;
                tx.execute_sql(
                    "CREATE TRIGGER one_per_room BEFORE INSERT ON booking WHEN EXISTS (SELECT 1 FROM booking WHERE room = NEW.room) BEGIN SELECT RAISE(ABORT, 'the room is taken'); END",
                    &[],
                )
            }
        })?;
        db.bind(schema![Booking])?;
        db.transaction(|tx| {
            Booking::build().id(1).room(7).insert(tx)?;
            Ok(())
        })?;
        let second = db.transaction(|tx| {
            Booking::build().id(2).room(7).insert(tx)?;
            Ok(())
        });
        let want = if backend.is_postgres() {
            ConstraintKind::Exclusion
        } else {
            ConstraintKind::Trigger
        };
        match second {
            Err(Error::Constraint { kind, .. }) => assert_eq!(kind, want),
            other => panic!("expected a constraint error, got {other:?}"),
        }
        Ok(())
    })
}
