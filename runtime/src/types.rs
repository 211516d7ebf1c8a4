//! The Rust types that can be columns, and the traits that type-check queries.
//!
//! [`SqlType`] is implemented for `bool, i16, i32, i64, f32, f64, String, Vec<u8>`, the types
//! of `#[derive(Value)]` ([`DerivedValue`]) and `Option` of each. [`ToParam`] is what an outer Rust value needs to be sent as a bind parameter.
//! [`Comparable`] decides which values may meet in a comparison: all integer types with each
//! other, `f32`/`f64` with each other, text with text, bytes with bytes, bool with bool, each
//! with or without `Option`.

use crate::value::ValueRef;

pub use crate::params::{ToParam, TypedParam};

/// The SQL storage type of a column, used when creating and checking tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// `bool`
    Bool,
    /// `i16`
    SmallInt,
    /// `i32`
    Int,
    /// `i64`
    BigInt,
    /// `f32`
    Float,
    /// `f64`
    Double,
    /// `String`
    Text,
    /// `Vec<u8>`
    Blob,
    /// `uuid::Uuid` (the `uuid` feature): PostgreSQL `uuid`, SQLite a 16-byte BLOB.
    Uuid,
    /// A calendar date (`chrono::NaiveDate`): PostgreSQL `date`, SQLite ISO text.
    Date,
    /// A time of day (`chrono::NaiveTime`): PostgreSQL `time`, SQLite ISO text.
    Time,
    /// A date and time without a zone (`chrono::NaiveDateTime`): PostgreSQL `timestamp`,
    /// SQLite ISO text.
    Timestamp,
    /// An instant (`chrono::DateTime<Utc>`): PostgreSQL `timestamptz`, SQLite ISO text in
    /// UTC.
    TimestampTz,
    /// An exact decimal (`rust_decimal::Decimal`): PostgreSQL `numeric`, SQLite `NUMERIC`
    /// (see [`crate::exact_decimal`] for what SQLite holds exactly).
    Decimal,
    /// JSON (`serde_json::Value`, `Json<T>`): PostgreSQL `jsonb`, SQLite text.
    Json,
}

/// Why a database value could not become a Rust value (the column is added by the caller).
#[derive(Debug, Clone)]
pub struct DecodeFail {
    /// The Rust type wanted.
    pub expected: &'static str,
    /// What was found.
    pub found: String,
}

impl DecodeFail {
    /// A value `v` that is not a `expected` (the name of the Rust type wanted).
    pub fn new(expected: &'static str, v: ValueRef<'_>) -> Self {
        let found = match v {
            ValueRef::Null => "NULL".to_string(),
            ValueRef::Int(i) => format!("INTEGER {i}"),
            ValueRef::Real(r) => format!("REAL {r}"),
            ValueRef::Text(t) if std::str::from_utf8(t).is_err() => {
                "TEXT that is not valid UTF-8".to_string()
            }
            ValueRef::Text(t) => format!("TEXT {:?}", String::from_utf8_lossy(t)),
            ValueRef::Blob(b) => format!("BLOB of {} bytes", b.len()),
            ValueRef::Time(t) => format!("DATE/TIME {}", t.to_iso()),
            ValueRef::Decimal(d) => format!("NUMERIC {d}"),
            ValueRef::Json(j) => format!("{j:?}"),
        };
        DecodeFail { expected, found }
    }
}

/// Marker types naming the families of values that can be compared with each other.
pub mod kind {
    /// Booleans.
    pub enum Bool {}
    /// Integers of any width.
    pub enum Integer {}
    /// Floating point numbers.
    pub enum Real {}
    /// Text.
    pub enum Text {}
    /// Bytes.
    pub enum Blob {}
    /// UUIDs.
    pub enum Uuid {}
    /// Calendar dates.
    pub enum Date {}
    /// Times of day.
    pub enum Time {}
    /// Dates and times without a zone.
    pub enum Timestamp {}
    /// Instants (dates and times in UTC).
    pub enum TimestampTz {}
    /// Exact decimals.
    pub enum Decimal {}
    /// JSON documents.
    pub enum Json {}
}

