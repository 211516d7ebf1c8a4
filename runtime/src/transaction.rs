//! Transactions: PonyORM's `db_session`, with an identity map and deferred writes.
//!
//! A transaction reads without locks until its first write is flushed; then it begins the
//! database transaction (SQLite: `BEGIN IMMEDIATE`). Changes made through [`Obj::set`], new
//! objects and deletions are kept in memory and flushed, in the order they were made, before
//! every query and at commit. A failed flush rolls the whole transaction back and closes it.

use std::cell::{Cell, RefCell};
use std::ptr::NonNull;
use std::rc::Rc;
use std::sync::Arc;

use crate::backend::{Conn, Param, RowSink};
use crate::database::DbInner;
use crate::entity::Entity;
use crate::entity::{EntityMeta, RowAccess};
use crate::identity_map::IdentityMaps;
use crate::navigate::{partner, Partner};
use crate::obj::{bit, Obj, ObjCell, ObjState};
use crate::query::{DecodeCx, FromRow};
use crate::relation::{link_table, RelKind};
use crate::render::{quote, Dialect};
use crate::statement_cache::{RelationOp, StatementKey, StatementText};
use crate::value::Value;
use crate::{Error, Result};

/// What a transaction shares with its objects.
pub(crate) struct TxShared {
    pub(crate) closed: Cell<bool>,
    pub(crate) pending: RefCell<Vec<PendingObj>>,
    pub(crate) maps: RefCell<IdentityMaps>,
    pub(crate) cache: RefCell<crate::query_cache::QueryCache>,
}

/// An object with a change to write: a handle to an object of any entity.
pub(crate) struct PendingObj(NonNull<dyn Pending>);

impl PendingObj {
    pub(crate) fn new<T: Entity>(obj: Obj<T>) -> Self {
        let cell: NonNull<ObjCell<T>> = obj.into_raw();
        PendingObj(cell)
    }

    fn cell(&self) -> &dyn Pending {
        // SAFETY: the pending entry owns a count of the cell (taken in `new`), so it is live.
        unsafe { self.0.as_ref() }
    }
}

impl Drop for PendingObj {
    fn drop(&mut self) {
        // SAFETY: gives back the count taken in `new`, once.
        unsafe { self.0.as_ref().release() }
    }
}

/// What the transaction does with an object it knows only as pending.
pub(crate) trait Pending {
    fn flush(&self, tx: &Transaction) -> Result<()>;
    /// The entity, for ordering deletes.
    fn meta(&self) -> &'static EntityMeta;
    /// Whether the pending change is a delete.
    fn is_delete(&self) -> bool;
    /// Gives back one count of the object.
    ///
    /// # Safety
    /// The caller owns a count of this object and does not use it afterwards.
    unsafe fn release(&self);
}

/// A unit of work: an identity map, deferred writes, and (once writing) a database transaction.
///
/// Made by [`crate::Database::transaction`] (commits when the closure returns `Ok`) or
/// [`crate::Database::begin`] (commit with [`Transaction::commit`]; dropped without commit, it
/// rolls back).
pub struct Transaction {
    db: Arc<DbInner>,
    conn: Option<Conn>,
    pub(crate) shared: Rc<TxShared>,
    writing: Cell<bool>,
    serializable: Cell<bool>,
    statements_at_start: u64,
}

impl std::fmt::Debug for Transaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction")
            .field("closed", &self.shared.closed.get())
            .field("writing", &self.writing.get())
            .finish()
    }
}

impl Transaction {
    pub(crate) fn new(db: Arc<DbInner>, conn: Conn) -> Self {
        let statements_at_start = conn.statements();
        Transaction {
            statements_at_start,
            db,
            conn: Some(conn),
            shared: Rc::new(TxShared {
                closed: Cell::new(false),
                pending: RefCell::new(Vec::new()),
                maps: RefCell::new(IdentityMaps::default()),
                cache: RefCell::new(Default::default()),
            }),
            writing: Cell::new(false),
            serializable: Cell::new(false),
        }
    }

