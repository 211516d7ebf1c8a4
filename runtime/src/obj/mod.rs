//! `Obj<T>`: one loaded (or new) row of an entity inside a transaction, and the object core
//! behind it. Every `unsafe` block about objects is in this module; each relies on the
//! invariants below, and the tests that exercise them (`tests/object_lifetimes.rs`,
//! `tests/trust.rs`) run under valgrind memcheck in CI (`scripts/valgrind-tests.sh`).
//!
//! | file | holds |
//! |---|---|
//! | `mod.rs` | [`Obj`] (a counted handle) and `ObjCell` (the object's state) |
//! | `arena.rs` | cells allocated in chunks per entity and transaction |
//! | `accessor.rs` | [`Accessor`] and [`AccessorBase`]: the derive's getters |
//! | `pending.rs` | the transaction's list of objects with a change to write |
//! | `read_state.rs` | the columns read and the pending change's snapshot, in one word |
//! | `runs.rs` | the identity map's unhashed objects, as runs of cells |
//! | `spare_blocks.rs` | freed chunks and snapshots a thread keeps for its next ones |
//!
//! # Invariants
//!
//! 1. **Counts.** A cell counts its handles: every [`Obj`], every entry of the pending list
//!    (`PendingObj`, which owns a count taken with `Obj::into_raw`) and nothing else. A cell
//!    is dropped in place when its count reaches zero, never before; its memory belongs to
//!    its chunk.
//! 2. **Chunks.** A chunk counts its live cells plus one while its cursor fills it, and is
//!    freed when that count reaches zero. So a live cell's chunk is live, and cells never
//!    move (a chunk is one allocation that is never resized). A chunk's block holds its
//!    header, then its cells; a cell keeps its index in the block and finds the header by
//!    address (`Chunk::of_cell`), with the block's provenance, exposed when it is made.
//! 3. **Accessors.** `T::Accessor` is `#[repr(transparent)]` over [`AccessorBase<T>`], which
//!    is `#[repr(transparent)]` over the cell (the contract of the `unsafe trait`
//!    [`Accessor`]), so `Obj`'s `Deref` casts `&ObjCell<T>` to `&T::Accessor`. An accessor is
//!    never made or moved by value: it is reachable only as that reference, borrowed from an
//!    `&Obj<T>`, which holds a count. So whenever an accessor is used, its cell is live.
//! 4. **Release through pointers.** A count is given back through a raw pointer (`Drop` of
//!    `Obj`, `PendingObj`'s release function), never through a `&` reference to the cell,
//!    which must stay valid for as long as it is live.
//! 5. **One thread.** Cells use `Cell`/`RefCell` and `Obj` is neither `Send` nor `Sync`
//!    (it holds a `NonNull`), so counts are never touched by two threads.
//! 6. **The read word.** A cell's `ReadState` holds either the read mask (tagged by its low
//!    bit) or a pointer to a snapshot's block it owns; every path that takes the block out
//!    puts a mask back first, and `with_snapshot` lends the block only while it is out of the
//!    word, so no reference into it outlives a change of the word.
//! 7. **Spare blocks.** A block given back to the thread's cache (`spare_blocks::free`) is
//!    used by nothing: a chunk's when its last count is gone (2), a snapshot's when it was
//!    taken out of its word (6) and its value moved out or dropped. A block is taken again
//!    only for its own layout.

use std::cell::{Cell, Ref, RefCell};
use std::fmt;
use std::ops::Deref;
use std::ptr::NonNull;
use std::rc::Weak;

mod accessor;
pub(crate) mod arena;
pub(crate) mod pending;
mod read_state;
pub(crate) mod runs;
mod spare_blocks;

pub use accessor::{Accessor, AccessorBase};

use crate::entity::Entity;
use crate::transaction::TxShared;
use crate::{Error, Result};
use arena::Chunk;
use pending::PendingObj;
use read_state::ReadState;