/// A type `order_by` may order by: every column type but JSON, which SQLite orders as text
/// and PostgreSQL as `jsonb` (`{"rank": 10}` before or after `{"rank": 9}`), so a query
/// ordered by a document would answer otherwise on each; nor an enum stored by name,
/// which SQL orders by its names, not as Rust orders its variants. Generated code checks
/// each order item with it, at the user's item.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot order a query: the database would not order it as Rust does",
    label = "a JSON document, or an enum stored by name",
    note = "a JSON document: SQLite orders it as text, PostgreSQL as `jsonb`; order by a value read from it, such as `.get(\"rank\").as_i64()` or `.as_str()`",
    note = "an enum stored by name: SQL would order the names, not the variants; store it by its discriminant (`#[repr(i32)]`), or order by a `match` that ranks its variants"
)]
pub trait Sorted {
    /// Generated code calls this: a failing bound is reported at the user's token.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
}
/// (What the probe gives for an item that is no order key: `OrderSpec` reports it.)
#[diagnostic::do_not_recommend]
impl Sorted for () {}
macro_rules! sorted {
    ($($t:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl Sorted for $t {}
    )*};
}
sorted!(bool, i16, i32, i64, f32, f64, String, Vec<u8>);
#[diagnostic::do_not_recommend]
impl<T: Sorted + NonNull> Sorted for Option<T> {}
#[cfg(feature = "uuid")]
#[diagnostic::do_not_recommend]
impl Sorted for uuid::Uuid {}

/// JSON column types (`.get(key)`, `.as_str()`, `.as_i64()`, `.as_f64()`, `.as_bool()` in
/// queries): `serde_json::Value` and `Json<T>` (the `json` feature), and `Option` of each.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not JSON",
    label = "`.get(..)`, `.as_str()`, `.as_i64()`, `.as_f64()` and `.as_bool()` need a JSON attribute",
    note = "with the `json` feature: serde_json::Value, colt::Json<T> and Option of each"
)]
pub trait Jsonic: SqlType {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
}
#[diagnostic::do_not_recommend]
impl<T: Jsonic + NonNull> Jsonic for Option<T> {}

/// What a JSON value can be indexed with in a query: a key (`String`, `&str`) or an array
/// position (an integer; a negative one counts from the end, as on PostgreSQL).
#[diagnostic::on_unimplemented(
    message = "a JSON value cannot be indexed with `{Self}`",
    label = "expected an object key (a string) or an array position (an integer)"
)]
pub trait JsonKey: SqlType {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
    /// An array position rather than a key.
    const POSITION: bool;
}
#[diagnostic::do_not_recommend]
impl JsonKey for String {
    const POSITION: bool = false;
}
#[diagnostic::do_not_recommend]
impl JsonKey for i16 {
    const POSITION: bool = true;
}
#[diagnostic::do_not_recommend]
impl JsonKey for i32 {
    const POSITION: bool = true;
}
#[diagnostic::do_not_recommend]
impl JsonKey for i64 {
    const POSITION: bool = true;
}

/// A Rust type that can be stored in a column.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a single column value",
    label = "expected a column type",
    note = "column types are bool, i16, i32, i64, f32, f64, String, Vec<u8> and Option of each; relationships are Ref<T>, Option<Ref<T>> and Set<T>",
    note = "the values of a collection (`Many<T>`, such as `c.products.price`) are used through an aggregate (`sum(c.products.price)`), `.contains(..)`, or a generator (`for p in c.products`)"
)]
pub trait SqlType: Sized + Clone + PartialEq + 'static {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
    /// The type without `Option` (`Option<i64>` → `i64`).
    type Inner: SqlType<Inner = Self::Inner>;
    /// The family of values this type compares with.
    type Kind;
    /// Whether the column may hold NULL.
    const NULLABLE: bool;
    /// The storage type.
    const COLUMN_TYPE: ColumnType;
    /// The Rust name, for messages.
    const RUST_NAME: &'static str;
    /// Whether a value names an object (a reference): `count` of a collection's values of
    /// the type counts distinct objects.
    #[doc(hidden)]
    const OBJECT: bool = false;
    /// Borrows the value for binding.
    fn to_value_ref(&self) -> ValueRef<'_>;
    /// Decodes a value read from the database.
    fn from_value_ref(v: ValueRef<'_>) -> Result<Self, DecodeFail>;
    /// [`decode_column`] as a method, for the derive's generated code: a field type that is no
    /// column is then reported at the field's type, with no note naming Colt's function.
    #[doc(hidden)]
    #[inline]
    fn __decode(v: ValueRef<'_>, column: &str) -> crate::Result<Self> {
        decode_column(v, column)
    }
}