    pub(crate) fn check_open(&self) -> Result<()> {
        if self.shared.closed.get() {
            Err(Error::TransactionClosed)
        } else {
            Ok(())
        }
    }

    /// Whether `objects_tx` (an object's back pointer) is this transaction.
    pub(crate) fn owns(&self, objects_tx: &std::rc::Weak<TxShared>) -> bool {
        // A weak pointer keeps the allocation, so a later transaction never has its address.
        std::ptr::eq(objects_tx.as_ptr(), Rc::as_ptr(&self.shared))
    }

    pub(crate) fn conn(&self) -> Result<&Conn> {
        self.check_open()?;
        self.conn.as_ref().ok_or_else(|| Error::TransactionClosed)
    }

    /// The SQL dialect of this transaction's database.
    pub fn dialect(&self) -> Dialect {
        match &self.conn {
            Some(c) => c.dialect(),
            None => Dialect::Sqlite,
        }
    }

    /// Begins the database transaction if it has not begun yet.
    pub(crate) fn ensure_writing(&self) -> Result<()> {
        if !self.writing.get() {
            self.conn()?.begin(self.serializable.get())?;
            self.writing.set(true);
        }
        Ok(())
    }

    /// Begins at once, with the strictest isolation (`db.transaction_serializable`).
    pub(crate) fn begin_serializable(&self) -> Result<()> {
        self.serializable.set(true);
        self.ensure_writing()
    }

    /// Writes every pending change (inserts, updates, deletes, in the order they were made).
    ///
    /// Runs by itself before each query and at commit.
    ///
    /// # Errors
    /// A constraint violation or an optimistic-check failure; the transaction is then rolled
    /// back and closed.
    pub fn flush(&self) -> Result<()> {
        self.check_open()?;
        if self.shared.pending.borrow().is_empty() {
            return Ok(());
        }
        let result = self.flush_pending();
        if result.is_err() {
            self.abort();
        }
        result
    }

    fn flush_pending(&self) -> Result<()> {
        loop {
            let mut batch = std::mem::take(&mut *self.shared.pending.borrow_mut());
            if batch.is_empty() {
                return Ok(());
            }
            order_deletes(&mut batch);
            self.ensure_writing()?;
            for obj in batch {
                obj.cell().flush(self)?;
            }
        }
    }

    /// Flushes and commits.
    ///
    /// # Errors
    /// Whatever the flush or the commit reports; the transaction is rolled back then.
    pub fn commit(mut self) -> Result<()> {
        self.flush()?;
        if self.writing.get() {
            if let Err(e) = self.conn()?.commit() {
                self.abort();
                return Err(e);
            }
            self.writing.set(false);
        }
        self.close();
        Ok(())
    }

    /// Rolls back every change and closes the transaction (dropping it does the same).
    pub fn rollback(mut self) -> Result<()> {
        let result = match (&self.conn, self.writing.get()) {
            (Some(c), true) => c.rollback(),
            _ => Ok(()),
        };
        self.writing.set(false);
        self.close();
        result
    }

    /// Rolls back after a failure, keeping the transaction value (closed).
    fn abort(&self) {
        if self.writing.get() {
            if let Some(c) = &self.conn {
                // Nothing more can be done if the rollback itself fails: the connection is
                // dropped with the transaction and SQLite rolls back on close.
                let _ = c.rollback();
            }
            self.writing.set(false);
        }
        self.shared.closed.set(true);
        self.shared.pending.borrow_mut().clear();
    }

    fn close(&mut self) {
        self.shared.closed.set(true);
        self.shared.pending.borrow_mut().clear();
        self.shared.maps.borrow_mut().clear();
        self.shared.cache.borrow_mut().clear();
        if let Some(conn) = self.conn.take() {
            self.db.release(conn);
        }
    }

