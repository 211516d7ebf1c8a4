//! Savepoints: `tx.savepoint(|tx| ..)` runs a closure whose work is undone alone when it
//! fails, in the database and in the transaction's objects, while the transaction goes on.
//!
//! At the start, pending changes are written, the database transaction begins if it has
//! not, every loaded object's values, state and reads are kept (`IdentityMaps::save`), and
//! `SAVEPOINT colt_savepoint` runs. Inside, a failure that would end the transaction (a
//! failed flush or insert, an optimistic-check failure) ends the savepoint instead: from then
//! until the closure returns, the transaction refuses everything (`TransactionClosed`), and
//! the savepoint is rolled back whatever the closure returns.
//!
//! The end: the closure's changes are flushed and the savepoint released, or, when the
//! closure or that flush failed (or a statement failed inside and the closure carried on),
//! `ROLLBACK TO SAVEPOINT`, and the objects follow the database:
//! - pending changes are dropped; objects made and never written are gone;
//! - objects loaded before the savepoint get back their values and states (one deleted
//!   inside is back in the identity map);
//! - objects first loaded or made inside are read again: they hold their row's values, or
//!   are gone when the row is (an insert undone);
//! - the result cache and loaded collections no longer count.
//!
//! Savepoints nest: one name, and each rolled back savepoint is released too, so that each
//! `ROLLBACK TO` and `RELEASE` reaches the innermost one.

use std::collections::HashMap;

use crate::backend::Param;
use crate::entity::Entity;
use crate::identity_map::{FxBuild, Reread};
use crate::obj::{Obj, ObjState};
use crate::query::Fresh;
use crate::render::{self, control};
use crate::statement_cache::StatementKey;
use crate::transaction::Transaction;
use crate::value::Value;
use crate::{Error, Result};

impl Transaction {
    /// Runs `f` in a savepoint: when `f` returns an error (or its changes cannot be
    /// written), what it did is undone, in the database and in this transaction's objects,
    /// and the transaction goes on; otherwise its changes are written and stay.
    ///
    /// Inside `f`, a failed write (a constraint, an optimistic check) ends the savepoint,
    /// not the transaction: `f` should return the error. If `f` handles it and returns
    /// `Ok`, the savepoint is still rolled back and `savepoint` returns
    /// [`Error::TransactionAborted`]: an `Ok` means the changes happened. Objects loaded
    /// before the savepoint get back their values; objects first loaded inside are read
    /// again; objects whose rows the savepoint inserted are gone. Savepoints nest.
    ///
    /// ```
    /// # use colt_runtime::{Database, Error};
    /// let db = Database::open("sqlite::memory:")?;
    /// db.transaction(|tx| {
    ///     tx.execute_sql("CREATE TABLE t (id INTEGER PRIMARY KEY)", &[])?;
    ///     tx.execute_sql("INSERT INTO t VALUES (1)", &[])?;
    ///     let second: colt_runtime::Result<()> = tx.savepoint(|tx| {
    ///         tx.execute_sql("INSERT INTO t VALUES (2)", &[])?;
    ///         Err(Error::InvalidQuery("changed my mind".into()))
    ///     });
    ///     assert!(second.is_err());
    ///     let n: Vec<i64> = tx.query_sql("SELECT COUNT(*) FROM t", &[])?;
    ///     assert_eq!(n, [1]);
    ///     Ok(())
    /// })?;
    /// # Ok::<(), Error>(())
    /// ```
    ///
    /// # Errors
    /// What `f` returns; what writing its changes reports; [`Error::TransactionAborted`]
    /// when a statement failed inside and `f` returned `Ok`; [`Error::TransactionClosed`];
    /// database errors of the savepoint statements (the transaction is then rolled back).
    pub fn savepoint<R>(&self, f: impl FnOnce(&Transaction) -> Result<R>) -> Result<R> {
        self.flush()?;
        self.ensure_writing()?;
        let saved = self
            .shared
            .maps
            .try_borrow_mut()
            .map_err(|_| Error::ObjectsBusy)?
            .save()?;
        let conn = self.conn()?;
        let before = conn.failure();
        let gone_before = self.shared.gone.borrow().len();
        if let Err(e) = conn.execute_batch(control::SAVEPOINT_USER) {
            self.abort();
            return Err(e);
        }
        let depth = &self.shared.savepoints;
        depth.set(depth.get() + 1);
        let result = match f(self) {
            // (After a failure inside, the transaction refuses to flush: not tried.)
            Ok(r) if !self.shared.closed.get() => self.flush().map(|()| r),
            other => other,
        };
        depth.set(depth.get() - 1);
        let failed = self.shared.closed.replace(false);
        let result = match result {
            Ok(r) if !failed && conn.failure() == before => {
                return match conn.execute_batch(control::RELEASE_SAVEPOINT_USER) {
                    Ok(()) => {
                        if depth.get() == 0 {
                            self.shared.gone.borrow_mut().clear();
                        }
                        Ok(r)
                    }
                    Err(e) => {
                        self.abort();
                        Err(e)
                    }
                };
            }
            Ok(_) => Err(Error::TransactionAborted {
                first_error: conn
                    .failure()
                    .unwrap_or_else(|| "a write inside the savepoint failed".to_string()),
            }),
            Err(e) => Err(e),
        };
        if let Err(e) = conn.execute_batch(control::ROLLBACK_TO_SAVEPOINT_USER) {
            self.abort();
            return Err(e);
        }
        conn.restore_failure(before);
        if let Err(e) = self.undo_objects(saved, gone_before) {
            self.abort();
            return Err(e);
        }
        result
    }

