//! SQLite through rusqlite: statements prepared once per connection, rows read by position.

use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

use rusqlite::types::{ToSqlOutput, Value as SqlValue, ValueRef as SqlValueRef};
use rusqlite::{ffi, Connection, OpenFlags, PrepFlags, ToSql};
use std::cell::RefCell;

use super::sqlite_functions::{DIVISION_BY_ZERO, OUT_OF_RANGE};
pub(crate) use super::sqlite_stmt::SqliteRow;
use super::sqlite_stmt::{NotPrepared, RawStmt};

mod prepared;

use super::{LiveColumn, Param, SqliteMode};
use crate::error::ConstraintKind;
use crate::exact_decimal::ExactDecimal;
use crate::options::{ConnectOptions, JournalMode};
use crate::render::{control, Dialect};
use crate::value::{Value, ValueRef};
use crate::{Error, Result};
use prepared::Prepared;

/// How many prepared statements each connection keeps.
const STATEMENT_CACHE: usize = 256;

/// An open SQLite connection.
pub(crate) struct SqliteConn {
    // Declared before `conn`, so dropped (finalized) before the connection closes.
    prepared: RefCell<Prepared>,
    // Boxed: rusqlite's connection is large, and `Link` holds this one inline. (The
    // statements hold the handle of its SQLite connection, which stays where SQLite put it
    // whatever moves.)
    conn: Box<Connection>,
    pub(crate) statements: std::cell::Cell<u64>,
    /// The statement timeout in force (none: no progress handler at all).
    timeout: std::cell::Cell<Option<Duration>>,
    /// When the running statement must stop, as nanoseconds after `clock` (0: no limit);
    /// read by the progress handler, which SQLite calls every few thousand steps.
    deadline: std::sync::Arc<std::sync::atomic::AtomicU64>,
    clock: Instant,
    /// The busy timeout the connection was opened with.
    busy_timeout: Duration,
}

/// Starts the deadline of one statement when a timeout is in force; ends it when dropped.
struct Deadline<'a>(Option<&'a std::sync::atomic::AtomicU64>);

