//! Inserts: the statement that writes one new object, the same statement for each of many
//! ([`insert_each`]: `insert_many` where the database gives the keys one by one), and
//! multi-row `INSERT`s of objects whose keys are known ([`insert_rows`]).

use std::rc::Rc;

use crate::backend::{InsertRow, Param};
use crate::entity::{Entity, EntityMeta};
use crate::flush::{mapped_new_row, naming_table, reverse_sides, statement, take_stored, Params};
use crate::obj::{Obj, ObjCell, ObjState};
use crate::render;
use crate::statement_cache::{StatementKey, StatementText};
use crate::transaction::Transaction;
use crate::{Error, Result};

/// The columns an insert writes: every stored one but an `auto` key (worked out once).
pub(crate) fn insert_columns(meta: &'static EntityMeta) -> &'static [usize] {
    meta.cache.insert_columns(|| {
        let auto = meta.auto_column();
        (0..meta.columns.len())
            .filter(|&i| Some(i) != auto && crate::relation::is_stored(meta, i))
            .collect()
    })
}

/// What the inserts of one entity's new objects share, worked out once for many.
pub(crate) struct InsertPlan {
    meta: &'static EntityMeta,
    sql: StatementText,
    /// The columns written, in the statement's order.
    cols: &'static [usize],
    auto: Option<usize>,
    after: AfterInsert,
}

/// What follows the insert of an entity's object, worked out once for many.
struct AfterInsert {
    /// The entity stores a side of a one-to-one: loaded objects of the other side follow.
    links: bool,
    /// Some column is read back after the write ([`take_stored`]).
    reads_back: bool,
}

impl AfterInsert {
    fn new(meta: &'static EntityMeta, d: render::Dialect) -> Self {
        AfterInsert {
            links: !crate::pairing::stored_links(meta).is_empty(),
            // (An insert writes every stored column a database may round.)
            reads_back: crate::flush::reads_back(meta, d, u64::MAX),
        }
    }
}

impl InsertPlan {
    pub(crate) fn new(meta: &'static EntityMeta, d: render::Dialect) -> Self {
        let auto = meta.auto_column();
        let cols = insert_columns(meta);
        InsertPlan {
            meta,
            sql: statement(meta, StatementKey::Insert(d), || {
                render::object::insert(meta, d, cols, auto)
            }),
            cols,
            auto,
            after: AfterInsert::new(meta, d),
        }
    }
}

/// Writes the new object of `cell` (a pending insert).
pub(crate) fn flush_insert<T: Entity>(cell: &ObjCell<T>, tx: &Transaction) -> Result<()> {
    let meta = T::meta();
    tx.shared.members_moved(meta);
    let plan = InsertPlan::new(meta, tx.dialect());
    let conn = tx.conn()?;
    insert_one(cell, tx, &plan, &mut |params| {
        conn.insert(&plan.sql, params, plan.auto.is_some())
    })
}

/// Inserts each of `values` by a statement of its own, as [`flush_insert`] writes one
/// object, with what they share worked out once (the statement, the entity's schema, the
/// transaction's marks). Each object is made once its row is written, loaded. For the
/// caller: the pending changes written first, the transaction writing, and its end if this
/// fails.
pub(crate) fn insert_each<T: Entity>(tx: &Transaction, values: Vec<T>) -> Result<Vec<Obj<T>>> {
    let meta = T::meta();
    let plan = InsertPlan::new(meta, tx.dialect());
    crate::savepoint::wrote(tx, meta)?;
    tx.shared.members_moved(meta);
    let shared = Rc::downgrade(&tx.shared);
    let mut objs = Vec::with_capacity(values.len());
    tx.conn()?
        .inserting(&plan.sql, plan.auto.is_some(), |insert| {
            for mut value in values {
                if let Some(id) = write_row(&value, &plan, insert)? {
                    value.set_auto_key(id)?;
                }
                let (obj, old) = {
                    let mut maps = tx.shared.maps.borrow_mut();
                    let map = maps.of::<T>();
                    let obj = map.alloc(value, ObjState::Loaded, shared.clone());
                    // Everything just written is what the database holds.
                    obj.cell().set_wrote(true);
                    let old = map.insert(obj.clone());
                    (obj, old)
                };
                // (As `mapped_new_row`.)
                if let Some(old) = old {
                    crate::flush::displaced(tx, old)?;
                }
                after_insert(obj.cell(), tx, &plan.after)?;
                objs.push(obj);
            }
            Ok(())
        })
        .map_err(|e| naming_table(e, meta))?;
    Ok(objs)
}

/// Inserts the new object of `cell` by `plan`'s statement, run by `insert`: the object takes
/// the key the database gave, and its place in the map. (The loaded collections of its
/// entity are the caller's to mark.)
fn insert_one<T: Entity>(
    cell: &ObjCell<T>,
    tx: &Transaction,
    plan: &InsertPlan,
    insert: &mut InsertRow<'_>,
) -> Result<()> {
    let generated = write_row(&*cell.value.borrow(), plan, insert)?;
    if let Some(id) = generated {
        cell.value.borrow_mut().set_auto_key(id)?;
    }
    loaded_new(cell, tx, &plan.after)
}

/// Writes the row of `value` by `plan`'s statement, run by `insert`; the key the database
/// gave, for an `auto` column.
fn write_row<T: Entity>(
    value: &T,
    plan: &InsertPlan,
    insert: &mut InsertRow<'_>,
) -> Result<Option<i64>> {
    // Filled in place: a list collected elsewhere and moved here copied its whole inline
    // room (some 600 bytes) on every insert.
    let mut params = Params::new();
    for &i in plan.cols {
        params.push(Param::Borrowed(value.column_ref(i)));
    }
    let (written, key) = insert(&params)?;
    if written != 1 || (plan.auto.is_some() && key.is_none()) {
        return Err(not_written(plan.meta, 1, written));
    }
    Ok(key)
}

/// The object of `cell`, whose row was just inserted, is loaded, holds what the row holds,
/// and takes its place in the map.
fn loaded_new<T: Entity>(cell: &ObjCell<T>, tx: &Transaction, after: &AfterInsert) -> Result<()> {
    cell.state.set(ObjState::Loaded);
    // Everything just written is what the database holds.
    cell.set_read(0);
    cell.set_wrote(true);
    mapped_new_row(tx, Obj::from_cell(cell))?;
    after_insert(cell, tx, after)
}

/// What follows a new row in loaded objects: the other side of a one-to-one, and the
/// columns read back.
fn after_insert<T: Entity>(cell: &ObjCell<T>, tx: &Transaction, after: &AfterInsert) -> Result<()> {
    if after.links {
        reverse_sides(&tx.shared, None, Some(&*cell.value.borrow()))?;
    }
    if after.reads_back {
        take_stored(cell, tx, u64::MAX)?;
    }
    Ok(())
}

/// The database wrote `written` of the `expected` new rows of `meta` (a trigger, a rule or a
/// conflict clause skipped the others).
pub(crate) fn not_written(meta: &'static EntityMeta, expected: u64, written: u64) -> Error {
    Error::NotWritten {
        entity: meta.name,
        expected,
        written,
    }
}

/// The most parameters one multi-row `INSERT` binds (SQLite's default limit is 32 766,
/// PostgreSQL's 65 535), and the most rows it holds.
const MAX_PARAMS: usize = 32_766;
const MAX_ROWS: usize = 1_000;

/// Inserts new objects whose keys are given (no `auto` column) with multi-row `INSERT`s:
/// as many rows per statement as the parameter limit allows (at most 1 000).
/// An `auto` key, taken from its sequence beforehand (`insert_many`), is written with the
/// rest (`OVERRIDING SYSTEM VALUE`, for identity columns `GENERATED ALWAYS`).
pub(crate) fn insert_rows<T: Entity>(objs: &[Obj<T>], tx: &Transaction) -> Result<()> {
    let meta = T::meta();
    let d = tx.dialect();
    let auto = meta.auto_column();
    let with_auto: Vec<usize>;
    let cols = match auto {
        Some(a) => {
            with_auto = std::iter::once(a)
                .chain(insert_columns(meta).iter().copied())
                .collect();
            &with_auto[..]
        }
        None => insert_columns(meta),
    };
    let per = (MAX_PARAMS / cols.len().max(1)).clamp(1, MAX_ROWS);
    for chunk in objs.chunks(per) {
        // Keys taken from the sequence (PostgreSQL) come back: the rows must hold them (a
        // `BEFORE INSERT` trigger may set its own), or the objects would name other rows.
        let returned = auto.filter(|_| d == crate::render::Dialect::Postgres);
        let sql = render::object::insert_rows(meta, d, cols, chunk.len(), auto.is_some(), returned);
        let values: Vec<_> = chunk.iter().map(|o| o.cell().value.borrow()).collect();
        let params: Vec<Param<'_>> = values
            .iter()
            .flat_map(|v| cols.iter().map(move |&i| Param::Borrowed(v.column_ref(i))))
            .collect();
        let Some(auto) = returned else {
            let written = tx.conn()?.execute(&sql, &params)?;
            if written != chunk.len() as u64 {
                return Err(not_written(meta, chunk.len() as u64, written));
            }
            continue;
        };
        let mut stored: Vec<i64> = Vec::with_capacity(chunk.len());
        tx.decode_rows(&sql, &params, |k: i64| stored.push(k))?;
        if stored.len() != chunk.len() {
            return Err(not_written(meta, chunk.len() as u64, stored.len() as u64));
        }
        let mut sent: Vec<i64> = values
            .iter()
            .filter_map(|v| match v.column_ref(auto) {
                crate::ValueRef::Int(k) => Some(k),
                _ => None,
            })
            .collect();
        sent.sort_unstable();
        stored.sort_unstable();
        if sent != stored {
            return Err(Error::KeysNotKept { entity: meta.name });
        }
    }
    tx.shared.members_moved(meta);
    let after = AfterInsert::new(meta, d);
    for o in objs {
        loaded_new(o.cell(), tx, &after)?;
    }
    Ok(())
}