    /// The object with this primary key, loaded once per transaction.
    ///
    /// # Errors
    /// Database errors, or a row that does not decode.
    pub fn get<T: Entity>(&self, key: T::Key) -> Result<Option<Obj<T>>> {
        self.check_open()?;
        if let Some(obj) = self.shared.maps.borrow_mut().of::<T>().get(&key) {
            return Ok((!obj.is_deleted()).then(|| obj.clone()));
        }
        self.flush()?;
        let d = self.dialect();
        let sql = T::meta()
            .cache
            .statement(StatementKey::Get(d), || get_sql::<T>(d));
        let params: Params<'_> = (0..T::meta().primary_key.len())
            .map(|i| Param::Borrowed(T::key_ref(&key, i)))
            .collect();
        let mut found = None;
        self.decode(&sql, &params, DecodeCx::new(self), true, |o, _| {
            found = Some(o)
        })?;
        Ok(found)
    }

    /// Loads the object a reference points at. On a miss it loads, in one query, every object
    /// of `T` that the loaded objects refer to and that is not loaded yet, so that following
    /// the same reference from many objects costs one query, not one per object.
    pub(crate) fn get_referenced<T: Entity>(&self, key: T::Key) -> Result<Option<Obj<T>>> {
        self.check_open()?;
        if let Some(obj) = self.shared.maps.borrow_mut().of::<T>().get(&key) {
            return Ok((!obj.is_deleted()).then(|| obj.clone()));
        }
        let meta = T::meta();
        if meta.primary_key.len() != 1 {
            return self.get::<T>(key);
        }
        self.flush()?;
        let mut keys = self.shared.maps.borrow_mut().referenced_unloaded(meta);
        for k in T::key_params(&key) {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        let dialect = self.dialect();
        let sql = meta.cache.statement(StatementKey::Referenced(dialect), || {
            let mut sql = get_sql::<T>(dialect);
            // `.. WHERE "id" = ?1` becomes `.. WHERE "id" IN (list ?1)`.
            if let Some(at) = sql.find(" WHERE ") {
                sql.truncate(at);
            }
            sql.push_str(" WHERE ");
            quote(&mut sql, meta.columns[meta.primary_key[0]].name);
            dialect.syntax().in_list(&mut sql, 0);
            sql
        });
        let list = Value::List(keys);
        self.decode_rows(&sql, &[Param::Owned(&list)], |_: Obj<T>| {})?;
        let found = self.shared.maps.borrow_mut().of::<T>().get(&key).cloned();
        Ok(found.filter(|o| !o.is_deleted()))
    }

    /// How many statements this transaction has sent to the database so far (for tests and
    /// for spotting N+1 patterns).
    pub fn statements_executed(&self) -> u64 {
        match &self.conn {
            Some(c) => c.statements().saturating_sub(self.statements_at_start),
            None => 0,
        }
    }

    /// Like [`Transaction::get`], but a missing row is [`Error::NotFound`].
    ///
    /// # Errors
    /// [`Error::NotFound`], database errors.
    pub fn get_or_err<T: Entity>(&self, key: T::Key) -> Result<Obj<T>> {
        let shown = format!("{key:?}");
        self.get::<T>(key)?.ok_or_else(|| Error::NotFound {
            entity: T::meta().name.to_string(),
            key: Some(shown),
        })
    }

    /// Inserts a new object now (after any pending changes), so that an `auto` key is known
    /// at once and a new object can be referred to right away. Used by the builders the derive
    /// generates (`Product::build()...insert(tx)`).
    ///
    /// # Errors
    /// [`Error::TransactionClosed`]; a constraint violation (the transaction is then rolled
    /// back and closed, as for any failed flush).
    pub fn insert<T: Entity>(&self, value: T) -> Result<Obj<T>> {
        // Earlier changes first, in order.
        self.flush()?;
        let obj = self.shared.maps.borrow_mut().of::<T>().alloc(
            value,
            ObjState::New,
            Rc::downgrade(&self.shared),
        );
        // Written now, without a stay in the pending list.
        let result = self.ensure_writing().and_then(|()| obj.cell().flush(self));
        if result.is_err() {
            self.abort();
        }
        result.map(|()| obj)
    }

    /// Runs a raw SQL statement with the backend's own placeholders (`?` on SQLite) and
    /// returns the number of rows changed. Pending changes are flushed first, and the
    /// database transaction begins (the statement may write).
    ///
    /// # Errors
    /// Database errors, mapped as everywhere ([`Error::Constraint`], ...).
    pub fn execute_sql(&self, sql: &str, params: &[&dyn crate::ToParam]) -> Result<u64> {
        self.flush()?;
        self.ensure_writing()?;
        self.shared.cache.borrow_mut().bump_all();
        let values: Vec<Value> = params.iter().map(|p| p.to_param()).collect();
        let params: Vec<Param<'_>> = values.iter().map(Param::Owned).collect();
        self.conn()?.execute(sql, &params)
    }

    /// Runs a raw SQL query and decodes each row by position into `R` (a tuple of column
    /// types, or one type). Pending changes are flushed first.
    ///
    /// ```
    /// # use colt_runtime::*;
    /// # fn main() -> Result<()> {
    /// let db = Database::open("sqlite::memory:")?;
    /// let rows = db.transaction(|tx| tx.query_sql::<(i64, String)>("SELECT ?, ?", &[&1, &"one"]))?;
    /// assert_eq!(rows, vec![(1, "one".to_string())]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Database errors; [`Error::Decode`] for a value that does not fit.
    pub fn query_sql<R: FromRow>(
        &self,
        sql: &str,
        params: &[&dyn crate::ToParam],
    ) -> Result<Vec<R>> {
        self.flush()?;
        let values: Vec<Value> = params.iter().map(|p| p.to_param()).collect();
        let params: Vec<Param<'_>> = values.iter().map(Param::Owned).collect();
        let mut out = Vec::new();
        self.decode_rows(sql, &params, |r: R| out.push(r))?;
        Ok(out)
    }

    /// Runs a query and decodes each row as `T`.
    pub(crate) fn decode_rows<T: FromRow>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        mut each: impl FnMut(T),
    ) -> Result<()> {
        self.decode_rows_with(sql, params, false, |t, _| each(t))
    }

