//! Outer Rust values as bind parameters: [`ToParam`] (any value the database takes, also in
//! raw SQL) and [`TypedParam`] (a value with one SQL type, which a query checks against the
//! column it meets). Re-exported from [`crate::types`].

use crate::types::{NonNull, SqlType};
use crate::value::Value;

/// A Rust value that can be sent to the database as a bind parameter.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a query parameter",
    label = "this value is sent to the database as a parameter",
    note = "parameters can be bool, integers, f32, f64, String, &str, Vec<u8>, &[u8], the date, time, decimal, UUID and JSON types of Colt's features, a `#[derive(Value)]` type, Option of those, an Obj of an entity, or (with `.contains`) a slice, array, Vec or HashSet of those",
    note = "a reference to (or an object of) an entity with a composite key is several values: compare its attributes (`s.line.order == o && s.line.no == n`)"
)]
pub trait ToParam {
    /// The owned value to bind.
    fn to_param(&self) -> Value;
}

/// A parameter with a single SQL type, so that rustc can check it against a column. Every
/// outer value of a query is one (what `.contains` tests is a [`ToParam`] collection).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a query parameter",
    label = "this value is sent to the database as a parameter",
    note = "parameters can be bool, integers, f32, f64, String, &str, Vec<u8>, &[u8], the date, time, decimal, UUID and JSON types of Colt's features, a `#[derive(Value)]` type, Option of those, an Obj of an entity, or (with `.contains`) a slice, array, Vec or HashSet of those",
    note = "a reference to (or an object of) an entity with a composite key is several values: compare its attributes (`s.line.order == o && s.line.no == n`)"
)]
pub trait TypedParam {
    /// The column type this value compares as.
    type Sql: SqlType;

    /// The SQL type, for the generated code: a value that is no parameter is then reported
    /// once, at the value (each use calls this trait's own methods, which rustc reports
    /// without a note), and what is built on its type is left undecided rather than failing
    /// again.
    #[doc(hidden)]
    #[inline(always)]
    fn __sql(&self) -> ::core::marker::PhantomData<Self::Sql> {
        ::core::marker::PhantomData
    }

    /// The value to bind (its [`ToParam`] value). Not a supertrait's method, so that a value
    /// that is no parameter is reported as this trait, once.
    #[doc(hidden)]
    fn __value(&self) -> Value;

    /// The value alone, an object its key without what [`TypedParam::__value`] keeps to
    /// refuse it once it died (a hybrid method's literal; an `Option`'s [`ToParam`] value).
    #[doc(hidden)]
    #[inline]
    fn __item(&self) -> Value {
        self.__value()
    }
}

#[diagnostic::do_not_recommend]
impl<T: ToParam + ?Sized> ToParam for &T {
    #[inline]
    fn to_param(&self) -> Value {
        (**self).to_param()
    }
}
#[diagnostic::do_not_recommend]
impl<T: TypedParam + ?Sized> TypedParam for &T {
    type Sql = T::Sql;
    #[inline]
    fn __value(&self) -> Value {
        (**self).__value()
    }
    #[inline]
    fn __item(&self) -> Value {
        (**self).__item()
    }
}
#[diagnostic::do_not_recommend]
impl<T: ToParam + ?Sized> ToParam for &mut T {
    #[inline]
    fn to_param(&self) -> Value {
        (**self).to_param()
    }
}
#[diagnostic::do_not_recommend]
impl<T: TypedParam + ?Sized> TypedParam for &mut T {
    type Sql = T::Sql;
    #[inline]
    fn __value(&self) -> Value {
        (**self).__value()
    }
    #[inline]
    fn __item(&self) -> Value {
        (**self).__item()
    }
}

