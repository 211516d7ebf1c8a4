//! Applying and reverting [`Migrations`]: [`Database::migrate`],
//! [`Database::migration_status`] and [`Database::revert_migration`], what `colt migrate`
//! runs.
//!
//! Each migration runs in a transaction of its own, with its row in the history table
//! (`colt_migrations`): it is applied whole and recorded, or not at all. Runs are serialized
//! (PostgreSQL: an advisory lock; SQLite: `BEGIN IMMEDIATE`), and a migration another process
//! applied meanwhile is not applied twice. Before anything is applied, every applied
//! migration is compared with its file: one whose `up.sql` changed since, or whose directory
//! is gone, is refused by name ([`Error::MigrationChanged`], [`Error::MigrationMissing`]).
//!
//! On SQLite, foreign keys are not enforced while a migration runs, so that a table can be
//! rebuilt (SQLite's documented procedure for the changes `ALTER TABLE` cannot make) without
//! failing or cascading; every row's foreign keys are checked before the commit, and a
//! violation fails the migration.

use crate::backend::{Conn, Param};
use crate::database::Database;
use crate::error::{Error, Result};
use crate::migrations::{Migration, Migrations};
use crate::render::migration_sql as sql;
use crate::render::Dialect;
use crate::value::Value;

/// A migration as the history table records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    /// Its version.
    pub version: i64,
    /// Its name, when it was applied.
    pub name: String,
    /// The SHA-256 of its `up.sql`, when it was applied.
    pub checksum: String,
    /// When it was applied (UTC, `YYYY-MM-DD HH:MM:SS`).
    pub applied_at: String,
}

/// Where one migration stands ([`Database::migration_status`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MigrationStatus {
    /// Not applied yet.
    Pending,
    /// Applied, as its file still says.
    Applied {
        /// When (UTC).
        at: String,
    },
    /// Applied, but its `up.sql` has changed since: `migrate` refuses to run.
    Changed {
        /// When it was applied (UTC).
        at: String,
    },
    /// Applied, but not among the migrations (its directory is gone): `migrate` refuses to
    /// run. (Not named `Missing`: rustc would then print the builder's `Missing` with its
    /// whole path in users' pinned errors.)
    Removed {
        /// When it was applied (UTC).
        at: String,
    },
}

/// One line of [`Database::migration_status`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationState {
    /// The migration's version.
    pub version: i64,
    /// Its name (the file's, or the history's for a missing one).
    pub name: String,
    /// Where it stands.
    pub status: MigrationStatus,
}

/// Which way a migration runs: up, as one of these migrations, or down.
#[derive(Clone, Copy)]
enum Direction<'a> {
    Up(&'a Migrations),
    Down,
}

