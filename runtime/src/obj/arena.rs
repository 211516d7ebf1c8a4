//! Where objects live: cells allocated in chunks, per entity and transaction.
//!
//! A result of 10 000 rows used to cost 10 000 allocations and, when the objects were dropped,
//! 10 000 frees, the largest cost of loading objects after SQLite's own work. Here one chunk
//! holds many cells (4 for the first chunk of a transaction, doubling up to 256), so loading
//! costs one allocation per chunk, and the objects of one result sit next to each other.
//!
//! Each cell counts the [`Obj`] handles to it; each chunk counts its live cells plus one for
//! the [`ChunkCursor`] still filling it. When a cell's count reaches zero its value is dropped
//! in place; when a chunk's count reaches zero the chunk is freed. So a chunk lives as long as
//! any object in it (a handle kept after the transaction keeps its chunk, not more).
//!
//! A freed chunk's block of cells goes to a small cache of the thread
//! (`spare_blocks.rs`), which the next chunk of the same size takes: a thread's transactions
//! load their objects into the same blocks again instead of allocating and freeing every
//! chunk.

use std::alloc::Layout;
use std::cell::Cell;
use std::marker::PhantomData;
use std::ptr::NonNull;

use super::runs::CellRuns;
use super::spare_blocks::{self, Kind};
use super::{Obj, ObjCell};
use crate::entity::Entity;
use crate::transaction::TxShared;
use std::rc::Weak;

/// Cells in the first chunk of an entity in a transaction.
const FIRST_CHUNK: usize = 4;
/// The most cells in one chunk (a cell's index in its chunk is a `u16`).
const LARGEST_CHUNK: usize = 256;
const _: () = assert!(LARGEST_CHUNK <= u16::MAX as usize + 1);

/// The head of a block of cells: the block holds this header, then its cells (at
/// [`Chunk::CELLS_AT`] bytes from its start). A cell finds its chunk from its own address and
/// its index in the block ([`Chunk::of_cell`]), so it keeps no pointer to it.
pub(crate) struct Chunk<T: Entity> {
    /// Live cells, plus one while a cursor fills the chunk.
    live: Cell<usize>,
    /// The transaction of every object in the chunk.
    tx: Weak<TxShared>,
    /// How many cells the block has room for.
    len: usize,
    /// The block's layout (header and cells), from [`spare_blocks::alloc`].
    layout: Layout,
    _cells: PhantomData<*const ObjCell<T>>,
}

impl<T: Entity> Chunk<T> {
    /// Where the cells start in a block: after the header, at the cells' alignment.
    const CELLS_AT: usize =
        std::mem::size_of::<Chunk<T>>().next_multiple_of(std::mem::align_of::<ObjCell<T>>());

    /// The layout of a block of `len` cells.
    fn block_layout(len: usize) -> Layout {
        let block = Layout::array::<ObjCell<T>>(len)
            .and_then(|cells| Layout::new::<Chunk<T>>().extend(cells));
        match block {
            Ok((layout, at)) if at == Self::CELLS_AT => layout,
            // More than `isize::MAX` bytes: no allocation could hold it.
            _ => std::alloc::handle_alloc_error(Layout::new::<ObjCell<T>>()),
        }
    }

    /// The chunk of the cell at `cell`, which is cell number `index` of its block.
    ///
    /// # Safety
    /// `cell` points to a live cell made by [`ChunkCursor::alloc`] at `index`.
    #[inline]
    pub(crate) unsafe fn of_cell(cell: *const ObjCell<T>, index: u16) -> NonNull<Chunk<T>> {
        let at =
            cell.addr() - Self::CELLS_AT - usize::from(index) * std::mem::size_of::<ObjCell<T>>();
        // SAFETY: the cell is at `CELLS_AT + index * size` bytes from the start of its block
        // (`alloc` placed it there), and a live cell's block is live (invariant 2), with its
        // header at the start. `cell` may come from a reference, whose provenance covers the
        // cell only, so the header's pointer takes the block's, exposed by `start_chunk`.
        unsafe { NonNull::new_unchecked(std::ptr::with_exposed_provenance_mut(at)) }
    }

