//! What the schema itself did to the rows that referred to deleted rows: a table Colt did
//! not create may say `ON DELETE CASCADE` or `ON DELETE SET NULL` (or have a trigger),
//! where Colt's own relationships would have refused the delete or left the rows alone.
//!
//! After rows of an entity are deleted (a bulk delete, an object's delete, a cascade), the
//! loaded objects whose reference still names one of them are read again, by key, in one
//! statement per entity: an object whose row is gone is gone (and the rows that referred to
//! it are followed in turn); one whose row is still there takes the reference the row holds
//! now (NULL, or a default), in its value and its snapshot, as Colt's own `SET NULL` does.
//! Other changes of the object are kept. Objects that name no deleted row cost a comparison
//! each, and nothing is read when none does.

use std::collections::HashSet;

use crate::backend::Param;
use crate::entity::{Entity, EntityMeta};
use crate::identity_map::{as_held, FxBuild, IdentityMap, KeyValue};
use crate::obj::{Obj, ObjState};
use crate::statement_cache::StatementKey;
use crate::transaction::Transaction;
use crate::value::Value;
use crate::Result;

/// Loaded objects of one entity that referred to deleted rows, to be read again.
pub(crate) trait Referrers {
    /// The entity.
    fn meta(&self) -> &'static EntityMeta;
    /// Reads the objects' rows again: an object whose row is there takes its reference
    /// columns; the keys of those whose row is gone are returned (still in the map).
    fn settle(self: Box<Self>, tx: &Transaction) -> Result<Vec<Vec<Value>>>;
    /// Marks the objects deleted (members of a deleted owner's `cascade_delete`
    /// collection); returns their keys.
    fn delete_all(self: Box<Self>, tx: &Transaction) -> Vec<Vec<Value>>;
    /// Sets their (optional) reference to nothing, as a change of each object (written
    /// before the delete of the row it named, and checked as read); an object borrowed now
    /// (`obj.get()` held) is left to the flush.
    fn unset_all(self: Box<Self>, tx: &Transaction);
}

/// The objects of `map` whose reference at `column` (`width` columns) names one of
/// `owners`, if any.
pub(crate) fn referring<T: Entity>(
    map: &mut IdentityMap<T>,
    column: usize,
    width: usize,
    owners: &[Vec<Value>],
) -> Option<Box<dyn Referrers>> {
    if map.is_empty() {
        return None;
    }
    let meta = T::meta();
    let owners: Vec<Vec<Value>> = owners
        .iter()
        .map(|o| {
            o.iter()
                .take(width)
                .enumerate()
                .map(|(k, v)| crate::identity_map::as_held(meta, column + k, v.clone()))
                .collect()
        })
        .collect();
    let single: std::collections::HashSet<
        crate::identity_map::KeyValue,
        crate::identity_map::FxBuild,
    > = if width == 1 {
        owners
            .iter()
            .filter_map(|o| o.first().cloned())
            .map(crate::identity_map::KeyValue::of)
            .collect()
    } else {
        Default::default()
    };
    let mut objects = Vec::new();
    for obj in map.objects() {
        let cell = obj.cell();
        if cell.state.get() != ObjState::Loaded {
            continue;
        }
        let Ok(value) = cell.value.try_borrow() else {
            continue;
        };
        let refers = if width == 1 {
            let v = value.column_ref(column).to_owned_value();
            !matches!(v, Value::Null) && single.contains(&crate::identity_map::KeyValue::of(v))
        } else {
            owners.iter().any(|o| {
                o.iter().enumerate().all(|(k, held)| {
                    crate::identity_map::same_value(
                        value.column_ref(column + k).to_owned_value(),
                        held,
                    )
                })
            })
        };
        if refers {
            objects.push(obj.clone());
        }
    }
    (!objects.is_empty()).then(|| {
        Box::new(Referring {
            objects,
            columns: column..column + width,
        }) as Box<dyn Referrers>
    })
}

/// The loaded objects, by entity, whose reference to `target` names one of `keys`.
fn referring_to(
    maps: &mut crate::identity_map::IdentityMaps,
    target: &'static EntityMeta,
    keys: &[Vec<Value>],
) -> Vec<Box<dyn Referrers>> {
    let mut out = Vec::new();
    for map in maps.each() {
        let meta = map.meta();
        for rel in meta.relations {
            let Some(column) = rel.column else { continue };
            // A stored reference to `target` (the column-less side of a one-to-one has a
            // virtual column and no value of its own).
            if !std::ptr::eq((rel.target)(), target)
                || crate::relation::virtual_column(meta, column).is_some()
            {
                continue;
            }
            out.extend(map.referring(column, rel.width().max(1), keys));
        }
    }
    out
}

/// Objects of `T` that referred to deleted rows through `columns`.
struct Referring<T: Entity> {
    objects: Vec<Obj<T>>,
    columns: std::ops::Range<usize>,
}

