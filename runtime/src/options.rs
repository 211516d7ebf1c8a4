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
#[cfg(feature = "sqlite")]
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
    /// No journal: no rollback, and a crash can corrupt the file. Colt's guarantees of
    /// atomicity do not hold then: a transaction that fails (an optimistic check on its
    /// third `UPDATE`, a constraint) leaves what it wrote before the failure.
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

/// SQLite's `synchronous` setting (`PRAGMA synchronous`): how hard a commit waits for the
/// disk. SQLite's default is `Full`; `Normal` is safe with [`JournalMode::Wal`] (a power
/// loss may undo the last commits, never corrupt the file) and much faster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Synchronous {
    /// `OFF`: no waiting; a power loss or an OS crash can corrupt the database.
    Off,
    /// `NORMAL`.
    Normal,
    /// `FULL`, SQLite's default.
    Full,
    /// `EXTRA`.
    Extra,
}

impl Synchronous {
    /// The name `PRAGMA synchronous` takes.
    pub fn as_sql(self) -> &'static str {
        match self {
            Synchronous::Off => "OFF",
            Synchronous::Normal => "NORMAL",
            Synchronous::Full => "FULL",
            Synchronous::Extra => "EXTRA",
        }
    }
}

/// What every new connection of a database is opened with.
#[derive(Debug, Clone, Default)]
pub(crate) struct ConnectOptions {
    /// SQLite: how long a statement waits for another connection's lock (`BUSY_TIMEOUT`
    /// unless set).
    pub busy_timeout: Option<Duration>,
    /// SQLite: the journal mode to set, if any.
    pub journal_mode: Option<JournalMode>,
    /// SQLite: `PRAGMA synchronous`, if set.
    pub synchronous: Option<Synchronous>,
    /// SQLite: whether foreign keys are enforced (on unless set).
    pub foreign_keys: Option<bool>,
    /// PostgreSQL: the bound of the whole connection startup, if not the URL's.
    pub connect_timeout: Option<Duration>,
    /// PostgreSQL: the `application_name` the server shows, if not the URL's.
    pub application_name: Option<String>,
    /// Run on every new connection before it serves.
    pub after_connect: Option<crate::after_connect::AfterConnect>,
    /// How statements are logged.
    pub log: crate::backend::logging::LogOptions,
}

impl ConnectOptions {
    /// SQLite's busy timeout.
    #[cfg(feature = "sqlite")]
    pub fn busy_timeout(&self) -> Duration {
        self.busy_timeout.unwrap_or(BUSY_TIMEOUT)
    }

    /// These options, where set, over `base` (a URL's).
    pub fn over(self, base: ConnectOptions) -> ConnectOptions {
        ConnectOptions {
            busy_timeout: self.busy_timeout.or(base.busy_timeout),
            journal_mode: self.journal_mode.or(base.journal_mode),
            synchronous: self.synchronous.or(base.synchronous),
            foreign_keys: self.foreign_keys.or(base.foreign_keys),
            connect_timeout: self.connect_timeout.or(base.connect_timeout),
            application_name: self.application_name.or(base.application_name),
            after_connect: self.after_connect.or(base.after_connect),
            log: self.log,
        }
    }
}

/// The connection options a SQLite URL's parameters set: `busy_timeout` (milliseconds),
/// `journal_mode`, `synchronous`, `foreign_keys` (`on`/`off`); `mode` is the target's.
///
/// # Errors
/// A value that is not one of the option's.
pub(crate) fn sqlite_url_options(query: &str) -> std::result::Result<ConnectOptions, String> {
    let mut out = ConnectOptions::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let bad = |expected: &str| format!("`{pair}`: expected {expected}");
        match key {
            "mode" => {}
            "busy_timeout" => {
                let ms: u64 = value.parse().map_err(|_| bad("milliseconds"))?;
                out.busy_timeout = Some(Duration::from_millis(ms));
            }
            "journal_mode" => {
                out.journal_mode = Some(match value.to_ascii_lowercase().as_str() {
                    "delete" => JournalMode::Delete,
                    "truncate" => JournalMode::Truncate,
                    "persist" => JournalMode::Persist,
                    "memory" => JournalMode::Memory,
                    "wal" => JournalMode::Wal,
                    "off" => JournalMode::Off,
                    _ => return Err(bad("delete, truncate, persist, memory, wal or off")),
                });
            }
            "synchronous" => {
                out.synchronous = Some(match value.to_ascii_lowercase().as_str() {
                    "off" | "0" => Synchronous::Off,
                    "normal" | "1" => Synchronous::Normal,
                    "full" | "2" => Synchronous::Full,
                    "extra" | "3" => Synchronous::Extra,
                    _ => return Err(bad("off, normal, full or extra")),
                });
            }
            "foreign_keys" => {
                out.foreign_keys = Some(match value.to_ascii_lowercase().as_str() {
                    "on" | "true" | "1" => true,
                    "off" | "false" | "0" => false,
                    _ => return Err(bad("on or off")),
                });
            }
            _ => {
                return Err(format!(
                    "unknown SQLite URL parameter `{pair}`: expected `mode=ro|rw|rwc`, \
                     `busy_timeout=MS`, `journal_mode=..`, `synchronous=..` or `foreign_keys=on|off`"
                ))
            }
        }
    }
    Ok(out)
}

