//! The one error type of Colt.

use std::fmt;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Which kind of database constraint a statement violated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConstraintKind {
    /// A `UNIQUE` or `PRIMARY KEY` constraint.
    Unique,
    /// A `FOREIGN KEY` constraint.
    ForeignKey,
    /// A `NOT NULL` constraint.
    NotNull,
    /// A `CHECK` constraint (on SQLite also a constraint it names no kind for).
    Check,
    /// A PostgreSQL `EXCLUDE` constraint.
    Exclusion,
    /// A trigger that refused the write (SQLite's `RAISE(ABORT, ..)` and the like).
    Trigger,
}

impl fmt::Display for ConstraintKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConstraintKind::Unique => "unique",
            ConstraintKind::ForeignKey => "foreign key",
            ConstraintKind::NotNull => "not null",
            ConstraintKind::Check => "check",
            ConstraintKind::Exclusion => "exclusion",
            ConstraintKind::Trigger => "trigger",
        })
    }
}

/// Everything that can go wrong in Colt.
///
/// Every fallible function of Colt returns this type. It is `#[non_exhaustive]`: match the
/// variants you handle and keep a catch-all arm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A query expected a row and found none (`q.one`, `tx.get_or_err`).
    #[error("no {entity} found{}", key.as_ref().map(|k| format!(" with key {k}")).unwrap_or_default())]
    NotFound {
        /// The entity (or `"row"` for a projection) that was looked for.
        entity: String,
        /// The key that was looked for, when there is one.
        key: Option<String>,
    },
    /// A query expected one row and found more (`q.one`).
    #[error("expected one row, found more than one")]
    MultipleFound,
    /// A row was changed by someone else after this transaction read it.
    #[error("{entity} with key {key} was changed by another transaction (column `{column}`)")]
    UnrepeatableRead {
        /// The entity whose row changed.
        entity: String,
        /// The primary key of the row, formatted.
        key: String,
        /// The first column whose value no longer matches what was read.
        column: String,
    },
    /// A statement violated a constraint of the database.
    #[error("{kind} constraint failed on table `{table}`{}: {message}", column.as_ref().map(|c| format!(", column `{c}`")).unwrap_or_default())]
    Constraint {
        /// Which kind of constraint.
        kind: ConstraintKind,
        /// The table (as far as the database says; otherwise the table written to).
        table: String,
        /// The column, when the database names one.
        column: Option<String>,
        /// The database's own message.
        message: String,
    },
    /// A value read from the database does not fit the Rust type of its attribute.
    #[error("cannot decode column `{column}`: expected {expected}, found {found}")]
    Decode {
        /// The column (as `table.column` for entity columns).
        column: String,
        /// The Rust type that was expected.
        expected: String,
        /// What the database held.
        found: String,
    },
    /// The live schema does not match the entities, or the entities do not fit together.
    #[error("schema mismatch: {0}")]
    SchemaMismatch(String),
    /// The transaction (or the object's transaction) is over.
    #[error("the transaction is closed (committed, rolled back or failed)")]
    TransactionClosed,
    /// A database URL that Colt cannot open.
    #[error("invalid database URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A `sqlite:PATH` URL names a file that does not exist (opening creates one only when
    /// asked: `?mode=rwc` or `create_if_missing`, so that a typo in a path is not an empty
    /// database).
    #[error("no SQLite database at `{path}`: add `?mode=rwc` to the URL (or call `Database::builder(url).create_if_missing(true)`) to create it")]
    NoSuchDatabase {
        /// The path as given.
        path: String,
    },
    /// An option of [`crate::DatabaseBuilder`] the database cannot take.
    #[error("invalid option `{option}`: {reason}")]
    InvalidOption {
        /// The option, as the builder's method is named.
        option: &'static str,
        /// Why it cannot be taken.
        reason: String,
    },
    /// SQLite's database was locked by another connection for longer than the busy timeout
    /// (`database is locked`): running the transaction again may succeed.
    #[error("the database is busy (locked by another connection), try again: {0}")]
    Busy(String),
    /// A `for_update().nowait()` query met rows (PostgreSQL, SQLSTATE 55P03) or a database
    /// (SQLite) another transaction has locked, and did not wait. Not retried by itself:
    /// not waiting was asked for.
    #[error("locked by another transaction, and the query does not wait: {0}")]
    LockNotAvailable(String),
    /// The database could not serialize this transaction with a concurrent one (PostgreSQL
    /// SQLSTATE 40001, or a deadlock, 40P01): running it again may succeed.
    #[error("transaction conflict, try again: {0}")]
    SerializationFailure(String),
    /// An object was used with a transaction that is not its own (another transaction of
    /// the same database, a transaction of another database, or one begun after the
    /// object's own ended). Objects act only within the transaction that loaded or made them.
    #[error("this {entity} belongs to another transaction: load it again in this one (`tx.get`, a query) and use that object")]
    ForeignObject {
        /// The object's entity.
        entity: &'static str,
    },
    /// A deleted object was changed.
    #[error("cannot change a deleted {entity}")]
    ObjectDeleted {
        /// The object's entity.
        entity: &'static str,
    },
    /// An object was changed while a `get()` borrow of it was alive.
    #[error("a {entity} is still borrowed by `get()`; drop that borrow before changing it")]
    ObjectBorrowed {
        /// The object's entity.
        entity: &'static str,
    },
    /// `set` changed the primary key of a stored object (the change was undone).
    #[error("the primary key of {entity} cannot be changed; create a new object instead")]
    KeyChanged {
        /// The object's entity.
        entity: &'static str,
    },
    /// `set` changed the side of a one-to-one relationship that has no column (the other
    /// side's reference holds the key): change the other side instead. Nothing was changed.
    #[error("`{entity}.{field}` is read from `{other}.{other_field}`, which holds the key: set `{other_field}` on the {other} instead")]
    ReverseSide {
        /// The entity whose field was set.
        entity: &'static str,
        /// The column-less field.
        field: &'static str,
        /// The entity holding the key.
        other: &'static str,
        /// Its reference field.
        other_field: &'static str,
    },
    /// `commit` found that a statement failed inside the transaction (PostgreSQL ends a
    /// transaction there, and Colt does the same on SQLite): everything was rolled back.
    /// Raw SQL runs in a savepoint, so a raw statement whose error the caller handled does
    /// not end the transaction.
    #[error(
        "the transaction was rolled back, not committed: a statement failed in it ({first_error})"
    )]
    TransactionAborted {
        /// The first failed statement's error.
        first_error: String,
    },
    /// A raw statement that begins, commits or rolls back a transaction (`BEGIN`, `COMMIT`,
    /// `ROLLBACK`, `SAVEPOINT`, `RELEASE`, ...) was given to `execute_sql` or `query_sql`:
    /// refused before it ran. Colt's transaction does that (`commit`, `Drop`,
    /// `Transaction::savepoint`); run in it, such a statement would end the transaction
    /// under Colt, which would then write the rest outside it.
    #[error("`{keyword}` controls the transaction, which is Colt's to do: use `commit`, a rollback or `Transaction::savepoint` instead of raw SQL")]
    TransactionStatement {
        /// The statement's first word, upper-cased.
        keyword: String,
    },
    /// A raw statement that returns rows was given to `execute_sql` (refused before it ran):
    /// use `query_sql`.
    #[error("this statement returns rows: run it with `query_sql`, which returns them")]
    ReturnsRows,
    /// A value the backend cannot store as it is (NaN on SQLite, which would read back as
    /// NULL): refused before the statement runs, nothing written.
    #[error("{value} cannot be stored: {reason}")]
    NotStorable {
        /// The value.
        value: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// A JSON attribute's value could not be written as JSON (its `Serialize` failed, as
    /// serde_json does for a map whose keys are not strings): refused before the statement
    /// runs, nothing written.
    #[error("a value could not be written as JSON: {message}")]
    JsonEncode {
        /// serde_json's error.
        message: String,
    },
    /// A statement ran past the statement timeout (`Database::set_statement_timeout`) and
    /// was stopped.
    #[error("the statement ran past the statement timeout and was stopped")]
    StatementTimeout,
    /// A query divided by zero (`/` or `%`). PostgreSQL refuses it, and so does Colt on
    /// SQLite (which would answer NULL and silently drop the row from a condition).
    #[error("division by zero in a query")]
    DivisionByZero,
    /// A value a query computed does not fit its type: `x as i32` (`i16`, `i64`) of a value
    /// out of the target's range, where Rust's `as` would wrap or saturate it, or an integer
    /// overflow PostgreSQL refuses. The message says which type.
    #[error("a value in a query is out of range: {0}")]
    OutOfRange(String),
    /// The database had no room for a write: SQLite's file reached its largest size
    /// (`PRAGMA max_page_count`) or its disk is full; PostgreSQL's disk is full (SQLSTATE
    /// 53100). The statement wrote nothing, and the transaction cannot commit (it is
    /// [`Error::TransactionAborted`]): roll back, make room, and run it again. The message
    /// is the database's.
    #[error("the database is full: {0}")]
    StorageFull(String),
    /// The transaction's objects were in use by another operation of the same transaction
    /// (a query started while the rows of another were being read).
    #[error("the transaction's objects are busy in another operation")]
    ObjectsBusy,
    /// A one-to-many `remove` of a member whose reference to the owner is required.
    #[error("`{entity}.{field}` is required: a {entity} cannot leave its {owner}; delete it or add it to another one")]
    RequiredReference {
        /// The member entity.
        entity: &'static str,
        /// Its reference field.
        field: &'static str,
        /// The owner entity.
        owner: &'static str,
    },
    /// `cascade_delete` chains deeper than Colt follows (64 levels: a cycle of cascades).
    #[error("cascade_delete from `{entity}` goes more than 64 levels deep")]
    CascadeTooDeep {
        /// The entity where the chain passed the limit.
        entity: &'static str,
    },
    /// The database wrote fewer new rows than Colt sent: a trigger (`RAISE(IGNORE)` on
    /// SQLite, a `BEFORE INSERT` trigger returning `NULL` on PostgreSQL), a rule or a conflict
    /// clause of the table (`UNIQUE .. ON CONFLICT IGNORE` on SQLite) skipped the others. The
    /// objects would have no row (or another row's key), so the transaction is rolled back.
    #[error("the database wrote {written} of the {expected} new rows of `{entity}`: a trigger, a rule or a conflict clause of the table skipped the others (the transaction is rolled back)")]
    NotWritten {
        /// The entity.
        entity: &'static str,
        /// The rows sent.
        expected: u64,
        /// The rows the database says it wrote.
        written: u64,
    },
    /// The database changed no row where its row still held what this transaction saw: a
    /// trigger (`RAISE(IGNORE)` on SQLite, a `BEFORE UPDATE` or `BEFORE DELETE` trigger
    /// returning `NULL` on PostgreSQL) or a rule skipped the object's update or delete. No
    /// other transaction is involved, so it is not retried; the object would disagree with
    /// its row, so the transaction is rolled back. (On PostgreSQL at `READ COMMITTED`,
    /// other transactions that, between the write and this check, deleted the row and
    /// inserted it again with the same values, or changed a value and changed it back,
    /// read the same way.)
    #[error("the database skipped the {write} of `{entity}` {key}, whose row holds what this transaction read: a trigger or a rule of the table did (the transaction is rolled back)")]
    WriteSkipped {
        /// The entity.
        entity: &'static str,
        /// The object's key, as `Debug` prints it.
        key: String,
        /// `"update"` or `"delete"`.
        write: &'static str,
    },
    /// PostgreSQL stored the rows of an `insert_many` under other keys than the ones Colt
    /// took from the key's sequence for them (a `BEFORE INSERT` trigger that sets the key):
    /// the objects would name other rows, so the transaction is rolled back. `insert`, one
    /// object at a time, reads each row's key back and works with such a table.
    #[error("the database stored the new rows of `{entity}` under other keys than the ones Colt took from their sequence (a trigger that sets the key?); the transaction is rolled back: insert them one at a time with `insert`")]
    KeysNotKept {
        /// The entity.
        entity: &'static str,
    },
    /// A builder's `insert` found no value for a required field. `Entity::build()` and its
    /// setters never make such a builder (`insert` compiles only once every required setter
    /// was called); only a builder value written by hand inside the entity's module can.
    /// Nothing is inserted.
    #[error("the builder of `{entity}` has no value for its required field `{field}`")]
    MissingField {
        /// The entity.
        entity: &'static str,
        /// The field.
        field: &'static str,
    },
    /// Raw SQL was given a different number of parameters than its placeholders take.
    #[error("the statement takes {expected} parameters, {given} were given")]
    ParameterCount {
        /// Placeholders in the statement.
        expected: usize,
        /// Parameters given.
        given: usize,
    },
    /// No pooled connection became free in time: every one is held by an open transaction.
    #[error("no free connection to `{url}` after {waited_ms} ms: all {size} are in use by open transactions{}", if *size == 1 { " (an in-memory SQLite database has one; finish the open transaction first)" } else { "" })]
    PoolTimeout {
        /// The database, as given to `Database::open`.
        url: String,
        /// How long the request waited, in milliseconds.
        waited_ms: u64,
        /// The pool's size.
        size: usize,
    },
    /// A query could not be built as written: a relationship without its other side, a
    /// collection used as one value, a refinement of a query whose objects do not match.
    /// Reported when the query runs, before any SQL is sent.
    #[error("{0}")]
    InvalidQuery(String),
    /// A migrations directory (or set) Colt cannot read: it does not exist, an entry is not
    /// `{version}_{name}`, a migration has no `up.sql`, two share a version.
    #[error("invalid migrations: {0}")]
    InvalidMigrations(String),
    /// An applied migration's `up.sql` has changed since it was applied: the database may no
    /// longer be what the files say. Nothing was run.
    #[error("migration {version}_{name} was applied, and its up.sql has changed since: restore the file as it was, and make the change in a new migration")]
    MigrationChanged {
        /// The migration's version.
        version: i64,
        /// Its name.
        name: String,
    },
    /// An applied migration is not among the migrations given (its directory is gone).
    /// Nothing was run.
    #[error("migration {version}_{name} was applied, but it is not among the migrations (its directory is gone): restore it")]
    MigrationMissing {
        /// The migration's version.
        version: i64,
        /// Its name, as the history table recorded it.
        name: String,
    },
    /// A pending migration is older than the newest applied one (a branch merged after a
    /// later migration ran): applied now, it would run out of order, and a revert, which
    /// takes the newest version, would undo the other one. Refused before anything runs.
    #[error("migration {version}_{name} is older than {newest}, which is applied: renumber it after {newest} (a migration runs in version order, and a revert undoes the newest)")]
    MigrationOutOfOrder {
        /// The pending migration's version.
        version: i64,
        /// Its name.
        name: String,
        /// The newest applied version.
        newest: i64,
    },
    /// A migration holds a statement that would begin or end a transaction (`BEGIN`,
    /// `COMMIT`, ..): each migration runs in a transaction of its own, which such a statement
    /// would commit half-way, unrecorded. Refused before any of it ran.
    #[error("migration {version}_{name} holds `{keyword}`: each migration runs in a transaction of its own, which that statement would end half-way; remove it (nothing of the migration ran)")]
    MigrationTransactionStatement {
        /// The migration's version.
        version: i64,
        /// Its name.
        name: String,
        /// The statement's first word, upper-cased.
        keyword: String,
    },
    /// A migration ended its own transaction with a statement Colt did not recognise as such
    /// beforehand: what it ran until then is committed, and it is not recorded as applied.
    #[error("migration {version}_{name} ended its own transaction: what it ran before that is committed, and the migration is not recorded as applied; repair the database by hand (see `colt migrate status`), and keep `COMMIT`/`ROLLBACK` out of migrations")]
    MigrationPartlyCommitted {
        /// The migration's version.
        version: i64,
        /// Its name.
        name: String,
    },
    /// A migration's SQL failed: that migration was rolled back (those before it stay
    /// applied).
    #[error("migration {version}_{name} failed and was rolled back: {source}")]
    MigrationFailed {
        /// The migration's version.
        version: i64,
        /// Its name.
        name: String,
        /// What failed.
        #[source]
        source: Box<Error>,
    },
    /// The last applied migration has no `down.sql`, or one without a statement (only
    /// comments, as `colt migrate new` writes it), so it cannot be reverted.
    #[error("migration {version}_{name} has no down.sql, or one without a statement: it cannot be reverted")]
    NotReversible {
        /// The migration's version.
        version: i64,
        /// Its name.
        name: String,
    },
    /// A migration's `up.sql` has no statement (only comments, as `colt migrate new` writes
    /// it): applied, it would be recorded as done, and its statements, written later, would
    /// never run (the changed file then refused every run).
    #[error("migration {version}_{name} has an up.sql without a statement: write its statements before running it")]
    MigrationEmpty {
        /// The migration's version.
        version: i64,
        /// Its name.
        name: String,
    },
    /// Any other error of the database driver.
    #[error("database error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl Error {
    /// Whether running the transaction again may succeed: a serialization failure or an
    /// optimistic-check failure (what `Database::transaction_with_retry` retries).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Error::SerializationFailure(_) | Error::UnrepeatableRead { .. } | Error::Busy(_)
        )
    }

    /// Wraps a driver error.
    pub fn backend(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Error::Backend(Box::new(e))
    }
}
