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
//!   inside, by its object, a bulk delete or a cascade, is back in the identity map); one
//!   whose values changed inside (another transaction's commit merged, a cascade) is read
//!   again, except the columns it had read before the savepoint, which keep the value read
//!   (a change there by another transaction is still found when it is written);
//! - objects first loaded or made inside, or deleted inside, are read again: they hold
//!   their row's values, or are gone when the row is (an insert undone) or when the identity
//!   map holds an older object of that key (deleted then made again inside: the older one
//!   stays, the one made inside goes);
//! - what was read inside stays read, with the value read (checked when written): a column
//!   the transaction wrote inside (`TxShared::written_inside`: an object's flushed writes,
//!   an upsert's, a bulk update's, a schema cascade's) is undone and takes its row's value;
//!   any other keeps what was read, even where another transaction committed a change before the
//!   rollback (the write is then `UnrepeatableRead`, not a lost update). When rows were
//!   written inside that no record names (raw SQL, a bulk statement, Colt's cascades, an
//!   object's write to a table with triggers or rules: [`wrote`]), every column takes its
//!   row's value, as it must for what the transaction wrote;
//! - the result cache and loaded collections no longer count;
//! - an object borrowed (`obj.get()` held) across the rollback cannot be put back: the
//!   transaction ends with `ObjectsBusy` rather than keep objects that disagree with the
//!   database (no map changes before every map is known to be free). It ends whole, even
//!   inside another savepoint ([`Transaction::end`]: an enclosing rollback would not find
//!   the objects taken out of the maps), as it does when putting the objects back fails
//!   otherwise or a panic of the program's code interrupts it.
//!
//! Savepoints nest: one name, and each rolled back savepoint is released too, so that each
//! `ROLLBACK TO` and `RELEASE` reaches the innermost one.

use std::any::Any;
use std::collections::{HashMap, HashSet};

