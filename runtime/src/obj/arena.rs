//! Where objects live: cells allocated in chunks, per entity and transaction.
//!
//! A result of 10 000 rows used to cost 10 000 allocations and, when the objects were dropped,
//! 10 000 frees, the largest cost of loading objects after SQLite's own work. Here one chunk
//! holds many cells (4 for the first chunk of a transaction, doubling up to 1 024), so loading
//! costs one allocation per chunk, and the objects of one result sit next to each other.
//!
//! Each cell counts the [`Obj`] handles to it; each chunk counts its live cells plus one for
//! the [`ChunkCursor`] still filling it. When a cell's count reaches zero its value is dropped
//! in place; when a chunk's count reaches zero the chunk is freed. So a chunk lives as long as
//! any object in it (a handle kept after the transaction keeps its chunk, not more).

use std::cell::Cell;
use std::mem::MaybeUninit;
use std::ptr::NonNull;

use super::{Obj, ObjCell};
use crate::entity::Entity;
use crate::transaction::TxShared;
use std::rc::Weak;

/// Cells in the first chunk of an entity in a transaction.
const FIRST_CHUNK: usize = 4;
/// The most cells in one chunk.
const LARGEST_CHUNK: usize = 256;

/// A block of cells.
pub(crate) struct Chunk<T: Entity> {
    /// Live cells, plus one while a cursor fills the chunk.
    live: Cell<usize>,
    /// The transaction of every object in the chunk.
    tx: Weak<TxShared>,
    /// The cells (a leaked `Box<[MaybeUninit<ObjCell<T>>]>`), reached only by raw pointer:
    /// a `&mut` to the whole block would alias the `&ObjCell`s handed out.
    cells: NonNull<MaybeUninit<ObjCell<T>>>,
    len: usize,
}

impl<T: Entity> Drop for Chunk<T> {
    fn drop(&mut self) {
        let cells = std::ptr::slice_from_raw_parts_mut(self.cells.as_ptr(), self.len);
        // SAFETY: `cells` and `len` come from `Box::into_raw` in `start_chunk`, and the chunk
        // is dropped once, by `release`, after its last cell. The cells are `MaybeUninit`, so
        // this frees the block without dropping them again.
        drop(unsafe { Box::from_raw(cells) });
    }
}

impl<T: Entity> Chunk<T> {
    pub(crate) fn tx(&self) -> &Weak<TxShared> {
        &self.tx
    }

    /// Gives up one count of the chunk; frees it with the last.
    ///
    /// # Safety
    /// `chunk` points to a live chunk made by [`ChunkCursor`], and the caller owns one of its
    /// counts (a live cell it has just dropped, or the cursor's own).
    pub(crate) unsafe fn release(chunk: NonNull<Chunk<T>>) {
        // SAFETY: the chunk is live per the contract.
        let live = unsafe { chunk.as_ref() }.live.get() - 1;
        if live == 0 {
            // SAFETY: the last count is gone: no cell and no cursor uses the chunk. The cells
            // are `MaybeUninit`, so freeing does not drop them again (each was dropped when
            // its own count reached zero).
            drop(unsafe { Box::from_raw(chunk.as_ptr()) });
        } else {
            // SAFETY: as above.
            unsafe { chunk.as_ref() }.live.set(live);
        }
    }
}

/// Hands out cells from the chunk being filled (one per entity per transaction, in its
/// identity map).
pub(crate) struct ChunkCursor<T: Entity> {
    chunk: Option<NonNull<Chunk<T>>>,
    next: usize,
    /// The size of the next chunk.
    grow: usize,
}

impl<T: Entity> Default for ChunkCursor<T> {
    fn default() -> Self {
        ChunkCursor {
            chunk: None,
            next: 0,
            grow: FIRST_CHUNK,
        }
    }
}

impl<T: Entity> ChunkCursor<T> {
    /// Places a new cell and returns the first handle to it. `make` builds the cell given its
    /// chunk.
    pub(crate) fn alloc(
        &mut self,
        tx: &Weak<TxShared>,
        make: impl FnOnce(NonNull<Chunk<T>>) -> ObjCell<T>,
    ) -> Obj<T> {
        let chunk = match self.chunk {
            // SAFETY: the cursor holds a count of its chunk, so it is live.
            Some(c) if self.next < unsafe { c.as_ref() }.len => c,
            _ => self.start_chunk(tx),
        };
        // SAFETY: the cursor's count keeps the chunk live; `next` is in bounds (checked above
        // or a fresh chunk) and has never been handed out, so nothing else refers to it.
        let slot: *mut MaybeUninit<ObjCell<T>> =
            unsafe { chunk.as_ref().cells.as_ptr().add(self.next) };
        self.next += 1;
        let at = slot.cast::<ObjCell<T>>();
        // SAFETY: `at` is an unused, aligned cell of the live chunk; the new cell takes one
        // count of the chunk, given back when the cell is dropped (`Obj`'s `Drop`).
        unsafe {
            at.write(make(chunk));
            let c = chunk.as_ref();
            c.live.set(c.live.get() + 1);
            Obj::from_raw(NonNull::new_unchecked(at))
        }
    }

    fn start_chunk(&mut self, tx: &Weak<TxShared>) -> NonNull<Chunk<T>> {
        self.finish();
        let len = self.grow;
        let cells = Box::into_raw(Box::<[ObjCell<T>]>::new_uninit_slice(len));
        self.grow = (self.grow * 2).min(LARGEST_CHUNK);
        let chunk = NonNull::from(Box::leak(Box::new(Chunk {
            // The cursor's count.
            live: Cell::new(1),
            tx: tx.clone(),
            // SAFETY: `Box::into_raw` never returns null.
            cells: unsafe { NonNull::new_unchecked(cells.cast::<MaybeUninit<ObjCell<T>>>()) },
            len,
        })));
        self.chunk = Some(chunk);
        self.next = 0;
        chunk
    }

    /// Gives up the chunk being filled (freed now if no object lives in it).
    fn finish(&mut self) {
        if let Some(chunk) = self.chunk.take() {
            // SAFETY: the cursor owns one count of its chunk.
            unsafe { Chunk::release(chunk) };
        }
    }
}

impl<T: Entity> Drop for ChunkCursor<T> {
    fn drop(&mut self) {
        self.finish();
    }
}