    /// Runs a query and decodes each row as `T`; `each` also gets the decoding state.
    /// `distinct`: the rows are distinct objects of one entity (`Plan::finish`).
    pub(crate) fn decode_rows_with<T: FromRow>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        distinct: bool,
        each: impl FnMut(T, &mut DecodeCx<'_>),
    ) -> Result<()> {
        let mut cx = DecodeCx::new(self);
        if distinct {
            cx.rows_are_distinct_objects();
        }
        self.decode(sql, params, cx, false, each)
    }

    /// Runs a query and hands each decoded row to `each`; `first_only` stops after the first
    /// row (a lookup by primary key, which need not step on to see there is no second).
    fn decode<T: FromRow>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        cx: DecodeCx<'_>,
        first_only: bool,
        each: impl FnMut(T, &mut DecodeCx<'_>),
    ) -> Result<()> {
        let mut sink = DecodeRows {
            cx,
            each,
            first_only,
            _row: std::marker::PhantomData,
        };
        self.conn()?.query(sql, params, &mut sink)
    }

    pub(crate) fn weak(&self) -> std::rc::Weak<TxShared> {
        Rc::downgrade(&self.shared)
    }
}

/// Decodes rows as `T` for a callback.
struct DecodeRows<'t, T, F> {
    cx: DecodeCx<'t>,
    each: F,
    /// Stop after the first row.
    first_only: bool,
    _row: std::marker::PhantomData<fn() -> T>,
}

