//! Statements that are not about entities: transaction control and schema introspection,
//! per dialect. Backends execute them; they write no SQL of their own.

use super::{Dialect, SqlWriter};

/// Begins a write transaction (`serializable`: the strictest isolation the backend has;
/// SQLite's `BEGIN IMMEDIATE` is serializable already).
pub(crate) fn begin(d: Dialect, serializable: bool) -> &'static str {
    match (d, serializable) {
        (Dialect::Sqlite, _) => "BEGIN IMMEDIATE",
        (Dialect::Postgres, false) => "BEGIN",
        (Dialect::Postgres, true) => "BEGIN ISOLATION LEVEL SERIALIZABLE",
    }
}

/// Commits the write transaction.
pub(crate) const COMMIT: &str = "COMMIT";

/// Rolls the write transaction back.
pub(crate) const ROLLBACK: &str = "ROLLBACK";

/// Around a raw statement in a write transaction: a failure undoes that statement alone.
pub(crate) const SAVEPOINT: &str = "SAVEPOINT colt_raw";
/// The raw statement succeeded.
pub(crate) const RELEASE_SAVEPOINT: &str = "RELEASE SAVEPOINT colt_raw";
/// The raw statement failed: undo it (and keep the transaction).
pub(crate) const ROLLBACK_TO_SAVEPOINT: &str =
    "ROLLBACK TO SAVEPOINT colt_raw; RELEASE SAVEPOINT colt_raw";

/// `tx.savepoint(..)` begins at `level` (1 for the outermost). Each level has a name of its
/// own, so that a level's rollback or release also ends every savepoint inside it, even
/// one an interrupted closure left open.
pub(crate) fn savepoint_user(level: u32) -> String {
    format!("SAVEPOINT colt_savepoint_{level}")
}
/// `tx.savepoint(..)`'s closure at `level` succeeded.
pub(crate) fn release_savepoint_user(level: u32) -> String {
    format!("RELEASE SAVEPOINT colt_savepoint_{level}")
}
/// `tx.savepoint(..)`'s closure at `level` failed: undo it, and end the savepoint.
pub(crate) fn rollback_to_savepoint_user(level: u32) -> String {
    format!(
        "ROLLBACK TO SAVEPOINT colt_savepoint_{level}; RELEASE SAVEPOINT colt_savepoint_{level}"
    )
}

/// What a new SQLite connection runs: foreign keys on, and a read of the schema, which fails
/// at once for a file that is not a SQLite database.
#[cfg(feature = "sqlite")]
pub(crate) const SQLITE_SETUP: &str =
    "PRAGMA foreign_keys = ON; SELECT count(*) FROM sqlite_master;";

/// The live columns of table `$1`: name, declared type, NOT NULL, part of the primary key,
/// has a default; in column order.
pub(crate) fn table_columns(d: Dialect) -> &'static str {
    match d {
        Dialect::Sqlite => {
            // Last, whether it is a view (which shows every column nullable and no key).
            "SELECT name, type, \"notnull\", pk, dflt_value IS NOT NULL, \
             EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = ?1 COLLATE NOCASE) \
             FROM pragma_table_info(?1)"
        }
        Dialect::Postgres => {
            // A type of the database's own (an enum, a domain's base, an extension's
            // `citext`) by its name, which a `sql_type` gives, not `USER-DEFINED`. Last, a
            // nondeterministic collation of the column (case-insensitive: compares as SQLite's
            // NOCASE does), which `check_tables` reports; whether a `numeric` has a scale or a
            // `varchar` a length (which round or cut what is written); and
            // whether the relation is a view (every column nullable, no key).
            "SELECT c.column_name::text, \
             CASE WHEN c.data_type = 'USER-DEFINED' THEN c.udt_name::text ELSE c.data_type::text END, \
             (c.is_nullable = 'NO'), \
             EXISTS (SELECT 1 FROM information_schema.table_constraints tc \
                     JOIN information_schema.key_column_usage k \
                       ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema \
                     WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = c.table_schema \
                       AND tc.table_name = c.table_name AND k.column_name = c.column_name), \
             (c.column_default IS NOT NULL OR c.is_identity = 'YES'), \
             (SELECT co.collname::text FROM pg_catalog.pg_collation co \
               WHERE co.collname = c.collation_name AND NOT co.collisdeterministic LIMIT 1), \
             (c.data_type = 'numeric' AND c.numeric_scale IS NOT NULL) \
               OR (c.data_type = 'character varying' AND c.character_maximum_length IS NOT NULL), \
             EXISTS (SELECT 1 FROM information_schema.views v \
                     WHERE v.table_schema = c.table_schema AND v.table_name = c.table_name) \
             FROM information_schema.columns c \
             WHERE c.table_schema = current_schema() AND c.table_name = $1 \
             ORDER BY c.ordinal_position"
        }
    }
}

