//! `Query<R>`: a plan plus its parameter values, and the ways to run it.

use std::marker::PhantomData;
use std::sync::Arc;

use crate::backend::Param;
use crate::entity::{Entity, RowAccess};
use crate::obj::Obj;
use crate::plan::{DistinctMode, LockWait, Node, Plan, ProjItem, SqlKey};
use crate::render::{self, Dialect, StatementKind};
use crate::transaction::Transaction;
use crate::types::SqlType;
use crate::value::Value;
use crate::{Error, Result};

mod decode_cx;

pub use decode_cx::DecodeCx;
use decode_cx::Distinct;

/// A query built by `select!`: run it with [`fetch`](Query::fetch), [`first`](Query::first),
/// [`one`](Query::one), [`count`](Query::count), [`exists`](Query::exists) or
/// [`delete`](Query::delete); see its SQL with [`sql`](Query::sql).
///
/// `R` is one result row: `Obj<T>` for an entity, the attribute's type, or a tuple of those.
/// A query is a value: clone it, keep it, return it from a function, refine it with
/// `select!(q.filter(|p| ..))`.
pub struct Query<R> {
    plan: Arc<Plan>,
    params: Vec<Value>,
    pub(crate) limit: Option<i64>,
    offset: Option<i64>,
    distinct: DistinctMode,
    for_update: Option<LockWait>,
    /// What `fetch`, `first` and `one` load with the result (`prefetch`).
    pub(crate) prefetch: crate::prefetch::Steps,
    _row: PhantomData<fn() -> R>,
}

impl<R> Clone for Query<R> {
    fn clone(&self) -> Self {
        Query {
            plan: self.plan.clone(),
            params: self.params.clone(),
            limit: self.limit,
            offset: self.offset,
            distinct: self.distinct,
            for_update: self.for_update,
            prefetch: self.prefetch.clone(),
            _row: PhantomData,
        }
    }
}

impl<R> std::fmt::Debug for Query<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Query")
            .field("sql", &self.sql(Dialect::Sqlite))
            .field("params", &self.params)
            .finish()
    }
}

/// From how many rows a result counts as large (and buffers are sized from the last run).
const LARGE: usize = 64;

/// A value that `q.limit(..)`, `q.offset(..)` and `q.page(..)` accept: any integer.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a number of rows",
    label = "`limit`, `offset` and `page` take an integer"
)]
pub trait RowCount: Copy {
    /// The count, clamped to `0..=i64::MAX`.
    fn to_count(self) -> i64;
}
macro_rules! row_count {
    ($($t:ty),*) => {$(
        impl RowCount for $t {
            #[inline]
            fn to_count(self) -> i64 { i64::try_from(self).unwrap_or(i64::MAX).max(0) }
        }
    )*};
}
row_count!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

/// Rounds the `f64` values compared with `f32` attributes to `f32` (`Node::ParamF32`),
/// makes the integers of a list tested against a float attribute `f64`s, and a whole `f64`
/// compared with a decimal the decimal of its shortest text.
fn round_f32_params(plan: &Plan, params: &mut [Value]) {
    use crate::plan::Items;
    let convert = |how: Items, v: &mut Value| match (how, &*v) {
        (Items::F32, Value::Real(f)) => *v = Value::Real(f64::from(*f as f32)),
        (Items::F64, Value::Int(i)) => *v = Value::Real(*i as f64),
        // (A fraction stays a float: SQLite holds it as the REAL it is, and its shortest
        // text may have more digits than SQLite's decimals.)
        (Items::Decimal, Value::Real(f)) if f.fract() == 0.0 => {
            let whole = crate::exact_decimal::ExactDecimal::from_f64(*f, 17)
                .filter(|d| d.to_i64().is_some());
            if let Some(d) = whole {
                *v = Value::Decimal(d);
            }
        }
        _ => {}
    };
    for &(i, how) in &plan.f32_params {
        match params.get_mut(i) {
            Some(Value::List(items)) => items.iter_mut().for_each(|v| convert(how, v)),
            Some(v) => convert(how, v),
            None => {}
        }
    }
}