    /// The objects follow a savepoint rolled back (see the module doc).
    fn undo_objects(
        &self,
        saved: Vec<Option<Box<dyn std::any::Any>>>,
        gone_before: usize,
    ) -> Result<()> {
        for p in std::mem::take(&mut *self.shared.pending.borrow_mut()) {
            p.cell().discard();
        }
        let reread = self
            .shared
            .maps
            .try_borrow_mut()
            .map_err(|_| Error::ObjectsBusy)?
            .restore(saved)?;
        self.shared.cache.borrow_mut().bump_all();
        for r in reread {
            r.reread(self)?;
        }
        // Deleted inside and not back with the saved objects: read again.
        let gone: Vec<_> = {
            let mut all = self.shared.gone.borrow_mut();
            let from = gone_before.min(all.len());
            all.drain(from..).collect()
        };
        for g in gone {
            g.cell().revive(self)?;
        }
        Ok(())
    }
}

impl<T: Entity> Reread for Vec<Obj<T>> {
    fn reread(self: Box<Self>, tx: &Transaction) -> Result<()> {
        reread(tx, &self)
    }
}

/// Gives each of `objs` (out of the identity map) the values of its row and puts it back in
/// the map, or makes it gone when its row is gone.
pub(crate) fn reread<T: Entity>(tx: &Transaction, objs: &[Obj<T>]) -> Result<()> {
    if objs.is_empty() {
        return Ok(());
    }
    let meta = T::meta();
    let d = tx.dialect();
    let mut rows: HashMap<T::Key, T, FxBuild> = HashMap::default();
    if T::KEY_WIDTH == 1 {
        let sql = meta.cache.statement(StatementKey::Referenced(d), || {
            render::object::by_keys(meta, d)
        });
        let keys = Value::List(objs.iter().flat_map(|o| T::key_params(&o.key())).collect());
        tx.decode_rows(&sql, &[Param::Owned(&keys)], |Fresh(v): Fresh<T>| {
            rows.insert(v.key(), v);
        })?;
    } else {
        let sql = meta
            .cache
            .statement(StatementKey::Get(d), || render::object::get(meta, d));
        for o in objs {
            let key = T::key_params(&o.key());
            let params: Vec<Param<'_>> = key.iter().map(Param::Owned).collect();
            tx.decode_rows(&sql, &params, |Fresh(v): Fresh<T>| {
                rows.insert(v.key(), v);
            })?;
        }
    }
    let mut maps = tx.shared.maps.borrow_mut();
    let map = maps.of::<T>();
    for o in objs {
        let cell = o.cell();
        cell.queued.set(false);
        *cell.snapshot.borrow_mut() = None;
        match rows.remove(&o.key()) {
            Some(v) => {
                *cell
                    .value
                    .try_borrow_mut()
                    .map_err(|_| Error::ObjectsBusy)? = v;
                cell.read.set(0);
                cell.state.set(ObjState::Loaded);
                map.insert(o.clone());
            }
            None => cell.state.set(ObjState::Gone),
        }
    }
    Ok(())
}
