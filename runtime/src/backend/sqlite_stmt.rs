//! A prepared SQLite statement, driven through SQLite's C API.
//!
//! rusqlite prepares Colt's connections, functions and schema reads; the statements Colt runs
//! for its queries and writes are its own, so that a row's values are read without
//! rusqlite's per-value checks and conversions (one `sqlite3_column_value` per column, then
//! the value's own accessors, instead of two or three `sqlite3_column_*` calls, each of which
//! takes the connection's mutex). Measured (bench/RESULTS.md): a primary-key lookup costs
//! 4.5 % fewer instructions, and a fetch of 10 000 rows 11 % fewer than hand-written
//! rusqlite code.
//!
//! # Safety
//!
//! Every `unsafe` block here rests on these invariants:
//!
//! 1. **A statement never outlives its connection.** A [`RawStmt`] is made only by
//!    [`RawStmt::prepare`] (an `unsafe fn`: its caller promises this), from the handle of a
//!    connection that is closed only after the statement is finalized (dropped). The
//!    connection's cache of statements is a field declared before the connection, so dropped
//!    first; a statement prepared for one run lives in that run's stack frame.
//! 2. **One thread at a time.** A `RawStmt` holds raw pointers, so it is neither `Send` nor
//!    `Sync`; the cache that owns the statements moves between threads only together with
//!    the connection they belong to (see `Prepared` in `sqlite.rs`), as SQLite allows for a
//!    connection opened without its mutex.
//! 3. **A row's values live no longer than the row.** A [`SqliteRow`] exists only between a
//!    step that returned `SQLITE_ROW` and the next step or reset, and borrows the statement
//!    shared while stepping and resetting take it exclusively: a value read from it (a slice
//!    of SQLite's memory for text and blobs) cannot outlive the step that made it. A column
//!    is read only below the statement's column count.
//! 4. **Bound values are copied.** Text and blobs are bound with `SQLITE_TRANSIENT` (SQLite
//!    copies them before the call returns); a pointer (a list parameter) is bound with the
//!    destructor that frees it, which SQLite calls even when the bind fails.
//!
//! The code is exercised under valgrind memcheck in CI (`scripts/valgrind-tests.sh`).

use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr::NonNull;

use rusqlite::ffi;
use rusqlite::types::{ToSqlOutput, ValueRef as SqlValueRef};

use crate::entity::RowAccess;
use crate::value::ValueRef;
use crate::Result;

/// A statement prepared on a connection (see the module's invariants).
pub(crate) struct RawStmt {
    stmt: NonNull<ffi::sqlite3_stmt>,
    db: NonNull<ffi::sqlite3>,
}

/// Why [`RawStmt::prepare`] made no statement.
pub(crate) enum NotPrepared {
    /// SQLite refused the text (its error, as rusqlite words it).
    Failed(rusqlite::Error),
    /// The text holds no statement, or text after its first (the statement, if any):
    /// rusqlite's own preparation says whether that is an error, and which.
    Ask(Option<RawStmt>),
}

impl RawStmt {
    /// Prepares the first statement of `sql` on the connection `db` (kept by SQLite for
    /// repeated use when `persistent`).
    ///
    /// # Safety
    ///
    /// `db` is an open connection that outlives the statement (invariant 1), used by one
    /// thread at a time.
    pub(crate) unsafe fn prepare(
        db: NonNull<ffi::sqlite3>,
        sql: &str,
        persistent: bool,
    ) -> std::result::Result<RawStmt, NotPrepared> {
        let Ok(len) = c_int::try_from(sql.len()) else {
            return Err(NotPrepared::Failed(rusqlite::Error::SqliteFailure(
                ffi::Error::new(ffi::SQLITE_TOOBIG),
                None,
            )));
        };
        let flags = if persistent {
            ffi::SQLITE_PREPARE_PERSISTENT
        } else {
            0
        };
        let mut stmt: *mut ffi::sqlite3_stmt = std::ptr::null_mut();
        let mut tail: *const c_char = std::ptr::null();
        // SAFETY: `db` is open (the caller's promise); `sql` is valid for `len` bytes, which
        // SQLite reads no further than; both out-pointers are valid for writes.
        let rc = unsafe {
            ffi::sqlite3_prepare_v3(
                db.as_ptr(),
                sql.as_ptr().cast(),
                len,
                flags,
                &mut stmt,
                &mut tail,
            )
        };
        if rc != ffi::SQLITE_OK {
            // SAFETY: `db` is open (the caller's promise).
            return Err(NotPrepared::Failed(unsafe { prepare_error(db, rc, sql) }));
        }
        let made = NonNull::new(stmt).map(|stmt| RawStmt { stmt, db });
        // Text after the statement (SQLite points `tail` into `sql`, at or before its end).
        let rest = (tail as usize).saturating_sub(sql.as_ptr() as usize);
        match made {
            Some(stmt) if tail.is_null() || rest >= sql.len() => Ok(stmt),
            made => Err(NotPrepared::Ask(made)),
        }
    }