impl<R> Query<R> {
    pub(crate) fn from_parts(plan: Arc<Plan>, mut params: Vec<Value>) -> Self {
        if !plan.unread_params.is_empty() {
            plan.drop_unread_params(&mut params);
        }
        round_f32_params(&plan, &mut params);
        Query {
            plan,
            params,
            limit: None,
            offset: None,
            distinct: DistinctMode::Auto,
            for_update: None,
            prefetch: Vec::new(),
            _row: PhantomData,
        }
    }

    pub(crate) fn plan(&self) -> &Arc<Plan> {
        &self.plan
    }

    pub(crate) fn params(&self) -> &[Value] {
        &self.params
    }

    /// Whether the query has a limit or an offset.
    pub(crate) fn is_paged(&self) -> bool {
        self.limit.is_some() || self.offset.is_some()
    }

    pub(crate) fn with_plan(&self, plan: Arc<Plan>, extra: Vec<Value>) -> Self {
        let mut params = self.params.clone();
        params.extend(extra);
        if !plan.unread_params.is_empty() {
            plan.drop_unread_params(&mut params);
        }
        round_f32_params(&plan, &mut params);
        Query {
            plan,
            params,
            limit: self.limit,
            offset: self.offset,
            distinct: self.distinct,
            for_update: self.for_update,
            prefetch: self.prefetch.clone(),
            _row: PhantomData,
        }
    }

    /// At most `n` rows. A query that has a limit keeps the smaller one: a query value
    /// handed out with `.limit(3)` never returns more than 3 rows, whatever limit its caller
    /// adds.
    ///
    /// A limit and an offset are SQL's pair, whichever comes first: `.limit(3).offset(1)` is
    /// rows 2 to 4 (PonyORM's `.limit(3, offset=1)`), so an offset added to a limited query
    /// moves its window past the rows it had, as a page does.
    pub fn limit(mut self, n: impl RowCount) -> Self {
        let n = n.to_count();
        self.limit = Some(self.limit.map_or(n, |before| before.min(n)));
        self
    }

    /// Skips the first `n` rows. Offsets add up (`.offset(2).offset(1)` skips 3 rows); an
    /// offset after a limit is PonyORM's `.limit(n, offset=m)` (see [`Query::limit`]).
    pub fn offset(mut self, n: impl RowCount) -> Self {
        let n = n.to_count();
        self.offset = Some(self.offset.map_or(n, |before| before.saturating_add(n)));
        self
    }

    /// Page `page` (counting from 1) of `size` rows. Page 0 (and a negative page) is page 1,
    /// as a negative count is 0.
    pub fn page(self, page: impl RowCount, size: impl RowCount) -> Self {
        let size = size.to_count();
        let skip = (page.to_count().max(1) - 1).saturating_mul(size);
        self.limit(size).offset(skip)
    }

    /// Makes the rows distinct, whatever the projection.
    pub fn distinct(mut self) -> Self {
        self.distinct = DistinctMode::Always;
        self
    }

    /// Locks the rows of its variables and the objects it returns until the transaction ends
    /// (`SELECT .. FOR UPDATE OF` them on PostgreSQL, not the rows read only in its
    /// conditions; on SQLite the write lock of the whole database, `BEGIN IMMEDIATE`). The
    /// transaction begins writing when the query runs.
    pub fn for_update(mut self) -> Self {
        self.for_update = Some(LockWait::Wait);
        self
    }

    /// The same query without `for_update`: to use a query that locked its rows when it ran
    /// as a value inside another query (`ids.without_lock().contains(..)`), where a lock
    /// would lock nothing (the rows it locked stay locked until the transaction ends).
    pub fn without_lock(mut self) -> Self {
        self.for_update = None;
        self
    }

