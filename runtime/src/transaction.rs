//! Transactions: PonyORM's `db_session`, with an identity map and deferred writes.
//!
//! A transaction reads without locks until its first write is flushed; then it begins the
//! database transaction (SQLite: `BEGIN IMMEDIATE`). Changes made through [`Obj::set`], new
//! objects and deletions are kept in memory and flushed, in the order they were made, before
//! every query and at commit. A failed flush rolls the whole transaction back and closes it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use crate::backend::{Conn, Param, RowSink};
use crate::database::DbInner;
use crate::entity::{Entity, RowAccess};
use crate::flush::{order_deletes, Params};
use crate::identity_map::IdentityMaps;
use crate::obj::pending::{Pending, PendingObj};
use crate::obj::{Obj, ObjState};
use crate::query::{DecodeCx, FromRow};
use crate::render::{self, Dialect};
use crate::statement_cache::StatementKey;
use crate::value::Value;
use crate::{Error, Result};

/// What a transaction shares with its objects.
pub(crate) struct TxShared {
    pub(crate) closed: Cell<bool>,
    /// The transaction ended inside a savepoint whose objects could not be put back: no
    /// enclosing savepoint opens it again (see [`Transaction::end`]).
    pub(crate) ended: Cell<bool>,
    pub(crate) pending: RefCell<Vec<PendingObj>>,
    pub(crate) maps: RefCell<IdentityMaps>,
    pub(crate) cache: RefCell<crate::query_cache::QueryCache>,
    /// The collections loaded so far.
    pub(crate) sets: RefCell<crate::loaded_sets::LoadedSets>,
    /// How many `savepoint` closures are running.
    pub(crate) savepoints: Cell<u32>,
    /// Objects deleted inside running savepoints (read again if one rolls back).
    pub(crate) gone: RefCell<Vec<PendingObj>>,
    /// One-to-one moves seen in rows read again, to follow once the result is read (see
    /// `merged_one_to_one`).
    pub(crate) one_to_one_moves: RefCell<Vec<crate::merged_one_to_one::Move>>,
    /// What this transaction wrote inside running savepoints: what a rollback undoes, where
    /// the other columns read inside keep the value read (see `savepoint`).
    pub(crate) written_inside: RefCell<crate::savepoint::WrittenInside>,
    /// An optimistic check failed ([`crate::Error::UnrepeatableRead`]): another attempt may
    /// not fail it.
    pub(crate) met_conflict: Cell<bool>,
    /// Rows deleted by the flush under way, by entity: followed once at its end (see
    /// `schema_cascade`).
    pub(crate) deleted: RefCell<Vec<(&'static crate::EntityMeta, Vec<crate::Value>)>>,
    /// Rows not loaded through which a delete reached loaded objects it deleted with its
    /// owner (`cascade::delete_loaded_members`): each must be gone once the flush has run
    /// the cascades, or another transaction moved it meanwhile (checked by the flush).
    pub(crate) reached_through: RefCell<Vec<(&'static crate::EntityMeta, Vec<crate::Value>)>>,
    /// Keys of deleted objects (or objects a rolled-back savepoint inserted) the program
    /// made references of: a write of such a reference is refused (`ObjectDeleted`), since
    /// the key may meanwhile name another row (SQLite gives a freed key again).
    pub(crate) dead_refs: RefCell<Vec<(&'static crate::EntityMeta, Vec<crate::Value>)>>,
    /// Whether each entity's table has triggers or rules, as asked of the catalogue by a
    /// write inside a savepoint (`savepoint::wrote`).
    pub(crate) triggered: RefCell<Vec<(&'static crate::EntityMeta, bool)>>,
    /// The transaction's number once one of its objects was given to a query (0 before):
    /// the query checks, when it runs, that the object did not die since (`object_param`).
    pub(crate) object_params: Cell<u64>,
    /// The objects that died (deleted, displaced, undone by a savepoint) since one was
    /// given to a query: their entity and key.
    /// (Made when the first object is given to a query.)
    pub(crate) deaths: RefCell<Option<Box<crate::object_param::Deaths>>>,
}

impl TxShared {
    /// Rows of `meta` came, went or changed a reference: the loaded collections of them are
    /// no longer true. (With no collection loaded there is nothing to mark: lists loaded
    /// later are read after this. Were the result cache borrowed, the loaded collections are
    /// forgotten instead.)
    pub(crate) fn members_moved(&self, meta: &'static crate::EntityMeta) {
        if self.sets.try_borrow().is_ok_and(|s| s.is_empty()) {
            return;
        }
        let bumped = self
            .cache
            .try_borrow_mut()
            .map(|mut cache| cache.bump_members(meta))
            .is_ok();
        if !bumped {
            if let Ok(mut sets) = self.sets.try_borrow_mut() {
                *sets = Default::default();
            }
        }
    }
}

/// What a closed transaction leaves to the thread's next one: its emptied identity maps
/// (one per entity it used, each keeping its room when small), result cache and list of
/// pending objects. Taking them saves a short transaction most of its allocations. None of
/// them refers to the transaction (objects point to their chunk, which points to the
/// transaction; emptied maps hold neither), so they can serve another one even while
/// objects of the first are still held.
struct Spare {
    maps: IdentityMaps,
    cache: crate::query_cache::QueryCache,
    pending: Vec<PendingObj>,
}

thread_local! {
    static SPARE: Cell<Option<Spare>> = const { Cell::new(None) };
}

/// How many pending objects an emptied list keeps room for.
const KEPT_ROOM: usize = 1024;

/// A unit of work: an identity map, deferred writes, and (once writing) a database transaction.
///
/// Made by [`crate::Database::transaction`] (commits when the closure returns `Ok`) or
/// [`crate::Database::begin`] (commit with [`Transaction::commit`]; dropped without commit, it
/// rolls back).
pub struct Transaction {
    db: Arc<DbInner>,
    conn: Option<Box<Conn>>,
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
    pub(crate) fn new(db: Arc<DbInner>, conn: Box<Conn>) -> Self {
        let statements_at_start = conn.statements();
        conn.forget_retryable();
        Transaction {
            statements_at_start,
            db,
            conn: Some(conn),
            shared: {
                let spare = SPARE.try_with(Cell::take).ok().flatten();
                let (maps, cache, pending) = match spare {
                    Some(s) => (s.maps, s.cache, s.pending),
                    None => Default::default(),
                };
                Rc::new(TxShared {
                    closed: Cell::new(false),
                    ended: Cell::new(false),
                    pending: RefCell::new(pending),
                    maps: RefCell::new(maps),
                    cache: RefCell::new(cache),
                    sets: RefCell::new(Default::default()),
                    savepoints: Cell::new(0),
                    gone: RefCell::new(Vec::new()),
                    written_inside: RefCell::default(),
                    one_to_one_moves: RefCell::default(),
                    met_conflict: Cell::new(false),
                    deleted: RefCell::new(Vec::new()),
                    reached_through: RefCell::new(Vec::new()),
                    dead_refs: RefCell::new(Vec::new()),
                    triggered: RefCell::new(Vec::new()),
                    object_params: Cell::new(0),
                    deaths: RefCell::new(None),
                })
            },
            writing: Cell::new(false),
            serializable: Cell::new(false),
        }
    }

    /// Whether this transaction met an error another attempt may not meet: a statement that
    /// failed with one ([`crate::Error::is_retryable`]), or an optimistic check.
    pub(crate) fn met_retryable(&self) -> bool {
        self.shared.met_conflict.get() || self.conn.as_deref().is_some_and(Conn::met_retryable)
    }

    /// Whether such an error was met inside a savepoint that rolled back (what it did is
    /// undone; the error may still be what the closure returns, in its own type).
    pub(crate) fn met_undone_retryable(&self) -> bool {
        self.conn.as_deref().is_some_and(Conn::met_undone_retryable)
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
        self.conn.as_deref().ok_or_else(|| Error::TransactionClosed)
    }

    /// The connection while the transaction holds one, even after a failure inside marked
    /// it (a savepoint's rollback needs it then).
    pub(crate) fn conn_even_if_failed(&self) -> Option<&Conn> {
        self.conn.as_deref()
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
            self.began_writing();
        }
        Ok(())
    }

    /// Runs a query, and makes the transaction writing if it is not yet, in one round trip
    /// on PostgreSQL ([`Conn::query_then_begin`]): only for a query whose effect is the
    /// same outside the transaction, which it then runs before the `BEGIN`. The outer
    /// result is the `BEGIN`'s, the inner the query's.
    pub(crate) fn query_then_writing<S: crate::backend::RowSink>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        sink: &mut S,
    ) -> Result<Result<()>> {
        if self.writing.get() {
            return Ok(self.conn()?.query(sql, params, sink));
        }
        let read = self
            .conn()?
            .query_then_begin(self.serializable.get(), sql, params, sink)?;
        self.began_writing();
        Ok(read)
    }

    /// The transaction holds its lock from now on: results kept before it were read without
    /// it, and may miss what another transaction committed since (which a `for_update()`
    /// query is there to exclude), so they are not served again. (Loaded collections are
    /// kept: a `for_update()` query reads them again.)
    fn began_writing(&self) {
        self.writing.set(true);
        self.shared.cache.borrow_mut().bump();
    }

    /// [`Self::ensure_writing`] without waiting for another connection's write lock
    /// (SQLite: no busy timeout; the lock taken by another is `LockNotAvailable`).
    pub(crate) fn ensure_writing_now(&self) -> Result<()> {
        if !self.writing.get() {
            self.conn()?.begin_now(self.serializable.get())?;
            self.began_writing();
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
    #[inline]
    pub fn flush(&self) -> Result<()> {
        self.check_open()?;
        if self.shared.pending.borrow().is_empty() {
            return Ok(());
        }
        self.flush_some()
    }

    /// [`Transaction::flush`] of a non-empty pending list (apart: the empty check, before
    /// every query, is inlined into its callers).
    #[inline(never)]
    fn flush_some(&self) -> Result<()> {
        // A panic of the program's code inside the flush (a `Serialize` or `PartialEq` impl)
        // drops the rest of the batch.
        let result = self.abort_on_unwind(|| self.flush_pending());
        if result.is_err() {
            self.abort();
        }
        result
    }

    /// Runs `f`, which writes; if it unwinds (a panic of the program's code, such as a
    /// `Serialize` impl, while values are written), the transaction ends: a program that
    /// catches the panic must not go on to a commit that would keep part of the writes.
    pub(crate) fn abort_on_unwind<R>(&self, f: impl FnOnce() -> R) -> R {
        struct AbortOnUnwind<'a>(&'a Transaction);
        impl Drop for AbortOnUnwind<'_> {
            fn drop(&mut self) {
                self.0.abort();
            }
        }
        let unwinding = AbortOnUnwind(self);
        let result = f();
        std::mem::forget(unwinding);
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
            // What the schema did to the rows that referred to the deleted ones: once per
            // entity for the whole batch, not once per object.
            crate::schema_cascade::follow_deleted(self)?;
            crate::cascade::check_reached_through(self)?;
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

    /// Rolls back after a failure, keeping the transaction value (closed). Inside a
    /// savepoint, the savepoint is what fails: the transaction refuses everything until the
    /// savepoint's closure returns, and the savepoint then rolls back.
    pub(crate) fn abort(&self) {
        if self.shared.savepoints.get() > 0 {
            self.shared.closed.set(true);
            return;
        }
        self.end();
    }

    /// Rolls back the whole transaction, even inside savepoints, and keeps it closed: no
    /// enclosing savepoint's rollback opens it again (a savepoint's objects could not be put
    /// back, and an enclosing rollback would not find those taken out of the identity map).
    pub(crate) fn end(&self) {
        self.shared.ended.set(true);
        if self.writing.get() {
            if let Some(c) = &self.conn {
                // Nothing more can be done if the rollback itself fails: the connection is
                // dropped with the transaction and SQLite rolls back on close.
                let _ = c.rollback();
            }
            self.writing.set(false);
        }
        self.shared.closed.set(true);
        // (Borrowed only when a panic unwinds through a use of them: they are dropped with
        // the transaction then.)
        if let Ok(mut pending) = self.shared.pending.try_borrow_mut() {
            pending.clear();
        }
        if let Ok(mut deleted) = self.shared.deleted.try_borrow_mut() {
            deleted.clear();
        }
        if let Ok(mut reached) = self.shared.reached_through.try_borrow_mut() {
            reached.clear();
        }
    }

    fn close(&mut self) {
        self.shared.closed.set(true);
        let Some(conn) = self.conn.take() else {
            return; // closed already (at its commit; now it is dropped)
        };
        // The connection goes back first: dropping the objects below runs the program's code
        // (a value's `Drop`), and a panic there must not lose it (with `sqlite::memory:`,
        // the database; otherwise one of the pool's places for good).
        self.db.release(conn);
        let mut pending = std::mem::take(&mut *self.shared.pending.borrow_mut());
        self.shared.gone.borrow_mut().clear();
        self.shared.sets.borrow_mut().clear();
        // Taken out before they are emptied: dropping the objects in them runs no code that
        // could reach the transaction's maps while they are borrowed.
        let mut maps = std::mem::take(&mut *self.shared.maps.borrow_mut());
        let mut cache = std::mem::take(&mut *self.shared.cache.borrow_mut());
        pending.clear();
        if pending.capacity() > KEPT_ROOM {
            pending = Vec::new();
        }
        maps.reset();
        cache.reset();
        let _ = SPARE.try_with(|s| {
            s.set(Some(Spare {
                maps,
                cache,
                pending,
            }));
        });
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
            .statement(StatementKey::Get(d), || render::object::get(T::meta(), d));
        let width = T::meta().primary_key.len();
        // A one-column key (the usual kind) is bound from a one-element array: building the
        // list on the stack cost more than the rest of a lookup's own work.
        let one: [Param<'_>; 1];
        let many: Params<'_>;
        let params: &[Param<'_>] = if width == 1 {
            one = [Param::Borrowed(T::key_ref(&key, 0))];
            &one
        } else {
            many = (0..width)
                .map(|i| Param::Borrowed(T::key_ref(&key, i)))
                .collect();
            &many
        };
        let mut found = None;
        self.decode(&sql, params, DecodeCx::new(self), true, |o, _| {
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
        self.rows_by_keys(meta, keys, |_: Obj<T>| {})?;
        let found = self.shared.maps.borrow_mut().of::<T>().get(&key).cloned();
        Ok(found.filter(|o| !o.is_deleted()))
    }

    /// Runs the statement that reads the rows of `meta` whose (one-column) keys are in
    /// `keys`, one list parameter (kept per dialect), and decodes each row as `R`.
    pub(crate) fn rows_by_keys<R: FromRow>(
        &self,
        meta: &'static crate::EntityMeta,
        keys: Vec<Value>,
        each: impl FnMut(R),
    ) -> Result<()> {
        let dialect = self.dialect();
        let sql = meta.cache.statement(StatementKey::Referenced(dialect), || {
            render::object::by_keys(meta, dialect)
        });
        let list = Value::List(keys);
        self.decode_rows(&sql, &[Param::Owned(&list)], each)
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
    /// [`Error::TransactionClosed`]; [`Error::ReverseSide`] for a value set on the
    /// column-less side of a one-to-one (refused, nothing written); a constraint violation,
    /// or [`Error::NotWritten`] when the database skipped the row without an error (the
    /// transaction is then rolled back and closed, as for any failed flush).
    pub fn insert<T: Entity>(&self, mut value: T) -> Result<Obj<T>> {
        crate::entity::as_stored(&mut value);
        refuse_deleted_target(&self.shared, &value)?;
        // The column-less side of a one-to-one is set from the other side (it would not be
        // written).
        if let Some(&c) = crate::pairing::virtual_columns(T::meta())
            .iter()
            .find(|&&c| value.column_ref(c) != crate::ValueRef::Null)
        {
            return Err(crate::pairing::reverse_side_error(T::meta(), c));
        }
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

    /// Inserts `value`, or, when a row with its primary key exists, gives that row every
    /// value of `value` (`INSERT .. ON CONFLICT (key) DO UPDATE`, one statement on both
    /// backends). The loaded object of that key, if any, takes the values too; the object
    /// returned is the one of the row.
    ///
    /// Entities with an `auto` key are refused ([`Error::InvalidQuery`]): their key is the
    /// database's to give.
    ///
    /// # Errors
    /// As [`Transaction::insert`].
    pub fn upsert<T: Entity>(&self, value: T) -> Result<Obj<T>> {
        let meta = T::meta();
        if meta.auto_column().is_some() {
            return Err(Error::InvalidQuery(format!(
                "`upsert` needs a key the program gives; `{}` has an `auto` key, given by the database",
                meta.name
            )));
        }
        self.write_upsert(value, |value| crate::upsert_write::upsert_row(value, self))
    }

    /// What both upserts share: the column-less side of a one-to-one is not written, pending
    /// changes go first, and a failure rolls the transaction back.
    fn write_upsert<T: Entity>(
        &self,
        mut value: T,
        write: impl FnOnce(T) -> Result<Obj<T>>,
    ) -> Result<Obj<T>> {
        let meta = T::meta();
        crate::entity::as_stored(&mut value);
        refuse_deleted_target(&self.shared, &value)?;
        if let Some(&c) = crate::pairing::virtual_columns(meta)
            .iter()
            .find(|&&c| value.column_ref(c) != crate::ValueRef::Null)
        {
            return Err(crate::pairing::reverse_side_error(meta, c));
        }
        self.flush()?;
        let result = self.ensure_writing().and_then(|()| write(value));
        if result.is_err() {
            self.abort();
        }
        result
    }

    /// Inserts `value`, or, when a row with the same value of a unique key exists, gives that
    /// row every other value of `value` (`INSERT .. ON CONFLICT (email) DO UPDATE ..
    /// RETURNING key`, one statement on both backends). `fields` names the unique key by its
    /// fields: a `#[colt(unique)]` field, the fields of a `#[colt(unique(a, b))]`, the
    /// stored side of a one-to-one, or the primary key's when the program gives it (an
    /// `auto` key never names an existing row: use another key). The row keeps its primary key, and the object returned is the row's
    /// (an `auto` key is the one the row has or gets); the loaded object of that key takes
    /// the values.
    ///
    /// ```text
    /// let user = tx.upsert_on(User { id: 0, email: "ann@x.org".into(), name: "Ann".into() }, &["email"])?;
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidQuery`] when `fields` is not a unique key of the entity, or one of
    /// its values is `None` (NULL conflicts with no row, so every call would insert); otherwise as
    /// [`Transaction::insert`] (a conflict on another unique key is [`Error::Constraint`]).
    pub fn upsert_on<T: Entity>(&self, value: T, fields: &[&str]) -> Result<Obj<T>> {
        let meta = T::meta();
        let conflict = crate::pairing::unique_key(meta, fields).map_err(Error::InvalidQuery)?;
        // NULL never conflicts (on either backend): with a `None` in the key, every call
        // would insert another row where an update of the existing one was meant.
        if let Some(&c) = conflict
            .iter()
            .find(|&&c| value.column_ref(c) == crate::ValueRef::Null)
        {
            return Err(Error::InvalidQuery(format!(
                "`upsert_on` by `{}` with `{}` None: NULL equals no row's value, so no row would ever be updated (insert it, or give the key a value)",
                fields.join(", "),
                meta.columns[c].field
            )));
        }
        self.write_upsert(value, |value| {
            crate::upsert_write::upsert_on_row(value, &conflict, self)
        })
    }

    /// Runs a raw SQL statement with the backend's own placeholders (`?` on SQLite) and
    /// returns the number of rows changed. Pending changes are flushed first, and the
    /// database transaction begins (the statement may write).
    ///
    /// # Errors
    /// Database errors, mapped as everywhere ([`Error::Constraint`], ...);
    /// [`Error::ReturnsRows`] for a statement that returns rows;
    /// [`Error::TransactionStatement`] for `BEGIN`, `COMMIT`, `ROLLBACK` and the like.
    pub fn execute_sql(&self, sql: &str, params: &[&dyn crate::ToParam]) -> Result<u64> {
        let session = refuse_transaction_control(sql, self.dialect())?;
        self.flush()?;
        let values: Vec<Value> = params.iter().map(|p| p.to_param()).collect();
        let params: Vec<Param<'_>> = values.iter().map(Param::Owned).collect();
        let conn = self.conn()?;
        if session {
            // The pool does not hand the connection to another transaction as it is.
            conn.note_session_change();
        }
        self.ensure_writing()?;
        crate::savepoint::forget_triggers(self);
        conn.in_savepoint(|| {
            // Refused before it runs: its rows would be lost (and SQLite would run it).
            if conn.describe(sql, &params)?.columns > 0 {
                return Err(Error::ReturnsRows);
            }
            conn.execute(sql, &params)
        })
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
        let session = refuse_transaction_control(sql, self.dialect())?;
        self.flush()?;
        let values: Vec<Value> = params.iter().map(|p| p.to_param()).collect();
        let params: Vec<Param<'_>> = values.iter().map(Param::Owned).collect();
        let conn = self.conn()?;
        if session {
            // The pool does not hand the connection to another transaction as it is.
            conn.note_session_change();
        }
        // A raw query that may write (`UPDATE .. RETURNING`) is part of the transaction,
        // and kept results may be stale after it. (SQLite says which statements cannot
        // write; on PostgreSQL, where it does not, every raw query joins the transaction:
        // `BEGIN` takes no lock there.)
        let writes = match conn.dialect() {
            Dialect::Sqlite => !conn.describe(sql, &params)?.read_only,
            Dialect::Postgres => true,
        };
        if writes {
            self.ensure_writing()?;
            crate::savepoint::forget_triggers(self);
        }
        let mut out = Vec::new();
        conn.in_savepoint(|| self.decode_rows(sql, &params, |r: R| out.push(r)))?;
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
        let read = self.conn()?.query(sql, params, &mut sink);
        drop(sink);
        if !self.shared.one_to_one_moves.borrow().is_empty() {
            crate::merged_one_to_one::follow(self)?;
        }
        read
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

    fn expect_rows(&mut self, rows: usize) {
        self.cx.expect_rows(rows);
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

/// Refuses raw SQL with a statement that controls the transaction (its first word, after
/// spaces and comments): `BEGIN`, `START`, `COMMIT`, `END`, `ROLLBACK`, `ABORT`,
/// `SAVEPOINT`, `RELEASE`, `PREPARE TRANSACTION`. `Ok(true)` when it changes its
/// connection's session beyond the transaction (`SET search_path`, `PRAGMA foreign_keys =
/// OFF`).
fn refuse_transaction_control(sql: &str, dialect: crate::render::Dialect) -> Result<bool> {
    let effects = crate::statement_words::effects(sql, dialect);
    match effects.control {
        Some(keyword) => Err(Error::TransactionStatement { keyword }),
        None => Ok(effects.session),
    }
}

/// [`Error::ObjectDeleted`] when `value` refers to an object this transaction deleted (its
/// delete, written first, would cascade to the new row's, or leave it pointing at nothing).
pub(crate) fn refuse_deleted_target<T: Entity>(shared: &TxShared, value: &T) -> Result<()> {
    match crate::obj::deleted_target(shared, value, None, u64::MAX) {
        Some(entity) => Err(Error::ObjectDeleted { entity }),
        None => Ok(()),
    }
}