macro_rules! int_sql_type {
    ($t:ty, $ct:ident, $name:literal) => {
        #[diagnostic::do_not_recommend]
        impl SqlType for $t {
            type Inner = $t;
            type Kind = kind::Integer;
            const NULLABLE: bool = false;
            const COLUMN_TYPE: ColumnType = ColumnType::$ct;
            const RUST_NAME: &'static str = $name;
            #[inline]
            fn to_value_ref(&self) -> ValueRef<'_> {
                ValueRef::Int(i64::from(*self))
            }
            #[inline]
            fn from_value_ref(v: ValueRef<'_>) -> Result<Self, DecodeFail> {
                match v {
                    ValueRef::Int(i) => <$t>::try_from(i).map_err(|_| DecodeFail::new($name, v)),
                    // A PostgreSQL `numeric` column.
                    ValueRef::Decimal(d) => d
                        .to_i64()
                        .and_then(|i| <$t>::try_from(i).ok())
                        .ok_or_else(|| DecodeFail::new($name, v)),
                    _ => Err(DecodeFail::new($name, v)),
                }
            }
        }
    };
}
int_sql_type!(i16, SmallInt, "i16");
int_sql_type!(i32, Int, "i32");
int_sql_type!(i64, BigInt, "i64");

#[diagnostic::do_not_recommend]
impl SqlType for bool {
    type Inner = bool;
    type Kind = kind::Bool;
    const NULLABLE: bool = false;
    const COLUMN_TYPE: ColumnType = ColumnType::Bool;
    const RUST_NAME: &'static str = "bool";
    #[inline]
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::Int(i64::from(*self))
    }
    #[inline]
    fn from_value_ref(v: ValueRef<'_>) -> Result<Self, DecodeFail> {
        match v {
            ValueRef::Int(0) => Ok(false),
            ValueRef::Int(1) => Ok(true),
            _ => Err(DecodeFail::new("bool", v)),
        }
    }
}

macro_rules! real_sql_type {
    ($t:ty, $ct:ident, $name:literal) => {
        #[diagnostic::do_not_recommend]
        impl SqlType for $t {
            type Inner = $t;
            type Kind = kind::Real;
            const NULLABLE: bool = false;
            const COLUMN_TYPE: ColumnType = ColumnType::$ct;
            const RUST_NAME: &'static str = $name;
            #[inline]
            fn to_value_ref(&self) -> ValueRef<'_> {
                ValueRef::Real(f64::from(*self))
            }
            #[inline]
            fn from_value_ref(v: ValueRef<'_>) -> Result<Self, DecodeFail> {
                match v {
                    ValueRef::Real(r) => Ok(r as $t),
                    // SQLite stores integral REAL values of typeless expressions as INTEGER.
                    ValueRef::Int(i) => Ok(i as $t),
                    // A PostgreSQL `numeric` column: the nearest float.
                    ValueRef::Decimal(d) => Ok(d.to_f64() as $t),
                    _ => Err(DecodeFail::new($name, v)),
                }
            }
        }
    };
}
real_sql_type!(f32, Float, "f32");
real_sql_type!(f64, Double, "f64");

#[diagnostic::do_not_recommend]
impl SqlType for String {
    type Inner = String;
    type Kind = kind::Text;
    const NULLABLE: bool = false;
    const COLUMN_TYPE: ColumnType = ColumnType::Text;
    const RUST_NAME: &'static str = "String";
    #[inline]
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::Text(self.as_bytes())
    }
    #[inline]
    fn from_value_ref(v: ValueRef<'_>) -> Result<Self, DecodeFail> {
        match v {
            ValueRef::Text(t) => match std::str::from_utf8(t) {
                Ok(s) => Ok(s.to_owned()),
                Err(_) => Err(DecodeFail::new("String", v)),
            },
            _ => Err(DecodeFail::new("String", v)),
        }
    }
}

