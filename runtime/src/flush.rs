//! Writing pending changes: the list of objects with a change to write, and the statement
//! each change becomes (insert, update, delete), with the optimistic check of the columns
//! the transaction read.

use crate::backend::Param;
use crate::entity::{Entity, EntityMeta};
use crate::obj::pending::{Pending, PendingObj};
use crate::obj::{bit, Obj, ObjCell, ObjState};
use crate::render;
use crate::statement_cache::{StatementKey, StatementText, UpdateMasks};
use crate::transaction::Transaction;
use crate::{Error, Result};

/// Writes and inserts keep their order (a new object's parents exist already: they are
/// inserted at once); deletes go last, the rows that refer to others before those they refer
/// to, so that deleting a parent and its children in one transaction works in any order.
pub(crate) fn order_deletes(batch: &mut [PendingObj]) {
    if !batch.iter().any(|p| p.cell().is_delete()) {
        return;
    }
    let metas: Vec<&'static EntityMeta> = batch.iter().map(|p| p.cell().meta()).collect();
    let order = crate::render::dependency_order(&metas);
    let rank = |m: &'static EntityMeta| order.iter().position(|o| std::ptr::eq(*o, m)).unwrap_or(0);
    // Stable: non-deletes first as they came; then deletes, children (late in the
    // dependency order) first.
    batch.sort_by_key(|p| {
        if p.cell().is_delete() {
            (1, usize::MAX - rank(p.cell().meta()))
        } else {
            (0, 0)
        }
    });
}

impl<T: Entity> Pending for ObjCell<T> {
    fn meta(&self) -> &'static EntityMeta {
        T::meta()
    }

    fn is_delete(&self) -> bool {
        self.state.get() == ObjState::Deleted
    }

    fn discard(&self) {
        self.set_queued(false);
        if self.state.get() == ObjState::New {
            self.set_gone();
        }
    }

    fn revive(&self, tx: &Transaction) -> Result<()> {
        crate::savepoint::revive(tx, &Obj::from_cell(self))
    }

    fn delete_checked(&self, tx: &Transaction) -> Result<()> {
        self.with_snapshot(|snapshot| delete_row(self, snapshot.as_deref(), tx))
            .map(|_| ())
    }

    fn flush(&self, tx: &Transaction) -> Result<()> {
        self.set_queued(false);
        crate::savepoint::wrote(tx, T::meta())?;
        let result = match self.state.get() {
            ObjState::New => crate::insert_write::flush_insert(self, tx),
            ObjState::Loaded => flush_update(self, tx),
            ObjState::Deleted => flush_delete(self, tx),
            ObjState::Gone => Ok(()),
        };
        result.map_err(|e| naming_table(e, T::meta()))
    }
}

/// `e`, naming the table of `meta`, written to, where the database's message does not.
pub(crate) fn naming_table(e: Error, meta: &'static EntityMeta) -> Error {
    match e {
        Error::Constraint {
            kind,
            table,
            column,
            message,
        } if table.is_empty() => Error::Constraint {
            kind,
            table: meta.table.to_string(),
            column,
            message,
        },
        other => other,
    }
}

/// The columns just written that the database rounds (a PostgreSQL `numeric(10,2)` holding
/// an `f64` or a decimal: 110.00000000000001 is stored 110.00, as `check_tables` or the
/// column's `sql_type` said) are read back, so that the object holds what its row does; else
/// its next write's check, or a query reading the row again, would take the difference for
/// a concurrent change, in every attempt. (A column Colt made holds what is written.)
/// `volatile` columns are read back after every write, whichever columns it wrote.
pub(crate) fn take_stored<T: Entity>(
    cell: &ObjCell<T>,
    tx: &Transaction,
    written: u64,
) -> Result<()> {
    let meta = T::meta();
    if !reads_back(meta, tx.dialect(), written) {
        return Ok(());
    }
    let mut rounded = written & rounded_columns(meta, tx.dialect());
    let volatile = meta.cache.volatile(|| volatile_columns(meta));
    // A `varchar(n)` changes only a text that ends with spaces (cut past `n`): others are
    // not read back (a read per write of every such column otherwise). A `char(n)` pads
    // every text shorter than `n`: read back.
    {
        let value = cell.value.borrow();
        for i in 0..meta.columns.len().min(62) {
            let column = &meta.columns[i];
            if rounded & bit(i) != 0 && column.ty == crate::ColumnType::Text {
                let spaced =
                    matches!(value.column_ref(i), crate::ValueRef::Text(t) if t.ends_with(b" "));
                // (The `sql_type` is read only where the text alone does not decide.)
                if !spaced && !column.pads_text() {
                    rounded &= !bit(i);
                }
            }
        }
    }
    let mut columns: Columns = (0..meta.columns.len().min(62))
        .filter(|&i| rounded & bit(i) != 0)
        .collect();
    for &i in volatile {
        if !columns.contains(&i) {
            columns.push(i);
        }
    }
    if columns.is_empty() {
        return Ok(());
    }
    let key = cell.value.borrow().key();
    let Some(row) = read_row::<T>(tx, &key)? else {
        return Ok(());
    };
    // (An object borrowed now keeps its value: its next write's check is the error, not a
    // value changed under the borrow.)
    if let Ok(mut value) = cell.value.try_borrow_mut() {
        for i in columns {
            value.copy_column(&row, i);
        }
    }
    Ok(())
}

