//! JSON columns (the `json` feature): `serde_json::Value`, and [`Json<T>`] for a type of the
//! program's own that serializes. PostgreSQL stores them as `jsonb`, SQLite as text (compact,
//! as serde_json writes it). What a query can do with them: [`crate::json_expr`].

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::json_expr::JsonMember;
use crate::types::{
    kind, ColumnType, Comparable, DecodeFail, IntoOption, Jsonic, NonNull, SqlType, ToParam,
    TypedParam,
};
use crate::value::{JsonText, Value, ValueRef};

/// A JSON document read from a database value: text, or a bare number SQLite keeps as one
/// (in a column declared `JSON`, of NUMERIC affinity).
fn parse(v: ValueRef<'_>) -> Option<serde_json::Value> {
    match v {
        ValueRef::Text(t) => serde_json::from_slice(t).ok(),
        ValueRef::Int(i) => Some(serde_json::Value::from(i)),
        ValueRef::Real(r) => serde_json::Number::from_f64(r).map(serde_json::Value::Number),
        _ => None,
    }
}

/// serde_json's text, but a whole float keeps its point (`1e16` as `10000000000000000.0`):
/// PostgreSQL's `jsonb` would read `1e16` as the integer 10000000000000000, which serde_json
/// reads back as an integer.
struct Floats;

impl serde_json::ser::Formatter for Floats {
    fn write_f64<W: ?Sized + std::io::Write>(&mut self, w: &mut W, v: f64) -> std::io::Result<()> {
        if v.is_finite() && v.fract() == 0.0 && v.abs() >= 1e16 {
            write!(w, "{v:.1}")
        } else if v == 0.0 {
            // `-0.0` as `0.0`, which serde_json says it equals (PostgreSQL's `jsonb` would
            // drop the sign, SQLite's text keep it).
            w.write_all(b"0.0")
        } else {
            serde_json::ser::CompactFormatter.write_f64(w, v)
        }
    }
}

/// A document written with every object's keys in sorted order. serde_json's own map keeps
/// them sorted only while its `preserve_order` feature is off, and any crate of a program
/// can turn it on (then a `Json<HashMap>` came out in the map's random order, and SQLite's
/// `==` of two equal documents, which compares their text, was false).
struct SortedKeys<'a>(&'a serde_json::Value);

impl Serialize for SortedKeys<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            serde_json::Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&SortedKeys(item))?;
                }
                seq.end()
            }
            serde_json::Value::Object(fields) => {
                let mut sorted: Vec<(&String, &serde_json::Value)> = fields.iter().collect();
                sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
                let mut map = s.serialize_map(Some(sorted.len()))?;
                for (k, v) in sorted {
                    map.serialize_entry(k, &SortedKeys(v))?;
                }
                map.end()
            }
            scalar => scalar.serialize(s),
        }
    }
}

/// The text Colt writes of a document: compact, object keys sorted (through
/// `serde_json::Value`, whatever `T`'s maps are), whole floats with their point; refused when
/// it holds U+0000 (PostgreSQL's `jsonb` has no such character).
fn document_text(doc: &serde_json::Value) -> Result<String, String> {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Floats);
    SortedKeys(doc)
        .serialize(&mut ser)
        .map_err(|e| e.to_string())?;
    if holds_nul(doc) {
        return Err("a string holds U+0000, which PostgreSQL's jsonb cannot store".to_string());
    }
    String::from_utf8(out).map_err(|e| e.to_string())
}

fn holds_nul(doc: &serde_json::Value) -> bool {
    match doc {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(items) => items.iter().any(holds_nul),
        serde_json::Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || holds_nul(v)),
        _ => false,
    }
}

impl JsonText for serde_json::Value {
    fn json_text(&self) -> Result<String, String> {
        document_text(self)
    }
}

#[diagnostic::do_not_recommend]
impl SqlType for serde_json::Value {
    type Inner = serde_json::Value;
    type Kind = kind::Json;
    const NULLABLE: bool = false;
    const COLUMN_TYPE: ColumnType = ColumnType::Json;
    const RUST_NAME: &'static str = "serde_json::Value";
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::Json(self)
    }
    fn from_value_ref(v: ValueRef<'_>) -> Result<Self, DecodeFail> {
        parse(v).ok_or_else(|| DecodeFail::new("serde_json::Value", v))
    }
}
#[diagnostic::do_not_recommend]
impl NonNull for serde_json::Value {}
#[diagnostic::do_not_recommend]
impl Jsonic for serde_json::Value {}
#[diagnostic::do_not_recommend]
impl JsonMember for serde_json::Value {
    type Member = Option<serde_json::Value>;
}
#[diagnostic::do_not_recommend]
impl JsonMember for Option<serde_json::Value> {
    type Member = Option<serde_json::Value>;
}
#[diagnostic::do_not_recommend]
impl ToParam for serde_json::Value {
    fn to_param(&self) -> Value {
        // (A `serde_json::Value` always serializes: its keys are strings. One holding U+0000
        // compares as serde_json writes it, and matches nothing stored.)
        Value::Text(document_text(self).unwrap_or_else(|_| self.to_string()))
    }
}
#[diagnostic::do_not_recommend]
impl TypedParam for serde_json::Value {
    type Sql = serde_json::Value;
    #[inline]
    fn __value(&self) -> Value {
        ToParam::to_param(self)
    }
}
crate::types::comparable_family!(serde_json::Value; serde_json::Value);
#[diagnostic::do_not_recommend]
impl IntoOption<serde_json::Value> for serde_json::Value {
    fn into_option(self) -> Option<serde_json::Value> {
        Some(self)
    }
}
#[diagnostic::do_not_recommend]
impl IntoOption<serde_json::Value> for Option<serde_json::Value> {
    fn into_option(self) -> Option<serde_json::Value> {
        self
    }
}

