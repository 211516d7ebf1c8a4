//! The one writer of SQL text (the shape of Diesel's `QueryBuilder`): every statement Colt
//! sends is written through it, so quoting and placeholders are done in one place.
//!
//! - [`SqlWriter::push`]: SQL text (keywords, operators: never a value or a name from data);
//! - [`SqlWriter::ident`]: an identifier, quoted, inner quotes doubled;
//! - [`SqlWriter::bind`]: the next bind parameter's placeholder, numbered for you;
//! - [`SqlWriter::bind_param`]: a plan's parameter `n` (plans number their own).

use super::ddl::SqlDialect;
use super::Dialect;
use crate::entity::EntityMeta;

/// SQL text being written for one dialect.
pub(crate) struct SqlWriter {
    out: String,
    dialect: Dialect,
    /// The number of the next parameter `bind` writes.
    next: usize,
    /// Added to every parameter number written (an inner query's parameters come after the
    /// outer query's).
    base: usize,
}

impl SqlWriter {
    /// An empty statement.
    pub(crate) fn new(dialect: Dialect) -> Self {
        SqlWriter {
            out: String::with_capacity(128),
            dialect,
            next: 0,
            base: 0,
        }
    }

    /// An empty statement whose parameter numbers start at `base`.
    pub(crate) fn at_base(dialect: Dialect, base: usize) -> Self {
        SqlWriter {
            base,
            ..SqlWriter::new(dialect)
        }
    }

    /// The dialect written.
    pub(crate) fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// What is added to parameter numbers (see [`SqlWriter::at_base`]).
    pub(crate) fn base(&self) -> usize {
        self.base
    }

    /// The dialect's pieces of syntax.
    pub(crate) fn syntax(&self) -> &'static dyn SqlDialect {
        self.dialect.syntax()
    }

    /// Appends SQL text.
    pub(crate) fn push(&mut self, sql: &str) -> &mut Self {
        self.out.push_str(sql);
        self
    }

    /// An identifier, quoted, as text of its own (what PostgreSQL's `regclass` and
    /// `pg_get_serial_sequence` read as SQL).
    pub(crate) fn quoted(name: &str) -> String {
        let mut w = SqlWriter::new(Dialect::Postgres);
        w.ident(name);
        w.finish()
    }

    /// Appends an identifier, quoted (`"name"`, inner quotes doubled).
    pub(crate) fn ident(&mut self, name: &str) -> &mut Self {
        self.out.push('"');
        for ch in name.chars() {
            if ch == '"' {
                self.out.push('"');
            }
            self.out.push(ch);
        }
        self.out.push('"');
        self
    }

    /// Appends `"qualifier"."name"`.
    pub(crate) fn qualified(&mut self, qualifier: &str, name: &str) -> &mut Self {
        self.ident(qualifier).push(".").ident(name)
    }

    /// Appends identifiers separated by commas.
    pub(crate) fn idents<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) -> &mut Self {
        for (i, n) in names.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.ident(n);
        }
        self
    }

    /// Appends the placeholder of the next bind parameter (`?1`, `$1`, ...).
    pub(crate) fn bind(&mut self) -> &mut Self {
        let n = self.next;
        self.bind_param(n)
    }

    /// Appends the placeholder of parameter `n` (0-based) of a plan.
    pub(crate) fn bind_param(&mut self, n: usize) -> &mut Self {
        self.dialect
            .syntax()
            .placeholder(&mut self.out, self.base + n);
        self.next = self.next.max(n + 1);
        self
    }

    /// Column `column` of `meta` under the name `qualifier` (an alias or the table): the
    /// column itself, or, for the column-less side of a one-to-one, the key of the row on
    /// the other side that refers to it.
    ///
    /// On PostgreSQL an `f64` column is read as `double precision`: another tool's table
    /// may hold it as `numeric` or `real` (which `check_tables` accepts), and PostgreSQL
    /// would compute in that type (`amount * 100.0 = 1999.0` exact in `numeric`, where
    /// Rust's f64 and SQLite's REAL give 1998.9999999999998). For a `double precision`
    /// column the cast is no cast at all (PostgreSQL drops a cast to the same type). An
    /// `f32` is read as `real` likewise (as it is decoded: the nearest `f32`).
    pub(crate) fn entity_column(
        &mut self,
        meta: &'static EntityMeta,
        qualifier: &str,
        column: usize,
    ) -> &mut Self {
        let float = match (self.dialect, meta.columns[column].ty) {
            (Dialect::Postgres, crate::ColumnType::Double) => "::float8",
            (Dialect::Postgres, crate::ColumnType::Float) => "::float4",
            _ => "",
        };
        match crate::pairing::virtual_column(meta, column) {
            None => self
                .qualified(qualifier, meta.columns[column].name)
                .push(float),
            Some((other, fk)) => {
                let key = other.primary_key.first().copied().unwrap_or(0);
                let own_key = meta.primary_key.first().copied().unwrap_or(0);
                self.push("(SELECT ")
                    .qualified("colt_o2o", other.columns[key].name)
                    .push(" FROM ")
                    .ident(other.table)
                    .push(" AS ")
                    .ident("colt_o2o")
                    .push(" WHERE ")
                    .qualified("colt_o2o", other.columns[fk].name)
                    .push(" = ")
                    .qualified(qualifier, meta.columns[own_key].name)
                    .push(")")
            }
        }
    }

    /// The text so far, for dialect pieces that write it themselves.
    pub(crate) fn text(&mut self) -> &mut String {
        &mut self.out
    }

    /// Puts `text` in place of the text so far and returns that (to write a piece apart).
    pub(crate) fn swap_text(&mut self, text: String) -> String {
        std::mem::replace(&mut self.out, text)
    }

    /// The statement.
    pub(crate) fn finish(self) -> String {
        self.out
    }
}