/// Puts the object of a row just inserted in the map (before its references are followed:
/// see `written`). A loaded object that held its key stood for a row that is gone (raw SQL,
/// another transaction, the schema deleted it): it is gone too, rather than a second object
/// of the new row ([`displaced`]).
pub(crate) fn mapped_new_row<T: Entity>(tx: &Transaction, obj: Obj<T>) -> Result<()> {
    let displaced_obj = tx.shared.maps.borrow_mut().of::<T>().insert(obj);
    match displaced_obj {
        Some(old) => displaced(tx, old),
        None => Ok(()),
    }
}

/// An object whose row is gone and whose key a new row takes: gone, and what followed it in
/// memory lets go (the column-less side of a one-to-one that named its row; the loaded
/// collections of its key, which are the old row's).
pub(crate) fn displaced<T: Entity>(tx: &Transaction, old: Obj<T>) -> Result<()> {
    old.cell().set_gone();
    old.cell().set_queued(false);
    let key = T::key_params(&old.key());
    // Inside a savepoint, a rollback reads it again.
    if tx.shared.savepoints.get() > 0 {
        tx.shared.gone.borrow_mut().push(PendingObj::new(old));
    }
    tx.shared.cache.borrow_mut().locked();
    forget_reverse_sides(tx, T::meta(), &key)
}

/// Whether a write of the columns `written` reads some back ([`take_stored`]): columns the
/// database may round, or `volatile` ones.
#[inline]
pub(crate) fn reads_back(meta: &'static EntityMeta, d: render::Dialect, written: u64) -> bool {
    // A `volatile` column, which the database changes on its own (a trigger's
    // `updated_at`), is read back after every write, whichever columns it wrote: the object
    // holds what its row holds, as PonyORM reads such an attribute again after a write.
    written & rounded_columns(meta, d) != 0
        || !meta.cache.volatile(|| volatile_columns(meta)).is_empty()
}

/// The columns `d` may store rounded. (The mark is the entity's, whatever the database:
/// SQLite stores these as written.)
#[inline]
fn rounded_columns(meta: &'static EntityMeta, d: render::Dialect) -> u64 {
    match d {
        render::Dialect::Postgres => meta.cache.rounded(),
        render::Dialect::Sqlite => 0,
    }
}

/// The row of `key` as the database holds it now (no object of the map is touched).
pub(crate) fn read_row<T: Entity>(tx: &Transaction, key: &T::Key) -> Result<Option<T>> {
    let meta = T::meta();
    let d = tx.dialect();
    let sql = statement(meta, StatementKey::Get(d), || render::object::get(meta, d));
    let key_values = T::key_params(key);
    let params: Params<'_> = key_values.iter().map(Param::Owned).collect();
    let mut row: Option<T> = None;
    tx.decode_rows(
        &sql,
        &params,
        |crate::query::Fresh(v): crate::query::Fresh<T>| row = Some(v),
    )?;
    Ok(row)
}

/// Column positions; most entities have few columns, so they stay on the stack.
type Columns = smallvec::SmallVec<[usize; 16]>;
/// The parameters of one statement about one object, on the stack for most entities.
pub(crate) type Params<'a> = smallvec::SmallVec<[Param<'a>; 16]>;

