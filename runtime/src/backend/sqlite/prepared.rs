//! The connection's prepared statements ([`Prepared`]), and a statement held for one run or
//! for many ([`HeldStmt`]: `Conn::inserting` binds and runs one statement once per object).

use std::cell::RefMut;
use std::collections::HashMap;

use super::{bind, map_error, SqliteConn, STATEMENT_CACHE};
use crate::backend::sqlite_stmt::RawStmt;
use crate::backend::Param;
use crate::identity_map::FxBuild;
use crate::Result;

/// The connection's prepared statements, by SQL text.
///
/// rusqlite's own cache (`prepare_cached`) copies the SQL into a new `Arc<str>` and hashes it
/// twice with SipHash on every use, which costs more than running a one-row statement; this
/// one hashes the text once with the Fx hash and keeps the statement where it is.
#[derive(Default)]
pub(super) struct Prepared {
    // Finalized before the connection beside them closes: see `SqliteConn`.
    statements: Vec<(Box<str>, RawStmt)>,
    /// Positions in `statements` by SQL text.
    by_sql: HashMap<Box<str>, usize, FxBuild>,
    /// The address and length of the SQL text used last and its position: a loop running one
    /// statement (Colt's SQL texts are kept, so the address repeats) compares the text
    /// instead of hashing it.
    last: Option<(*const u8, usize, usize)>,
}

impl Prepared {
    /// The position of the statement for `sql`, if prepared. (The check of the last text is
    /// inlined, the hashed lookup apart: inlined together, every call paid the lookup's
    /// register saves.)
    #[inline]
    fn find(&mut self, sql: &str) -> Option<usize> {
        if let Some((ptr, len, at)) = self.last {
            // The address alone could be a new text at a freed one's address: compare.
            if ptr == sql.as_ptr() && len == sql.len() && &*self.statements[at].0 == sql {
                return Some(at);
            }
        }
        self.find_hashed(sql)
    }

    #[inline(never)]
    fn find_hashed(&mut self, sql: &str) -> Option<usize> {
        let at = *self.by_sql.get(sql)?;
        self.last = Some((sql.as_ptr(), sql.len(), at));
        Some(at)
    }

    /// The position of the statement for `sql`, prepared by `conn` on first use. (Always
    /// inlined: a call of its own cost the path of every statement some 40 instructions.)
    #[inline(always)]
    fn position(&mut self, conn: &SqliteConn, sql: &str) -> Result<usize> {
        match self.find(sql) {
            Some(at) => Ok(at),
            None => {
                let stmt = conn.prepare(sql, true)?;
                Ok(self.add(sql, stmt))
            }
        }
    }

    fn add(&mut self, sql: &str, stmt: RawStmt) -> usize {
        if self.statements.len() >= STATEMENT_CACHE {
            self.statements.clear();
            self.by_sql.clear();
        }
        let at = self.statements.len();
        self.statements.push((sql.into(), stmt));
        self.by_sql.insert(sql.into(), at);
        self.last = Some((sql.as_ptr(), sql.len(), at));
        at
    }
}

/// The prepared statement of one SQL text, held for one run or several: the connection's
/// cached statement (the cache stays borrowed meanwhile), or one of its own when the cache
/// is in use (a statement run while another one's rows are read, or while one is held).
pub(crate) struct HeldStmt<'a> {
    conn: &'a SqliteConn,
    held: Held<'a>,
}

enum Held<'a> {
    Cached(RefMut<'a, Prepared>, usize),
    Own(RawStmt),
}

impl SqliteConn {
    /// The prepared statement for `sql`, held: the connection's cached one, prepared on first
    /// use.
    pub(crate) fn hold(&self, sql: &str) -> Result<HeldStmt<'_>> {
        let held = match self.prepared.try_borrow_mut() {
            Ok(mut prepared) => prepared
                .position(self, sql)
                .map(|at| Held::Cached(prepared, at)),
            Err(_) => self.prepare(sql, false).map(Held::Own),
        };
        match held {
            Ok(held) => Ok(HeldStmt { conn: self, held }),
            Err(e) => {
                // (A statement that could not be prepared counts, as one that failed.)
                self.statements.set(self.statements.get() + 1);
                Err(e)
            }
        }
    }

    /// Runs `f` on the prepared statement for `sql` with `params` bound, bounded by the
    /// connection's statement timeout. (What [`HeldStmt::run`] does, written apart for the
    /// path of every statement: through a held statement it cost some 20 instructions more.)
    pub(super) fn with_statement<R>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        f: impl FnOnce(&mut RawStmt) -> Result<R>,
    ) -> Result<R> {
        let _deadline = self.deadline();
        self.statements.set(self.statements.get() + 1);
        let Ok(mut prepared) = self.prepared.try_borrow_mut() else {
            let mut stmt = self.prepare(sql, false)?;
            bind(&mut stmt, params)?;
            return f(&mut stmt);
        };
        let at = prepared.position(self, sql)?;
        let stmt = &mut prepared.statements[at].1;
        bind(stmt, params)?;
        f(stmt)
    }
}

impl HeldStmt<'_> {
    /// Runs `f` on the statement with `params` bound, bounded by the connection's statement
    /// timeout.
    #[inline]
    fn run<R>(
        &mut self,
        params: &[Param<'_>],
        f: impl FnOnce(&mut RawStmt) -> Result<R>,
    ) -> Result<R> {
        let _deadline = self.conn.deadline();
        self.conn.statements.set(self.conn.statements.get() + 1);
        let stmt = match &mut self.held {
            Held::Cached(prepared, at) => &mut prepared.statements[*at].1,
            Held::Own(stmt) => stmt,
        };
        bind(stmt, params)?;
        f(stmt)
    }

    /// Inserts a row; returns how many rows SQLite wrote and, when `auto` and it wrote one,
    /// its `rowid`.
    pub(crate) fn insert(
        &mut self,
        params: &[Param<'_>],
        auto: bool,
    ) -> Result<(u64, Option<i64>)> {
        let n = self.run(params, |stmt| {
            stmt.execute().map_err(|e| map_error(e, None))
        })?;
        // `last_insert_rowid` is the last row written by any statement: only this one's
        // when it wrote a row.
        Ok((
            n,
            (auto && n == 1).then(|| self.conn.conn.last_insert_rowid()),
        ))
    }
}
