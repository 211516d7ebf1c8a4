//! Relationships: `Ref<T>` (many-to-one, a foreign key column), `Set<T>` (the "many" side:
//! one-to-many reverse, or many-to-many when both sides are `Set`), and their metadata.

use std::fmt;
use std::marker::PhantomData;

use crate::entity::Entity;
use crate::obj::Obj;
use crate::transaction::Transaction;
use crate::types::{
    kind, ColumnType, Comparable, DecodeFail, NonNull, SqlType, ToParam, TypedParam,
};
use crate::value::{Value, ValueRef};
use crate::Result;

/// A required reference to a `T` (PonyORM's `Required(T)`): the foreign key column holds
/// `T`'s primary key. `Option<Ref<T>>` is an optional one (a nullable column).
pub struct Ref<T: Entity> {
    key: T::Key,
}

impl<T: Entity> Ref<T> {
    /// A reference to the object with this key.
    pub fn new(key: T::Key) -> Self {
        Ref { key }
    }

    /// The key of the referenced object.
    pub fn key(&self) -> &T::Key {
        &self.key
    }

    /// Loads the referenced object through the transaction's identity map. A miss loads, in
    /// one query, every `T` the loaded objects refer to: following a reference from each of
    /// many objects costs one query in all, not one per object.
    ///
    /// # Errors
    /// [`crate::Error::NotFound`] when the row does not exist (anymore); database errors.
    pub fn get(&self, tx: &Transaction) -> Result<Obj<T>> {
        tx.get_referenced::<T>(self.key.clone())?
            .ok_or_else(|| crate::Error::NotFound {
                entity: T::meta().name.to_string(),
                key: Some(format!("{:?}", self.key)),
            })
    }
}

impl<T: Entity> Clone for Ref<T> {
    fn clone(&self) -> Self {
        Ref {
            key: self.key.clone(),
        }
    }
}

impl<T: Entity> PartialEq for Ref<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<T: Entity> Eq for Ref<T> {}

impl<T: Entity> std::hash::Hash for Ref<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

impl<T: Entity> fmt::Debug for Ref<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ref<{}>({:?})", T::meta().name, self.key)
    }
}

/// A reference to the object. When the object was deleted (or a rolled-back savepoint
/// inserted it), its transaction refuses to write the reference ([`crate::Error::ObjectDeleted`]):
/// its key may name another row by then.
impl<T: Entity> From<&Obj<T>> for Ref<T> {
    fn from(obj: &Obj<T>) -> Self {
        let key = obj.key();
        if obj.is_deleted() {
            obj.note_dead_ref(&key);
        }
        Ref { key }
    }
}

/// As `From<&Obj<T>>`.
impl<T: Entity> From<Obj<T>> for Ref<T> {
    fn from(obj: Obj<T>) -> Self {
        Ref::from(&obj)
    }
}

impl<T: Entity> From<&Ref<T>> for Ref<T> {
    fn from(r: &Ref<T>) -> Self {
        r.clone()
    }
}

/// References compare only with references to the same entity.
pub struct RefKind<T>(PhantomData<fn() -> T>);

/// A reference orders by its key, when its key orders as in Rust (not an enum stored by
/// name).
#[diagnostic::do_not_recommend]
impl<T: Entity> crate::types::Sorted for Ref<T> where T::Key: NonNull + crate::types::Sorted {}

#[diagnostic::do_not_recommend]
impl<T: Entity> SqlType for Ref<T>
where
    T::Key: NonNull,
{
    type Inner = Ref<T>;
    type Kind = RefKind<T>;
    const NULLABLE: bool = false;
    const COLUMN_TYPE: ColumnType = <T::Key as SqlType>::COLUMN_TYPE;
    const RUST_NAME: &'static str = "Ref";
    const OBJECT: bool = true;
    #[inline]
    fn to_value_ref(&self) -> ValueRef<'_> {
        self.key.to_value_ref()
    }
    #[inline]
    fn from_value_ref(v: ValueRef<'_>) -> Result<Self, DecodeFail> {
        T::Key::from_value_ref(v).map(|key| Ref { key })
    }
}

