//! PostgreSQL's dialect (rendering only: `q.sql(Dialect::Postgres)`).

use std::fmt::Write;

use super::{standard_call, CallPiece, SqlDialect, SqlWriter};
use crate::plan::{AggFn, CastTo, DatePart, Func, JsonScalar, TextTest};
use crate::types::ColumnType;

/// PostgreSQL 12 or newer.
pub(crate) struct Postgres;

impl SqlDialect for Postgres {
    fn placeholder(&self, out: &mut String, index: usize) {
        let _ = write!(out, "${}", index + 1);
    }

    fn order_suffix(&self, desc: bool, nulls_first: Option<bool>) -> &'static str {
        // PostgreSQL sorts NULLs last ascending: make both backends agree.
        match (desc, nulls_first.unwrap_or(!desc)) {
            (true, false) => " DESC NULLS LAST",
            (true, true) => " DESC NULLS FIRST",
            (false, true) => " ASC NULLS FIRST",
            (false, false) => " ASC NULLS LAST",
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
            // (`text`'s `strpos`: a `citext` column's own would ignore case, where
            // `starts_with` and `right` take `text` and compare exactly.)
            TextTest::Contains => write!(out, "(strpos(CAST({a} AS TEXT), {b}) > 0)"),
            TextTest::StartsWith => write!(out, "starts_with({a}, {b})"),
            TextTest::EndsWith => write!(out, "(right({a}, length(CAST({b} AS TEXT))) = {b})"),
        };
    }

    fn byte_length(&self) -> (&'static str, &'static str) {
        ("octet_length(", ")")
    }

    fn text_case(&self, upper: bool) -> (&'static str, &'static str) {
        // The database's character type's (`LC_CTYPE`).
        if upper {
            ("upper(", ")")
        } else {
            ("lower(", ")")
        }
    }

    fn char_length(&self) -> (&'static str, &'static str) {
        ("char_length(", ")")
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

    fn in_json_list(&self, w: &mut SqlWriter, param: usize) {
        // jsonb's own equality says 1 = 1.0: compared by canonical text, as `==` is.
        w.push(" = ANY(ARRAY(SELECT CAST(colt_v AS TEXT) FROM unnest(CAST(")
            .bind_param(param)
            .push(" AS JSONB[])) AS colt_v))");
    }

    fn list_table(&self, w: &mut SqlWriter, param: usize, element: ColumnType, alias: &str) {
        // The array's type is not inferred through `unnest`: it is said.
        let ty = self.column_type(element, false);
        w.push("unnest(CAST(")
            .bind_param(param)
            .push(" AS ")
            .push(ty)
            .push("[])) AS ")
            .ident(alias)
            .push("(\"value\")");
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

    fn json_get(&self, position: bool) -> &'static [CallPiece] {
        use CallPiece::*;
        // A position reads arrays only (`->` would take a scalar for a one-item array), and
        // only within `integer` (past it there is no item).
        if position {
            &[
                Sql("(CASE WHEN jsonb_typeof("),
                Arg(0),
                Sql(") = 'array' AND CAST("),
                Arg(1),
                Sql(" AS BIGINT) BETWEEN -2147483648 AND 2147483647 THEN "),
                Arg(0),
                Sql(" -> CAST(CAST("),
                Arg(1),
                Sql(" AS BIGINT) AS INTEGER) END)"),
            ]
        } else {
            &[
                Sql("("),
                Arg(0),
                Sql(" -> CAST("),
                Arg(1),
                Sql(" AS TEXT))"),
            ]
        }
    }

    fn json_as(&self, scalar: JsonScalar) -> &'static [CallPiece] {
        use CallPiece::*;
        match scalar {
            JsonScalar::Str => &[
                Sql("(CASE WHEN jsonb_typeof("),
                Arg(0),
                Sql(") = 'string' THEN "),
                Arg(0),
                Sql(" #>> '{}' END)"),
            ],
            // Integers only, as serde_json's `as_i64` (`1.0` is not one).
            JsonScalar::I64 => &[
                Sql("(CASE WHEN jsonb_typeof("),
                Arg(0),
                Sql(") = 'number' AND ("),
                Arg(0),
                Sql(" #>> '{}') ~ '^-?[0-9]+$' AND CAST("),
                Arg(0),
                Sql(" AS NUMERIC) BETWEEN -9223372036854775808 AND 9223372036854775807 THEN CAST("),
                Arg(0),
                Sql(" #>> '{}' AS BIGINT) END)"),
            ],
            JsonScalar::F64 => &[
                Sql("(CASE WHEN jsonb_typeof("),
                Arg(0),
                Sql(") = 'number' THEN CAST("),
                Arg(0),
                Sql(" #>> '{}' AS DOUBLE PRECISION) END)"),
            ],
            JsonScalar::Bool => &[
                Sql("(CASE WHEN jsonb_typeof("),
                Arg(0),
                Sql(") = 'boolean' THEN CAST("),
                Arg(0),
                Sql(" #>> '{}' AS BOOLEAN) END)"),
            ],
        }
    }

    fn call(&self, f: Func) -> &'static [CallPiece] {
        use CallPiece::*;
        match f {
            Func::Abs
            | Func::TrimStart
            | Func::TrimEnd
            | Func::IfElse
            | Func::Coalesce
            | Func::Concat
            | Func::Separated
            | Func::Random
            | Func::Null => standard_call(f),
            // `text`'s `replace`, which finds its pattern exactly, as Rust's does (a `citext`
            // column's own would ignore case).
            Func::Replace => &[
                Sql("replace(CAST("),
                Arg(0),
                Sql(" AS TEXT), "),
                Arg(1),
                Sql(", "),
                Arg(2),
                Sql(")"),
            ],
            // On the UTF-8 bytes, as Rust's slices (a cut inside a character is an error).
            // The bounds (`bigint`s: a parameter would be typed `integer` otherwise) are
            // clamped to 0 ..= 2^31 - 2 before they become `integer`s (`substring` takes no
            // `bigint`; no text is that long), so that a bound before the start is the start
            // and one past the end the end, as on SQLite. `GREATEST` and `LEAST` skip a NULL:
            // `+ (b - b)`, 0 or NULL, keeps a NULL bound NULL (the slice is then NULL).
            Func::Slice => &[
                Sql("convert_from(substring(convert_to("),
                Arg(0),
                Sql(", 'UTF8') FROM CAST(LEAST(GREATEST("),
                Arg(1),
                Sql(", 0::bigint), 2147483646::bigint) + ("),
                Arg(1),
                Sql(" - "),
                Arg(1),
                Sql(") + 1 AS INTEGER) FOR CAST(GREATEST(LEAST(GREATEST("),
                Arg(2),
                Sql(", 0::bigint), 2147483646::bigint) - LEAST(GREATEST("),
                Arg(1),
                Sql(", 0::bigint), 2147483646::bigint), 0) + ("),
                Arg(2),
                Sql(" - "),
                Arg(2),
                Sql(") AS INTEGER)), 'UTF8')"),
            ],
            Func::SliceFrom => &[
                Sql("convert_from(substring(convert_to("),
                Arg(0),
                Sql(", 'UTF8') FROM CAST(LEAST(GREATEST("),
                Arg(1),
                Sql(", 0::bigint), 2147483646::bigint) + ("),
                Arg(1),
                Sql(" - "),
                Arg(1),
                Sql(") + 1 AS INTEGER)), 'UTF8')"),
            ],
            // Half away from zero, exactly: `round(double precision)` breaks ties to even,
            // and a cast to numeric keeps 15 digits (0.49999999999999994 would round to 1).
            // `x - trunc(x)` is exact.
            Func::Round => &[
                Sql("(CASE WHEN abs("),
                Arg(0),
                Sql(" - trunc("),
                Arg(0),
                Sql(")) >= 0.5 THEN trunc("),
                Arg(0),
                Sql(") + sign("),
                Arg(0),
                Sql(") ELSE trunc("),
                Arg(0),
                Sql(") END)"),
            ],
            // `text`'s `LIKE`, case-sensitive (a `citext` column's own ignores case).
            Func::Like => &[
                Sql("(CAST("),
                Arg(0),
                Sql(" AS TEXT) LIKE "),
                Arg(1),
                Sql(")"),
            ],
        }
    }

    fn group_concat(&self) -> &'static str {
        "string_agg("
    }

    fn cast(&self, to: CastTo) -> (&'static str, &'static str) {
        match to {
            CastTo::Decimal => ("CAST(", " AS NUMERIC)"),
            // `jsonb` equality compares documents; a numeric division is exact.
            // jsonb's own equality says 1 = 1.0: its text keeps them apart, as serde_json
            // and SQLite do (and is canonical: keys sorted, spacing its own).
            CastTo::Json | CastTo::JsonListed => ("CAST(CAST(", " AS JSONB) AS TEXT)"),
            CastTo::Real => ("", ""),
            CastTo::Double | CastTo::Float => ("CAST(", " AS DOUBLE PRECISION)"),
            CastTo::Float32 => ("CAST(", " AS REAL)"),
            CastTo::ShortestDecimal => ("", ""),
            CastTo::StoredDecimal => ("", ""),
            // A parameter typed as what it stands for (PostgreSQL would take a `CASE` of
            // untyped parameters for text).
            CastTo::As(ty) => match ty {
                ColumnType::Bool => ("CAST(", " AS BOOLEAN)"),
                ColumnType::SmallInt => ("CAST(", " AS SMALLINT)"),
                ColumnType::Int => ("CAST(", " AS INTEGER)"),
                ColumnType::BigInt => ("CAST(", " AS BIGINT)"),
                ColumnType::Float => ("CAST(", " AS REAL)"),
                ColumnType::Double => ("CAST(", " AS DOUBLE PRECISION)"),
                ColumnType::Text => ("CAST(", " AS TEXT)"),
                ColumnType::Blob => ("CAST(", " AS BYTEA)"),
                ColumnType::Uuid => ("CAST(", " AS UUID)"),
                ColumnType::Date => ("CAST(", " AS DATE)"),
                ColumnType::Time => ("CAST(", " AS TIME)"),
                ColumnType::Timestamp => ("CAST(", " AS TIMESTAMP)"),
                ColumnType::TimestampTz => ("CAST(", " AS TIMESTAMPTZ)"),
                ColumnType::Decimal => ("CAST(", " AS NUMERIC)"),
                ColumnType::Json => ("CAST(", " AS JSONB)"),
            },
            // PostgreSQL's casts refuse a value out of range (SQLSTATE 22003).
            CastTo::Integer(ColumnType::SmallInt) => ("CAST(", " AS SMALLINT)"),
            CastTo::Integer(ColumnType::Int) => ("CAST(", " AS INTEGER)"),
            CastTo::Integer(_) => ("CAST(", " AS BIGINT)"),
            CastTo::Truncated(ColumnType::SmallInt) => ("CAST(TRUNC(", ") AS SMALLINT)"),
            CastTo::Truncated(ColumnType::Int) => ("CAST(TRUNC(", ") AS INTEGER)"),
            CastTo::Truncated(_) => ("CAST(TRUNC(", ") AS BIGINT)"),
        }
    }

    fn ordered_column(&self, _column: &crate::entity::ColumnMeta) -> (&'static str, &'static str) {
        // Its types compare as they are.
        ("", "")
    }

    fn checked(&self, column: &crate::entity::ColumnMeta) -> (&'static str, &'static str) {
        // Text byte for byte, whatever the column's own collation (a nondeterministic one,
        // case-insensitive, would pass a row whose case another program changed) or type
        // (`citext` compares without case; an enum takes no collation): as `text`. But a
        // `char(n)`, whose value is read padded with spaces, as `bpchar` (as `text` it loses
        // the padding, and would never equal the value read): trailing spaces aside, which
        // are not part of its values.
        // A float as it is read: a `numeric` or integer column's value as the nearest
        // double, a `double precision` value read into an `f32` rounded to `real`.
        match column.ty {
            ColumnType::Text if column.pads_text() => ("CAST(", r#" AS BPCHAR) COLLATE "C""#),
            ColumnType::Text => ("CAST(", r#" AS TEXT) COLLATE "C""#),
            ColumnType::Double => ("CAST(", " AS DOUBLE PRECISION)"),
            ColumnType::Float => ("CAST(", " AS REAL)"),
            _ => ("", ""),
        }
    }

    fn aggregate_cast(&self, f: AggFn, ty: Option<ColumnType>) -> (&'static str, &'static str) {
        // SUM of integers is `numeric` and AVG of integers is `numeric` on PostgreSQL.
        match (f, ty) {
            (
                AggFn::Sum | AggFn::SumDistinct,
                Some(ColumnType::SmallInt | ColumnType::Int | ColumnType::BigInt),
            ) => ("CAST(", " AS BIGINT)"),
            // The average of decimals stays `numeric`; of integers and doubles, it is a
            // double already (see `avg_as_sum_over_count`).
            (
                AggFn::Avg | AggFn::AvgDistinct,
                Some(
                    ColumnType::Decimal
                    | ColumnType::SmallInt
                    | ColumnType::Int
                    | ColumnType::BigInt
                    | ColumnType::Double,
                ),
            ) => ("", ""),
            (AggFn::Avg | AggFn::AvgDistinct, _) => ("CAST(", " AS DOUBLE PRECISION)"),
            _ => ("", ""),
        }
    }

    fn min_max(&self, f: AggFn, ty: Option<ColumnType>) -> Option<(&'static str, &'static str)> {
        // PostgreSQL has no `MAX(boolean)`, `MAX(uuid)` nor `MAX(bytea)`: a boolean's is
        // `BOOL_OR`, a UUID's is its text's in byte order (as Rust and SQLite order its 16
        // bytes).
        Some(match (f, ty?) {
            (AggFn::Max, ColumnType::Bool) => ("BOOL_OR(", ")"),
            (AggFn::Min, ColumnType::Bool) => ("BOOL_AND(", ")"),
            (AggFn::Max, ColumnType::Uuid) => {
                ("CAST(MAX(CAST(", " AS TEXT) COLLATE \"C\") AS UUID)")
            }
            (AggFn::Min, ColumnType::Uuid) => {
                ("CAST(MIN(CAST(", " AS TEXT) COLLATE \"C\") AS UUID)")
            }
            // Nor `MAX(bytea)`: the bytes' hex text, in byte order.
            (AggFn::Max, ColumnType::Blob) => {
                ("DECODE(MAX(ENCODE(", ", 'hex') COLLATE \"C\"), 'hex')")
            }
            (AggFn::Min, ColumnType::Blob) => {
                ("DECODE(MIN(ENCODE(", ", 'hex') COLLATE \"C\"), 'hex')")
            }
            _ => return None,
        })
    }

    fn avg_as_sum_over_count(&self, f: AggFn, ty: Option<ColumnType>) -> bool {
        // `AVG` of integers divides a `numeric` sum, rounded to about 17 digits, and the
        // double made of it is rounded again: one unit in the last place off Rust's `sum as
        // f64 / n as f64` (and SQLite's) for some sets. The `numeric` sum is exact; made a
        // double once, and divided once, it is Rust's.
        // `AVG` of doubles also sums their squares, which overflow past about 1.3e154: the
        // average of 1e300 and 1.5 was `OutOfRange`. Their sum over their count is Rust's.
        matches!(
            (f, ty),
            (
                AggFn::Avg | AggFn::AvgDistinct,
                Some(
                    ColumnType::SmallInt
                        | ColumnType::Int
                        | ColumnType::BigInt
                        | ColumnType::Double
                )
            )
        )
    }

    fn insert_ignore(&self) -> (&'static str, &'static str) {
        ("INSERT INTO ", " ON CONFLICT DO NOTHING")
    }

    fn for_update(&self, wait: crate::plan::LockWait) -> &'static str {
        match wait {
            crate::plan::LockWait::Wait => " FOR UPDATE",
            crate::plan::LockWait::NoWait => " FOR UPDATE NOWAIT",
            crate::plan::LockWait::SkipLocked => " FOR UPDATE SKIP LOCKED",
        }
    }

    fn returning_auto(&self) -> bool {
        true
    }

    fn update_sees_own_writes(&self) -> bool {
        false
    }

    fn exact_aggregate(
        &self,
        _f: AggFn,
        _ty: Option<ColumnType>,
        _read_back: bool,
    ) -> Option<(&'static str, &'static str)> {
        // `numeric` sums exactly.
        None
    }

    fn auto_key_inline(&self) -> bool {
        false
    }
}