/// A column holding a value of the program's own type as JSON: `settings: Json<Settings>`
/// where `Settings: Serialize + Deserialize`. Reads and writes as `T`'s JSON; in queries its
/// members are reached with `.get(..)` and compared with `serde_json::Value`s (a `Json<T>` is
/// not itself a query parameter: `T`'s `Serialize` may fail, and a parameter cannot say so).
///
/// ```
/// # #[cfg(feature = "json")] {
/// use colt_runtime::Json;
/// let j = Json(vec![1, 2]);
/// assert_eq!(j.len(), 2); // derefs to the value
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Json<T>(pub T);

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> From<T> for Json<T> {
    fn from(t: T) -> Self {
        Json(t)
    }
}

/// Serialized as `T` itself.
impl<T: Serialize> Serialize for Json<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Json<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Json)
    }
}

/// What a `Json<T>` needs of `T`.
pub trait JsonDocument: Serialize + DeserializeOwned + Clone + PartialEq + Sync + 'static {}
impl<T: Serialize + DeserializeOwned + Clone + PartialEq + Sync + 'static> JsonDocument for T {}

impl<T: JsonDocument> JsonText for Json<T> {
    /// Through `serde_json::Value` (sorted keys, so that the same value is the same text),
    /// and only when the document reads back as this value (serde_json writes a NaN as
    /// `null`, which would make the row unreadable, or read back as `None`).
    fn json_text(&self) -> Result<String, String> {
        let doc = serde_json::to_value(&self.0).map_err(|e| e.to_string())?;
        let back = serde_json::from_value::<T>(doc.clone()).map_err(|e| {
            format!("the value would not read back as itself ({e}): a NaN or an infinity is written as null")
        })?;
        if back != self.0 {
            return Err("the value would not read back as itself (a NaN or an infinity is written as null, a skipped field is left out)".to_string());
        }
        document_text(&doc)
    }
}

#[diagnostic::do_not_recommend]
impl<T: JsonDocument> SqlType for Json<T> {
    type Inner = Json<T>;
    type Kind = kind::Json;
    const NULLABLE: bool = false;
    const COLUMN_TYPE: ColumnType = ColumnType::Json;
    const RUST_NAME: &'static str = "Json<T>";
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::Json(self)
    }
    fn from_value_ref(v: ValueRef<'_>) -> Result<Self, DecodeFail> {
        let fail = || DecodeFail::new("Json<T>", v);
        match v {
            ValueRef::Text(t) => serde_json::from_slice(t).map(Json).map_err(|_| fail()),
            other => parse(other)
                .and_then(|doc| serde_json::from_value(doc).ok())
                .map(Json)
                .ok_or_else(fail),
        }
    }
}
#[diagnostic::do_not_recommend]
impl<T: JsonDocument> NonNull for Json<T> {}
#[diagnostic::do_not_recommend]
impl<T: JsonDocument> Jsonic for Json<T> {}
#[diagnostic::do_not_recommend]
impl<T: JsonDocument> JsonMember for Json<T> {
    type Member = Option<serde_json::Value>;
}
#[diagnostic::do_not_recommend]
impl<T: JsonDocument> JsonMember for Option<Json<T>> {
    type Member = Option<serde_json::Value>;
}
#[diagnostic::do_not_recommend]
impl<T: JsonDocument> Comparable<Json<T>> for Json<T> {}
#[diagnostic::do_not_recommend]
impl<T: JsonDocument> Comparable<Option<Json<T>>> for Json<T> {}
#[diagnostic::do_not_recommend]
impl<T: JsonDocument> Comparable<Json<T>> for Option<Json<T>> {}
#[diagnostic::do_not_recommend]
impl<T: JsonDocument> Comparable<Option<Json<T>>> for Option<Json<T>> {}
#[diagnostic::do_not_recommend]
impl<T: JsonDocument> IntoOption<Json<T>> for Json<T> {
    fn into_option(self) -> Option<Json<T>> {
        Some(self)
    }
}
#[diagnostic::do_not_recommend]
impl<T: JsonDocument> IntoOption<Json<T>> for Option<Json<T>> {
    fn into_option(self) -> Option<Json<T>> {
        self
    }
}
