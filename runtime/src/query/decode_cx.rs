//! The state of decoding one result: the identity maps borrowed once, and whether its
//! objects may skip the map's lookup because the plan knows them to be distinct rows.

use crate::entity::Entity;
use crate::identity_map::{IdentityMap, IdentityMaps};
use crate::transaction::{Transaction, TxShared};
use crate::{Error, Result};

/// What decoding one result needs besides its rows: the transaction's identity maps, borrowed
/// once per result instead of once per row. Opaque; made by the runtime.
pub struct DecodeCx<'t> {
    tx: &'t Transaction,
    maps: Option<std::cell::RefMut<'t, IdentityMaps>>,
    weak: Option<std::rc::Weak<TxShared>>,
    /// Whether the result's rows are distinct objects of one entity, and how they go into
    /// its map.
    distinct: Distinct,
    /// How many rows the result has, where the backend said before the first.
    expected: Option<usize>,
}

/// Whether the objects of a result can skip the identity map's lookup, or its insertion.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Distinct {
    /// No: rows go through `IdentityMap::merge`.
    No,
    /// The rows are distinct objects of one entity: which of the two below is decided when
    /// the first row comes.
    Asked,
    /// Distinct, and the entity's map was empty: every row is a new object
    /// (`IdentityMap::add_distinct`).
    IntoEmpty,
    /// Distinct, and the map held objects: a row is an object loaded before the result or a
    /// new one, kept without hashing (`IdentityMap::merge_distinct`).
    IntoLoaded,
}

impl<'t> DecodeCx<'t> {
    pub(crate) fn new(tx: &'t Transaction) -> Self {
        DecodeCx {
            tx,
            maps: None,
            weak: None,
            distinct: Distinct::No,
            expected: None,
        }
    }

    /// Notes how many rows the result has (told by the backend before the first row).
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub(crate) fn expect_rows(&mut self, rows: usize) {
        self.expected = Some(rows);
    }

    /// How many rows the result has, if the backend said before the first row.
    pub(crate) fn expected_rows(&self) -> Option<usize> {
        self.expected
    }

    /// Declares the rows distinct objects of one entity (see `Plan::finish`).
    pub(crate) fn rows_are_distinct_objects(&mut self) {
        self.distinct = Distinct::Asked;
    }

    /// The identity map of `T`, the transaction objects point back to, and how the rows go
    /// into the map.
    #[inline]
    pub(crate) fn map<T: Entity>(
        &mut self,
    ) -> Result<(&mut IdentityMap<T>, &std::rc::Weak<TxShared>, Distinct)> {
        if self.maps.is_none() {
            let mut maps = self
                .tx
                .shared
                .maps
                .try_borrow_mut()
                .map_err(|_| Error::ObjectsBusy)?;
            if self.distinct == Distinct::Asked {
                self.distinct = decide(maps.of::<T>());
            }
            self.maps = Some(maps);
            self.weak = Some(self.tx.weak());
        }
        let distinct = self.distinct;
        match (&mut self.maps, &self.weak) {
            (Some(maps), Some(weak)) => Ok((maps.of::<T>(), weak, distinct)),
            _ => unreachable!("both were set above"),
        }
    }
}

/// How the distinct objects of a result go into `map`, as it is when the first row comes:
/// every object loaded before is hashed, for `merge_distinct` to find by one lookup.
fn decide<T: Entity>(map: &mut IdentityMap<T>) -> Distinct {
    if map.is_empty() {
        Distinct::IntoEmpty
    } else {
        map.begin_distinct();
        Distinct::IntoLoaded
    }
}
