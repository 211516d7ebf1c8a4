//! A one-to-one partner taken by another holder leaves its old holder, as in PonyORM:
//! `seven.set(|p| p.person = Some(bob))` while passport eight holds bob sets eight's
//! reference to nothing. In memory at once (eight no longer names bob, who names seven),
//! and in the database before seven's write: the stored side's column is UNIQUE, so eight's
//! row must let go first.

use crate::entity::Entity;
use crate::held_values::{as_held, same_value};
use crate::obj::{bit, Obj, ObjState};
use crate::transaction::TxShared;

/// The loaded objects of `T` other than `taker` that hold, in one of the stored one-to-one
/// columns `columns` (a mask), the partner `taker` holds there now let go of it: a change
/// of each (its reference checked as read), queued before `taker`'s. An object borrowed now
/// (`obj.get()` held) keeps its value (the flush then meets the UNIQUE column).
pub(crate) fn release_old_holders<T: Entity>(shared: &TxShared, taker: &Obj<T>, columns: u64) {
    let meta = T::meta();
    let mut holders: Vec<(Obj<T>, usize)> = Vec::new();
    {
        let Ok(value) = taker.cell().value.try_borrow() else {
            return;
        };
        let mut maps = shared.maps.borrow_mut();
        let map = maps.of::<T>();
        for c in (0..meta.columns.len()).filter(|&c| columns & bit(c) != 0) {
            let partner = value.column_ref(c).to_owned_value();
            if partner == crate::Value::Null {
                continue;
            }
            let partner = as_held(meta, c, partner);
            for obj in map.objects() {
                let cell = obj.cell();
                if std::ptr::eq(cell, taker.cell()) || cell.state.get() != ObjState::Loaded {
                    continue;
                }
                let holds = cell
                    .value
                    .try_borrow()
                    .is_ok_and(|v| same_value(v.column_ref(c).to_owned_value(), &partner));
                if holds {
                    holders.push((obj.clone(), c));
                }
            }
        }
    }
    for (holder, c) in holders {
        if holder.let_go(c..c + 1) {
            holder.queue_before(shared, taker);
        }
    }
}
