//! Loading the members of many owners' collections in one statement, so that following a
//! collection from each of N objects costs one statement per [`BATCH`] owners, not N
//! (`Collection::fetch`), and `Query::prefetch` loads a whole result's at once.
//!
//! The owners' keys are one list parameter, joined as a table: each row says which listed
//! owner the database matched it to, so the grouping is the database's own equality (a
//! collation that matches `'abc'` with `'ABC'` gives the member to both, as a statement per
//! owner would). Owners with a composite key are loaded one statement each.

use std::collections::{HashMap, HashSet};

use crate::backend::Param;
use crate::entity::{Entity, RowAccess};
use crate::identity_map::FxBuild;
use crate::obj::Obj;
use crate::query::{DecodeCx, Fresh, FromRow};
use crate::render::relation::{self as sql_of, Membership};
use crate::statement_cache::{RelationOp, StatementKey};
use crate::transaction::Transaction;
use crate::value::Value;
use crate::{Error, Result};

/// How many owners' collections one implicit load covers: the one asked for and up to this
/// many less one of its loaded siblings whose collections are not loaded yet (enough for a
/// page of results in one statement; a transaction that loaded thousands of owners and
/// follows one collection does not read every one's members).
pub(crate) const BATCH: usize = 100;

/// The key of the owner a row belongs to, after the member's columns.
#[derive(Clone)]
struct OwnerKey<O: Entity>(O::Key);

#[diagnostic::do_not_recommend]
impl<O: Entity> FromRow for OwnerKey<O> {
    fn from_row<R: RowAccess>(row: &R, idx: &mut usize, _cx: &mut DecodeCx<'_>) -> Result<Self> {
        let key = O::decode_key(row, *idx, "owner key")?;
        *idx += O::KEY_WIDTH;
        Ok(OwnerKey(key))
    }
}

/// Whether the members of `O`'s relationship `relation` for `owner` are loaded and still
/// true (flush first: pending changes are not in them).
pub(crate) fn loaded<O: Entity, M: Entity, R>(
    tx: &Transaction,
    relation: usize,
    owner: &O::Key,
    with: impl FnOnce(&[Obj<M>]) -> R,
) -> Option<R> {
    let cache = tx.shared.cache.borrow();
    let sets = tx.shared.sets.borrow();
    sets.members::<O, M>(relation, owner, |m, s| cache.members_fresh(m, s))
        .map(with)
}

/// `first` and up to `BATCH - 1` other loaded, not deleted owners whose collections for
/// `relation` are not loaded (or no longer true).
pub(crate) fn with_siblings<O: Entity, M: Entity>(
    tx: &Transaction,
    relation: usize,
    first: O::Key,
) -> Vec<O::Key> {
    let cache = tx.shared.cache.borrow();
    let sets = tx.shared.sets.borrow();
    let has = sets.has::<O, M>(relation, |m, s| cache.members_fresh(m, s));
    let mut owners = vec![first.clone()];
    if O::KEY_WIDTH != 1 {
        return owners;
    }
    let Ok(mut maps) = tx.shared.maps.try_borrow_mut() else {
        return owners;
    };
    maps.of::<O>()
        .keys_where(BATCH - 1, |k| k != &first && !has(k), &mut owners);
    owners
}

/// What [`load`] loaded.
pub(crate) struct Loaded<M: Entity> {
    /// The members of the first owner asked for, in key order.
    pub(crate) first: Vec<Obj<M>>,
    /// Every member loaded, once each.
    pub(crate) all: Vec<Obj<M>>,
}