/// Where an object stands with respect to the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ObjState {
    /// Created in this transaction, not inserted yet.
    New,
    /// In the database (as far as this transaction knows).
    Loaded,
    /// Deleted in memory, not flushed yet.
    Deleted,
    /// Deleted in the database.
    Gone,
}

/// A bit per column (columns past 62 share the last bit, which only makes checks stricter:
/// the read mask keeps 63 bits, see `read_state.rs`).
#[inline]
pub(crate) fn bit(column: usize) -> u64 {
    1u64 << column.min(62)
}

/// The state of one object; reached through [`Obj`]. Lives in a chunk of the arena
/// (`arena.rs`), which also knows the object's transaction.
pub struct ObjCell<T: Entity> {
    /// How many `Obj` handles point here.
    refs: Cell<u32>,
    /// The cell's place in its chunk, which [`Chunk::of_cell`] finds from it (beside `refs`,
    /// `state` and `flags`, it takes no word of its own).
    index: u16,
    pub(crate) value: RefCell<T>,
    /// The columns this transaction read, and the values as the database holds them, kept
    /// from the first `set` until flushed (read through [`ObjCell::with_snapshot`], which
    /// takes them out and puts them back), in one word.
    read_state: ReadState<T>,
    pub(crate) state: Cell<ObjState>,
    /// [`QUEUED`] and [`WROTE`], in one byte (beside `refs`, `index` and `state`, in one
    /// word).
    flags: Cell<u8>,
}

/// The object is in the pending list.
const QUEUED: u8 = 1;
/// This transaction wrote the object's row, every column written or checked (inserted or
/// upserted it, or updated it after a `set`, which reads every column): the row is the
/// transaction's until it ends, and its delete needs no check of the columns it did not
/// read since (those written may hold what the database made of them).
const WROTE: u8 = 2;

impl<T: Entity> ObjCell<T> {
    /// Whether the object is in the pending list.
    #[inline]
    pub(crate) fn is_queued(&self) -> bool {
        self.flags.get() & QUEUED != 0
    }

    /// Notes whether the object is in the pending list.
    #[inline]
    pub(crate) fn set_queued(&self, queued: bool) {
        self.set_flag(QUEUED, queued);
    }

    /// Whether this transaction wrote the object's row (see [`WROTE`]).
    #[inline]
    pub(crate) fn wrote(&self) -> bool {
        self.flags.get() & WROTE != 0
    }

    /// Notes whether this transaction wrote the object's row, every column written or
    /// checked (a savepoint rolled back puts back what it was).
    #[inline]
    pub(crate) fn set_wrote(&self, wrote: bool) {
        self.set_flag(WROTE, wrote);
    }

    #[inline]
    fn set_flag(&self, flag: u8, on: bool) {
        let flags = self.flags.get();
        self.flags
            .set(if on { flags | flag } else { flags & !flag });
    }

    /// Runs `f` on the snapshot (`None`: no change is pending). The snapshot is out of the
    /// cell while `f` runs (a call nested in `f` sees `None`), and back in when `f` returns or
    /// panics.
    #[inline]
    pub(crate) fn with_snapshot<R>(&self, f: impl FnOnce(Option<&mut T>) -> R) -> R {
        self.read_state.with_snapshot(f)
    }

    /// Keeps `old` as the snapshot unless one is kept already (the first change since the
    /// last flush).
    #[inline]
    pub(crate) fn keep_snapshot(&self, old: T) {
        self.read_state.keep_snapshot(old);
    }

    /// Forgets the snapshot: the database holds the object's values.
    #[inline]
    pub(crate) fn clear_snapshot(&self) {
        drop(self.read_state.take_snapshot());
    }

    /// Takes the snapshot away, if one is kept.
    pub(crate) fn take_snapshot(&self) -> Option<T> {
        self.read_state.take_snapshot()
    }

    /// The columns this transaction read (a mask of [`bit`]s).
    #[inline]
    pub(crate) fn read(&self) -> u64 {
        self.read_state.read()
    }