#[diagnostic::do_not_recommend]
impl SqlType for Vec<u8> {
    type Inner = Vec<u8>;
    type Kind = kind::Blob;
    const NULLABLE: bool = false;
    const COLUMN_TYPE: ColumnType = ColumnType::Blob;
    const RUST_NAME: &'static str = "Vec<u8>";
    #[inline]
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::Blob(self)
    }
    #[inline]
    fn from_value_ref(v: ValueRef<'_>) -> Result<Self, DecodeFail> {
        match v {
            ValueRef::Blob(b) => Ok(b.to_vec()),
            _ => Err(DecodeFail::new("Vec<u8>", v)),
        }
    }
}

/// Types that are not themselves `Option` (so `Option<T>` is a column type).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a column",
    label = "not a column type",
    note = "column types are bool, i16, i32, i64, f32, f64, String, Vec<u8> and Option of each; relationships are Ref<T>, Option<Ref<T>> and Set<T>"
)]
pub trait NonNull: SqlType<Inner = Self> {}
#[diagnostic::do_not_recommend]
impl NonNull for bool {}
#[diagnostic::do_not_recommend]
impl NonNull for i16 {}
#[diagnostic::do_not_recommend]
impl NonNull for i32 {}
#[diagnostic::do_not_recommend]
impl NonNull for i64 {}
#[diagnostic::do_not_recommend]
impl NonNull for f32 {}
#[diagnostic::do_not_recommend]
impl NonNull for f64 {}
#[diagnostic::do_not_recommend]
impl NonNull for String {}
#[diagnostic::do_not_recommend]
impl NonNull for Vec<u8> {}
#[cfg(feature = "uuid")]
#[diagnostic::do_not_recommend]
impl NonNull for uuid::Uuid {}

/// A UUID: 16 bytes, PostgreSQL's `uuid` or a SQLite BLOB; also read from the 36-character
/// text other tools store in SQLite.
#[cfg(feature = "uuid")]
#[diagnostic::do_not_recommend]
impl SqlType for uuid::Uuid {
    type Inner = uuid::Uuid;
    type Kind = kind::Uuid;
    const NULLABLE: bool = false;
    const COLUMN_TYPE: ColumnType = ColumnType::Uuid;
    const RUST_NAME: &'static str = "Uuid";
    #[inline]
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::Blob(self.as_bytes())
    }
    fn from_value_ref(v: ValueRef<'_>) -> Result<Self, DecodeFail> {
        match v {
            ValueRef::Blob(b) => uuid::Uuid::from_slice(b).map_err(|_| DecodeFail::new("Uuid", v)),
            ValueRef::Text(t) => std::str::from_utf8(t)
                .ok()
                .and_then(|s| uuid::Uuid::parse_str(s).ok())
                .ok_or_else(|| DecodeFail::new("Uuid", v)),
            _ => Err(DecodeFail::new("Uuid", v)),
        }
    }
}

#[cfg(feature = "uuid")]
#[diagnostic::do_not_recommend]
impl ToParam for uuid::Uuid {
    fn to_param(&self) -> crate::value::Value {
        crate::value::Value::Blob(self.as_bytes().to_vec())
    }
}
#[cfg(feature = "uuid")]
#[diagnostic::do_not_recommend]
impl TypedParam for uuid::Uuid {
    type Sql = uuid::Uuid;
    #[inline]
    fn __value(&self) -> crate::value::Value {
        ToParam::to_param(self)
    }
}

#[diagnostic::do_not_recommend]
impl<T: NonNull> SqlType for Option<T> {
    type Inner = T;
    type Kind = T::Kind;
    const NULLABLE: bool = true;
    const COLUMN_TYPE: ColumnType = T::COLUMN_TYPE;
    const RUST_NAME: &'static str = T::RUST_NAME;
    const OBJECT: bool = T::OBJECT;
    #[inline]
    fn to_value_ref(&self) -> ValueRef<'_> {
        match self {
            Some(v) => v.to_value_ref(),
            None => ValueRef::Null,
        }
    }
    #[inline]
    fn from_value_ref(v: ValueRef<'_>) -> Result<Self, DecodeFail> {
        match v {
            ValueRef::Null => Ok(None),
            other => T::from_value_ref(other).map(Some),
        }
    }
}

