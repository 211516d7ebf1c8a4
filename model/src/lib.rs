//! What `#[derive(Entity)]` decides, as plain code: its attributes, the model it builds from
//! a struct, and the names of tables and columns. The derive (`colt-macros`) and the `colt`
//! command (which writes entities for an existing database, and reads them back to write a
//! migration) both call it, so that what one writes is what the other reads.
//!
//! Not a public API of Colt: its types follow what the derive needs.

#![warn(missing_docs)]

pub mod diag;
pub mod entity;
mod naming;
pub mod rename;
pub mod value;

pub use naming::{default_column, default_table, snake_case, RenameRule, RULES};