    /// `for_update` without waiting: rows another transaction has locked make the query
    /// fail at once with [`Error::LockNotAvailable`] (`FOR UPDATE NOWAIT`). On SQLite, which
    /// locks the whole database, the write lock is taken without waiting (no busy timeout).
    pub fn nowait(mut self) -> Self {
        self.for_update = Some(LockWait::NoWait);
        self
    }

    /// `for_update` that leaves out the rows another transaction has locked (`FOR UPDATE
    /// SKIP LOCKED`, for work queues). PostgreSQL only: SQLite locks the whole database, so
    /// there it is [`Error::InvalidQuery`] rather than a query that would not skip.
    pub fn skip_locked(mut self) -> Self {
        self.for_update = Some(LockWait::SkipLocked);
        self
    }

    /// Keeps duplicate rows (turns off the automatic `DISTINCT`).
    pub fn without_distinct(mut self) -> Self {
        self.distinct = DistinctMode::Never;
        self
    }

    pub(crate) fn key(&self, dialect: Dialect, kind: StatementKind) -> SqlKey {
        SqlKey {
            dialect,
            kind,
            distinct: self.plan.is_distinct(self.distinct),
            limit: self.limit.is_some(),
            offset: self.offset.is_some(),
            for_update: self.for_update,
        }
    }

    /// How this query renders inside another (`Node::InQuery`).
    pub(crate) fn sub_flags(&self) -> crate::plan::SubFlags {
        crate::plan::SubFlags {
            distinct: self.plan.is_distinct(self.distinct),
            limit: self.limit.is_some(),
            offset: self.offset.is_some(),
            for_update: self.for_update.is_some(),
        }
    }

    /// The SQL text `fetch` runs in a dialect (placeholders stand for the parameters).
    pub fn sql(&self, dialect: Dialect) -> String {
        render::sql(&self.plan, self.key(dialect, StatementKind::Select)).to_string()
    }

    /// The parameter values of this query, in placeholder order.
    pub fn parameters(&self) -> Vec<Value> {
        let mut params = self.params.clone();
        params.extend(self.limit.map(Value::Int));
        params.extend(self.offset.map(Value::Int));
        params
    }

