//! What a loaded object takes from its row read again (a query, a lookup or a collection
//! that reads a row already in the identity map): attributes changed in memory keep the
//! in-memory value, attributes never read take the database's, an attribute read and changed
//! in the database is `Error::UnrepeatableRead`; a reference that moved makes the loaded
//! collections and the one-to-ones it belongs to follow.

use std::rc::Weak;

use crate::entity::Entity;
use crate::obj::{bit, Obj, ObjState};
use crate::transaction::TxShared;
use crate::{Error, Result};

/// Refreshes a mapped object from a freshly read row of it (the rules of
/// [`IdentityMap::merge`]).
pub(crate) fn refresh<T: Entity>(obj: &Obj<T>, fresh: T, tx: &Weak<TxShared>) -> Result<()> {
    let cell = obj.cell();
    if matches!(cell.state.get(), ObjState::Deleted | ObjState::Gone) {
        return Ok(());
    }
    let read = cell.read();
    let meta = T::meta();
    // A borrow held by the caller (`get()`) keeps the in-memory value as it is; what this
    // transaction read is checked all the same.
    let Ok(mut value) = cell.value.try_borrow_mut() else {
        if let Ok(value) = cell.value.try_borrow() {
            let changed = cell.with_snapshot(|snapshot| {
                let db_value: &T = snapshot.map_or(&*value, |s| &*s);
                changed_read_column(meta, read, db_value, &fresh)
            });
            if let Some(e) = changed {
                return Err(conflict(tx, e));
            }
        }
        return Ok(());
    };
    let mut one_to_one = Vec::new();
    // Whether the object took a value it did not hold (a change another transaction made).
    let mut took = false;
    let moved = cell.with_snapshot(|mut snapshot| {
        let db_value: &T = snapshot.as_deref().unwrap_or(&value);
        if let Some(e) = changed_read_column(meta, read, db_value, &fresh) {
            return Err(conflict(tx, e));
        }
        let moved = crate::relation::reference_changed(meta, db_value, &fresh);
        if moved {
            crate::merged_one_to_one::moves(db_value, &fresh, &mut one_to_one);
        }
        for (i, col) in meta.columns.iter().enumerate() {
            if col.primary_key {
                continue;
            }
            let db_value: &T = snapshot.as_deref().unwrap_or(&value);
            // (The stored form: a sign of zero or a decimal's scale the row holds now is
            // taken, so that a later change back to the old one is a change to write.)
            if crate::entity::same_written(db_value, &fresh, i) {
                continue;
            }
            let changed_in_memory = snapshot
                .as_deref()
                .is_some_and(|s| !crate::entity::same_written(s, &*value, i));
            match snapshot.as_deref_mut() {
                Some(s) => {
                    s.copy_column(&fresh, i);
                    if !changed_in_memory {
                        value.copy_column(&fresh, i);
                        took = true;
                    }
                }
                None => {
                    value.copy_column(&fresh, i);
                    took = true;
                }
            }
        }
        Ok(moved)
    })?;
    if !took && !moved {
        return Ok(());
    }
    let Some(shared) = tx.upgrade() else {
        return Ok(());
    };
    // A result kept earlier may hold this object for a value it no longer has (a query of
    // `price > 10`, the price now 5): no kept result is served any more.
    if took {
        if let Ok(mut cache) = shared.cache.try_borrow_mut() {
            cache.bump();
        }
    }
    // A reference another transaction changed moves the object, as a write would.
    if moved {
        shared.members_moved(meta);
        shared.one_to_one_moves.borrow_mut().extend(one_to_one);
    }
    Ok(())
}

/// An optimistic check failed: the transaction notes it (another attempt may pass it).
fn conflict(tx: &Weak<TxShared>, e: Error) -> Error {
    if let Some(shared) = tx.upgrade() {
        shared.met_conflict.set(true);
    }
    e
}

/// The error for the first column this transaction read (and checks) whose value in the
/// database (`fresh`) is no longer the value it read (`db_value`).
fn changed_read_column<T: Entity>(
    meta: &'static crate::EntityMeta,
    read: u64,
    db_value: &T,
    fresh: &T,
) -> Option<Error> {
    if read == 0 || !meta.optimistic {
        return None;
    }
    let (_, col) = meta.columns.iter().enumerate().find(|(i, col)| {
        !col.primary_key
            && read & bit(*i) != 0
            && col.optimistic()
            && !db_value.same_column(fresh, *i)
    })?;
    Some(Error::UnrepeatableRead {
        entity: meta.name.to_string(),
        key: format!("{:?}", fresh.key()),
        column: col.name.to_string(),
    })
}
