//! `colt migrate ..`: versioned SQL migrations, the files and history table that
//! `Database::migrate` (and `colt::embed_migrations!`) use.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use colt_runtime::migrate::MigrationStatus;
use colt_runtime::migrations::{parse_dir_name, Migrations};
use colt_runtime::Database;

use crate::Failure;

/// `colt migrate` subcommands.
#[derive(Subcommand)]
pub enum Migrate {
    /// Writes a new, empty migration: DIR/{UTC time}_{NAME}/up.sql and down.sql.
    New {
        /// What the migration does, in snake_case (`add_product_stock`).
        name: String,
        /// The migrations directory (made if missing).
        #[arg(long, default_value = "migrations")]
        dir: PathBuf,
    },
    /// Applies every pending migration, in version order, each in its own transaction.
    Run {
        /// The database (`sqlite:app.db`, `postgres://user@host/db`).
        url: String,
        /// The migrations directory.
        #[arg(long, default_value = "migrations")]
        dir: PathBuf,
    },
    /// Lists every migration: applied (and when), pending, changed since applied, or missing.
    Status {
        /// The database.
        url: String,
        /// The migrations directory.
        #[arg(long, default_value = "migrations")]
        dir: PathBuf,
    },
    /// Writes the next migration from the difference between the database (after its applied
    /// migrations) and the entities declared in Rust sources.
    ///
    /// New tables and columns, changed nullability and types, new and dropped foreign keys,
    /// indexes and unique constraints; tables, columns, indexes and foreign keys no entity
    /// declares are dropped only with --allow-drop. On SQLite, a table ALTER TABLE cannot change is rebuilt, keeping
    /// every row. A change that would lose or invent data (a new NOT NULL column without a
    /// default, a new primary key) is refused with the reason, and nothing is written.
    Diff {
        /// The database (`sqlite:app.db`, `postgres://user@host/db`).
        url: String,
        /// What the migration does, in snake_case (`add_product_stock`).
        name: String,
        /// The directory of the Rust sources that declare the entities (read with syn, every
        /// `.rs` file below it).
        #[arg(long, default_value = "src")]
        entities: PathBuf,
        /// The migrations directory (made if missing).
        #[arg(long, default_value = "migrations")]
        dir: PathBuf,
        /// Drop the tables, columns, indexes and foreign keys no entity declares (else they
        /// are left alone, with a note).
        #[arg(long)]
        allow_drop: bool,
        /// A rename the sources cannot show: `old_table=new_table` or
        /// `table.old_column=new_column` (the table by its new name). Repeatable.
        #[arg(long = "rename", value_name = "OLD=NEW")]
        renames: Vec<String>,
    },
    /// Reverts the last applied migration with its down.sql.
    Revert {
        /// The database.
        url: String,
        /// The migrations directory.
        #[arg(long, default_value = "migrations")]
        dir: PathBuf,
    },
}

/// Runs a `colt migrate` subcommand.
///
/// # Errors
/// What went wrong, as one line.
pub fn run(command: Migrate) -> Result<(), Failure> {
    match command {
        Migrate::New { name, dir } => {
            let made = new_migration(&dir, &name)?;
            println!("created {}", made.display());
            Ok(())
        }
        Migrate::Run { url, dir } => {
            let (db, migrations) = open(&url, &dir)?;
            let before: Vec<i64> = db
                .migration_history()
                .map_err(|e| e.to_string())?
                .iter()
                .map(|h| h.version)
                .collect();
            let applied = match db.migrate(&migrations) {
                Ok(applied) => applied,
                Err(e) => {
                    // The migrations applied before the one that failed stay applied: say so.
                    if let Ok(after) = db.migration_history() {
                        for h in after.iter().filter(|h| !before.contains(&h.version)) {
                            match migrations.get(h.version) {
                                Some(m) => println!("applied {m}"),
                                None => println!("applied {}_{}", h.version, h.name),
                            }
                        }
                    }
                    return Err(e.to_string());
                }
            };
            if applied.is_empty() {
                println!("nothing to apply: every migration is applied");
            }
            for version in applied {
                if let Some(m) = migrations.get(version) {
                    println!("applied {m}");
                }
            }
            Ok(())
        }
        Migrate::Status { url, dir } => {
            let (db, migrations) = open(&url, &dir)?;
            let states = db
                .migration_status(&migrations)
                .map_err(|e| e.to_string())?;
            if states.is_empty() {
                println!("no migrations in {}", dir.display());
            }
            for s in states {
                let status = match s.status {
                    MigrationStatus::Pending => "pending".to_string(),
                    MigrationStatus::Applied { at } => format!("applied {at}"),
                    MigrationStatus::Changed { at } => {
                        format!("CHANGED since it was applied {at}: restore its up.sql")
                    }
                    MigrationStatus::Removed { at } => {
                        format!("MISSING: applied {at}, but its directory is gone")
                    }
                    _ => "unknown".to_string(),
                };
                println!("{}_{}  {status}", s.version, s.name);
            }
            Ok(())
        }
        Migrate::Diff {
            url,
            name,
            entities,
            dir,
            allow_drop,
            renames,
        } => crate::diff_cmd::run(crate::diff_cmd::Args {
            url,
            name,
            entities,
            dir,
            allow_drop,
            renames,
        }),
        Migrate::Revert { url, dir } => {
            let (db, migrations) = open(&url, &dir)?;
            match db
                .revert_migration(&migrations)
                .map_err(|e| e.to_string())?
            {
                Some(version) => {
                    if let Some(m) = migrations.get(version) {
                        println!("reverted {m}");
                    }
                }
                None => println!("nothing to revert: no migration is applied"),
            }
            Ok(())
        }
    }
}