/// The columns whose old values an UPDATE or DELETE checks (read, optimistic, stored).
fn checked_columns(meta: &'static EntityMeta, read: u64) -> Columns {
    if !meta.optimistic {
        return Columns::new();
    }
    (0..meta.columns.len())
        .filter(|&i| {
            let col = &meta.columns[i];
            !col.primary_key
                && col.optimistic()
                && read & bit(i) != 0
                && crate::relation::is_stored(meta, i)
        })
        .collect()
}

pub(crate) fn mask(columns: &[usize]) -> u64 {
    columns.iter().fold(0, |m, &i| m | bit(i))
}

/// The statement of one shape, from the entity's cache when its columns fit the masks.
pub(crate) fn statement(
    meta: &'static EntityMeta,
    key: StatementKey,
    render: impl FnOnce() -> String,
) -> StatementText {
    if meta.columns.len() < 64 {
        meta.cache.statement(key, render)
    } else {
        StatementText::owned(render())
    }
}

fn flush_update<T: Entity>(cell: &ObjCell<T>, tx: &Transaction) -> Result<()> {
    /// Puts the snapshot back unless the write succeeded (an error, a panic).
    struct Back<'a, T: Entity>(&'a ObjCell<T>, Option<T>);
    impl<T: Entity> Drop for Back<'_, T> {
        fn drop(&mut self) {
            if let Some(old) = self.1.take() {
                self.0.keep_snapshot(old);
            }
        }
    }
    // Out of the cell while the row is written (a call nested in the write sees none, as
    // with `with_snapshot`), and forgotten once it is: the database holds the values.
    let Some(old) = cell.take_snapshot() else {
        return Ok(());
    };
    let mut back = Back(cell, Some(old));
    if let Some(old) = &back.1 {
        update_row(cell, old, tx)?;
    }
    back.1 = None;
    Ok(())
}