    /// Sets the columns read.
    #[inline]
    pub(crate) fn set_read(&self, mask: u64) {
        self.read_state.set_read(mask);
    }

    /// Adds columns to those read.
    #[inline]
    pub(crate) fn mark_read(&self, bits: u64) {
        self.read_state.mark_read(bits);
    }

    /// The object's row is gone (deleted, displaced by a new row of its key) or never was
    /// (a new object discarded, or inserted by a savepoint rolled back): its transaction
    /// notes the death for the queries given it (`object_param`).
    pub(crate) fn set_gone(&self) {
        self.state.set(ObjState::Gone);
        if let Some(tx) = self.tx().upgrade() {
            if tx.object_params.get() != 0 {
                self.note_death(&tx);
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn note_death(&self, tx: &TxShared) {
        if let Ok(value) = self.value.try_borrow() {
            let cell = self as *const Self as usize;
            crate::object_param::note_death(tx, T::meta(), cell, &T::key_params(&value.key()));
        }
    }

    /// The transaction the object belongs to.
    pub(crate) fn tx(&self) -> &Weak<TxShared> {
        // SAFETY: `self` is a live cell made by the arena at `index`; a live cell holds a
        // count of its chunk, so the chunk is live.
        unsafe { Chunk::of_cell(self, self.index).as_ref() }.tx()
    }
}

/// A handle to an entity object: one per row within a transaction (the identity map).
///
/// Cloning an `Obj` clones the handle, not the row. `obj.get()` borrows the current value,
/// `obj.set(|p| ..)` changes it, and the derive adds a getter per attribute (`obj.price()`).
///
/// A handle counts references like an `Rc` (and, like it, is neither `Send` nor `Sync`).
pub struct Obj<T: Entity>(NonNull<ObjCell<T>>);

impl<T: Entity> Clone for Obj<T> {
    #[inline]
    fn clone(&self) -> Self {
        let cell = self.cell();
        let Some(refs) = cell.refs.get().checked_add(1) else {
            // As `Rc` does: a count this large means leaked handles.
            std::process::abort()
        };
        cell.refs.set(refs);
        Obj(self.0)
    }
}

impl<T: Entity> Drop for Obj<T> {
    #[inline]
    fn drop(&mut self) {
        let cell = self.cell();
        let refs = cell.refs.get() - 1;
        if refs > 0 {
            cell.refs.set(refs);
            return;
        }
        // SAFETY: a live cell, made by the arena at `index`.
        let chunk = unsafe { Chunk::of_cell(cell, cell.index) };
        // SAFETY: this was the last handle, so nothing refers to the cell any more: drop its
        // value in place (its memory belongs to the chunk) and give back the cell's count of
        // the chunk, which frees the chunk after its last cell.
        unsafe {
            std::ptr::drop_in_place(self.0.as_ptr());
            Chunk::release(chunk);
        }
    }
}

/// Objects are equal when they are the same object (the identity map makes that "the same row
/// in the same transaction").
impl<T: Entity> PartialEq for Obj<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<T: Entity> Eq for Obj<T> {}

impl<T: Entity + fmt::Debug> fmt::Debug for Obj<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cell().value.try_borrow() {
            Ok(v) => fmt::Debug::fmt(&*v, f),
            Err(_) => f.write_str("Obj(<borrowed>)"),
        }
    }
}

impl<T: Entity> Deref for Obj<T> {
    type Target = T::Accessor;
    #[inline]
    fn deref(&self) -> &T::Accessor {
        AccessorBase::of(self.cell())
    }
}

impl<T: Entity> Obj<T> {
    /// The contents of a new cell at `index` in its chunk, with one handle (made by [`Obj::from_raw`] once
    /// the cell is in place).
    pub(crate) fn cell_at(index: u16, value: T, state: ObjState) -> ObjCell<T> {
        ObjCell {
            refs: Cell::new(1),
            index,
            value: RefCell::new(value),
            read_state: ReadState::new(),
            state: Cell::new(state),
            flags: Cell::new(0),
        }
    }