fn open(url: &str, dir: &Path) -> Result<(Database, Migrations), Failure> {
    let migrations = Migrations::from_dir(dir).map_err(|e| e.to_string())?;
    let db = Database::open(url).map_err(|e| e.to_string())?;
    Ok((db, migrations))
}

/// Writes `dir/{version}_{name}/{up,down}.sql` with comments to fill in.
fn new_migration(dir: &Path, name: &str) -> Result<PathBuf, Failure> {
    check_name(name)?;
    write_migration(
        dir,
        name,
        &format!(
            "-- {name}: the change. Runs in one transaction with its record in colt_migrations.\n"
        ),
        Some(&format!("-- {name}: undoes up.sql (`colt migrate revert`). Delete this file if it cannot be undone.\n")),
    )
}

/// Refuses a migration name that is not snake_case.
pub(crate) fn check_name(name: &str) -> Result<(), Failure> {
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.starts_with('_');
    if !valid {
        return Err(format!(
            "`{name}` is not a migration name: use lower-case letters, digits and `_` (`add_product_stock`)"
        ));
    }
    Ok(())
}

/// Writes `dir/{version}_{name}/up.sql` (and `down.sql` when given), the version being the
/// UTC time (`YYYYMMDDHHMMSS`), or one more than the newest migration's when that is later.
pub(crate) fn write_migration(
    dir: &Path,
    name: &str,
    up: &str,
    down: Option<&str>,
) -> Result<PathBuf, Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot make the directory `{}`: {e}", dir.display()))?;
    let newest = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let n = e.file_name();
            parse_dir_name(n.to_str()?).map(|(v, _)| v)
        })
        .max();
    let version = next_version(utc_version(), newest);
    let path = dir.join(format!("{version}_{name}"));
    if path.exists() {
        return Err(format!("cannot make `{}`: it exists", path.display()));
    }
    // Written under a hidden name (not a migration), then renamed: a failure half way (a
    // full disk, a killed process) leaves no half-written migration for `migrate run`.
    let staging = dir.join(format!(".{version}_{name}.partial"));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir(&staging)
        .map_err(|e| format!("cannot make `{}`: {e}", staging.display()))?;
    // Each file on disk before the rename, and the rename before success is reported: a
    // power loss cannot leave a migration whose files are empty.
    let write = |file: &str, text: &str| {
        let at = staging.join(file);
        let done = std::fs::File::create(&at).and_then(|mut f| {
            std::io::Write::write_all(&mut f, text.as_bytes())?;
            f.sync_all()
        });
        done.map_err(|e| format!("cannot write `{}`: {e}", at.display()))
    };
    let written = write("up.sql", up)
        .and_then(|()| down.map_or(Ok(()), |down| write("down.sql", down)))
        .and_then(|()| {
            sync_dir(&staging);
            std::fs::rename(&staging, &path)
                .map_err(|e| format!("cannot make `{}`: {e}", path.display()))
        })
        .map(|()| sync_dir(dir));
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    written.map(|()| path)
}

/// Puts a directory's entries on disk (Unix; elsewhere a directory cannot be opened so, and
/// the files' own syncs are what there is). Best effort: the files are written whole already.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The UTC time as a version: `YYYYMMDDHHMMSS`.
fn utc_version() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    i64::from(now.year()) * 10_000_000_000
        + i64::from(u8::from(now.month())) * 100_000_000
        + i64::from(now.day()) * 1_000_000
        + i64::from(now.hour()) * 10_000
        + i64::from(now.minute()) * 100
        + i64::from(now.second())
}

fn next_version(now: i64, newest: Option<i64>) -> i64 {
    match newest {
        Some(n) if n >= now => n + 1,
        _ => now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_only_grow() {
        assert_eq!(next_version(20261129120000, None), 20261129120000);
        assert_eq!(
            next_version(20261129120000, Some(20261129120000)),
            20261129120001
        );
        assert_eq!(
            next_version(20261129120000, Some(20261101000000)),
            20261129120000
        );
        assert!(utc_version() > 20260000000000);
    }
}
