//! Per-entity caches kept in the entity's metadata `static`: the SQL of the statements the
//! transaction writes for objects (get by key, insert, update, delete), rendered once per
//! shape, and the entity's slot among a transaction's identity maps.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use crate::render::Dialect;

/// Which statement, for which dialect and which columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatementKey {
    /// `SELECT .. WHERE key = ..`
    Get(Dialect),
    /// `INSERT ..`
    Insert(Dialect),
    /// `INSERT .. ON CONFLICT (key) DO UPDATE ..`
    Upsert(Dialect),
    /// `INSERT .. ON CONFLICT (<unique key columns>) DO UPDATE .. RETURNING key`
    UpsertOn(Dialect, u64),
    /// `UPDATE .. SET <set columns> WHERE key = .. AND <checked columns>`
    Update(Dialect, u64, u64),
    /// `DELETE .. WHERE key = .. AND <checked columns>`
    Delete(Dialect, u64),
    /// `SELECT .. WHERE key IN (list)`: the objects loaded objects refer to.
    Referenced(Dialect),
    /// `SELECT key .. WHERE key IN (list)`: which of these rows exist.
    Existing(Dialect),
    /// A statement about relation number `.1` of the entity.
    Relation(Dialect, usize, RelationOp),
}

/// The statements Colt runs for one relation of an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RelationOp {
    /// The members of a collection.
    Fetch,
    /// The members of many owners' collections (a list of owner keys).
    FetchMany,
    /// How many members.
    Count,
    /// Whether one object is a member.
    Contains,
    /// Link two objects (many-to-many).
    Link,
    /// Unlink two objects (many-to-many).
    Unlink,
    /// The keys of the members to cascade a delete to.
    CascadeKeys,
    /// The same, their rows locked (the flush's cascade, which deletes them by key).
    CascadeKeysLocked,
    /// Delete one member by key (a cascade).
    CascadeDelete,
    /// Set the references to a deleted owner to NULL.
    SetNull,
    /// The same, but for the row itself (a row of an entity that refers to itself).
    SetNullOthers,
    /// Remove every link of a deleted owner (many-to-many).
    UnlinkAll,
}

/// How many statement shapes one entity keeps.
const SHAPES: usize = 64;

static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

/// The caches of one entity (a field of its `EntityMeta`, made by the derive).
pub struct MetaCache {
    slot: OnceLock<usize>,
    /// Get, insert and referenced-by-list, per dialect: the statements run once per object,
    /// read without a lock.
    fixed: [OnceLock<Box<str>>; 6],
    /// The columns an `INSERT` writes (all but an `auto` key and virtual columns).
    insert_columns: OnceLock<Box<[usize]>>,
    /// The entity's stored one-to-one references: (its column, the other entity, the other
    /// side's column-less column).
    one_to_one: OnceLock<Box<[OneToOneColumn]>>,
    /// The entity's column-less columns (the other side of a one-to-one holds the key).
    virtual_columns: OnceLock<Box<[usize]>>,
    /// The column masks an `UPDATE` works with (an entity of fewer than 64 columns).
    update_masks: OnceLock<UpdateMasks>,
    /// How many objects of the entity the last transaction to end had loaded.
    loaded: AtomicUsize,
    /// The columns (below 62) a database rounds when they are written (a PostgreSQL
    /// `numeric(10,2)` holding an `f64` or a decimal), read back after a write.
    rounded: AtomicU64,
    /// The stored `volatile` columns, read back after every write.
    volatile: OnceLock<Box<[usize]>>,
    statements: Mutex<Vec<(StatementKey, Arc<str>)>>,
}

/// Columns of an entity of fewer than 64 columns, one bit each.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UpdateMasks {
    /// The columns stored in the entity's table (not the column-less side of a one-to-one).
    pub(crate) stored: u64,
    /// The stored columns whose old values an `UPDATE` or `DELETE` checks when they were
    /// read: not the key, optimistic (none when the entity is not).
    pub(crate) checkable: u64,
    /// The columns of its stored references.
    pub(crate) references: u64,
    /// The columns of its stored one-to-one references (whose other side is column-less).
    pub(crate) one_to_one: u64,
    /// The columns whose change `Obj::set` looks at: the key's, the column-less ones and
    /// the references' (columns past 62 share a bit, see `obj::bit`).
    pub(crate) watched: u64,
}

/// A stored one-to-one reference: its column, the other entity, and the other side's
/// column-less column (which reads this one).
pub(crate) type OneToOneColumn = (usize, &'static crate::entity::EntityMeta, usize);

impl std::fmt::Debug for MetaCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetaCache")
    }
}

impl Default for MetaCache {
    fn default() -> Self {
        Self::new()
    }
}

