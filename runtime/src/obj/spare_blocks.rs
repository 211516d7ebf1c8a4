//! Freed blocks a thread keeps for its next allocations of the same layout.
//!
//! Two kinds of blocks come and go in bulk, transaction after transaction: the chunks of
//! object cells (`arena.rs`) and the snapshots of changed objects (`read_state.rs`: one per
//! object changed since the last flush, all given back by the flush). Freeing them made the
//! allocator merge the transaction's other freed memory (the strings of its objects) into
//! large free areas, and then split them again for the next transaction: on a loop of 1 000
//! primary-key lookups per transaction that cost more than 250 instructions per lookup, on
//! a loop of 1 000 updates about 240 per update (bench/RESULTS.md, "Ninth session",
//! "Eighteenth session"). So a freed block goes to a cache of its thread, bounded per
//! [`Kind`], and the next block of the same layout is taken from there.
//!
//! With the environment variable `COLT_NO_BLOCK_REUSE` set, a thread keeps no block: each
//! goes back to the allocator at once, where a memory checker sees any use after it
//! (`scripts/valgrind-tests.sh` runs the tests both ways).

use std::alloc::Layout;
use std::cell::RefCell;
use std::ptr::NonNull;
use std::thread::LocalKey;

/// What a block holds; each kind has a cache of its own.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    /// A chunk of object cells: at most 24 blocks, 512 KiB.
    Chunk,
    /// A changed object's snapshot: at most 256 KiB.
    Snapshot,
}

/// How much a cache keeps.
struct Bounds {
    bytes: usize,
    blocks: usize,
}

impl Kind {
    const fn bounds(self) -> Bounds {
        match self {
            Kind::Chunk => Bounds {
                bytes: 512 * 1024,
                blocks: 24,
            },
            Kind::Snapshot => Bounds {
                bytes: 256 * 1024,
                blocks: usize::MAX,
            },
        }
    }

    fn cache(self) -> &'static LocalKey<RefCell<SpareBlocks>> {
        match self {
            Kind::Chunk => &CHUNKS,
            Kind::Snapshot => &SNAPSHOTS,
        }
    }
}

/// One thread's freed blocks of one kind.
struct SpareBlocks {
    /// The blocks, by layout (few layouts: one per entity at most).
    stacks: Vec<(Layout, Vec<NonNull<u8>>)>,
    /// The sum of their sizes.
    bytes: usize,
    /// How many there are.
    blocks: usize,
    /// Whether blocks are kept (`COLT_NO_BLOCK_REUSE` unset), read once per thread.
    keep: Option<bool>,
    /// How much this cache keeps.
    bounds: Bounds,
}

impl SpareBlocks {
    const fn new(kind: Kind) -> Self {
        SpareBlocks {
            stacks: Vec::new(),
            bytes: 0,
            blocks: 0,
            keep: None,
            bounds: kind.bounds(),
        }
    }

    /// A kept block of `layout`, if there is one.
    #[inline]
    fn take(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        let (_, stack) = self.stacks.iter_mut().find(|(l, _)| *l == layout)?;
        let block = stack.pop()?;
        self.bytes -= layout.size();
        self.blocks -= 1;
        Some(block)
    }

    /// Keeps `block` if the bounds leave room; false when the caller must free it.
    #[inline]
    fn keep(&mut self, block: NonNull<u8>, layout: Layout) -> bool {
        let keep = *self
            .keep
            .get_or_insert_with(|| std::env::var_os("COLT_NO_BLOCK_REUSE").is_none());
        if !keep
            || self.blocks >= self.bounds.blocks
            || self.bytes + layout.size() > self.bounds.bytes
        {
            return false;
        }
        match self.stacks.iter_mut().find(|(l, _)| *l == layout) {
            Some((_, stack)) => stack.push(block),
            None => self.stacks.push((layout, vec![block])),
        }
        self.bytes += layout.size();
        self.blocks += 1;
        true
    }
}

impl Drop for SpareBlocks {
    fn drop(&mut self) {
        for (layout, stack) in self.stacks.drain(..) {
            for block in stack {
                // SAFETY: every kept block was allocated by `alloc` with `layout` and is used
                // by nothing since `free` kept it.
                unsafe { std::alloc::dealloc(block.as_ptr(), layout) };
            }
        }
    }
}

