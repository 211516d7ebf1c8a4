//! What deleting a row does to the rows that refer to it, as PonyORM does: `cascade_delete`
//! collections are deleted (recursively), optional references set to NULL, many-to-many
//! links removed; loaded objects follow.

use crate::backend::Param;
use crate::entity::EntityMeta;
use crate::pairing::{partner, Partner};
use crate::relation::{link_table, RelKind};
use crate::render::relation as sql_of;
use crate::render::Dialect;
use crate::statement_cache::{RelationOp, StatementKey};
use crate::transaction::Transaction;
use crate::value::Value;
use crate::{Error, Result};

/// Before a row of `meta` with key `key` is deleted, as PonyORM does: deletes the members of
/// its `cascade_delete` collections (recursively), sets optional references to it to NULL,
/// and removes its many-to-many links. Required references without `cascade_delete` are left
/// for the database to refuse (`Error::Constraint { kind: ForeignKey }`).
pub(crate) fn release_dependants(
    tx: &Transaction,
    meta: &'static EntityMeta,
    key: &[Value],
    depth: usize,
) -> Result<()> {
    release(tx, meta, key, depth, &mut Vec::new())
}

/// Whether `k`, a key of `meta` as the database gave it, is one of `deleting` (the rows
/// whose delete is under way: a row that refers to itself, or a cycle of rows, is not
/// reached again).
fn being_deleted(
    deleting: &[(&'static EntityMeta, Vec<Value>)],
    meta: &'static EntityMeta,
    k: &[Value],
) -> bool {
    deleting
        .iter()
        .any(|(m, key)| std::ptr::eq(*m, meta) && crate::held_values::same_key(meta, k, key))
}

fn release(
    tx: &Transaction,
    meta: &'static EntityMeta,
    key: &[Value],
    depth: usize,
    deleting: &mut Vec<(&'static EntityMeta, Vec<Value>)>,
) -> Result<()> {
    deleting.push((meta, key.to_vec()));
    let result = release_one(tx, meta, key, depth, deleting);
    deleting.pop();
    result
}

fn release_one(
    tx: &Transaction,
    meta: &'static EntityMeta,
    key: &[Value],
    depth: usize,
    deleting: &mut Vec<(&'static EntityMeta, Vec<Value>)>,
) -> Result<()> {
    // A reference to `meta` holds its whole key (one column per key column); a link table
    // holds its one column (many-to-many with composite keys is refused at bind).
    let Some(key_value) = key.first() else {
        return Ok(());
    };
    let key_params: Vec<Param<'_>> = key.iter().map(Param::Owned).collect();
    tx.shared.cache.borrow_mut().bump_all();
    if depth > 64 {
        return Err(Error::CascadeTooDeep { entity: meta.name });
    }
    let dialect = tx.dialect();
    // The statements of a relation, rendered once and kept in the entity's metadata.
    let sql = |relation: usize, op: RelationOp, render: &dyn Fn(Dialect) -> String| {
        meta.cache
            .statement(StatementKey::Relation(dialect, relation, op), || {
                render(dialect)
            })
    };
    for (idx, rel) in meta.relations.iter().enumerate() {
        let member = (rel.target)();
        let Some(shape) = dependants(meta, rel) else {
            continue;
        };
        match shape {
            Ok(Partner::Reference { column }) => {
                if rel.cascade_delete {
                    let select = sql(idx, RelationOp::CascadeKeysLocked, &|d| {
                        sql_of::referring_keys_locked(d, member, column)
                    });
                    // Every column of the members' keys: a composite key's first column alone
                    // would name rows of other owners too.
                    let mut keys = KeyRows::new(member.primary_key.len());
                    tx.conn()?.query(&select, &key_params, &mut keys)?;
                    let delete = sql(idx, RelationOp::CascadeDelete, &|d| {
                        sql_of::delete_by_key(d, member)
                    });
                    // (A row that refers to itself, or to a row whose delete is under way,
                    // is one being deleted.)
                    let members: Vec<Vec<Value>> = keys
                        .keys
                        .into_iter()
                        .filter(|k| !being_deleted(deleting, member, k))
                        .collect();
                    for k in members {
                        release(tx, member, &k, depth + 1, deleting)?;
                        // A loaded member is deleted as its own delete would be, checked
                        // against what this transaction read of it (its own delete, queued
                        // after its owner's when both are of one entity, would find it gone).
                        let loaded = tx.shared.maps.borrow_mut().by_meta(member).and_then(|m| {
                            let key: Vec<crate::ValueRef<'_>> =
                                k.iter().map(Value::as_ref).collect();
                            m.loaded_obj(&key)
                        });
                        match loaded {
                            Some(o) => o.cell().delete_checked(tx)?,
                            None => {
                                let params: Vec<Param<'_>> = k.iter().map(Param::Owned).collect();
                                tx.conn()?.execute(&delete, &params)?;
                            }
                        }
                        rows_gone(tx, member, std::slice::from_ref(&k))?;
                        tx.shared.deleted.borrow_mut().push((member, k));
                    }
                } else if member.columns[column].nullable {
                    if std::ptr::eq(member, meta) {
                        // Not the row itself (it refers to itself): it goes, its reference as
                        // read, for its delete's optimistic check.
                        let update = sql(idx, RelationOp::SetNullOthers, &|d| {
                            sql_of::set_null_others(d, member, column, 1)
                        });
                        let twice: Vec<Param<'_>> =
                            key_params.iter().chain(&key_params).cloned().collect();
                        tx.conn()?.execute(&update, &twice)?;
                    } else {
                        let update = sql(idx, RelationOp::SetNull, &|d| {
                            sql_of::set_null(d, member, column)
                        });
                        tx.conn()?.execute(&update, &key_params)?;
                    }
                    // An object borrowed now would keep naming the deleted row: the write
                    // fails instead (and the transaction with it).
                    if let Some(map) = tx.shared.maps.borrow_mut().by_meta(member) {
                        if !map.null_column(column, key, std::ptr::eq(member, meta)) {
                            return Err(Error::ObjectBorrowed {
                                entity: member.name,
                            });
                        }
                    }
                }
            }
            Ok(Partner::Set { relation }) => {
                let field = member.relations.get(relation).map_or("", |r| r.field);
                let link = link_table(meta, rel, field);
                let delete = sql(idx, RelationOp::UnlinkAll, &|d| {
                    sql_of::unlink_all(d, &link)
                });
                tx.conn()?.execute(&delete, &[Param::Owned(key_value)])?;
            }
            Ok(Partner::OneToOne { .. }) | Err(_) => {}
        }
    }
    Ok(())
}

/// Objects of `meta` with these keys were just deleted (in memory): the loaded members of
/// their `cascade_delete` collections (and one-to-ones) are deleted with them, recursively,
/// as PonyORM's `delete()` does, so that a write to one of them before the flush is
/// `ObjectDeleted` rather than a write the cascade would undo. Members not loaded are left
/// to [`release_dependants`] at the flush.
///
/// # Errors
/// [`Error::CascadeTooDeep`] past 64 levels.
pub(crate) fn delete_loaded_members(
    tx: &Transaction,
    meta: &'static EntityMeta,
    keys: Vec<Vec<Value>>,
    depth: usize,
) -> Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    if depth > 64 {
        return Err(Error::CascadeTooDeep { entity: meta.name });
    }
    let_go_loaded(tx, meta, &keys);
    for (idx, rel) in meta.relations.iter().enumerate() {
        let Some((member, column)) = cascaded(meta, rel) else {
            continue;
        };
        let width = meta.primary_key.len().max(1);
        let found = tx
            .shared
            .maps
            .borrow_mut()
            .by_meta(member)
            .and_then(|m| m.referring(column, width, &keys));
        if let Some(found) = found {
            let deleted = found.delete_all(tx);
            delete_loaded_members(tx, member, deleted, depth + 1)?;
        }
        // Members not loaded: when loaded objects lie beyond them (a line of an order not
        // loaded, of a customer deleted), their keys come from the database, and the
        // cascade goes on through them.
        if !reaches_loaded(tx, member, &mut Vec::new()) {
            continue;
        }
        let d = tx.dialect();
        let select = meta.cache.statement(
            StatementKey::Relation(d, idx, RelationOp::CascadeKeys),
            || sql_of::referring_keys(d, member, column),
        );
        let mut rows = KeyRows::new(member.primary_key.len());
        for key in &keys {
            let params: Vec<Param<'_>> = key.iter().map(Param::Owned).collect();
            tx.conn()?.query(&select, &params, &mut rows)?;
        }
        let unloaded: Vec<Vec<Value>> = {
            let mut maps = tx.shared.maps.borrow_mut();
            let mut map = maps.by_meta(member);
            rows.keys
                .into_iter()
                .map(|k| {
                    member
                        .primary_key
                        .iter()
                        .zip(k)
                        .map(|(&c, v)| crate::identity_map::as_held(member, c, v))
                        .collect::<Vec<Value>>()
                })
                .filter(|k| {
                    let key: Vec<crate::ValueRef<'_>> = k.iter().map(Value::as_ref).collect();
                    map.as_mut().is_none_or(|m| !m.is_loaded(&key))
                })
                .collect()
        };
        tx.shared
            .reached_through
            .borrow_mut()
            .extend(unloaded.iter().map(|k| (member, k.clone())));
        delete_loaded_members(tx, member, unloaded, depth + 1)?;
    }
    Ok(())
}

/// After a flush: the rows not loaded through which deletes reached loaded objects
/// ([`delete_loaded_members`]) are gone. One that is still there was moved away by another
/// transaction since it was read (its owner's cascade left it, and the objects deleted
/// through it were not its members any more): a conflict, as an optimistic check's.
///
/// # Errors
/// [`Error::UnrepeatableRead`] for such a row; database errors.
pub(crate) fn check_reached_through(tx: &Transaction) -> Result<()> {
    let rows = std::mem::take(&mut *tx.shared.reached_through.borrow_mut());
    let d = tx.dialect();
    for (meta, key) in rows {
        let sql = meta
            .cache
            .statement(StatementKey::Get(d), || crate::render::object::get(meta, d));
        let params: Vec<Param<'_>> = key.iter().map(Param::Owned).collect();
        let mut found = KeyRows::new(meta.primary_key.len().min(meta.columns.len()));
        tx.conn()?.query(&sql, &params, &mut found)?;
        if !found.keys.is_empty() {
            tx.shared.met_conflict.set(true);
            return Err(Error::UnrepeatableRead {
                entity: meta.name.to_string(),
                key: match key.as_slice() {
                    [one] => one.to_string(),
                    many => format!(
                        "({})",
                        many.iter()
                            .map(Value::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                },
                column: "(its owner, deleted with its members: another transaction moved it)"
                    .to_string(),
            });
        }
    }
    Ok(())
}

/// Objects of `meta` with these keys were just deleted (in memory): loaded objects let go
/// of them at once, as in PonyORM. An optional reference to one is set to nothing (a change
/// of its object, written before the delete: its row's reference would be set to NULL by
/// the delete anyway), and the column-less side of a one-to-one that named one names
/// nothing (as its row will). What cannot follow now (an object borrowed) follows at the
/// flush, which reports it.
fn let_go_loaded(tx: &Transaction, meta: &'static EntityMeta, keys: &[Vec<Value>]) {
    let width = meta.primary_key.len().max(1);
    for rel in meta.relations {
        if cascaded(meta, rel).is_some() {
            continue;
        }
        let Some(Ok(Partner::Reference { column })) = dependants(meta, rel) else {
            continue;
        };
        let member = (rel.target)();
        if !member.columns.get(column).is_some_and(|c| c.nullable) {
            continue;
        }
        let found = tx
            .shared
            .maps
            .borrow_mut()
            .by_meta(member)
            .and_then(|m| m.referring(column, width, keys));
        if let Some(found) = found {
            found.unset_all(tx);
        }
    }
    for key in keys {
        // (A borrowed holder keeps its value: the flush reports it.)
        let _ = crate::flush::forget_reverse_sides(tx, meta, key);
    }
}

/// The entity a `cascade_delete` relation of `meta` deletes with it, and the column of it
/// that refers to `meta` (a collection's reference, or a one-to-one's other side).
fn cascaded(
    meta: &'static EntityMeta,
    rel: &'static crate::relation::RelationMeta,
) -> Option<(&'static EntityMeta, usize)> {
    match dependants(meta, rel).filter(|_| rel.cascade_delete)? {
        Ok(Partner::Reference { column }) => Some(((rel.target)(), column)),
        _ => None,
    }
}

/// How the rows of relation `rel` of `meta` depend on a row of `meta`: a collection's
/// other side, or the reverse side of a one-to-one (the other side's reference points
/// here); `None` for a relation whose rows do not refer to it.
fn dependants(
    meta: &'static EntityMeta,
    rel: &'static crate::relation::RelationMeta,
) -> Option<std::result::Result<Partner, String>> {
    let one_to_one = rel
        .column
        .and_then(|c| crate::relation::virtual_column(meta, c));
    match (rel.kind, one_to_one) {
        (RelKind::Set, _) => Some(partner(meta, rel)),
        (RelKind::OptionalRef, Some((_, fk))) => Some(Ok(Partner::Reference { column: fk })),
        _ => None,
    }
}

/// Whether the `cascade_delete` relations of `meta`, followed from it, reach an entity with
/// loaded objects.
fn reaches_loaded(
    tx: &Transaction,
    meta: &'static EntityMeta,
    seen: &mut Vec<&'static EntityMeta>,
) -> bool {
    if seen.iter().any(|s| std::ptr::eq(*s, meta)) {
        return false;
    }
    seen.push(meta);
    meta.relations.iter().any(|rel| {
        cascaded(meta, rel).is_some_and(|(member, _)| {
            let loaded = tx
                .shared
                .maps
                .borrow_mut()
                .by_meta(member)
                .is_some_and(|m| m.holds_objects());
            loaded || reaches_loaded(tx, member, seen)
        })
    })
}

/// Rows of `meta` with these keys were deleted by a statement, not through their objects:
/// loaded objects of them are gone, and loaded objects on the column-less side of a
/// one-to-one that referred to them refer to nothing now.
///
/// # Errors
/// [`Error::ObjectBorrowed`] when such an object on the column-less side is borrowed
/// (`obj.get()` held) and cannot let go.
pub(crate) fn rows_gone(
    tx: &Transaction,
    meta: &'static EntityMeta,
    keys: &[Vec<Value>],
) -> Result<()> {
    let links = crate::pairing::stored_links(meta);
    let mut maps = tx.shared.maps.borrow_mut();
    if let Some(map) = maps.by_meta(meta) {
        let mut gone = Vec::new();
        map.forget(keys, &mut gone);
        // Inside a savepoint, a rollback reads them again.
        if tx.shared.savepoints.get() > 0 {
            tx.shared.gone.borrow_mut().extend(gone);
        }
    }
    for &(_, other, reverse) in links {
        if let Some(map) = maps.by_meta(other) {
            for k in keys {
                if let Some(k) = k.first() {
                    if !map.null_column(reverse, std::slice::from_ref(k), false) {
                        return Err(Error::ObjectBorrowed { entity: other.name });
                    }
                }
            }
        }
    }
    Ok(())
}

/// Collects the key columns of each row (the first `width` columns).
pub(crate) struct KeyRows {
    width: usize,
    pub(crate) keys: Vec<Vec<Value>>,
}

impl KeyRows {
    pub(crate) fn new(width: usize) -> Self {
        KeyRows {
            width,
            keys: Vec::new(),
        }
    }
}

impl crate::backend::RowSink for KeyRows {
    fn row<R: crate::entity::RowAccess>(&mut self, row: &R) -> Result<()> {
        let mut key = Vec::with_capacity(self.width);
        for i in 0..self.width {
            key.push(row.value(i)?.to_owned_value());
        }
        self.keys.push(key);
        Ok(())
    }
}
