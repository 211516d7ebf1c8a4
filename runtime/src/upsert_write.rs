//! Upserts: `tx.upsert` (by primary key) and `tx.upsert_on` (by a unique key), each one
//! statement, and the object that takes the row's values afterwards.

use crate::backend::Param;
use crate::entity::Entity;
use crate::flush::{
    forget_reverse_sides, mapped_new_row, mask, read_row, statement, written, Params,
};
use crate::insert_write::{insert_columns, not_written};
use crate::obj::{Obj, ObjCell, ObjState};
use crate::render;
use crate::statement_cache::StatementKey;
use crate::transaction::Transaction;
use crate::{Error, Result};

/// Inserts `value`, or gives the row with its key every value of it (one statement); the
/// loaded object of that key, if any, takes the values too.
pub(crate) fn upsert_row<T: Entity>(mut value: T, tx: &Transaction) -> Result<Obj<T>> {
    let meta = T::meta();
    let d = tx.dialect();
    let cols = insert_columns(meta);
    let sql = statement(meta, StatementKey::Upsert(d), || {
        render::object::upsert(meta, d, cols)
    });
    // An entity of key columns alone is upserted with `DO NOTHING`: its row may be there
    // already. Any other gives the key back as the row holds it (`RETURNING`), which the
    // value takes: a key compared ignoring case found the row `ann` for `ANN`, and the
    // object of `ann` was left with its old values beside a second one.
    let key_only = cols.iter().all(|i| meta.primary_key.contains(i));
    if !key_only {
        return written_returning_key(value, cols, &sql, tx);
    }
    let written = {
        let params: Params<'_> = cols
            .iter()
            .map(|&i| Param::Borrowed(value.column_ref(i)))
            .collect();
        tx.conn()?.execute(&sql, &params)?
    };
    if written != 1 {
        // Nothing written for such an entity is the row being there, or a trigger or a rule
        // having skipped it: the row tells which, and its key as it holds it.
        let Some(row) = read_row::<T>(tx, &value.key())? else {
            return Err(not_written(meta, 1, written));
        };
        for &c in meta.primary_key {
            value.copy_column(&row, c);
        }
    }
    adopt_written(value, tx)
}

/// `upsert_on`: the row with `value`'s unique key `conflict` (column positions) gets its
/// values, or it is inserted; `value` takes the row's primary key.
pub(crate) fn upsert_on_row<T: Entity>(
    value: T,
    conflict: &[usize],
    tx: &Transaction,
) -> Result<Obj<T>> {
    let meta = T::meta();
    let cols = insert_columns(meta);
    let d = tx.dialect();
    let sql = statement(meta, StatementKey::UpsertOn(d, mask(conflict)), || {
        render::object::upsert_on(meta, d, cols, conflict)
    });
    written_returning_key(value, cols, &sql, tx)
}

/// Runs an upsert `sql` that returns the row's primary key (`RETURNING`), gives `value` that
/// key as the row holds it, and adopts it ([`adopt_written`]).
fn written_returning_key<T: Entity>(
    mut value: T,
    cols: &[usize],
    sql: &str,
    tx: &Transaction,
) -> Result<Obj<T>> {
    let meta = T::meta();
    let mut keys = crate::cascade::KeyRows::new(meta.primary_key.len());
    {
        let params: Params<'_> = cols
            .iter()
            .map(|&i| Param::Borrowed(value.column_ref(i)))
            .collect();
        tx.conn()?.query(sql, &params, &mut keys)?;
    }
    let Some(key) = keys.keys.first() else {
        return Err(not_written(meta, 1, 0));
    };
    for (&c, v) in meta.primary_key.iter().zip(key) {
        value.set_column_value(c, v.as_ref())?;
    }
    adopt_written(value, tx)
}

/// The object of a row just written with every value of `value` (an upsert): the loaded
/// object of its key takes them (what it read no longer counts), or a new one is made.
fn adopt_written<T: Entity>(value: T, tx: &Transaction) -> Result<Obj<T>> {
    let meta = T::meta();
    let key = value.key();
    let loaded = tx.shared.maps.borrow_mut().of::<T>().get(&key).cloned();
    let obj = match loaded {
        Some(obj) => {
            let cell = obj.cell();
            // A borrow held across the call (`obj.get()`): the object cannot show the row's
            // new values (the caller rolls the transaction back).
            let Ok(mut held) = cell.value.try_borrow_mut() else {
                return Err(Error::InvalidQuery(format!(
                    "an object of `{}` is borrowed (`obj.get()`) across an upsert of its row: drop the borrow first",
                    meta.name
                )));
            };
            let before = std::mem::replace(&mut *held, value);
            // The column-less side of a one-to-one is not the value's to give (it is `None`
            // there): the object keeps what the other side says.
            for &c in crate::pairing::virtual_columns(meta) {
                held.copy_column(&before, c);
            }
            drop(held);
            cell.clear_snapshot();
            cell.set_read(0);
            wrote_every_column(tx, cell);
            // An upsert is not checked against what the transaction read: `before` need not
            // be what the row held (another transaction may have moved a one-to-one to an
            // object loaded since), so, as for a row not loaded, every loaded object on the
            // column-less side of a one-to-one that names the row lets go, and the row's
            // partner now takes it.
            forget_reverse_sides(tx, meta, &T::key_params(&key))?;
            written(tx, None, Some(&*cell.value.borrow()))?;
            obj
        }
        None => {
            // The row's previous values are not known: a loaded object on the column-less
            // side of a one-to-one that this row referred to may be another than the one
            // it refers to now, so every one that refers to it lets go first.
            forget_reverse_sides(tx, meta, &T::key_params(&key))?;
            let mut value = value;
            let virtuals = crate::pairing::virtual_columns(meta);
            if !virtuals.is_empty() {
                // The column-less side of a one-to-one is not the value's to give (`None`
                // there): the row, read again, says what refers to it.
                if let Some(row) = read_row::<T>(tx, &key)? {
                    for &c in virtuals {
                        value.copy_column(&row, c);
                    }
                }
            }
            let obj = tx.shared.maps.borrow_mut().of::<T>().alloc(
                value,
                ObjState::Loaded,
                std::rc::Rc::downgrade(&tx.shared),
            );
            wrote_every_column(tx, obj.cell());
            mapped_new_row(tx, obj.clone())?;
            written(tx, None, Some(&*obj.cell().value.borrow()))?;
            obj
        }
    };
    // A column the database rounds holds another value than the one written (an upsert
    // writes every stored column).
    crate::flush::take_stored(obj.cell(), tx, u64::MAX)?;
    // The loaded object's values are not necessarily the row's before the upsert (a cascade
    // of the schema or raw SQL may have deleted or moved the row): a row may have come or
    // changed a reference whatever the object said.
    crate::savepoint::wrote(tx, meta)?;
    tx.shared.members_moved(meta);
    Ok(obj)
}

/// Records that the transaction wrote every column of `cell`'s row (an upsert): its delete
/// needs no check of them, and inside a savepoint a rollback reads them again instead of
/// keeping the values read since.
fn wrote_every_column<T: Entity>(tx: &Transaction, cell: &ObjCell<T>) {
    cell.set_wrote(true);
    if tx.shared.savepoints.get() > 0 {
        crate::savepoint::wrote_inside(tx, cell, u64::MAX);
    }
}
