//! Running a closure in a transaction: commit on `Ok`, roll back on `Err` or a panic; with
//! the backend's strictest isolation; again on a conflict another attempt may not meet; and
//! with the application's own error type ([`Database::try_transaction`]).

use crate::database::Database;
use crate::error::{Error, Result};
use crate::transaction::Transaction;

impl Database {
    /// Runs `f` in a transaction: commits when it returns `Ok`, rolls back when it returns
    /// `Err` or panics (the panic goes on; the database stays usable).
    ///
    /// For a closure that returns the application's own error type, see
    /// [`Database::try_transaction`].
    ///
    /// # Errors
    /// The closure's error, or the commit's.
    pub fn transaction<R>(&self, f: impl FnOnce(&Transaction) -> Result<R>) -> Result<R> {
        self.try_transaction(f)
    }

    /// Like [`Database::transaction`], but `f` returns the application's own error type,
    /// any `E` that a [`colt::Error`](Error) converts into: `?` works inside on Colt's
    /// errors and the application's alike, and the error comes back as it was returned.
    /// (The name follows `Iterator::try_for_each`: a closure of any error type.
    /// [`Database::transaction`] keeps `colt::Error` so that closures ending in `Ok(..)`
    /// need no annotation.)
    ///
    /// ```
    /// # use colt_runtime::*;
    /// #[derive(Debug)]
    /// enum AppError {
    ///     Db(colt_runtime::Error),
    ///     OutOfStock { left: i64 },
    /// }
    /// impl From<colt_runtime::Error> for AppError {
    ///     fn from(e: colt_runtime::Error) -> Self {
    ///         AppError::Db(e)
    ///     }
    /// }
    ///
    /// # fn main() -> std::result::Result<(), AppError> {
    /// let db = Database::open("sqlite::memory:")?;
    /// db.transaction(|tx| tx.execute_sql("CREATE TABLE stock (item TEXT, left_ INTEGER)", &[]))?;
    /// db.transaction(|tx| tx.execute_sql("INSERT INTO stock VALUES ('pen', 1)", &[]))?;
    /// let take = |n: i64| {
    ///     db.try_transaction(|tx| -> std::result::Result<i64, AppError> {
    ///         tx.execute_sql("UPDATE stock SET left_ = left_ - ?1", &[&n])?; // a colt::Error
    ///         let (left,): (i64,) = tx.query_sql("SELECT left_ FROM stock", &[])?.remove(0);
    ///         if left < 0 {
    ///             return Err(AppError::OutOfStock { left }); // rolls back
    ///         }
    ///         Ok(left)
    ///     })
    /// };
    /// assert!(matches!(take(2), Err(AppError::OutOfStock { left: -1 })));
    /// assert_eq!(take(1)?, 0); // the first update was rolled back
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// The closure's error, or the commit's (converted).
    pub fn try_transaction<R, E: From<Error>>(
        &self,
        f: impl FnOnce(&Transaction) -> std::result::Result<R, E>,
    ) -> std::result::Result<R, E> {
        let tx = self.begin()?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Like [`Database::transaction`], but takes the write lock from the first statement
    /// (SQLite: `BEGIN IMMEDIATE` at once) instead of at the first flush, so that nothing it
    /// reads can change under it.
    ///
    /// # Errors
    /// The closure's error, the commit's, or a busy database.
    pub fn transaction_serializable<R>(
        &self,
        f: impl FnOnce(&Transaction) -> Result<R>,
    ) -> Result<R> {
        let tx = self.begin_serializable()?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Like [`Database::transaction`], but runs `f` again, up to `retries` more times, when
    /// the transaction fails with an error that a new attempt may not meet
    /// ([`Error::is_retryable`]: a serialization failure, an optimistic-check failure):
    /// PonyORM's `db_session(retry=n)`. An attempt is also run again when it fails after
    /// meeting such an error that the closure did not return (`let _ = tx.flush()`, then an
    /// error of its own, or a commit the swallowed failure made impossible), as
    /// [`Database::try_transaction_with_retry`] does.
    ///
    /// # Errors
    /// The last attempt's error, or the first one that is not retryable.
    pub fn transaction_with_retry<R>(
        &self,
        retries: u32,
        f: impl FnMut(&Transaction) -> Result<R>,
    ) -> Result<R> {
        self.retried(retries, false, f)
    }

    /// [`Database::transaction_serializable`] run again, up to `retries` more times, as
    /// [`Database::transaction_with_retry`] runs [`Database::transaction`]: on PostgreSQL each
    /// attempt is `SERIALIZABLE`, and the serialization failure (SQLSTATE 40001) that guards
    /// a decision made from rows the transaction only read (write skew) runs it again.
    ///
    /// For example, a doctor goes off call only while another stays on call: two doctors
    /// doing so at once each read the other on call, and at the server's default isolation
    /// both would go off call (no optimistic check covers a row only read); here one attempt
    /// fails and runs again, and sees the other doctor off call.
    ///
    /// # Errors
    /// The last attempt's error, or the first one that is not retryable.
    pub fn transaction_serializable_with_retry<R>(
        &self,
        retries: u32,
        f: impl FnMut(&Transaction) -> Result<R>,
    ) -> Result<R> {
        self.retried(retries, true, f)
    }

    fn retried<R>(
        &self,
        retries: u32,
        serializable: bool,
        mut f: impl FnMut(&Transaction) -> Result<R>,
    ) -> Result<R> {
        let mut attempt = 0;
        loop {
            match self.attempt(serializable, &mut f) {
                Ok(value) => return Ok(value),
                // A retryable failure a savepoint undid makes only its consequences retryable
                // (the error itself is retryable anyway): not a business error of the closure.
                Err((e, met))
                    if (met.met || e.is_retryable() || (met.undone && consequence(&e)))
                        && attempt < retries =>
                {
                    attempt += 1
                }
                Err((e, _)) => return Err(e),
            }
        }
    }

    /// [`Database::transaction_with_retry`] for a closure that returns the application's own
    /// error type (see [`Database::try_transaction`]). Whether an attempt may be retried is
    /// decided by the Colt errors the attempt met, not by the error `f` returned (which Colt
    /// cannot look into): `f` is run again when it fails after a statement of its transaction
    /// failed with a retryable [`Error`] (or an optimistic check did), or when the commit
    /// does.
    ///
    /// # Errors
    /// The last attempt's error, or the first one that is not retryable.
    pub fn try_transaction_with_retry<R, E: From<Error>>(
        &self,
        retries: u32,
        mut f: impl FnMut(&Transaction) -> std::result::Result<R, E>,
    ) -> std::result::Result<R, E> {
        let mut attempt = 0;
        loop {
            match self.attempt(false, &mut f) {
                Ok(value) => return Ok(value),
                // The error is the program's: one a savepoint undid may be it (returned out of
                // the savepoint), so it counts.
                Err((_, met)) if (met.met || met.undone) && attempt < retries => attempt += 1,
                Err((e, _)) => return Err(e),
            }
        }
    }

    /// One attempt (`serializable`: begun as [`Database::begin_serializable`] begins): the
    /// error, and the retryable failures it met.
    fn attempt<R, E: From<Error>>(
        &self,
        serializable: bool,
        f: &mut impl FnMut(&Transaction) -> std::result::Result<R, E>,
    ) -> std::result::Result<R, (E, Met)> {
        let colt = |e: Error, met: bool| {
            // A failure the closure swallowed (`let _ = tx.flush()`) closed or aborted the
            // transaction: the commit's error is its consequence, and retryable as it was.
            let retryable = e.is_retryable() || (met && consequence(&e));
            (
                E::from(e),
                Met {
                    met: retryable,
                    undone: false,
                },
            )
        };
        let begun = if serializable {
            self.begin_serializable()
        } else {
            self.begin()
        };
        let tx = begun.map_err(|e| colt(e, false))?;
        match f(&tx) {
            Ok(value) => {
                // (A failure a savepoint undid is no cause of the commit's: the rollback put
                // the transaction's own failure back as it was.)
                let met = tx.met_retryable();
                tx.commit().map(|()| value).map_err(|e| colt(e, met))
            }
            Err(e) => Err((
                e,
                Met {
                    met: tx.met_retryable(),
                    undone: tx.met_undone_retryable(),
                },
            )),
        }
    }
}

/// The retryable failures an attempt met.
#[derive(Clone, Copy)]
struct Met {
    /// One that stands (a statement's, an optimistic check's), or the commit's own.
    met: bool,
    /// One inside a savepoint that rolled back: what it did is undone, but the closure may
    /// have returned it, or failed because of it.
    undone: bool,
}

/// An error that follows from an earlier failure of the transaction (one a closure
/// swallowed, or one inside a savepoint), not one of its own.
fn consequence(e: &Error) -> bool {
    matches!(
        e,
        Error::TransactionAborted { .. } | Error::TransactionClosed
    )
}
