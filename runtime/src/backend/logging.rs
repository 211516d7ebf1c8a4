//! What Colt tells `tracing` about the statements it sends, as SQLx does: each statement with
//! its duration and row count at `DEBUG` (target `colt::sql`), its parameters only when asked
//! ([`crate::DatabaseBuilder::log_parameters`]: values can be secret), statements slower than
//! a threshold at `WARN` ([`crate::DatabaseBuilder::slow_statement_threshold`], 1 s unless
//! set), and transactions' `BEGIN`, `COMMIT` and `ROLLBACK` at `TRACE` (target
//! `colt::transaction`).
//!
//! Nothing is timed unless a subscriber listens: `tracing::enabled!` is one load of a static
//! per call site when none does.

use std::time::{Duration, Instant};

use super::{Conn, Param};
use crate::Result;

/// How statements are logged (the same for every connection of a database).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LogOptions {
    /// Log each statement's parameters with it.
    pub parameters: bool,
    /// Log statements that take this long or longer at `WARN`; `None`: never.
    pub slow: Option<Duration>,
}

impl Default for LogOptions {
    fn default() -> Self {
        LogOptions {
            parameters: false,
            slow: Some(Duration::from_secs(1)),
        }
    }
}

impl Conn {
    /// Runs a statement through `run`, logging it: `rows` counts what it changed or
    /// returned.
    #[inline]
    pub(super) fn logged<R>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        run: impl FnOnce() -> Result<R>,
        rows: impl FnOnce(&R) -> u64,
    ) -> Result<R> {
        // The path of every statement when nothing listens: two loads of a static.
        let debug = tracing::enabled!(target: "colt::sql", tracing::Level::DEBUG);
        if !debug
            && (self.log.slow.is_none()
                || !tracing::enabled!(target: "colt::sql", tracing::Level::WARN))
        {
            return run();
        }
        self.timed(sql, params, debug, run, rows)
    }

    /// Runs and times a statement that a subscriber listens to.
    #[cold]
    #[inline(never)]
    fn timed<R>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        debug: bool,
        run: impl FnOnce() -> Result<R>,
        rows: impl FnOnce(&R) -> u64,
    ) -> Result<R> {
        let start = Instant::now();
        let result = run();
        let elapsed = start.elapsed();
        let count = result.as_ref().map_or(0, rows);
        let error = result.as_ref().err().map(ToString::to_string);
        let values = self.log.parameters.then_some(ParamList(params));
        if self.log.slow.is_some_and(|limit| elapsed >= limit) {
            tracing::warn!(
                target: "colt::sql",
                sql,
                rows = count,
                ?elapsed,
                params = values.map(tracing::field::debug),
                error,
                "slow statement"
            );
        } else if debug {
            tracing::debug!(
                target: "colt::sql",
                sql,
                rows = count,
                ?elapsed,
                params = values.map(tracing::field::debug),
                error,
                "statement"
            );
        }
        result
    }
}

/// A transaction's control statement, at `TRACE`.
#[inline]
pub(crate) fn transaction_event(what: &'static str) {
    tracing::trace!(target: "colt::transaction", "{what}");
}

/// Parameters as `[1, "pen", NULL]`.
struct ParamList<'a, 'b>(&'a [Param<'b>]);

impl std::fmt::Debug for ParamList<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[")?;
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match p {
                Param::Owned(v) => write!(f, "{v}")?,
                Param::Borrowed(v) => write!(f, "{v}")?,
            }
        }
        f.write_str("]")
    }
}

impl Conn {
    /// A statement that failed before it ran (it could not be prepared), at `DEBUG`.
    pub(super) fn log_unprepared(&self, sql: &str, params: &[Param<'_>], error: &crate::Error) {
        if tracing::enabled!(target: "colt::sql", tracing::Level::DEBUG) {
            let values = self.log.parameters.then_some(ParamList(params));
            tracing::debug!(
                target: "colt::sql",
                sql,
                params = values.map(tracing::field::debug),
                error = %error,
                "statement not prepared"
            );
        }
    }
}
