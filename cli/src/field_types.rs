//! Which Rust type `colt inspect` gives a declared column type: by the backend's own rules
//! (`check_tables`' rules, through `declared_type_suits`), with the feature it needs.

use colt_runtime::introspect::{base_type, declared_type_suits};
use colt_runtime::{ColumnType, Dialect};

/// The Rust type of a declared column type and the feature it needs, when one suits it by
/// the backend's rules.
pub(crate) fn column_type(
    dialect: Dialect,
    declared: &str,
) -> Option<(&'static str, Option<&'static str>)> {
    typed(dialect, declared).map(|(_, rust, feature)| (rust, feature))
}

/// How a field of the type [`column_type`] gives is stored.
pub(crate) fn column_kind(dialect: Dialect, declared: &str) -> Option<ColumnType> {
    typed(dialect, declared).map(|(ty, _, _)| ty)
}

/// [`column_type`], with how the field is stored.
fn typed(
    dialect: Dialect,
    declared: &str,
) -> Option<(ColumnType, &'static str, Option<&'static str>)> {
    let base = base_type(declared).to_ascii_lowercase();
    let (ty, rust, feature): (ColumnType, &str, Option<&'static str>) = match dialect {
        Dialect::Sqlite => {
            let upper = base.to_ascii_uppercase();
            if upper.contains("BOOL") {
                (ColumnType::Bool, "bool", None)
            } else if upper.contains("INT") {
                (ColumnType::BigInt, "i64", None)
            } else if upper.contains("CHAR") || upper.contains("CLOB") || upper.contains("TEXT") {
                (ColumnType::Text, "String", None)
            } else if upper.trim().is_empty() {
                // No declared type: the column holds whatever was stored (Firefox's
                // `moz_meta.value` holds integers and text), which no one field type reads.
                return None;
            } else if upper.contains("BLOB") {
                (ColumnType::Blob, "Vec<u8>", None)
            } else if upper.contains("REAL") || upper.contains("FLOA") || upper.contains("DOUB") {
                (ColumnType::Double, "f64", None)
            } else if upper.contains("DATE") || upper.contains("TIME") {
                (ColumnType::Text, "String", None)
            } else if upper == "JSON" {
                (ColumnType::Json, "serde_json::Value", Some("json"))
            } else if (upper.contains("NUM") && !upper.contains("ENUM"))
                || upper.contains("DEC")
                || upper.contains("MONEY")
            {
                (
                    ColumnType::Decimal,
                    "rust_decimal::Decimal",
                    Some("decimal"),
                )
            } else {
                // Another name (`uuid`, `jsonb`, `STRING`, `ENUM`): SQLite gives it NUMERIC
                // affinity, but what it holds is usually text, which a decimal cannot read.
                return None;
            }
        }
        Dialect::Postgres => match base.as_str() {
            "boolean" => (ColumnType::Bool, "bool", None),
            "smallint" => (ColumnType::SmallInt, "i16", None),
            "integer" => (ColumnType::Int, "i32", None),
            "bigint" => (ColumnType::BigInt, "i64", None),
            "real" => (ColumnType::Float, "f32", None),
            "double precision" => (ColumnType::Double, "f64", None),
            "numeric" => (
                ColumnType::Decimal,
                "rust_decimal::Decimal",
                Some("decimal"),
            ),
            "text" | "character varying" => (ColumnType::Text, "String", None),
            "bytea" => (ColumnType::Blob, "Vec<u8>", None),
            "uuid" => (ColumnType::Uuid, "uuid::Uuid", Some("uuid")),
            "date" => (ColumnType::Date, "chrono::NaiveDate", Some("chrono")),
            "time without time zone" => (ColumnType::Time, "chrono::NaiveTime", Some("chrono")),
            "timestamp without time zone" => (
                ColumnType::Timestamp,
                "chrono::NaiveDateTime",
                Some("chrono"),
            ),
            "timestamp with time zone" => (
                ColumnType::TimestampTz,
                "chrono::DateTime<chrono::Utc>",
                Some("chrono"),
            ),
            "jsonb" => (ColumnType::Json, "serde_json::Value", Some("json")),
            _ => return None,
        },
        _ => return None,
    };
    if !declared_type_suits(dialect, ty, declared) {
        return None;
    }
    Some((ty, rust, feature))
}

/// Whether a declared type is PostgreSQL's fixed-length text (`character(2)`), which no
/// field type suits by the backend's rules (its values come back padded) but a `String`
/// does with the column's own `sql_type`, where it is not a key (`check_tables` refuses a
/// padded key: a shorter one would be stored as another text than the object's key).
pub(crate) fn padded_text(dialect: Dialect, declared: &str) -> bool {
    dialect == Dialect::Postgres && base_type(declared).eq_ignore_ascii_case("character")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_names_map_by_their_words() {
        assert_eq!(
            column_type(Dialect::Sqlite, "VARCHAR(20)"),
            Some(("String", None))
        );
        assert_eq!(
            column_type(Dialect::Sqlite, "NUMERIC(10,2)"),
            Some(("rust_decimal::Decimal", Some("decimal")))
        );
        // `ENUM` holds text: no decimal reads it (it contains `NUM`).
        assert_eq!(column_type(Dialect::Sqlite, "ENUM"), None);
        assert_eq!(column_type(Dialect::Sqlite, "enum('a','b')"), None);
    }
}
