//! The identity map: within a transaction, one [`Obj`] per primary key.
//!
//! A row read by any query goes through [`IdentityMap::merge`], which returns the object
//! already loaded for that key (refreshed by SPEC §3's rules) or a new one.

use std::any::{Any, TypeId};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::rc::Weak;

use crate::entity::Entity;
use crate::obj::arena::ChunkCursor;
use crate::obj::pending::PendingObj;
use crate::obj::runs::CellRuns;
use crate::obj::{Obj, ObjCell, ObjState};
use crate::transaction::TxShared;
use crate::Result;

/// The hasher of identity maps: seeded per map (keys can come from outside: an unkeyed hash
/// let 200 000 crafted text keys take 59 s, and integer keys that are multiples of 2^20 all
/// fall in one bucket of a multiply-only hash), and quick on the short keys maps hold.
///
/// foldhash's `quality` variant, not `fast`: `fast` leaves the low bits (the bucket index)
/// of keys like `i << 20` to the process's seed, and about one process in a hundred put
/// 1 024 such keys in fewer than 100 buckets; `quality` spread them over more than 550 in
/// every one of 300 processes tried, for a final multiply per hash.
pub(crate) type FxBuild = foldhash::quality::RandomState;

/// The most objects whose room an emptied map keeps for the thread's next transaction
/// ([`AnyMap::reset`]): a thread that once loaded a million objects does not keep the room
/// of a million.
const KEPT_ROOM: usize = 1024;
/// The most runs of unhashed cells whose room an emptied map keeps.
const KEPT_RUNS: usize = 64;

/// The objects of one entity loaded in one transaction.
pub(crate) struct IdentityMap<T: Entity> {
    objects: HashMap<T::Key, Obj<T>, FxBuild>,
    /// Objects of a result whose rows were known to be new and distinct, not hashed yet:
    /// added to `objects` by the first use of the map that needs them (`indexed`), so that a
    /// transaction that only reads a result never pays for hashing it. Kept as runs of
    /// cells, a few words per chunk rather than a word per object.
    unindexed: CellRuns<T>,
    /// Where this transaction's new objects of `T` are placed.
    cells: ChunkCursor<T>,
}

impl<T: Entity> IdentityMap<T> {
    fn new() -> Self {
        IdentityMap {
            objects: HashMap::default(),
            unindexed: CellRuns::default(),
            cells: ChunkCursor::default(),
        }
    }

    /// Whether no object of `T` is loaded in this transaction.
    pub(crate) fn is_empty(&self) -> bool {
        self.objects.is_empty() && self.unindexed.is_empty()
    }

    /// The map by key, with every object in it.
    #[inline]
    fn indexed(&mut self) -> &mut HashMap<T::Key, Obj<T>, FxBuild> {
        if !self.unindexed.is_empty() || self.objects.capacity() == 0 {
            self.index();
        }
        &mut self.objects
    }

    /// Whether a loaded object is borrowed (`obj.get()` held): a statement that changes
    /// rows could not show its values in that object.
    pub(crate) fn any_borrowed(&mut self) -> bool {
        self.indexed()
            .values()
            .any(|o| o.cell().value.try_borrow_mut().is_err())
    }

    /// Hashes the objects added without a lookup; makes the map's first room as large as the
    /// entity's map in the last transaction that ended (so that a loop of `get`s does not
    /// rehash the map as it grows).
    #[cold]
    fn index(&mut self) {
        let last = T::meta().cache.loaded_hint().min(KEPT_ROOM);
        self.objects.reserve(self.unindexed.len().max(last).max(4));
        let objects = &mut self.objects;
        self.unindexed.drain(KEPT_RUNS, |obj| {
            let key = obj.cell().value.borrow().key();
            objects.insert(key, obj);
        });
    }

