//! Colt's statements in the log, through `tracing`: `cargo run --example logging`.
//!
//! Every statement is an event at DEBUG (target `colt::sql`) with its SQL, its row count and
//! its duration; its parameters only with `log_parameters(true)` (values can be secret);
//! statements slower than the threshold at WARN; `BEGIN`/`COMMIT`/`ROLLBACK` at TRACE
//! (target `colt::transaction`).

use std::time::Duration;

use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Note {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub text: String,
}

fn main() -> colt::Result<()> {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .init();
    let db = Database::builder("sqlite::memory:")
        .log_parameters(true)
        .slow_statement_threshold(Some(Duration::from_millis(100)))
        .open()?;
    db.bind(schema![Note])?;
    db.create_tables()?;
    db.transaction(|tx| {
        Note::build().text("logged").insert(tx)?;
        let texts = select!(n.text for n in Note if n.text.starts_with("log")).fetch(tx)?;
        println!("{texts:?}");
        Ok(())
    })
}
