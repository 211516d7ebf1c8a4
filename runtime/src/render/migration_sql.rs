//! The statements of the migration history (the table `colt_migrations`), per dialect. The
//! runner (`crate::migrate`) executes them; it writes no SQL of its own.

use super::{Dialect, SqlWriter};

/// Makes the history table when it is missing.
pub(crate) const CREATE_HISTORY: &str = "CREATE TABLE IF NOT EXISTS colt_migrations (\
     version BIGINT PRIMARY KEY, \
     name TEXT NOT NULL, \
     checksum TEXT NOT NULL, \
     applied_at TEXT NOT NULL)";

/// The table's name, for the catalogue's question whether it exists.
pub(crate) const HISTORY_TABLE: &str = "colt_migrations";

/// Every applied migration: version, name, checksum, when (UTC), in version order.
pub(crate) const SELECT_HISTORY: &str =
    "SELECT version, name, checksum, applied_at FROM colt_migrations ORDER BY version";

/// Serializes migration runs (PostgreSQL: a transaction-scoped advisory lock, taken first in
/// each migration's transaction; SQLite's `BEGIN IMMEDIATE` is that lock already).
pub(crate) fn lock(d: Dialect) -> Option<&'static str> {
    match d {
        Dialect::Sqlite => None,
        // The key is arbitrary and Colt's own ("colt" in ASCII). Taken for the session,
        // before the migration's transaction begins, so that the transaction's snapshot (at
        // any isolation) is taken after the lock is held: the history it reads is the one
        // the lock's last holder committed.
        Dialect::Postgres => Some("SELECT pg_advisory_lock(1668246644)"),
    }
}

/// PostgreSQL: gives back the session's lock (see [`lock`]).
pub(crate) const UNLOCK: &str = "SELECT pg_advisory_unlock(1668246644)";

/// Records migration `$1` named `$2` with checksum `$3`, applied now.
pub(crate) fn insert_history(d: Dialect) -> &'static str {
    match d {
        Dialect::Sqlite => {
            "INSERT INTO colt_migrations (version, name, checksum, applied_at) \
             VALUES (?1, ?2, ?3, strftime('%Y-%m-%d %H:%M:%S', 'now'))"
        }
        Dialect::Postgres => {
            "INSERT INTO colt_migrations (version, name, checksum, applied_at) \
             VALUES ($1, $2, $3, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'))"
        }
    }
}

/// Forgets migration `$1` (it was reverted).
pub(crate) fn delete_history(d: Dialect) -> &'static str {
    match d {
        Dialect::Sqlite => "DELETE FROM colt_migrations WHERE version = ?1",
        Dialect::Postgres => "DELETE FROM colt_migrations WHERE version = $1",
    }
}

/// SQLite: foreign keys are not enforced while a migration runs (outside its transaction,
/// where the pragma takes effect), so that rebuilding a table (create, copy, drop, rename:
/// SQLite's documented procedure for changes `ALTER TABLE` cannot make) neither fails nor
/// cascades; [`FOREIGN_KEY_CHECK`] then checks every row before the commit.
pub(crate) const SQLITE_FOREIGN_KEYS_OFF: &str = "PRAGMA foreign_keys = OFF";
/// SQLite: enforcement is back on once the migration is over, as on every Colt connection.
pub(crate) const SQLITE_FOREIGN_KEYS_ON: &str = "PRAGMA foreign_keys = ON";
/// SQLite: the rows whose foreign keys find no row (table, rowid, parent table).
pub(crate) const FOREIGN_KEY_CHECK: &str =
    "SELECT \"table\", rowid, parent, fkid FROM pragma_foreign_key_check";
/// SQLite: the pairs of columns (child, parent; the parent's NULL when the key names none)
/// of foreign key `?2` of table `?1`, in order.
pub(crate) const FOREIGN_KEY_PAIRS: &str =
    "SELECT \"from\", \"to\" FROM pragma_foreign_key_list(?1) WHERE id = ?2 ORDER BY seq";
/// SQLite: the columns of table `?1` (none: it does not exist).
pub(crate) const TABLE_COLUMNS: &str = "SELECT name FROM pragma_table_info(?1)";
/// SQLite: the primary key's columns of table `?1`, in order.
pub(crate) const PRIMARY_KEY_COLUMNS: &str =
    "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk";

/// PostgreSQL: the transaction's id, assigned if it has none.
pub(crate) const TRANSACTION_ID: &str = "SELECT CAST(txid_current() AS TEXT)";
/// PostgreSQL: the search path.
pub(crate) const SEARCH_PATH: &str = "SELECT current_setting('search_path')";
/// PostgreSQL: the search path `$1` again, for the rest of the transaction.
pub(crate) const SET_SEARCH_PATH: &str = "SELECT set_config('search_path', $1, true)";
/// SQLite: how long a migration waits for another process's migration to finish.
pub(crate) const SQLITE_MIGRATION_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

/// SQLite: the values of `columns` in row `?1` (a rowid) of `table`.
pub(crate) fn row_values(table: &str, columns: &[String]) -> String {
    let mut w = SqlWriter::new(Dialect::Sqlite);
    w.push("SELECT ")
        .idents(columns.iter().map(String::as_str))
        .push(" FROM ")
        .ident(table)
        .push(" WHERE rowid = ?1");
    w.finish()
}

/// SQLite: the values of columns `from` of the rows of `table` whose `from` name no row of
/// `parent` by its columns `to` (a foreign key's rows that refer to nothing).
pub(crate) fn dangling_values(table: &str, from: &[String], parent: &str, to: &[String]) -> String {
    let mut w = SqlWriter::new(Dialect::Sqlite);
    w.push("SELECT ");
    for (i, c) in from.iter().enumerate() {
        w.push(if i > 0 { ", c." } else { "c." }).ident(c);
    }
    w.push(" FROM ").ident(table).push(" AS c WHERE ");
    for (i, c) in from.iter().enumerate() {
        w.push(if i > 0 { " AND c." } else { "c." })
            .ident(c)
            .push(" IS NOT NULL");
    }
    w.push(" AND NOT EXISTS (SELECT 1 FROM ")
        .ident(parent)
        .push(" AS p WHERE ");
    for (i, (f, t)) in from.iter().zip(to).enumerate() {
        w.push(if i > 0 { " AND p." } else { "p." })
            .ident(t)
            .push(" = c.")
            .ident(f);
    }
    w.push(")");
    w.finish()
}
