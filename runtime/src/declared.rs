//! Which declared column types suit a field, by each backend's own rules (`check_tables`).
//!
//! SQLite has type affinity (its documentation, "Datatypes In SQLite", §3.1): the declared
//! type only chooses how values are converted, by the first rule that matches (`INT` →
//! INTEGER; `CHAR`, `CLOB`, `TEXT` → TEXT; `BLOB` or nothing → BLOB, no conversion; `REAL`,
//! `FLOA`, `DOUB` → REAL; anything else → NUMERIC). So `NVARCHAR(120)` is text,
//! `NUMERIC(10,2)` holds integers and reals, and `DATETIME` or `DATE` hold the ISO-8601 text
//! other tools write there. PostgreSQL's types are exact: a field suits the types its values
//! are sent and read as.

use crate::render::Dialect;
use crate::types::ColumnType;

/// SQLite's affinity of a declared type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Affinity {
    Integer,
    Text,
    Blob,
    Real,
    Numeric,
}

fn affinity(declared: &str) -> Affinity {
    let t = declared.to_ascii_uppercase();
    if t.contains("INT") {
        Affinity::Integer
    } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
        Affinity::Text
    } else if t.contains("BLOB") || t.trim().is_empty() {
        Affinity::Blob
    } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
        Affinity::Real
    } else {
        Affinity::Numeric
    }
}

/// Why copying SQLite values from a column declared `from` into one declared `to` (a
/// rebuild's `INSERT .. SELECT`) would change some of them, if it would: each value takes
/// the new column's affinity. To text, to no affinity, or between numbers without rounding
/// keeps them; text made a number (`'007'` becomes 7, long digits a rounded REAL) or an
/// integer made a REAL (rounded past 2^53) does not.
pub(crate) fn retype_loss(from: &str, to: &str) -> Option<&'static str> {
    use Affinity as A;
    match (affinity(from), affinity(to)) {
        (a, b) if a == b => None,
        (_, A::Text | A::Blob) => None,
        (A::Integer | A::Real | A::Numeric, A::Numeric | A::Integer) => None,
        (A::Text | A::Blob, _) => Some(
            "converts the values SQLite holds as text that look like numbers (`'007'` becomes 7, long digits a rounded REAL)",
        ),
        _ => Some("converts integers to REALs, rounded past 2^53"),
    }
}

/// Whether SQLite applies a number's affinity to what a column declared `declared` is
/// compared with (INTEGER, REAL, NUMERIC: `DATETIME`, `DATE`, `DECIMAL`..): a text it holds,
/// compared with a bound text that looks like a number (`'2025'`), is compared with that
/// number instead.
pub(crate) fn sqlite_numeric_affinity(declared: &str) -> bool {
    matches!(
        affinity(declared),
        Affinity::Integer | Affinity::Real | Affinity::Numeric
    )
}

/// A declared type that names a date or a time (NUMERIC affinity on SQLite, where it holds
/// ISO-8601 text).
fn names_a_date(declared: &str) -> bool {
    let t = declared.to_ascii_uppercase();
    t.contains("DATE") || t.contains("TIME")
}

