//! PostgreSQL's dialect (rendering only: `q.sql(Dialect::Postgres)`).

use std::fmt::Write;

use super::{JsonPiece, SqlDialect, SqlWriter};
use crate::plan::{AggFn, CastTo, DatePart, JsonScalar, TextTest};
use crate::types::ColumnType;

/// PostgreSQL 12 or newer.
pub(crate) struct Postgres;

impl SqlDialect for Postgres {
    fn placeholder(&self, out: &mut String, index: usize) {
        let _ = write!(out, "${}", index + 1);
    }

    fn order_suffix(&self, desc: bool) -> &'static str {
        // PostgreSQL sorts NULLs last ascending: make both backends agree.
        if desc {
            " DESC NULLS LAST"
        } else {
            " ASC NULLS FIRST"
        }
    }

    fn no_limit(&self) -> &'static str {
        ""
    }

    fn null_safe_eq(&self) -> (&'static str, &'static str) {
        (" IS NOT DISTINCT FROM ", " IS DISTINCT FROM ")
    }

    fn text_test(&self, out: &mut String, test: TextTest, a: &str, b: &str) {
        let _ = match test {
            TextTest::Contains => write!(out, "(strpos({a}, {b}) > 0)"),
            TextTest::StartsWith => write!(out, "starts_with({a}, {b})"),
            TextTest::EndsWith => write!(out, "(right({a}, length(CAST({b} AS TEXT))) = {b})"),
        };
    }

    fn byte_length(&self) -> (&'static str, &'static str) {
        ("octet_length(", ")")
    }

    fn date_part(&self, part: DatePart, utc: bool) -> (&'static str, &'static str) {
        // EXTRACT gives a numeric (seconds with their fraction: floored, as Rust's
        // `.second()`); an instant is read in UTC, whatever the session's time zone.
        let open = match part {
            DatePart::Year => "CAST(EXTRACT(YEAR FROM ",
            DatePart::Month => "CAST(EXTRACT(MONTH FROM ",
            DatePart::Day => "CAST(EXTRACT(DAY FROM ",
            DatePart::Hour => "CAST(EXTRACT(HOUR FROM ",
            DatePart::Minute => "CAST(EXTRACT(MINUTE FROM ",
            DatePart::Second => "CAST(FLOOR(EXTRACT(SECOND FROM ",
        };
        let close = match (part, utc) {
            (DatePart::Second, true) => " AT TIME ZONE 'UTC')) AS INTEGER)",
            (DatePart::Second, false) => ")) AS INTEGER)",
            (_, true) => " AT TIME ZONE 'UTC') AS INTEGER)",
            (_, false) => ") AS INTEGER)",
        };
        (open, close)
    }

    fn divisor(&self) -> (&'static str, &'static str) {
        // PostgreSQL raises 22012 itself.
        ("", "")
    }

    fn in_list(&self, w: &mut SqlWriter, param: usize) {
        w.push(" = ANY(").bind_param(param).push(")");
    }

    fn list_has_null(&self, w: &mut SqlWriter, param: usize) {
        w.push("array_position(")
            .bind_param(param)
            .push(", NULL) IS NOT NULL");
    }

    fn column_type(&self, ty: ColumnType, auto: bool) -> &'static str {
        match (ty, auto) {
            (ColumnType::SmallInt | ColumnType::Int, true) => "SERIAL",
            (ColumnType::BigInt, true) => "BIGSERIAL",
            (ColumnType::Bool, _) => "BOOLEAN",
            (ColumnType::SmallInt, _) => "SMALLINT",
            (ColumnType::Int, _) => "INTEGER",
            (ColumnType::BigInt, _) => "BIGINT",
            (ColumnType::Float, _) => "REAL",
            (ColumnType::Double, _) => "DOUBLE PRECISION",
            (ColumnType::Text, _) => "TEXT",
            (ColumnType::Blob, _) => "BYTEA",
            (ColumnType::Uuid, _) => "UUID",
            (ColumnType::Date, _) => "DATE",
            (ColumnType::Time, _) => "TIME",
            (ColumnType::Timestamp, _) => "TIMESTAMP",
            (ColumnType::TimestampTz, _) => "TIMESTAMPTZ",
            (ColumnType::Decimal, _) => "NUMERIC",
            (ColumnType::Json, _) => "JSONB",
        }
    }

    fn json_get(&self, position: bool) -> &'static [JsonPiece] {
        use JsonPiece::*;
        if position {
            &[Sql("("), Doc, Sql(" -> CAST("), Key, Sql(" AS INTEGER))")]
        } else {
            &[Sql("("), Doc, Sql(" -> CAST("), Key, Sql(" AS TEXT))")]
        }
    }

    fn json_as(&self, scalar: JsonScalar) -> &'static [JsonPiece] {
        use JsonPiece::*;
        match scalar {
            JsonScalar::Str => &[
                Sql("(CASE WHEN jsonb_typeof("),
                Doc,
                Sql(") = 'string' THEN "),
                Doc,
                Sql(" #>> '{}' END)"),
            ],
            // Integers only, as serde_json's `as_i64` (`1.0` is not one).
            JsonScalar::I64 => &[
                Sql("(CASE WHEN jsonb_typeof("),
                Doc,
                Sql(") = 'number' AND ("),
                Doc,
                Sql(" #>> '{}') ~ '^-?[0-9]+$' THEN CAST("),
                Doc,
                Sql(" #>> '{}' AS BIGINT) END)"),
            ],
            JsonScalar::F64 => &[
                Sql("(CASE WHEN jsonb_typeof("),
                Doc,
                Sql(") = 'number' THEN CAST("),
                Doc,
                Sql(" #>> '{}' AS DOUBLE PRECISION) END)"),
            ],
            JsonScalar::Bool => &[
                Sql("(CASE WHEN jsonb_typeof("),
                Doc,
                Sql(") = 'boolean' THEN CAST("),
                Doc,
                Sql(" #>> '{}' AS BOOLEAN) END)"),
            ],
        }
    }

    fn cast(&self, to: CastTo) -> (&'static str, &'static str) {
        match to {
            CastTo::Decimal => ("CAST(", " AS NUMERIC)"),
            // `jsonb` equality compares documents; a numeric division is exact.
            CastTo::Json | CastTo::Dividend => ("", ""),
        }
    }

    fn checked(&self, _ty: ColumnType) -> (&'static str, &'static str) {
        ("", "")
    }

    fn aggregate_cast(&self, f: AggFn, ty: Option<ColumnType>) -> (&'static str, &'static str) {
        // SUM of integers is `numeric` and AVG of integers is `numeric` on PostgreSQL.
        match (f, ty) {
            (AggFn::Sum, Some(ColumnType::SmallInt | ColumnType::Int | ColumnType::BigInt)) => {
                ("CAST(", " AS BIGINT)")
            }
            // The average of decimals stays `numeric`.
            (AggFn::Avg, Some(ColumnType::Decimal)) => ("", ""),
            (AggFn::Avg, _) => ("CAST(", " AS DOUBLE PRECISION)"),
            _ => ("", ""),
        }
    }

    fn insert_ignore(&self) -> (&'static str, &'static str) {
        ("INSERT INTO ", " ON CONFLICT DO NOTHING")
    }

    fn for_update(&self) -> &'static str {
        " FOR UPDATE"
    }

    fn returning_auto(&self) -> bool {
        true
    }

    fn auto_key_inline(&self) -> bool {
        false
    }
}