impl Drop for Deadline<'_> {
    fn drop(&mut self) {
        if let Some(d) = self.0 {
            d.store(0, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

// SAFETY: the statements (`RawStmt`, raw pointers, so not `Send` by themselves) are used
// only through the `SqliteConn` that owns both them and the connection they belong to, and
// that connection (`rusqlite::Connection: Send`, opened without SQLite's mutex) always moves
// together with them; `SqliteConn` is not `Sync` (its `RefCell`s), so one thread at a time
// uses the pair, which is what SQLite asks of a connection and its statements (invariant 2
// of `sqlite_stmt`). rusqlite's own statement cache is `Send` for the same reason. (`last`
// holds an address that is only ever compared, never read through.)
unsafe impl Send for Prepared {}

#[inline]
fn to_sqlite(v: ValueRef<'_>) -> SqlValueRef<'_> {
    match v {
        ValueRef::Null => SqlValueRef::Null,
        ValueRef::Int(i) => SqlValueRef::Integer(i),
        ValueRef::Real(r) => SqlValueRef::Real(r),
        ValueRef::Text(t) => SqlValueRef::Text(t),
        ValueRef::Blob(b) => SqlValueRef::Blob(b),
        // (Bound through `Bind`, as owned text; never reaches here.)
        ValueRef::Time(_) => SqlValueRef::Null,
        ValueRef::Decimal(d) => decimal_to_sqlite(d),
        // (Bound through `Bind`, as owned text; never reaches here.)
        ValueRef::Json(_) => SqlValueRef::Null,
    }
}

/// A decimal as SQLite holds it: an `INTEGER` when whole and within `i64`, else the `REAL`
/// whose shortest text it is (exact for at most 15 significant digits; more were refused
/// before the statement ran, by [`refuse_inexact_decimals`]).
fn decimal_to_sqlite<'a>(d: ExactDecimal) -> SqlValueRef<'a> {
    match d.to_i64() {
        Some(i) => SqlValueRef::Integer(i),
        None => SqlValueRef::Real(d.to_f64()),
    }
}

/// Refuses, before a statement runs, a decimal SQLite would round: one of more than 15
/// significant digits that is not a whole `i64`.
fn refuse_inexact_decimals(params: &[Param<'_>]) -> Result<()> {
    let exact = |v: &Value| match v {
        Value::Decimal(d) => d.sqlite_exact(),
        _ => true,
    };
    let all_exact = params.iter().all(|p| match p {
        Param::Borrowed(ValueRef::Decimal(d)) => d.sqlite_exact(),
        Param::Owned(Value::List(items)) => items.iter().all(exact),
        Param::Owned(v) => exact(v),
        Param::Borrowed(_) => true,
    });
    if all_exact {
        Ok(())
    } else {
        Err(Error::NotStorable {
            value: "a decimal of more than 15 significant digits",
            reason: "SQLite keeps 15 significant digits of a number, so it would be rounded; PostgreSQL's numeric keeps it exactly",
        })
    }
}

fn owned_to_sqlite(v: &Value) -> SqlValue {
    match v {
        Value::Null | Value::List(_) | Value::Unwritable(_) | Value::Deleted(_) => SqlValue::Null,
        Value::Object(o) => owned_to_sqlite(o.key()),
        Value::Objects(l) => owned_to_sqlite(l.keys()),
        Value::Int(i) => SqlValue::Integer(*i),
        Value::Real(r) => SqlValue::Real(*r),
        Value::Text(t) => SqlValue::Text(t.clone()),
        Value::Blob(b) => SqlValue::Blob(b.clone()),
        Value::Time(t) => SqlValue::Text(t.to_iso()),
        Value::Decimal(d) => match decimal_to_sqlite(*d) {
            SqlValueRef::Integer(i) => SqlValue::Integer(i),
            SqlValueRef::Real(r) => SqlValue::Real(r),
            _ => SqlValue::Null,
        },
    }
}

struct Bind<'a>(Param<'a>);

impl ToSql for Bind<'_> {
    #[inline]
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            // Dates and times as ISO-8601 text, SQLite's own format.
            Param::Borrowed(ValueRef::Time(t)) => ToSqlOutput::Owned(SqlValue::Text(t.to_iso())),
            // JSON as its text (a value whose `Serialize` fails was refused before).
            Param::Borrowed(ValueRef::Json(j)) => match j.json_text() {
                Ok(text) => ToSqlOutput::Owned(SqlValue::Text(text)),
                Err(e) => return Err(rusqlite::Error::ToSqlConversionFailure(e.into())),
            },
            Param::Owned(Value::Time(t)) => ToSqlOutput::Owned(SqlValue::Text(t.to_iso())),
            Param::Borrowed(v) => ToSqlOutput::Borrowed(to_sqlite(v)),
            Param::Owned(Value::List(items)) => {
                // The `rarray` table-valued function of rusqlite's array module.
                let list: Vec<SqlValue> = items.iter().map(owned_to_sqlite).collect();
                ToSqlOutput::from_rc(Rc::new(list), c"rarray")
            }
            Param::Owned(v) => ToSqlOutput::Borrowed(to_sqlite(v.as_ref())),
        })
    }
}

impl SqliteConn {
    /// Sets the busy timeout (how long a statement waits for another connection's lock).
    /// Whether the connection is in autocommit (no transaction open).
    pub(crate) fn is_autocommit(&self) -> bool {
        self.conn.is_autocommit()
    }

    pub(crate) fn set_busy_timeout(&self, timeout: Duration) -> Result<()> {
        self.conn
            .busy_timeout(timeout)
            .map_err(|e| map_error(e, None))
    }

    /// Sets the busy timeout back to the connection's own.
    pub(crate) fn restore_busy_timeout(&self) -> Result<()> {
        self.set_busy_timeout(self.busy_timeout)
    }

    pub(crate) fn open_memory(options: &ConnectOptions) -> Result<Self> {
        let conn = Connection::open_in_memory().map_err(|e| map_error(e, None))?;
        Self::configure(conn, options)
    }