    /// A new object, not in the map (yet).
    pub(crate) fn alloc(&mut self, value: T, state: ObjState, tx: Weak<TxShared>) -> Obj<T> {
        self.cells
            .alloc(&tx, |index| Obj::cell_at(index, value, state))
    }

    pub(crate) fn get(&mut self, key: &T::Key) -> Option<&Obj<T>> {
        self.indexed().get(key)
    }

    /// Adds to `out` the keys of up to `n` loaded objects, not deleted, that `pick` accepts.
    pub(crate) fn keys_where(
        &mut self,
        n: usize,
        mut pick: impl FnMut(&T::Key) -> bool,
        out: &mut Vec<T::Key>,
    ) {
        let found = self
            .indexed()
            .iter()
            .filter(|(k, o)| !o.is_deleted() && pick(k))
            .map(|(k, _)| k.clone())
            .take(n);
        out.extend(found);
    }

    /// Every object, out of the map (a savepoint rolled back puts back the right ones).
    pub(crate) fn drain(&mut self) -> Vec<Obj<T>> {
        self.indexed().drain().map(|(_, o)| o).collect()
    }

    /// Every object in the map.
    pub(crate) fn objects(&mut self) -> impl Iterator<Item = &Obj<T>> {
        self.indexed().values()
    }

    /// Puts `obj` in the map under its key; returns the object it displaced, if another one
    /// held that key.
    pub(crate) fn insert(&mut self, obj: Obj<T>) -> Option<Obj<T>> {
        let key = obj.cell().value.borrow().key();
        let new: *const ObjCell<T> = obj.cell();
        self.indexed()
            .insert(key, obj)
            .filter(|old| !std::ptr::eq(old.cell(), new))
    }

    pub(crate) fn remove(&mut self, key: &T::Key) {
        self.indexed().remove(key);
    }

    /// Takes a row of a result whose rows are distinct objects, into a map that was empty when
    /// the result began: a new object, kept without hashing (see `unindexed`).
    pub(crate) fn add_distinct(&mut self, fresh: T, tx: &Weak<TxShared>) -> Obj<T> {
        self.cells.alloc_kept(tx, &mut self.unindexed, |index| {
            Obj::cell_at(index, fresh, ObjState::Loaded)
        })
    }

    /// Takes a freshly read row: the mapped object for its key, refreshed, or a new object.
    ///
    /// Refresh rules: attributes changed in memory keep their value; attributes this
    /// transaction read must still hold what was read (else `UnrepeatableRead`); everything
    /// else takes the database's value.
    pub(crate) fn merge(&mut self, fresh: T, tx: &Weak<TxShared>) -> Result<Obj<T>> {
        self.indexed();
        let obj = match self.objects.entry(fresh.key()) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(v) => {
                // The common case, a row not loaded yet: one hash lookup.
                let obj = self
                    .cells
                    .alloc(tx, |index| Obj::cell_at(index, fresh, ObjState::Loaded));
                return Ok(v.insert(obj).clone());
            }
        };
        crate::row_refresh::refresh(obj, fresh, tx)?;
        Ok(obj.clone())
    }

    /// Gets the map ready for a result whose rows are distinct objects, while it holds
    /// objects: every object is hashed, so that [`IdentityMap::merge_distinct`] finds each
    /// one loaded before the result by one lookup.
    pub(crate) fn begin_distinct(&mut self) {
        self.indexed();
    }

    /// Takes a row of a result whose rows are distinct objects, into a map that held objects
    /// when the result began ([`IdentityMap::begin_distinct`]): the object loaded for its
    /// key, refreshed as [`IdentityMap::merge`] does, or else a new object kept without
    /// hashing (see `unindexed`). No other row of the result has its key, and every object
    /// loaded before the result is hashed, so one lookup answers.
    pub(crate) fn merge_distinct(&mut self, fresh: T, tx: &Weak<TxShared>) -> Result<Obj<T>> {
        match self.objects.get(&fresh.key()) {
            Some(obj) => {
                crate::row_refresh::refresh(obj, fresh, tx)?;
                Ok(obj.clone())
            }
            None => Ok(self.add_distinct(fresh, tx)),
        }
    }
}

