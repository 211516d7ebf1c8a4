//! Handles kept as runs of cells: the identity map's objects not hashed yet.
//!
//! A result of distinct new objects places them one after another in their chunks, and the
//! identity map keeps a count of each until it hashes them (`IdentityMap::unindexed`). Kept
//! as a list of handles, that took a word per object; kept as runs (a chunk, the first cell's
//! index, how many), it takes a few words per chunk of up to 256 objects.

use std::ptr::NonNull;

use super::arena::Chunk;
use super::{Obj, ObjCell};
use crate::entity::Entity;

/// Consecutive cells of one chunk, each holding one count owned by the run.
struct Run<T: Entity> {
    chunk: NonNull<Chunk<T>>,
    start: u16,
    len: u16,
}

/// Counts of cells, kept as runs of consecutive cells; each count is given back when the
/// runs are drained or dropped.
pub(crate) struct CellRuns<T: Entity> {
    runs: Vec<Run<T>>,
    cells: usize,
}

impl<T: Entity> Default for CellRuns<T> {
    fn default() -> Self {
        CellRuns {
            runs: Vec::new(),
            cells: 0,
        }
    }
}

impl<T: Entity> CellRuns<T> {
    /// How many cells the runs hold.
    pub(crate) fn len(&self) -> usize {
        self.cells
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.cells == 0
    }

    /// Keeps the count of `obj`, whose cell is cell `index` of `chunk` (the arena's
    /// [`ChunkCursor::alloc_kept`](super::arena::ChunkCursor::alloc_kept) knows both):
    /// extends the last run when the cell follows it.
    ///
    /// # Safety
    /// `obj`'s cell is cell number `index` of `chunk`.
    pub(crate) unsafe fn push_at(&mut self, obj: Obj<T>, chunk: NonNull<Chunk<T>>, index: u16) {
        // The count now belongs to the runs (given back by `drain` or `Drop`).
        let _ = obj.into_raw();
        self.cells += 1;
        if let Some(last) = self.runs.last_mut() {
            if last.chunk == chunk && last.start + last.len == index {
                // At most `LARGEST_CHUNK` cells in a chunk: `len` stays within a `u16`.
                last.len += 1;
                return;
            }
        }
        self.runs.push(Run {
            chunk,
            start: index,
            len: 1,
        });
    }

    /// Runs `f` on each cell.
    pub(crate) fn each(&self, mut f: impl FnMut(&ObjCell<T>)) {
        for run in &self.runs {
            for i in run.start..run.start + run.len {
                // SAFETY: the run owns a count of each of its cells, so each is live, at
                // index `i` of the live chunk `run.chunk`.
                f(unsafe { Chunk::cell(run.chunk, i).as_ref() });
            }
        }
    }

    /// Hands each count over as a handle, and empties the runs (keeping their room while it
    /// is at most `keep` runs).
    pub(crate) fn drain(&mut self, keep: usize, mut f: impl FnMut(Obj<T>)) {
        /// Gives back the counts not handed over yet if `f` panics.
        struct Rest<'a, T: Entity> {
            runs: &'a mut CellRuns<T>,
            run: usize,
            next: u16,
        }
        impl<T: Entity> Drop for Rest<'_, T> {
            fn drop(&mut self) {
                for (r, run) in self.runs.runs.iter().enumerate().skip(self.run) {
                    let from = if r == self.run { self.next } else { run.start };
                    for i in from..run.start + run.len {
                        // SAFETY: the count of cell `i` is still owned by the run (never
                        // handed over), so the cell is live at index `i` of its chunk.
                        drop(unsafe { Obj::from_raw(Chunk::cell(run.chunk, i)) });
                    }
                }
                self.runs.runs.clear();
                self.runs.cells = 0;
            }
        }
        let mut rest = Rest {
            runs: self,
            run: 0,
            next: 0,
        };
        while rest.run < rest.runs.runs.len() {
            let run = &rest.runs.runs[rest.run];
            let (chunk, end) = (run.chunk, run.start + run.len);
            rest.next = run.start;
            while rest.next < end {
                let i = rest.next;
                rest.next += 1;
                // SAFETY: the run owns the count of cell `i`, handed over here once (`next`
                // moves past it first, so the guard does not give it back too).
                f(unsafe { Obj::from_raw(Chunk::cell(chunk, i)) });
            }
            rest.run += 1;
        }
        drop(rest);
        if self.runs.capacity() > keep {
            self.runs = Vec::new();
        }
    }
}

impl<T: Entity> Drop for CellRuns<T> {
    fn drop(&mut self) {
        self.drain(0, drop);
    }
}
