//! Database connections behind one interface; one file per backend.
//!
//! Driver errors become [`crate::Error`] in exactly one place per backend.

pub(crate) mod sqlite;

use crate::render::Dialect;
use crate::value::{Value, ValueRef};
use crate::Result;

/// A parameter as handed to a backend: a query's owned value or an object's borrowed field.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    /// A query parameter (may be a list).
    Owned(&'a Value),
    /// A field of an object being written.
    Borrowed(ValueRef<'a>),
}

/// One open connection.
pub(crate) enum Conn {
    /// SQLite through rusqlite.
    Sqlite(sqlite::SqliteConn),
}

impl Conn {
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Conn::Sqlite(_) => Dialect::Sqlite,
        }
    }

    /// Runs a statement, returning the number of rows changed.
    pub(crate) fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        match self {
            Conn::Sqlite(c) => c.execute(sql, params),
        }
    }

    /// Runs a statement without parameters (several allowed on SQLite).
    pub(crate) fn execute_batch(&self, sql: &str) -> Result<()> {
        match self {
            Conn::Sqlite(c) => c.execute_batch(sql),
        }
    }

    /// Inserts a row and returns the generated key of the `auto` column, if asked for.
    pub(crate) fn insert(
        &self,
        sql: &str,
        params: &[Param<'_>],
        auto: bool,
    ) -> Result<Option<i64>> {
        match self {
            Conn::Sqlite(c) => c.insert(sql, params, auto),
        }
    }

    /// Starts a write transaction.
    pub(crate) fn begin(&self) -> Result<()> {
        match self {
            Conn::Sqlite(c) => c.execute_batch("BEGIN IMMEDIATE"),
        }
    }

    /// Commits the write transaction.
    pub(crate) fn commit(&self) -> Result<()> {
        match self {
            Conn::Sqlite(c) => c.execute_batch("COMMIT"),
        }
    }

    /// Rolls the write transaction back.
    pub(crate) fn rollback(&self) -> Result<()> {
        match self {
            Conn::Sqlite(c) => c.execute_batch("ROLLBACK"),
        }
    }

    /// The live columns of a table: (name, declared type, not null, part of the key), or
    /// `None` when the table does not exist.
    pub(crate) fn table_columns(&self, table: &str) -> Result<Option<Vec<LiveColumn>>> {
        match self {
            Conn::Sqlite(c) => c.table_columns(table),
        }
    }
}

/// A column as the database describes it.
#[derive(Debug, Clone)]
pub(crate) struct LiveColumn {
    pub name: String,
    pub ty: String,
    pub not_null: bool,
    pub primary_key: bool,
}

/// Opens a connection for a URL (see [`crate::Database::open`]).
pub(crate) fn open(target: &Target) -> Result<Conn> {
    match target {
        Target::SqliteMemory => sqlite::SqliteConn::open_memory().map(Conn::Sqlite),
        Target::SqliteFile(path) => sqlite::SqliteConn::open_file(path).map(Conn::Sqlite),
    }
}

/// Where a database lives, parsed from its URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// `sqlite::memory:`
    SqliteMemory,
    /// `sqlite:PATH`
    SqliteFile(std::path::PathBuf),
}

impl Target {
    pub(crate) fn parse(url: &str) -> Result<Target> {
        let invalid = |reason: &str| crate::Error::InvalidUrl {
            url: url.to_string(),
            reason: reason.to_string(),
        };
        let Some((scheme, rest)) = url.split_once(':') else {
            return Err(invalid(
                "expected `sqlite::memory:`, `sqlite:PATH` or `postgres://user:pw@host:port/db`",
            ));
        };
        match scheme {
            "sqlite" => {
                if rest == ":memory:" || rest == "//:memory:" {
                    return Ok(Target::SqliteMemory);
                }
                let path = rest.strip_prefix("//").unwrap_or(rest);
                if path.is_empty() {
                    return Err(invalid("the SQLite file path is empty"));
                }
                if path.contains('\0') {
                    return Err(invalid("the SQLite file path contains a NUL byte"));
                }
                Ok(Target::SqliteFile(path.into()))
            }
            "postgres" | "postgresql" => Err(invalid(
                "the PostgreSQL backend is not part of this build yet; use `sqlite:PATH` or `sqlite::memory:`",
            )),
            _ => Err(invalid(&format!(
                "unknown scheme `{scheme}`: expected `sqlite` (or `postgres`)"
            ))),
        }
    }

    pub(crate) fn max_connections(&self) -> usize {
        match self {
            // Every connection to `:memory:` is a database of its own: share one.
            Target::SqliteMemory => 1,
            Target::SqliteFile(_) => 8,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse() {
        assert_eq!(
            Target::parse("sqlite::memory:").ok(),
            Some(Target::SqliteMemory)
        );
        assert_eq!(
            Target::parse("sqlite:shop.db").ok(),
            Some(Target::SqliteFile("shop.db".into()))
        );
        assert_eq!(
            Target::parse("sqlite:///tmp/x.db").ok(),
            Some(Target::SqliteFile("/tmp/x.db".into()))
        );
        for bad in ["", "shop.db", "mysql://x", "sqlite:", "sqlite://"] {
            assert!(
                matches!(Target::parse(bad), Err(crate::Error::InvalidUrl { .. })),
                "{bad}"
            );
        }
    }
}