use crate::backend::Param;
use crate::entity::Entity;
use crate::identity_map::{FxBuild, IdentityMap, Reread};
use crate::obj::{bit, Obj, ObjCell, ObjState};
use crate::query::Fresh;
use crate::render::{self, control};
use crate::statement_cache::StatementKey;
use crate::transaction::Transaction;
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
        let before = conn.failure_mark();
        let gone_before = self.shared.gone.borrow().len();
        // References made inside of objects deleted inside: those objects are back if it
        // rolls back.
        let dead_refs_before = self.shared.dead_refs.borrow().len();
        // And the deaths of objects noted inside, for the queries given them.
        let deaths_before = crate::object_param::mark(&self.shared);
        // A conflict or a retryable statement failure met inside is undone with it (its
        // objects are read again): it must not make a later, unrelated error of the attempt
        // retryable.
        let conflict_before = self.shared.met_conflict.get();
        let retryable_before = conn.met_retryable();
        // What an inner rollback gives back; and whether rows no record names are written
        // inside (raw SQL, bulk statements and cascades invalidate every cached result).
        let written_before = self.shared.written_inside.borrow().clone();
        let untracked_before = self.shared.cache.borrow_mut().swap_untracked(false);
        let depth = &self.shared.savepoints;
        let level = depth.get() + 1;
        if let Err(e) = conn.execute_batch(&control::savepoint_user(level)) {
            self.abort();
            return Err(e);
        }
        depth.set(level);
        // A panic inside `f` or in the flush that ends it, caught by the program, must not
        // leave `f`'s writes for a commit: the savepoint is rolled back in the database (a
        // failure inside has marked the transaction, so not through `conn()`), and the
        // transaction ends (inside another savepoint, that one fails in turn; its rollback
        // would also end this one, were it left open).
        struct Unwinding<'a>(&'a Transaction, u32);
        impl Drop for Unwinding<'_> {
            fn drop(&mut self) {
                if self.0.shared.ended.get() {
                    return; // rolled back whole already
                }
                if let Some(conn) = self.0.conn_even_if_failed() {
                    // (Nothing more to do if it fails: the transaction ends below.)
                    let _ = conn.execute_batch(&control::rollback_to_savepoint_user(self.1));
                }
                self.0.shared.savepoints.set(self.1 - 1);
                self.0.abort();
            }
        }
        let unwinding = Unwinding(self, level);
        let result = match f(self) {
            // (After a failure inside, the transaction refuses to flush: not tried.)
            Ok(r) if !self.shared.closed.get() => self.flush().map(|()| r),
            other => other,
        };
        std::mem::forget(unwinding);
        depth.set(level - 1);
        if self.shared.ended.get() {
            // A savepoint inside could not put its objects back: the transaction is over.
            return Err(result.err().unwrap_or(Error::TransactionClosed));
        }
        let failed = self.shared.closed.replace(false);
        let result = match result {
            Ok(r) if !failed && conn.failure_mark() == before => {
                return match conn.execute_batch(&control::release_savepoint_user(level)) {
                    Ok(()) => {
                        // What it wrote is the enclosing savepoint's now.
                        if untracked_before {
                            self.shared.cache.borrow_mut().swap_untracked(true);
                        }
                        if depth.get() == 0 {
                            self.shared.gone.borrow_mut().clear();
                            self.shared.written_inside.borrow_mut().clear();
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
        if let Err(e) = conn.execute_batch(&control::rollback_to_savepoint_user(level)) {
            self.abort();
            return Err(e);
        }
        conn.restore_failure(before);
        if self.shared.cache.borrow_mut().swap_untracked(false) {
            // Rows written that no record names: every value read inside may be the
            // transaction's own, undone now; each takes its row's again.
            self.shared.written_inside.borrow_mut().everything = true;
        }
        // A panic of the program's code while the objects are put back (a value type's
        // `PartialEq` or `Clone`) leaves some of them put back and others out of the identity
        // map: the transaction ends, and no enclosing savepoint opens it again.
        struct EndOnUnwind<'a>(&'a Transaction);
        impl Drop for EndOnUnwind<'_> {
            fn drop(&mut self) {
                self.0.end();
            }
        }
        let ending = EndOnUnwind(self);
        self.shared
            .dead_refs
            .borrow_mut()
            .truncate(dead_refs_before);
        crate::object_param::undo_to(&self.shared, deaths_before);
        let undone = self.undo_objects(saved, gone_before);
        std::mem::forget(ending);
        // What it wrote is undone: the enclosing savepoint's record is as it was.
        *self.shared.written_inside.borrow_mut() = written_before;
        self.shared
            .cache
            .borrow_mut()
            .swap_untracked(untracked_before);
        if let Err(e) = undone {
            // Some objects may be put back and others not: the transaction ends (an
            // enclosing savepoint's rollback would not find those out of the map).
            self.end();
            return Err(e);
        }
        if self.shared.met_conflict.get() && !conflict_before {
            conn.note_undone_retryable();
        }
        self.shared.met_conflict.set(conflict_before);
        conn.restore_retryable(retryable_before);
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
        // (The savepoint began with a flush, which emptied them: all of it was inside.) The
        // rows a failed flush deleted before its failure are back: following them at the
        // next flush would take what other transactions wrote to their referrers since.
        self.shared.reached_through.borrow_mut().clear();
        self.shared.deleted.borrow_mut().clear();
        let reread = self
            .shared
            .maps
            .try_borrow_mut()
            .map_err(|_| Error::ObjectsBusy)?
            .restore(saved)?;
        forget_triggers(self);
        // Deleted inside and not back with the saved objects: read again, before the
        // objects loaded or made inside (an object made inside for the key of one deleted
        // inside is the one that goes).
        let gone: Vec<_> = {
            let mut all = self.shared.gone.borrow_mut();
            let from = gone_before.min(all.len());
            all.drain(from..).collect()
        };
        for g in gone {
            g.cell().revive(self)?;
        }
        for r in reread {
            r.reread(self)?;
        }
        Ok(())
    }
}

/// What a savepoint keeps of one loaded object.
struct Saved<T: Entity> {
    obj: Obj<T>,
    value: T,
    state: ObjState,
    read: u64,
    /// Whether the transaction had written its row (PostgreSQL releases a row lock taken
    /// inside a savepoint rolled back).
    wrote: bool,
}

/// Every object of `map` as it is now (a savepoint begins; nothing is pending).
pub(crate) fn save_map<T: Entity>(map: &mut IdentityMap<T>) -> Result<Box<dyn Any>> {
    let saved: Vec<Saved<T>> = map
        .objects()
        .map(|obj| {
            let cell = obj.cell();
            let value = cell
                .value
                .try_borrow()
                .map_err(|_| Error::ObjectsBusy)?
                .clone();
            Ok(Saved {
                obj: obj.clone(),
                value,
                state: cell.state.get(),
                read: cell.read(),
                wrote: cell.wrote(),
            })
        })
        .collect::<Result<_>>()?;
    Ok(Box::new(saved))
}

/// Whether `map` can go back to `saved`: no object that must change is borrowed (an object
/// whose state and values are the saved ones, with no change pending, has nothing to take
/// back: it may stay borrowed, as by a `set` whose closure ran the savepoint, or a `get()`
/// held across it).
pub(crate) fn can_restore_map<T: Entity>(
    map: &mut IdentityMap<T>,
    saved: Option<&dyn Any>,
) -> bool {
    let saved: &[Saved<T>] = saved
        .and_then(|s| s.downcast_ref::<Vec<Saved<T>>>())
        .map_or(&[], Vec::as_slice);
    let kept: HashSet<*const ObjCell<T>, FxBuild> =
        saved.iter().map(|s| s.obj.cell() as *const _).collect();
    let busy = |c: &ObjCell<T>| c.value.try_borrow_mut().is_err();
    !(map
        .objects()
        .map(Obj::cell)
        .any(|c| !kept.contains(&(c as *const _)) && busy(c))
        || saved.iter().any(|s| busy(s.obj.cell()) && !unchanged(s)))
}

/// Whether the object `s` keeps has the state and values kept, with no change pending.
fn unchanged<T: Entity>(s: &Saved<T>) -> bool {
    let cell = s.obj.cell();
    cell.state.get() == s.state
        && !cell.with_snapshot(|snapshot| snapshot.is_some())
        && cell.value.try_borrow().is_ok_and(|v| {
            (0..T::meta().columns.len()).all(|i| crate::entity::same_written(&*v, &s.value, i))
        })
}

/// `map` back to `saved` (a savepoint rolled back): the saved objects take their values and
/// states again and are the map's (what was read inside stays read); those whose values
/// changed inside, and the objects loaded or made since (out of the map now), are to be
/// read again.
///
/// # Errors
/// [`Error::ObjectsBusy`], before anything changes, when [`can_restore_map`] says no.
pub(crate) fn restore_map<T: Entity>(
    map: &mut IdentityMap<T>,
    saved: Option<Box<dyn Any>>,
) -> Result<Box<dyn Reread>> {
    if !can_restore_map(map, saved.as_deref()) {
        return Err(Error::ObjectsBusy);
    }
    let saved: Vec<Saved<T>> = saved
        .and_then(|s| s.downcast::<Vec<Saved<T>>>().ok())
        .map_or_else(Vec::new, |s| *s);
    let width = T::meta().columns.len();
    let kept: HashSet<*const ObjCell<T>, FxBuild> =
        saved.iter().map(|s| s.obj.cell() as *const _).collect();
    let inside: Vec<Obj<T>> = map
        .drain()
        .into_iter()
        .filter(|o| !kept.contains(&(o.cell() as *const _)))
        .collect();
    let mut recheck = Vec::new();
    for s in saved {
        let cell = s.obj.cell();
        cell.set_wrote(s.wrote);
        if unchanged(&s) {
            cell.set_queued(false);
            cell.mark_read(s.read);
            map.insert(s.obj.clone());
            continue;
        }
        let mut value = cell.value.borrow_mut();
        let changed = cell.state.get() != s.state
            || (0..width).any(|i| !crate::entity::same_written(&*value, &s.value, i));
        // What was read inside: the snapshot, when changes are pending (the row's values as
        // read), or else what it holds (the transaction's own writes, written_inside says).
        let now = std::mem::replace(&mut *value, s.value);
        drop(value);
        let seen = cell.take_snapshot().unwrap_or(now);
        cell.state.set(s.state);
        cell.set_queued(false);
        cell.mark_read(s.read);
        map.insert(s.obj.clone());
        if changed {
            recheck.push(Recheck {
                obj: s.obj,
                read_before: s.read,
                seen,
            });
        }
    }
    Ok(Box::new(Rereads { recheck, inside }))
}

/// An object loaded before a rolled back savepoint whose values changed inside (another
/// transaction's values merged, cascades, its own writes).
struct Recheck<T: Entity> {
    obj: Obj<T>,
    /// The columns it had read before the savepoint.
    read_before: u64,
    /// Its values at the rollback.
    seen: T,
}

/// The objects of one entity a rolled back savepoint reads again.
struct Rereads<T: Entity> {
    /// Objects loaded before whose values changed inside.
    recheck: Vec<Recheck<T>>,
    /// Objects loaded or made inside.
    inside: Vec<Obj<T>>,
}

impl<T: Entity> Reread for Rereads<T> {
    fn reread(self: Box<Self>, tx: &Transaction) -> Result<()> {
        let keys = self
            .recheck
            .iter()
            .map(|r| &r.obj)
            .chain(&self.inside)
            .map(Obj::key);
        let mut rows = rows_of::<T>(tx, keys)?;
        let written = tx.shared.written_inside.borrow();
        let mut maps = tx.shared.maps.borrow_mut();
        let map = maps.of::<T>();
        // Loaded before: the row's values, but what was read keeps the value read (a change
        // by another transaction there is still found when written): before the savepoint,
        // its value then; inside, but for what the transaction wrote itself, its value at
        // the rollback.
        for r in self.recheck {
            let cell = r.obj.cell();
            let kept_inside =
                read_values::<T>(cell.read() & !r.read_before, written_by(&written, cell));
            match rows.get(&r.obj.key()) {
                Some(fresh) => {
                    let mut value = cell.value.borrow_mut();
                    for (i, c) in T::meta().columns.iter().enumerate() {
                        if c.primary_key || r.read_before & bit(i) != 0 {
                            continue;
                        }
                        let from = if kept_inside & bit(i) != 0 {
                            &r.seen
                        } else {
                            fresh
                        };
                        value.copy_column(from, i);
                    }
                }
                None => {
                    cell.set_gone();
                    map.remove(&r.obj.key());
                }
            }
        }
        for o in self.inside {
            let key = o.key();
            let own = written_by(&written, o.cell());
            settle(map, &o, rows.remove(&key), own);
        }
        Ok(())
    }
}

/// The rows of `T` with these keys, by key (one statement, or one per key for a composite
/// key).
pub(crate) fn rows_of<T: Entity>(
    tx: &Transaction,
    keys: impl Iterator<Item = T::Key>,
) -> Result<HashMap<T::Key, T, FxBuild>> {
    let keys: Vec<T::Key> = keys.collect();
    let mut rows: HashMap<T::Key, T, FxBuild> = HashMap::default();
    if keys.is_empty() {
        return Ok(rows);
    }
    let meta = T::meta();
    let d = tx.dialect();
    if T::KEY_WIDTH == 1 {
        let list = keys.iter().flat_map(T::key_params).collect();
        tx.rows_by_keys(meta, list, |Fresh(v): Fresh<T>| {
            rows.insert(v.key(), v);
        })?;
    } else {
        let sql = meta
            .cache
            .statement(StatementKey::Get(d), || render::object::get(meta, d));
        for k in &keys {
            let key = T::key_params(k);
            let params: Vec<Param<'_>> = key.iter().map(Param::Owned).collect();
            tx.decode_rows(&sql, &params, |Fresh(v): Fresh<T>| {
                rows.insert(v.key(), v);
            })?;
        }
    }
    Ok(rows)
}

/// What the transaction wrote inside running savepoints: the columns of each object it
/// wrote (by its cell's address; a fixed hasher, so that making the map, once per
/// transaction, draws no random seed), and whether it wrote rows no record names (raw SQL, a
/// bulk statement, a cascade: `everything`), when every column counts as written.
#[derive(Default, Clone)]
pub(crate) struct WrittenInside {
    by_cell: HashMap<
        usize,
        u64,
        std::hash::BuildHasherDefault<std::collections::hash_map::DefaultHasher>,
    >,
    everything: bool,
}

impl WrittenInside {
    /// Forgets every record (no savepoint runs any more).
    pub(crate) fn clear(&mut self) {
        self.by_cell.clear();
        self.everything = false;
    }
}

/// Records that the transaction wrote these columns of `cell`'s object inside a running
/// savepoint (a rollback undoes them: they are not values read).
pub(crate) fn wrote_inside<T: Entity>(tx: &Transaction, cell: &ObjCell<T>, columns: u64) {
    *tx.shared
        .written_inside
        .borrow_mut()
        .by_cell
        .entry(cell as *const ObjCell<T> as usize)
        .or_default() |= columns;
}

/// Of the columns `read`, those whose value read a rolled back savepoint keeps: the stored
/// ones that are not the key and that the transaction did not write itself (`own`). (The
/// column-less side of a one-to-one follows the other side: it is no value read.)
fn read_values<T: Entity>(read: u64, own: u64) -> u64 {
    let meta = T::meta();
    (0..meta.columns.len())
        .filter(|&i| {
            read & !own & bit(i) != 0
                && !meta.columns[i].primary_key
                && crate::relation::is_stored(meta, i)
        })
        .fold(0, |m, i| m | bit(i))
}

/// The columns the transaction wrote of `cell`'s object inside running savepoints.
fn written_by<T: Entity>(written: &WrittenInside, cell: &ObjCell<T>) -> u64 {
    if written.everything {
        return u64::MAX;
    }
    written
        .by_cell
        .get(&(cell as *const ObjCell<T> as usize))
        .copied()
        .unwrap_or(0)
}

/// An object loaded, made or deleted inside a rolled back savepoint, out of the map: it
/// takes its row's values and is the map's again, unless its row is gone or the map holds
/// another object for that key (loaded earlier: the one made inside is gone). A column it
/// read, and did not write (`own`), keeps the value read: a change another transaction
/// made there is found when the object is written.
fn settle<T: Entity>(map: &mut IdentityMap<T>, o: &Obj<T>, row: Option<T>, own: u64) {
    let cell = o.cell();
    cell.set_queued(false);
    // A write inside is undone, and PostgreSQL released the row lock it took: the row is no
    // longer known to be this transaction's alone (its delete checks every column again).
    cell.set_wrote(false);
    let snapshot = cell.take_snapshot();
    match row {
        Some(v) if map.get(&v.key()).is_none() => {
            if let Ok(mut value) = cell.value.try_borrow_mut() {
                let kept = read_values::<T>(cell.read(), own);
                let now = std::mem::replace(&mut *value, v);
                let seen = snapshot.unwrap_or(now);
                for i in 0..T::meta().columns.len() {
                    if kept & bit(i) != 0 {
                        value.copy_column(&seen, i);
                    }
                }
                drop(value);
                // What was read inside stays read: it is checked when written.
                cell.state.set(ObjState::Loaded);
                let _ = map.insert(o.clone());
            } else {
                cell.set_gone();
            }
        }
        _ => cell.set_gone(),
    }
}

/// An object deleted inside a rolled back savepoint and not back with the saved objects: it
/// is read again (see [`settle`]).
pub(crate) fn revive<T: Entity>(tx: &Transaction, o: &Obj<T>) -> Result<()> {
    if o.cell().state.get() != ObjState::Gone {
        return Ok(());
    }
    let key = o.key();
    let mut rows = rows_of::<T>(tx, std::iter::once(key.clone()))?;
    let own = written_by(&tx.shared.written_inside.borrow(), o.cell());
    let mut maps = tx.shared.maps.borrow_mut();
    settle(maps.of::<T>(), o, rows.remove(&key), own);
    Ok(())
}

/// Rows of `meta` are written by an object (an insert, update or delete, an upsert). When
/// the table has triggers (or rules), they may have written rows no record names, so the
/// write counts as raw SQL does ([`crate::query_cache::QueryCache::bump_all`]):
/// - inside a savepoint, a rollback then reads every column again (otherwise an object read
///   inside would keep a value the rollback undid: a total a trigger keeps);
/// - with collections loaded, they are read again at their next use (otherwise one would
///   keep the members a trigger added, moved or deleted since).
///
/// The catalogue is asked once per table and transaction (again after raw SQL or a
/// savepoint's rollback: [`forget_triggers`]), and only there; its failure is the write's
/// (on PostgreSQL it ended the transaction).
#[inline]
pub(crate) fn wrote(tx: &Transaction, meta: &'static crate::EntityMeta) -> crate::Result<()> {
    // (Collections being loaded count as loaded.)
    let watched = tx.shared.savepoints.get() > 0
        || tx.shared.sets.try_borrow().map_or(true, |s| !s.is_empty());
    let triggered = watched && has_triggers(tx, meta)?;
    let mut cache = tx.shared.cache.borrow_mut();
    if triggered {
        cache.bump_all();
    } else {
        cache.bump();
    }
    Ok(())
}

/// Anything may have changed, the schema too (raw SQL, a savepoint rolled back): kept
/// results and loaded collections are stale, and which tables have triggers is asked
/// again (a trigger made, or dropped and brought back by a rollback).
pub(crate) fn forget_triggers(tx: &Transaction) {
    tx.shared.cache.borrow_mut().bump_all();
    tx.shared.triggered.borrow_mut().clear();
}

/// Whether `meta`'s table has triggers or rules.
#[cold]
#[inline(never)]
fn has_triggers(tx: &Transaction, meta: &'static crate::EntityMeta) -> crate::Result<bool> {
    let known = tx
        .shared
        .triggered
        .borrow()
        .iter()
        .find(|(m, _)| std::ptr::eq(*m, meta))
        .map(|&(_, t)| t);
    if let Some(t) = known {
        return Ok(t);
    }
    let d = tx.dialect();
    let table = crate::Value::Text(match d {
        render::Dialect::Postgres => render::SqlWriter::quoted(meta.table),
        render::Dialect::Sqlite => meta.table.to_string(),
    });
    let mut count = None;
    tx.decode_rows(
        render::introspection_sql::trigger_count(d),
        &[Param::Owned(&table)],
        |n: i64| count = Some(n),
    )?;
    // (No count: as if it had some.)
    let triggered = count != Some(0);
    tx.shared.triggered.borrow_mut().push((meta, triggered));
    Ok(triggered)
}
