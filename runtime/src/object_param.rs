//! Objects given to queries (`b.shelf == poetry`): a query keeps the object's key, and when
//! it runs it refuses an object that died since it was given (deleted, displaced by a new
//! row of its key, inserted by a savepoint rolled back since): by then its key may name
//! another row (SQLite gives a freed key again), and the query would answer about that row.
//!
//! A list given to a query (`shelves.contains(&b.shelf)`) that holds such objects is an
//! [`ObjectList`]: the statement binds their keys, and the query refuses the list's objects
//! that died as it refuses one object.
//!
//! A query value is `Send` and outlives transactions, so it keeps no handle to the object:
//! the value given ([`ObjectParam`]) names the transaction and the time on its clock of
//! deaths, and the transaction notes each death (entity, key, time) of an object given to
//! a query.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use std::collections::HashSet;

use crate::entity::EntityMeta;
use crate::held_values::KeyValue;
use crate::identity_map::FxBuild;
use crate::transaction::{Transaction, TxShared};
use crate::value::Value;
use crate::{Error, Result};

/// An object given to a query as a parameter: its key, which the statement binds, and what
/// tells, when the query runs, whether the object died since.
#[derive(Clone)]
pub struct ObjectParam {
    key: Value,
    /// The entity's name, and its metadata's address (which names it: no reference, which
    /// would make the value one of interior mutability).
    entity: &'static str,
    meta: usize,
    /// The object's address in its transaction (which tells it from another object of its
    /// key: a savepoint rolled back brings an object back, and a new one of its key made
    /// inside then goes).
    cell: usize,
    /// The transaction of the object ([`TxShared::object_params`]).
    tx: u64,
    /// The time on that transaction's clock of deaths when the object was given.
    deaths: usize,
}

impl ObjectParam {
    /// The object's key, as the statement binds it.
    pub fn key(&self) -> &Value {
        &self.key
    }

    /// The object's key, taken.
    pub fn into_key(self) -> Value {
        self.key
    }

    /// The name of the object's entity.
    pub fn entity(&self) -> &'static str {
        self.entity
    }
}

/// A list given to a query that holds objects of a transaction (`shelves.contains(&b.shelf)`):
/// the list of keys the statement binds, and the objects, which the query refuses when it
/// runs if one died since.
#[derive(Clone, PartialEq)]
pub struct ObjectList {
    /// A [`Value::List`].
    keys: Value,
    given: Vec<ObjectParam>,
}

impl ObjectList {
    /// The list's values as the statement binds them (a [`Value::List`]: each object its
    /// key).
    pub fn keys(&self) -> &Value {
        &self.keys
    }

    /// The list's values, taken.
    pub fn into_keys(self) -> Value {
        self.keys
    }
}

impl fmt::Debug for ObjectList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.keys, f)
    }
}

/// The parameter of a list whose items are `items` (each a [`crate::TypedParam::__value`]):
/// a [`Value::List`], or, if it holds objects of a transaction, a [`Value::Objects`] (each
/// bound as its key).
pub(crate) fn list(items: impl Iterator<Item = Value>) -> Value {
    let mut given = Vec::new();
    let keys = items
        .map(|v| match v {
            Value::Object(o) => {
                let key = o.key.clone();
                given.push(*o);
                key
            }
            v => v,
        })
        .collect();
    if given.is_empty() {
        Value::List(keys)
    } else {
        Value::Objects(Box::new(ObjectList {
            keys: Value::List(keys),
            given,
        }))
    }
}

impl fmt::Debug for ObjectParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({:?})", self.entity, self.key)
    }
}

impl PartialEq for ObjectParam {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
            && self.meta == other.meta
            && self.cell == other.cell
            && self.tx == other.tx
            && self.deaths == other.deaths
    }
}

/// The transactions' numbers, from 1 (0: no object of the transaction given yet).
static NEXT_TX: AtomicU64 = AtomicU64::new(1);

/// The deaths a transaction noted, each with its time on the transaction's clock (which a
/// savepoint rolled back, taking out the deaths it undid, does not turn back). Only the
/// deaths of objects given to queries are noted: a transaction that deletes a million
/// objects after giving one to a query keeps one death, not a million.
#[derive(Default)]
pub(crate) struct Deaths {
    clock: usize,
    /// Each death: the entity's metadata address, the object's address, its time.
    noted: Vec<(usize, usize, usize)>,
    /// The objects given to queries: their entity's metadata address and key.
    given: HashSet<(usize, KeyValue), FxBuild>,
}

/// How many deaths `tx` noted (a savepoint's mark).
pub(crate) fn mark(tx: &TxShared) -> usize {
    tx.deaths.borrow().as_ref().map_or(0, |d| d.noted.len())
}

