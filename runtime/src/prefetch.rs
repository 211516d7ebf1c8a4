//! [`PrefetchPath::prefetch`] (`query.prefetch(path)`, PonyORM's `prefetch`): with a result, load up front the objects and
//! collections its rows lead to, one statement per step of the path, so that following them
//! afterwards costs no statement.
//!
//! A path is a closure from a row's object to what to load: a collection
//! (`|c| c.invoices()`), a reference (`|i| i.customer()`, `Ref<T>` or `Option<Ref<T>>`), and
//! from there on with [`PrefetchWith::with`] (`|c| c.invoices().with(|i| i.lines())`).

use std::any::Any;
use std::collections::HashSet;
use std::sync::Arc;

use crate::collection::Collection;
use crate::entity::Entity;
use crate::identity_map::FxBuild;
use crate::member_loading;
use crate::obj::Obj;
use crate::relation::Ref;
use crate::transaction::Transaction;
use crate::Result;

/// What [`PrefetchPath::prefetch`] can load from each row's object: a [`Collection`], a [`Ref`], an
/// `Option<Ref>`, or one of those followed further ([`PrefetchWith::with`]).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be prefetched",
    label = "a prefetch path ends in a collection (`c.invoices()`) or a reference (`i.customer()`)"
)]
pub trait Prefetch: Sized + 'static {
    /// The entity of the objects the path reaches.
    type Target: Entity;

    /// Loads what `paths` (one per row) lead to, in as few statements as it can, and returns
    /// the objects reached, each once.
    ///
    /// # Errors
    /// Database errors.
    #[doc(hidden)]
    fn load_all(tx: &Transaction, paths: Vec<Self>) -> Result<Vec<Obj<Self::Target>>>;
}

/// `path.with(next)`: goes on from the objects a prefetch path reaches (in the prelude).
///
/// A trait of its own, like [`PrefetchPath`], so that a next step that loads nothing
/// (`.with(|i| i.id())`) is one error, at the path, with no note pointing into Colt.
#[diagnostic::on_unimplemented(
    message = "`{P}` cannot be prefetched",
    label = "a prefetch path ends in a collection (`c.invoices()`) or a reference (`i.customer()`)"
)]
pub trait PrefetchWith<P>: Prefetch {
    /// The entity `next` reaches.
    type Next: Entity;
    /// Goes on from the objects this path reaches: `|c| c.invoices().with(|i| i.lines())`
    /// loads every result row's invoices, then every one of those invoices' lines.
    fn with<F>(self, next: F) -> With<Self, F, Self::Next>
    where
        F: Fn(&Obj<Self::Target>) -> P + 'static;
}

#[diagnostic::do_not_recommend]
impl<S: Prefetch, P: Prefetch> PrefetchWith<P> for S {
    type Next = P::Target;
    fn with<F>(self, next: F) -> With<Self, F, P::Target>
    where
        F: Fn(&Obj<Self::Target>) -> P + 'static,
    {
        With {
            first: self,
            next,
            _next: std::marker::PhantomData,
        }
    }
}

/// A path followed further: made by [`PrefetchWith::with`]; `N` is the entity `next` reaches.
pub struct With<P, F, N> {
    first: P,
    next: F,
    _next: std::marker::PhantomData<fn() -> N>,
}

/// The step after a path to `T` objects: `F` maps each to a path reaching `Self` objects.
/// (`Self` is the entity reached, so that when the closure gives no path, the one error is
/// the one at `.with` and this bound is left undecided rather than failing a second time.)
#[doc(hidden)]
pub trait NextStep<T: Entity, F>: Entity {
    /// Loads what `next` leads to from each of `reached`.
    fn load_next(tx: &Transaction, reached: &[Obj<T>], next: F) -> Result<Vec<Obj<Self>>>;
}

