//! Column types of the program's own (issue 13): `#[derive(Value)]` on fieldless enums (by
//! name or by discriminant) and newtypes, stored, read back and compared in queries on both
//! backends.

mod common;

use colt::prelude::*;
use common::each_backend;

/// Stored by name, in `snake_case`, with one exception.
#[derive(Value, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[colt(rename_all = "snake_case")]
enum Status {
    Open,
    InProgress,
    #[colt(rename = "done")]
    Closed,
}

/// Stored by discriminant: ordered as declared.
#[derive(Value, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(i16)]
enum Priority {
    Low = 1,
    Normal = 5,
    Urgent = 9,
}

/// Newtypes, stored as their inner type, compared only with themselves.
#[derive(Value, Debug, Clone, PartialEq, Eq)]
struct Email(String);

#[derive(Value, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Cents(i64);

#[derive(Entity, Debug, Clone)]
struct Ticket {
    #[colt(primary_key, auto)]
    id: i64,
    title: String,
    status: Status,
    priority: Priority,
    reporter: Email,
    budget: Cents,
    previous: Option<Status>,
}

fn tickets(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Ticket])?;
    db.create_tables()?;
    db.check_tables()?;
    db.transaction(|tx| {
        let rows = [
            ("a", Status::Open, Priority::Low, "ann@x.org", 100, None),
            (
                "b",
                Status::InProgress,
                Priority::Urgent,
                "bob@x.org",
                2_500,
                Some(Status::Open),
            ),
            (
                "c",
                Status::Closed,
                Priority::Normal,
                "ann@x.org",
                900,
                Some(Status::InProgress),
            ),
            (
                "d",
                Status::Open,
                Priority::Urgent,
                "cy@x.org",
                50,
                Some(Status::Closed),
            ),
        ];
        for (title, status, priority, email, budget, previous) in rows {
            Ticket::build()
                .title(title)
                .status(status)
                .priority(priority)
                .reporter(Email(email.to_string()))
                .budget(Cents(budget))
                .previous(previous)
                .insert(tx)?;
        }
        Ok(())
    })?;
    Ok(db)
}

#[test]
fn derived_values_round_trip_and_are_stored_as_declared() -> colt::Result<()> {
    each_backend(|backend| {
        let db = tickets(backend)?;
        db.transaction(|tx| {
            let all = select!((t for t in Ticket).order_by(|t| t.title)).fetch(tx)?;
            let read: Vec<(Status, Priority, Email, Cents, Option<Status>)> = all
                .iter()
                .map(|t| {
                    (
                        t.status(),
                        t.priority(),
                        t.reporter(),
                        t.budget(),
                        t.previous(),
                    )
                })
                .collect();
            assert_eq!(
                read[1],
                (
                    Status::InProgress,
                    Priority::Urgent,
                    Email("bob@x.org".into()),
                    Cents(2_500),
                    Some(Status::Open)
                )
            );
            assert_eq!(read[0].4, None);
            // What the columns hold: names (renamed), discriminants, inner values.
            let raw: Vec<(String, i64, String, i64)> = tx.query_sql(
                "SELECT status, priority, reporter, budget FROM ticket ORDER BY title",
                &[],
            )?;
            assert_eq!(raw[1], ("in_progress".into(), 9, "bob@x.org".into(), 2_500));
            assert_eq!(raw[2].0, "done");
            Ok(())
        })
    })
}

#[test]
fn derived_values_compare_in_queries() -> colt::Result<()> {
    each_backend(|backend| {
        let db = tickets(backend)?;
        db.transaction(|tx| {
            let open = Status::Open;
            let titles = |q: Query<String>| -> colt::Result<Vec<String>> {
                Ok(common::sorted(q.fetch(tx)?))
            };
            assert_eq!(
                titles(select!(t.title for t in Ticket if t.status == open))?,
                ["a", "d"]
            );
            assert_eq!(
                titles(select!(t.title for t in Ticket if t.status != Status::Closed))?,
                ["a", "b", "d"]
            );
            // By discriminant: ordered as declared, as in Rust.
            assert_eq!(
                titles(select!(t.title for t in Ticket if t.priority >= Priority::Normal))?,
                ["b", "c", "d"]
            );
            let ann = Email("ann@x.org".to_string());
            assert_eq!(
                titles(select!(t.title for t in Ticket if t.reporter == ann))?,
                ["a", "c"]
            );
            let cap = Cents(1_000);
            assert_eq!(
                titles(select!(t.title for t in Ticket if t.budget < cap))?,
                ["a", "c", "d"]
            );
            // Optional columns, `None`, and list membership.
            assert_eq!(
                titles(select!(t.title for t in Ticket if t.previous.is_none()))?,
                ["a"]
            );
            assert_eq!(
                titles(select!(t.title for t in Ticket if t.previous == Some(Status::Open)))?,
                ["b"]
            );
            let active = [Status::Open, Status::InProgress];
            assert_eq!(
                titles(select!(t.title for t in Ticket if active.contains(&t.status)))?,
                ["a", "b", "d"]
            );
            // Grouped and counted by an enum.
            let mut per_status = select!((t.status, count()) for t in Ticket).fetch(tx)?;
            per_status.sort_by_key(|(s, _)| format!("{s:?}"));
            assert_eq!(
                per_status,
                [
                    (Status::Closed, 1),
                    (Status::InProgress, 1),
                    (Status::Open, 2)
                ]
            );
            let top = select!(max(t.priority) for t in Ticket).one(tx)?;
            assert_eq!(top, Some(Priority::Urgent));
            Ok(())
        })
    })
}