#[diagnostic::do_not_recommend]
impl<T: Entity> NonNull for Ref<T> where T::Key: NonNull {}

#[diagnostic::do_not_recommend]
impl<T: Entity> Comparable<Ref<T>> for Ref<T> {}
#[diagnostic::do_not_recommend]
impl<T: Entity> Comparable<Option<Ref<T>>> for Ref<T> {}
#[diagnostic::do_not_recommend]
impl<T: Entity> Comparable<Ref<T>> for Option<Ref<T>> {}
#[diagnostic::do_not_recommend]
impl<T: Entity> Comparable<Option<Ref<T>>> for Option<Ref<T>> {}

#[diagnostic::do_not_recommend]
impl<T: Entity> ToParam for Ref<T>
where
    T::Key: SqlType,
{
    fn to_param(&self) -> Value {
        self.key.to_value_ref().to_owned_value()
    }
}
#[diagnostic::do_not_recommend]
impl<T: Entity> TypedParam for Ref<T>
where
    T::Key: NonNull,
{
    type Sql = Ref<T>;
    #[inline]
    fn __value(&self) -> Value {
        ToParam::to_param(self)
    }
}

/// An outer object in a query is its key: `p.category == books`. A deleted object is refused
/// when the query runs ([`crate::Error::ObjectDeleted`]): its key may name another row.
#[diagnostic::do_not_recommend]
impl<T: Entity> ToParam for Obj<T>
where
    T::Key: SqlType,
{
    fn to_param(&self) -> Value {
        if self.is_deleted() {
            return Value::Deleted(T::meta().name);
        }
        self.key().to_value_ref().to_owned_value()
    }
}
/// In a query, an object is its key, and the query refuses it when it runs if the object
/// died since ([`crate::Error::ObjectDeleted`]; see `object_param`).
#[diagnostic::do_not_recommend]
impl<T: Entity> TypedParam for Obj<T>
where
    T::Key: NonNull,
{
    type Sql = Ref<T>;
    #[inline]
    fn __value(&self) -> Value {
        let key = ToParam::to_param(self);
        if matches!(key, Value::Deleted(_)) {
            return key;
        }
        match self.cell().tx().upgrade() {
            Some(tx) => {
                let cell = self.cell() as *const crate::obj::ObjCell<T> as usize;
                crate::object_param::object_value(T::meta(), cell, key, &tx)
            }
            None => key,
        }
    }
    #[inline]
    fn __item(&self) -> Value {
        ToParam::to_param(self)
    }
}

// `kind` is referenced so that the module's docs link; references have their own kind.
#[allow(unused_imports)]
use kind as _;

/// The "many" side of a relationship, as a field of an entity: `pub products: Set<Product>`.
///
/// The field holds nothing: the collection lives in the database. Reach it through the
/// object's getter (`category.products()`), which gives a [`Collection`](crate::Collection), or query it
/// (`for p in c.products`, `count(c.products)`).
pub struct Set<T>(PhantomData<fn() -> T>);

impl<T> Set<T> {
    /// The (empty) field value.
    pub const fn new() -> Self {
        Set(PhantomData)
    }
}

impl<T> Default for Set<T> {
    fn default() -> Self {
        Set::new()
    }
}

impl<T> Clone for Set<T> {
    fn clone(&self) -> Self {
        Set::new()
    }
}

impl<T> PartialEq for Set<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> fmt::Debug for Set<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Set")
    }
}

pub use crate::pairing::{
    field_columns, is_stored, link_table, partner, reference_of, virtual_column, LinkNames,
    LinkTable, Partner, RelKind, RelationMeta,
};

/// Whether a reference (a column-holding relationship) of `T`'s rows names another row in
/// `after` than in `before`: the loaded collections of `T`'s rows are then no longer true.
#[inline]
pub(crate) fn reference_changed<T: Entity>(
    meta: &'static crate::EntityMeta,
    before: &T,
    after: &T,
) -> bool {
    meta.relations.iter().any(|r| {
        r.column
            .is_some_and(|c| (c..c + r.width()).any(|i| !after.same_column(before, i)))
    })
}