    pub(crate) fn bound(&self, limit: Option<i64>) -> Vec<Param<'_>> {
        // (An object is bound as its key, a list of objects as their keys: `refuse_dead`
        // checked them.)
        let mut out: Vec<Param<'_>> = self
            .params
            .iter()
            .map(|v| match v {
                Value::Object(o) => Param::Owned(o.key()),
                Value::Objects(l) => Param::Owned(l.keys()),
                v => Param::Owned(v),
            })
            .collect();
        out.reserve(2);
        out.extend(limit.map(|n| Param::Borrowed(crate::ValueRef::Int(n))));
        out.extend(
            self.offset
                .map(|n| Param::Borrowed(crate::ValueRef::Int(n))),
        );
        out
    }

    /// The first problem found while building the plan, as an error (before any SQL runs).
    pub(crate) fn check_problems(&self) -> Result<()> {
        if !self.plan.assignments.is_empty() {
            return Err(Error::InvalidQuery(
                "a query with `.set(..)` runs with `.update(tx)`: it reads nothing".to_string(),
            ));
        }
        self.check_plan()
    }

    /// What the plan could not resolve, as the error of a run.
    pub(crate) fn check_plan(&self) -> Result<()> {
        if let Some(problem) = self.plan.problems.first() {
            return Err(problem.to_error());
        }
        for &i in &self.plan.like_params {
            if let Some(Value::Text(pattern)) = self.params.get(i) {
                crate::like::check_pattern(pattern)?;
            }
        }
        Ok(())
    }

    /// Runs a statement of this query and decodes its rows, through the transaction's
    /// result cache (a `for_update` query always goes to the database).
    fn rows<T: FromRow>(
        &self,
        tx: &Transaction,
        kind: StatementKind,
        limit: Option<i64>,
    ) -> Result<Vec<T>> {
        self.check_problems()?;
        let mut key = self.key(tx.dialect(), kind);
        if self.for_update.is_some() {
            // A lock the statement cannot take is an error, never a statement that runs
            // without it.
            let locks = matches!(kind, StatementKind::Select | StatementKind::First)
                && !key.distinct
                && !self.plan.is_aggregated();
            if !locks {
                return Err(Error::InvalidQuery(
                    "`for_update` locks the rows a query returns: it needs `fetch`, `first` or `one` of a query whose rows are table rows (not DISTINCT, not aggregated; add `.without_distinct()` to a projection that leaves out the key)".to_string(),
                ));
            }
        }
        // (After the query's own misuse is refused: this check writes pending changes.)
        crate::object_param::refuse_dead(tx, &self.params)?;
        tx.flush()?;
        match self.for_update {
            None => {}
            Some(LockWait::SkipLocked) if tx.dialect() == Dialect::Sqlite => {
                return Err(Error::InvalidQuery(
                    "`skip_locked` has no SQLite equivalent: SQLite locks the whole database, not rows (use `nowait` to fail at once instead)".to_string(),
                ));
            }
            Some(LockWait::NoWait) => tx.ensure_writing_now()?,
            Some(_) => tx.ensure_writing()?,
        }
        if self.for_update.is_some() {
            // Rows locked now may hold what another transaction committed after a kept
            // result or a collection was read (PostgreSQL reads each statement's own
            // snapshot): those are not served again, also when the transaction was writing
            // already.
            tx.shared.cache.borrow_mut().locked();
        }
        key.limit = limit.is_some();
        let mut all = self.params.clone();
        all.extend(limit.map(Value::Int));
        all.extend(self.offset.map(Value::Int));
        // A locking query always goes to the database, and so does one that calls
        // `random()`, whose answer is new at each run.
        let cached = self.for_update.is_none() && !self.plan.random;
        if cached {
            if let Some(rows) = tx.shared.cache.borrow().get::<T>(&self.plan, key, &all) {
                return Ok(rows);
            }
        }
        let sql = render::sql(&self.plan, key);
        let params = self.bound(limit);
        // Room for as many rows as the result has where the backend says (PostgreSQL);
        // otherwise for as many as the call site's previous run returned: at once for a
        // small result, and once a result turns out large for a large one (so that a call
        // site whose results vary does not reserve much for nothing).
        let mut hint = self
            .plan
            .rows_hint
            .load(std::sync::atomic::Ordering::Relaxed)
            .min(1 << 16);
        let mut out = match tx.dialect() {
            // (Room made when the first row comes, for as many rows as it says come.)
            Dialect::Postgres => Vec::new(),
            Dialect::Sqlite => Vec::with_capacity(hint.min(LARGE)),
        };
        let distinct = T::IS_OBJECT && self.plan.distinct_objects;
        tx.decode_rows_with(&sql, &params, distinct, |t: T, cx: &mut DecodeCx<'_>| {
            match out.len() {
                0 => match cx.expected_rows() {
                    Some(rows) => {
                        hint = 0;
                        T::reserve(cx, rows);
                        out.reserve_exact(rows);
                    }
                    None => T::reserve(cx, hint.min(LARGE)),
                },
                LARGE if hint > LARGE => {
                    T::reserve(cx, hint - LARGE);
                    out.reserve(hint - LARGE);
                }
                _ => {}
            }
            out.push(t)
        })
        .map_err(|e| self.name_column(e))?;
        self.plan
            .rows_hint
            .store(out.len(), std::sync::atomic::Ordering::Relaxed);
        if cached {
            tx.shared.cache.borrow_mut().put(&self.plan, key, all, &out);
        }
        Ok(out)
    }

    /// Replaces a decode error's result position with the projected expression.
    fn name_column(&self, e: Error) -> Error {
        match e {
            Error::Decode {
                column,
                expected,
                found,
            } if column.starts_with('#') => {
                let pos: usize = column[1..].parse().unwrap_or(usize::MAX);
                Error::Decode {
                    column: describe_output(&self.plan, pos).unwrap_or(column),
                    expected,
                    found,
                }
            }
            other => other,
        }
    }
}