    #[inline]
    fn ptr(&self) -> *mut ffi::sqlite3_stmt {
        self.stmt.as_ptr()
    }

    /// The error SQLite reports for result code `code`, as rusqlite words it.
    #[cold]
    pub(crate) fn error(&self, code: c_int) -> rusqlite::Error {
        // SAFETY: the connection is open (invariant 1).
        unsafe { error_of(self.db, code) }
    }

    /// How many parameters the statement has.
    #[inline]
    pub(crate) fn parameter_count(&self) -> usize {
        // SAFETY: a prepared statement (invariants 1 and 2).
        unsafe { ffi::sqlite3_bind_parameter_count(self.ptr()) as usize }
    }

    /// How many columns its rows have.
    #[inline]
    pub(crate) fn column_count(&self) -> usize {
        // SAFETY: as above.
        unsafe { ffi::sqlite3_column_count(self.ptr()) as usize }
    }

    /// Whether it writes nothing.
    pub(crate) fn readonly(&self) -> bool {
        // SAFETY: as above.
        unsafe { ffi::sqlite3_stmt_readonly(self.ptr()) != 0 }
    }

    #[inline]
    fn check(&self, rc: c_int) -> std::result::Result<(), rusqlite::Error> {
        if rc == ffi::SQLITE_OK {
            Ok(())
        } else {
            Err(self.error(rc))
        }
    }

    /// Binds an integer to parameter `at` (1-based).
    #[inline]
    pub(crate) fn bind_int(
        &mut self,
        at: usize,
        v: i64,
    ) -> std::result::Result<(), rusqlite::Error> {
        // SAFETY: a prepared statement; SQLite checks the index.
        self.check(unsafe { ffi::sqlite3_bind_int64(self.ptr(), at as c_int, v) })
    }

    /// Binds NULL to parameter `at`.
    #[inline]
    pub(crate) fn bind_null(&mut self, at: usize) -> std::result::Result<(), rusqlite::Error> {
        // SAFETY: as above.
        self.check(unsafe { ffi::sqlite3_bind_null(self.ptr(), at as c_int) })
    }

    /// Binds text to parameter `at` (copied: invariant 4).
    #[inline]
    pub(crate) fn bind_text(
        &mut self,
        at: usize,
        text: &[u8],
    ) -> std::result::Result<(), rusqlite::Error> {
        // An empty text points at a static one (a slice's pointer may dangle).
        let (ptr, destructor) = if text.is_empty() {
            ("".as_ptr(), ffi::SQLITE_STATIC())
        } else {
            (text.as_ptr(), ffi::SQLITE_TRANSIENT())
        };
        // SAFETY: `ptr` is valid for `text.len()` bytes, which SQLite copies before the call
        // returns (`SQLITE_TRANSIENT`), or is a static empty text.
        self.check(unsafe {
            ffi::sqlite3_bind_text64(
                self.ptr(),
                at as c_int,
                ptr.cast(),
                text.len() as ffi::sqlite3_uint64,
                destructor,
                ffi::SQLITE_UTF8 as u8,
            )
        })
    }

    /// Binds a blob to parameter `at` (copied: invariant 4).
    fn bind_blob(&mut self, at: usize, blob: &[u8]) -> std::result::Result<(), rusqlite::Error> {
        // SAFETY: `blob` is valid for its length, which SQLite copies before the call
        // returns; an empty blob is bound without a pointer.
        self.check(unsafe {
            if blob.is_empty() {
                ffi::sqlite3_bind_zeroblob64(self.ptr(), at as c_int, 0)
            } else {
                ffi::sqlite3_bind_blob64(
                    self.ptr(),
                    at as c_int,
                    blob.as_ptr().cast(),
                    blob.len() as ffi::sqlite3_uint64,
                    ffi::SQLITE_TRANSIENT(),
                )
            }
        })
    }

