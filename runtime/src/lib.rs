//! The runtime of Colt: plans, SQL rendering, backends, transactions and the identity map.
//!
//! Users depend on the `colt` facade crate, which re-exports this crate and the macros. The
//! map, in layers: each module imports only from the layers above it (rendering and plans
//! never reach transactions, objects or the database).
//!
//! | layer | modules | holds |
//! |---|---|---|
//! | schema | [`error`], [`value`], [`types`], [`params`], [`entity`], `pairing` | [`Error`]; values crossing to the database; column types and the traits that type-check queries; what `#[derive(Entity)]` implements ([`Entity`], [`EntityMeta`]); how the two sides of a relationship pair up |
//! | plans | `plan` (`node`, `scopes`, `check`, `elide`) | the relational plan a `select!` call site compiles to, and its checks |
//! | SQL | `render` (`writer`, `object`, `relation`, `ddl`, `control`, one file per dialect) | every statement's text, written through one writer ([`Dialect`]) |
//! | building | `expr`, `compared_param`, `composite_ref`, `navigate`, `site`, `fallback` | what the macro's generated code calls, through [`__private`] |
//! | backends | `backend` | connections; they execute, they write no SQL |
//! | objects | [`obj`] (`arena`, `accessor`, `pending`) | [`Obj`], one per row per transaction; the invariants of every `unsafe` |
//! | session | [`transaction`], `flush`, `cascade`, `identity_map`, [`query`], `query_cache`, [`collection`] | [`Transaction`], writes and their checks, the identity map, [`Query`] and its terminal operations |
//! | database | [`database`], `migrate`, [`introspect`] | [`Database`]: the pool, binding and checking the schema, applying migrations (`migrations`), reading the live schema |
#![warn(missing_docs)]

#[cfg(not(any(feature = "sqlite", feature = "postgres")))]
compile_error!(
    "Colt needs a database: enable the `sqlite` feature (the default) or the `postgres` feature of `colt`"
);

mod after_connect;
pub mod aggregate_expr;
mod backend;
mod bulk_update;
mod cascade;
#[cfg(feature = "chrono")]
mod chrono_types;
pub mod collection;
pub mod compared_param;
pub mod composite_ref;
pub mod conditional_expr;
pub mod database;
#[cfg(feature = "decimal")]
mod decimal_types;
mod declared;
mod dialect;
mod emptiness;
pub mod entity;
pub mod error;
pub mod exact_decimal;
pub mod expr;
mod fallback;
mod fk_deferral;
mod flush;
mod held_values;
pub mod hybrid;
mod identity_map;
mod insert_many;
mod insert_write;
pub mod introspect;
#[cfg(feature = "json")]
pub mod json;
pub mod json_expr;
mod like;
mod loaded_sets;
mod member_loading;
mod merged_one_to_one;
#[cfg(feature = "migrate")]
pub mod migrate;
#[cfg(feature = "migrate")]
mod migration_orphans;
#[cfg(feature = "migrate")]
pub mod migrations;
mod navigate;
pub mod numeric_expr;
pub mod obj;
mod object_param;
mod one_to_one_holders;
pub mod options;
mod pairing;
pub mod params;
pub mod plan;
mod pool;
pub mod prefetch;
pub mod promotion;
pub mod query;
mod query_cache;
pub mod query_value;
mod reference_checks;
mod reference_columns;
pub mod relation;
mod render;
mod row_refresh;
mod run_transaction;
mod savepoint;
mod schema_cascade;
#[cfg(feature = "serde")]
pub mod serde_impls;
pub mod site;
mod sql_tokens;
mod statement_cache;
mod statement_words;
mod table_checks;
mod table_constraints;
mod table_keys;
pub mod temporal;
pub mod text_expr;
#[cfg(feature = "time")]
mod time_types;
pub mod transaction;
mod trigger_columns;
pub mod types;
mod upsert_write;
pub mod value;

pub use after_connect::NewConnection;
pub use collection::Collection;
pub use database::Database;
pub use entity::{ColumnMeta, Entity, EntityMeta, RowAccess, Schema};
pub use error::{ConstraintKind, Error, Result};
#[cfg(feature = "json")]
pub use json::Json;
pub use navigate::{Many, SetOf};
pub use obj::Obj;
pub use object_param::ObjectParam;
pub use options::{DatabaseBuilder, JournalMode, Synchronous};
pub use prefetch::{Prefetch, PrefetchPath, PrefetchWith};
pub use query::{DecodeCx, FromRow, Query};
pub use relation::{Ref, Set};
pub use render::Dialect;
pub use transaction::Transaction;
pub use types::{ColumnType, SqlType, ToParam};
pub use value::{Value, ValueRef};

/// Names that exist for `select!` (which recognises them by name) and for documentation.
///
/// Inside a query, `count(..)`, `sum(..)`, `avg(..)`, `min(..)`, `max(..)` are aggregates and
/// `desc(..)` orders descending. Outside a query these functions do nothing useful: they
/// return [`OutsideQuery`](dsl::OutsideQuery).
pub mod dsl {
    /// What the query functions return when called outside `select!`.
    #[derive(Debug, Clone, Copy)]
    pub struct OutsideQuery;

