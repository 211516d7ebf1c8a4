//! Column types of the program's own: `#[derive(Value)]` on a fieldless enum (stored by name,
//! or by discriminant with `#[repr(..)]`) and on a newtype (stored as its inner type), used in
//! entities and compared in queries with themselves only.
//!
//! `cargo run --example custom_types`

use colt::prelude::*;

/// Stored by name: `open`, `in_progress`, `closed`.
#[derive(Value, Debug, Clone, Copy, PartialEq, Eq)]
#[colt(rename_all = "snake_case")]
pub enum Status {
    Open,
    InProgress,
    Closed,
}

/// Stored by discriminant, so it orders as declared.
#[derive(Value, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(i16)]
pub enum Priority {
    Low = 1,
    Normal = 2,
    Urgent = 3,
}

/// Stored as text; a type of its own in Rust.
#[derive(Value, Debug, Clone, PartialEq, Eq)]
pub struct Email(pub String);

#[derive(Entity, Debug, Clone)]
pub struct Ticket {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub title: String,
    #[colt(default = Status::Open)]
    pub status: Status,
    pub priority: Priority,
    pub reporter: Email,
}

fn main() -> colt::Result<()> {
    let db = Database::open("sqlite::memory:")?;
    db.bind(schema![Ticket])?;
    db.create_tables()?;
    db.transaction(|tx| {
        let alice = Email("alice@example.com".into());
        Ticket::build()
            .title("Printer on fire")
            .priority(Priority::Urgent)
            .reporter(alice.clone())
            .insert(tx)?;
        Ticket::build()
            .title("New mouse")
            .priority(Priority::Low)
            .reporter(alice.clone())
            .insert(tx)?;
        Ticket::build()
            .title("Password reset")
            .status(Status::InProgress)
            .priority(Priority::Normal)
            .reporter(Email("bob@example.com".into()))
            .insert(tx)?;

        // Compared with their own type: `t.status == "open"` would not compile.
        let open = Status::Open;
        let mine = select!((t.title for t in Ticket if t.status == open && t.reporter == alice)
            .order_by(|t| desc(t.priority)))
        .fetch(tx)?;
        println!("alice's open tickets, most urgent first: {mine:?}");
        assert_eq!(mine, ["Printer on fire", "New mouse"]);

        // By discriminant, priorities order as declared.
        let at_least = Priority::Normal;
        let pressing = select!(t.title for t in Ticket if t.priority >= at_least).count(tx)?;
        assert_eq!(pressing, 2);

        // The stored spelling, as other programs see it.
        let raw: Vec<(String, i64, String)> = tx.query_sql(
            "SELECT status, priority, reporter FROM ticket ORDER BY id",
            &[],
        )?;
        println!("as stored: {raw:?}");
        assert_eq!(
            raw[1],
            ("open".to_string(), 1, "alice@example.com".to_string())
        );
        Ok(())
    })
}