/// Whether a column declared `declared` suits a field stored as `ty`.
pub(crate) fn suits(dialect: Dialect, ty: ColumnType, declared: &str) -> bool {
    match dialect {
        Dialect::Sqlite => {
            let a = affinity(declared);
            // No declared type: values are kept as given, whatever they are.
            if declared.trim().is_empty() {
                return true;
            }
            match ty {
                ColumnType::Bool | ColumnType::SmallInt | ColumnType::Int | ColumnType::BigInt => {
                    matches!(a, Affinity::Integer | Affinity::Numeric)
                }
                ColumnType::Float | ColumnType::Double => {
                    matches!(a, Affinity::Real | Affinity::Numeric)
                }
                ColumnType::Text => {
                    a == Affinity::Text || (a == Affinity::Numeric && names_a_date(declared))
                }
                ColumnType::Blob | ColumnType::Uuid => a == Affinity::Blob,
                // Numbers: text would compare and sort as text, and a REAL affinity would turn
                // a whole decimal of more than 15 digits (kept as an INTEGER) into a float.
                ColumnType::Decimal => {
                    matches!(a, Affinity::Numeric | Affinity::Integer) && !names_a_date(declared)
                }
                // JSON text: in a text column, or one declared JSON (NUMERIC affinity, where
                // a bare number is kept as a number: read back as that JSON number).
                ColumnType::Json => {
                    a == Affinity::Text || declared.trim().eq_ignore_ascii_case("json")
                }
                // ISO text: in a date-named (NUMERIC) or a text column.
                ColumnType::Date
                | ColumnType::Time
                | ColumnType::Timestamp
                | ColumnType::TimestampTz => {
                    a == Affinity::Text || (a == Affinity::Numeric && names_a_date(declared))
                }
            }
        }
        Dialect::Postgres => {
            let t = declared.to_ascii_lowercase();
            let t = t.as_str();
            match ty {
                ColumnType::Bool => t == "boolean",
                ColumnType::SmallInt | ColumnType::Int | ColumnType::BigInt => {
                    matches!(t, "smallint" | "integer" | "bigint")
                }
                // An f32 sent to a `numeric` would be its f64 widening (0.1_f32 stored as
                // 0.10000000149011612): only f64 suits `numeric`.
                ColumnType::Float => matches!(t, "real" | "double precision"),
                ColumnType::Double => matches!(t, "real" | "double precision" | "numeric"),
                // (Not `character(n)`: its values come back padded with spaces.)
                ColumnType::Text => matches!(t, "text" | "character varying"),
                ColumnType::Blob => t == "bytea",
                ColumnType::Uuid => t == "uuid",
                ColumnType::Date => t == "date",
                ColumnType::Time => t == "time without time zone",
                ColumnType::Timestamp => t == "timestamp without time zone",
                ColumnType::TimestampTz => t == "timestamp with time zone",
                ColumnType::Decimal => t == "numeric",
                // (Not `json`: it has no equality.)
                ColumnType::Json => t == "jsonb",
            }
        }
    }
}

/// What a field stored as `ty` needs, for messages.
pub(crate) fn wanted(dialect: Dialect, ty: ColumnType) -> &'static str {
    match (dialect, ty) {
        (Dialect::Sqlite, ColumnType::Bool | ColumnType::SmallInt)
        | (Dialect::Sqlite, ColumnType::Int | ColumnType::BigInt) => {
            "an INTEGER or NUMERIC affinity (a type naming INT, NUMERIC, DECIMAL, BOOLEAN..)"
        }
        (Dialect::Sqlite, ColumnType::Float | ColumnType::Double) => {
            "a REAL or NUMERIC affinity (REAL, DOUBLE, FLOAT, NUMERIC(10,2)..)"
        }
        (Dialect::Sqlite, ColumnType::Text) => {
            "a TEXT affinity (TEXT, VARCHAR(n), NVARCHAR(n)..) or a date type (DATE, DATETIME..)"
        }
        (Dialect::Sqlite, ColumnType::Blob) => "a BLOB affinity (BLOB, or no type)",
        (Dialect::Sqlite, ColumnType::Uuid) => {
            "a BLOB affinity (BLOB, or no type): a Uuid is stored as 16 bytes"
        }
        (Dialect::Postgres, ColumnType::Uuid) => "uuid",
        (
            Dialect::Sqlite,
            ColumnType::Date | ColumnType::Time | ColumnType::Timestamp | ColumnType::TimestampTz,
        ) => "a date type (DATE, DATETIME, TIMESTAMP..) or a TEXT affinity: ISO-8601 text",
        (Dialect::Postgres, ColumnType::Date) => "date",
        (Dialect::Postgres, ColumnType::Time) => "time",
        (Dialect::Postgres, ColumnType::Timestamp) => "timestamp",
        (Dialect::Postgres, ColumnType::TimestampTz) => "timestamptz",
        (Dialect::Postgres, ColumnType::Bool) => "boolean",
        (Dialect::Postgres, ColumnType::SmallInt | ColumnType::Int | ColumnType::BigInt) => {
            "smallint, integer or bigint"
        }
        (Dialect::Postgres, ColumnType::Float) => "real or double precision",
        (Dialect::Postgres, ColumnType::Double) => "real, double precision or numeric",
        (Dialect::Postgres, ColumnType::Text) => "text or varchar(n)",
        (Dialect::Postgres, ColumnType::Blob) => "bytea",
        (Dialect::Sqlite, ColumnType::Decimal) => {
            "a NUMERIC or INTEGER affinity (NUMERIC(10,2), DECIMAL..): not text (compared as text) nor REAL (whole values past 15 digits rounded)"
        }
        (Dialect::Postgres, ColumnType::Decimal) => "numeric",
        (Dialect::Sqlite, ColumnType::Json) => "a TEXT affinity (TEXT, JSON..): JSON text",
        (Dialect::Postgres, ColumnType::Json) => "jsonb (json has no equality)",
    }
}