    /// The handle that owns one count of a cell: a cell just written by the arena (made by
    /// [`Obj::cell_at`], count 1) or a pointer from [`Obj::into_raw`].
    ///
    /// # Safety
    /// `cell` points to a live cell, and the caller hands over one of its counts.
    pub(crate) unsafe fn from_raw(cell: NonNull<ObjCell<T>>) -> Self {
        Obj(cell)
    }

    /// The cell's pointer, keeping the handle's count (give it back with [`Obj::from_raw`]).
    pub(crate) fn into_raw(self) -> NonNull<ObjCell<T>> {
        std::mem::ManuallyDrop::new(self).0
    }

    /// A new handle to a cell another handle keeps alive.
    pub(crate) fn from_cell(cell: &ObjCell<T>) -> Self {
        // The pointer takes the block's provenance, not the reference's (which covers the
        // cell for reading only, its `Cell`s aside): this handle may be the last, and its
        // drop writes the cell (drops it in place, invariant 4).
        // SAFETY: another handle keeps the cell alive (so its chunk, invariant 2), and every
        // cell is made by the arena at its `index`, within its chunk's room.
        let at = unsafe { Chunk::cell(Chunk::of_cell(cell, cell.index), cell.index) };
        let borrowed = std::mem::ManuallyDrop::new(Obj(at));
        Obj::clone(&borrowed)
    }

    /// The object's state.
    #[inline]
    pub(crate) fn cell(&self) -> &ObjCell<T> {
        // SAFETY: a handle keeps its cell alive (its count is at least one), and cells never
        // move (they live in a chunk until dropped).
        unsafe { self.0.as_ref() }
    }

    /// Borrows the current value; counts every attribute as read.
    ///
    /// Drop the borrow before calling [`Obj::set`] on the same object.
    pub fn get(&self) -> Ref<'_, T> {
        self.cell().set_read(u64::MAX);
        self.cell().value.borrow()
    }