/// The column masks of an entity of fewer than 64 columns (see [`UpdateMasks`]).
pub(crate) fn update_masks(meta: &'static EntityMeta) -> &'static UpdateMasks {
    meta.cache.update_masks(|| {
        let stored = (0..meta.columns.len())
            .filter(|&i| crate::relation::is_stored(meta, i))
            .fold(0, |m, i| m | bit(i));
        let references = meta
            .relations
            .iter()
            .filter_map(|r| r.column.map(|first| first..first + r.width().max(1)))
            .flatten()
            .fold(0, |m, i| m | bit(i));
        let one_to_one = crate::pairing::stored_one_to_one(meta)
            .iter()
            .fold(0, |m, &(c, _, _)| m | bit(c));
        let key = meta.primary_key.iter().fold(0, |m, &i| m | bit(i));
        let all = (0..meta.columns.len()).fold(0, |m, i| m | bit(i));
        UpdateMasks {
            stored,
            checkable: mask(&checked_columns(meta, u64::MAX)),
            references: references & stored,
            one_to_one,
            watched: key | (all & !stored) | references | one_to_one,
        }
    })
}

/// The stored `volatile` columns.
fn volatile_columns(meta: &'static EntityMeta) -> Box<[usize]> {
    (0..meta.columns.len())
        .filter(|&i| meta.columns[i].volatile && crate::relation::is_stored(meta, i))
        .collect()
}

/// The columns of a mask, in order.
fn columns_of(mask: u64) -> Columns {
    (0..64).filter(|&i| mask & (1u64 << i) != 0).collect()
}

/// The `UPDATE` of an object from its snapshot `old`.
fn update_row<T: Entity>(cell: &ObjCell<T>, old: &T, tx: &Transaction) -> Result<()> {
    let meta = T::meta();
    if meta.columns.len() >= 64 {
        return update_wide_row(cell, old, tx);
    }
    let d = tx.dialect();
    let value = cell.value.borrow();
    // Masks, not lists: this runs once per changed object.
    let masks = update_masks(meta);
    let mut changed = 0u64;
    for i in 0..meta.columns.len() {
        if masks.stored & (1u64 << i) != 0 && !crate::entity::written_alike(old, &*value, i) {
            changed |= 1u64 << i;
        }
    }
    if changed != 0 {
        if changed & masks.one_to_one != 0 {
            crate::one_to_one_holders::release_taken_rows(
                tx,
                cell,
                &value,
                changed & masks.one_to_one,
            )?;
        }
        let checked = cell.read() & masks.checkable;
        let sql = meta
            .cache
            .statement(StatementKey::Update(d, changed, checked), || {
                render::object::update(meta, d, &columns_of(changed), &columns_of(checked))
            });
        let each = |mask: u64| (0..meta.columns.len()).filter(move |&i| mask & (1u64 << i) != 0);
        run_update(tx, cell, &value, old, &sql, each(changed), each(checked))?;
    }
    written(tx, Some(old), Some(&*value))?;
    drop(value);
    take_stored(cell, tx, changed)
}

/// Runs the `UPDATE` `sql` of an object: its parameters are the new values of `changed`,
/// the key, and the old values of `checked`, filled in place (see `flush_insert`). No row
/// updated is a lost row (another transaction changed or deleted it).
#[inline]
fn run_update<T: Entity>(
    tx: &Transaction,
    cell: &ObjCell<T>,
    value: &T,
    old: &T,
    sql: &str,
    changed: impl Iterator<Item = usize>,
    checked: impl Iterator<Item = usize>,
) -> Result<()> {
    let meta = T::meta();
    let mut params = Params::new();
    let mut written = 0;
    for i in changed {
        params.push(Param::Borrowed(value.column_ref(i)));
        written |= crate::obj::bit(i);
    }
    if tx.shared.savepoints.get() > 0 {
        crate::savepoint::wrote_inside(tx, cell, written);
    }
    for &k in meta.primary_key {
        params.push(Param::Borrowed(old.column_ref(k)));
    }
    for c in checked {
        params.push(Param::Borrowed(old.column_ref(c)));
    }
    let n = tx.conn()?.execute(sql, &params)?;
    if n == 0 {
        return Err(lost_row(tx, value, old, cell.read(), "update"));
    }
    // Every column checked (read: a `set`, which reads them all) or written: the row is as
    // the transaction knows it. (Not a reference let go, which checks only that column.)
    let all = if meta.columns.len() >= 63 {
        (1u64 << 63) - 1
    } else {
        (1u64 << meta.columns.len()) - 1
    };
    if (cell.read() | written) & all == all {
        cell.set_wrote(true);
    }
    // The row is this transaction's until it ends (PostgreSQL's row lock, SQLite's write
    // lock): the columns just written need no check by a query that reads the row again,
    // and must not have one, since the column may hold another value than the one written
    // (a `timestamp(0)` rounds its fraction, a trigger writes its own): the query would take
    // that for a concurrent change, in every attempt. (A later `set` reads them again; a
    // float or decimal a `numeric(p,s)` rounds is read back: `take_stored`. Columns past 61
    // share a bit with others read: kept.)
    cell.set_read(cell.read() & !(written & ((1u64 << 62) - 1)));
    Ok(())
}

/// Writes NULL into stored column `c` of an object's row, before its own update: the row
/// lets go of a one-to-one partner another row takes in this flush (see
/// `one_to_one_holders::release_taken_rows`). Checked as the object's update is, and its
/// snapshot then holds the NULL the row does, so that its own update later writes its new
/// partner and checks the rest as before.
pub(crate) fn write_released<T: Entity>(
    tx: &Transaction,
    cell: &ObjCell<T>,
    c: usize,
) -> Result<()> {
    let meta = T::meta();
    let d = tx.dialect();
    // The column let go of is checked too: the row must still hold the old partner (a
    // concurrent move of it is a conflict, not overwritten by this NULL).
    let checked = (cell.read() & update_masks(meta).checkable) | bit(c);
    cell.with_snapshot(|old| {
        let Some(old) = old else {
            return Ok(());
        };
        let mut released = old.clone();
        released.set_field_values(c, &[crate::ValueRef::Null])?;
        let sql = meta
            .cache
            .statement(StatementKey::Update(d, bit(c), checked), || {
                render::object::update(meta, d, &[c], &columns_of(checked))
            });
        let each = |mask: u64| (0..meta.columns.len()).filter(move |&i| mask & (1u64 << i) != 0);
        run_update(tx, cell, &released, old, &sql, each(bit(c)), each(checked))?;
        old.set_field_values(c, &[crate::ValueRef::Null])
    })
}

/// [`update_row`] for an entity of 64 columns or more (the masks would not tell its last
/// columns apart).
#[cold]
fn update_wide_row<T: Entity>(cell: &ObjCell<T>, old: &T, tx: &Transaction) -> Result<()> {
    let meta = T::meta();
    let d = tx.dialect();
    let value = cell.value.borrow();
    let changed: Columns = (0..meta.columns.len())
        .filter(|&i| {
            !crate::entity::written_alike(old, &*value, i) && crate::relation::is_stored(meta, i)
        })
        .collect();
    if !changed.is_empty() {
        let checked = checked_columns(meta, cell.read());
        let sql = statement(
            meta,
            StatementKey::Update(d, mask(&changed), mask(&checked)),
            || render::object::update(meta, d, &changed, &checked),
        );
        let (columns, checked) = (changed.iter().copied(), checked.iter().copied());
        run_update(tx, cell, &value, old, &sql, columns, checked)?;
    }
    written(tx, Some(old), Some(&*value))?;
    drop(value);
    // (The columns the database rounds are marked below column 62, as in the masks.)
    take_stored(cell, tx, mask(&changed))
}

fn flush_delete<T: Entity>(cell: &ObjCell<T>, tx: &Transaction) -> Result<()> {
    // First what refers to it, the object neither borrowed nor its snapshot taken out: a
    // reference of its own that a cascade sets to NULL (to a row the cascade deletes first)
    // is NULL in both, as in its row, for the delete's check.
    let key = T::key_params(&cell.value.borrow().key());
    crate::cascade::release_dependants(tx, T::meta(), &key, 0)?;
    let key = cell.with_snapshot(|snapshot| delete_row(cell, snapshot.as_deref(), tx))?;
    cell.set_gone();
    tx.shared.maps.borrow_mut().of::<T>().remove(&key);
    if tx.shared.savepoints.get() > 0 {
        tx.shared
            .gone
            .borrow_mut()
            .push(crate::obj::pending::PendingObj::new(Obj::from_cell(cell)));
    }
    // The schema's own `ON DELETE` may have deleted or changed rows that referred to it:
    // followed at the end of the flush.
    tx.shared
        .deleted
        .borrow_mut()
        .push((T::meta(), T::key_params(&key)));
    Ok(())
}

/// The `DELETE` of an object's row (the values it checks are the snapshot's, if any);
/// returns the object's key.
fn delete_row<T: Entity>(
    cell: &ObjCell<T>,
    snapshot: Option<&T>,
    tx: &Transaction,
) -> Result<T::Key> {
    let meta = T::meta();
    let d = tx.dialect();
    let value = cell.value.borrow();
    let old: &T = snapshot.unwrap_or(&value);
    let checked = checked_columns(meta, cell.read());
    let sql = statement(meta, StatementKey::Delete(d, mask(&checked)), || {
        render::object::delete(meta, d, &checked)
    });
    let mut params = Params::new();
    for &k in meta.primary_key {
        params.push(Param::Borrowed(old.column_ref(k)));
    }
    for &c in checked.iter() {
        params.push(Param::Borrowed(old.column_ref(c)));
    }
    let n = tx.conn()?.execute(&sql, &params)?;
    drop(params);
    if n == 0 {
        return Err(lost_row(tx, &*value, old, cell.read(), "delete"));
    }
    written(tx, Some(old), None)?;
    // The partner of a one-to-one a `set` pointed the object at (followed at once, not in
    // the snapshot) lets go too.
    let moved = update_masks(meta).one_to_one;
    if moved != 0
        && snapshot.is_some()
        && (0..meta.columns.len()).any(|c| moved & bit(c) != 0 && !old.same_column(&value, c))
    {
        reverse_sides(&tx.shared, Some(&*value), None)?;
    }
    Ok(value.key())
}

/// This object's row changed from `before` to `after` (inserted: no `before`; deleted: no
/// `after`): the loaded collections its rows can belong to lose their freshness when a row
/// came, went or changed a reference, and the loaded objects on the column-less side of its
/// one-to-ones follow (`reverse_sides`).
///
/// # Errors
/// [`Error::ObjectBorrowed`] when an object on the column-less side is borrowed.
pub(crate) fn written<T: Entity>(
    tx: &Transaction,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<()> {
    let moved = match (before, after) {
        (Some(b), Some(a)) => crate::relation::reference_changed(T::meta(), b, a),
        _ => true,
    };
    if moved {
        tx.shared.members_moved(T::meta());
    }
    reverse_sides(&tx.shared, before, after)
}

/// Loaded objects on the column-less side of a one-to-one of `meta` that refer to the row
/// with key `key` refer to nothing.
///
/// # Errors
/// [`Error::ObjectBorrowed`] when one of them is borrowed (`obj.get()` held): it keeps its
/// value (the others follow all the same).
pub(crate) fn forget_reverse_sides(
    tx: &Transaction,
    meta: &'static EntityMeta,
    key: &[crate::Value],
) -> Result<()> {
    let links = crate::pairing::stored_links(meta);
    let mut maps = tx.shared.maps.borrow_mut();
    let mut borrowed = None;
    for &(_, other, reverse) in links {
        if let Some(map) = maps.by_meta(other) {
            if !map.null_column(reverse, key, false) {
                borrowed.get_or_insert(other.name);
            }
        }
    }
    match borrowed {
        Some(entity) => Err(Error::ObjectBorrowed { entity }),
        None => Ok(()),
    }
}

/// Keeps the column-less side of one-to-one relationships current in loaded objects after
/// this object's row changed from `before` to `after` (inserted: no `before`; deleted: no
/// `after`): the object it referred to refers to nothing now, the one it refers to refers
/// back to it. Written into value and snapshot alike: this is what the database holds, not a
/// change to write (nor, later, a change someone else made).
pub(crate) fn reverse_sides<T: Entity>(
    shared: &crate::transaction::TxShared,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<()> {
    let meta = T::meta();
    let links = crate::pairing::stored_links(meta);
    if links.is_empty() {
        return Ok(());
    }
    let Some(me) = after.or(before) else {
        return Ok(());
    };
    let my_key = me.key();
    let key = T::key_ref(&my_key, 0);
    let me_value = key.to_owned_value();
    let mut maps = shared.maps.borrow_mut();
    let mut borrowed = None;
    for &(column, other, reverse) in links {
        let old = before.map(|v| v.column_ref(column).to_owned_value());
        let new = after.map(|v| v.column_ref(column).to_owned_value());
        if old == new {
            continue;
        }
        let Some(map) = maps.by_meta(other) else {
            continue;
        };
        // An object borrowed now (`obj.get()` held) would show the other side as it was:
        // the write fails instead (and the transaction with it), once every link is
        // followed that can be.
        let mut followed = true;
        // The partner let go only while it still names this object (another may have
        // taken it since: `b.set(|b| b.passport = p)` after `a`'s).
        if let Some(old) = old.filter(|v| *v != crate::Value::Null) {
            followed &= map.set_column_of(&old, reverse, crate::ValueRef::Null, Some(&me_value));
        }
        if let Some(new) = new.filter(|v| *v != crate::Value::Null) {
            followed &= map.set_column_of(&new, reverse, key, None);
        }
        if !followed {
            borrowed.get_or_insert(other.name);
        }
    }
    match borrowed {
        Some(entity) => Err(Error::ObjectBorrowed { entity }),
        None => Ok(()),
    }
}

/// The conflict of a write (`"update"`, `"delete"`) of `value` that met no row holding
/// `old`: the first column checked whose value the row holds now is another (the row read
/// again, on this error's path only), or `(row deleted)` when there is no row. A row that
/// holds every value checked was not changed by another transaction: a trigger or a rule
/// skipped the write ([`Error::WriteSkipped`]).
fn lost_row<T: Entity>(
    tx: &Transaction,
    value: &T,
    old: &T,
    read: u64,
    write: &'static str,
) -> Error {
    let meta = T::meta();
    // The columns the statement checked.
    let checked = checked_columns(meta, read);
    let column = match read_row::<T>(tx, &value.key()) {
        Ok(None) => None,
        Ok(Some(row)) => match checked.iter().find(|&&i| !row.same_column(old, i)) {
            Some(&i) => Some(i),
            None => {
                return Error::WriteSkipped {
                    entity: meta.name,
                    key: format!("{:?}", value.key()),
                    write,
                }
            }
        },
        Err(_) => checked.first().copied(),
    };
    // Another attempt may not meet it.
    tx.shared.met_conflict.set(true);
    Error::UnrepeatableRead {
        entity: meta.name.to_string(),
        key: format!("{:?}", value.key()),
        column: column.map_or_else(
            || "(row deleted)".to_string(),
            |i| meta.columns[i].name.to_string(),
        ),
    }
}
