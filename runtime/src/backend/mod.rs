//! Database connections behind one interface; one file per backend.
//!
//! Driver errors become [`crate::Error`] in exactly one place per backend.

pub(crate) mod logging;
#[cfg(feature = "postgres")]
mod pg_client;
#[cfg(feature = "postgres")]
mod pg_numeric;
#[cfg(feature = "postgres")]
mod pg_tls;
#[cfg(feature = "postgres")]
pub(crate) mod postgres;
mod query_then_begin;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite;
#[cfg(feature = "sqlite")]
mod sqlite_functions;
#[cfg(feature = "sqlite")]
mod sqlite_stmt;
mod target;

use std::cell::{Cell, RefCell};

use crate::entity::RowAccess;
use crate::options::ConnectOptions;
use crate::render::{control, Dialect};
use crate::value::{Value, ValueRef};
use crate::Result;

#[cfg(feature = "sqlite")]
pub(crate) use target::SqliteMode;
pub(crate) use target::{masked_url, url_options, Target};

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

    /// Told, before the first row, how many rows come, where the backend knows
    /// (PostgreSQL's client reads them all first).
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    fn expect_rows(&mut self, _rows: usize) {}
}

/// The driver's connection.
pub(crate) enum Link {
    /// SQLite through rusqlite.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlite::SqliteConn),
    /// PostgreSQL through tokio-postgres (boxed: its client is large).
    #[cfg(feature = "postgres")]
    Postgres(Box<postgres::PgConn>),
}

/// The failures of a write transaction at one point ([`Conn::failure_mark`]): the first
/// one's message, and how many there were.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FailureMark {
    first: Option<String>,
    count: u64,
}

/// One open connection, and what it knows of its write transaction.
pub(crate) struct Conn {
    link: Link,
    /// Between `begin` and `commit`/`rollback`.
    in_transaction: Cell<bool>,
    /// The first statement error inside the write transaction, if any. PostgreSQL ends a
    /// transaction at its first failed statement (its `COMMIT` then rolls back); Colt does
    /// the same on every backend, so that `commit` never reports success for writes that
    /// did not happen (`Error::TransactionAborted`).
    failed: RefCell<Option<String>>,
    /// How many statements of write transactions have failed on this connection: a
    /// savepoint compares it, since `failed` keeps only the first.
    failures: Cell<u64>,
    /// A statement failed with an error another attempt may not meet
    /// ([`crate::Error::is_retryable`]) since [`Conn::forget_retryable`].
    met_retryable: Cell<bool>,
    /// Such an error, or an optimistic check's failure, met inside a savepoint that rolled
    /// back (see [`Conn::restore_retryable`]).
    undone_retryable: Cell<bool>,
    /// How its statements are logged.
    log: logging::LogOptions,
    /// SQLite: foreign keys are enforced (as configured; a migration turns them off for a
    /// while and back to this).
    foreign_keys: bool,
    /// When it was opened ([`crate::DatabaseBuilder::max_lifetime`]).
    opened: std::time::Instant,
    /// Raw SQL changed its session (`SET search_path`, `PRAGMA foreign_keys = OFF`, a
    /// temporary table): the pool does not hand it to another transaction as it is.
    session_changed: Cell<bool>,
}

/// Inserts a row with the parameters it is given, by a statement held for many
/// ([`Conn::inserting`]): how many rows were written, and the key the database gave.
pub(crate) type InsertRow<'a> = dyn FnMut(&[Param<'_>]) -> Result<(u64, Option<i64>)> + 'a;

/// What a statement is, found before it runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    /// It cannot write (SQLite knows; PostgreSQL's statements count as writing).
    pub read_only: bool,
    /// How many columns its rows have (0: it returns none).
    pub columns: usize,
}