    /// Changes the value in memory; the change is written at the next flush.
    ///
    /// Every attribute counts as read, as with [`Obj::get`]: the closure may read any
    /// (`p.price += 20` reads the price, `if p.status == Paid { p.shipped = true }` the
    /// status). The write checks that the row still holds the values this transaction saw,
    /// so a concurrent change of one is [`Error::UnrepeatableRead`] (which
    /// `Database::transaction_with_retry` retries), never a lost update.
    ///
    /// While `f` runs the object is borrowed, as under [`Obj::get`]: a query inside `f` that
    /// reads its row leaves its values as they are (what the row holds now is checked at
    /// the write), and a bulk `update` of its entity, an upsert of its row or a nested
    /// `set` of it is an error rather than a write this `set` would undo. A savepoint inside
    /// `f` rolls back as usual (it cannot have changed the borrowed object).
    ///
    /// # Errors
    /// [`Error::TransactionClosed`] once the transaction is over (or when `f` ends it);
    /// [`Error::ObjectDeleted`] when the object is deleted (or `f` deletes it),
    /// [`Error::ObjectBorrowed`] when a `get()` borrow of it is still alive,
    /// [`Error::KeyChanged`] when `f` changes the primary key of a stored object (the change
    /// is then undone).
    pub fn set(&self, f: impl FnOnce(&mut T)) -> Result<()> {
        let cell = self.cell();
        let tx = match cell.tx().upgrade() {
            Some(tx) if !tx.closed.get() => tx,
            _ => return Err(Error::TransactionClosed),
        };
        match cell.state.get() {
            ObjState::Deleted | ObjState::Gone => {
                return Err(Error::ObjectDeleted {
                    entity: T::meta().name,
                })
            }
            ObjState::New | ObjState::Loaded => {}
        }
        // The value stays borrowed while `f` runs: whatever `f` calls cannot change it
        // underneath (a query merging the row, a bulk `update`, an upsert, a nested `set`
        // would be undone by this one's write, and its optimistic check would then pass
        // against what they wrote). Those calls see the object borrowed, as with `get()`.
        let current = cell.value.try_borrow().map_err(|_| borrowed::<T>())?;
        let mut next = current.clone();
        f(&mut next);
        // `f` may have deleted the object or ended the transaction: the change is dropped.
        if tx.closed.get() {
            return Err(Error::TransactionClosed);
        }
        if matches!(cell.state.get(), ObjState::Deleted | ObjState::Gone) {
            return Err(Error::ObjectDeleted {
                entity: T::meta().name,
            });
        }
        crate::entity::as_stored(&mut next);
        let stored = cell.state.get() == ObjState::Loaded;
        // One pass over the columns this needs to know about: what the closure changed of
        // them (the flush finds the rest).
        let meta = T::meta();
        let masks = crate::flush::update_masks(meta);
        let mut changed = 0u64;
        {
            let virtual_columns = crate::pairing::virtual_columns(meta);
            for (c, col) in meta.columns.iter().enumerate() {
                if masks.watched & bit(c) == 0 || crate::entity::same_written(&*current, &next, c) {
                    continue;
                }
                // The column-less side of a one-to-one is read from the other side's row: a
                // change to it would not be written anywhere.
                if virtual_columns.contains(&c) {
                    return Err(crate::pairing::reverse_side_error(meta, c));
                }
                if stored && col.primary_key {
                    return Err(Error::KeyChanged { entity: meta.name });
                }
                changed |= bit(c);
            }
        }
        if changed & masks.references != 0 {
            if let Some(entity) = deleted_target(&tx, &next, Some(&*current), changed) {
                return Err(Error::ObjectDeleted { entity });
            }
        }
        drop(current);
        let Ok(mut slot) = cell.value.try_borrow_mut() else {
            return Err(borrowed::<T>());
        };
        let old = std::mem::replace(&mut *slot, next);
        drop(slot);
        if stored && changed & masks.one_to_one != 0 {
            // The column-less side of a one-to-one follows now, as a collection's members
            // do (its getter reads memory). The flush follows it again and is the one that
            // reports a borrowed partner: here a partner borrowed (`obj.get()` held) is left
            // as it is until then.
            let _ = crate::flush::reverse_sides(&tx, Some(&old), Some(&*cell.value.borrow()));
            // The partner's old holder lets go (written first: the column is UNIQUE).
            crate::one_to_one_holders::release_old_holders(&tx, self, changed & masks.one_to_one);
        }
        if stored {
            // The closure may have read any field (`p.price += 20` reads the price, `if
            // p.status == Paid { p.shipped = true }` the status): every one counts as read,
            // as `get()` counts them. The UPDATE checks that the row still holds what this
            // transaction saw, so a concurrent change is a conflict (`UnrepeatableRead`,
            // retried by `transaction_with_retry`), never a lost update. A blind write
            // (`p.price = 5`) is checked the same way: Colt cannot tell them apart.
            cell.set_read(u64::MAX);
            cell.keep_snapshot(old);
        }
        self.queue(&tx);
        Ok(())
    }

    /// Sets the reference held in `columns` to nothing, as a change of the object made by
    /// Colt (its old value kept as the row's, the reference checked as read when written),
    /// for the caller to queue; false when the object is borrowed (`obj.get()` held) and
    /// keeps its value.
    pub(crate) fn let_go(&self, columns: std::ops::Range<usize>) -> bool {
        let cell = self.cell();
        let Ok(mut value) = cell.value.try_borrow_mut() else {
            return false;
        };
        let old = value.clone();
        let nulls = vec![crate::ValueRef::Null; columns.len()];
        if value.set_field_values(columns.start, &nulls).is_err() {
            return false;
        }
        drop(value);
        let named = columns.fold(0, |m, i| m | bit(i));
        cell.mark_read(named);
        cell.keep_snapshot(old);
        true
    }

