//! The list of objects with a change to write holds them as type-erased counted pointers.

use std::ptr::NonNull;

use super::{Obj, ObjCell};
use crate::entity::{Entity, EntityMeta};
use crate::transaction::Transaction;
use crate::Result;

/// An object with a change to write: a handle to an object of any entity.
pub(crate) struct PendingObj {
    cell: NonNull<dyn Pending>,
    /// Gives back the count `new` took, through the raw pointer: releasing through
    /// `&self` could free the memory that reference points to while it is live.
    release: unsafe fn(NonNull<dyn Pending>),
}

/// Drops the handle a [`PendingObj`] holds as a pointer.
///
/// # Safety
/// `cell` points to a live `ObjCell<T>` and the caller hands over one of its counts.
unsafe fn release_obj<T: Entity>(cell: NonNull<dyn Pending>) {
    // SAFETY: per the contract, the count is handed to this handle, which drops it.
    drop(unsafe { Obj::<T>::from_raw(cell.cast::<ObjCell<T>>()) });
}

impl PendingObj {
    pub(crate) fn new<T: Entity>(obj: Obj<T>) -> Self {
        let cell: NonNull<ObjCell<T>> = obj.into_raw();
        PendingObj {
            cell,
            release: release_obj::<T>,
        }
    }

    /// Whether this entry is the object whose cell is `cell`.
    pub(crate) fn is<T: Entity>(&self, cell: &ObjCell<T>) -> bool {
        std::ptr::addr_eq(self.cell.as_ptr(), std::ptr::from_ref(cell))
    }

    pub(crate) fn cell(&self) -> &dyn Pending {
        // SAFETY: the pending entry owns a count of the cell (taken in `new`), so it is live.
        unsafe { self.cell.as_ref() }
    }
}

impl Drop for PendingObj {
    fn drop(&mut self) {
        // SAFETY: gives back the count taken in `new`, once; no reference to the cell is
        // live here.
        unsafe { (self.release)(self.cell) }
    }
}

/// What the transaction does with an object it knows only as pending.
pub(crate) trait Pending {
    fn flush(&self, tx: &Transaction) -> Result<()>;
    /// The entity, for ordering deletes.
    fn meta(&self) -> &'static EntityMeta;
    /// Whether the pending change is a delete.
    fn is_delete(&self) -> bool;
    /// The change will not be written (a savepoint rolled back): an object never written
    /// is gone.
    fn discard(&self);
    /// The object's row was deleted inside a savepoint that rolled back: unless it is back
    /// already, it is read again (or stays gone without a row).
    ///
    /// # Errors
    /// Database errors.
    fn revive(&self, tx: &Transaction) -> Result<()>;
    /// Deletes the object's row as its own delete would, checked against what the
    /// transaction read of it (a cascade reached it; what refers to it is the cascade's).
    ///
    /// # Errors
    /// [`crate::Error::UnrepeatableRead`] when the row changed or went; database errors.
    fn delete_checked(&self, tx: &Transaction) -> Result<()>;
}
