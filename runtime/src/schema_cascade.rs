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

use crate::entity::{Entity, EntityMeta};
use crate::identity_map::IdentityMap;
use crate::obj::{Obj, ObjState};
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
    for referrers in found {
        let of = referrers.meta();
        let gone = referrers.settle(tx)?;
        if !gone.is_empty() {
            crate::cascade::rows_gone(tx, of, &gone);
            follow(tx, of, &gone, depth + 1)?;
        }
    }
    Ok(())
}