impl<T: Entity> IdentityMap<T> {
    /// Room for `rows` more objects (a call site's previous result size), so that a large
    /// result does not rehash the map as it comes in; `distinct`: they come by `add_distinct`.
    pub(crate) fn reserve(&mut self, rows: usize, distinct: bool) {
        // Distinct rows are kept as runs of cells: a few per chunk, no room to reserve.
        if !distinct {
            self.objects.reserve(rows);
        }
    }
}

/// What the transaction does to the loaded objects of an entity it knows only by metadata
/// (cascades and `SET NULL`s reach entities by their relationships, not their types).
pub(crate) trait AnyMap: 'static {
    fn meta(&self) -> &'static crate::EntityMeta;
    /// The rows with these keys (every key column) are gone from the database: their
    /// loaded objects say so and leave the map. One pass over the map, however many keys.
    /// The objects made gone are added to `gone`.
    fn forget(&mut self, keys: &[Vec<crate::Value>], gone: &mut Vec<PendingObj>);
    /// Rows whose reference at `column` held `owner` (its key, one value per key column)
    /// now hold NULL there.
    /// False when one of them was borrowed (`obj.get()` held) and kept its value.
    /// `itself`: the entity refers to itself, and the row `owner` names, being deleted,
    /// keeps its own reference (the statement left it).
    fn null_column(&mut self, column: usize, owner: &[crate::Value], itself: bool) -> bool;
    /// The non-NULL values of `column` among the loaded objects.
    fn column_values(&mut self, column: usize, out: &mut Vec<crate::Value>);
    /// The values of columns `first..first + width` (a reference to a composite key) of
    /// each loaded object that holds no NULL among them.
    fn column_tuples(&mut self, first: usize, width: usize, out: &mut Vec<Vec<crate::Value>>);
    /// Whether an object with this key (every key column) is loaded.
    fn is_loaded(&mut self, key: &[crate::ValueRef<'_>]) -> bool;
    /// Whether any object is loaded.
    fn holds_objects(&self) -> bool;
    /// The (first) key column of every loaded object.
    fn key_values(&mut self, out: &mut Vec<crate::Value>);
    /// Whether the loaded object with this key (every key column) is deleted, its delete not
    /// written yet.
    fn is_deleted(&mut self, key: &[crate::ValueRef<'_>]) -> bool;
    /// The loaded object with this key (every key column) whose row is there as far as it
    /// knows (loaded, or deleted and its delete not written), if any.
    fn loaded_obj(&mut self, key: &[crate::ValueRef<'_>]) -> Option<PendingObj>;
    /// The loaded objects whose reference at `column` (`width` columns) names one of
    /// `owners` (rows just deleted), if any (see `schema_cascade`).
    fn referring(
        &mut self,
        column: usize,
        width: usize,
        owners: &[Vec<crate::Value>],
    ) -> Option<Box<dyn crate::schema_cascade::Referrers>>;
    /// The loaded object with this (single-column) key, if any, holds `value` in `column`
    /// now, as the database does (its value and its snapshot: not a change to write); with
    /// `only_if`, only when the column holds that value now. False when that object was
    /// borrowed (`obj.get()` held) and kept its value.
    fn set_column_of(
        &mut self,
        key: &crate::Value,
        column: usize,
        value: crate::ValueRef<'_>,
        only_if: Option<&crate::Value>,
    ) -> bool;
    /// Every loaded object as it is now (a savepoint begins; nothing is pending).
    ///
    /// # Errors
    /// [`crate::Error::ObjectsBusy`] when an object is mutably borrowed.
    fn save(&mut self) -> Result<Box<dyn Any>>;
    /// Back to `saved` (what [`AnyMap::save`] gave, `None` when the map was made after it):
    /// the saved objects take their values and states again and are the map's; the objects
    /// loaded or made since leave the map and are returned, to be read again.
    ///
    /// # Errors
    /// [`crate::Error::ObjectsBusy`] when a saved object is borrowed (`obj.get()` held).
    fn restore(&mut self, saved: Option<Box<dyn Any>>) -> Result<Box<dyn Reread>>;
    /// Whether [`AnyMap::restore`] can put back `saved`: no object it must change is
    /// borrowed.
    fn can_restore(&mut self, saved: Option<&dyn Any>) -> bool;
    /// Forgets every object (the transaction ended), keeping the map's room when it is
    /// small, for the next transaction of the thread.
    fn reset(&mut self);
}

/// Objects of one entity to read again from the database (a savepoint rolled back after
/// they were loaded): implemented in `savepoint.rs`.
pub(crate) trait Reread {
    /// Gives each object the values of its row, or makes it gone when there is none.
    fn reread(self: Box<Self>, tx: &crate::transaction::Transaction) -> Result<()>;
}

impl<T: Entity> Drop for IdentityMap<T> {
    fn drop(&mut self) {
        T::meta()
            .cache
            .set_loaded_hint(self.objects.len() + self.unindexed.len());
    }
}

impl<T: Entity> AnyMap for IdentityMap<T> {
    fn meta(&self) -> &'static crate::EntityMeta {
        T::meta()
    }
    fn reset(&mut self) {
        if self.is_empty() {
            // Already reset (a transaction closes at its commit and again when dropped):
            // the hint stays the count of the transaction that had objects.
            self.cells = ChunkCursor::default();
            return;
        }
        T::meta()
            .cache
            .set_loaded_hint(self.objects.len() + self.unindexed.len());
        // Fields in their drop order: the handles, then the cursor's count of its chunk.
        // A table with room for `KEPT_ROOM` objects may have up to twice that room (its
        // buckets are a power of two, filled to 7/8): kept, or `index` would allocate it
        // again in each transaction.
        if self.objects.capacity() > 2 * KEPT_ROOM {
            self.objects = HashMap::default();
        } else {
            self.objects.clear();
        }
        self.unindexed.drain(KEPT_RUNS, drop);
        self.cells = ChunkCursor::default();
    }
    fn save(&mut self) -> Result<Box<dyn Any>> {
        crate::savepoint::save_map(self)
    }
    fn restore(&mut self, saved: Option<Box<dyn Any>>) -> Result<Box<dyn Reread>> {
        crate::savepoint::restore_map(self, saved)
    }
    fn can_restore(&mut self, saved: Option<&dyn Any>) -> bool {
        crate::savepoint::can_restore_map(self, saved)
    }
    fn forget(&mut self, keys: &[Vec<crate::Value>], out: &mut Vec<PendingObj>) {
        if keys.is_empty() {
            return;
        }
        let meta = T::meta();
        let gone: HashSet<Vec<KeyValue>, FxBuild> = keys
            .iter()
            .map(|k| {
                k.iter()
                    .zip(meta.primary_key)
                    .map(|(v, &c)| KeyValue::of(as_held(meta, c, v.clone())))
                    .collect()
            })
            .collect();
        let width = meta.primary_key.len();
        let found: Vec<T::Key> = self
            .indexed()
            .keys()
            .filter(|k| {
                let key: Vec<KeyValue> = (0..width)
                    .map(|i| KeyValue::of(T::key_ref(k, i).to_owned_value()))
                    .collect();
                gone.contains(&key)
            })
            .cloned()
            .collect();
        for k in found {
            if let Some(obj) = self.objects.remove(&k) {
                obj.cell().set_gone();
                out.push(PendingObj::new(obj));
            }
        }
    }
    fn referring(
        &mut self,
        column: usize,
        width: usize,
        owners: &[Vec<crate::Value>],
    ) -> Option<Box<dyn crate::schema_cascade::Referrers>> {
        crate::schema_cascade::referring(self, column, width, owners)
    }

    fn column_values(&mut self, column: usize, out: &mut Vec<crate::Value>) {
        for obj in self.indexed().values() {
            if let Ok(v) = obj.cell().value.try_borrow() {
                let value = v.column_ref(column);
                if value != crate::ValueRef::Null {
                    out.push(value.to_owned_value());
                }
            }
        }
    }
    fn column_tuples(&mut self, first: usize, width: usize, out: &mut Vec<Vec<crate::Value>>) {
        for obj in self.indexed().values() {
            if let Ok(v) = obj.cell().value.try_borrow() {
                let tuple: Vec<crate::Value> = (first..first + width)
                    .map(|c| v.column_ref(c).to_owned_value())
                    .collect();
                if !tuple.contains(&crate::Value::Null) {
                    out.push(tuple);
                }
            }
        }
    }
    fn holds_objects(&self) -> bool {
        !self.is_empty()
    }
    fn is_loaded(&mut self, key: &[crate::ValueRef<'_>]) -> bool {
        let row = crate::reference_columns::ValueRow(key);
        T::decode_key(&row, 0, T::meta().name).is_ok_and(|key| self.get(&key).is_some())
    }
    fn loaded_obj(&mut self, key: &[crate::ValueRef<'_>]) -> Option<PendingObj> {
        let row = crate::reference_columns::ValueRow(key);
        let key = T::decode_key(&row, 0, T::meta().name).ok()?;
        self.get(&key)
            .filter(|o| matches!(o.cell().state.get(), ObjState::Loaded | ObjState::Deleted))
            .map(|o| PendingObj::new(o.clone()))
    }
    fn is_deleted(&mut self, key: &[crate::ValueRef<'_>]) -> bool {
        let row = crate::reference_columns::ValueRow(key);
        let Ok(key) = T::decode_key(&row, 0, T::meta().name) else {
            return false;
        };
        self.get(&key)
            .is_some_and(|o| o.cell().state.get() == ObjState::Deleted)
    }
    fn key_values(&mut self, out: &mut Vec<crate::Value>) {
        for k in self.objects.keys() {
            out.push(T::key_ref(k, 0).to_owned_value());
        }
        // Not hashed yet, and no need to hash them for this.
        self.unindexed.each(|cell| {
            if let Ok(v) = cell.value.try_borrow() {
                out.push(T::key_ref(&v.key(), 0).to_owned_value());
            }
        });
    }
    fn set_column_of(
        &mut self,
        key: &crate::Value,
        column: usize,
        value: crate::ValueRef<'_>,
        only_if: Option<&crate::Value>,
    ) -> bool {
        let meta = T::meta();
        let key = match meta.primary_key.first() {
            Some(&c) => as_held(meta, c, key.clone()),
            None => return true,
        };
        let only_if = only_if.map(|v| as_held(meta, column, v.clone()));
        for (k, obj) in self.indexed().iter() {
            if !same_value(T::key_ref(k, 0).to_owned_value(), &key) {
                continue;
            }
            if let Some(expected) = &only_if {
                let holds = obj
                    .cell()
                    .value
                    .try_borrow()
                    .map(|v| same_value(v.column_ref(column).to_owned_value(), expected));
                if matches!(holds, Ok(false)) {
                    continue;
                }
            }
            let Ok(mut v) = obj.cell().value.try_borrow_mut() else {
                return false;
            };
            let _ = v.set_column_value(column, value);
            obj.cell().with_snapshot(|snap| {
                if let Some(snap) = snap {
                    let _ = snap.set_column_value(column, value);
                }
            });
        }
        true
    }

    fn null_column(&mut self, column: usize, owner: &[crate::Value], itself: bool) -> bool {
        let mut all = true;
        let nulls = vec![crate::ValueRef::Null; owner.len()];
        let meta = T::meta();
        let owner: Vec<crate::Value> = owner
            .iter()
            .enumerate()
            .map(|(k, o)| as_held(meta, column + k, o.clone()))
            .collect();
        for obj in self.indexed().values() {
            // The row being deleted, when it refers to itself: the statement left its row
            // as it was (it goes, reference and all).
            if itself
                && obj.cell().state.get() == ObjState::Deleted
                && obj.cell().value.try_borrow().is_ok_and(|v| {
                    crate::held_values::same_key(meta, &T::key_params(&v.key()), &owner)
                })
            {
                continue;
            }
            let refers = |v: &T| {
                owner
                    .iter()
                    .enumerate()
                    .all(|(k, o)| same_value(v.column_ref(column + k).to_owned_value(), o))
            };
            // The snapshot is the row as the database holds it: it follows on its own (a
            // change not written yet may have let go of the row already: a delete's
            // `let_go_loaded`, or a move of a child deleted since), borrowed value or not.
            obj.cell().with_snapshot(|snap| {
                if let Some(snap) = snap.filter(|s| refers(s)) {
                    let _ = snap.set_field_values(column, &nulls);
                }
            });
            let Ok(mut value) = obj.cell().value.try_borrow_mut() else {
                // Borrowed: it is one of them if its value says so.
                if let Ok(value) = obj.cell().value.try_borrow() {
                    all &= !refers(&value);
                }
                continue;
            };
            if refers(&value) {
                let _ = value.set_field_values(column, &nulls);
            }
        }
        all
    }
}

pub(crate) use crate::held_values::{as_held, same_value, KeyValue};

/// The identity maps of all entities of one transaction, by the entity's slot.
#[derive(Default)]
pub(crate) struct IdentityMaps {
    maps: Vec<Option<(TypeId, Box<dyn AnyMap>)>>,
}

impl IdentityMaps {
    #[inline]
    pub(crate) fn of<T: Entity>(&mut self) -> &mut IdentityMap<T> {
        let slot = T::meta().cache.slot();
        let id = TypeId::of::<IdentityMap<T>>();
        // The slot is the entity's, so it holds its map once made: the usual case inline,
        // the making of the map out of line.
        let made = matches!(self.maps.get(slot), Some(Some((found, _))) if *found == id);
        if !made {
            self.make::<T>(slot);
        }
        let map: &mut Box<dyn AnyMap> = match &mut self.maps[slot] {
            Some((_, map)) => map,
            None => unreachable!("made above"),
        };
        let map: *mut dyn AnyMap = &mut **map;
        // SAFETY: every box in `maps` is stored beside the `TypeId` of the value it was made
        // with (`make`), and this slot's `TypeId` is `IdentityMap<T>`'s: checked above, or
        // stored by `make::<T>` just now. The cast is `downcast_mut` without the two virtual
        // calls of `Any` (this runs once per row read).
        unsafe { &mut *map.cast::<IdentityMap<T>>() }
    }

    /// Makes `T`'s map in its slot.
    #[cold]
    #[inline(never)]
    fn make<T: Entity>(&mut self, slot: usize) {
        if self.maps.len() <= slot {
            self.maps.resize_with(slot + 1, || None);
        }
        self.maps[slot] = Some((
            TypeId::of::<IdentityMap<T>>(),
            Box::new(IdentityMap::<T>::new()),
        ));
    }

    /// The keys of `target` that loaded objects refer to (by a reference column) and that are
    /// not loaded themselves: what one query can load for all of them.
    pub(crate) fn referenced_unloaded(
        &mut self,
        target: &'static crate::EntityMeta,
    ) -> Vec<crate::Value> {
        let mut wanted = Vec::new();
        for (_, map) in self.maps.iter_mut().flatten() {
            for rel in map.meta().relations {
                if let (Some(column), true) = (rel.column, std::ptr::eq((rel.target)(), target)) {
                    map.column_values(column, &mut wanted);
                }
            }
        }
        // Sets, not lists: following one reference from 10 000 objects must not compare
        // every value with every loaded key.
        let mut loaded = Vec::new();
        if let Some(m) = self.by_meta(target) {
            m.key_values(&mut loaded);
        }
        let mut seen: HashSet<KeyValue, FxBuild> = loaded.into_iter().map(KeyValue::of).collect();
        let mut out: Vec<crate::Value> = Vec::new();
        for v in wanted {
            if seen.insert(KeyValue::of(v.clone())) {
                out.push(v);
            }
        }
        out
    }

    /// Every entity's map made in this transaction.
    pub(crate) fn each(&mut self) -> impl Iterator<Item = &mut dyn AnyMap> {
        self.maps.iter_mut().flatten().map(|(_, m)| &mut **m)
    }

    /// The maps of the entity described by `meta`.
    pub(crate) fn by_meta(&mut self, meta: &'static crate::EntityMeta) -> Option<&mut dyn AnyMap> {
        self.maps
            .iter_mut()
            .flatten()
            .find(|(_, m)| std::ptr::eq(m.meta(), meta))
            .map(|(_, m)| &mut **m)
    }

    /// Forgets every object (the transaction ended), keeping each entity's emptied map.
    pub(crate) fn reset(&mut self) {
        for (_, map) in self.maps.iter_mut().flatten() {
            map.reset();
        }
    }

    /// Every map's objects as they are now, by slot (a savepoint begins).
    pub(crate) fn save(&mut self) -> Result<Vec<Option<Box<dyn Any>>>> {
        self.maps
            .iter_mut()
            .map(|m| m.as_mut().map(|(_, map)| map.save()).transpose())
            .collect()
    }

    /// Back to what [`IdentityMaps::save`] gave (a savepoint rolled back); returns the
    /// objects loaded or made since, to be read again.
    ///
    /// # Errors
    /// [`crate::Error::ObjectsBusy`] when an object that must change is borrowed: then no
    /// map has changed (one put back before would have let the objects loaded since out of
    /// it, and they would be nobody's).
    pub(crate) fn restore(
        &mut self,
        saved: Vec<Option<Box<dyn Any>>>,
    ) -> Result<Vec<Box<dyn Reread>>> {
        let restorable = self.maps.iter_mut().enumerate().all(|(i, m)| match m {
            Some((_, map)) => map.can_restore(saved.get(i).and_then(Option::as_deref)),
            None => true,
        });
        if !restorable {
            return Err(crate::Error::ObjectsBusy);
        }
        let mut saved = saved.into_iter();
        let mut out = Vec::new();
        for m in self.maps.iter_mut() {
            let s = saved.next().flatten();
            if let Some((_, map)) = m {
                out.push(map.restore(s)?);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod hashing {
    use std::collections::HashSet;
    use std::hash::BuildHasher;

    /// Keys that are multiples of 2^20 all hashed to the same low bits (a multiply-only
    /// hash), so a map of them was one long probe sequence (issue 12: 14 s instead of 0.18).
    /// The seed is random, so the bound leaves room: 3 000 processes gave at least 610
    /// buckets (foldhash's `fast` variant gave fewer than 500 in about a third of them).
    #[test]
    fn keys_that_share_their_low_bits_spread_over_buckets() {
        let build = super::FxBuild::default();
        let buckets: HashSet<u64> = (1..=1024i64)
            .map(|i| build.hash_one(i << 20) & 1023)
            .collect();
        assert!(buckets.len() > 500, "{} buckets of 1024", buckets.len());
        let text: HashSet<u64> = (0..1024)
            .map(|i| build.hash_one(format!("{:0>64}", i)) & 1023)
            .collect();
        assert!(text.len() > 500, "{} buckets of 1024", text.len());
    }
}