impl<T: FromRow, F: FnMut(T, &mut DecodeCx<'_>)> RowSink for DecodeRows<'_, T, F> {
    #[inline]
    fn row<R: RowAccess>(&mut self, row: &R) -> Result<()> {
        let t = T::from_row(row, &mut 0, &mut self.cx)?;
        (self.each)(t, &mut self.cx);
        Ok(())
    }

    fn wants_more(&self) -> bool {
        !self.first_only
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        if self.writing.get() {
            if let Some(c) = &self.conn {
                let _ = c.rollback();
            }
            self.writing.set(false);
        }
        self.close();
    }
}

fn get_sql<T: Entity>(d: Dialect) -> String {
    let meta = T::meta();
    let syntax = d.syntax();
    let mut sql = String::from("SELECT ");
    for i in 0..meta.columns.len() {
        if i > 0 {
            sql.push_str(", ");
        }
        crate::render::column_ref(&mut sql, meta, meta.table, i);
    }
    sql.push_str(" FROM ");
    quote(&mut sql, meta.table);
    sql.push_str(" WHERE ");
    for (i, &k) in meta.primary_key.iter().enumerate() {
        if i > 0 {
            sql.push_str(" AND ");
        }
        quote(&mut sql, meta.columns[k].name);
        sql.push_str(" = ");
        syntax.placeholder(&mut sql, i);
    }
    sql
}

/// Writes and inserts keep their order (a new object's parents exist already: they are
/// inserted at once); deletes go last, the rows that refer to others before those they refer
/// to, so that deleting a parent and its children in one transaction works in any order.
fn order_deletes(batch: &mut [PendingObj]) {
    if !batch.iter().any(|p| p.cell().is_delete()) {
        return;
    }
    let metas: Vec<&'static EntityMeta> = batch.iter().map(|p| p.cell().meta()).collect();
    let order = crate::render::dependency_order(&metas);
    let rank = |m: &'static EntityMeta| order.iter().position(|o| std::ptr::eq(*o, m)).unwrap_or(0);
    // Stable: non-deletes first as they came; then deletes, children (late in the
    // dependency order) first.
    batch.sort_by_key(|p| {
        if p.cell().is_delete() {
            (1, usize::MAX - rank(p.cell().meta()))
        } else {
            (0, 0)
        }
    });
}

impl<T: Entity> Pending for ObjCell<T> {
    fn meta(&self) -> &'static EntityMeta {
        T::meta()
    }

    fn is_delete(&self) -> bool {
        self.state.get() == ObjState::Deleted
    }

    unsafe fn release(&self) {
        // SAFETY: per the contract, the caller's count is handed to this handle and dropped.
        drop(unsafe { Obj::from_raw(NonNull::from(self)) });
    }

    fn flush(&self, tx: &Transaction) -> Result<()> {
        self.queued.set(false);
        tx.shared.cache.borrow_mut().bump(T::meta());
        let result = match self.state.get() {
            ObjState::New => flush_insert(self, tx),
            ObjState::Loaded => flush_update(self, tx),
            ObjState::Deleted => flush_delete(self, tx),
            ObjState::Gone => Ok(()),
        };
        // Name the table written to where the database's message does not.
        result.map_err(|e| match e {
            Error::Constraint {
                kind,
                table,
                column,
                message,
            } if table.is_empty() => Error::Constraint {
                kind,
                table: T::meta().table.to_string(),
                column,
                message,
            },
            other => other,
        })
    }
}