impl<T: Entity> Referrers for Referring<T> {
    fn meta(&self) -> &'static EntityMeta {
        T::meta()
    }

    fn delete_all(self: Box<Self>, tx: &Transaction) -> Vec<Vec<Value>> {
        // The reference that made each a member is read: its delete checks the row still
        // names the owner (another transaction may have moved it since it was loaded).
        let named = self.columns.clone().fold(0, |m, i| m | crate::obj::bit(i));
        self.objects
            .iter()
            .filter(|o| {
                let cell = o.cell();
                cell.mark_read(named);
                o.mark_deleted(tx)
            })
            .map(|o| T::key_params(&o.key()))
            .collect()
    }

    fn unset_all(self: Box<Self>, tx: &Transaction) {
        for o in &self.objects {
            if o.let_go(self.columns.clone()) {
                o.queue(&tx.shared);
            }
        }
    }

    fn settle(self: Box<Self>, tx: &Transaction) -> Result<Vec<Vec<Value>>> {
        let mut rows = crate::savepoint::rows_of::<T>(tx, self.objects.iter().map(Obj::key))?;
        let mut gone = Vec::new();
        for o in &self.objects {
            let key = o.key();
            let Some(fresh) = rows.remove(&key) else {
                gone.push(T::key_params(&key));
                continue;
            };
            let cell = o.cell();
            // Borrowed (`obj.get()` held): it would keep naming the deleted row.
            let Ok(mut value) = cell.value.try_borrow_mut() else {
                return Err(crate::Error::ObjectBorrowed {
                    entity: T::meta().name,
                });
            };
            for i in self.columns.clone() {
                value.copy_column(&fresh, i);
            }
            if tx.shared.savepoints.get() > 0 {
                let written = self.columns.clone().fold(0, |m, i| m | crate::obj::bit(i));
                crate::savepoint::wrote_inside(tx, cell, written);
            }
            cell.with_snapshot(|snap| {
                if let Some(snap) = snap {
                    for i in self.columns.clone() {
                        snap.copy_column(&fresh, i);
                    }
                }
            });
        }
        Ok(gone)
    }
}

/// Rows of `meta` with these keys were deleted: loaded objects that referred to them follow
/// what the schema did (see the module). `depth` bounds a chain of cascades.
///
/// # Errors
/// Database errors; [`crate::Error::ObjectBorrowed`] when such an object is borrowed
/// (`obj.get()` held) and cannot take its row's reference.
pub(crate) fn follow(
    tx: &Transaction,
    meta: &'static EntityMeta,
    keys: &[Vec<Value>],
    depth: usize,
) -> Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    if depth > 64 {
        return Err(crate::Error::CascadeTooDeep { entity: meta.name });
    }
    let found = referring_to(&mut tx.shared.maps.borrow_mut(), meta, keys);
    settle_all(tx, found, depth + 1)?;
    if depth == 0 {
        through_unloaded_rows(tx, meta)?;
    }
    Ok(())
}

/// Follows the rows the flush under way deleted ([`TxShared::deleted`]), once per entity.
///
/// [`TxShared::deleted`]: crate::transaction::TxShared
///
/// # Errors
/// As [`follow`].
pub(crate) fn follow_deleted(tx: &Transaction) -> Result<()> {
    let deleted = std::mem::take(&mut *tx.shared.deleted.borrow_mut());
    let mut by_entity: Vec<(&'static EntityMeta, Vec<Vec<Value>>)> = Vec::new();
    for (meta, key) in deleted {
        match by_entity.iter_mut().find(|(m, _)| std::ptr::eq(*m, meta)) {
            Some((_, keys)) => keys.push(key),
            None => by_entity.push((meta, vec![key])),
        }
    }
    for (meta, keys) in by_entity {
        follow(tx, meta, &keys, 0)?;
    }
    Ok(())
}

/// Rows between the deleted ones and loaded objects that were not loaded themselves (a
/// loaded line whose receipt was not loaded, when its shop is deleted): the rows of such an
/// entity that loaded objects refer to are looked up, and those that are gone are followed
/// as deleted rows. Nothing is read unless loaded objects refer to unloaded rows of an
/// entity that refers, by a chain of references, to `target`.
fn through_unloaded_rows(tx: &Transaction, target: &'static EntityMeta) -> Result<()> {
    let candidates: Vec<&'static EntityMeta> = {
        let mut maps = tx.shared.maps.borrow_mut();
        let mut out: Vec<&'static EntityMeta> = Vec::new();
        for map in maps.each() {
            let meta = map.meta();
            // (The column-less side of a one-to-one too: it names its partner's row.)
            for rel in meta.relations {
                if rel.column.is_none() {
                    continue;
                }
                // `target` itself when it refers to itself: the schema may delete more of
                // its rows (a tree's branches) than the statement named.
                let x = (rel.target)();
                if !out.iter().any(|o| std::ptr::eq(*o, x)) && refers_to(x, target, &mut Vec::new())
                {
                    out.push(x);
                }
            }
        }
        out
    };
    let (composite, candidates): (Vec<_>, Vec<_>) = candidates
        .into_iter()
        .partition(|x| x.primary_key.len() > 1);
    for x in composite {
        through_unloaded_composite_rows(tx, x)?;
    }
    let d = tx.dialect();
    for x in candidates {
        let wanted = tx.shared.maps.borrow_mut().referenced_unloaded(x);
        if wanted.is_empty() {
            continue;
        }
        let sql = x.cache.statement(StatementKey::Existing(d), || {
            crate::render::object::existing_keys(x, d)
        });
        let list = Value::List(wanted.clone());
        let mut found = crate::cascade::KeyRows::new(1);
        tx.conn()?.query(&sql, &[Param::Owned(&list)], &mut found)?;
        let found: std::collections::HashSet<KeyValue, FxBuild> = found
            .keys
            .into_iter()
            .filter_map(|k| k.into_iter().next())
            .map(|v| KeyValue::of(as_held(x, x.primary_key[0], v)))
            .collect();
        let gone: Vec<Vec<Value>> = wanted
            .into_iter()
            .filter(|k| !found.contains(&KeyValue::of(k.clone())))
            .map(|k| vec![k])
            .collect();
        if gone.is_empty() {
            continue;
        }
        // A loaded object on the column-less side of a one-to-one lets go of a gone row.
        crate::cascade::rows_gone(tx, x, &gone)?;
        follow(tx, x, &gone, 1)?;
    }
    Ok(())
}

