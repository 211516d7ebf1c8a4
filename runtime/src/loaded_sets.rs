//! The collections a transaction has loaded: for each `Set` field, the members of the owners
//! loaded so far (PonyORM keeps a loaded collection in its session too).
//!
//! Loading one owner's collection loads its loaded siblings' too, in the same statement
//! (`Collection::fetch`), and `Query::prefetch` loads those of a whole result; either way the
//! members land here, and the next `fetch`, `count`, `is_empty` or `contains` of one of those
//! owners is answered from here without a statement.
//!
//! A kept list stays true for as long as no row of the member entity comes or goes and no
//! reference of one changes (`QueryCache::bump_members`), and no raw SQL, bulk statement,
//! cascade or link-table write runs (`QueryCache::bump_all`): the first use after such a write
//! drops the relationship's lists and loads again. Updates of other columns keep them, so a
//! loop that loads each owner's members and changes them does not reload every time.

use std::any::Any;
use std::collections::HashMap;

use crate::entity::{Entity, EntityMeta};
use crate::identity_map::FxBuild;
use crate::obj::Obj;

/// The members of one relationship, by owner key: `Lists<O, M>` behind `dyn Any`.
struct Kept {
    owner: *const EntityMeta,
    relation: usize,
    /// The member entity, whose writes end the lists' freshness.
    member: &'static EntityMeta,
    /// The stamp the oldest list was read at.
    stamp: u64,
    lists: Box<dyn Any>,
}

type Lists<O, M> = HashMap<<O as Entity>::Key, Vec<Obj<M>>, FxBuild>;

/// Every loaded collection of a transaction.
#[derive(Default)]
pub(crate) struct LoadedSets {
    kept: Vec<Kept>,
}

impl LoadedSets {
    fn find(&self, owner: &'static EntityMeta, relation: usize) -> Option<&Kept> {
        let id: *const EntityMeta = owner;
        self.kept
            .iter()
            .find(|k| k.owner == id && k.relation == relation)
    }

    /// The loaded members of `O`'s relationship `relation` for `owner`, if they are loaded
    /// and `fresh` says the lists read at their stamp are still true.
    pub(crate) fn members<O: Entity, M: Entity>(
        &self,
        relation: usize,
        owner: &O::Key,
        fresh: impl Fn(&'static EntityMeta, u64) -> bool,
    ) -> Option<&[Obj<M>]> {
        let kept = self.find(O::meta(), relation)?;
        if !fresh(kept.member, kept.stamp) {
            return None;
        }
        let lists = kept.lists.downcast_ref::<Lists<O, M>>()?;
        lists.get(owner).map(Vec::as_slice)
    }

    /// Which of `owners` have fresh lists for `relation` (the others need loading).
    pub(crate) fn has<O: Entity, M: Entity>(
        &self,
        relation: usize,
        fresh: impl Fn(&'static EntityMeta, u64) -> bool,
    ) -> impl Fn(&O::Key) -> bool + '_ {
        let lists = self
            .find(O::meta(), relation)
            .filter(|k| fresh(k.member, k.stamp))
            .and_then(|k| k.lists.downcast_ref::<Lists<O, M>>());
        move |key| lists.is_some_and(|l| l.contains_key(key))
    }

    /// Keeps the lists of these owners (every owner asked for, with its members, in key
    /// order), read at stamp `now`; lists kept before that are no longer fresh are dropped.
    pub(crate) fn keep<O: Entity, M: Entity>(
        &mut self,
        relation: usize,
        now: u64,
        fresh: impl Fn(&'static EntityMeta, u64) -> bool,
        lists: impl IntoIterator<Item = (O::Key, Vec<Obj<M>>)>,
    ) {
        let id: *const EntityMeta = O::meta();
        let at = match self
            .kept
            .iter()
            .position(|k| k.owner == id && k.relation == relation)
        {
            Some(at) => at,
            None => {
                self.kept.push(Kept {
                    owner: id,
                    relation,
                    member: M::meta(),
                    stamp: now,
                    lists: Box::new(Lists::<O, M>::default()),
                });
                self.kept.len() - 1
            }
        };
        let kept = &mut self.kept[at];
        let stale = !fresh(kept.member, kept.stamp);
        let Some(map) = kept.lists.downcast_mut::<Lists<O, M>>() else {
            return;
        };
        if stale || map.is_empty() {
            map.clear();
            kept.stamp = now;
        }
        map.extend(lists);
    }

    /// Whether no list is kept.
    pub(crate) fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// Forgets every list (the transaction ended, or its objects were dropped).
    pub(crate) fn clear(&mut self) {
        self.kept.clear();
    }
}