    /// Binds one of rusqlite's values to parameter `at`.
    pub(crate) fn bind_value(
        &mut self,
        at: usize,
        v: SqlValueRef<'_>,
    ) -> std::result::Result<(), rusqlite::Error> {
        match v {
            SqlValueRef::Null => self.bind_null(at),
            SqlValueRef::Integer(i) => self.bind_int(at, i),
            // SAFETY: a prepared statement; SQLite checks the index.
            SqlValueRef::Real(r) => {
                self.check(unsafe { ffi::sqlite3_bind_double(self.ptr(), at as c_int, r) })
            }
            SqlValueRef::Text(t) => self.bind_text(at, t),
            SqlValueRef::Blob(b) => self.bind_blob(at, b),
        }
    }

    /// Binds what a `ToSql` value made of itself to parameter `at`.
    pub(crate) fn bind_output(
        &mut self,
        at: usize,
        out: ToSqlOutput<'_>,
    ) -> std::result::Result<(), rusqlite::Error> {
        match out {
            ToSqlOutput::Borrowed(v) => self.bind_value(at, v),
            ToSqlOutput::Owned(v) => self.bind_value(at, SqlValueRef::from(&v)),
            ToSqlOutput::Pointer((ptr, kind, destructor)) => {
                // SAFETY: `ptr` is the value `destructor` frees, of the pointer type `kind`
                // (a static name), handed over to SQLite, which calls the destructor when it
                // is done with it, or at once when the bind fails (invariant 4).
                self.check(unsafe {
                    ffi::sqlite3_bind_pointer(
                        self.ptr(),
                        at as c_int,
                        ptr.cast_mut(),
                        kind.as_ptr(),
                        destructor,
                    )
                })
            }
            other => Err(rusqlite::Error::ToSqlConversionFailure(
                format!("a value SQLite cannot bind: {other:?}").into(),
            )),
        }
    }

    /// Runs the statement one step: whether it made a row.
    #[inline]
    pub(crate) fn step(&mut self) -> std::result::Result<bool, rusqlite::Error> {
        // SAFETY: a prepared statement (invariants 1 and 2).
        match unsafe { ffi::sqlite3_step(self.ptr()) } {
            ffi::SQLITE_ROW => Ok(true),
            ffi::SQLITE_DONE => Ok(false),
            code => Err(self.error(code)),
        }
    }

    /// Makes the statement ready to run again (its bindings stay). Its result repeats the
    /// last step's error, which was reported then.
    #[inline]
    pub(crate) fn reset(&mut self) {
        // SAFETY: as above.
        unsafe { ffi::sqlite3_reset(self.ptr()) };
    }

    /// Runs a statement that returns no rows: how many rows it changed.
    pub(crate) fn execute(&mut self) -> std::result::Result<u64, rusqlite::Error> {
        // SAFETY: as above.
        let (stepped, reset) = unsafe {
            (
                ffi::sqlite3_step(self.ptr()),
                ffi::sqlite3_reset(self.ptr()),
            )
        };
        match stepped {
            ffi::SQLITE_DONE if reset == ffi::SQLITE_OK => {
                // SAFETY: the connection is open (invariant 1).
                Ok(unsafe { ffi::sqlite3_changes64(self.db.as_ptr()) } as u64)
            }
            ffi::SQLITE_DONE => Err(self.error(reset)),
            ffi::SQLITE_ROW => Err(rusqlite::Error::ExecuteReturnedResults),
            code => Err(self.error(code)),
        }
    }

    /// Runs the statement, handing each row to `f` until it returns `false`; the statement
    /// is reset after, even when `f` fails or panics.
    #[inline]
    pub(crate) fn rows<F>(&mut self, mut f: F) -> Result<()>
    where
        F: FnMut(&SqliteRow<'_>) -> Result<bool>,
    {
        /// Resets the statement when dropped.
        struct Running<'a>(&'a mut RawStmt);
        impl Drop for Running<'_> {
            fn drop(&mut self) {
                self.0.reset();
            }
        }
        let run = Running(self);
        // The columns are counted once the first step has run: a statement the schema
        // changed under (`SELECT *` after a column was added or dropped) is prepared again
        // by that step, with its new columns.
        let mut columns = None;
        loop {
            match run.0.step() {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(e) => return Err(super::sqlite::map_error(e, None)),
            }
            let columns = *columns.get_or_insert_with(|| run.0.column_count());
            let row = SqliteRow {
                stmt: run.0,
                columns,
            };
            if !f(&row)? {
                return Ok(());
            }
        }
    }
}

impl Drop for RawStmt {
    fn drop(&mut self) {
        // SAFETY: the statement is finalized once, here, while its connection is open
        // (invariant 1).
        unsafe { ffi::sqlite3_finalize(self.ptr()) };
    }
}

