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
        // The one-to-one columns themselves, not every column of the mask: past column 62
        // columns share a bit, and another column there is no partner to let go of.
        for c in one_to_one_columns::<T>(columns) {
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

/// Before `taker`'s row takes, in stored one-to-one columns `columns` (a mask), the partner
/// its value names, a loaded object whose row still holds that partner (its snapshot) but
/// whose value lets go of it has its row let go first (`flush::write_released`). In a swap
/// (passport seven takes bob from eight, then eight takes ann from seven) each row holds
/// what the other takes, and whichever was written first met the other's UNIQUE value.
///
/// # Errors
/// As the release's `UPDATE` (a concurrent change of that row: `UnrepeatableRead`).
pub(crate) fn release_taken_rows<T: Entity>(
    tx: &crate::transaction::Transaction,
    taker: &crate::obj::ObjCell<T>,
    value: &T,
    columns: u64,
) -> crate::Result<()> {
    let meta = T::meta();
    let mut releases: Vec<(Obj<T>, usize)> = Vec::new();
    {
        let mut maps = tx.shared.maps.borrow_mut();
        let map = maps.of::<T>();
        for c in one_to_one_columns::<T>(columns) {
            // A column that cannot be NULL cannot let go (the swap then meets UNIQUE).
            if !meta.columns[c].nullable {
                continue;
            }
            let partner = value.column_ref(c).to_owned_value();
            if partner == crate::Value::Null {
                continue;
            }
            let partner = as_held(meta, c, partner);
            for obj in map.objects() {
                let cell = obj.cell();
                if std::ptr::eq(cell, taker) || cell.state.get() != ObjState::Loaded {
                    continue;
                }
                let stored = cell.with_snapshot(|s| {
                    s.is_some_and(|s| same_value(s.column_ref(c).to_owned_value(), &partner))
                });
                let lets_go = stored
                    && cell
                        .value
                        .try_borrow()
                        .is_ok_and(|v| !same_value(v.column_ref(c).to_owned_value(), &partner));
                if lets_go {
                    releases.push((obj.clone(), c));
                }
            }
        }
    }
    for (holder, c) in releases {
        crate::flush::write_released(tx, holder.cell(), c)?;
    }
    Ok(())
}

/// The stored one-to-one columns of `T` whose bit is in `columns`.
fn one_to_one_columns<T: Entity>(columns: u64) -> Vec<usize> {
    let meta = T::meta();
    crate::pairing::stored_links(meta)
        .iter()
        .map(|&(c, _, _)| c)
        .filter(|&c| columns & bit(c) != 0)
        .collect()
}