fn flush_insert<T: Entity>(cell: &ObjCell<T>, tx: &Transaction) -> Result<()> {
    let meta = T::meta();
    let d = tx.dialect().syntax();
    let auto = meta.auto_column();
    let cols = meta.cache.insert_columns(|| {
        (0..meta.columns.len())
            .filter(|&i| Some(i) != auto && crate::relation::is_stored(meta, i))
            .collect()
    });
    let sql = statement(meta, StatementKey::Insert(tx.dialect()), || {
        let mut sql = String::from("INSERT INTO ");
        quote(&mut sql, meta.table);
        if cols.is_empty() {
            sql.push_str(" DEFAULT VALUES");
        } else {
            sql.push_str(" (");
            for (n, &i) in cols.iter().enumerate() {
                if n > 0 {
                    sql.push_str(", ");
                }
                quote(&mut sql, meta.columns[i].name);
            }
            sql.push_str(") VALUES (");
            for n in 0..cols.len() {
                if n > 0 {
                    sql.push_str(", ");
                }
                d.placeholder(&mut sql, n);
            }
            sql.push(')');
        }
        if let (Some(a), true) = (auto, d.returning_auto()) {
            sql.push_str(" RETURNING ");
            quote(&mut sql, meta.columns[a].name);
        }
        sql
    });
    let generated = {
        let value = cell.value.borrow();
        let params: Params<'_> = cols
            .iter()
            .map(|&i| Param::Borrowed(value.column_ref(i)))
            .collect();
        tx.conn()?.insert(&sql, &params, auto.is_some())?
    };
    if let Some(id) = generated {
        cell.value.borrow_mut().set_auto_key(id)?;
    }
    cell.state.set(ObjState::Loaded);
    // Everything just written is what the database holds.
    cell.read.set(0);
    tx.shared
        .maps
        .borrow_mut()
        .of::<T>()
        .insert(Obj::from_cell(cell));
    Ok(())
}

/// Column positions; most entities have few columns, so they stay on the stack.
type Columns = smallvec::SmallVec<[usize; 16]>;
/// The parameters of one statement about one object, on the stack for most entities.
type Params<'a> = smallvec::SmallVec<[Param<'a>; 16]>;

/// The columns whose old values an UPDATE or DELETE checks (read, optimistic, stored).
fn checked_columns(meta: &'static EntityMeta, read: u64) -> Columns {
    if !meta.optimistic {
        return Columns::new();
    }
    (0..meta.columns.len())
        .filter(|&i| {
            let col = &meta.columns[i];
            !col.primary_key
                && col.optimistic()
                && read & bit(i) != 0
                && crate::relation::is_stored(meta, i)
        })
        .collect()
}

fn mask(columns: &[usize]) -> u64 {
    columns.iter().fold(0, |m, &i| m | bit(i))
}

/// ` WHERE "key" = ?n .. AND "checked" IS ?m ..`, placeholders numbered from `first`.
fn write_where(sql: &mut String, d: Dialect, meta: &EntityMeta, checked: &[usize], first: usize) {
    let syntax = d.syntax();
    let mut n = first;
    sql.push_str(" WHERE ");
    for (i, &k) in meta.primary_key.iter().enumerate() {
        if i > 0 {
            sql.push_str(" AND ");
        }
        quote(sql, meta.columns[k].name);
        sql.push_str(" = ");
        syntax.placeholder(sql, n);
        n += 1;
    }
    let (is, _) = syntax.null_safe_eq();
    for &c in checked {
        sql.push_str(" AND ");
        quote(sql, meta.columns[c].name);
        sql.push_str(is);
        syntax.placeholder(sql, n);
        n += 1;
    }
}

/// The statement of one shape, from the entity's cache when its columns fit the masks.
fn statement(
    meta: &'static EntityMeta,
    key: StatementKey,
    render: impl FnOnce() -> String,
) -> StatementText {
    if meta.columns.len() < 64 {
        meta.cache.statement(key, render)
    } else {
        StatementText::owned(render())
    }
}

