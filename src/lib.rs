//! # Colt: queries as Rust comprehensions and closures, checked at compile time
//!
//! Colt is an object-relational mapper in the spirit of PonyORM. You write a query as a
//! comprehension or a closure chain; `select!` turns it, at compile time, into a typed
//! relational plan, and a transaction with an identity map runs it against SQLite.
//!
//! ```
//! use colt::prelude::*;
//!
//! #[derive(Entity, Debug, Clone)]
//! pub struct Product {
//!     #[colt(primary_key, auto)]
//!     pub id: i64,
//!     #[colt(unique)]
//!     pub name: String,
//!     pub price: i64,
//!     pub description: Option<String>,
//! }
//!
//! fn main() -> colt::Result<()> {
//!     let db = Database::open("sqlite::memory:")?;
//!     db.bind(schema![Product])?;
//!     db.create_tables()?;
//!     db.transaction(|tx| {
//!         Product::build().name("Tea").price(300).insert(tx)?;
//!         Product::build().name("Cup").price(900).description("blue").insert(tx)?;
//!
//!         let max = 500;
//!         let cheap = select!(p.name for p in Product if p.price < max).fetch(tx)?;
//!         assert_eq!(cheap, vec!["Tea".to_string()]);
//!
//!         let q = select!(Product.filter(|p| p.description.is_some()).map(|p| (p.name, p.price)));
//!         assert_eq!(q.fetch(tx)?, vec![("Cup".to_string(), 900)]);
//!         Ok(())
//!     })
//! }
//! ```
//!
//! ## The query language
//!
//! - Comprehension: `select!(proj for p in Product if cond for c in Category if cond2)`;
//!   in parentheses it takes `.order_by(..)`, `.filter(..)`, `.limit(n)`, `.offset(n)`,
//!   `.page(n, size)`, `.distinct()`, `.without_distinct()`.
//! - Chain: `select!(Product.filter(|p| ..).order_by(|p| desc(p.price)).map(|p| p.name).limit(10))`
//!   (`.limit`, `.offset` and `.page` come last: they apply to the rows of the whole query).
//! - Refinement of an existing query value (lower-case source):
//!   `q = select!(q.filter(|p| p.price <= max))`.
//! - Inside: attributes, `== != < <= > >=`, `&& || !`, `+ - * / %`, `.is_none()`,
//!   `.is_some()`, `== None`, `.starts_with(x)`, `.ends_with(x)`, `.contains(x)`,
//!   `.to_lowercase()`, `.to_uppercase()`, `.trim()`, `.len()` (bytes), date parts
//!   `.year()`, `.month()`, `.day()`, `.hour()`, `.minute()`, `.second()` (`i32`; an
//!   instant's in UTC; they group and filter), `outer.contains(&p.x)`
//!   (a slice/`Vec`/`HashSet` is list membership, a string a substring test), aggregates
//!   `count(p)`, `count()`, `count(e)`, `sum`, `avg`, `min`, `max` (non-aggregated projected
//!   expressions become `GROUP BY`, conditions on aggregates `HAVING`), `desc(..)` in
//!   `order_by`. Every other expression is plain Rust, evaluated once per run and bound as
//!   a parameter, never spliced into SQL.
//! - The result is a set, as in PonyORM: `DISTINCT` is added when the projection leaves out a
//!   primary key. NULLs sort first ascending and last descending on every backend.
//!
//! ## Entities
//!
//! `#[derive(Entity)]` on a struct with named fields (and `Clone`) maps it to a table.
//! Column types are `bool`, `i16`, `i32`, `i64`, `f32`, `f64`, `String`, `Vec<u8>`, the
//! program's own types of `#[derive(Value)]` (below), with the `chrono` feature
//! `NaiveDate`, `NaiveTime`, `NaiveDateTime` and `DateTime<Utc>`, with the `time` feature
//! `time::Date`, `Time`, `PrimitiveDateTime` and `OffsetDateTime`, with the `decimal`
//! feature `rust_decimal::Decimal` (exact; on SQLite to 15 significant digits, see
//! docs/semantics.md), with the `json` feature `serde_json::Value` and `Json<T>` (members
//! read in queries with `.get(..)` and `.as_str()`..), with the `uuid` feature `Uuid`, and
//! `Option` of each; relationships are `Ref<T>`, `Option<Ref<T>>` and `Set<T>`.
//!
//! On the struct:
//! - `#[colt(table = "name")]`: the table (by default the struct's name in `snake_case`);
//! - `#[colt(rename_all = "PascalCase")]`: the table and every column in a case convention,
//!   by serde's names (`lowercase`, `UPPERCASE`, `PascalCase`, `camelCase`, `snake_case`,
//!   `SCREAMING_SNAKE_CASE`, `kebab-case`, `SCREAMING-KEBAB-CASE`), for schemas made by
//!   other tools; `table` and `column` still name exceptions;
//! - `#[colt(optimistic = false)]`: no optimistic checks on this entity's writes;
//! - `#[colt(unique(a, b))]`, `#[colt(index(a, b))]`: a unique constraint or an index over
//!   several fields' columns, in that order (for one field, put `unique` or `index` on it).
//!
//! On a field:
//! - `primary_key` (several fields: a composite key), with `auto` for an integer key the
//!   database generates;
//! - `column = "name"`: the column (by default the field's name);
//! - `sql_type = "NUMERIC(10,2)"`: the column's declared type, which `create_tables` writes
//!   and `check_tables` accepts (by default the backend's type for the field's);
//! - `unique`, `index`, `default = expr` (the builder's value when none is given, and, when
//!   it is a constant, such as a literal, an enum variant or `Uuid::from_u128(..)`, the
//!   column's SQL `DEFAULT` in the tables `create_tables` makes, so that rows other programs
//!   insert get it too; a call of no arguments, such as `Utc::now()`, is worked out per
//!   object, and a table's `DEFAULT` would freeze it),
//!   `volatile` (changed by others or by the database, as a trigger's `updated_at`: never
//!   part of an optimistic check, and read back after every write of its object);
//! - on relationships: `reverse = "field"` (the other side, when it is ambiguous) and, on a
//!   `Set<T>`, `cascade_delete`;
//! - on a many-to-many `Set<T>` (its partner is a `Set` too), the link table of a schema
//!   Colt did not create: `table = "PlaylistTrack"`, `column = "PlaylistId"` (this side's
//!   key) and `reverse_column = "TrackId"` (the other side's); one side says it, the other
//!   follows (both may, if they agree). By default the link table is `{a}_{b}` (the two
//!   tables in alphabetical order) with a column named after each table.
//!
//! `db.check_tables()` compares the bound entities with the live tables by each backend's
//! own rules: on SQLite by type affinity (`NVARCHAR(120)` suits a `String`, `NUMERIC(10,2)`
//! an `f64` or an integer, `DATETIME` a `String`, a column without a type anything), on
//! PostgreSQL by the exact types (`varchar`/`text` for `String`, `numeric` for `f64`, ...).
//!
//! ## Column types of your own
//!
//! `#[derive(Value)]` (with `Clone` and `PartialEq`) makes a type a column type, compared in
//! queries with itself only (`t.status == Status::Open` compiles, `t.status == "open"` does
//! not):
//! - a fieldless enum is stored by name as text: the variant's name, or
//!   `#[colt(rename_all = "snake_case")]` on the enum, `#[colt(rename = "..")]` on a variant.
//!   `==`, `!=`, `.contains(..)` and grouping work; `<`, `<=`, `>`, `>=`, `min` and `max` do
//!   not compile (SQL would compare the names, not the variants' order); `order_by` sorts by
//!   name;
//! - a fieldless enum with `#[repr(i16)]` (`i8`, `u8`, `i16`, `u16`, `i32`, `u32`, `i64`) is
//!   stored as its discriminant, an integer, and orders as declared;
//! - a newtype `struct Email(String);` is stored as its inner type and orders as it does.
//!
//! A stored value no variant has is `Error::Decode` naming the column.
//!
//! ```
//! use colt::prelude::*;
//!
//! #[derive(Value, Debug, Clone, Copy, PartialEq)]
//! #[colt(rename_all = "snake_case")]
//! enum Status { Open, InProgress }
//!
//! #[derive(Value, Debug, Clone, PartialEq)]
//! struct Email(String);
//!
//! #[derive(Entity, Debug, Clone)]
//! struct Ticket {
//!     #[colt(primary_key, auto)]
//!     id: i64,
//!     status: Status,
//!     reporter: Email,
//! }
//!
//! # fn main() -> colt::Result<()> {
//! let db = Database::open("sqlite::memory:")?;
//! db.bind(schema![Ticket])?;
//! db.create_tables()?;
//! db.transaction(|tx| {
//!     Ticket::build().status(Status::InProgress).reporter(Email("ann@x.org".into())).insert(tx)?;
//!     let busy = select!(t.reporter for t in Ticket if t.status == Status::InProgress);
//!     assert_eq!(busy.fetch(tx)?, [Email("ann@x.org".into())]);
//!     Ok(())
//! })
//! # }
//! ```
//!
//! ## Hybrid methods
//!
//! `#[hybrid]` on an `impl` block of an entity (PonyORM's methods used in queries) keeps each
//! method as written, a Rust method on the entity, and gives it a twin that `select!` calls:
//! `p.is_cheap()` inside a query is the method's body as SQL. A hybrid method takes `&self`
//! only and its body is one expression of the object's attributes, literals (`100`, `0.5`,
//! `"tea"`, `true`, written into the SQL text: they are part of the program) and anything a
//! query can say, other hybrid methods included; an outer value is a compile error (compare
//! with it in the query instead).
//!
//! ```
//! use colt::prelude::*;
//!
//! #[derive(Entity, Debug, Clone)]
//! struct Tea {
//!     #[colt(primary_key)]
//!     id: i64,
//!     name: String,
//!     price: i64,
//! }
//!
//! #[hybrid]
//! impl Tea {
//!     fn is_cheap(&self) -> bool {
//!         self.price < 100
//!     }
//! }
//!
//! # fn main() -> colt::Result<()> {
//! let db = Database::open("sqlite::memory:")?;
//! db.bind(schema![Tea])?;
//! db.create_tables()?;
//! db.transaction(|tx| {
//!     let sencha = Tea::build().id(1).name("sencha").price(50).insert(tx)?;
//!     Tea::build().id(2).name("gyokuro").price(300).insert(tx)?;
//!     assert!(sencha.get().is_cheap());
//!     let cheap = select!(t.name for t in Tea if t.is_cheap());
//!     assert_eq!(cheap.fetch(tx)?, ["sencha"]);
//!     Ok(())
//! })
//! # }
//! ```
//!
//! ## Transactions and the application's errors
//!
//! [`Database::transaction`] runs a closure in a transaction: `Ok` commits (and an `Ok` from
//! it means every write is in the database), `Err` or a panic rolls back. Its closure returns
//! [`colt::Result`](Result), so that one ending in `Ok(..)` needs no annotation. A closure
//! that fails with the application's own error type uses [`Database::try_transaction`],
//! for any `E: From<colt::Error>`: `?` works on both kinds of error inside, and the error
//! comes back as the closure returned it:
//!
//! ```ignore
//! db.try_transaction(|tx| -> Result<Order, AppError> {
//!     let item = select!(i for i in Item if i.sku == sku).one(tx)?; // colt::Error → AppError
//!     if item.stock() < qty {
//!         return Err(AppError::OutOfStock); // rolls back
//!     }
//!     ..
//! })?;
//! ```
//!
//! [`Database::transaction_with_retry`] and [`Database::try_transaction_with_retry`] run the
//! closure again after a conflict another attempt may not meet (an optimistic check, a
//! serialization failure, a busy SQLite file), deciding by the Colt errors the attempt met
//! even when the closure turned them into its own.
//!
//! ## Migrations (the `migrate` feature, on by default)
//!
//! A migrations directory holds one directory per migration, `{version}_{name}`, with
//! `up.sql` and (to revert it) `down.sql`; `colt migrate new NAME` makes one, named by the UTC
//! time. [`Database::migrate`] applies the pending ones in version order, each in its own
//! transaction with its record in the table `colt_migrations` (with the SHA-256 of its
//! `up.sql`: an applied migration whose file changed since is refused by name,
//! [`Error::MigrationChanged`]). [`embed_migrations!`] compiles a directory into the program,
//! so that a deployed binary applies the same files the `colt migrate` command does:
//!
//! ```
//! # fn main() -> colt::Result<()> {
//! let db = colt::Database::open("sqlite::memory:")?;
//! let migrations = colt::embed_migrations!("tests/fixtures/migrations"); // relative to Cargo.toml
//! let applied = db.migrate(&migrations)?;
//! assert_eq!(applied.len(), 2);
//! assert!(db.migrate(&migrations)?.is_empty()); // nothing left to do
//! # Ok(()) }
//! ```
//!
//! [`Database::migration_status`] and [`Database::revert_migration`] are what `colt migrate
//! status` and `colt migrate revert` run. On SQLite a migration runs with foreign keys
//! unenforced and every row checked before its commit, so that a table can be rebuilt
//! (SQLite's procedure for what `ALTER TABLE` cannot change) without losing the rows that
//! refer to it.
//!
//! ## An existing database
//!
//! [`Database::catalog`] reads a database's tables (columns, declared types, keys, foreign
//! keys, indexes) and views. The `colt` command (crate `colt-cli`) builds on it: `colt
//! inspect URL` writes one `#[derive(Entity)]` per table (which compiles as it is and passes
//! [`Database::check_tables`] against the database it came from), `colt diagram URL` draws
//! the entity-relationship diagram (Mermaid, DOT, SVG), and `colt migrate diff URL NAME
//! --entities src` writes the next migration from the difference between the database and
//! the entities the sources declare (read through the derive's own model), refusing with the
//! reason a change that would lose or invent data.
//!
//! ## Build times
//!
//! rustc expands a crate's macros again at every build of it, and compiles the functions of
//! a module, with the methods of the types it declares, as one unit. `#[derive(Entity)]`
//! writes an entity's code (reading a row, the builder, the typed columns) as methods of the
//! entity's type. Two layouts keep the rebuild after an edit of a query short:
//! - **the entities in a crate of their own**, a library the program's crate depends on
//!   (`select!`, `#[hybrid]` methods, collections and writes work the same from there): an
//!   edit of a query expands, checks and compiles the queries' crate only. On the
//!   compile-time suite's schema (50 entities of 20 columns, 300 queries) an edit of one
//!   query rebuilt in 0.6 s that way (Diesel, laid out the same: 1.6 s);
//! - **the entities in a module of their own** (`mod model;`): an edit of a query compiles
//!   the query's module again, not every entity's code, but the derives run again: 2.0 s,
//!   against 2.7 s with everything in one module (Diesel: 7.7 s and 7.6 s).
//!
//! `examples/pinned-errors` is laid out the first way: its tests are crates of their own that
//! use its library's entities. `bench/RESULTS.md` has the tables and the command that
//! measures them.
//!
//! The rest of the contract is in [`docs`]: what every query and write means on both
//! backends ([`docs::semantics`]: transactions, the identity map, flushing, optimistic
//! checks, NULLs, types), what differs between the backends ([`docs::backends`]), and every
//! compile error a query can give with the cases that pin it ([`docs::compile_errors`]).

#[cfg(feature = "migrate")]
pub use colt_macros::embed_migrations;
pub use colt_macros::{hybrid, select, Entity, Value};
pub use colt_runtime::*;

/// Everything a Colt program usually needs: `use colt::prelude::*;`.
pub mod prelude {
    pub use colt_macros::{hybrid, select, Entity, Value};
    pub use colt_runtime::dsl::{
        avg, avg_distinct, count, count_distinct, desc, exists, group_concat, max, min,
        nulls_first, nulls_last, random, sum, sum_distinct,
    };
    /// The trait behind `#[derive(Entity)]`, for generic code (`fn all<T: Entity>(..)`).
    pub use colt_runtime::Entity;
    pub use colt_runtime::{
        schema, ConstraintKind, Database, Dialect, Error, Obj, Prefetch, PrefetchPath,
        PrefetchWith, Query, Ref, Result, Set, Transaction,
    };
}

/// The user guide: the pages of `docs/` in the repository, on docs.rs.
pub mod docs {
    #[doc = include_str!("../docs/semantics.md")]
    pub mod semantics {}
    #[doc = include_str!("../docs/backends.md")]
    pub mod backends {}
    #[doc = include_str!("../docs/compile-errors.md")]
    pub mod compile_errors {}
}