    /// Cell number `index` of the chunk's block.
    ///
    /// # Safety
    /// `chunk` points to a live chunk and `index` is less than its room.
    #[inline]
    pub(crate) unsafe fn cell(chunk: NonNull<Chunk<T>>, index: u16) -> NonNull<ObjCell<T>> {
        // SAFETY: the cells start `CELLS_AT` bytes into the block (`block_layout`), and
        // `index` is within the block's room per the contract.
        unsafe {
            NonNull::new_unchecked(
                chunk
                    .as_ptr()
                    .cast::<u8>()
                    .add(Self::CELLS_AT)
                    .cast::<ObjCell<T>>()
                    .add(usize::from(index)),
            )
        }
    }

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
            // SAFETY: the last count is gone: no cell and no cursor uses the chunk. The header
            // is dropped once, here; the cells are not dropped again (each was dropped when
            // its own count reached zero), and the block, from `spare_blocks::alloc` in
            // `start_chunk`, is given back unused.
            unsafe {
                let layout = chunk.as_ref().layout;
                std::ptr::drop_in_place(chunk.as_ptr());
                spare_blocks::free(Kind::Chunk, chunk.cast(), layout);
            }
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
    /// index in its chunk.
    #[inline]
    pub(crate) fn alloc(
        &mut self,
        tx: &Weak<TxShared>,
        make: impl FnOnce(u16) -> ObjCell<T>,
    ) -> Obj<T> {
        self.place(tx, make).0
    }

    /// As [`ChunkCursor::alloc`], and keeps a second count of the cell in `runs`.
    #[inline]
    pub(crate) fn alloc_kept(
        &mut self,
        tx: &Weak<TxShared>,
        runs: &mut CellRuns<T>,
        make: impl FnOnce(u16) -> ObjCell<T>,
    ) -> Obj<T> {
        let (obj, chunk, index) = self.place(tx, make);
        // SAFETY: `place` put the cell at `index` of `chunk`.
        unsafe { runs.push_at(obj.clone(), chunk, index) };
        obj
    }

    /// Places a new cell: its first handle, its chunk and its index. `make` builds the
    /// cell given its index.
    fn place(
        &mut self,
        tx: &Weak<TxShared>,
        make: impl FnOnce(u16) -> ObjCell<T>,
    ) -> (Obj<T>, NonNull<Chunk<T>>, u16) {
        let chunk = match self.chunk {
            // SAFETY: the cursor holds a count of its chunk, so it is live.
            Some(c) if self.next < unsafe { c.as_ref() }.len => c,
            _ => self.start_chunk(tx),
        };
        // A chunk has at most `LARGEST_CHUNK` cells: its indexes fit a `u16`.
        let index = self.next as u16;
        // SAFETY: the cursor's count keeps the chunk live; `index` is in bounds (checked above
        // or a fresh chunk) and has never been handed out, so nothing else refers to the cell.
        let at = unsafe { Chunk::cell(chunk, index) }.as_ptr();
        self.next += 1;
        // SAFETY: `at` is an unused, aligned cell of the live chunk; the new cell takes one
        // count of the chunk, given back when the cell is dropped (`Obj`'s `Drop`).
        unsafe {
            at.write(make(index));
            let c = chunk.as_ref();
            c.live.set(c.live.get() + 1);
            (Obj::from_raw(NonNull::new_unchecked(at)), chunk, index)
        }
    }

    fn start_chunk(&mut self, tx: &Weak<TxShared>) -> NonNull<Chunk<T>> {
        self.finish();
        let len = self.grow;
        let layout = Chunk::<T>::block_layout(len);
        let block = spare_blocks::alloc(Kind::Chunk, layout);
        // Cells find their chunk by address (`Chunk::of_cell`), with this provenance.
        let _ = block.as_ptr().expose_provenance();
        let chunk = block.cast::<Chunk<T>>();
        // SAFETY: the block is new to this chunk, large enough and aligned for the header.
        unsafe {
            chunk.as_ptr().write(Chunk {
                // The cursor's count.
                live: Cell::new(1),
                tx: tx.clone(),
                len,
                layout,
                _cells: PhantomData,
            })
        };
        self.grow = (self.grow * 2).min(LARGEST_CHUNK);
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