/// Forgets the deaths noted after `mark` (a savepoint rolled back: its objects are back).
pub(crate) fn undo_to(tx: &TxShared, mark: usize) {
    if let Some(d) = tx.deaths.borrow_mut().as_mut() {
        d.noted.truncate(mark);
    }
}

impl Deaths {
    fn note(&mut self, meta: &'static EntityMeta, cell: usize, key: &Value) {
        if self
            .given
            .contains(&(address(meta), KeyValue::of(key.clone())))
        {
            self.noted.push((address(meta), cell, self.clock));
            self.clock += 1;
        }
    }

    /// The first of `given` (objects of a list, given together) of the transaction
    /// numbered `tx` that died since it was given: the deaths since looked at once, not once
    /// an object (a long list in a transaction that deletes many would cost their product).
    fn first_dead<'a>(&self, tx: u64, given: &'a [ObjectParam]) -> Option<&'a ObjectParam> {
        let since = given
            .iter()
            .filter(|o| o.tx == tx)
            .map(|o| o.deaths)
            .min()?;
        // The objects dead since the earliest was given; each found among them is then
        // checked against its own time.
        let dead: HashSet<(usize, usize), FxBuild> = self
            .noted
            .iter()
            .rev()
            .take_while(|(_, _, at)| *at >= since)
            .map(|&(meta, cell, _)| (meta, cell))
            .collect();
        if dead.is_empty() {
            return None;
        }
        given.iter().find(|o| {
            o.tx == tx && dead.contains(&(o.meta, o.cell)) && self.died(o.meta, o.cell, o.deaths)
        })
    }

    /// Whether the object at `cell` of the entity at `meta` (their addresses) died at
    /// `since` or later.
    fn died(&self, meta: usize, cell: usize, since: usize) -> bool {
        self.noted
            .iter()
            .rev()
            .take_while(|(_, _, at)| *at >= since)
            .any(|&(m, c, _)| m == meta && c == cell)
    }
}

/// The value of an object of `tx` whose key is `key`, given to a query: from now on the
/// transaction notes the deaths of its objects.
pub(crate) fn object_value(
    meta: &'static EntityMeta,
    cell: usize,
    key: Value,
    tx: &TxShared,
) -> Value {
    let mut number = tx.object_params.get();
    if number == 0 {
        number = NEXT_TX.fetch_add(1, Ordering::Relaxed);
        tx.object_params.set(number);
    }
    let mut deaths = tx.deaths.borrow_mut();
    let deaths = deaths.get_or_insert_with(Default::default);
    deaths
        .given
        .insert((address(meta), KeyValue::of(key.clone())));
    Value::Object(Box::new(ObjectParam {
        key,
        entity: meta.name,
        meta: address(meta),
        cell,
        tx: number,
        deaths: deaths.clock,
    }))
}

/// Notes that the object at `cell` of `meta`, with key `key` (one value per key column),
/// died in `tx`, if it was given to a query (the record exists once one was).
pub(crate) fn note_death(tx: &TxShared, meta: &'static EntityMeta, cell: usize, key: &[Value]) {
    if let ([key], Some(deaths)) = (key, tx.deaths.borrow_mut().as_mut()) {
        deaths.note(meta, cell, key);
    }
}

/// Refuses ([`Error::ObjectDeleted`]) a run of a query given an object of this transaction
/// that died since (pending changes written first: a delete still pending is one).
#[inline]
pub(crate) fn refuse_dead(tx: &Transaction, params: &[Value]) -> Result<()> {
    if tx.shared.object_params.get() == 0 {
        return Ok(());
    }
    refuse_dead_given(tx, params)
}

/// [`refuse_dead`] in a transaction that gave an object to a query.
#[inline(never)]
fn refuse_dead_given(tx: &Transaction, params: &[Value]) -> Result<()> {
    let shared = &tx.shared;
    let number = shared.object_params.get();
    if !params.iter().any(holds_object) {
        return Ok(());
    }
    tx.flush()?;
    let deaths = shared.deaths.borrow();
    let Some(deaths) = deaths.as_ref() else {
        return Ok(());
    };
    let dead = |o: &ObjectParam| o.tx == number && deaths.died(o.meta, o.cell, o.deaths);
    match params.iter().find_map(|p| match p {
        Value::Object(o) => dead(o).then_some(&**o),
        Value::Objects(l) => deaths.first_dead(number, &l.given),
        _ => None,
    }) {
        Some(o) => Err(Error::ObjectDeleted { entity: o.entity }),
        None => Ok(()),
    }
}

fn address(meta: &'static EntityMeta) -> usize {
    meta as *const EntityMeta as usize
}

fn holds_object(v: &Value) -> bool {
    matches!(v, Value::Object(_) | Value::Objects(_))
}