/// Decodes `T`, naming `column` in the error.
#[inline]
pub fn decode_column<T: SqlType>(v: ValueRef<'_>, column: &str) -> crate::Result<T> {
    T::from_value_ref(v).map_err(|f| crate::Error::Decode {
        column: column.to_string(),
        expected: f.expected.to_string(),
        found: f.found,
    })
}

/// Values of `Self` can be compared with a column (or expression) of type `T`.
#[diagnostic::on_unimplemented(
    message = "a value of type `{Self}` cannot be compared or combined with `{T}`",
    label = "expected a value compatible with `{T}`",
    note = "numbers compare with numbers (integers, floats, decimals), String/&str with text, bool with bool, Vec<u8> with bytes, a `#[derive(Value)]` type with itself; `Option` of each may meet the plain type"
)]
pub trait Comparable<T> {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<T>, _: ::core::marker::PhantomData<Self>) {}
}

macro_rules! comparable_family {
    ($($a:ty),* ; $($b:ty),*) => {
        $crate::types::comparable_family!(@outer [$($a),*] [$($b),*]);
    };
    (@outer [$($a:ty),*] $bs:tt) => {
        $( $crate::types::comparable_family!(@inner $a $bs); )*
    };
    (@inner $a:ty [$($b:ty),*]) => {
        $(
            #[diagnostic::do_not_recommend]
            impl $crate::types::Comparable<$b> for $a {}
            #[diagnostic::do_not_recommend]
            impl $crate::types::Comparable<Option<$b>> for $a {}
            #[diagnostic::do_not_recommend]
            impl $crate::types::Comparable<$b> for Option<$a> {}
            #[diagnostic::do_not_recommend]
            impl $crate::types::Comparable<Option<$b>> for Option<$a> {}
        )*
    };
}
pub(crate) use comparable_family;
comparable_family!(i16, i32, i64; i16, i32, i64);
comparable_family!(f32, f64; f32, f64);
// Integers and floats compare by value, as in SQL and PonyORM.
comparable_family!(i16, i32, i64; f32, f64);
comparable_family!(f32, f64; i16, i32, i64);
comparable_family!(bool; bool);
comparable_family!(String; String);
comparable_family!(Vec<u8>; Vec<u8>);
#[cfg(feature = "uuid")]
comparable_family!(uuid::Uuid; uuid::Uuid);

/// A column type of the program's own, made by `#[derive(colt::Value)]` (a fieldless enum or a
/// newtype): it is a family of its own, compared only with itself (and `Option` of itself),
/// so `p.status == Status::Draft` compiles and `p.status == "draft"` does not.
pub trait DerivedValue: NonNull {}

#[diagnostic::do_not_recommend]
impl<T: DerivedValue> Comparable<T> for T {}
#[diagnostic::do_not_recommend]
impl<T: DerivedValue> Comparable<Option<T>> for T {}
#[diagnostic::do_not_recommend]
impl<T: DerivedValue> Comparable<T> for Option<T> {}
#[diagnostic::do_not_recommend]
impl<T: DerivedValue> Comparable<Option<T>> for Option<T> {}

/// Types whose order in SQL is their order in Rust, so that `<`, `<=`, `>`, `>=` give Rust's
/// answer: every built-in column type, enums stored by discriminant, newtypes over an
/// ordered type. An enum stored by name is not: SQL would compare the names.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be ordered with `<`, `<=`, `>`, `>=` in a query",
    label = "stored by name: SQL would compare the names, not the order of the variants",
    note = "compare it with `==` / `!=` or `.contains(..)`, or store the enum by its discriminant (`#[repr(i32)]`) to order it"
)]
pub trait Ordered: SqlType {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
}
#[diagnostic::do_not_recommend]
impl Ordered for bool {}
#[diagnostic::do_not_recommend]
impl Ordered for i16 {}
#[diagnostic::do_not_recommend]
impl Ordered for i32 {}
#[diagnostic::do_not_recommend]
impl Ordered for i64 {}
#[diagnostic::do_not_recommend]
impl Ordered for f32 {}
#[diagnostic::do_not_recommend]
impl Ordered for f64 {}
#[diagnostic::do_not_recommend]
impl Ordered for String {}
#[diagnostic::do_not_recommend]
impl Ordered for Vec<u8> {}
#[diagnostic::do_not_recommend]
impl<T: Ordered + NonNull> Ordered for Option<T> {}
#[cfg(feature = "uuid")]
#[diagnostic::do_not_recommend]
impl Ordered for uuid::Uuid {}

