//! A reference to an entity with a composite key, in a query (`s.line`, where `Line` is keyed
//! by `(order, no)`): several columns, so not one value.
//!
//! Its expression type is [`CompositeRef<T>`] rather than `Ref<T>` (chosen by the key's type,
//! through [`RefShape`]), so that comparing it with an outer value is one error, at the value:
//! "`Ref<Line>` cannot be used as a query parameter", whose note says to compare its
//! attributes. Without it the attribute's type, the value and the comparison each failed.
//! Navigation through it (`s.line.qty`) is unaffected: it goes through the columns, not this
//! type.

use std::marker::PhantomData;

use crate::compared_param::{CmpOp, Comparand, ComparedParam};
use crate::entity::Entity;
use crate::expr::Expr;
use crate::obj::Obj;
use crate::plan::Node;
use crate::relation::Ref;
use crate::types::SqlType;

/// The type, in a query, of a reference to an entity `T` whose key has several columns: no
/// SQL type, so it is not one value (`s.line == line` does not compile; compare its
/// attributes, `s.line.order == o && s.line.no == 2`).
pub struct CompositeRef<T>(PhantomData<fn() -> T>);

/// What a reference to an entity keyed by `Self` is in a query: `Ref<T>` for a one-column key,
/// [`CompositeRef<T>`] for a tuple.
#[doc(hidden)]
pub trait RefShape<T> {
    /// A required reference's expression type.
    type Sql;
    /// An optional reference's expression type.
    type OptSql;
}

#[diagnostic::do_not_recommend]
impl<K: SqlType, T: Entity> RefShape<T> for K {
    type Sql = Ref<T>;
    type OptSql = Option<Ref<T>>;
}

macro_rules! composite_shape {
    ($(($($k:ident),+))*) => {$(
        #[diagnostic::do_not_recommend]
        impl<$($k,)+ T> RefShape<T> for ($($k,)+) {
            type Sql = CompositeRef<T>;
            type OptSql = CompositeRef<T>;
        }
    )*};
}
composite_shape! {
    (A, B) (A, B, C) (A, B, C, D) (A, B, C, D, E) (A, B, C, D, E, F) (A, B, C, D, E, F, G)
    (A, B, C, D, E, F, G, H)
}

/// The attribute side of a comparison is checked by [`Comparand`]: a composite reference
/// passes it, so that what is reported is the value (which cannot be a parameter).
#[diagnostic::do_not_recommend]
impl<T> Comparand for CompositeRef<T> {}

/// What a composite reference may be compared with: a reference to, or an object of, the same
/// entity. (Neither is a parameter, so no program that compares one compiles: `ToParam` of the
/// value is the error reported.)
#[doc(hidden)]
pub trait RefValue<T> {}

impl<T: Entity> RefValue<T> for Ref<T> {}
impl<T: Entity> RefValue<T> for Obj<T> {}
impl<T: Entity> RefValue<T> for Option<Ref<T>> {}
impl<T: Entity> RefValue<T> for Option<Obj<T>> {}
impl<T, V: RefValue<T> + ?Sized> RefValue<T> for &V {}

/// Only so that comparing a composite reference with a reference is one error (the value's
/// `ToParam`); no program that uses it compiles.
#[diagnostic::do_not_recommend]
impl<T, S, V: RefValue<T> + ?Sized> ComparedParam<CompositeRef<T>, S> for V {
    fn compare(
        op: CmpOp,
        l: Expr<CompositeRef<T>>,
        index: usize,
        _: &V,
        _: PhantomData<S>,
    ) -> Expr<bool> {
        Expr::new(Node::Binary(
            op.bin_op(),
            Box::new(l.node),
            Box::new(Node::Param(index)),
        ))
    }
}
