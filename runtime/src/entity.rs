//! What `#[derive(Entity)]` implements: metadata, row decoding by position, column access.

use std::fmt::Debug;
use std::hash::Hash;

use crate::types::ColumnType;
use crate::value::{Value, ValueRef};
use crate::Result;

/// One column of an entity's table.
#[derive(Debug, Clone, Copy)]
pub struct ColumnMeta {
    /// The Rust field name.
    pub field: &'static str,
    /// The SQL column name.
    pub name: &'static str,
    /// The storage type.
    pub ty: ColumnType,
    /// Whether NULL is allowed (`Option<T>`).
    pub nullable: bool,
    /// Part of the primary key.
    pub primary_key: bool,
    /// Filled in by the database on insert.
    pub auto: bool,
    /// Has a UNIQUE constraint of its own.
    pub unique: bool,
    /// Has an index of its own.
    pub index: bool,
    /// Left out of optimistic checks.
    pub volatile: bool,
    /// The SQL type declared for the column (`#[colt(sql_type = "..")]`): what
    /// `create_tables` writes, and a type `check_tables` accepts; `None`: the backend's type
    /// for `ty`.
    pub sql_type: Option<&'static str>,
    /// The value of `#[colt(default = ..)]`, which `create_tables` also writes as the
    /// column's SQL `DEFAULT` (so that rows inserted by other programs get it too) when it
    /// is a constant (see `default_in_table`).
    pub default: Option<fn() -> crate::Value>,
    /// Whether `default` is a constant (literals and paths, such as an enum variant, built by
    /// calls that take arguments) that `create_tables` writes as the column's SQL `DEFAULT`.
    /// A call of no arguments (`Utc::now()`, `Uuid::new_v4()`) is worked out per object: the
    /// builder's only, since written into the table it would give every row other programs
    /// insert the value it had when the table was made.
    pub default_in_table: bool,
}

impl ColumnMeta {
    /// Whether reads of this column take part in optimistic checks: not JSON (a document
    /// another program wrote reads back in serde_json's spelling, which would never match
    /// what the database holds), nor `volatile` columns. Floats do, compared as they are
    /// read (see the dialects' `checked`).
    pub fn optimistic(&self) -> bool {
        !self.volatile && self.ty != ColumnType::Json
    }

    /// Whether the column's own `sql_type` is a fixed-length text (`char(n)`,
    /// `character(n)`, `bpchar`), which PostgreSQL pads with spaces to its length: its values
    /// are read back after a write, and its optimistic check compares as the type does
    /// (trailing spaces aside), since casting the padded value to `text` drops them.
    pub fn pads_text(&self) -> bool {
        self.ty == ColumnType::Text
            && self
                .sql_type
                .is_some_and(|t| crate::declared::postgres_type_name(t) == "character")
    }
}

/// Everything Colt knows about an entity, as one `static`.
#[derive(Debug)]
pub struct EntityMeta {
    /// The Rust type name.
    pub name: &'static str,
    /// The table name.
    pub table: &'static str,
    /// The columns, in field order.
    pub columns: &'static [ColumnMeta],
    /// Positions (in `columns`) of the primary key columns.
    pub primary_key: &'static [usize],
    /// Whether optimistic checks are on (`#[colt(optimistic = false)]` turns them off).
    pub optimistic: bool,
    /// The relationship fields (`Ref`, `Option<Ref>`, `Set`).
    pub relations: &'static [crate::relation::RelationMeta],
    /// Unique constraints over several columns (`#[colt(unique(a, b))]`), as positions in
    /// `columns`.
    pub uniques: &'static [&'static [usize]],
    /// Indexes over several columns (`#[colt(index(a, b))]`), as positions in `columns`.
    pub indexes: &'static [&'static [usize]],
    /// Statements rendered for this entity, and its identity-map slot.
    pub cache: crate::statement_cache::MetaCache,
}

impl EntityMeta {
    /// The position of the auto-increment key column, if there is one.
    pub fn auto_column(&self) -> Option<usize> {
        self.columns.iter().position(|c| c.auto)
    }

    /// `table.column` for messages.
    pub fn qualified(&self, column: usize) -> String {
        format!("{}.{}", self.table, self.columns[column].name)
    }
}

/// Access to one column of a row being read, by position.
///
/// Implemented by each backend's row type; decoding never looks columns up by name.
pub trait RowAccess {
    /// The value of column `idx` (0-based).
    fn value(&self, idx: usize) -> Result<ValueRef<'_>>;
}

