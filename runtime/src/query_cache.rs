//! The result cache of a transaction (PonyORM's query cache): the same query with the same
//! parameters, run again with no change in between to an entity it reads, does not go to the
//! database. Every write bumps the version of the entity written; raw SQL bumps them all.

use std::any::Any;
use std::collections::HashMap;

use crate::entity::EntityMeta;
use crate::identity_map::FxBuild;
use crate::plan::{Plan, SqlKey};
use crate::value::Value;

/// How many results one transaction keeps.
const CAPACITY: usize = 256;
/// The largest result kept, in rows. Keeping a result costs a second list of its rows for
/// the rest of the transaction; re-running a large query is rare, and when it happens the
/// identity map still returns the same objects (and checks what was read).
pub(crate) const LARGEST: usize = 1000;

struct Entry {
    key: SqlKey,
    params: Vec<Value>,
    /// The versions of the entities read, when the rows were read.
    seen: Vec<(usize, u64)>,
    epoch: u64,
    rows: Box<dyn Any>,
}

/// Results by call-site plan.
#[derive(Default)]
pub(crate) struct QueryCache {
    entries: HashMap<usize, Vec<Entry>, FxBuild>,
    len: usize,
    versions: HashMap<usize, u64, FxBuild>,
    /// Bumped by changes Colt cannot attribute to an entity (raw SQL).
    epoch: u64,
}

fn id(meta: &EntityMeta) -> usize {
    meta as *const EntityMeta as usize
}

impl QueryCache {
    /// `meta`'s rows changed.
    pub(crate) fn bump(&mut self, meta: &EntityMeta) {
        *self.versions.entry(id(meta)).or_insert(0) += 1;
    }

    /// Anything may have changed.
    pub(crate) fn bump_all(&mut self) {
        self.epoch += 1;
    }

    fn version(&self, meta: &EntityMeta) -> u64 {
        self.versions.get(&id(meta)).copied().unwrap_or(0)
    }

    fn fresh(&self, e: &Entry) -> bool {
        e.epoch == self.epoch
            && e.seen
                .iter()
                .all(|(m, v)| self.versions.get(m).copied().unwrap_or(0) == *v)
    }

    /// The rows kept for this statement and these parameters, if nothing they read changed.
    pub(crate) fn get<T: Clone + 'static>(
        &self,
        plan: &Plan,
        key: SqlKey,
        params: &[Value],
    ) -> Option<Vec<T>> {
        let entries = self.entries.get(&(plan as *const Plan as usize))?;
        let e = entries
            .iter()
            .find(|e| e.key == key && e.params == params && self.fresh(e))?;
        e.rows.downcast_ref::<Vec<T>>().cloned()
    }

    /// Keeps rows read by a statement.
    pub(crate) fn put<T: Clone + 'static>(
        &mut self,
        plan: &Plan,
        key: SqlKey,
        params: Vec<Value>,
        rows: &[T],
    ) {
        if rows.len() > LARGEST {
            return;
        }
        if self.len >= CAPACITY {
            self.entries.clear();
            self.len = 0;
        }
        let seen = plan
            .sources
            .iter()
            .map(|s| (id(s.entity), self.version(s.entity)))
            .collect();
        let list = self
            .entries
            .entry(plan as *const Plan as usize)
            .or_default();
        list.retain(|e| !(e.key == key && e.params == params));
        list.push(Entry {
            key,
            params,
            seen,
            epoch: self.epoch,
            rows: Box::new(rows.to_vec()),
        });
        self.len += 1;
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.len = 0;
    }
}