/// A column holding a name no variant has is a decode error naming the column and the
/// type, not a panic or a default.
#[test]
fn an_unknown_stored_name_is_a_decode_error() -> colt::Result<()> {
    each_backend(|backend| {
        let db = tickets(backend)?;
        db.transaction(|tx| {
            tx.execute_sql("UPDATE ticket SET status = 'lost' WHERE title = 'a'", &[])?;
            Ok(())
        })?;
        let r = db.transaction(|tx| select!(t.status for t in Ticket if t.title == "a").one(tx));
        match r {
            Err(Error::Decode {
                column,
                expected,
                found,
            }) => {
                assert!(column.ends_with("status"), "{column}");
                assert_eq!(expected, "Status");
                assert!(found.contains("lost"), "{found}");
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
        Ok(())
    })
}

#[test]
fn match_on_an_enum_attribute() -> colt::Result<()> {
    each_backend(|backend| {
        let db = tickets(backend)?;
        db.transaction(|tx| {
            let big = Cents(500);
            let labels = select!((t.title, match t.status {
                Status::Open => "todo",
                Status::InProgress | Status::Closed if t.budget > big => "big",
                _ => "other",
            }) for t in Ticket)
            .fetch(tx)?;
            let mut labels = labels;
            labels.sort();
            assert_eq!(
                labels,
                [
                    ("a".to_string(), "todo".to_string()),
                    ("b".to_string(), "big".to_string()),
                    ("c".to_string(), "big".to_string()),
                    ("d".to_string(), "todo".to_string()),
                ]
            );
            // An `Option` attribute: `None`, `Some(..)`; a NULL takes no `Some` arm.
            let mut before = select!((t.title, match t.previous {
                None => 0,
                Some(Status::Open) => 1,
                Some(_) => 2,
                _ => 3,
            }) for t in Ticket)
            .fetch(tx)?;
            before.sort();
            assert_eq!(
                before,
                [
                    ("a".to_string(), 0),
                    ("b".to_string(), 1),
                    ("c".to_string(), 2),
                    ("d".to_string(), 2)
                ]
            );
            // In a filter and in `order_by`: urgent first, by a discriminant-stored enum.
            let order = select!((t.title for t in Ticket if match t.status {
                Status::Closed => false,
                _ => true,
            })
            .order_by(|t| (match t.priority {
                Priority::Urgent => 0,
                _ => 1,
            }, t.title)))
            .fetch(tx)?;
            assert_eq!(order, ["b", "d", "a"]);
            Ok(())
        })
    })
}

/// A value type whose `PartialEq` is wider than what it stores (an address compared
/// ignoring case).
#[derive(Value, Debug, Clone)]
struct Address(String);

impl PartialEq for Address {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

#[derive(Entity, Debug, Clone)]
struct Contact {
    #[colt(primary_key)]
    id: i64,
    address: Address,
}

/// A change between two spellings the type's `==` calls equal is a change to write: it was
/// no change, so the object said `ann@x.org`, and the row kept `Ann@X.org`.
#[test]
fn a_new_spelling_of_an_equal_value_is_written() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Contact])?;
        db.create_tables()?;
        db.transaction(|tx| {
            Contact::build()
                .id(1)
                .address(Address("Ann@X.org".into()))
                .insert(tx)?;
            Ok(())
        })?;
        db.transaction(|tx| {
            tx.get_or_err::<Contact>(1)?
                .set(|c| c.address = Address("ann@x.org".into()))?;
            Ok(())
        })?;
        let stored =
            db.transaction(|tx| tx.query_sql::<(String,)>("SELECT address FROM contact", &[]))?;
        assert_eq!(stored, [("ann@x.org".to_string(),)]);
        Ok(())
    })
}