fn flush_update<T: Entity>(cell: &ObjCell<T>, tx: &Transaction) -> Result<()> {
    let meta = T::meta();
    let d = tx.dialect();
    let snapshot = cell.snapshot.borrow();
    let Some(old) = snapshot.as_deref() else {
        return Ok(());
    };
    let value = cell.value.borrow();
    let changed: Columns = (0..meta.columns.len())
        .filter(|&i| !old.column_eq(&value, i) && crate::relation::is_stored(meta, i))
        .collect();
    if !changed.is_empty() {
        let checked = checked_columns(meta, cell.read.get());
        let sql = statement(
            meta,
            StatementKey::Update(d, mask(&changed), mask(&checked)),
            || {
                let mut sql = String::from("UPDATE ");
                quote(&mut sql, meta.table);
                sql.push_str(" SET ");
                for (n, &i) in changed.iter().enumerate() {
                    if n > 0 {
                        sql.push_str(", ");
                    }
                    quote(&mut sql, meta.columns[i].name);
                    sql.push_str(" = ");
                    d.syntax().placeholder(&mut sql, n);
                }
                write_where(&mut sql, d, meta, &checked, changed.len());
                sql
            },
        );
        let params: Params<'_> = changed
            .iter()
            .map(|&i| Param::Borrowed(value.column_ref(i)))
            .chain(
                meta.primary_key
                    .iter()
                    .map(|&k| Param::Borrowed(old.column_ref(k))),
            )
            .chain(checked.iter().map(|&c| Param::Borrowed(old.column_ref(c))))
            .collect();
        let n = tx.conn()?.execute(&sql, &params)?;
        if n == 0 {
            return Err(lost_row(meta, &*value, cell.read.get()));
        }
    }
    drop(value);
    drop(snapshot);
    *cell.snapshot.borrow_mut() = None;
    Ok(())
}

fn flush_delete<T: Entity>(cell: &ObjCell<T>, tx: &Transaction) -> Result<()> {
    let meta = T::meta();
    let d = tx.dialect();
    let snapshot = cell.snapshot.borrow();
    let value = cell.value.borrow();
    let old: &T = snapshot.as_deref().unwrap_or(&value);
    if let Some(key) = T::key_params(&value.key()).first() {
        release_dependants(tx, meta, key, 0)?;
    }
    let checked = checked_columns(meta, cell.read.get());
    let sql = statement(meta, StatementKey::Delete(d, mask(&checked)), || {
        let mut sql = String::from("DELETE FROM ");
        quote(&mut sql, meta.table);
        write_where(&mut sql, d, meta, &checked, 0);
        sql
    });
    let params: Params<'_> = meta
        .primary_key
        .iter()
        .map(|&k| Param::Borrowed(old.column_ref(k)))
        .chain(checked.iter().map(|&c| Param::Borrowed(old.column_ref(c))))
        .collect();
    let n = tx.conn()?.execute(&sql, &params)?;
    drop(params);
    if n == 0 {
        return Err(lost_row(meta, &*value, cell.read.get()));
    }
    let key = value.key();
    drop(value);
    drop(snapshot);
    cell.state.set(ObjState::Gone);
    tx.shared.maps.borrow_mut().of::<T>().remove(&key);
    Ok(())
}

fn lost_row<T: Entity>(meta: &crate::EntityMeta, value: &T, read: u64) -> Error {
    let column = meta
        .columns
        .iter()
        .enumerate()
        .find(|(i, c)| !c.primary_key && c.optimistic() && read & bit(*i) != 0)
        .map(|(_, c)| c.name.to_string())
        .unwrap_or_else(|| "(row deleted)".to_string());
    Error::UnrepeatableRead {
        entity: meta.name.to_string(),
        key: format!("{:?}", value.key()),
        column,
    }
}

