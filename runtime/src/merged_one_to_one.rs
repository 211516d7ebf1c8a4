//! The column-less side of a one-to-one after a row was read again: when another
//! transaction changed the stored side's reference and a query of this one takes the row in,
//! the loaded objects on the other side follow (the one it named refers to nothing now, the
//! one it names refers back to it), as they do after this transaction's own writes
//! (`flush::reverse_sides`).
//!
//! The row is taken in while the identity maps are borrowed (a result being decoded), so the
//! moves are kept in the transaction and followed once the result is read
//! ([`follow`]): every clearing first, then every pointing, so that two rows that swapped
//! their references in one result leave each object with its own.

use crate::entity::{Entity, EntityMeta};
use crate::transaction::Transaction;
use crate::value::Value;
use crate::{Error, Result};

/// One loaded object on a column-less side to change: the object of `other` with key
/// `target` holds `value` in its column `reverse` (a clearing: only if it still names the
/// row that moved, `was`; another write may have pointed it elsewhere since).
pub(crate) struct Move {
    other: &'static EntityMeta,
    reverse: usize,
    target: Value,
    value: Value,
    was: Option<Value>,
}

/// The moves of `T`'s stored one-to-ones from `before` (the row as this transaction knew
/// it) to `after` (as read now), added to `out`.
pub(crate) fn moves<T: Entity>(before: &T, after: &T, out: &mut Vec<Move>) {
    let meta = T::meta();
    let links = crate::pairing::stored_links(meta);
    for &(column, other, reverse) in links {
        if before.same_column(after, column) {
            continue;
        }
        let me = T::key_ref(&after.key(), 0).to_owned_value();
        let old = before.column_ref(column).to_owned_value();
        let new = after.column_ref(column).to_owned_value();
        if old != Value::Null {
            out.push(Move {
                other,
                reverse,
                target: old,
                value: Value::Null,
                was: Some(me.clone()),
            });
        }
        if new != Value::Null {
            out.push(Move {
                other,
                reverse,
                target: new,
                value: me,
                was: None,
            });
        }
    }
}

/// Follows the moves kept since the last call (the identity maps are free again).
///
/// # Errors
/// [`Error::ObjectBorrowed`] when an object to change is borrowed (`obj.get()` held), as
/// for this transaction's own writes (the other moves are followed all the same);
/// [`Error::ObjectsBusy`] when the maps are.
pub(crate) fn follow(tx: &Transaction) -> Result<()> {
    let mut moves = std::mem::take(&mut *tx.shared.one_to_one_moves.borrow_mut());
    if moves.is_empty() {
        return Ok(());
    }
    // Clearings first.
    moves.sort_by_key(|m| m.value != Value::Null);
    let mut maps = tx
        .shared
        .maps
        .try_borrow_mut()
        .map_err(|_| Error::ObjectsBusy)?;
    // Every move is followed; one whose object is borrowed is reported after the others.
    let mut borrowed = None;
    for m in moves {
        if let Some(map) = maps.by_meta(m.other) {
            if !map.set_column_of(&m.target, m.reverse, m.value.as_ref(), m.was.as_ref()) {
                borrowed = Some(Error::ObjectBorrowed {
                    entity: m.other.name,
                });
            }
        }
    }
    borrowed.map_or(Ok(()), Err)
}