/// Types with a calendar date (`.year()`, `.month()`, `.day()` in queries): the date and
/// date-time types of the `chrono` feature, and `Option` of each.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no date",
    label = "`.year()`, `.month()` and `.day()` need a date or date-time attribute",
    note = "with the `chrono` feature: NaiveDate, NaiveDateTime, DateTime<Utc> and Option of each"
)]
pub trait Dated: SqlType {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
    /// The type of a part: `i32`, or `Option<i32>` for an `Option`.
    type Part: SqlType;
}
#[diagnostic::do_not_recommend]
impl<T: Dated<Part = i32> + NonNull> Dated for Option<T> {
    type Part = Option<i32>;
}

/// Types with a time of day (`.hour()`, `.minute()`, `.second()` in queries).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no time of day",
    label = "`.hour()`, `.minute()` and `.second()` need a time or date-time attribute",
    note = "with the `chrono` feature: NaiveTime, NaiveDateTime, DateTime<Utc> and Option of each"
)]
pub trait Timed: SqlType {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
    /// The type of a part: `i32`, or `Option<i32>` for an `Option`.
    type Part: SqlType;
}
#[diagnostic::do_not_recommend]
impl<T: Timed<Part = i32> + NonNull> Timed for Option<T> {
    type Part = Option<i32>;
}

/// Numeric column types (arithmetic, `sum`, `avg`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a number",
    label = "arithmetic, `sum` and `avg` need a numeric attribute",
    note = "numeric types are i16, i32, i64, f32, f64, Decimal (the `decimal` feature) and Option of each"
)]
pub trait Numeric: SqlType {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
    /// The type of an average: `f64`, a decimal for decimals.
    type Average: NonNull;
}
#[diagnostic::do_not_recommend]
impl Numeric for i16 {
    type Average = f64;
}
#[diagnostic::do_not_recommend]
impl Numeric for i32 {
    type Average = f64;
}
#[diagnostic::do_not_recommend]
impl Numeric for i64 {
    type Average = f64;
}
#[diagnostic::do_not_recommend]
impl Numeric for f32 {
    type Average = f64;
}
#[diagnostic::do_not_recommend]
impl Numeric for f64 {
    type Average = f64;
}
#[diagnostic::do_not_recommend]
impl<T: Numeric + NonNull> Numeric for Option<T> {
    type Average = T::Average;
}

/// Integer column types (`%`): SQLite's `%` truncates floats to integers and PostgreSQL has
/// no `%` for them, so a float remainder would not be Rust's.
#[diagnostic::on_unimplemented(
    message = "`%` needs integers, not `{Self}`",
    label = "the remainder of a float has no SQL that gives Rust's answer on every backend",
    note = "`%` works on i16, i32, i64 and Option of each"
)]
pub trait Integral: Numeric {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
}
#[diagnostic::do_not_recommend]
impl Integral for i16 {}
#[diagnostic::do_not_recommend]
impl Integral for i32 {}
#[diagnostic::do_not_recommend]
impl Integral for i64 {}
#[diagnostic::do_not_recommend]
impl<T: Integral + NonNull> Integral for Option<T> {}

/// Text column types (string methods).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not text",
    label = "string methods need a `String` attribute or value",
    note = "`.starts_with`, `.ends_with`, `.contains`, `.to_lowercase`, `.to_uppercase`, `.trim` and `.len` work on String and Option<String>"
)]
pub trait Textual: SqlType {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
    /// The type of a test of it (`.starts_with(..)`, `.like(..)`): `bool`, or `Option<bool>`
    /// for an `Option` (a NULL text tests NULL).
    type Test: SqlType;
    /// The type of its length (`.len()`): `i64`, or `Option<i64>` for an `Option` (a NULL
    /// text has no length).
    type Len: SqlType;
}
/// The type of a test of two texts (`a.starts_with(b)`, `a.contains(b)`, `a.like(b)`):
/// `bool`, or `Option<bool>` when either may be NULL (a NULL text tests NULL).
pub trait TestWith<R> {
    /// The test's type.
    type Out: SqlType;
}
impl TestWith<bool> for bool {
    type Out = bool;
}
impl TestWith<Option<bool>> for bool {
    type Out = Option<bool>;
}
impl TestWith<bool> for Option<bool> {
    type Out = Option<bool>;
}
impl TestWith<Option<bool>> for Option<bool> {
    type Out = Option<bool>;
}