/// Before a row of `meta` with key `key` is deleted, as PonyORM does: deletes the members of
/// its `cascade_delete` collections (recursively), sets optional references to it to NULL,
/// and removes its many-to-many links. Required references without `cascade_delete` are left
/// for the database to refuse (`Error::Constraint { kind: ForeignKey }`).
fn release_dependants(
    tx: &Transaction,
    meta: &'static EntityMeta,
    key: &Value,
    depth: usize,
) -> Result<()> {
    tx.shared.cache.borrow_mut().bump_all();
    if depth > 64 {
        return Err(Error::CascadeTooDeep { entity: meta.name });
    }
    let dialect = tx.dialect();
    // The statements of a relation, rendered once and kept in the entity's metadata.
    let sql = |relation: usize,
               op: RelationOp,
               render: &dyn Fn(&dyn crate::render::SqlDialect) -> String| {
        meta.cache
            .statement(StatementKey::Relation(dialect, relation, op), || {
                render(dialect.syntax())
            })
    };
    for (idx, rel) in meta.relations.iter().enumerate() {
        let member = (rel.target)();
        // The reverse side of a one-to-one: the other side's reference points here.
        let one_to_one = rel
            .column
            .and_then(|c| crate::relation::virtual_column(meta, c));
        let shape = match (rel.kind, one_to_one) {
            (RelKind::Set, _) => partner(meta, rel),
            (RelKind::OptionalRef, Some((_, fk))) => Ok(Partner::Reference { column: fk }),
            _ => continue,
        };
        match shape {
            Ok(Partner::Reference { column }) => {
                let fk = member.columns[column].name;
                let pk = member.columns[member.primary_key.first().copied().unwrap_or(0)].name;
                if rel.cascade_delete {
                    let select = sql(idx, RelationOp::CascadeKeys, &|d| {
                        let mut sql = String::from("SELECT ");
                        quote(&mut sql, pk);
                        sql.push_str(" FROM ");
                        quote(&mut sql, member.table);
                        sql.push_str(" WHERE ");
                        quote(&mut sql, fk);
                        sql.push_str(" = ");
                        d.placeholder(&mut sql, 0);
                        sql
                    });
                    let mut keys: Vec<Value> = Vec::new();
                    tx.decode_rows(&select, &[Param::Owned(key)], |k: Value| keys.push(k))?;
                    let delete = sql(idx, RelationOp::CascadeDelete, &|d| {
                        let mut del = String::from("DELETE FROM ");
                        quote(&mut del, member.table);
                        del.push_str(" WHERE ");
                        quote(&mut del, pk);
                        del.push_str(" = ");
                        d.placeholder(&mut del, 0);
                        del
                    });
                    for k in keys {
                        release_dependants(tx, member, &k, depth + 1)?;
                        tx.conn()?.execute(&delete, &[Param::Owned(&k)])?;
                        if let Some(map) = tx.shared.maps.borrow_mut().by_meta(member) {
                            map.forget(&k);
                        }
                    }
                } else if member.columns[column].nullable {
                    let update = sql(idx, RelationOp::SetNull, &|d| {
                        let mut sql = String::from("UPDATE ");
                        quote(&mut sql, member.table);
                        sql.push_str(" SET ");
                        quote(&mut sql, fk);
                        sql.push_str(" = NULL WHERE ");
                        quote(&mut sql, fk);
                        sql.push_str(" = ");
                        d.placeholder(&mut sql, 0);
                        sql
                    });
                    tx.conn()?.execute(&update, &[Param::Owned(key)])?;
                    if let Some(map) = tx.shared.maps.borrow_mut().by_meta(member) {
                        map.null_column(column, key);
                    }
                }
            }
            Ok(Partner::Set { relation }) => {
                let field = member.relations.get(relation).map_or("", |r| r.field);
                let link = link_table(meta, rel, field);
                let delete = sql(idx, RelationOp::UnlinkAll, &|d| {
                    let mut sql = String::from("DELETE FROM ");
                    quote(&mut sql, &link.table);
                    sql.push_str(" WHERE ");
                    quote(&mut sql, &link.owner_column);
                    sql.push_str(" = ");
                    d.placeholder(&mut sql, 0);
                    sql
                });
                tx.conn()?.execute(&delete, &[Param::Owned(key)])?;
            }
            Ok(Partner::OneToOne { .. }) | Err(_) => {}
        }
    }
    Ok(())
}