#[diagnostic::do_not_recommend]
impl<T: Entity, F, Q> NextStep<T, F> for Q::Target
where
    Q: Prefetch,
    F: Fn(&Obj<T>) -> Q,
{
    fn load_next(tx: &Transaction, reached: &[Obj<T>], next: F) -> Result<Vec<Obj<Self>>> {
        Q::load_all(tx, reached.iter().map(|o| unread(o, &next)).collect())
    }
}

#[diagnostic::do_not_recommend]
impl<P, F, N> Prefetch for With<P, F, N>
where
    P: Prefetch,
    F: 'static,
    N: NextStep<P::Target, F>,
{
    type Target = N;

    fn load_all(tx: &Transaction, paths: Vec<Self>) -> Result<Vec<Obj<N>>> {
        let mut next = None;
        let mut firsts = Vec::with_capacity(paths.len());
        for p in paths {
            firsts.push(p.first);
            next.get_or_insert(p.next);
        }
        let Some(next) = next else {
            return Ok(Vec::new());
        };
        let reached = P::load_all(tx, firsts)?;
        N::load_next(tx, &reached, next)
    }
}

#[diagnostic::do_not_recommend]
impl<O: Entity, M: Entity> Prefetch for Collection<O, M> {
    type Target = M;

    fn load_all(tx: &Transaction, paths: Vec<Self>) -> Result<Vec<Obj<M>>> {
        tx.flush()?;
        let mut all = Vec::new();
        let mut seen: HashSet<M::Key, FxBuild> = HashSet::default();
        // One load per relationship (a path may name another collection for some rows).
        let mut relations: Vec<usize> = paths.iter().map(Collection::relation).collect();
        relations.sort_unstable();
        relations.dedup();
        for relation in relations {
            let mut owners: Vec<O::Key> = Vec::new();
            let mut asked: HashSet<O::Key, FxBuild> = HashSet::default();
            let mut shape = None;
            for p in paths.iter().filter(|p| p.relation() == relation) {
                let key = p.owner_key();
                if !asked.insert(key.clone()) {
                    continue;
                }
                let kept = member_loading::loaded::<O, M, _>(tx, relation, key, |l| {
                    all.extend(l.iter().filter(|m| seen.insert(m.key())).cloned());
                });
                if kept.is_none() {
                    owners.push(key.clone());
                    if shape.is_none() {
                        shape = Some(p.membership()?);
                    }
                }
            }
            if let Some(shape) = shape {
                let asked = owners.len();
                let loaded = member_loading::load::<O, M>(tx, relation, &shape, owners, asked)?;
                all.extend(loaded.all.into_iter().filter(|m| seen.insert(m.key())));
            }
        }
        Ok(all)
    }
}

#[diagnostic::do_not_recommend]
impl<T: Entity> Prefetch for Ref<T> {
    type Target = T;

    fn load_all(tx: &Transaction, paths: Vec<Self>) -> Result<Vec<Obj<T>>> {
        load_keys::<T>(tx, paths.iter().map(|r| r.key().clone()).collect())
    }
}

#[diagnostic::do_not_recommend]
impl<T: Entity> Prefetch for Option<Ref<T>> {
    type Target = T;

    fn load_all(tx: &Transaction, paths: Vec<Self>) -> Result<Vec<Obj<T>>> {
        load_keys::<T>(
            tx,
            paths.iter().flatten().map(|r| r.key().clone()).collect(),
        )
    }
}

/// The objects with these keys: those not loaded yet in one statement (one each for a
/// composite key); a key without a row is left out.
fn load_keys<T: Entity>(tx: &Transaction, keys: Vec<T::Key>) -> Result<Vec<Obj<T>>> {
    tx.flush()?;
    let mut seen: HashSet<T::Key, FxBuild> = HashSet::default();
    let keys: Vec<T::Key> = keys
        .into_iter()
        .filter(|k| seen.insert(k.clone()))
        .collect();
    let missing: Vec<T::Key> = {
        let mut maps = tx.shared.maps.borrow_mut();
        let map = maps.of::<T>();
        keys.iter()
            .filter(|k| map.get(k).is_none())
            .cloned()
            .collect()
    };
    if T::KEY_WIDTH == 1 {
        if !missing.is_empty() {
            let keys = missing.iter().flat_map(T::key_params).collect();
            tx.rows_by_keys(T::meta(), keys, |_: Obj<T>| {})?;
        }
    } else {
        for k in missing {
            tx.get::<T>(k)?;
        }
    }
    let mut maps = tx.shared.maps.borrow_mut();
    let map = maps.of::<T>();
    Ok(keys
        .iter()
        .filter_map(|k| map.get(k).filter(|o| !o.is_deleted()).cloned())
        .collect())
}