fn describe_output(plan: &Plan, pos: usize) -> Option<String> {
    let mut at = 0;
    for item in &plan.projection {
        let width = match item {
            ProjItem::Entity(s) => plan.sources[*s as usize].entity.columns.len(),
            ProjItem::Expr(_) => 1,
        };
        if pos < at + width {
            return Some(match item {
                ProjItem::Entity(s) => plan.sources[*s as usize].entity.qualified(pos - at),
                ProjItem::Expr(Node::Column { source, column }) => plan.sources[*source as usize]
                    .entity
                    .qualified(*column as usize),
                ProjItem::Expr(_) => format!("result column {}", pos + 1),
            });
        }
        at += width;
    }
    None
}

impl<R: FromRow> Query<R> {
    /// Runs the query and returns every row.
    ///
    /// # Errors
    /// Database errors, [`Error::Decode`], [`Error::UnrepeatableRead`] when a row this
    /// transaction read has changed, or a failed flush of pending changes.
    pub fn fetch(&self, tx: &Transaction) -> Result<Vec<R>> {
        let rows = self.rows(tx, StatementKind::Select, self.limit)?;
        self.prefetched(tx, rows)
    }

    /// Runs the `prefetch` steps on a result.
    fn prefetched(&self, tx: &Transaction, rows: Vec<R>) -> Result<Vec<R>> {
        if !self.prefetch.is_empty() {
            R::prefetch(tx, &rows, &self.prefetch)?;
        }
        Ok(rows)
    }

    /// The first row (in the query's order, or by primary key without `order_by`).
    ///
    /// # Errors
    /// As [`Query::fetch`].
    pub fn first(&self, tx: &Transaction) -> Result<Option<R>> {
        // The query's own limit still holds (`limit(0)` has no first row).
        let limit = Some(self.limit.map_or(1, |n| n.min(1)));
        let rows = self.rows(tx, StatementKind::First, limit)?;
        Ok(self.prefetched(tx, rows)?.into_iter().next())
    }

    /// The only row.
    ///
    /// # Errors
    /// [`Error::NotFound`] without rows, [`Error::MultipleFound`] with more than one; as
    /// [`Query::fetch`].
    pub fn one(&self, tx: &Transaction) -> Result<R> {
        let limit = Some(self.limit.map_or(2, |n| n.min(2)));
        let out: Vec<R> = self.rows(tx, StatementKind::Select, limit)?;
        match out.len() {
            0 => Err(Error::NotFound {
                entity: self.row_name(),
                key: None,
            }),
            1 => Ok(self.prefetched(tx, out)?.remove(0)),
            _ => Err(Error::MultipleFound),
        }
    }

    fn row_name(&self) -> String {
        match self.plan.projection.as_slice() {
            [ProjItem::Entity(s)] => self.plan.sources[*s as usize].entity.name.to_string(),
            _ => "row".to_string(),
        }
    }

    /// How many rows `fetch` would return.
    ///
    /// # Errors
    /// As [`Query::fetch`].
    pub fn count(&self, tx: &Transaction) -> Result<i64> {
        let n: Vec<i64> = self.rows(tx, StatementKind::Count, self.limit)?;
        Ok(n.first().copied().unwrap_or(0))
    }

    /// Whether `fetch` would return at least one row.
    ///
    /// # Errors
    /// As [`Query::fetch`].
    pub fn exists(&self, tx: &Transaction) -> Result<bool> {
        let found: Vec<bool> = self.rows(tx, StatementKind::Exists, self.limit)?;
        Ok(found.first().copied().unwrap_or(false))
    }

    /// The SQL `count` runs (for tests and the curious).
    pub fn count_sql(&self, dialect: Dialect) -> String {
        render::sql(&self.plan, self.key(dialect, StatementKind::Count)).to_string()
    }
}

