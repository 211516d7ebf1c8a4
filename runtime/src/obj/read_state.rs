//! What an object's transaction read of it, and the row's values while a change of it is
//! pending, kept in one word of its cell.
//!
//! Most objects are read and never changed: they need the mask of the columns read (for the
//! optimistic check) and no snapshot. So the word holds the mask itself, tagged by its low
//! bit, until a change keeps a snapshot; then it holds a pointer to a block with the
//! snapshot and the mask. A cell is a word smaller than with the two side by side (bench
//! `--suite memory`).
//!
//! The mask keeps 63 columns: [`super::bit`] gives the columns past 62 one shared bit (which
//! only makes checks stricter).
//!
//! A snapshot's block comes from the thread's cache of freed blocks (`spare_blocks.rs`) and
//! goes back there when the flush has written the change: an update loop's snapshots reuse
//! the last transaction's blocks instead of costing an allocation and a free each.

use std::alloc::Layout;
use std::cell::Cell;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ptr::NonNull;

use super::spare_blocks::{self, Kind};

/// The snapshot of a row's values, with the mask of the columns read.
struct Snapshot<T> {
    read: u64,
    value: T,
}

/// A snapshot's block, owned (out of the word): the snapshot is dropped and the block given
/// back with it.
struct Block<T>(NonNull<Snapshot<T>>);

impl<T> Block<T> {
    const LAYOUT: Layout = Layout::new::<Snapshot<T>>();

    fn new(snapshot: Snapshot<T>) -> Self {
        let at = spare_blocks::alloc(Kind::Snapshot, Self::LAYOUT).cast::<Snapshot<T>>();
        // SAFETY: the block is new to this snapshot, of its layout (size and alignment).
        unsafe { at.as_ptr().write(snapshot) };
        Block(at)
    }

    /// Takes ownership of the block at `at`.
    ///
    /// # Safety
    /// `at` came from [`Block::into_raw`], and its owner gives it up.
    unsafe fn from_raw(at: NonNull<Snapshot<T>>) -> Self {
        Block(at)
    }

    /// Gives up ownership: the caller keeps the pointer and gives it back to
    /// [`Block::from_raw`].
    fn into_raw(self) -> NonNull<Snapshot<T>> {
        ManuallyDrop::new(self).0
    }

    fn get(&self) -> &Snapshot<T> {
        // SAFETY: the block holds a live snapshot, owned by `self` (`new`, `from_raw`).
        unsafe { self.0.as_ref() }
    }

    fn get_mut(&mut self) -> &mut Snapshot<T> {
        // SAFETY: as in `get`, borrowed mutably through `self`.
        unsafe { self.0.as_mut() }
    }

    /// The snapshot's value; the block goes back.
    fn into_value(self) -> T {
        let at = self.into_raw();
        // SAFETY: the block holds a live snapshot this owner gives up: it is moved out once
        // and the block, from `spare_blocks::alloc` with this layout, is unused after.
        unsafe {
            let snapshot = at.as_ptr().read();
            spare_blocks::free(Kind::Snapshot, at.cast(), Self::LAYOUT);
            snapshot.value
        }
    }
}

impl<T> Drop for Block<T> {
    fn drop(&mut self) {
        // SAFETY: as in `into_value`, the snapshot dropped in place instead of moved out.
        unsafe {
            std::ptr::drop_in_place(self.0.as_ptr());
            spare_blocks::free(Kind::Snapshot, self.0.cast(), Self::LAYOUT);
        }
    }
}

/// The read mask, tagged (`mask << 1 | 1`), or a pointer to a [`Snapshot`]'s block (even:
/// it holds a `u64`, so its alignment is at least 4), as an integer with its provenance
/// exposed.
pub(crate) struct ReadState<T> {
    word: Cell<u64>,
    /// Owns the block, mutated through `&self`: invariant in `T`, as a `Cell` of it is.
    _snapshot: PhantomData<Cell<Option<Block<T>>>>,
}

/// The word of a mask.
#[inline]
fn tagged(mask: u64) -> u64 {
    // Bit 63 (columns past 62 before `bit` shared it) folds into bit 62.
    let mask = (mask & !(1 << 63)) | ((mask >> 63) << 62);
    (mask << 1) | 1
}

impl<T> ReadState<T> {
    /// Nothing read, no snapshot.
    pub(crate) fn new() -> Self {
        ReadState {
            word: Cell::new(tagged(0)),
            _snapshot: PhantomData,
        }
    }

    /// The snapshot block, when the word holds one.
    #[inline]
    fn block(&self) -> Option<NonNull<Snapshot<T>>> {
        let w = self.word.get();
        if w & 1 == 1 {
            return None;
        }
        // The word holds the address of a live block (`keep_snapshot`), whose provenance
        // was exposed there; `usize` holds it (it came from one).
        NonNull::new(std::ptr::with_exposed_provenance_mut(w as usize))
    }

    /// The columns read.
    #[inline]
    pub(crate) fn read(&self) -> u64 {
        match self.block() {
            None => self.word.get() >> 1,
            // SAFETY: a block in the word is live and owned by it (invariant of the type:
            // only `keep_snapshot` puts one there, and every path that takes it out puts a
            // mask back first); nothing else refers to it, and no reference into it is
            // alive here (`with_snapshot` takes it out of the word while it lends it).
            Some(b) => unsafe { b.as_ref() }.read,
        }
    }