/// A database entity: implemented by `#[derive(Entity)]`, never by hand.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Colt entity",
    label = "not an entity",
    note = "queries range over structs with `#[derive(Entity)]`; an existing query value must be written in lower case (`q.filter(..)`)"
)]
pub trait Entity: Sized + Clone + 'static {
    /// Generated code calls this before a function bounded by this trait: a type that is not
    /// an entity is then reported at the user's token, and never with a note naming Colt's
    /// function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
    /// The primary key: the field's type, or a tuple for a composite key.
    type Key: Hash + Eq + Clone + Debug + 'static;
    /// How many columns the primary key has: a reference to `Self` is stored in as many.
    #[doc(hidden)]
    const KEY_WIDTH: usize;
    /// The primary key's columns, in key order: what a reference to `Self` copies (see
    /// `reference_columns`).
    #[doc(hidden)]
    const KEY_COLUMNS: &'static [ColumnMeta];
    /// The typed column handles a query uses (`ProductColumns`).
    type Columns: crate::expr::EntityColumns<
        Entity = Self,
        Variable = crate::expr::EntityExpr<Self>,
    >;
    /// The same handles for a row reached through an optional reference (`Option` columns).
    type NullableColumns: crate::expr::EntityColumns<
        Entity = Self,
        Variable = crate::expr::OptEntityExpr<Self>,
    >;
    /// The handles of the values a collection of `Self` reaches (for aggregates, `contains`).
    type ManyColumns: crate::expr::EntityColumns<
        Entity = Self,
        Variable = crate::expr::EntityExpr<Self>,
    >;
    /// The per-attribute getters reached through `Obj<Self>` (`obj.price()`).
    type Accessor: crate::obj::Accessor<Self>;

    /// The metadata `static`.
    fn meta() -> &'static EntityMeta;
    /// The column handles of a table of a plan being built (a query variable).
    #[doc(hidden)]
    fn columns(at: crate::navigate::At) -> Self::Columns;
    /// The column handles for a joined row that may be missing.
    #[doc(hidden)]
    fn nullable_columns(at: crate::navigate::At) -> Self::NullableColumns;
    /// The handles of a collection's members (a table of a sub-query).
    #[doc(hidden)]
    fn many_columns(at: crate::navigate::At) -> Self::ManyColumns;
    /// The primary key of this value.
    fn key(&self) -> Self::Key;
    /// The primary key as bind parameters, in key column order.
    fn key_params(key: &Self::Key) -> Vec<Value>;
    /// Key column `i` of a primary key, borrowed (`Null` past the last).
    fn key_ref(key: &Self::Key, i: usize) -> crate::ValueRef<'_>;
    /// Decodes a primary key from its `KEY_WIDTH` columns, starting at position `offset` of
    /// the row (`column` names them in errors).
    ///
    /// # Errors
    /// [`crate::Error::Decode`] when a value is NULL or does not fit.
    #[doc(hidden)]
    fn decode_key<R: RowAccess>(row: &R, offset: usize, column: &str) -> Result<Self::Key>;
    /// Sets the field whose first column is `first` from the values of all its columns (a
    /// reference to an entity with a composite key takes one value per key column).
    ///
    /// # Errors
    /// [`crate::Error::Decode`] when the values do not fit the field.
    #[doc(hidden)]
    fn set_field_values(&mut self, first: usize, values: &[ValueRef<'_>]) -> Result<()>;
    /// Decodes all columns starting at position `offset` of the row.
    fn decode_row<R: RowAccess>(row: &R, offset: usize) -> Result<Self>;
    /// Borrows column `idx` for binding.
    fn column_ref(&self, idx: usize) -> ValueRef<'_>;
    /// Whether column `idx` is equal in `self` and `other`.
    fn column_eq(&self, other: &Self, idx: usize) -> bool;
    /// Whether column `idx` holds the same stored value in `self` and `other`: equal, or a
    /// float NaN in both (`==` would call an unchanged NaN a change, and write it back over
    /// another transaction's value).
    #[doc(hidden)]
    #[inline]
    fn same_column(&self, other: &Self, idx: usize) -> bool {
        self.column_eq(other, idx)
            || matches!(
                (self.column_ref(idx), other.column_ref(idx)),
                (ValueRef::Real(a), ValueRef::Real(b)) if a.is_nan() && b.is_nan()
            )
    }
    /// Copies column `idx` from `other` into `self`.
    fn copy_column(&mut self, other: &Self, idx: usize);
    /// Sets column `idx` from a database value (used to point a reference at a new owner).
    ///
    /// # Errors
    /// [`crate::Error::Decode`] when the value does not fit the field.
    fn set_column_value(&mut self, idx: usize, value: ValueRef<'_>) -> Result<()>;
    /// Whether a column holds a time or a date-time (which an object holds as its row
    /// does: to the microsecond). The derive works it out; `true` makes Colt look.
    #[doc(hidden)]
    const HAS_TIMES: bool = true;
    /// Stores the key the database generated for an `auto` column.
    ///
    /// # Errors
    /// [`crate::Error::Decode`] when the key does not fit the field's type.
    fn set_auto_key(&mut self, id: i64) -> Result<()>;
}

/// Makes `value` hold what its row will: a time or date-time finer than the microsecond
/// the databases keep is truncated (so the object shows its row's value, and reading the
/// row again is no conflict with what the transaction read).
#[inline]
pub(crate) fn as_stored<T: Entity>(value: &mut T) {
    if !T::HAS_TIMES {
        return;
    }
    for (c, col) in T::meta().columns.iter().enumerate() {
        if is_time(col.ty) {
            if let ValueRef::Time(t) = value.column_ref(c) {
                // (Its own value, at the precision kept: it fits.)
                let _ = value.set_column_value(c, ValueRef::Time(t));
            }
        }
    }
}

const fn is_time(ty: crate::types::ColumnType) -> bool {
    use crate::types::ColumnType as C;
    matches!(ty, C::Time | C::Timestamp | C::TimestampTz)
}

/// Whether any of `columns` holds a time or a date-time ([`Entity::HAS_TIMES`]).
#[doc(hidden)]
pub const fn has_times(columns: &[ColumnMeta]) -> bool {
    let mut i = 0;
    while i < columns.len() {
        if is_time(columns[i].ty) {
            return true;
        }
        i += 1;
    }
    false
}

/// The entities bound to a database: built by `schema![A, B, ..]`.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    pub(crate) entities: Vec<&'static EntityMeta>,
}

impl Schema {
    /// A schema of the given entities' metadata (use the `schema!` macro).
    pub fn new(entities: Vec<&'static EntityMeta>) -> Self {
        Schema { entities }
    }

    /// The entities, in the order given.
    pub fn entities(&self) -> &[&'static EntityMeta] {
        &self.entities
    }
}

/// Builds a [`Schema`] from entity types: `db.bind(schema![Category, Product])`.
#[macro_export]
macro_rules! schema {
    ($($entity:ty),* $(,)?) => {
        $crate::Schema::new(::std::vec![$(<$entity as $crate::Entity>::meta()),*])
    };
}

/// Whether column `idx` writes the same from `a` as from `b`: [`Entity::same_column`] (the
/// field's `==`), and the same stored form too, since equal values may be stored differently:
/// `0.0` and `-0.0` (PostgreSQL keeps the sign), `1.5` and `1.50` (`numeric` keeps the
/// scale), two spellings a value type's own `PartialEq` calls equal (an email compared
/// ignoring case). A change from one to the other is a change to write. (A JSON document is
/// compared as a document here: its text is made only where a write needs it, see
/// [`written_alike`].)
#[inline]
pub(crate) fn same_written<T: Entity>(a: &T, b: &T, idx: usize) -> bool {
    stored_alike(a, b, idx, false)
}

/// [`same_written`], and two JSON documents their type's `PartialEq` calls equal also write
/// the same text (a decimal member `1.5` and `1.50` do not): what an `UPDATE` compares to
/// find the columns it writes. (The texts are made only for documents equal as values, and
/// only there: a read or `set` does not pay for them.)
#[inline]
pub(crate) fn written_alike<T: Entity>(a: &T, b: &T, idx: usize) -> bool {
    stored_alike(a, b, idx, true)
}

/// The comparison of both: documents by their texts (`dyn JsonText`'s `==`) when `texts`.
#[inline]
fn stored_alike<T: Entity>(a: &T, b: &T, idx: usize, texts: bool) -> bool {
    if !a.same_column(b, idx) {
        return false;
    }
    match (a.column_ref(idx), b.column_ref(idx)) {
        (ValueRef::Real(x), ValueRef::Real(y)) => {
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
        }
        (ValueRef::Json(_), _) | (_, ValueRef::Json(_)) if !texts => true,
        (x, y) => x == y,
    }
}