impl<T: Entity> Query<Obj<T>> {
    /// The SQL `delete` runs (for tests and the curious).
    pub fn delete_sql(&self, dialect: Dialect) -> String {
        render::sql(&self.plan, self.key(dialect, StatementKind::Delete)).to_string()
    }

    /// Deletes every row the query selects, in one statement
    /// (`DELETE .. WHERE key IN (SELECT key ..)`), and returns how many. The query may
    /// navigate, use sub-queries and range over several variables; what it deletes is the
    /// rows of the objects it returns. Objects of those rows loaded in this transaction are
    /// marked deleted. (A query that projects anything else has no `delete`.)
    ///
    /// # Errors
    /// Database errors ([`Error::Constraint`] when another row still refers to one).
    pub fn delete(&self, tx: &Transaction) -> Result<u64> {
        self.check_problems()?;
        tx.flush()?;
        crate::object_param::refuse_dead(tx, &self.params)?;
        tx.ensure_writing()?;
        // Every entity: the schema may cascade the delete (`ON DELETE CASCADE` of a table
        // Colt did not create), or set references to NULL, in other tables.
        tx.shared.cache.borrow_mut().bump_all();
        let key = self.key(tx.dialect(), StatementKind::Delete);
        let sql = render::sql(&self.plan, key);
        let params = self.bound(self.limit);
        let meta = T::meta();
        let mut keys = crate::cascade::KeyRows::new(meta.primary_key.len());
        tx.conn()?.query(&sql, &params, &mut keys)?;
        let deleted = keys.keys;
        // Loaded objects of deleted rows are gone; the column-less sides of one-to-ones
        // that referred to them follow.
        // Rows the schema's own `ON DELETE` deleted or changed in turn. Loaded objects that
        // cannot follow (borrowed) would disagree with the database: the transaction ends.
        let followed = crate::cascade::rows_gone(tx, meta, &deleted)
            .and_then(|()| crate::schema_cascade::follow(tx, meta, &deleted, 0));
        if let Err(e) = followed {
            tx.abort();
            return Err(e);
        }
        Ok(deleted.len() as u64)
    }
}