    /// Opens a file: an existing one unless `mode` says to create it (a typo in a path
    /// does not make an empty database), or only for reading.
    pub(crate) fn open_file(
        path: &Path,
        mode: SqliteMode,
        options: &ConnectOptions,
    ) -> Result<Self> {
        let flags = OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI
            | match mode {
                SqliteMode::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
                SqliteMode::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE,
                SqliteMode::Create => {
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
                }
            };
        let conn = Connection::open_with_flags(path, flags).map_err(|e| {
            if mode != SqliteMode::Create && !path.exists() {
                return Error::NoSuchDatabase {
                    path: path.display().to_string(),
                };
            }
            map_error(e, None)
        })?;
        Self::configure(conn, options)
    }

    fn configure(conn: Connection, options: &ConnectOptions) -> Result<Self> {
        conn.busy_timeout(options.busy_timeout())
            .map_err(|e| map_error(e, None))?;
        rusqlite::vtab::array::load_module(&conn).map_err(|e| map_error(e, None))?;
        super::sqlite_functions::register(&conn)?;
        // Reading the schema fails at once for a file that is not a SQLite database.
        conn.execute_batch(control::SQLITE_SETUP)
            .map_err(|e| map_error(e, None))?;
        if let Some(mode) = options.journal_mode {
            set_journal_mode(&conn, mode)?;
        }
        if let Some(sync) = options.synchronous {
            conn.execute_batch(&format!("PRAGMA synchronous = {}", sync.as_sql()))
                .map_err(|e| map_error(e, None))?;
        }
        if options.foreign_keys == Some(false) {
            conn.execute_batch("PRAGMA foreign_keys = OFF")
                .map_err(|e| map_error(e, None))?;
        }
        Ok(SqliteConn {
            prepared: RefCell::new(Prepared::default()),
            conn: Box::new(conn),
            statements: std::cell::Cell::new(0),
            timeout: std::cell::Cell::new(None),
            deadline: std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0)),
            clock: Instant::now(),
            busy_timeout: options.busy_timeout(),
        })
    }

    /// Bounds every statement of this connection by `timeout` (`None`: no bound): past it,
    /// SQLite interrupts the statement (`Error::StatementTimeout`).
    pub(crate) fn set_statement_timeout(&mut self, timeout: Option<Duration>) -> Result<()> {
        if self.timeout.get() == timeout {
            return Ok(());
        }
        match timeout {
            Some(_) => {
                let deadline = self.deadline.clone();
                let clock = self.clock;
                self.conn
                    .progress_handler(
                        1000,
                        Some(move || {
                            let d = deadline.load(std::sync::atomic::Ordering::Relaxed);
                            d != 0 && clock.elapsed().as_nanos() as u64 > d
                        }),
                    )
                    .map_err(|e| map_error(e, None))?;
            }
            None => self
                .conn
                .progress_handler(0, None::<fn() -> bool>)
                .map_err(|e| map_error(e, None))?,
        }
        self.timeout.set(timeout);
        Ok(())
    }

    /// The deadline of a statement starting now (inlined: most connections have no timeout).
    #[inline]
    fn deadline(&self) -> Deadline<'_> {
        match self.timeout.get() {
            None => Deadline(None),
            Some(limit) => self.start_deadline(limit),
        }
    }

    #[inline(never)]
    fn start_deadline(&self, limit: Duration) -> Deadline<'_> {
        let at = (self.clock.elapsed() + limit).as_nanos() as u64;
        self.deadline
            .store(at.max(1), std::sync::atomic::Ordering::Relaxed);
        Deadline(Some(&self.deadline))
    }

    /// Prepares the one statement `sql` holds. Text that holds no statement, or text after
    /// its first, is prepared again by rusqlite, for its error.
    #[cold]
    fn prepare(&self, sql: &str, persistent: bool) -> Result<RawStmt> {
        // SAFETY: the handle of the connection this `SqliteConn` owns, open until it drops,
        // after its statements (`prepared` is declared before `conn`; a statement for one
        // run is dropped within the run); `SqliteConn` is not `Sync`, so one thread at a
        // time uses both (see `sqlite_stmt`'s invariants).
        let made = unsafe {
            match std::ptr::NonNull::new(self.conn.handle()) {
                Some(db) => RawStmt::prepare(db, sql, persistent),
                // (rusqlite's handle of a closed connection; this one never closes before
                // it drops.)
                None => {
                    return Err(map_error(
                        rusqlite::Error::SqliteFailure(
                            ffi::Error::new(ffi::SQLITE_MISUSE),
                            Some("the connection is closed".into()),
                        ),
                        None,
                    ))
                }
            }
        };
        let own = match made {
            Ok(stmt) => return Ok(stmt),
            // (Its error as rusqlite words it: preparing again could wait out a lock twice.)
            Err(NotPrepared::Failed(e)) => return Err(map_error(e, None)),
            Err(NotPrepared::Ask(own)) => own,
        };
        // No statement, or text after the first: rusqlite's preparation says whether that
        // is an error (two statements, none) or not (a comment, a semicolon).
        let flags = if persistent {
            PrepFlags::SQLITE_PREPARE_PERSISTENT
        } else {
            PrepFlags::empty()
        };
        self.conn
            .prepare_with_flags(sql, flags)
            .map_err(|e| map_error(e, None))?;
        own.ok_or_else(|| map_error(rusqlite::Error::Empty, None))
    }

    /// What `sql` is (prepared and kept, parameters checked), without running it.
    pub(crate) fn describe(&self, sql: &str, params: &[Param<'_>]) -> Result<super::Shape> {
        let ran = self.statements.get();
        let shape = self.with_statement(sql, params, |stmt| {
            Ok(super::Shape {
                read_only: stmt.readonly(),
                columns: stmt.column_count(),
            })
        });
        self.statements.set(ran);
        shape
    }

    pub(crate) fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        self.with_statement(sql, params, |stmt| {
            stmt.execute().map_err(|e| map_error(e, None))
        })
    }

    pub(crate) fn execute_batch(&self, sql: &str) -> Result<()> {
        self.statements.set(self.statements.get() + 1);
        let _deadline = self.deadline();
        self.conn.execute_batch(sql).map_err(|e| map_error(e, None))
    }

    pub(crate) fn insert(
        &self,
        sql: &str,
        params: &[Param<'_>],
        auto: bool,
    ) -> Result<(u64, Option<i64>)> {
        self.hold(sql)?.insert(params, auto)
    }

    /// Runs a query and hands each row to `f`, until it returns `false`.
    pub(crate) fn query<F>(&self, sql: &str, params: &[Param<'_>], f: F) -> Result<()>
    where
        F: FnMut(&SqliteRow<'_>) -> Result<bool>,
    {
        self.with_statement(sql, params, |stmt| stmt.rows(f))
    }

    pub(crate) fn table_columns(&self, table: &str) -> Result<Option<Vec<LiveColumn>>> {
        let mut cols = Vec::new();
        let mut stmt = self
            .conn
            .prepare(control::table_columns(Dialect::Sqlite))
            .map_err(|e| map_error(e, None))?;
        let mut rows = stmt.query([table]).map_err(|e| map_error(e, None))?;
        while let Some(row) = rows.next().map_err(|e| map_error(e, None))? {
            let get = |i| row.get::<_, rusqlite::types::Value>(i);
            let (
                Ok(SqlValue::Text(name)),
                Ok(SqlValue::Text(ty)),
                Ok(SqlValue::Integer(nn)),
                Ok(SqlValue::Integer(pk)),
                Ok(SqlValue::Integer(default)),
            ) = (get(0), get(1), get(2), get(3), get(4))
            else {
                continue;
            };
            // The column's own collation (`COLLATE NOCASE`): SQLite's table_info has none.
            let view = matches!(get(5), Ok(SqlValue::Integer(1)));
            let collation = self
                .conn
                .column_metadata(None, table, name.as_str())
                .ok()
                .and_then(|(_, seq, ..)| seq)
                .map(|seq| seq.to_string_lossy().into_owned())
                .filter(|seq| !seq.eq_ignore_ascii_case("BINARY"));
            cols.push(LiveColumn {
                name,
                ty,
                not_null: nn != 0,
                primary_key: pk != 0,
                has_default: default != 0,
                collation,
                rowid: false,
                scaled: false,
                view,
            });
        }
        // The single `INTEGER PRIMARY KEY` is the rowid, unless the key has an index of its
        // own: `INTEGER PRIMARY KEY DESC`, or a `WITHOUT ROWID` table (SQLite then leaves a
        // key the insert does not give NULL).
        let keys = cols.iter().filter(|c| c.primary_key).count();
        if keys == 1 {
            let key_index: i64 = self
                .conn
                .query_row(
                    crate::render::introspection_sql::SQLITE_KEY_INDEX,
                    [table],
                    |r| r.get(0),
                )
                .map_err(|e| map_error(e, None))?;
            for c in cols.iter_mut() {
                c.rowid = key_index == 0 && c.primary_key && c.ty.eq_ignore_ascii_case("INTEGER");
            }
        }
        Ok((!cols.is_empty()).then_some(cols))
    }
}

/// Binds every parameter of a statement (all of them: a cached statement keeps the values of
/// its previous run).
fn bind(stmt: &mut RawStmt, params: &[Param<'_>]) -> Result<()> {
    if stmt.parameter_count() != params.len() {
        // (A value no database stores is the error to report first.)
        refuse_special(params)?;
        return Err(Error::ParameterCount {
            expected: stmt.parameter_count(),
            given: params.len(),
        });
    }
    // Values other than integers, text and NULL are checked, all of them before any runs,
    // when the first of them is met (most statements have none).
    let mut checked = false;
    for (i, p) in params.iter().enumerate() {
        // Integers (keys, most often), text and NULL bound by their own type: rusqlite's
        // conversion of a whole `Param` (which the compiler may not inline) costs more than
        // binding one. Other values take the checks below.
        let plain = match p {
            Param::Borrowed(ValueRef::Int(v)) | Param::Owned(Value::Int(v)) => {
                Some(stmt.bind_int(i + 1, *v))
            }
            Param::Borrowed(ValueRef::Text(t)) => Some(stmt.bind_text(i + 1, t)),
            Param::Owned(Value::Text(t)) => Some(stmt.bind_text(i + 1, t.as_bytes())),
            Param::Borrowed(ValueRef::Null) | Param::Owned(Value::Null) => {
                Some(stmt.bind_null(i + 1))
            }
            _ => None,
        };
        if let Some(bound) = plain {
            bound.map_err(|e| map_error(e, None))?;
            continue;
        }
        if !checked {
            refuse_special(params)?;
            checked = true;
        }
        // SQLite stores NaN as NULL: it would come back as `None`, or fail a NOT NULL
        // column with a message about NULL. Refused, before anything runs.
        let nan = match p {
            Param::Borrowed(ValueRef::Real(f)) => f.is_nan(),
            Param::Owned(Value::Real(f)) => f.is_nan(),
            _ => false,
        };
        if nan {
            return Err(Error::NotStorable {
                value: "NaN",
                reason: "SQLite stores NaN as NULL",
            });
        }
        Bind(*p)
            .to_sql()
            .and_then(|out| stmt.bind_output(i + 1, out))
            .map_err(|e| map_error(e, None))?;
    }
    Ok(())
}

/// Refuses, before a statement runs, the parameters no database stores and the decimals
/// SQLite would round.
#[cold]
fn refuse_special(params: &[Param<'_>]) -> Result<()> {
    let special = params.iter().any(|p| {
        matches!(
            p,
            Param::Borrowed(ValueRef::Time(_) | ValueRef::Decimal(_) | ValueRef::Json(_))
                | Param::Owned(
                    Value::Time(_)
                        | Value::Decimal(_)
                        | Value::List(_)
                        | Value::Unwritable(_)
                        | Value::Deleted(_),
                )
        )
    });
    if special {
        super::refuse_unstorable(params)?;
        refuse_inexact_decimals(params)?;
    }
    Ok(())
}

/// Sets the journal mode, or says why SQLite kept another (it answers with the mode in
/// force: an in-memory database keeps `memory`, a read-only file its own).
/// A mode already in force is not set again (setting it waits for other connections'
/// transactions, even to the same mode).
fn set_journal_mode(conn: &Connection, mode: JournalMode) -> Result<()> {
    let mode_now = |sql: &str| -> Result<String> {
        conn.query_row(sql, [], |row| row.get(0))
            .map_err(|e| map_error(e, None))
    };
    let mut now = mode_now("PRAGMA journal_mode")?;
    if !now.eq_ignore_ascii_case(mode.as_sql()) {
        now = mode_now(&format!("PRAGMA journal_mode = {}", mode.as_sql()))?;
    }
    if now.eq_ignore_ascii_case(mode.as_sql()) {
        return Ok(());
    }
    Err(Error::InvalidOption {
        option: "journal_mode",
        reason: format!(
            "SQLite kept the journal mode `{now}` instead of `{}` (an in-memory database \
             has only `memory` or `off`; a read-only file keeps its own)",
            mode.as_sql()
        ),
    })
}

/// Turns a rusqlite error into Colt's; `table` is the table written to, if known.
pub(crate) fn map_error(e: rusqlite::Error, table: Option<&str>) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(_, Some(m)) if m == DIVISION_BY_ZERO => {
            return Error::DivisionByZero;
        }
        rusqlite::Error::UserFunctionError(u) if u.to_string() == DIVISION_BY_ZERO => {
            return Error::DivisionByZero;
        }
        rusqlite::Error::SqliteFailure(_, Some(m)) if m.starts_with(OUT_OF_RANGE) => {
            return Error::OutOfRange(m[OUT_OF_RANGE.len()..].to_string());
        }
        rusqlite::Error::UserFunctionError(u) if u.to_string().starts_with(OUT_OF_RANGE) => {
            return Error::OutOfRange(u.to_string()[OUT_OF_RANGE.len()..].to_string());
        }
        rusqlite::Error::SqliteFailure(_, Some(m)) if m == crate::like::BAD_PATTERN => {
            return Error::InvalidQuery(crate::like::BAD_PATTERN.to_string());
        }
        // SQLite's own: `SUM` of integers (or of whole decimals, which it keeps as integers)
        // past `i64` at any row, `abs(i64::MIN)`.
        rusqlite::Error::SqliteFailure(_, Some(m)) if m == "integer overflow" => {
            return Error::OutOfRange(
                "an integer past the 64-bit range (SQLite adds integers, and whole decimals, \
                 in 64 bits)"
                    .to_string(),
            );
        }
        _ => {}
    }
    if let rusqlite::Error::SqliteFailure(ref err, ref msg) = e {
        if err.code == rusqlite::ErrorCode::OperationInterrupted {
            return Error::StatementTimeout;
        }
        if matches!(
            err.code,
            rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
        ) {
            return Error::Busy(msg.clone().unwrap_or_else(|| err.to_string()));
        }
        if err.code == rusqlite::ErrorCode::DiskFull {
            return Error::StorageFull(msg.clone().unwrap_or_else(|| err.to_string()));
        }
        if err.code == rusqlite::ErrorCode::ConstraintViolation {
            let message = msg.clone().unwrap_or_else(|| err.to_string());
            let kind = match err.extended_code {
                ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                    ConstraintKind::Unique
                }
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ConstraintKind::ForeignKey,
                ffi::SQLITE_CONSTRAINT_NOTNULL => ConstraintKind::NotNull,
                ffi::SQLITE_CONSTRAINT_TRIGGER => ConstraintKind::Trigger,
                _ => ConstraintKind::Check,
            };
            // "UNIQUE constraint failed: category.name, category.x"
            let named = message
                .split_once(": ")
                .map(|(_, rest)| rest.split(", ").next().unwrap_or(rest))
                .filter(|first| !first.contains(' '))
                .and_then(|first| first.split_once('.'));
            let (tbl, column) = match named {
                Some((t, c)) => (t.to_string(), Some(c.to_string())),
                None => (table.unwrap_or("").to_string(), None),
            };
            return Error::Constraint {
                kind,
                table: tbl,
                column,
                message,
            };
        }
    }
    Error::backend(e)
}