/// Refuses, before a statement runs, the values Colt does not store: dates outside the
/// years 1 to 9999 ([`crate::temporal::Temporal::storable`]), JSON values whose
/// `Serialize` fails, and deleted objects ([`Value::Deleted`]).
pub(crate) fn refuse_unstorable(params: &[Param<'_>]) -> Result<()> {
    for p in params {
        let t = match p {
            Param::Borrowed(ValueRef::Json(j)) => {
                j.json_text()
                    .map_err(|message| crate::Error::JsonEncode { message })?;
                continue;
            }
            Param::Owned(Value::Unwritable(message)) => {
                return Err(crate::Error::JsonEncode {
                    message: message.clone(),
                })
            }
            Param::Owned(Value::Deleted(entity)) => {
                return Err(crate::Error::ObjectDeleted { entity })
            }
            Param::Borrowed(ValueRef::Time(t)) => *t,
            Param::Owned(Value::Time(t)) => *t,
            Param::Owned(Value::List(items)) => {
                if let Some(Value::Deleted(entity)) =
                    items.iter().find(|v| matches!(v, Value::Deleted(_)))
                {
                    return Err(crate::Error::ObjectDeleted { entity });
                }
                if let Some(Value::Unwritable(message)) =
                    items.iter().find(|v| matches!(v, Value::Unwritable(_)))
                {
                    return Err(crate::Error::JsonEncode {
                        message: message.clone(),
                    });
                }
                match items.iter().find_map(|v| match v {
                    Value::Time(t) if !t.storable() => Some(*t),
                    _ => None,
                }) {
                    Some(t) => t,
                    None => continue,
                }
            }
            _ => continue,
        };
        if !t.storable() {
            return Err(crate::Error::NotStorable {
                value: "a date outside the years 1 to 9999",
                reason: "SQLite compares dates as text, which sorts four-digit years only, and PostgreSQL numbers the years before 1 otherwise than Rust",
            });
        }
    }
    Ok(())
}

/// What a write transaction's failure says when SQLite rolled it back by itself.
const SQLITE_ROLLED_BACK: &str =
    "SQLite rolled the transaction back (an interrupted write, a RAISE(ROLLBACK), a full disk)";

/// Whether an error came from a statement the database ran and refused (not from decoding
/// its rows, nor from a check made before sending it). A `like` pattern ending in a lone `\`
/// is refused before sending when it is a parameter, and by the statement when it is a
/// column's value: only the second comes through here.
fn is_statement_failure(e: &crate::Error) -> bool {
    matches!(
        e,
        crate::Error::Constraint { .. }
            | crate::Error::Backend(_)
            | crate::Error::SerializationFailure(_)
            | crate::Error::Busy(_)
            | crate::Error::LockNotAvailable(_)
            | crate::Error::DivisionByZero
            | crate::Error::OutOfRange(_)
            // PostgreSQL aborts the transaction; SQLite rolls it back when the statement
            // was a write. Either way the commit must not report success.
            | crate::Error::StatementTimeout
            | crate::Error::StorageFull(_)
    ) || matches!(e, crate::Error::InvalidQuery(m) if m == crate::like::BAD_PATTERN)
}

impl Conn {
    fn new(link: Link) -> Self {
        Conn {
            link,
            in_transaction: Cell::new(false),
            failed: RefCell::new(None),
            failures: Cell::new(0),
            met_retryable: Cell::new(false),
            undone_retryable: Cell::new(false),
            log: logging::LogOptions::default(),
            foreign_keys: true,
            opened: std::time::Instant::now(),
            session_changed: Cell::new(false),
        }
    }

    /// Raw SQL is about to change this connection's session (see
    /// [`crate::statement_words::Effects::session`]).
    pub(crate) fn note_session_change(&self) {
        self.session_changed.set(true);
    }

    /// Whether raw SQL changed this connection's session since it opened (or since
    /// [`Conn::restore_session`]).
    pub(crate) fn session_changed(&self) -> bool {
        self.session_changed.get()
    }

    /// SQLite: puts back what Colt's work relies on (foreign keys enforced as configured)
    /// on a connection that cannot be closed instead (`:memory:`, which is the database).
    pub(crate) fn restore_session(&self) -> Result<()> {
        #[cfg(feature = "sqlite")]
        #[allow(irrefutable_let_patterns)] // without PostgreSQL, every link is SQLite's
        if let Link::Sqlite(_) = &self.link {
            self.execute_batch(if self.foreign_keys {
                "PRAGMA foreign_keys = ON"
            } else {
                "PRAGMA foreign_keys = OFF"
            })?;
        }
        self.session_changed.set(false);
        Ok(())
    }

    /// Notes a failed statement of the write transaction.
    /// (Inlined, its error path apart: the result, often large, is not moved through a call
    /// after every statement.)
    #[inline]
    fn watch<R>(&self, result: Result<R>) -> Result<R> {
        if let Err(e) = &result {
            self.note_failure(e);
        }
        result
    }

    #[cold]
    #[inline(never)]
    fn note_failure(&self, e: &crate::Error) {
        if e.is_retryable() {
            self.met_retryable.set(true);
        }
        // A statement the server refused ended PostgreSQL's transaction, whatever Colt's
        // error for it (a checked list alone missed one: `InvalidQuery` for a `like`
        // pattern, and the commit said `Ok` to a `ROLLBACK`).
        let refused = self.take_refused();
        if self.in_transaction.get() && (refused || is_statement_failure(e)) {
            self.failures.set(self.failures.get() + 1);
            let mut failed = self.failed.borrow_mut();
            if failed.is_none() {
                *failed = Some(e.to_string());
            }
        }
    }

    /// Whether the server refused a statement since the last call (PostgreSQL; SQLite
    /// reports its refusals through the error alone).
    fn take_refused(&self) -> bool {
        match &self.link {
            #[cfg(feature = "sqlite")]
            Link::Sqlite(_) => false,
            #[cfg(feature = "postgres")]
            Link::Postgres(c) => c.take_refused(),
        }
    }

    /// The first failed statement of the write transaction, if any.
    /// SQLite: whether this connection enforces foreign keys when no migration runs.
    #[cfg(feature = "migrate")]
    pub(crate) fn enforces_foreign_keys(&self) -> bool {
        self.foreign_keys
    }

    /// How long it has been open.
    pub(crate) fn age(&self) -> std::time::Duration {
        self.opened.elapsed()
    }

    /// Whether a statement failed with a retryable error since [`Conn::forget_retryable`].
    pub(crate) fn met_retryable(&self) -> bool {
        self.met_retryable.get()
    }

    /// Starts watching for retryable errors afresh (a new transaction).
    pub(crate) fn forget_retryable(&self) {
        self.met_retryable.set(false);
        self.undone_retryable.set(false);
    }

    /// Back to what [`Conn::met_retryable`] said before a savepoint that rolled back: what
    /// failed inside is undone, and must not make a later, unrelated error retryable. It is
    /// noted all the same ([`Conn::met_undone_retryable`]): the error may be returned out of
    /// the savepoint in the program's own type, or be the cause of a later
    /// `TransactionAborted`, and such an attempt is to be run again.
    pub(crate) fn restore_retryable(&self, before: bool) {
        if self.met_retryable.get() && !before {
            self.undone_retryable.set(true);
        }
        self.met_retryable.set(before);
    }

    /// Notes a retryable failure (an optimistic check's) a savepoint's rollback undid.
    pub(crate) fn note_undone_retryable(&self) {
        self.undone_retryable.set(true);
    }

    /// Whether a retryable failure was met inside a savepoint that rolled back since
    /// [`Conn::forget_retryable`].
    pub(crate) fn met_undone_retryable(&self) -> bool {
        self.undone_retryable.get()
    }

    /// Where the transaction's failures stand: compared by a savepoint (a statement inside
    /// failed when it moved), and put back when what failed is undone.
    pub(crate) fn failure_mark(&self) -> FailureMark {
        FailureMark {
            first: self.failure(),
            count: self.failures.get(),
        }
    }

    /// The first failed statement of the write transaction, or SQLite's own rollback of it.
    pub(crate) fn failure(&self) -> Option<String> {
        let failed = self.failed.borrow().clone();
        if failed.is_none() && self.rolled_back_by_sqlite() {
            return Some(SQLITE_ROLLED_BACK.to_string());
        }
        failed
    }

    /// Whether SQLite ended the write transaction by itself: it rolls a transaction back
    /// whole after an interrupted write (a statement timeout), a `RAISE(ROLLBACK)` trigger or
    /// a full disk, and its connection is then back in autocommit, where the next statement
    /// would be written at once, for good.
    #[inline]
    pub(crate) fn rolled_back_by_sqlite(&self) -> bool {
        #[cfg(feature = "sqlite")]
        #[allow(irrefutable_let_patterns)] // without PostgreSQL, every link is SQLite's
        if let Link::Sqlite(c) = &self.link {
            return self.in_transaction.get() && c.is_autocommit();
        }
        false
    }

    /// Whether SQLite has a transaction open on this connection (it is not in autocommit).
    pub(crate) fn sqlite_transaction_open(&self) -> bool {
        #[cfg(feature = "sqlite")]
        #[allow(irrefutable_let_patterns)] // without PostgreSQL, every link is SQLite's
        if let Link::Sqlite(c) = &self.link {
            return !c.is_autocommit();
        }
        false
    }

    /// Refuses a statement of a write transaction SQLite has rolled back (see
    /// [`Conn::rolled_back_by_sqlite`]): the commit then reports the transaction aborted.
    #[inline]
    fn check_live(&self) -> Result<()> {
        if self.in_transaction.get() && self.rolled_back_by_sqlite() {
            return Err(self.aborted());
        }
        Ok(())
    }

    /// The error of a statement after SQLite rolled the transaction back by itself.
    #[cold]
    #[inline(never)]
    fn aborted(&self) -> crate::Error {
        let first_error = self
            .failed
            .borrow_mut()
            .get_or_insert_with(|| SQLITE_ROLLED_BACK.to_string())
            .clone();
        crate::Error::TransactionAborted { first_error }
    }

    /// Forgets the failures after a point (a savepoint rolled back to it).
    pub(crate) fn restore_failure(&self, before: FailureMark) {
        *self.failed.borrow_mut() = before.first;
        self.failures.set(before.count);
    }

    /// What `sql` is, without running it.
    pub(crate) fn describe(&self, sql: &str, params: &[Param<'_>]) -> Result<Shape> {
        let shape = match &self.link {
            // Preparing a statement does not touch SQLite's transaction.
            #[cfg(feature = "sqlite")]
            Link::Sqlite(c) => c.describe(sql, params),
            // A statement PostgreSQL cannot prepare ends its transaction.
            #[cfg(feature = "postgres")]
            Link::Postgres(c) => self.watch(c.describe(sql, params)),
        };
        if let Err(e) = &shape {
            self.log_unprepared(sql, params, e);
        }
        shape
    }

    pub(crate) fn dialect(&self) -> Dialect {
        match &self.link {
            #[cfg(feature = "sqlite")]
            Link::Sqlite(_) => Dialect::Sqlite,
            #[cfg(feature = "postgres")]
            Link::Postgres(_) => Dialect::Postgres,
        }
    }

    /// How many statements this connection has run.
    pub(crate) fn statements(&self) -> u64 {
        match &self.link {
            #[cfg(feature = "sqlite")]
            Link::Sqlite(c) => c.statements.get(),
            #[cfg(feature = "postgres")]
            Link::Postgres(c) => c.statements.get(),
        }
    }

    /// Bounds every statement of this connection (`None`: no bound); a statement past it is
    /// stopped (`Error::StatementTimeout`). Changes nothing when already set so.
    pub(crate) fn set_statement_timeout(
        &mut self,
        timeout: Option<std::time::Duration>,
    ) -> Result<()> {
        match &mut self.link {
            #[cfg(feature = "sqlite")]
            Link::Sqlite(c) => c.set_statement_timeout(timeout),
            #[cfg(feature = "postgres")]
            Link::Postgres(c) => c.set_statement_timeout(timeout),
        }
    }

    /// Whether the server still answers (a PostgreSQL round trip; SQLite is in-process).
    pub(crate) fn is_alive(&self) -> bool {
        match &self.link {
            #[cfg(feature = "sqlite")]
            Link::Sqlite(_) => true,
            #[cfg(feature = "postgres")]
            Link::Postgres(c) => c.is_alive(),
        }
    }

    /// Whether the connection can go back to the pool (not known to be closed; nothing
    /// is read from the server).
    pub(crate) fn is_usable(&self) -> bool {
        match &self.link {
            #[cfg(feature = "sqlite")]
            Link::Sqlite(_) => true,
            #[cfg(feature = "postgres")]
            Link::Postgres(c) => c.is_usable(),
        }
    }

    /// Whether the connection is still open once what the server sent meanwhile is read (a
    /// PostgreSQL server that ended it said so; no round trip). Checked before a
    /// transaction gets a pooled connection.
    pub(crate) fn is_still_open(&self) -> bool {
        match &self.link {
            #[cfg(feature = "sqlite")]
            Link::Sqlite(_) => true,
            #[cfg(feature = "postgres")]
            Link::Postgres(c) => c.is_still_open(),
        }
    }

    /// Runs a statement, returning the number of rows changed.
    pub(crate) fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        self.check_live()?;
        self.watch(self.logged(
            sql,
            params,
            || match &self.link {
                #[cfg(feature = "sqlite")]
                Link::Sqlite(c) => c.execute(sql, params),
                #[cfg(feature = "postgres")]
                Link::Postgres(c) => c.execute(sql, params),
            },
            |n| *n,
        ))
    }

    /// Runs a query, handing each row to `sink`.
    #[inline]
    pub(crate) fn query<S: RowSink>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        sink: &mut S,
    ) -> Result<()> {
        self.check_live()?;
        let rows = Cell::new(0u64);
        self.watch(self.logged(
            sql,
            params,
            || match &self.link {
                #[cfg(feature = "sqlite")]
                Link::Sqlite(c) => c.query(sql, params, |row| {
                    rows.set(rows.get() + 1);
                    sink.row(row)?;
                    Ok(sink.wants_more())
                }),
                #[cfg(feature = "postgres")]
                Link::Postgres(c) => {
                    rows.set(postgres::feed(&c.fetch(sql, params)?, sink)?);
                    Ok(())
                }
            },
            |()| rows.get(),
        ))
    }

    /// Runs a query and collects every row as owned values (for the few statements Colt
    /// reads outside entities: the migration history, the catalogue).
    pub(crate) fn query_values(&self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<Value>>> {
        struct Collect(Vec<Vec<Value>>, usize);
        impl RowSink for Collect {
            fn row<R: RowAccess>(&mut self, row: &R) -> Result<()> {
                let values = (0..self.1)
                    .map(|i| row.value(i).map(|v| v.to_owned_value()))
                    .collect::<Result<_>>()?;
                self.0.push(values);
                Ok(())
            }
        }
        let columns = self.describe(sql, params)?.columns;
        let mut sink = Collect(Vec::new(), columns);
        self.query(sql, params, &mut sink)?;
        Ok(sink.0)
    }

    /// Runs statements without parameters.
    pub(crate) fn execute_batch(&self, sql: &str) -> Result<()> {
        // After SQLite rolled the transaction back by itself, a `SAVEPOINT` would begin a
        // new one (and its `RELEASE` commit it): only the `ROLLBACK` that ends it runs.
        if sql != control::ROLLBACK {
            self.check_live()?;
        }
        self.watch(self.logged(
            sql,
            &[],
            || match &self.link {
                #[cfg(feature = "sqlite")]
                Link::Sqlite(c) => c.execute_batch(sql),
                #[cfg(feature = "postgres")]
                Link::Postgres(c) => c.execute_batch(sql),
            },
            |()| 0,
        ))
    }

    /// Inserts a row; returns how many rows the database wrote (0 when a trigger or a
    /// conflict clause skipped it) and the generated key of the `auto` column, if asked for
    /// (the SQL ends with `RETURNING` where the dialect needs it) and written.
    pub(crate) fn insert(
        &self,
        sql: &str,
        params: &[Param<'_>],
        auto: bool,
    ) -> Result<(u64, Option<i64>)> {
        self.check_live()?;
        self.watch(self.logged(
            sql,
            params,
            || match &self.link {
                #[cfg(feature = "sqlite")]
                Link::Sqlite(c) => c.insert(sql, params, auto),
                #[cfg(feature = "postgres")]
                Link::Postgres(c) => c.insert(sql, params, auto),
            },
            |(n, _)| *n,
        ))
    }

    /// Runs `f` with a way to insert rows by `sql`, a statement a call, as [`Conn::insert`]
    /// does each; the statement is looked up (or prepared) once for all the calls.
    pub(crate) fn inserting<R>(
        &self,
        sql: &str,
        auto: bool,
        f: impl FnOnce(&mut InsertRow<'_>) -> Result<R>,
    ) -> Result<R> {
        match &self.link {
            #[cfg(feature = "sqlite")]
            Link::Sqlite(c) => {
                self.check_live()?;
                // (A statement that cannot be prepared is logged as one that failed.)
                let mut held = match c.hold(sql) {
                    Ok(held) => held,
                    Err(e) => return self.watch(self.logged(sql, &[], || Err(e), |_: &R| 0)),
                };
                f(&mut |params| {
                    // (Each time: SQLite may have ended the transaction at a failure since.)
                    self.check_live()?;
                    self.watch(self.logged(sql, params, || held.insert(params, auto), |(n, _)| *n))
                })
            }
            #[cfg(feature = "postgres")]
            Link::Postgres(_) => f(&mut |params| self.insert(sql, params, auto)),
        }
    }

    /// Starts a write transaction (`serializable`: the strictest isolation the backend has).
    pub(crate) fn begin(&self, serializable: bool) -> Result<()> {
        logging::transaction_event("begin");
        self.execute_batch(control::begin(self.dialect(), serializable))?;
        // (A refusal before the transaction is none of it.)
        let _ = self.take_refused();
        self.set_in_transaction(true);
        *self.failed.borrow_mut() = None;
        Ok(())
    }

    /// [`Self::begin`] without waiting for another connection's lock (SQLite: the busy
    /// timeout set aside; a lock held elsewhere is [`crate::Error::LockNotAvailable`]).
    pub(crate) fn begin_now(&self, serializable: bool) -> Result<()> {
        match &self.link {
            #[cfg(feature = "sqlite")]
            Link::Sqlite(c) => {
                c.set_busy_timeout(std::time::Duration::ZERO)?;
                let met_before = self.met_retryable();
                let r = self.begin(serializable);
                if let Err(e) = c.restore_busy_timeout() {
                    // (The caller takes the error for no transaction: none stays open.)
                    if r.is_ok() {
                        let _ = self.rollback();
                    }
                    return Err(e);
                }
                r.map_err(|e| match e {
                    // Not waiting was asked for: the BUSY is no failure to retry.
                    crate::Error::Busy(m) => {
                        self.met_retryable.set(met_before);
                        crate::Error::LockNotAvailable(m)
                    }
                    other => other,
                })
            }
            #[allow(unreachable_patterns)]
            _ => self.begin(serializable),
        }
    }

    /// [`Self::begin`] (serializable) waiting up to `wait` for another connection's lock
    /// (SQLite; elsewhere as `begin`).
    #[cfg(feature = "migrate")]
    pub(crate) fn begin_waiting(&self, wait: std::time::Duration) -> Result<()> {
        match &self.link {
            #[cfg(feature = "sqlite")]
            Link::Sqlite(c) => {
                c.set_busy_timeout(wait)?;
                let r = self.begin(true);
                if let Err(e) = c.restore_busy_timeout() {
                    if r.is_ok() {
                        let _ = self.rollback();
                    }
                    return Err(e);
                }
                r
            }
            #[allow(unreachable_patterns)]
            _ => self.begin(true),
        }
    }

    /// Commits the write transaction; a transaction a statement failed in is rolled back
    /// instead, and that is [`crate::Error::TransactionAborted`].
    pub(crate) fn commit(&self) -> Result<()> {
        if let Some(first_error) = self.failure() {
            let _ = self.rollback();
            return Err(crate::Error::TransactionAborted { first_error });
        }
        logging::transaction_event("commit");
        let r = self.execute_batch(control::COMMIT);
        // SQLite keeps the transaction when its COMMIT fails with BUSY: it is rolled back
        // here, so that the connection never goes on inside it.
        if r.is_err() && self.sqlite_transaction_open() {
            let _ = self.rollback();
        }
        self.end_transaction();
        r
    }

    /// Rolls the write transaction back.
    pub(crate) fn rollback(&self) -> Result<()> {
        logging::transaction_event("rollback");
        // SQLite may have rolled the transaction back by itself (an interrupted write,
        // `RAISE(ROLLBACK)`, a full disk): what was asked has happened.
        let r = if self.rolled_back_by_sqlite() {
            Ok(())
        } else {
            self.execute_batch(control::ROLLBACK)
        };
        self.end_transaction();
        r
    }

    fn set_in_transaction(&self, on: bool) {
        self.in_transaction.set(on);
        #[cfg(feature = "postgres")]
        #[allow(irrefutable_let_patterns)] // without SQLite, every link is PostgreSQL's
        if let Link::Postgres(c) = &self.link {
            c.in_transaction.set(on);
        }
    }

    fn end_transaction(&self) {
        self.set_in_transaction(false);
        *self.failed.borrow_mut() = None;
    }

    /// Runs `f` inside a savepoint of the write transaction (when there is one): a statement
    /// of `f` that fails is undone alone and the transaction goes on, on every backend.
    pub(crate) fn in_savepoint<R>(&self, f: impl FnOnce() -> Result<R>) -> Result<R> {
        if !self.in_transaction.get() {
            return f();
        }
        let before = self.failure_mark();
        let retryable_before = self.met_retryable();
        self.execute_batch(control::SAVEPOINT)?;
        match f() {
            Ok(r) => {
                self.execute_batch(control::RELEASE_SAVEPOINT)?;
                Ok(r)
            }
            Err(e) => {
                // (What failed is undone: it makes no later error of the attempt retryable
                // by itself, but is noted, for the error returned.)
                if self.execute_batch(control::ROLLBACK_TO_SAVEPOINT).is_ok() {
                    self.restore_failure(before);
                    self.restore_retryable(retryable_before);
                }
                Err(e)
            }
        }
    }

    /// The live columns of a table, or `None` when the table does not exist.
    pub(crate) fn table_columns(&self, table: &str) -> Result<Option<Vec<LiveColumn>>> {
        self.watch(match &self.link {
            #[cfg(feature = "sqlite")]
            Link::Sqlite(c) => c.table_columns(table),
            #[cfg(feature = "postgres")]
            Link::Postgres(c) => c.table_columns(table),
        })
    }
}

/// A column as the database describes it.
#[derive(Debug, Clone)]
pub(crate) struct LiveColumn {
    pub name: String,
    pub ty: String,
    pub not_null: bool,
    pub primary_key: bool,
    /// A `DEFAULT` (or an identity/serial column): an insert may leave it out.
    pub has_default: bool,
    /// The collation its text compares with, when not byte for byte (SQLite's `NOCASE`,
    /// `RTRIM`, or one of the application's own).
    pub collation: Option<String>,
    /// SQLite: the column is the table's rowid (its single `INTEGER PRIMARY KEY`, not
    /// `DESC`, in a table with a rowid), which SQLite fills in.
    pub rowid: bool,
    /// PostgreSQL: a `numeric` with a scale (`numeric(12,2)`), which rounds what is written,
    /// or a `varchar(n)`, which cuts trailing spaces past `n`.
    pub scaled: bool,
    /// A column of a view: the database shows it nullable whatever it holds.
    pub view: bool,
}

/// Opens a connection for a URL (see [`crate::Database::open`]).
pub(crate) fn open(target: &Target, options: &ConnectOptions) -> Result<Conn> {
    let mut conn = open_link(target, options)?;
    conn.log = options.log;
    conn.foreign_keys = options.foreign_keys.unwrap_or(true);
    if let Some(hook) = &options.after_connect {
        hook.run(&conn)?;
        if conn.dialect() == Dialect::Postgres {
            check_client_encoding(&conn)?;
        }
    }
    Ok(conn)
}

/// PostgreSQL: Colt sends and reads text as UTF-8 bytes; a hook that set another
/// `client_encoding` would have the server take them in that encoding (`é` stored as `Ã©`,
/// garbled for every other client, while Colt read its own bytes back unchanged).
fn check_client_encoding(conn: &Conn) -> Result<()> {
    let rows = conn.query_values("SELECT current_setting('client_encoding')", &[])?;
    let encoding = match rows.first().and_then(|r| r.first()) {
        Some(Value::Text(t)) => t.clone(),
        _ => String::new(),
    };
    if encoding.eq_ignore_ascii_case("UTF8") {
        return Ok(());
    }
    Err(crate::Error::InvalidOption {
        option: "after_connect",
        reason: format!(
            "the hook set client_encoding to `{encoding}`: Colt sends and reads text as UTF-8, which the server would then take as `{encoding}` (stored text garbled); leave client_encoding as UTF8"
        ),
    })
}

fn open_link(target: &Target, options: &ConnectOptions) -> Result<Conn> {
    // (Only SQLite's connections take options here; PostgreSQL's are in its config.)
    #[cfg(not(feature = "sqlite"))]
    let _ = options;
    match target {
        #[cfg(feature = "sqlite")]
        Target::SqliteMemory => {
            sqlite::SqliteConn::open_memory(options).map(|c| Conn::new(Link::Sqlite(c)))
        }
        #[cfg(feature = "sqlite")]
        Target::SqliteFile(path, mode) => {
            sqlite::SqliteConn::open_file(path, *mode, options).map(|c| Conn::new(Link::Sqlite(c)))
        }
        #[cfg(feature = "postgres")]
        Target::Postgres(pg) => {
            postgres::PgConn::open(pg).map(|c| Conn::new(Link::Postgres(Box::new(c))))
        }
    }
}