/// One `prefetch` of a query of `T` objects, its type erased so that `Query<R>` can hold it
/// whatever `R` is.
pub(crate) type PrefetchStep<T> = Arc<dyn Fn(&Transaction, &[Obj<T>]) -> Result<()> + Send + Sync>;

/// A query's prefetch steps (each a `PrefetchStep<T>` of the query's entity).
pub(crate) type Steps = Vec<Arc<dyn Any + Send + Sync>>;

/// The step that loads what `path` leads to from every object of a result.
pub(crate) fn step<T: Entity, P: Prefetch>(
    path: impl Fn(&Obj<T>) -> P + Send + Sync + 'static,
) -> Arc<dyn Any + Send + Sync> {
    let run: PrefetchStep<T> = Arc::new(move |tx, rows| {
        P::load_all(tx, rows.iter().map(|o| unread(o, &path)).collect()).map(drop)
    });
    Arc::new(run)
}

/// `path(o)`, leaving `o`'s columns read as they were: a path's getter (`|i| i.customer()`)
/// marks its attribute read, and the transaction would then take another transaction's
/// change of it for a conflict (loading what it leads to is no read of the program's).
fn unread<T: Entity, P>(o: &Obj<T>, path: impl Fn(&Obj<T>) -> P) -> P {
    let read = o.cell().read();
    let p = path(o);
    o.cell().set_read(read);
    p
}

/// Runs the steps of a query of `T` objects on its result.
pub(crate) fn run<T: Entity>(tx: &Transaction, rows: &[Obj<T>], steps: &Steps) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    for s in steps {
        if let Some(step) = s.downcast_ref::<PrefetchStep<T>>() {
            step(tx, rows)?;
        }
    }
    Ok(())
}

/// `query.prefetch(path)` on a query of objects (in the prelude).
///
/// A trait rather than a method of [`Query`](crate::Query) so that a path that loads nothing
/// (`|c| c.name()`) is one error, "`String` cannot be prefetched", on the query, with no note
/// pointing into Colt.
#[diagnostic::on_unimplemented(
    message = "`{P}` cannot be prefetched",
    label = "a prefetch path ends in a collection (`c.invoices()`) or a reference (`i.customer()`)"
)]
pub trait PrefetchPath<P>: Sized {
    /// The objects the query returns (`Obj<T>`).
    type Object;

    /// Loads, with every result of this query (`fetch`, `first`, `one`), what `path` leads
    /// to from each row's object, one statement per step (PonyORM's `prefetch`): following
    /// it afterwards costs no statement.
    ///
    /// `path` names a collection (`|c| c.invoices()`), a reference (`|i| i.customer()`), or
    /// goes on from one with [`PrefetchWith::with`]
    /// (`|c| c.invoices().with(|i| i.lines())`); call `prefetch` once per path. The loaded
    /// collections stay loaded as [`Collection::fetch`](crate::collection::Collection::fetch)
    /// says.
    #[must_use]
    fn prefetch(self, path: impl Fn(&Self::Object) -> P + Send + Sync + 'static) -> Self;
}

#[diagnostic::do_not_recommend]
impl<T: Entity, P: Prefetch> PrefetchPath<P> for crate::query::Query<Obj<T>> {
    type Object = Obj<T>;
    fn prefetch(mut self, path: impl Fn(&Obj<T>) -> P + Send + Sync + 'static) -> Self {
        self.prefetch.push(step(path));
        self
    }
}