/// The options of a database and its pool, then [`DatabaseBuilder::open`]; made by
/// [`Database::builder`]. Every option has the default [`Database::open`] uses.
#[derive(Clone)]
#[must_use = "a builder does nothing until `open` is called"]
pub struct DatabaseBuilder {
    pub(crate) url: String,
    pub(crate) max_connections: Option<usize>,
    pub(crate) create_if_missing: bool,
    pub(crate) acquire_timeout: Duration,
    pub(crate) statement_timeout: Option<Duration>,
    pub(crate) max_lifetime: Option<Duration>,
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) connect: ConnectOptions,
}

/// The builder's options, its URL's password masked (`postgres://alice:***@host/db`).
impl std::fmt::Debug for DatabaseBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseBuilder")
            .field("url", &crate::backend::masked_url(&self.url))
            .field("max_connections", &self.max_connections)
            .field("create_if_missing", &self.create_if_missing)
            .field("acquire_timeout", &self.acquire_timeout)
            .field("statement_timeout", &self.statement_timeout)
            .field("max_lifetime", &self.max_lifetime)
            .field("idle_timeout", &self.idle_timeout)
            .field("connect", &self.connect)
            .finish()
    }
}

impl DatabaseBuilder {
    pub(crate) fn new(url: &str) -> Self {
        DatabaseBuilder {
            url: url.to_string(),
            max_connections: None,
            create_if_missing: false,
            acquire_timeout: ACQUIRE_TIMEOUT,
            statement_timeout: None,
            max_lifetime: None,
            idle_timeout: None,
            connect: ConnectOptions::default(),
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
        self.connect.busy_timeout = Some(timeout);
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

    /// Closes a connection once it has been open this long (no limit unless set), when it is
    /// next given back or taken: long-lived connections pick up server-side changes and
    /// give back what they hold. Not for `sqlite::memory:`, whose one connection is the
    /// database ([`Error::InvalidOption`]).
    pub fn max_lifetime(mut self, lifetime: Duration) -> Self {
        self.max_lifetime = Some(lifetime);
        self
    }

    /// Closes a connection that has not served for this long (no limit unless set), when a
    /// transaction next looks for one. Not for `sqlite::memory:` ([`Error::InvalidOption`]).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = Some(timeout);
        self
    }

    /// Runs `hook` on every new connection before it serves (session settings, functions,
    /// pragmas); its error fails the opening, and no connection it failed on is used.
    ///
    /// ```
    /// # use colt_runtime::*;
    /// # fn main() -> Result<()> {
    /// let db = Database::builder("sqlite::memory:")
    ///     .after_connect(|conn| conn.execute("PRAGMA cache_size = -4000"))
    ///     .open()?;
    /// let size: Vec<i64> = db.transaction(|tx| tx.query_sql("PRAGMA cache_size", &[]))?;
    /// assert_eq!(size, [-4000]);
    /// # Ok(()) }
    /// ```
    pub fn after_connect(
        mut self,
        hook: impl Fn(&crate::NewConnection<'_>) -> Result<()> + Send + Sync + 'static,
    ) -> Self {
        self.connect.after_connect = Some(crate::after_connect::AfterConnect::new(hook));
        self
    }

    /// SQLite: `PRAGMA synchronous` on every connection (SQLite's `FULL` unless set; the
    /// URL's `synchronous=normal`). No effect on PostgreSQL.
    pub fn synchronous(mut self, mode: Synchronous) -> Self {
        self.connect.synchronous = Some(mode);
        self
    }

    /// SQLite: whether foreign keys are enforced (`PRAGMA foreign_keys`; on unless set, or
    /// the URL's `foreign_keys=off`). No effect on PostgreSQL, which always enforces them.
    pub fn foreign_keys(mut self, on: bool) -> Self {
        self.connect.foreign_keys = Some(on);
        self
    }

    /// PostgreSQL: the `application_name` the server shows for these connections (in
    /// `pg_stat_activity` and its logs; the URL's `application_name` unless set). No effect
    /// on SQLite.
    pub fn application_name(mut self, name: &str) -> Self {
        self.connect.application_name = Some(name.to_string());
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
        for (option, set) in [
            ("max_lifetime", self.max_lifetime),
            ("idle_timeout", self.idle_timeout),
        ] {
            if set.is_some_and(|d| d.is_zero()) {
                return Err(Error::InvalidOption {
                    option,
                    reason: "a connection must be allowed to serve: give a positive duration"
                        .to_string(),
                });
            }
        }
        if self.max_connections == Some(0) {
            return Err(Error::InvalidOption {
                option: "max_connections",
                reason: "a pool needs at least one connection".to_string(),
            });
        }
        Database::open_with(self)
    }
}