    /// Sets the columns read.
    #[inline]
    pub(crate) fn set_read(&self, mask: u64) {
        match self.block() {
            None => self.word.set(tagged(mask)),
            // SAFETY: as in `read`; the block is written through its own pointer.
            Some(b) => unsafe { (*b.as_ptr()).read = tagged(mask) >> 1 },
        }
    }

    /// Adds columns to those read.
    #[inline]
    pub(crate) fn mark_read(&self, bits: u64) {
        let w = self.word.get();
        if w & 1 == 1 {
            self.word.set(w | (tagged(bits) & !1));
        } else {
            self.set_read(self.read() | bits);
        }
    }

    /// Whether a snapshot is kept.
    #[inline]
    pub(crate) fn has_snapshot(&self) -> bool {
        self.word.get() & 1 == 0
    }

    /// Takes the block out of the word, leaving its mask there.
    fn take_block(&self) -> Option<Block<T>> {
        let block = self.block()?;
        // SAFETY: the block in the word is a live block the word owns (see `read`), put
        // there by `put_block` from `Block::into_raw`; the word gives it up here, holding its
        // mask instead, so it is owned once.
        let block = unsafe { Block::from_raw(block) };
        self.word.set(tagged(block.get().read));
        Some(block)
    }

    /// Puts a block in the word (which holds a mask), with the mask the word holds now.
    fn put_block(&self, mut block: Block<T>) {
        debug_assert!(!self.has_snapshot());
        block.get_mut().read = self.word.get() >> 1;
        let at = block.into_raw();
        self.word.set(at.as_ptr().expose_provenance() as u64);
    }

    /// Runs `f` on the snapshot (`None`: no change is pending). The snapshot is out of the
    /// word while `f` runs (a call nested in `f` sees `None`, and the same columns read), and
    /// back when `f` returns or panics.
    #[inline]
    pub(crate) fn with_snapshot<R>(&self, f: impl FnOnce(Option<&mut T>) -> R) -> R {
        struct PutBack<'a, T> {
            state: &'a ReadState<T>,
            block: Option<Block<T>>,
        }
        impl<T> Drop for PutBack<'_, T> {
            fn drop(&mut self) {
                if let Some(block) = self.block.take() {
                    // (A nested call cannot have kept another: it saw no snapshot, and
                    // `keep_snapshot` keeps one only where there is none; if it did, the
                    // older one is the row's.)
                    if let Some(newer) = self.state.take_block() {
                        drop(newer);
                    }
                    self.state.put_block(block);
                }
            }
        }
        if !self.has_snapshot() {
            return f(None);
        }
        let mut out = PutBack {
            state: self,
            block: self.take_block(),
        };
        f(out.block.as_mut().map(|b| &mut b.get_mut().value))
    }

    /// Keeps `old` as the snapshot unless one is kept already (the first change since the
    /// last flush).
    #[inline]
    pub(crate) fn keep_snapshot(&self, old: T) {
        if !self.has_snapshot() {
            self.put_block(Block::new(Snapshot {
                read: 0,
                value: old,
            }));
        }
    }

    /// Takes the snapshot away, if one is kept (the columns read stay).
    pub(crate) fn take_snapshot(&self) -> Option<T> {
        self.take_block().map(Block::into_value)
    }
}

impl<T> Drop for ReadState<T> {
    fn drop(&mut self) {
        drop(self.take_block());
    }
}

#[cfg(test)]
mod tests {
    use super::ReadState;

    #[test]
    fn the_mask_and_the_snapshot_share_the_word() {
        let s: ReadState<String> = ReadState::new();
        assert_eq!(s.read(), 0);
        s.mark_read(0b101);
        assert_eq!(s.read(), 0b101);
        s.keep_snapshot("old".to_string());
        assert!(s.has_snapshot());
        assert_eq!(s.read(), 0b101);
        s.mark_read(0b10);
        s.keep_snapshot("newer".to_string());
        assert_eq!(s.read(), 0b111);
        let seen = s.with_snapshot(|snap| {
            // Out of the word while lent: a nested call sees none, and the same mask.
            assert!(!s.has_snapshot());
            assert_eq!(s.read(), 0b111);
            s.mark_read(0b1000);
            snap.map(|v| v.clone())
        });
        assert_eq!(seen.as_deref(), Some("old"));
        assert!(s.has_snapshot());
        assert_eq!(s.read(), 0b1111);
        // All columns read: the mask keeps 63 bits, the last one shared.
        s.set_read(u64::MAX);
        assert_eq!(s.read(), u64::MAX >> 1);
        assert_eq!(s.take_snapshot().as_deref(), Some("old"));
        assert_eq!(s.read(), u64::MAX >> 1);
        assert!(!s.has_snapshot());
        s.set_read(0);
        s.keep_snapshot("again".to_string());
        // Dropped with a snapshot kept: freed (valgrind sees a leak or a double free).
    }
}