/// The error for result code `code` on connection `db`, with the connection's message when
/// it is about that code (rusqlite's wording, so that errors read the same whichever path
/// ran the statement).
///
/// # Safety
///
/// `db` is an open connection.
#[cold]
pub(crate) unsafe fn error_of(db: NonNull<ffi::sqlite3>, code: c_int) -> rusqlite::Error {
    // SAFETY: `db` is open (the caller's promise); SQLite's messages are NUL-terminated
    // texts it keeps until the next call on the connection, copied here at once.
    let message = unsafe {
        let text = if ffi::sqlite3_errcode(db.as_ptr()) == code {
            ffi::sqlite3_errmsg(db.as_ptr())
        } else {
            ffi::sqlite3_errstr(code)
        };
        (!text.is_null()).then(|| CStr::from_ptr(text).to_string_lossy().into_owned())
    };
    rusqlite::Error::SqliteFailure(ffi::Error::new(code), message)
}

/// The error of a text SQLite would not prepare: rusqlite's `SqlInputError`, with the
/// offset of the token at fault, when SQLite gives one (a syntax error, an unknown table
/// or column), as rusqlite's own preparation words it.
///
/// # Safety
///
/// `db` is an open connection, whose last call was the failed preparation.
#[cold]
unsafe fn prepare_error(db: NonNull<ffi::sqlite3>, code: c_int, sql: &str) -> rusqlite::Error {
    // SAFETY: `db` is open (the caller's promise); the offset is read before any other
    // call on the connection replaces it.
    let offset = unsafe { ffi::sqlite3_error_offset(db.as_ptr()) };
    // SAFETY: as above.
    let error = unsafe { error_of(db, code) };
    match error {
        rusqlite::Error::SqliteFailure(e, msg)
            if e.code == ffi::ErrorCode::Unknown && offset >= 0 =>
        {
            rusqlite::Error::SqlInputError {
                error: e,
                msg: msg.unwrap_or_else(|| "error".to_owned()),
                sql: sql.to_owned(),
                offset,
            }
        }
        other => other,
    }
}

/// A row of a running statement (invariant 3).
pub(crate) struct SqliteRow<'a> {
    stmt: &'a RawStmt,
    columns: usize,
}

impl RowAccess for SqliteRow<'_> {
    #[inline]
    fn value(&self, idx: usize) -> Result<ValueRef<'_>> {
        if idx >= self.columns {
            return Err(super::sqlite::map_error(
                rusqlite::Error::InvalidColumnIndex(idx),
                None,
            ));
        }
        let stmt = self.stmt.ptr();
        // SAFETY: the statement stands on a row and `idx` is one of its columns (invariant
        // 3); the value is read through its own accessors at once, text and blobs as
        // slices borrowed from `self` (valid until the next step: invariant 3), their
        // pointer read before their length, as SQLite asks.
        unsafe {
            let v = ffi::sqlite3_column_value(stmt, idx as c_int);
            Ok(match ffi::sqlite3_value_type(v) {
                ffi::SQLITE_INTEGER => ValueRef::Int(ffi::sqlite3_value_int64(v)),
                ffi::SQLITE_FLOAT => ValueRef::Real(ffi::sqlite3_value_double(v)),
                ffi::SQLITE_TEXT => {
                    let text = ffi::sqlite3_value_text(v);
                    // A text's pointer is NULL only when SQLite ran out of memory making it
                    // (converting a UTF-16 text, or ending it with a NUL), and its length
                    // then reads 0: an error, never an empty text.
                    if text.is_null() {
                        return Err(out_of_memory());
                    }
                    let len = ffi::sqlite3_value_bytes(v);
                    ValueRef::Text(slice(text.cast(), len)?)
                }
                ffi::SQLITE_BLOB => {
                    let blob = ffi::sqlite3_value_blob(v);
                    let len = ffi::sqlite3_value_bytes(v);
                    ValueRef::Blob(slice(blob, len)?)
                }
                _ => ValueRef::Null,
            })
        }
    }
}

/// SQLite out of memory while reading a value.
#[cold]
fn out_of_memory() -> crate::Error {
    super::sqlite::map_error(
        rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_NOMEM), None),
        None,
    )
}

/// The bytes SQLite handed out for a value (none for an empty one, whose pointer may be
/// NULL); a NULL pointer for a value that has bytes is SQLite out of memory.
///
/// # Safety
///
/// `ptr` is valid for `len` bytes for `'a`, or NULL.
#[inline]
unsafe fn slice<'a>(ptr: *const c_void, len: c_int) -> Result<&'a [u8]> {
    if len <= 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(out_of_memory());
    }
    // SAFETY: non-NULL and valid for `len` bytes (the caller's promise).
    Ok(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len as usize) })
}
