//! The connections of a [`Database`](crate::Database): at most `max` open, idle ones
//! reused (a PostgreSQL one checked first when it has been idle a while), none past its
//! lifetime or idle timeout, and threads waiting, up to the acquire timeout, for one to be
//! given back.

use std::time::{Duration, Instant};

use crate::backend::{self, Conn};
use crate::database::DbInner;
use crate::render::Dialect;
use crate::{Error, Result};

/// How long a PostgreSQL connection may sit idle before it is checked on reuse.
const CHECK_AFTER: Duration = Duration::from_secs(1);

/// The pool's state, behind the database's mutex.
pub(crate) struct Pool {
    /// Connections not in use, with when they were given back (PostgreSQL's only: they are
    /// checked before reuse once idle a while, see `CHECK_AFTER`). Boxed: a connection moves
    /// from the pool to a transaction and back for every transaction, and a box moves as
    /// one pointer where the connection is some 300 bytes.
    pub(crate) idle: Vec<(Box<Conn>, Option<Instant>)>,
    pub(crate) open: usize,
    pub(crate) max: usize,
    /// How long `begin` waits for a free connection.
    pub(crate) acquire_timeout: Duration,
    /// The bound of every statement (`set_statement_timeout`), applied to a connection when
    /// a transaction gets it.
    pub(crate) statement_timeout: Option<Duration>,
    /// Threads waiting for a connection (notified only when there are any: a notification
    /// is a system call).
    pub(crate) waiting: usize,
    /// A connection open this long is closed rather than reused.
    pub(crate) max_lifetime: Option<Duration>,
    /// A connection idle this long is closed rather than reused.
    pub(crate) idle_timeout: Option<Duration>,
}

impl Pool {
    /// Whether an idle connection given back at `since` is past its time.
    fn expired(&self, conn: &Conn, since: Option<Instant>) -> bool {
        self.max_lifetime.is_some_and(|l| conn.age() >= l)
            || self
                .idle_timeout
                .zip(since)
                .is_some_and(|(t, since)| since.elapsed() >= t)
    }
}

impl DbInner {
    /// A connection for a transaction, with the database's statement timeout in force.
    pub(crate) fn acquire(&self) -> Result<Box<Conn>> {
        let (mut conn, timeout) = self.acquire_connection()?;
        // A no-op unless the timeout changed since this connection last served.
        if let Err(e) = conn.set_statement_timeout(timeout) {
            self.release(conn);
            return Err(e);
        }
        Ok(conn)
    }

    fn acquire_connection(&self) -> Result<(Box<Conn>, Option<Duration>)> {
        let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        let timeout = pool.statement_timeout;
        // The wait is bounded as a whole: a waiter woken by a release that another thread
        // then took waits only what is left (not the whole timeout again).
        let mut deadline: Option<std::time::Instant> = None;
        loop {
            if let Some((conn, since)) = pool.idle.pop() {
                if pool.expired(&conn, since) {
                    drop(conn);
                    pool.open -= 1;
                    continue;
                }
                // A PostgreSQL connection may have lost its server (a restart) while idle:
                // checked outside the lock before a transaction gets it, so that no
                // transaction fails on a dead connection. What the server sent is read
                // first (a goodbye closes the connection); one idle for a while is also
                // asked for an answer (one round trip).
                let Some(since) = since.filter(|_| conn.dialect() == Dialect::Postgres) else {
                    return Ok((conn, timeout));
                };
                drop(pool);
                let alive =
                    conn.is_still_open() && (since.elapsed() < CHECK_AFTER || conn.is_alive());
                if alive {
                    return Ok((conn, timeout));
                }
                drop(conn);
                pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
                pool.open -= 1;
                continue;
            }
            if pool.open < pool.max {
                pool.open += 1;
                drop(pool);
                // The slot is given back (and a waiter woken to take it) if the opening
                // fails, or panics (an `after_connect` hook of the program's).
                let slot = OpeningSlot(self);
                let opened = backend::open(&self.target, &self.connect);
                if opened.is_ok() {
                    std::mem::forget(slot);
                }
                return opened.map(|c| (Box::new(c), timeout));
            }
            let wait = pool.acquire_timeout;
            let now = std::time::Instant::now();
            let until = *deadline.get_or_insert(now + wait);
            let Some(left) = until.checked_duration_since(now).filter(|d| !d.is_zero()) else {
                return Err(Error::PoolTimeout {
                    url: self.url.clone(),
                    waited_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    size: pool.max,
                });
            };
            pool.waiting += 1;
            let (next, _) = self
                .available
                .wait_timeout(pool, left)
                .unwrap_or_else(|e| e.into_inner());
            pool = next;
            pool.waiting -= 1;
        }
    }

    /// Gives back the slot of a connection closed or never opened, and wakes a waiter to use
    /// it.
    fn give_back_slot(&self) {
        let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        pool.open -= 1;
        let waiting = pool.waiting > 0;
        drop(pool);
        if waiting {
            self.available.notify_one();
        }
    }

    /// Closes a connection that must not serve again (its state could not be restored).
    #[cfg(feature = "migrate")]
    pub(crate) fn discard(&self, conn: Box<Conn>) {
        drop(conn);
        self.give_back_slot();
    }

    /// Gives a connection back to the pool (or closes it, when it is known to be closed).
    pub(crate) fn release(&self, conn: Box<Conn>) {
        // A SQLite connection inside a transaction, which nothing should leave, is rolled
        // back (or closed): its next user would see that transaction's writes as committed.
        let stuck = conn.sqlite_transaction_open() && {
            let _ = conn.rollback();
            conn.sqlite_transaction_open()
        };
        // Raw SQL changed its session (`SET search_path`, `PRAGMA foreign_keys = OFF`): the
        // next transaction would run under it. Closed (a new one is opened when needed), or,
        // for SQLite's `:memory:`, which is the database, given back Colt's settings.
        let changed =
            conn.session_changed() && (!self.target.is_memory() || conn.restore_session().is_err());
        let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        if conn.is_usable()
            && !stuck
            && !changed
            && pool.max_lifetime.is_none_or(|l| conn.age() < l)
        {
            let timed = conn.dialect() == Dialect::Postgres || pool.idle_timeout.is_some();
            pool.idle.push((conn, timed.then(Instant::now)));
        } else {
            pool.open -= 1;
        }
        let waiting = pool.waiting > 0;
        drop(pool);
        if waiting {
            self.available.notify_one();
        }
    }
}

/// A pool slot counted for a connection being opened: given back when dropped (the opening
/// failed, or unwound), forgotten once the connection is open.
struct OpeningSlot<'a>(&'a DbInner);

impl Drop for OpeningSlot<'_> {
    fn drop(&mut self) {
        self.0.give_back_slot();
    }
}