#[diagnostic::do_not_recommend]
impl Textual for String {
    type Test = bool;
    type Len = i64;
}
#[diagnostic::do_not_recommend]
impl Textual for Option<String> {
    type Test = Option<bool>;
    type Len = Option<i64>;
}

/// Boolean expressions (conditions).
#[diagnostic::on_unimplemented(
    message = "a condition must be a bool, found `{Self}`",
    label = "expected a bool condition",
    note = "conditions are comparisons (`p.price < 10`), bool attributes, `&&`, `||`, `!` and bool methods such as `.is_none()`"
)]
pub trait Condition: SqlType {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
}
#[diagnostic::do_not_recommend]
impl Condition for bool {}
#[diagnostic::do_not_recommend]
impl Condition for Option<bool> {}

/// Types that may be NULL (`is_none`, `is_some`, `== None`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is never NULL",
    label = "`.is_none()`, `.is_some()` and comparing with `None` need an `Option` attribute",
    note = "declare the attribute as `Option<T>` to make the column nullable"
)]
pub trait Nullable: SqlType {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
}
#[diagnostic::do_not_recommend]
impl<T: NonNull> Nullable for Option<T> {}

/// Converts a builder argument into the value of an `Option` attribute.
///
/// Lets `Product::build().description("tea")` and `.description(None::<String>)` both work.
pub trait IntoOption<T> {
    /// The attribute's value.
    fn into_option(self) -> Option<T>;
}

macro_rules! into_option {
    ($t:ty => $($from:ty),*) => {
        #[diagnostic::do_not_recommend]
        impl IntoOption<$t> for Option<$t> {
            fn into_option(self) -> Option<$t> { self }
        }
        $(
            #[diagnostic::do_not_recommend]
            impl IntoOption<$t> for $from {
                fn into_option(self) -> Option<$t> { Some(self.into()) }
            }
        )*
    };
}
into_option!(bool => bool);
into_option!(i16 => i16, i8, u8);
into_option!(i32 => i32, i16, i8, u16, u8);
into_option!(i64 => i64, i32, i16, i8, u32, u16, u8);
into_option!(f32 => f32);
into_option!(f64 => f64, f32);
into_option!(String => String, &str, &String, Box<str>);
into_option!(Vec<u8> => Vec<u8>, &[u8]);
#[cfg(feature = "uuid")]
into_option!(uuid::Uuid => uuid::Uuid);
#[diagnostic::do_not_recommend]
impl IntoOption<String> for Option<&str> {
    fn into_option(self) -> Option<String> {
        self.map(str::to_owned)
    }
}

#[diagnostic::do_not_recommend]
impl<T: crate::Entity> IntoOption<crate::Ref<T>> for Option<crate::Ref<T>> {
    fn into_option(self) -> Option<crate::Ref<T>> {
        self
    }
}
#[diagnostic::do_not_recommend]
impl<T: crate::Entity> IntoOption<crate::Ref<T>> for crate::Ref<T> {
    fn into_option(self) -> Option<crate::Ref<T>> {
        Some(self)
    }
}
#[diagnostic::do_not_recommend]
impl<T: crate::Entity> IntoOption<crate::Ref<T>> for &crate::Obj<T> {
    fn into_option(self) -> Option<crate::Ref<T>> {
        Some(self.into())
    }
}
#[diagnostic::do_not_recommend]
impl<T: crate::Entity> IntoOption<crate::Ref<T>> for Option<&crate::Obj<T>> {
    fn into_option(self) -> Option<crate::Ref<T>> {
        self.map(Into::into)
    }
}
