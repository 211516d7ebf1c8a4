//! The SQL dialects Colt speaks. (What differs between them is in `render/`; this is the
//! name every layer uses.)

/// A SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Dialect {
    /// SQLite 3.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}
