//! The `colt` command's library: what each subcommand does, for the binary (`src/main.rs`)
//! and for tests.
//!
//! - `colt inspect URL`: Rust source with one `#[derive(Entity)]` per table ([`inspect`]);
//! - `colt diagram URL`: the entity-relationship diagram, Mermaid, DOT or SVG ([`diagram`]);
//! - `colt migrate new|run|status|revert`: versioned SQL migrations ([`migrate_cmd`]);
//! - `colt migrate diff`: the next migration, from the difference between the database and
//!   the entities its sources declare ([`schema_diff`]).
//!
//! URLs are those `Database::open` takes (`sqlite:app.db`; `postgres://..` with the
//! `postgres` feature). An error is one line for the user ([`Failure`]).

mod change_sql;
mod column_defaults;
mod desired_schema;
pub mod diagram;
mod diff_cmd;
mod entity_sources;
mod field_types;
pub mod inspect;
mod link_renames;
pub mod links;
pub mod migrate_cmd;
mod rebuild_guard;
mod rebuild_staleness;
mod rust_names;
pub mod schema_diff;
mod source_types;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use colt_runtime::Database;

/// The `colt` command.
#[derive(Parser)]
#[command(
    name = "colt",
    version,
    about = "Inspect, draw and migrate databases for the Colt query layer"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes Rust source with one #[derive(Entity)] per table of an existing database.
    Inspect {
        /// The database (`sqlite:app.db`, `postgres://user@host/db`).
        url: String,
        /// Only these tables (comma-separated).
        #[arg(long, value_delimiter = ',')]
        tables: Option<Vec<String>>,
        /// Write the source to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Draws the entity-relationship diagram of a database.
    Diagram {
        /// The database (`sqlite:app.db`, `postgres://user@host/db`).
        url: String,
        /// Mermaid `erDiagram` (renders on GitHub), Graphviz DOT, or SVG (needs Graphviz).
        #[arg(long, value_enum, default_value = "mermaid")]
        format: diagram::Format,
        /// Write the diagram to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Versioned SQL migrations: new, run, status, revert.
    #[command(subcommand)]
    Migrate(migrate_cmd::Migrate),
}

/// What a command failed with: one line for the user.
pub type Failure = String;

/// Runs a parsed command.
///
/// # Errors
/// What went wrong, as one line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Inspect { url, tables, out } => {
            let db = Database::open(&url).map_err(|e| e.to_string())?;
            let catalog = db.catalog().map_err(|e| e.to_string())?;
            let source = inspect::generate(&catalog, db.dialect(), tables.as_deref())?;
            write_out(out.as_deref(), &source)
        }
        Command::Diagram { url, format, out } => {
            let db = Database::open(&url).map_err(|e| e.to_string())?;
            let catalog = db.catalog().map_err(|e| e.to_string())?;
            write_out(out.as_deref(), &diagram::draw(&catalog, format)?)
        }
        Command::Migrate(m) => migrate_cmd::run(m),
    }
}

/// Writes `text` to `out`, or to standard output.
fn write_out(out: Option<&std::path::Path>, text: &str) -> Result<(), Failure> {
    match out {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display())),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}