    macro_rules! marker_fn {
        ($($name:ident: $doc:literal),*) => {$(
            #[doc = $doc]
            #[doc = ""]
            #[doc = "Only meaningful inside `select!`."]
            pub fn $name<T>(_: T) -> OutsideQuery {
                OutsideQuery
            }
        )*};
    }
    marker_fn! {
        count: "`count(p)`, `count(p.attr)`: the number of objects or of non-NULL values (`i64`).",
        sum: "`sum(p.attr)`: the sum, `None` over no rows (`Option<T>`).",
        avg: "`avg(p.attr)`: the mean, `None` over no rows (`Option<f64>`).",
        min: "`min(p.attr)`: the least value (`Option<T>`).",
        max: "`max(p.attr)`: the greatest value (`Option<T>`).",
        exists: "`exists(..)`: whether a sub-query has rows.",
        desc: "`desc(e)` in `order_by`: descending (NULLs last).",
        count_distinct: "`count_distinct(p.attr)`: the number of different non-NULL values (`i64`).",
        sum_distinct: "`sum_distinct(p.attr)`: the sum of the different values (`Option<T>`).",
        avg_distinct: "`avg_distinct(p.attr)`: the mean of the different values (`Option<f64>`).",
        nulls_first: "`nulls_first(e)` in `order_by`: NULLs before the values.",
        nulls_last: "`nulls_last(e)` in `order_by`: NULLs after the values."
    }

    /// `group_concat(p.name, ", ")`: the values joined (`Option<String>`).
    ///
    /// Only meaningful inside `select!`.
    pub fn group_concat<T, S>(_: T, _: S) -> OutsideQuery {
        OutsideQuery
    }

    /// `random()` in `order_by`: a random order.
    ///
    /// Only meaningful inside `select!`.
    pub fn random() -> OutsideQuery {
        OutsideQuery
    }
}

/// The states of a required field in the builders `#[derive(Entity)]` generates
/// (`Product::build()`): `insert` exists only once every required field is `Given`.
pub mod builder {
    /// A required field that has not been given yet.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct Missing;

    /// A required field that has been given.
    #[derive(Debug, Clone)]
    pub struct Given<T>(pub T);

    /// The state of required field `Field` of a builder once it is given: `insert` needs it
    /// for every required field, so a missing one is a compile error naming the field
    /// (`Field` is a marker type named after it, generated by `#[derive(Entity)]`).
    #[diagnostic::on_unimplemented(
        message = "the required field `{Field}` is not set",
        label = "`{Field}` has no default: set it before `.insert(..)`",
        note = "a field is optional when it is an `Option`, has `#[colt(default = ..)]` or is an `auto` key; every other field's setter (named as the field) must be called before `.insert(..)`"
    )]
    pub trait Required<Field> {
        /// The field's value.
        type Value;
        /// Takes it.
        fn value(self) -> Self::Value;
    }

    #[diagnostic::do_not_recommend]
    impl<T, F> Required<F> for Given<T> {
        type Value = T;
        fn value(self) -> T {
            self.0
        }
    }
}

/// The surface that code generated by `select!` and `#[derive(Entity)]` calls. Not a public
/// API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::aggregate_expr::*;
    pub use crate::collection::Collection;
    pub use crate::compared_param::{CmpOp, Comparand, ComparedParam};
    pub use crate::composite_ref::CompositeRef;
    pub use crate::conditional_expr::*;
    pub use crate::emptiness::{exists_of, is_empty_of, Emptiable, HasRows};
    pub use crate::entity::{has_times, ColumnMeta, Entity, EntityMeta, RowAccess};
    pub use crate::expr::*;
    pub use crate::hybrid::{
        constant, hybrid_eq, hybrid_ge, hybrid_gt, hybrid_le, hybrid_lt, hybrid_ne,
    };
    pub use crate::json_expr::*;
    pub use crate::navigate::{At, Many, ManyCol, ManyRefCol, OptRefCol, RefCol, SetCol, SetOf};
    pub use crate::numeric_expr::*;
    pub use crate::obj::{Accessor, AccessorBase, Obj};
    pub use crate::promotion::{Added, Assignable, Assignee, AssignsPlain, Combine, Remainder};
    pub use crate::query::Query;
    pub use crate::reference_columns::*;
    pub use crate::relation::{LinkNames, Ref, RelKind, RelationMeta, Set};
    pub use crate::render::catalogue::statements_of;
    pub use crate::render::rendered_statements;
    pub use crate::site::{
        param_type, MetaProbe, NoOrderKey, OrderKey, OrderKeyProbe, OrderKeyType, OrderSpec,
        PlanBuilder, ProbeEntity, ProbeOther, Projection, QuerySite, Refinable, RefineSite,
        SitePart,
    };
    pub use crate::statement_cache::MetaCache;
    pub use crate::text_expr::*;
    pub use crate::transaction::Transaction;
    pub use crate::types::{
        decode_column, ColumnType, Comparable, Condition, Dated, DecodeFail, DerivedValue,
        Integral, IntoOption, JsonKey, Jsonic, NonNull, Nullable, Numeric, Ordered, Sorted,
        SqlType, Textual, Timed, ToParam, TypedParam,
    };
    pub use crate::value::{Value, ValueRef};
    pub use crate::{Error, Result};

    pub use crate::__colt_fallback_entity as fallback_entity;
    pub use crate::builder::{Given, Missing, Required};
    pub use crate::fallback::{unmapped, Unmapped, UnmappedAccessor, UnmappedNullable};

    /// Converts a generated auto key into the field's integer type.
    pub fn auto_key<T: TryFrom<i64>>(id: i64, column: &str) -> Result<T> {
        T::try_from(id).map_err(|_| Error::Decode {
            column: column.to_string(),
            expected: "a key that fits the field's integer type".to_string(),
            found: format!("INTEGER {id}"),
        })
    }
}
