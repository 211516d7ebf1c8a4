//! Database connections behind one interface; one file per backend.
//!
//! Driver errors become [`crate::Error`] in exactly one place per backend.

pub(crate) mod postgres;
pub(crate) mod sqlite;

use crate::entity::RowAccess;
use crate::render::{control, Dialect};
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

/// Receives the rows of a query, whatever the backend's row type.
pub(crate) trait RowSink {
    /// Takes one row.
    fn row<R: RowAccess>(&mut self, row: &R) -> Result<()>;

    /// Whether to read another row (a sink that knows it has all it needs says no, and the
    /// statement stops there).
    fn wants_more(&self) -> bool {
        true
    }
}

/// One open connection.
pub(crate) enum Conn {
    /// SQLite through rusqlite.
    Sqlite(sqlite::SqliteConn),
    /// PostgreSQL through the `postgres` crate (boxed: its client is large).
    Postgres(Box<postgres::PgConn>),
}

impl Conn {
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Conn::Sqlite(_) => Dialect::Sqlite,
            Conn::Postgres(_) => Dialect::Postgres,
        }
    }

    /// How many statements this connection has run.
    pub(crate) fn statements(&self) -> u64 {
        match self {
            Conn::Sqlite(c) => c.statements.get(),
            Conn::Postgres(c) => c.statements.get(),
        }
    }

    /// Whether the connection can go back to the pool.
    pub(crate) fn is_usable(&self) -> bool {
        match self {
            Conn::Sqlite(_) => true,
            Conn::Postgres(c) => c.is_usable(),
        }
    }

    /// Runs a statement, returning the number of rows changed.
    pub(crate) fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        match self {
            Conn::Sqlite(c) => c.execute(sql, params),
            Conn::Postgres(c) => c.execute(sql, params),
        }
    }

    /// Runs a query, handing each row to `sink`.
    pub(crate) fn query<S: RowSink>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        sink: &mut S,
    ) -> Result<()> {
        match self {
            Conn::Sqlite(c) => c.query(sql, params, |row| {
                sink.row(row)?;
                Ok(sink.wants_more())
            }),
            Conn::Postgres(c) => c.query(sql, params, |row| {
                sink.row(row)?;
                Ok(sink.wants_more())
            }),
        }
    }

    /// Runs statements without parameters.
    pub(crate) fn execute_batch(&self, sql: &str) -> Result<()> {
        match self {
            Conn::Sqlite(c) => c.execute_batch(sql),
            Conn::Postgres(c) => c.execute_batch(sql),
        }
    }

    /// Inserts a row and returns the generated key of the `auto` column, if asked for
    /// (the SQL ends with `RETURNING` where the dialect needs it).
    pub(crate) fn insert(
        &self,
        sql: &str,
        params: &[Param<'_>],
        auto: bool,
    ) -> Result<Option<i64>> {
        match self {
            Conn::Sqlite(c) => c.insert(sql, params, auto),
            Conn::Postgres(c) => c.insert(sql, params, auto),
        }
    }

    /// Starts a write transaction (`serializable`: the strictest isolation the backend has).
    pub(crate) fn begin(&self, serializable: bool) -> Result<()> {
        self.execute_batch(control::begin(self.dialect(), serializable))
    }

    /// Commits the write transaction.
    pub(crate) fn commit(&self) -> Result<()> {
        self.execute_batch(control::COMMIT)
    }

    /// Rolls the write transaction back.
    pub(crate) fn rollback(&self) -> Result<()> {
        self.execute_batch(control::ROLLBACK)
    }

    /// The live columns of a table, or `None` when the table does not exist.
    pub(crate) fn table_columns(&self, table: &str) -> Result<Option<Vec<LiveColumn>>> {
        match self {
            Conn::Sqlite(c) => c.table_columns(table),
            Conn::Postgres(c) => c.table_columns(table),
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
        Target::Postgres(config) => {
            postgres::PgConn::open(config).map(|c| Conn::Postgres(Box::new(c)))
        }
    }
}

/// Where a database lives, parsed from its URL.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// `sqlite::memory:`
    SqliteMemory,
    /// `sqlite:PATH`
    SqliteFile(std::path::PathBuf),
    /// `postgres://..` / `postgresql://..`
    Postgres(Box<::postgres::Config>),
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
            "postgres" | "postgresql" => {
                if !rest.starts_with("//") {
                    return Err(invalid(
                        "expected `postgres://user:password@host:port/database`",
                    ));
                }
                postgres::PgConn::config(url).map(|c| Target::Postgres(Box::new(c)))
            }
            _ => Err(invalid(&format!(
                "unknown scheme `{scheme}`: expected `sqlite` (or `postgres`)"
            ))),
        }
    }

    pub(crate) fn max_connections(&self) -> usize {
        match self {
            // Every connection to `:memory:` is a database of its own: share one.
            Target::SqliteMemory => 1,
            Target::SqliteFile(_) | Target::Postgres(_) => 8,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse() {
        assert!(matches!(
            Target::parse("sqlite::memory:"),
            Ok(Target::SqliteMemory)
        ));
        assert!(
            matches!(Target::parse("sqlite:shop.db"), Ok(Target::SqliteFile(p)) if p.to_str() == Some("shop.db"))
        );
        assert!(
            matches!(Target::parse("sqlite:///tmp/x.db"), Ok(Target::SqliteFile(p)) if p.to_str() == Some("/tmp/x.db"))
        );
        assert!(matches!(
            Target::parse("postgres://u:p@localhost:5433/db"),
            Ok(Target::Postgres(_))
        ));
        assert!(matches!(
            Target::parse("postgresql://localhost/db"),
            Ok(Target::Postgres(_))
        ));
        for bad in [
            "",
            "shop.db",
            "mysql://x",
            "sqlite:",
            "sqlite://",
            "postgres:db",
            "postgres://u@h:notaport/db",
        ] {
            assert!(
                matches!(Target::parse(bad), Err(crate::Error::InvalidUrl { .. })),
                "{bad}"
            );
        }
    }
}
