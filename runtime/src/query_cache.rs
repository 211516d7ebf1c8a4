//! The result cache of a transaction (PonyORM's query cache): the same query with the same
//! parameters, run again with no write in between, does not go to the database.
//!
//! A kept result is fresh when the transaction wrote nothing after it was kept: any write,
//! as in PonyORM, not only a write to an entity the query reads, since a table may write
//! others by itself (a trigger keeping a total, a cascade). The plan is the key, so keeping a
//! result costs the copy of its rows and parameters, nothing else. Collections loaded in
//! memory follow Colt's own writes per entity (`moved`).

use std::any::Any;
use std::sync::Arc;

use crate::entity::EntityMeta;
use crate::plan::{Plan, SqlKey};
use crate::value::Value;

/// How many results one transaction keeps (a lookup scans them: they are few in a typical
/// transaction, and a loop running one query with ever new parameters starts over at this).
const CAPACITY: usize = 64;
/// The largest result kept, in rows. Keeping a result costs a second list of its rows for
/// the rest of the transaction; re-running a large query is rare, and when it happens the
/// identity map still returns the same objects (and checks what was read).
pub(crate) const LARGEST: usize = 1000;

/// A kept result: a one-row result (a lookup's, `one`'s, `first`'s) inside the entry's box,
/// so that keeping it costs one allocation, not two.
type Rows<T> = smallvec::SmallVec<[T; 1]>;

struct Entry {
    /// Owned: a plan's address is its identity here, and an owned plan's address cannot be
    /// reused by another plan while the entry lives.
    plan: Arc<Plan>,
    key: SqlKey,
    params: Vec<Value>,
    /// The stamp current when the rows were read.
    stamp: u64,
    rows: Box<dyn Any>,
}

/// Results by call-site plan.
#[derive(Default)]
pub(crate) struct QueryCache {
    entries: Vec<Entry>,
    /// Counts writes: every write takes the next stamp.
    clock: u64,
    /// The stamp of the last change Colt cannot attribute to an entity (raw SQL).
    all_written: u64,
    /// Whether [`Self::bump_all`] ran since [`Self::swap_untracked`] last asked.
    untracked: bool,
    /// The stamp of the last write to each entity that can have moved a row from one
    /// collection to another: an insert, a delete, a changed reference (what a loaded
    /// collection of that entity's rows depends on; other updates leave it alone).
    moved: Vec<(*const EntityMeta, u64)>,
}

/// The stamp of `meta` in a list of stamps, 0 when it has none.
fn stamp_of(list: &[(*const EntityMeta, u64)], meta: &EntityMeta) -> u64 {
    let id: *const EntityMeta = meta;
    list.iter().find(|(m, _)| *m == id).map_or(0, |(_, s)| *s)
}

/// Gives `meta` the stamp `now` in a list of stamps.
fn set_stamp(list: &mut Vec<(*const EntityMeta, u64)>, meta: &EntityMeta, now: u64) {
    let id: *const EntityMeta = meta;
    match list.iter_mut().find(|(m, _)| *m == id) {
        Some((_, stamp)) => *stamp = now,
        None => list.push((id, now)),
    }
}

impl QueryCache {
    /// Rows changed (of one entity, and of any other the schema's triggers write).
    pub(crate) fn bump(&mut self) {
        self.clock += 1;
    }

    /// Rows of `meta` were inserted or deleted, or a reference of one changed: which rows
    /// belong to a collection of `meta`'s rows may have changed (and `meta`'s rows did).
    pub(crate) fn bump_members(&mut self, meta: &EntityMeta) {
        self.bump();
        set_stamp(&mut self.moved, meta, self.clock);
    }

    /// The current stamp: what a kept result read now is fresh as of.
    pub(crate) fn now(&self) -> u64 {
        self.clock
    }

    /// Whether the members of collections of `member` rows, read at `stamp`, are still the
    /// members: no row of `member` came, went or changed a reference since, and no raw SQL
    /// or link-table write ran.
    pub(crate) fn members_fresh(&self, member: &EntityMeta, stamp: u64) -> bool {
        self.all_written <= stamp && stamp_of(&self.moved, member) <= stamp
    }

    /// Whether anything may have changed ([`Self::bump_all`]) since the last call, which
    /// starts over with `then` (a savepoint's writes that no object records: see
    /// `savepoint`).
    pub(crate) fn swap_untracked(&mut self, then: bool) -> bool {
        std::mem::replace(&mut self.untracked, then)
    }

    /// The transaction took a lock: what was read before it (kept results, loaded
    /// collections' members) may miss what other transactions committed since.
    pub(crate) fn locked(&mut self) {
        self.clock += 1;
        self.all_written = self.clock;
    }

    /// Anything may have changed.
    pub(crate) fn bump_all(&mut self) {
        self.untracked = true;
        self.clock += 1;
        self.all_written = self.clock;
    }

    /// Whether rows read at `stamp` may still be served: nothing was written since.
    fn fresh(&self, stamp: u64) -> bool {
        self.clock <= stamp
    }

    /// The rows kept for this statement and these parameters, if nothing they read changed.
    pub(crate) fn get<T: Clone + 'static>(
        &self,
        plan: &Plan,
        key: SqlKey,
        params: &[Value],
    ) -> Option<Vec<T>> {
        if self.entries.is_empty() {
            return None;
        }
        let e = self.entries.iter().rev().find(|e| {
            std::ptr::eq(Arc::as_ptr(&e.plan), plan)
                && e.key == key
                && same_params(&e.params, params)
        })?;
        if !self.fresh(e.stamp) {
            return None;
        }
        e.rows.downcast_ref::<Rows<T>>().map(|rows| rows.to_vec())
    }

    /// Keeps rows read by a statement.
    pub(crate) fn put<T: Clone + 'static>(
        &mut self,
        plan: &Arc<Plan>,
        key: SqlKey,
        params: Vec<Value>,
        rows: &[T],
    ) {
        if rows.len() > LARGEST {
            return;
        }
        let entry = Entry {
            plan: plan.clone(),
            key,
            params,
            stamp: self.clock,
            rows: Box::new(rows.iter().cloned().collect::<Rows<T>>()),
        };
        let same = |e: &Entry| {
            Arc::ptr_eq(&e.plan, plan) && e.key == key && same_params(&e.params, &entry.params)
        };
        if let Some(old) = self.entries.iter_mut().find(|e| same(e)) {
            *old = entry;
            return;
        }
        if self.entries.len() >= CAPACITY {
            self.entries.clear();
        }
        self.entries.push(entry);
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.moved.clear();
    }

    /// As new, keeping the lists' room (a recycled transaction state).
    pub(crate) fn reset(&mut self) {
        self.clear();
        self.clock = 0;
        self.all_written = 0;
        self.untracked = false;
    }
}

/// Whether two runs' parameters are the same values, to the bit: `0.0` and `-0.0` are equal
/// numbers but give other results (`x * k`); a NaN is the same as itself.
fn same_params(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| match (a, b) {
            (Value::Real(x), Value::Real(y)) => x.to_bits() == y.to_bits(),
            (Value::List(x), Value::List(y)) => same_params(x, y),
            _ => a == b,
        })
}