macro_rules! int_param {
    ($($t:ty => $sql:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl ToParam for $t {
            #[inline]
            fn to_param(&self) -> Value { Value::Int(i64::from(*self)) }
        }
        #[diagnostic::do_not_recommend]
        impl TypedParam for $t {
            type Sql = $sql;
            #[inline]
            fn __value(&self) -> Value { Value::Int(i64::from(*self)) }
        }
    )*};
}
int_param!(i8 => i16, u8 => i16, i16 => i16, u16 => i32, i32 => i32, u32 => i64, i64 => i64);

#[diagnostic::do_not_recommend]
impl ToParam for bool {
    fn to_param(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
#[diagnostic::do_not_recommend]
impl TypedParam for bool {
    type Sql = bool;
    #[inline]
    fn __value(&self) -> Value {
        ToParam::to_param(self)
    }
}
#[diagnostic::do_not_recommend]
impl ToParam for f32 {
    fn to_param(&self) -> Value {
        Value::Real(f64::from(*self))
    }
}
#[diagnostic::do_not_recommend]
impl TypedParam for f32 {
    type Sql = f32;
    #[inline]
    fn __value(&self) -> Value {
        ToParam::to_param(self)
    }
}
#[diagnostic::do_not_recommend]
impl ToParam for f64 {
    fn to_param(&self) -> Value {
        Value::Real(*self)
    }
}
#[diagnostic::do_not_recommend]
impl TypedParam for f64 {
    type Sql = f64;
    #[inline]
    fn __value(&self) -> Value {
        ToParam::to_param(self)
    }
}
#[diagnostic::do_not_recommend]
impl ToParam for str {
    fn to_param(&self) -> Value {
        Value::Text(self.to_owned())
    }
}
#[diagnostic::do_not_recommend]
impl TypedParam for str {
    type Sql = String;
    #[inline]
    fn __value(&self) -> Value {
        ToParam::to_param(self)
    }
}
#[diagnostic::do_not_recommend]
impl ToParam for String {
    fn to_param(&self) -> Value {
        Value::Text(self.clone())
    }
}
#[diagnostic::do_not_recommend]
impl TypedParam for String {
    type Sql = String;
    #[inline]
    fn __value(&self) -> Value {
        ToParam::to_param(self)
    }
}
#[diagnostic::do_not_recommend]
impl ToParam for std::borrow::Cow<'_, str> {
    fn to_param(&self) -> Value {
        Value::Text(self.to_string())
    }
}
#[diagnostic::do_not_recommend]
impl TypedParam for std::borrow::Cow<'_, str> {
    type Sql = String;
    #[inline]
    fn __value(&self) -> Value {
        ToParam::to_param(self)
    }
}
#[diagnostic::do_not_recommend]
impl ToParam for [u8] {
    fn to_param(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}
#[diagnostic::do_not_recommend]
impl TypedParam for [u8] {
    type Sql = Vec<u8>;
    #[inline]
    fn __value(&self) -> Value {
        ToParam::to_param(self)
    }
}
#[diagnostic::do_not_recommend]
impl ToParam for Vec<u8> {
    fn to_param(&self) -> Value {
        Value::Blob(self.clone())
    }
}
#[diagnostic::do_not_recommend]
impl TypedParam for Vec<u8> {
    type Sql = Vec<u8>;
    #[inline]
    fn __value(&self) -> Value {
        ToParam::to_param(self)
    }
}
#[diagnostic::do_not_recommend]
impl<T: TypedParam> ToParam for Option<T>
where
    T::Sql: NonNull,
{
    fn to_param(&self) -> Value {
        match self {
            Some(v) => v.__item(),
            None => Value::Null,
        }
    }
}
#[diagnostic::do_not_recommend]
impl<T: TypedParam> TypedParam for Option<T>
where
    T::Sql: NonNull,
{
    type Sql = Option<T::Sql>;
    #[inline]
    fn __value(&self) -> Value {
        match self {
            Some(v) => v.__value(),
            None => Value::Null,
        }
    }
    #[inline]
    fn __item(&self) -> Value {
        ToParam::to_param(self)
    }
}