    /// Queues the object's change, to be written at the next flush (once).
    pub(crate) fn queue(&self, shared: &TxShared) {
        let cell = self.cell();
        if !cell.is_queued() {
            cell.set_queued(true);
            shared
                .pending
                .borrow_mut()
                .push(PendingObj::new(self.clone()));
        }
    }

    /// Queues the object's change to be written before `other`'s (moved there if it was
    /// queued after it).
    pub(crate) fn queue_before<U: Entity>(&self, shared: &TxShared, other: &Obj<U>) {
        let mut pending = shared.pending.borrow_mut();
        let at = pending.iter().position(|p| p.is(other.cell()));
        let mine = pending.iter().position(|p| p.is(self.cell()));
        match (mine, at) {
            (Some(m), Some(a)) if m > a => {
                let entry = pending.remove(m);
                pending.insert(a, entry);
            }
            (Some(_), _) => {}
            (None, at) => {
                self.cell().set_queued(true);
                let entry = PendingObj::new(self.clone());
                match at {
                    Some(a) => pending.insert(a, entry),
                    None => pending.push(entry),
                }
            }
        }
    }

    /// Whether the object belongs to `tx` ([`Error::ForeignObject`] if not).
    pub(crate) fn check_tx(&self, tx: &crate::Transaction) -> Result<()> {
        if tx.owns(self.cell().tx()) {
            Ok(())
        } else {
            Err(Error::ForeignObject {
                entity: T::meta().name,
            })
        }
    }

    /// Marks the object deleted; the row is deleted at the next flush. The loaded members
    /// of its `cascade_delete` collections are marked deleted with it (recursively), as
    /// PonyORM's `delete()` does; members not loaded go at the flush.
    ///
    /// # Errors
    /// [`Error::TransactionClosed`] once the transaction is over; [`Error::ForeignObject`]
    /// when the object belongs to another transaction (of this database or another one):
    /// load it again in `tx` and delete that object; a database error reading the keys of
    /// members not loaded (the transaction is then rolled back and closed).
    pub fn delete(&self, tx: &crate::Transaction) -> Result<()> {
        tx.check_open()?;
        self.check_tx(tx)?;
        // A holder of a one-to-one that let go of its partner (another object took it, or
        // the program set it to `None`) frees the partner by its change, which the delete
        // would take the place of: deletes are written after changes, so the taker's write
        // would meet the old row still holding the partner (a UNIQUE error at the commit).
        // The change is written first.
        if self.released_a_partner() {
            tx.flush()?;
        }
        if self.mark_deleted(tx) {
            // Its `cascade_delete` members that are loaded go with it now, as in PonyORM:
            // a write to one of them before the flush would be undone by the cascade.
            let members = crate::cascade::delete_loaded_members(
                tx,
                T::meta(),
                vec![T::key_params(&self.key())],
                0,
            );
            // Marked deleted, with part of its members: the transaction cannot go on (as
            // after a failed flush).
            if let Err(e) = members {
                tx.abort();
                return Err(e);
            }
        }
        Ok(())
    }

    /// Whether a change not written yet let go of a one-to-one partner the row holds (a
    /// stored one-to-one column set to nothing where the row names a partner). (A change to
    /// another partner is not written first: it would take that partner, which the delete
    /// gives up.)
    fn released_a_partner(&self) -> bool {
        let cell = self.cell();
        let meta = T::meta();
        let one_to_one = crate::flush::update_masks(meta).one_to_one;
        if one_to_one == 0 || cell.state.get() != ObjState::Loaded || !cell.is_queued() {
            return false;
        }
        let Ok(value) = cell.value.try_borrow() else {
            return false;
        };
        cell.with_snapshot(|old| {
            old.is_some_and(|old| {
                (0..meta.columns.len().min(62))
                    .filter(|&c| one_to_one & bit(c) != 0)
                    .any(|c| {
                        matches!(value.column_ref(c), crate::ValueRef::Null)
                            && !matches!(old.column_ref(c), crate::ValueRef::Null)
                    })
            })
        })
    }

