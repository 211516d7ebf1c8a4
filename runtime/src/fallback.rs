//! What `#[derive(Entity)]` implements when the struct has a mistake: beside the error at the
//! mistake, an `Entity` impl with no columns, so that the struct's other uses (`Ref<T>`,
//! `Set<T>`, `schema![..]`) add no "`T` is not a Colt entity" errors of their own. Such an
//! entity never reaches a database: binding it is refused.

use std::marker::PhantomData;

use crate::entity::Entity;
use crate::expr::EntityColumns;
use crate::navigate::At;
use crate::obj::{Accessor, AccessorBase};

/// The column handles of an entity whose derive failed: none.
pub struct Unmapped<E>(u16, PhantomData<fn() -> E>);

impl<E> Unmapped<E> {
    /// The handles of table `at`.
    pub fn new(at: At) -> Self {
        Unmapped(at.source(), PhantomData)
    }
}

impl<E: Entity> EntityColumns for Unmapped<E> {
    type Entity = E;
    type Variable = crate::expr::EntityExpr<E>;
    fn source(&self) -> u16 {
        self.0
    }
}

/// The nullable column handles of an entity whose derive failed: none.
pub struct UnmappedNullable<E>(u16, PhantomData<fn() -> E>);

impl<E> UnmappedNullable<E> {
    /// The handles of table `at`.
    pub fn new(at: At) -> Self {
        UnmappedNullable(at.source(), PhantomData)
    }
}

impl<E: Entity> EntityColumns for UnmappedNullable<E> {
    type Entity = E;
    type Variable = crate::expr::OptEntityExpr<E>;
    fn source(&self) -> u16 {
        self.0
    }
}

/// The getters of an entity whose derive failed: none.
#[repr(transparent)]
pub struct UnmappedAccessor<E: Entity>(#[allow(dead_code)] AccessorBase<E>);

// SAFETY: `#[repr(transparent)]` over the base, and nothing else.
unsafe impl<E: Entity> Accessor<E> for UnmappedAccessor<E> {}

/// The `Entity` impl the derive writes beside its error (see the module doc).
#[doc(hidden)]
#[macro_export]
macro_rules! __colt_fallback_entity {
    ($name:ident) => {
        #[diagnostic::do_not_recommend]
        impl $crate::Entity for $name {
            type Key = ();
            const KEY_WIDTH: usize = 0;
            const KEY_COLUMNS: &'static [$crate::__private::ColumnMeta] = &[];
            type Columns = $crate::__private::Unmapped<$name>;
            type NullableColumns = $crate::__private::UnmappedNullable<$name>;
            type ManyColumns = $crate::__private::Unmapped<$name>;
            type Accessor = $crate::__private::UnmappedAccessor<$name>;

            fn meta() -> &'static $crate::EntityMeta {
                static META: $crate::EntityMeta = $crate::EntityMeta {
                    name: ::std::stringify!($name),
                    table: "",
                    columns: &[],
                    primary_key: &[],
                    optimistic: false,
                    relations: &[],
                    uniques: &[],
                    indexes: &[],
                    cache: $crate::__private::MetaCache::new(),
                };
                &META
            }
            fn columns(at: $crate::__private::At) -> Self::Columns {
                $crate::__private::Unmapped::new(at)
            }
            fn nullable_columns(at: $crate::__private::At) -> Self::NullableColumns {
                $crate::__private::UnmappedNullable::new(at)
            }
            fn many_columns(at: $crate::__private::At) -> Self::ManyColumns {
                $crate::__private::Unmapped::new(at)
            }
            fn key(&self) -> Self::Key {}
            fn key_params(_: &Self::Key) -> ::std::vec::Vec<$crate::Value> {
                ::std::vec::Vec::new()
            }
            fn key_ref(_: &Self::Key, _: usize) -> $crate::ValueRef<'_> {
                $crate::ValueRef::Null
            }
            fn decode_key<R: $crate::RowAccess>(_: &R, _: usize, _: &str) -> $crate::Result<()> {
                ::std::result::Result::Err($crate::__private::unmapped(::std::stringify!($name)))
            }
            fn set_field_values(
                &mut self,
                _: usize,
                _: &[$crate::ValueRef<'_>],
            ) -> $crate::Result<()> {
                ::std::result::Result::Err($crate::__private::unmapped(::std::stringify!($name)))
            }
            fn decode_row<R: $crate::RowAccess>(_: &R, _: usize) -> $crate::Result<Self> {
                ::std::result::Result::Err($crate::__private::unmapped(::std::stringify!($name)))
            }
            fn column_ref(&self, _: usize) -> $crate::ValueRef<'_> {
                $crate::ValueRef::Null
            }
            fn column_eq(&self, _: &Self, _: usize) -> bool {
                true
            }
            fn copy_column(&mut self, _: &Self, _: usize) {}
            fn set_column_value(
                &mut self,
                _: usize,
                _: $crate::ValueRef<'_>,
            ) -> $crate::Result<()> {
                ::std::result::Result::Err($crate::__private::unmapped(::std::stringify!($name)))
            }
            fn set_auto_key(&mut self, _: i64) -> $crate::Result<()> {
                ::std::result::Result::Err($crate::__private::unmapped(::std::stringify!($name)))
            }
        }
    };
}

/// The error of every use of an entity whose derive failed (it does not compile, so this is
/// only for completeness).
pub fn unmapped(name: &str) -> crate::Error {
    crate::Error::SchemaMismatch(format!("`{name}` has an error in its `#[derive(Entity)]`"))
}