impl MetaCache {
    /// An empty cache (in a `static`).
    pub const fn new() -> Self {
        MetaCache {
            slot: OnceLock::new(),
            fixed: [const { OnceLock::new() }; 6],
            insert_columns: OnceLock::new(),
            one_to_one: OnceLock::new(),
            virtual_columns: OnceLock::new(),
            update_masks: OnceLock::new(),
            loaded: AtomicUsize::new(0),
            rounded: AtomicU64::new(0),
            volatile: OnceLock::new(),
            statements: Mutex::new(Vec::new()),
        }
    }

    /// The entity's index among a transaction's identity maps (a vector, not a hash map).
    #[inline]
    pub(crate) fn slot(&self) -> usize {
        match self.slot.get() {
            Some(slot) => *slot,
            None => self.new_slot(),
        }
    }

    #[cold]
    fn new_slot(&self) -> usize {
        *self
            .slot
            .get_or_init(|| NEXT_SLOT.fetch_add(1, Ordering::Relaxed))
    }

    /// How many objects of the entity the last transaction to end had loaded.
    pub(crate) fn loaded_hint(&self) -> usize {
        self.loaded.load(Ordering::Relaxed)
    }

    pub(crate) fn set_loaded_hint(&self, n: usize) {
        self.loaded.store(n, Ordering::Relaxed);
    }

    /// The columns a database rounds when they are written (see `flush::take_stored`).
    #[inline]
    pub(crate) fn rounded(&self) -> u64 {
        self.rounded.load(Ordering::Relaxed)
    }

    /// The entity's stored `volatile` columns, worked out on first use.
    #[inline]
    pub(crate) fn volatile(&self, make: impl FnOnce() -> Box<[usize]>) -> &[usize] {
        self.volatile.get_or_init(make)
    }

    /// Notes columns a database rounds when they are written (`check_tables` saw their
    /// scale, or their `sql_type` gives one).
    pub(crate) fn mark_rounded(&self, columns: u64) {
        self.rounded.fetch_or(columns, Ordering::Relaxed);
    }

    /// The columns an `INSERT` of the entity writes, worked out on first use.
    pub(crate) fn insert_columns(&self, make: impl FnOnce() -> Box<[usize]>) -> &[usize] {
        self.insert_columns.get_or_init(make)
    }

    /// The entity's stored one-to-one references, worked out on first use.
    pub(crate) fn one_to_one(
        &self,
        make: impl FnOnce() -> Box<[OneToOneColumn]>,
    ) -> &[OneToOneColumn] {
        self.one_to_one.get_or_init(make)
    }

    /// The entity's column-less columns, worked out on first use.
    pub(crate) fn virtual_columns(&self, make: impl FnOnce() -> Box<[usize]>) -> &[usize] {
        self.virtual_columns.get_or_init(make)
    }

    /// The entity's `UPDATE` masks, worked out on first use.
    pub(crate) fn update_masks(&self, make: impl FnOnce() -> UpdateMasks) -> &UpdateMasks {
        self.update_masks.get_or_init(make)
    }

    /// The statement of this shape, rendered on first use. (Inlined: the key is known where
    /// it is called, and a lookup of one of the fixed shapes, before every `get` and
    /// `insert`, is then one load.)
    #[inline]
    pub(crate) fn statement(
        &'static self,
        key: StatementKey,
        render: impl FnOnce() -> String,
    ) -> StatementText {
        let fixed = match key {
            StatementKey::Get(d) => Some(dialect_index(d)),
            StatementKey::Insert(d) => Some(2 + dialect_index(d)),
            StatementKey::Referenced(d) => Some(4 + dialect_index(d)),
            _ => None,
        };
        if let Some(at) = fixed {
            if let Some(s) = self.fixed[at].get() {
                return StatementText::Static(s);
            }
        }
        self.statement_slow(key, fixed, render)
    }

    #[inline(never)]
    fn statement_slow(
        &'static self,
        key: StatementKey,
        fixed: Option<usize>,
        render: impl FnOnce() -> String,
    ) -> StatementText {
        if let Some(at) = fixed {
            return StatementText::Static(self.fixed[at].get_or_init(|| render().into()));
        }
        let mut list = self.statements.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, s)) = list.iter().find(|(k, _)| *k == key) {
            return StatementText::Shared(s.clone());
        }
        let s: Arc<str> = render().into();
        if list.len() >= SHAPES {
            list.clear();
        }
        list.push((key, s.clone()));
        StatementText::Shared(s)
    }
}

/// The SQL of a statement: kept for the life of the program, or shared with a cache that may
/// drop it.
pub(crate) enum StatementText {
    Static(&'static str),
    Shared(Arc<str>),
}

impl StatementText {
    /// Text rendered now and kept by nobody (an entity too wide for the cache's masks).
    pub(crate) fn owned(sql: String) -> Self {
        StatementText::Shared(sql.into())
    }
}

impl std::ops::Deref for StatementText {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            StatementText::Static(s) => s,
            StatementText::Shared(s) => s,
        }
    }
}

fn dialect_index(d: Dialect) -> usize {
    match d {
        Dialect::Sqlite => 0,
        Dialect::Postgres => 1,
    }
}
