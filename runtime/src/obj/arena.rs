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
//!
//! A freed chunk's block of cells goes to a small cache of the thread ([`SpareBlocks`]),
//! which the next chunk of the same size takes: a thread's transactions load their objects
//! into the same blocks again instead of allocating and freeing every chunk. Freeing the
//! blocks made the allocator merge the transaction's other freed memory (the strings of its
//! objects) into large free areas, and then split them again for the next transaction's
//! strings: on a loop of 1 000 primary-key lookups per transaction that cost more than 250
//! instructions per lookup (bench/RESULTS.md, "Ninth session"). With the environment
//! variable `COLT_NO_BLOCK_REUSE` set, a thread keeps no block: each goes back to the
//! allocator at once, where a memory checker sees any use after it (`valgrind-tests.sh`
//! sets it).

use std::alloc::Layout;
use std::cell::{Cell, RefCell};
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

/// The most bytes of freed blocks a thread keeps for its next chunks.
const KEPT_BYTES: usize = 512 * 1024;
/// The most freed blocks a thread keeps (a chunk's block is found by a search of them).
const KEPT_BLOCKS: usize = 24;

/// Freed blocks of cells, kept for the thread's next chunks of the same layout.
struct SpareBlocks {
    /// Each block with the layout it was allocated with.
    blocks: Vec<(NonNull<u8>, Layout)>,
    /// The sum of their sizes.
    bytes: usize,
    /// Whether blocks are kept (`COLT_NO_BLOCK_REUSE` unset), read once per thread.
    keep: Option<bool>,
}

impl Drop for SpareBlocks {
    fn drop(&mut self) {
        for (block, layout) in self.blocks.drain(..) {
            // SAFETY: every kept block was allocated by `alloc_block` with `layout` and is
            // used by no chunk since `free_block` kept it.
            unsafe { std::alloc::dealloc(block.as_ptr(), layout) };
        }
    }
}

thread_local! {
    static SPARE_BLOCKS: RefCell<SpareBlocks> = const {
        RefCell::new(SpareBlocks { blocks: Vec::new(), bytes: 0, keep: None })
    };
}

/// A block for `layout` (size never zero): a kept one when the thread has one, else a new
/// allocation.
fn alloc_block(layout: Layout) -> NonNull<u8> {
    let kept = SPARE_BLOCKS
        .try_with(|spare| {
            let mut spare = spare.try_borrow_mut().ok()?;
            let at = spare.blocks.iter().rposition(|(_, l)| *l == layout)?;
            spare.bytes -= layout.size();
            Some(spare.blocks.swap_remove(at).0)
        })
        .ok()
        .flatten();
    if let Some(block) = kept {
        return block;
    }
    // SAFETY: `layout`'s size is not zero (a chunk has at least one cell, and a cell holds a
    // count and a pointer).
    let block = unsafe { std::alloc::alloc(layout) };
    NonNull::new(block).unwrap_or_else(|| std::alloc::handle_alloc_error(layout))
}

/// Gives back a block: kept for the thread's next chunk while the cache has room, else freed.
///
/// # Safety
/// `block` was allocated by [`alloc_block`] with `layout`, and nothing uses it any more.
unsafe fn free_block(block: NonNull<u8>, layout: Layout) {
    let kept = SPARE_BLOCKS
        .try_with(|spare| {
            let Ok(mut spare) = spare.try_borrow_mut() else {
                return false;
            };
            let keep = *spare
                .keep
                .get_or_insert_with(|| std::env::var_os("COLT_NO_BLOCK_REUSE").is_none());
            if !keep
                || spare.blocks.len() >= KEPT_BLOCKS
                || spare.bytes + layout.size() > KEPT_BYTES
            {
                return false;
            }
            spare.bytes += layout.size();
            spare.blocks.push((block, layout));
            true
        })
        .unwrap_or(false);
    if !kept {
        // SAFETY: per the contract, `block` came from `std::alloc::alloc(layout)` and is
        // unused.
        unsafe { std::alloc::dealloc(block.as_ptr(), layout) };
    }
}

/// A block of cells.
pub(crate) struct Chunk<T: Entity> {
    /// Live cells, plus one while a cursor fills the chunk.
    live: Cell<usize>,
    /// The transaction of every object in the chunk.
    tx: Weak<TxShared>,
    /// The cells (a block from [`alloc_block`] with `layout`), reached only by raw pointer:
    /// a `&mut` to the whole block would alias the `&ObjCell`s handed out.
    cells: NonNull<MaybeUninit<ObjCell<T>>>,
    len: usize,
    layout: Layout,
}

impl<T: Entity> Drop for Chunk<T> {
    fn drop(&mut self) {
        // SAFETY: `cells` comes from `alloc_block(layout)` in `start_chunk`, and the chunk is
        // dropped once, by `release`, after its last cell: nothing uses the block any more.
        // The cells are `MaybeUninit`, so giving the block back drops none of them again
        // (each was dropped when its own count reached zero).
        unsafe { free_block(self.cells.cast(), self.layout) };
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
        let Ok(layout) = Layout::array::<ObjCell<T>>(len) else {
            // More than `isize::MAX` bytes: no allocation could hold it.
            std::alloc::handle_alloc_error(Layout::new::<ObjCell<T>>())
        };
        let cells = alloc_block(layout).cast::<MaybeUninit<ObjCell<T>>>();
        self.grow = (self.grow * 2).min(LARGEST_CHUNK);
        let chunk = NonNull::from(Box::leak(Box::new(Chunk {
            // The cursor's count.
            live: Cell::new(1),
            tx: tx.clone(),
            cells,
            len,
            layout,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_freed_block_is_the_next_of_its_layout() {
        if std::env::var_os("COLT_NO_BLOCK_REUSE").is_some() {
            return;
        }
        let layout = Layout::from_size_align(4096, 8).expect("a layout");
        let other = Layout::from_size_align(2048, 8).expect("a layout");
        let block = alloc_block(layout);
        // SAFETY: `block` came from `alloc_block(layout)` and is not used after.
        unsafe { free_block(block, layout) };
        let again = alloc_block(layout);
        assert_eq!(again, block, "kept and given again");
        let elsewhere = alloc_block(other);
        // SAFETY: as above, for each block and its layout.
        unsafe {
            free_block(again, layout);
            free_block(elsewhere, other);
        }
        // Past the bound, blocks go back to the allocator.
        let big = Layout::from_size_align(KEPT_BYTES, 8).expect("a layout");
        let first = alloc_block(big);
        let second = alloc_block(big);
        // SAFETY: as above.
        unsafe {
            free_block(first, big);
            free_block(second, big);
        }
        let kept = SPARE_BLOCKS.with(|s| s.borrow().bytes);
        assert!(kept <= KEPT_BYTES, "{kept}");
    }
}