/// Whether two spellings of a declared type are the same (case and spaces aside), for a
/// field's own `sql_type`. (PostgreSQL reports a `char(4)` column as `character`: see
/// `table_checks::column_problem`, which takes that one by the type it names. Other types
/// by name would pass what `suits` refuses on purpose: an `f32` on `numeric(10,2)`, a
/// timestamp of the other kind.)
pub(crate) fn same_type(own: &str, live: &str) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    norm(own) == norm(live)
}

/// A declared type without its modifiers, its words one space apart: `character
/// varying(20)` → `character varying`, `timestamp(3) without time zone` → `timestamp
/// without time zone` (the precision may come before the rest of the name).
pub(crate) fn without_modifiers(declared: &str) -> String {
    let mut out = String::with_capacity(declared.len());
    let mut depth = 0usize;
    for c in declared.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The standard name of a PostgreSQL type as `information_schema.columns` reports it:
/// lower case, its length, precision or array bounds left out, and the short names
/// (`varchar`, `int4`, `timestamptz`..) spelled out.
pub(crate) fn postgres_type_name(t: &str) -> String {
    let words = without_modifiers(&t.to_ascii_lowercase());
    let name = match words.as_str() {
        "char" | "bpchar" | "nchar" | "national character" => "character",
        "varchar" | "national character varying" | "nvarchar" => "character varying",
        "decimal" => "numeric",
        "int" | "int4" => "integer",
        "int8" => "bigint",
        "int2" => "smallint",
        "float8" => "double precision",
        "float4" => "real",
        "bool" => "boolean",
        "timestamptz" => "timestamp with time zone",
        "timestamp" => "timestamp without time zone",
        "timetz" => "time with time zone",
        "time" => "time without time zone",
        other => other,
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_follows_type_affinity() {
        let s = Dialect::Sqlite;
        assert!(suits(s, ColumnType::Double, "NUMERIC(10,2)"));
        assert!(suits(s, ColumnType::BigInt, "NUMERIC(10,0)"));
        assert!(suits(s, ColumnType::Text, "NVARCHAR(120)"));
        assert!(suits(s, ColumnType::Text, "DATETIME"));
        assert!(suits(s, ColumnType::Bool, "BOOLEAN"));
        assert!(suits(s, ColumnType::Text, ""));
        assert!(!suits(s, ColumnType::Text, "NUMERIC(10,2)"));
        assert!(!suits(s, ColumnType::BigInt, "TEXT"));
        assert!(!suits(s, ColumnType::Double, "VARCHAR(10)"));
        assert!(suits(s, ColumnType::Decimal, "NUMERIC(10,2)"));
        assert!(suits(s, ColumnType::Decimal, "DECIMAL"));
        assert!(!suits(s, ColumnType::Decimal, "TEXT"));
        assert!(!suits(s, ColumnType::Decimal, "REAL"));
        assert!(!suits(s, ColumnType::Decimal, "DATETIME"));
        // "FLOATING POINT" has INT in it: INTEGER affinity, by SQLite's first rule.
        assert!(suits(s, ColumnType::BigInt, "FLOATING POINT"));
    }

    #[test]
    fn postgres_types_are_exact() {
        let p = Dialect::Postgres;
        assert!(suits(p, ColumnType::Double, "numeric"));
        assert!(suits(p, ColumnType::Text, "character varying"));
        assert!(!suits(p, ColumnType::Text, "timestamp without time zone"));
        assert!(!suits(p, ColumnType::BigInt, "numeric"));
        assert!(!suits(p, ColumnType::Float, "numeric"));
        assert!(!suits(p, ColumnType::Text, "character"));
        assert!(suits(p, ColumnType::Decimal, "numeric"));
        assert!(!suits(p, ColumnType::Decimal, "double precision"));
    }

    #[test]
    fn postgres_type_names() {
        assert_eq!(postgres_type_name("char(4)"), "character");
        assert_eq!(postgres_type_name("CHARACTER (4)"), "character");
        assert_eq!(postgres_type_name("bpchar"), "character");
        assert_eq!(postgres_type_name("varchar(20)"), "character varying");
        assert_eq!(postgres_type_name("decimal(10, 2)"), "numeric");
        assert_eq!(
            postgres_type_name("timestamp(3) with time zone"),
            "timestamp with time zone"
        );
        assert_eq!(postgres_type_name("citext"), "citext");
        assert!(same_type("CHAR(4)", "char(4)"));
        assert!(!same_type("char(4)", "character"));
    }
}