/// Loads the members of `O`'s relationship `relation` (`how`) for `owners` (distinct keys)
/// and keeps them in the transaction, in the members' key order, an owner without members
/// with an empty list.
///
/// The first `asked` owners were asked for; the others are loaded siblings taken along. A
/// member of a sibling that this transaction read and another transaction changed since is
/// not an error here (nobody asked for it): that sibling's list is left unloaded, and asking
/// for it later says so, as it would have without the batch.
pub(crate) fn load<O: Entity, M: Entity>(
    tx: &Transaction,
    relation: usize,
    how: &Membership,
    owners: Vec<O::Key>,
    asked: usize,
) -> Result<Loaded<M>> {
    let Some(first_owner) = owners.first().cloned() else {
        return Ok(Loaded {
            first: Vec::new(),
            all: Vec::new(),
        });
    };
    let now = tx.shared.cache.borrow().now();
    let d = tx.dialect();
    let mut lists: HashMap<O::Key, Vec<Obj<M>>, FxBuild> =
        owners.iter().map(|k| (k.clone(), Vec::new())).collect();
    let meta = O::meta();
    let batched = O::KEY_WIDTH == 1 && {
        let key_type = meta.columns[meta.primary_key.first().copied().unwrap_or(0)].ty;
        let sql = meta.cache.statement(
            StatementKey::Relation(d, relation, RelationOp::FetchMany),
            || sql_of::members_of_owners(d, M::meta(), how, key_type),
        );
        let keys = Value::List(owners.iter().flat_map(O::key_params).collect());
        let mut rows: Vec<(M, O::Key)> = Vec::new();
        tx.decode_rows(
            &sql,
            &[Param::Owned(&keys)],
            |(Fresh(m), OwnerKey(k)): (Fresh<M>, OwnerKey<O>)| rows.push((m, k)),
        )?;
        let strict: HashSet<&O::Key, FxBuild> = owners.iter().take(asked).collect();
        let mut unloaded: HashSet<O::Key, FxBuild> = HashSet::default();
        let weak = tx.weak();
        let mut maps = tx
            .shared
            .maps
            .try_borrow_mut()
            .map_err(|_| Error::ObjectsBusy)?;
        let map = maps.of::<M>();
        let mut matched = true;
        for (m, k) in rows {
            let Some(list) = lists.get_mut(&k) else {
                matched = false;
                break;
            };
            let met = tx.shared.met_conflict.get();
            match map.merge(m, &weak) {
                Ok(m) => list.push(m),
                Err(_) if !strict.contains(&k) => {
                    // A conflict in members no one asked for is left for whoever asks
                    // (their owner's collection is not loaded): it must not make a later,
                    // unrelated error of this attempt look retryable.
                    tx.shared.met_conflict.set(met);
                    unloaded.insert(k);
                }
                Err(e) => return Err(e),
            }
        }
        for k in unloaded {
            lists.remove(&k);
        }
        // A key that does not come back as it went (no key type Colt has does that): the
        // members are not grouped by a guess, each owner's are asked for alone.
        matched || {
            lists = owners
                .iter()
                .take(asked)
                .map(|k| (k.clone(), Vec::new()))
                .collect();
            false
        }
    };
    if !batched {
        let sql = meta.cache.statement(
            StatementKey::Relation(d, relation, RelationOp::Fetch),
            || sql_of::members(d, M::meta(), how),
        );
        for (k, list) in lists.iter_mut() {
            let key = O::key_params(k);
            let params: Vec<Param<'_>> = key.iter().map(Param::Owned).collect();
            tx.decode_rows(&sql, &params, |m: Obj<M>| list.push(m))?;
        }
    }
    // (The batch's members were taken in above, the maps borrowed.)
    crate::merged_one_to_one::follow(tx)?;
    // Every member once (a member of two owners of a many-to-many is listed twice).
    let mut seen = HashSet::with_capacity_and_hasher(0, FxBuild::default());
    let all: Vec<Obj<M>> = lists
        .values()
        .flatten()
        .filter(|m| seen.insert(m.key()))
        .cloned()
        .collect();
    let first = lists.get(&first_owner).cloned().unwrap_or_default();
    let cache = tx.shared.cache.borrow();
    tx.shared.sets.borrow_mut().keep::<O, M>(
        relation,
        now,
        |m, s| cache.members_fresh(m, s),
        lists,
    );
    Ok(Loaded { first, all })
}
