//! How a [`Database`] is opened: its pool, its timeouts and, on SQLite, how connections
//! wait for locks and keep their journal.
//!
//! ```
//! use std::time::Duration;
//! use colt_runtime::{Database, JournalMode, Result};
//! # fn main() -> Result<()> {
//! # let dir = std::env::temp_dir().join(format!("colt-options-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).ok();
//! # let url = format!("sqlite:{}?mode=rwc", dir.join("app.db").display());
//! let db = Database::builder(&url)
//!     .max_connections(4)
//!     .busy_timeout(Duration::from_secs(2))
//!     .journal_mode(JournalMode::Wal)
//!     .acquire_timeout(Duration::from_secs(5))
//!     .open()?;
//! let mode: Vec<String> = db.transaction(|tx| tx.query_sql("PRAGMA journal_mode", &[]))?;
//! assert_eq!(mode, ["wal"]);
//! # drop(db); std::fs::remove_dir_all(&dir).ok();
//! # Ok(()) }
//! ```

use std::time::Duration;

use crate::database::Database;
use crate::{Error, Result};

/// How long `begin` waits for a free connection unless set.
pub(crate) const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a SQLite connection waits for another connection's lock unless set.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// SQLite's journal mode (`PRAGMA journal_mode`), set on every connection as it opens.
///
/// `Wal` lets readers go on while one connection writes, and suits a pool of connections to
/// one file; it is kept by the file once set (a database without it keeps SQLite's default,
/// `Delete`, unless asked). An in-memory database has only `Memory` (or `Off`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JournalMode {
    /// The rollback journal, deleted at each commit (SQLite's default).
    Delete,
    /// The rollback journal, truncated at each commit.
    Truncate,
    /// The rollback journal, its header zeroed at each commit.
    Persist,
    /// The rollback journal in memory (a crash can corrupt the file).
    Memory,
    /// Write-ahead logging.
    Wal,
    /// No journal: no rollback, and a crash can corrupt the file.
    Off,
}

impl JournalMode {
    /// The mode's name, as SQLite spells it in `PRAGMA journal_mode`.
    pub fn as_sql(self) -> &'static str {
        match self {
            JournalMode::Delete => "delete",
            JournalMode::Truncate => "truncate",
            JournalMode::Persist => "persist",
            JournalMode::Memory => "memory",
            JournalMode::Wal => "wal",
            JournalMode::Off => "off",
        }
    }
}

/// What every new connection of a database is opened with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnectOptions {
    /// SQLite: how long a statement waits for another connection's lock.
    pub busy_timeout: Duration,
    /// SQLite: the journal mode to set, if any.
    pub journal_mode: Option<JournalMode>,
    /// PostgreSQL: the bound of the whole connection startup, if not the URL's.
    pub connect_timeout: Option<Duration>,
    /// How statements are logged.
    pub log: crate::backend::logging::LogOptions,
}

/// The options of a database and its pool, then [`DatabaseBuilder::open`]; made by
/// [`Database::builder`]. Every option has the default [`Database::open`] uses.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `open` is called"]
pub struct DatabaseBuilder {
    pub(crate) url: String,
    pub(crate) max_connections: Option<usize>,
    pub(crate) create_if_missing: bool,
    pub(crate) acquire_timeout: Duration,
    pub(crate) statement_timeout: Option<Duration>,
    pub(crate) connect: ConnectOptions,
}

impl DatabaseBuilder {
    pub(crate) fn new(url: &str) -> Self {
        DatabaseBuilder {
            url: url.to_string(),
            max_connections: None,
            create_if_missing: false,
            acquire_timeout: ACQUIRE_TIMEOUT,
            statement_timeout: None,
            connect: ConnectOptions {
                busy_timeout: BUSY_TIMEOUT,
                journal_mode: None,
                connect_timeout: None,
                log: crate::backend::logging::LogOptions::default(),
            },
        }
    }

    /// How many connections the pool opens at most (8 unless set): as many transactions
    /// run at once. An in-memory SQLite database has exactly one (each connection to
    /// `:memory:` would be a database of its own), so asking it for more is an error.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = Some(n);
        self
    }

    /// How long beginning a transaction waits for a free connection when every one is in
    /// use (30 s unless set), before [`Error::PoolTimeout`].
    pub fn acquire_timeout(mut self, timeout: Duration) -> Self {
        self.acquire_timeout = timeout;
        self
    }

    /// Bounds every statement (no bound unless set): see [`Database::set_statement_timeout`].
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        self.statement_timeout = Some(timeout);
        self
    }

    /// SQLite: how long a statement waits for a lock another connection holds (5 s unless
    /// set) before [`Error::Busy`], which [`Database::transaction_with_retry`] retries. No
    /// effect on PostgreSQL, whose statements wait for locks (bound them with
    /// [`statement_timeout`](Self::statement_timeout)).
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.connect.busy_timeout = timeout;
        self
    }

    /// SQLite: the journal mode every connection sets as it opens (the file's own unless
    /// set); opening fails with [`Error::InvalidOption`] when SQLite cannot take it. No
    /// effect on PostgreSQL.
    pub fn journal_mode(mut self, mode: JournalMode) -> Self {
        self.connect.journal_mode = Some(mode);
        self
    }

    /// SQLite: creates the file when it does not exist (as `?mode=rwc` in the URL does).
    /// Without it a missing file is [`Error::NoSuchDatabase`], so that a typo in a path
    /// does not make an empty database. No effect on PostgreSQL.
    pub fn create_if_missing(mut self, create: bool) -> Self {
        self.create_if_missing = create;
        self
    }

    /// PostgreSQL: the bound of opening a connection, TCP connect, authentication and
    /// startup together (the URL's `connect_timeout`, or 10 s, unless set). No effect on
    /// SQLite.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect.connect_timeout = Some(timeout);
        self
    }

    /// Logs each statement's parameters with it (off unless set: values can be secret).
    ///
    /// Colt logs through [`tracing`](https://docs.rs/tracing): every statement at `DEBUG`
    /// (target `colt::sql`) with its SQL, row count (changed or returned) and duration, and
    /// its error if it failed; statements slower than
    /// [`slow_statement_threshold`](Self::slow_statement_threshold) at `WARN`; `BEGIN`,
    /// `COMMIT` and `ROLLBACK` at `TRACE` (target `colt::transaction`). Nothing is measured
    /// unless a subscriber listens.
    pub fn log_parameters(mut self, on: bool) -> Self {
        self.connect.log.parameters = on;
        self
    }

    /// Statements that take this long or longer are logged at `WARN` (target `colt::sql`,
    /// message "slow statement") rather than `DEBUG` (1 s unless set); `None`: never.
    pub fn slow_statement_threshold(mut self, threshold: Option<Duration>) -> Self {
        self.connect.log.slow = threshold;
        self
    }

    /// Opens the database with these options (see [`Database::open`] for URLs).
    ///
    /// # Errors
    /// [`Error::InvalidUrl`], [`Error::InvalidOption`] for an option the database cannot
    /// take (no connections, more than one for `:memory:`, a journal mode SQLite refused),
    /// or the first connection's error.
    pub fn open(self) -> Result<Database> {
        if self.max_connections == Some(0) {
            return Err(Error::InvalidOption {
                option: "max_connections",
                reason: "a pool needs at least one connection".to_string(),
            });
        }
        Database::open_with(self)
    }
}
