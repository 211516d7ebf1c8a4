//! Values that cross the boundary between Rust and the database.
//!
//! [`Value`] is an owned value (a bind parameter kept inside a query), [`ValueRef`] a borrowed
//! one (a column of a row being decoded, or a field of an object being written).

use std::fmt;

use crate::exact_decimal::ExactDecimal;
use crate::temporal::Temporal;

/// An owned SQL value: what a query keeps of each bind parameter.
///
/// It is `#[non_exhaustive]`: match the variants you handle and keep a catch-all arm.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// SQL `NULL`.
    Null,
    /// An integer (also booleans, as 0 and 1).
    Int(i64),
    /// A floating point number.
    Real(f64),
    /// UTF-8 text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
    /// A date or time (the `chrono` and `time` features).
    Time(Temporal),
    /// An exact decimal number (the `decimal` feature).
    Decimal(ExactDecimal),
    /// A list of values, for list membership (`ids.contains(&p.id)`).
    List(Vec<Value>),
    /// A value that could not be written: a JSON document whose `Serialize` failed, with
    /// serde_json's message. A statement given one is refused with
    /// [`crate::Error::JsonEncode`] before it runs.
    Unwritable(String),
    /// An object its transaction deleted (or a rolled-back savepoint inserted), given to a
    /// query (`b.shelf == gone`), with its entity's name: its key may name another row by
    /// now, so a statement given one is refused with [`crate::Error::ObjectDeleted`] before
    /// it runs.
    Deleted(&'static str),
    /// An object of the transaction given to a query (`b.shelf == poetry`): its key, which
    /// the statement binds, and what lets the query refuse the object, when it runs, if the
    /// object died since ([`crate::Error::ObjectDeleted`]): its key may name another row by
    /// then.
    Object(Box<crate::object_param::ObjectParam>),
    /// A list given to a query that holds objects of the transaction
    /// (`shelves.contains(&b.shelf)`): the list of keys the statement binds, and the
    /// objects, which the query refuses when it runs if one died since (as
    /// [`Value::Object`]).
    Objects(Box<crate::object_param::ObjectList>),
}

impl Value {
    /// Borrows this value. A list, or a value that could not be written, has no borrowed
    /// form and gives `Null`.
    pub fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Null
            | Value::List(_)
            | Value::Objects(_)
            | Value::Unwritable(_)
            | Value::Deleted(_) => ValueRef::Null,
            Value::Object(o) => o.key().as_ref(),
            Value::Int(i) => ValueRef::Int(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
            Value::Time(t) => ValueRef::Time(*t),
            Value::Decimal(d) => ValueRef::Decimal(*d),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::List(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Unwritable(message) => write!(f, "<unwritable: {message}>"),
            Value::Deleted(entity) => write!(f, "<a deleted {entity}>"),
            Value::Objects(l) => write!(f, "{}", l.keys()),
            other => write!(f, "{}", other.as_ref()),
        }
    }
}

/// A borrowed SQL value: a column of a row, or a field of an object.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    /// SQL `NULL`.
    Null,
    /// An integer (also booleans, as 0 and 1).
    Int(i64),
    /// A floating point number.
    Real(f64),
    /// Text, as bytes (UTF-8 is checked when decoded into a `String`).
    Text(&'a [u8]),
    /// Bytes.
    Blob(&'a [u8]),
    /// A date or time.
    Time(Temporal),
    /// An exact decimal number.
    Decimal(ExactDecimal),
    /// A value written as JSON text when it is bound (the `json` feature's types).
    Json(&'a dyn JsonText),
}

/// A value that is written to the database as JSON text (`serde_json::Value`, `Json<T>`).
pub trait JsonText: Sync {
    /// The value's JSON text, or why it has none (its `Serialize` failed).
    fn json_text(&self) -> Result<String, String>;
}

impl PartialEq for dyn JsonText + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.json_text().ok() == other.json_text().ok()
    }
}

impl fmt::Debug for dyn JsonText + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.json_text() {
            Ok(text) => write!(f, "Json({text})"),
            Err(e) => write!(f, "Json(<not serializable: {e}>)"),
        }
    }
}

impl ValueRef<'_> {
    /// A short name of what this value is, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            ValueRef::Null => "NULL",
            ValueRef::Int(_) => "INTEGER",
            ValueRef::Real(_) => "REAL",
            ValueRef::Text(_) => "TEXT",
            ValueRef::Blob(_) => "BLOB",
            ValueRef::Time(_) => "DATE/TIME",
            ValueRef::Decimal(_) => "NUMERIC",
            ValueRef::Json(_) => "JSON",
        }
    }

    /// Copies this value into an owned [`Value`]. Text that is not UTF-8 (another program's
    /// bytes in a SQLite `TEXT` value) becomes [`Value::Blob`] of the same bytes, never text
    /// with replacement characters.
    pub fn to_owned_value(&self) -> Value {
        match *self {
            ValueRef::Null => Value::Null,
            ValueRef::Int(i) => Value::Int(i),
            ValueRef::Real(f) => Value::Real(f),
            ValueRef::Text(t) => match std::str::from_utf8(t) {
                Ok(text) => Value::Text(text.to_owned()),
                Err(_) => Value::Blob(t.to_vec()),
            },
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
            ValueRef::Time(t) => Value::Time(t),
            ValueRef::Decimal(d) => Value::Decimal(d),
            // (A value whose `Serialize` fails is refused before any statement runs.)
            ValueRef::Json(j) => j.json_text().map_or_else(Value::Unwritable, Value::Text),
        }
    }
}

impl fmt::Display for ValueRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueRef::Null => f.write_str("NULL"),
            ValueRef::Int(i) => write!(f, "{i}"),
            ValueRef::Real(r) => write!(f, "{r}"),
            ValueRef::Text(t) => write!(f, "{:?}", String::from_utf8_lossy(t)),
            ValueRef::Blob(b) => write!(f, "<{} bytes>", b.len()),
            ValueRef::Time(t) => write!(f, "{}", t.to_iso()),
            ValueRef::Decimal(d) => write!(f, "{d}"),
            ValueRef::Json(j) => write!(f, "{j:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_borrowed_value_stays_three_words() {
        // Rows are decoded through `ValueRef`s: a decimal must not make them wider.
        assert_eq!(std::mem::size_of::<ValueRef<'_>>(), 24);
    }
}