thread_local! {
    static CHUNKS: RefCell<SpareBlocks> = const { RefCell::new(SpareBlocks::new(Kind::Chunk)) };
    static SNAPSHOTS: RefCell<SpareBlocks> =
        const { RefCell::new(SpareBlocks::new(Kind::Snapshot)) };
}

/// A block for `layout`: a kept one when the thread has one, else a new allocation.
///
/// # Panics
/// When `layout`'s size is zero (no caller asks for one: a chunk holds a header, a
/// snapshot its mask).
#[inline(never)]
pub(crate) fn alloc(kind: Kind, layout: Layout) -> NonNull<u8> {
    assert!(layout.size() != 0, "a block of no bytes");
    let kept = kind
        .cache()
        .try_with(|spare| spare.try_borrow_mut().ok()?.take(layout))
        .ok()
        .flatten();
    if let Some(block) = kept {
        return block;
    }
    // SAFETY: `layout`'s size is not zero (asserted above).
    let block = unsafe { std::alloc::alloc(layout) };
    NonNull::new(block).unwrap_or_else(|| std::alloc::handle_alloc_error(layout))
}

/// Gives back a block: kept for the thread's next block of its layout while the cache of
/// `kind` has room, else freed.
///
/// # Safety
/// `block` was allocated by [`alloc`] with `layout` (of any kind), and nothing uses it any
/// more.
#[inline(never)]
pub(crate) unsafe fn free(kind: Kind, block: NonNull<u8>, layout: Layout) {
    let kept = kind
        .cache()
        .try_with(|spare| {
            spare
                .try_borrow_mut()
                .is_ok_and(|mut spare| spare.keep(block, layout))
        })
        .unwrap_or(false);
    if !kept {
        // SAFETY: per the contract, `block` came from `std::alloc::alloc(layout)` and is
        // unused.
        unsafe { std::alloc::dealloc(block.as_ptr(), layout) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept_bytes(kind: Kind) -> usize {
        kind.cache().with(|s| s.borrow().bytes)
    }

    #[test]
    fn a_freed_block_is_the_next_of_its_layout() {
        if std::env::var_os("COLT_NO_BLOCK_REUSE").is_some() {
            return;
        }
        for kind in [Kind::Chunk, Kind::Snapshot] {
            let layout = Layout::from_size_align(4096, 8).expect("a layout");
            let other = Layout::from_size_align(2048, 8).expect("a layout");
            let block = alloc(kind, layout);
            // SAFETY: `block` came from `alloc(layout)` and is not used after.
            unsafe { free(kind, block, layout) };
            let again = alloc(kind, layout);
            assert_eq!(again, block, "kept and given again");
            let elsewhere = alloc(kind, other);
            // SAFETY: as above, for each block and its layout.
            unsafe {
                free(kind, again, layout);
                free(kind, elsewhere, other);
            }
            // Past the bound, blocks go back to the allocator.
            let bound = kind.bounds().bytes;
            let big = Layout::from_size_align(bound, 8).expect("a layout");
            let first = alloc(kind, big);
            let second = alloc(kind, big);
            // SAFETY: as above.
            unsafe {
                free(kind, first, big);
                free(kind, second, big);
            }
            let kept = kept_bytes(kind);
            assert!(kept <= bound, "{kept}");
        }
    }

    #[test]
    fn a_chunk_cache_keeps_at_most_24_blocks() {
        if std::env::var_os("COLT_NO_BLOCK_REUSE").is_some() {
            return;
        }
        let layout = Layout::from_size_align(64, 8).expect("a layout");
        let blocks: Vec<_> = (0..30).map(|_| alloc(Kind::Chunk, layout)).collect();
        for b in blocks {
            // SAFETY: each block came from `alloc(layout)` and is not used after.
            unsafe { free(Kind::Chunk, b, layout) };
        }
        let kept = Kind::Chunk.cache().with(|s| s.borrow().blocks);
        assert_eq!(kept, 24);
    }
}