/// SQLite: how a stored value of a field stored as `ty` may be other than the form Colt
/// writes and compares, which queries would then compare otherwise than they read it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum StrayForm {
    /// A date or time (0 date, 1 time, 2 date-time, 3 instant) in another spelling.
    Time(u8),
    /// A UUID that is not 16 bytes (text another tool wrote).
    Uuid,
    /// A bool that is not the integer 0 or 1.
    Bool,
    /// A decimal that is text, or a REAL that is not the decimal it reads as (15
    /// significant digits: `1.2100000000000002`, which another tool's `price * 1.1` wrote,
    /// reads as 1.21 but compares as itself).
    Decimal,
    /// A value of another storage class than the field's (`''` from a CSV import in an
    /// INTEGER column, `'42'` in a column without a type): SQLite orders text after every
    /// number, so `x.n > 5` holds for it.
    Storage(Storage),
    /// An `f32` field's REAL that no `f32` is (`0.1` another tool wrote reads as `0.1f32`
    /// but compares as the double).
    Float32,
}

/// The storage class a field's values have on SQLite (`typeof`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Storage {
    /// An integer of this many bits (a wider one fails to read).
    Integer(u32),
    /// An integer or a REAL.
    Number,
    Text,
    Blob,
}

impl Storage {
    /// What the storage class is, for a message.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Storage::Integer(16) => "an integer that fits an `i16`",
            Storage::Integer(32) => "an integer that fits an `i32`",
            Storage::Integer(_) => "an integer",
            Storage::Number => "a number",
            Storage::Text => "text",
            Storage::Blob => "a BLOB",
        }
    }
}

/// SQLite: one value of `table.column` that is not in the form Colt writes (see
/// [`StrayForm`]), if any.
pub(crate) fn stray_value(table: &str, column: &str, form: StrayForm) -> String {
    let mut w = SqlWriter::new(Dialect::Sqlite);
    w.push("SELECT ")
        .ident(column)
        .push(" FROM ")
        .ident(table)
        .push(" WHERE ")
        .ident(column)
        .push(" IS NOT NULL AND ");
    match form {
        StrayForm::Time(kind) => {
            w.ident(column)
                .push(&format!(" IS NOT colt_time_spelling({kind}, "))
                .ident(column)
                .push(")");
        }
        StrayForm::Uuid => {
            w.push("(typeof(")
                .ident(column)
                .push(") <> 'blob' OR length(")
                .ident(column)
                .push(") <> 16)");
        }
        StrayForm::Bool => {
            w.push("(typeof(")
                .ident(column)
                .push(") <> 'integer' OR ")
                .ident(column)
                .push(" NOT IN (0, 1))");
        }
        StrayForm::Decimal => {
            w.push("(typeof(")
                .ident(column)
                .push(") = 'text' OR typeof(")
                .ident(column)
                .push(") = 'real' AND CASE WHEN abs(")
                .ident(column)
                // 2^96: no REAL from there on is a decimal of 15 digits (and `colt_decimal`
                // refuses what is past `Decimal`'s range).
                .push(") >= 79228162514264337593543950336.0 THEN 1 ELSE CAST(colt_decimal(")
                .ident(column)
                .push(") AS REAL) <> ")
                .ident(column)
                .push(" END)");
        }
        StrayForm::Storage(storage) => {
            w.push("(typeof(").ident(column).push(match storage {
                Storage::Integer(_) => ") <> 'integer'",
                Storage::Number => ") NOT IN ('integer', 'real')",
                Storage::Text => ") <> 'text'",
                Storage::Blob => ") <> 'blob'",
            });
            if let Storage::Integer(bits @ (16 | 32)) = storage {
                let max = (1i64 << (bits - 1)) - 1;
                w.push(" OR ")
                    .ident(column)
                    .push(&format!(" NOT BETWEEN {} AND {max}", -max - 1));
            }
            w.push(")");
        }
        StrayForm::Float32 => {
            // (`colt_f32` refuses text: CASE tests the storage class first.)
            w.push("CASE WHEN typeof(")
                .ident(column)
                .push(") NOT IN ('integer', 'real') THEN 1 ELSE colt_f32(")
                .ident(column)
                .push(") <> ")
                .ident(column)
                .push(" END");
        }
    }
    w.push(" LIMIT 1");
    w.finish()
}

/// How many rows of `table` refer through `columns` (none NULL) to no row of `target`,
/// whose key is `key` (as many columns, in order).
pub(crate) fn referring_to_nothing(
    d: Dialect,
    table: &str,
    columns: &[&str],
    target: &str,
    key: &[&str],
) -> String {
    let mut w = SqlWriter::new(d);
    w.push("SELECT COUNT(*) FROM ")
        .ident(table)
        .push(" AS c WHERE ");
    for c in columns {
        w.push("c.").ident(c).push(" IS NOT NULL AND ");
    }
    w.push("NOT EXISTS (SELECT 1 FROM ")
        .ident(target)
        .push(" AS t WHERE ");
    for (i, (c, k)) in columns.iter().zip(key).enumerate() {
        if i > 0 {
            w.push(" AND ");
        }
        w.push("t.").ident(k).push(" = c.").ident(c);
    }
    w.push(")");
    w.finish()
}