/// [`through_unloaded_rows`] for an entity `x` with a composite key: the rows of `x` that
/// loaded objects refer to and that are not loaded are looked up one by one (by key, every
/// column), and the loaded objects that refer to those gone are read again (their own rows
/// gone with them, or not). Reading again the referrers of rows still there took, without
/// a check, what another transaction had written to their references since.
fn through_unloaded_composite_rows(tx: &Transaction, x: &'static EntityMeta) -> Result<()> {
    let named = {
        let mut maps = tx.shared.maps.borrow_mut();
        let mut named: Vec<Vec<Value>> = Vec::new();
        for map in maps.each() {
            let meta = map.meta();
            for rel in meta.relations {
                let Some(column) = rel.column else { continue };
                if std::ptr::eq((rel.target)(), x)
                    && crate::relation::virtual_column(meta, column).is_none()
                {
                    map.column_tuples(column, rel.width().max(1), &mut named);
                }
            }
        }
        if let Some(loaded) = maps.by_meta(x) {
            named.retain(|key| {
                let key: Vec<crate::ValueRef<'_>> = key.iter().map(Value::as_ref).collect();
                !loaded.is_loaded(&key)
            });
        }
        // A set, not a list: many referrers may name one row.
        let mut seen: HashSet<Vec<KeyValue>, FxBuild> = HashSet::default();
        named.retain(|key| seen.insert(key.iter().cloned().map(KeyValue::of).collect()));
        named
    };
    if named.is_empty() {
        return Ok(());
    }
    let d = tx.dialect();
    let sql = x
        .cache
        .statement(StatementKey::Get(d), || crate::render::object::get(x, d));
    let mut gone = Vec::new();
    for key in named {
        let params: Vec<Param<'_>> = key.iter().map(Param::Owned).collect();
        let mut found = crate::cascade::KeyRows::new(0);
        tx.conn()?.query(&sql, &params, &mut found)?;
        if found.keys.is_empty() {
            gone.push(key);
        }
    }
    if gone.is_empty() {
        return Ok(());
    }
    let suspects = referring_to(&mut tx.shared.maps.borrow_mut(), x, &gone);
    settle_all(tx, suspects, 1)
}

/// Reads the objects of `found` again; the rows gone among them are followed in turn (at
/// `depth`).
fn settle_all(tx: &Transaction, found: Vec<Box<dyn Referrers>>, depth: usize) -> Result<()> {
    for referrers in found {
        let of = referrers.meta();
        let gone = referrers.settle(tx)?;
        if !gone.is_empty() {
            crate::cascade::rows_gone(tx, of, &gone)?;
            follow(tx, of, &gone, depth)?;
        }
    }
    Ok(())
}

/// Whether `from` refers to `target` by a chain of stored references.
fn refers_to(
    from: &'static EntityMeta,
    target: &'static EntityMeta,
    seen: &mut Vec<&'static EntityMeta>,
) -> bool {
    if seen.iter().any(|s| std::ptr::eq(*s, from)) {
        return false;
    }
    seen.push(from);
    from.relations.iter().any(|rel| {
        let Some(column) = rel.column else {
            return false;
        };
        if crate::relation::virtual_column(from, column).is_some() {
            return false;
        }
        let next = (rel.target)();
        std::ptr::eq(next, target) || refers_to(next, target, seen)
    })
}