    /// Marks a loaded object deleted and queues its delete; whether it was loaded (a new
    /// object is gone at once, a deleted one stays so).
    pub(crate) fn mark_deleted(&self, tx: &crate::Transaction) -> bool {
        let cell = self.cell();
        match cell.state.get() {
            ObjState::Deleted | ObjState::Gone => return false,
            ObjState::New => {
                // Never inserted: nothing to delete in the database.
                cell.set_gone();
                return false;
            }
            ObjState::Loaded => {
                cell.state.set(ObjState::Deleted);
                // Picked by a query's condition (`p.status == "paid"`), then deleted: the
                // row must still be the one the transaction saw. Every column counts as
                // read, as in `set`: a concurrent change is a conflict, never a delete of
                // a row the program did not see. (Not a row this transaction wrote, which
                // no other can have changed since, and whose columns may hold what the
                // database made of the values written.)
                if !cell.wrote() {
                    cell.set_read(u64::MAX);
                }
            }
        }
        self.queue(&tx.shared);
        true
    }

    /// The primary key (an `auto` key reads 0 until the object is flushed).
    pub fn key(&self) -> T::Key {
        self.cell().value.borrow().key()
    }

    /// Whether the object was deleted in this transaction.
    pub fn is_deleted(&self) -> bool {
        matches!(self.cell().state.get(), ObjState::Deleted | ObjState::Gone)
    }

    /// Notes, in its transaction, that a reference to this deleted object (its key `key`)
    /// was made (see `TxShared::dead_refs`).
    #[cold]
    pub(crate) fn note_dead_ref(&self, key: &T::Key) {
        let Some(tx) = self.cell().tx().upgrade() else {
            return;
        };
        let meta = T::meta();
        let key = T::key_params(key);
        let mut dead = tx.dead_refs.borrow_mut();
        if !dead
            .iter()
            .any(|(m, k)| std::ptr::eq(*m, meta) && *k == key)
        {
            dead.push((meta, key));
        }
    }

    /// Whether two handles are the same object (the identity map's promise).
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        a.0 == b.0
    }
}

fn borrowed<T: Entity>() -> Error {
    Error::ObjectBorrowed {
        entity: T::meta().name,
    }
}

/// The entity of an object `value` refers to, through a reference among the columns
/// `changed`, that this transaction deleted without writing it yet: pointing at it would
/// have the delete's cascade (or `SET NULL`) take the row with it, silently. Or a reference
/// made of a deleted object (`dead_refs`), whose key may name another row by now.
pub(crate) fn deleted_target<T: Entity>(
    tx: &crate::transaction::TxShared,
    value: &T,
    current: Option<&T>,
    changed: u64,
) -> Option<&'static str> {
    let meta = T::meta();
    // (A delete not written yet waits in the pending list; a reference made of a deleted
    // object is in `dead_refs`.)
    if changed & crate::flush::update_masks(meta).references == 0
        || (tx.pending.borrow().is_empty() && tx.dead_refs.borrow().is_empty())
    {
        return None;
    }
    for r in meta.relations {
        let Some(first) = r.column else { continue };
        let width = r.width().max(1);
        // (Columns past 62 share a bit: their values tell.)
        let touched = |c: usize| {
            changed & bit(c) != 0 && current.is_none_or(|cur| !cur.same_column(value, c))
        };
        if !(first..first + width).any(touched) {
            continue;
        }
        let key: Vec<crate::ValueRef<'_>> = (first..first + width)
            .map(|c| value.column_ref(c))
            .collect();
        if key.contains(&crate::ValueRef::Null) {
            continue;
        }
        let target = (r.target)();
        let dead = tx.dead_refs.borrow().iter().any(|(m, k)| {
            std::ptr::eq(*m, target)
                && k.len() == key.len()
                && k.iter().zip(&key).all(|(a, b)| a.as_ref() == *b)
        });
        let mut maps = tx.maps.borrow_mut();
        if dead || maps.by_meta(target).is_some_and(|m| m.is_deleted(&key)) {
            return Some(target.name);
        }
    }
    None
}
