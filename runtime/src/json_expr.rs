//! What JSON attributes can do in a query (the `json` feature's types, [`Jsonic`]): a member
//! by key or array position, and a member read as a plain value. Both backends say each
//! (SQLite's JSON functions, PostgreSQL's `jsonb` operators), with the same answers:
//! - `doc.get("key")`, `doc.get(2)`: the member, `None` when there is none (a missing key, a
//!   position past the end, or a document that is not an object or array); a negative
//!   position counts from the end;
//! - `.as_str()`, `.as_i64()`, `.as_f64()`, `.as_bool()`: the member as a string, an integer
//!   (not `1.0`), a number or a boolean, `None` when it is of another kind, as serde_json's
//!   methods of the same names;
//! - `==` / `!=` with another JSON value (see docs/semantics.md for SQLite's text form).

use crate::expr::Expr;
use crate::plan::{JsonScalar, Node};
use crate::types::{JsonKey, Jsonic};

/// The JSON type of a member: `serde_json::Value`, through `Option` (a member may be missing).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not JSON",
    label = "`.get(..)` needs a JSON attribute",
    note = "with the `json` feature: serde_json::Value, colt::Json<T> and Option of each"
)]
pub trait JsonMember: Jsonic {
    /// Generated code calls this before a function bounded by this trait: a failing bound is
    /// then reported at the user's token, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
    /// `Option<serde_json::Value>` (the `json` feature).
    type Member: crate::types::SqlType;
}

/// `doc.get(key)`: a member by key (a string) or array position (an integer).
pub fn json_get<J, K, O>(doc: Expr<J>, key: Expr<K>) -> Expr<O>
where
    J: JsonMember<Member = O>,
    K: JsonKey,
{
    Expr::new(Node::JsonGet(
        Box::new(doc.node),
        Box::new(key.node),
        K::POSITION,
    ))
}

macro_rules! json_as {
    ($($name:ident => $scalar:ident, $out:ty, $doc:literal;)*) => {$(
        #[doc = $doc]
        pub fn $name<J: Jsonic>(doc: Expr<J>) -> Expr<Option<$out>> {
            Expr::new(Node::JsonAs(JsonScalar::$scalar, Box::new(doc.node)))
        }
    )*};
}
json_as! {
    json_as_str => Str, String, "`doc.as_str()`: a JSON string's text, else `None`.";
    json_as_i64 => I64, i64, "`doc.as_i64()`: a JSON integer, else `None` (`1.0` is not one).";
    json_as_f64 => F64, f64, "`doc.as_f64()`: a JSON number, else `None`.";
    json_as_bool => Bool, bool, "`doc.as_bool()`: `true` or `false`, else `None`.";
}