/// One result row decoded by position: a column type, `Obj<T>`, or a tuple of those.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be decoded from a result row",
    note = "rows decode into column types (i64, String, Option<f64>, ...), `Obj<T>` of an entity, or tuples of those"
)]
pub trait FromRow: Sized + Clone + 'static {
    /// Decodes from position `*idx` on, advancing `*idx` past what it read.
    ///
    /// # Errors
    /// [`Error::Decode`] for a value that does not fit.
    fn from_row<R: RowAccess>(row: &R, idx: &mut usize, cx: &mut DecodeCx<'_>) -> Result<Self>;

    /// Makes room for `rows` more rows where decoding keeps them (the identity map).
    fn reserve(_cx: &mut DecodeCx<'_>, _rows: usize) {}

    /// Whether the row is one entity object (`Obj<T>`).
    const IS_OBJECT: bool = false;

    /// Runs a query's `prefetch` steps on its result (rows of objects only have any).
    #[doc(hidden)]
    fn prefetch(_tx: &Transaction, _rows: &[Self], _steps: &crate::prefetch::Steps) -> Result<()> {
        Ok(())
    }
}

#[diagnostic::do_not_recommend]
impl<T: SqlType> FromRow for T {
    #[inline]
    fn from_row<R: RowAccess>(row: &R, idx: &mut usize, _cx: &mut DecodeCx<'_>) -> Result<Self> {
        let v = row.value(*idx)?;
        let pos = *idx;
        *idx += 1;
        T::from_value_ref(v).map_err(|f| Error::Decode {
            column: format!("#{pos}"),
            expected: f.expected.to_string(),
            found: f.found,
        })
    }
}

#[diagnostic::do_not_recommend]
impl<T: Entity> FromRow for Obj<T> {
    const IS_OBJECT: bool = true;

    fn prefetch(tx: &Transaction, rows: &[Self], steps: &crate::prefetch::Steps) -> Result<()> {
        crate::prefetch::run(tx, rows, steps)
    }

    fn reserve(cx: &mut DecodeCx<'_>, rows: usize) {
        if let Ok((map, _, distinct)) = cx.map::<T>() {
            map.reserve(rows, distinct != Distinct::No);
        }
    }

    #[inline]
    fn from_row<R: RowAccess>(row: &R, idx: &mut usize, cx: &mut DecodeCx<'_>) -> Result<Self> {
        let fresh = T::decode_row(row, *idx)?;
        *idx += T::meta().columns.len();
        let (map, weak, distinct) = cx.map::<T>()?;
        match distinct {
            Distinct::IntoEmpty => Ok(map.add_distinct(fresh, weak)),
            Distinct::IntoLoaded => map.merge_distinct(fresh, weak),
            Distinct::No | Distinct::Asked => map.merge(fresh, weak),
        }
    }
}

/// Any value, as the database gave it.
#[diagnostic::do_not_recommend]
impl FromRow for Value {
    #[inline]
    fn from_row<R: RowAccess>(row: &R, idx: &mut usize, _cx: &mut DecodeCx<'_>) -> Result<Self> {
        let v = row.value(*idx)?.to_owned_value();
        *idx += 1;
        Ok(v)
    }
}

/// A row's values, decoded without the identity map (the caller merges or uses them).
#[derive(Clone)]
pub(crate) struct Fresh<T>(pub(crate) T);

#[diagnostic::do_not_recommend]
impl<T: Entity> FromRow for Fresh<T> {
    fn from_row<R: RowAccess>(row: &R, idx: &mut usize, _cx: &mut DecodeCx<'_>) -> Result<Self> {
        let value = T::decode_row(row, *idx)?;
        *idx += T::meta().columns.len();
        Ok(Fresh(value))
    }
}

/// An optional reference's object: `None` when the joined row is missing.
#[diagnostic::do_not_recommend]
impl<T: Entity> FromRow for Option<Obj<T>> {
    #[inline]
    fn from_row<R: RowAccess>(row: &R, idx: &mut usize, cx: &mut DecodeCx<'_>) -> Result<Self> {
        let meta = T::meta();
        let key_at = *idx + meta.primary_key.first().copied().unwrap_or(0);
        if matches!(row.value(key_at)?, crate::ValueRef::Null) {
            *idx += meta.columns.len();
            return Ok(None);
        }
        Obj::<T>::from_row(row, idx, cx).map(Some)
    }
}

macro_rules! tuple_from_row {
    ($($t:ident),+) => {
        #[diagnostic::do_not_recommend]
        impl<$($t: FromRow),+> FromRow for ($($t,)+) {
            fn reserve(cx: &mut DecodeCx<'_>, rows: usize) {
                $($t::reserve(cx, rows);)+
            }

            #[inline]
            fn from_row<RA: RowAccess>(row: &RA, idx: &mut usize, cx: &mut DecodeCx<'_>) -> Result<Self> {
                Ok(($($t::from_row(row, idx, cx)?,)+))
            }
        }
    };
}
tuple_from_row!(A);
tuple_from_row!(A, B);
tuple_from_row!(A, B, C);
tuple_from_row!(A, B, C, D);
tuple_from_row!(A, B, C, D, E);
tuple_from_row!(A, B, C, D, E, F);
tuple_from_row!(A, B, C, D, E, F, G);
tuple_from_row!(A, B, C, D, E, F, G, H);
tuple_from_row!(A, B, C, D, E, F, G, H, I);
tuple_from_row!(A, B, C, D, E, F, G, H, I, J);
tuple_from_row!(A, B, C, D, E, F, G, H, I, J, K);
tuple_from_row!(A, B, C, D, E, F, G, H, I, J, K, L);