impl Database {
    /// Applies, in version order, every migration not applied yet, each in its own
    /// transaction, and returns the versions applied. Takes the migrations or a reference to
    /// them: `db.migrate(colt::embed_migrations!("migrations"))`.
    ///
    /// ```
    /// # use colt_runtime::*;
    /// # use colt_runtime::migrations::{Migration, Migrations};
    /// # fn main() -> Result<()> {
    /// let db = Database::open("sqlite::memory:")?;
    /// let migrations = Migrations::new(vec![
    ///     Migration::new(1, "create_notes", "CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT NOT NULL);")
    ///         .with_down("DROP TABLE note;"),
    /// ])?;
    /// assert_eq!(db.migrate(&migrations)?, vec![1]);
    /// assert_eq!(db.migrate(&migrations)?, Vec::<i64>::new()); // nothing left to do
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::MigrationChanged`] or [`Error::MigrationMissing`] before anything runs, when
    /// an applied migration's `up.sql` changed or is gone; [`Error::MigrationFailed`] when a
    /// migration's SQL fails (that migration is rolled back; those before it stay applied).
    pub fn migrate(&self, migrations: impl AsRef<Migrations>) -> Result<Vec<i64>> {
        let migrations = migrations.as_ref();
        let history = self.migration_history()?;
        // (Checked again under each migration's lock: another process may migrate meanwhile.)
        verify(&history, migrations)?;
        // A pending migration without a statement is refused before anything runs.
        for m in migrations {
            let pending = !history.iter().any(|h| h.version == m.version);
            if pending && crate::statement_words::statements(&m.up, self.dialect()).is_empty() {
                return Err(Error::MigrationEmpty {
                    version: m.version,
                    name: m.name.to_string(),
                });
            }
        }
        let mut applied = Vec::new();
        for m in migrations {
            if history.iter().any(|h| h.version == m.version) {
                continue;
            }
            if self.run_migration(m, Direction::Up(migrations))? {
                applied.push(m.version);
            }
        }
        Ok(applied)
    }

    /// Every migration, given or applied, in version order, with where it stands.
    ///
    /// # Errors
    /// Database errors.
    pub fn migration_status(
        &self,
        migrations: impl AsRef<Migrations>,
    ) -> Result<Vec<MigrationState>> {
        let migrations = migrations.as_ref();
        let history = self.migration_history()?;
        let mut states: Vec<MigrationState> = migrations
            .iter()
            .map(|m| {
                let status = match history.iter().find(|h| h.version == m.version) {
                    None => MigrationStatus::Pending,
                    Some(h) if h.checksum == m.checksum() => MigrationStatus::Applied {
                        at: h.applied_at.clone(),
                    },
                    Some(h) => MigrationStatus::Changed {
                        at: h.applied_at.clone(),
                    },
                };
                MigrationState {
                    version: m.version,
                    name: m.name.to_string(),
                    status,
                }
            })
            .collect();
        for h in &history {
            if migrations.get(h.version).is_none() {
                states.push(MigrationState {
                    version: h.version,
                    name: h.name.clone(),
                    status: MigrationStatus::Removed {
                        at: h.applied_at.clone(),
                    },
                });
            }
        }
        states.sort_by_key(|s| s.version);
        Ok(states)
    }

    /// Reverts the last applied migration (by version) with its `down.sql`, in one
    /// transaction, and returns its version (`None` when none is applied).
    ///
    /// # Errors
    /// [`Error::MigrationMissing`] when its directory is gone, [`Error::MigrationChanged`]
    /// when its `up.sql` changed since it was applied (its `down.sql` may not undo what ran),
    /// [`Error::NotReversible`] when it has no `down.sql`, [`Error::MigrationFailed`] when
    /// the SQL fails (nothing is reverted).
    pub fn revert_migration(&self, migrations: impl AsRef<Migrations>) -> Result<Option<i64>> {
        let migrations = migrations.as_ref();
        // The last one is checked again under the lock: another process may have applied or
        // reverted one meanwhile, and then the new last one is the one to revert.
        for _ in 0..16 {
            if let Some(reverted) = self.revert_last(migrations)? {
                return Ok(reverted);
            }
        }
        Err(Error::Busy(
            "the migration history kept changing while the last migration was being reverted"
                .to_string(),
        ))
    }

    /// One try of [`Database::revert_migration`]: `None` when the last migration changed
    /// before the lock was taken.
    fn revert_last(&self, migrations: &Migrations) -> Result<Option<Option<i64>>> {
        let history = self.migration_history()?;
        let Some(last) = history.last() else {
            return Ok(Some(None));
        };
        let Some(m) = migrations.get(last.version) else {
            return Err(Error::MigrationMissing {
                version: last.version,
                name: last.name.clone(),
            });
        };
        if m.checksum() != last.checksum {
            return Err(Error::MigrationChanged {
                version: m.version,
                name: m.name.to_string(),
            });
        }
        // A down.sql of comments alone would "revert" by forgetting the migration, its
        // changes kept (and the next `migrate` would apply it again over them).
        let undoes = m.down.as_deref().is_some_and(|down| {
            !crate::statement_words::statements(down, self.dialect()).is_empty()
        });
        if !undoes {
            return Err(Error::NotReversible {
                version: m.version,
                name: m.name.to_string(),
            });
        }
        Ok(self
            .run_migration(m, Direction::Down)?
            .then_some(Some(m.version)))
    }

    /// The history table's rows (none when it does not exist yet).
    pub fn migration_history(&self) -> Result<Vec<AppliedMigration>> {
        let conn = self.inner.acquire()?;
        let rows = read_history(&conn);
        self.inner.release(conn);
        rows
    }

    /// Runs `m` one way in its own transaction; `false` when another process did it first.
    fn run_migration(&self, m: &Migration, direction: Direction<'_>) -> Result<bool> {
        let conn = self.inner.acquire()?;
        let sqlite = conn.dialect() == Dialect::Sqlite;
        let result = (|| {
            if sqlite {
                conn.execute_batch(sql::SQLITE_FOREIGN_KEYS_OFF)?;
            }
            begin_migration(&conn)?;
            let ran = run_in_transaction(&conn, m, direction);
            match ran {
                // A failure of the commit itself (a deferred constraint) is the migration's.
                Ok(true) => conn
                    .commit()
                    .map(|()| true)
                    .map_err(|e| Error::MigrationFailed {
                        version: m.version,
                        name: m.name.to_string(),
                        source: Box::new(e),
                    }),
                Ok(false) => conn.rollback().map(|()| false),
                Err(e) => {
                    // The migration's error is the one to report; the rollback's would hide it.
                    let _ = conn.rollback();
                    Err(e)
                }
            }
        })();
        if sqlite {
            // Back to how every Colt connection is; one that cannot is not reused.
            let back = if conn.enforces_foreign_keys() {
                sql::SQLITE_FOREIGN_KEYS_ON
            } else {
                sql::SQLITE_FOREIGN_KEYS_OFF
            };
            if let Err(e) = conn.execute_batch(back) {
                self.inner.discard(conn);
                return result.and(Err(e));
            }
        }
        if sqlite {
            self.inner.release(conn);
        } else {
            // (Closing the session gives the lock back too; this is sooner.)
            let _ = conn.execute_batch(sql::UNLOCK);
            // A migration's `SET` (a statement timeout, a search path) lasts for the session:
            // the connection is not reused.
            self.inner.discard(conn);
        }
        result
    }
}

/// Begins a migration's transaction. SQLite: `BEGIN IMMEDIATE`, waiting as long as another
/// process's migration may take (not the few seconds of the busy timeout). PostgreSQL: the
/// advisory lock first, for the session, then the transaction at the database's own
/// isolation, whose snapshot is then taken after the lock's last holder committed (taken in
/// the transaction, a repeatable-read snapshot predated that commit, missed the history it
/// wrote, and ran the migration again; READ COMMITTED instead would have changed what a data
/// migration sees between its statements under a stricter default).
fn begin_migration(conn: &Conn) -> Result<()> {
    match conn.dialect() {
        Dialect::Sqlite => conn.begin_waiting(sql::SQLITE_MIGRATION_WAIT),
        Dialect::Postgres => {
            if let Some(lock) = sql::lock(Dialect::Postgres) {
                conn.execute_batch(lock)?;
            }
            conn.begin(false)
        }
    }
}

/// The transaction's id (PostgreSQL; `None` on SQLite), to tell after the migration's
/// statements whether they ended it.
fn transaction_id(conn: &Conn) -> Result<Option<Value>> {
    match conn.dialect() {
        Dialect::Sqlite => Ok(None),
        Dialect::Postgres => Ok(conn
            .query_values(sql::TRANSACTION_ID, &[])?
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next())),
    }
}

/// Whether a migration's statements ended the transaction they ran in (a `COMMIT`, `END`
/// or `ROLLBACK` among them): SQLite is back in autocommit; on PostgreSQL the transaction's
/// id is another (a `RESET ALL` among them, which undid a mark set for this, is no end).
fn ended_its_transaction(conn: &Conn, id: &Option<Value>) -> Result<bool> {
    match conn.dialect() {
        Dialect::Sqlite => Ok(conn.rolled_back_by_sqlite()),
        Dialect::Postgres => Ok(transaction_id(conn)? != *id),
    }
}

/// The body of a migration's transaction: lock, check it is still to do, run, check, record.
fn run_in_transaction(conn: &Conn, m: &Migration, direction: Direction<'_>) -> Result<bool> {
    let d = conn.dialect();
    // (PostgreSQL's lock is held already: `begin_migration`.)
    conn.execute_batch(sql::CREATE_HISTORY)?;
    let history = read_history(conn)?;
    let applied = history.iter().any(|h| h.version == m.version);
    let (statements, still_to_do) = match direction {
        Direction::Up(_) => (&*m.up, !applied),
        // Only the last one applied is reverted (the one chosen before the lock may no
        // longer be).
        Direction::Down => (
            m.down.as_deref().unwrap_or_default(),
            history.last().is_some_and(|h| h.version == m.version),
        ),
    };
    if !still_to_do {
        return Ok(false);
    }
    // The history as the lock finds it: what another process applied since it was read.
    match direction {
        Direction::Up(migrations) => verify(&history, migrations)?,
        Direction::Down => {
            if history.last().is_some_and(|h| h.checksum != m.checksum()) {
                return Err(Error::MigrationChanged {
                    version: m.version,
                    name: m.name.to_string(),
                });
            }
        }
    }
    let failed = |source: Error| Error::MigrationFailed {
        version: m.version,
        name: m.name.to_string(),
        source: Box::new(source),
    };
    // A `COMMIT` among its statements would commit the part before it, unrecorded: refused
    // before any of it runs.
    let effects = crate::statement_words::effects(statements, d);
    if let Some(keyword) = effects.control {
        return Err(Error::MigrationTransactionStatement {
            version: m.version,
            name: m.name.to_string(),
            keyword,
        });
    }
    // Which transaction this is (see `ended_its_transaction`), and the search path the
    // history is written under (a migration pasted from pg_dump empties it).
    let id = transaction_id(conn)?;
    let search_path = match d {
        Dialect::Postgres => conn
            .query_values(sql::SEARCH_PATH, &[])?
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next()),
        Dialect::Sqlite => None,
    };
    // A `PRAGMA` (SQLite) lasts for the connection: the pool does not reuse it as it is.
    if effects.session {
        conn.note_session_change();
    }
    // SQLite: the rows that already referred to nothing (the sqlite3 shell does not enforce
    // foreign keys) are not the migration's doing.
    // (A check that cannot run before it, "foreign key mismatch" where the migration adds
    // the missing unique index, finds none: the check after it decides.)
    let orphans_before = if d == Dialect::Sqlite {
        // (Its failure must not count as the transaction's, which would roll it back.)
        let failed = conn.failure_mark();
        crate::migration_orphans::orphans(conn).unwrap_or_else(|_| {
            conn.restore_failure(failed);
            Vec::new()
        })
    } else {
        Vec::new()
    };
    conn.execute_batch(statements).map_err(failed)?;
    if ended_its_transaction(conn, &id)? {
        // One the words above did not show (a `COMMIT` run by a function): what ran is
        // committed, and must not be reported as rolled back.
        return Err(Error::MigrationPartlyCommitted {
            version: m.version,
            name: m.name.to_string(),
        });
    }
    if d == Dialect::Sqlite {
        let orphans = crate::migration_orphans::orphans(conn).map_err(failed)?;
        if let Some(o) = crate::migration_orphans::new_orphan(&orphans_before, &orphans) {
            return Err(failed(Error::SchemaMismatch(format!(
                "after it, row {} of `{}` refers to a row of `{}` that does not exist (foreign keys are not enforced while a migration runs, so no `ON DELETE` action ran: delete or update the rows that refer to a row the migration deletes)",
                o.row, o.table, o.parent
            ))));
        }
    }
    if let Some(path) = &search_path {
        conn.query_values(sql::SET_SEARCH_PATH, &[Param::Owned(path)])
            .map_err(failed)?;
    }
    let version = Value::Int(m.version);
    match direction {
        Direction::Up(_) => {
            let name = Value::Text(m.name.to_string());
            let checksum = Value::Text(m.checksum());
            let params = [
                Param::Owned(&version),
                Param::Owned(&name),
                Param::Owned(&checksum),
            ];
            conn.execute(sql::insert_history(d), &params)?;
        }
        Direction::Down => {
            conn.execute(sql::delete_history(d), &[Param::Owned(&version)])?;
        }
    }
    Ok(true)
}

/// The history, or nothing when its table does not exist yet.
fn read_history(conn: &Conn) -> Result<Vec<AppliedMigration>> {
    if conn.table_columns(sql::HISTORY_TABLE)?.is_none() {
        return Ok(Vec::new());
    }
    let rows = conn.query_values(sql::SELECT_HISTORY, &[])?;
    rows.into_iter()
        .map(|row| match row.as_slice() {
            [Value::Int(version), Value::Text(name), Value::Text(checksum), Value::Text(at)] => {
                Ok(AppliedMigration {
                    version: *version,
                    name: name.clone(),
                    checksum: checksum.clone(),
                    applied_at: at.clone(),
                })
            }
            other => Err(Error::SchemaMismatch(format!(
                "the migration history table `colt_migrations` holds a row Colt did not write: {other:?}"
            ))),
        })
        .collect()
}

/// Refuses applied migrations whose file changed or is gone, and a migration not applied
/// that is older than the newest applied one.
fn verify(history: &[AppliedMigration], migrations: &Migrations) -> Result<()> {
    for h in history {
        match migrations.get(h.version) {
            None => {
                return Err(Error::MigrationMissing {
                    version: h.version,
                    name: h.name.clone(),
                })
            }
            Some(m) if m.checksum() != h.checksum => {
                return Err(Error::MigrationChanged {
                    version: m.version,
                    name: m.name.to_string(),
                })
            }
            Some(_) => {}
        }
    }
    if let Some(newest) = history.iter().map(|h| h.version).max() {
        let late = migrations
            .iter()
            .find(|m| m.version < newest && !history.iter().any(|h| h.version == m.version));
        if let Some(m) = late {
            return Err(Error::MigrationOutOfOrder {
                version: m.version,
                name: m.name.to_string(),
                newest,
            });
        }
    }
    Ok(())
}
