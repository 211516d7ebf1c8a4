//! SQLite's dialect.

use std::fmt::Write;

use super::{standard_call, CallPiece, SqlDialect, SqlWriter};
use crate::plan::{AggFn, CastTo, DatePart, Func, JsonScalar, TextTest};
use crate::types::ColumnType;

/// SQLite 3 (bundled with rusqlite).
pub(crate) struct Sqlite;

impl SqlDialect for Sqlite {
    fn placeholder(&self, out: &mut String, index: usize) {
        let _ = write!(out, "?{}", index + 1);
    }

    fn order_suffix(&self, desc: bool, nulls_first: Option<bool>) -> &'static str {
        // SQLite already sorts NULLs first ascending and last descending.
        match (desc, nulls_first) {
            (true, None) => " DESC",
            (false, None) => "",
            (true, Some(true)) => " DESC NULLS FIRST",
            (true, Some(false)) => " DESC NULLS LAST",
            (false, Some(true)) => " ASC NULLS FIRST",
            (false, Some(false)) => " ASC NULLS LAST",
        }
    }

    fn no_limit(&self) -> &'static str {
        " LIMIT -1"
    }

    fn null_safe_eq(&self) -> (&'static str, &'static str) {
        (" IS ", " IS NOT ")
    }

    fn text_test(&self, out: &mut String, test: TextTest, a: &str, b: &str) {
        // instr/substr compare exactly and case-sensitively, as Rust's str methods do;
        // SQLite's LIKE would ignore ASCII case and need its wildcards escaped. On the bytes
        // (`CAST .. AS BLOB`): SQLite's text functions stop at a NUL, Rust's do not, and
        // byte positions of valid UTF-8 give Rust's answers.
        let (a, b) = (format!("CAST({a} AS BLOB)"), format!("CAST({b} AS BLOB)"));
        let _ = match test {
            TextTest::Contains => write!(out, "(instr({a}, {b}) > 0)"),
            // (`substr` of an empty BLOB is NULL: the empty prefix is tested apart, and an
            // empty text is shorter than the prefix.)
            TextTest::StartsWith => write!(
                out,
                "(CASE WHEN length({b}) = 0 THEN {a} IS NOT NULL OR NULL ELSE length({a}) >= length({b}) AND substr({a}, 1, length({b})) = {b} END)"
            ),
            TextTest::EndsWith => write!(
                out,
                "(CASE WHEN length({b}) = 0 THEN {a} IS NOT NULL OR NULL ELSE length({a}) >= length({b}) AND substr({a}, -length({b})) = {b} END)"
            ),
        };
    }

    fn byte_length(&self) -> (&'static str, &'static str) {
        ("length(CAST(", " AS BLOB))")
    }

    fn text_case(&self, upper: bool) -> (&'static str, &'static str) {
        // Rust's (`colt_lower`, `colt_upper`): SQLite's own change ASCII letters only.
        if upper {
            ("colt_upper(", ")")
        } else {
            ("colt_lower(", ")")
        }
    }

    fn char_length(&self) -> (&'static str, &'static str) {
        // (SQLite's `length` of a text stops at the first NUL, which a Rust string may hold.)
        ("colt_chars(", ")")
    }

    fn date_part(&self, part: DatePart, _utc: bool) -> (&'static str, &'static str) {
        // ISO text; an instant's ends in +00:00, which strftime reads (in UTC).
        let open = match part {
            DatePart::Year => "CAST(strftime('%Y', ",
            DatePart::Month => "CAST(strftime('%m', ",
            DatePart::Day => "CAST(strftime('%d', ",
            DatePart::Hour => "CAST(strftime('%H', ",
            DatePart::Minute => "CAST(strftime('%M', ",
            DatePart::Second => "CAST(strftime('%S', ",
        };
        (open, ") AS INTEGER)")
    }

    fn divisor(&self) -> (&'static str, &'static str) {
        ("colt_nonzero(", ")")
    }

    fn in_list(&self, w: &mut SqlWriter, param: usize) {
        w.push(" IN rarray(").bind_param(param).push(")");
    }

    fn list_table(&self, w: &mut SqlWriter, param: usize, _element: ColumnType, alias: &str) {
        w.push("rarray(")
            .bind_param(param)
            .push(") AS ")
            .ident(alias);
    }

    fn list_has_null(&self, w: &mut SqlWriter, param: usize) {
        w.push("EXISTS (SELECT 1 FROM rarray(")
            .bind_param(param)
            .push(") WHERE value IS NULL)");
    }

    fn column_type(&self, ty: ColumnType, _auto: bool) -> &'static str {
        match ty {
            ColumnType::Bool => "BOOLEAN",
            ColumnType::SmallInt | ColumnType::Int | ColumnType::BigInt => "INTEGER",
            ColumnType::Float | ColumnType::Double => "REAL",
            ColumnType::Text => "TEXT",
            ColumnType::Blob | ColumnType::Uuid => "BLOB",
            ColumnType::Date => "DATE",
            ColumnType::Time => "TIME",
            ColumnType::Timestamp | ColumnType::TimestampTz => "DATETIME",
            ColumnType::Decimal => "NUMERIC",
            ColumnType::Json => "TEXT",
        }
    }

    fn json_get(&self, position: bool) -> &'static [CallPiece] {
        use CallPiece::*;
        // A JSON path, so that a key is always a key (SQLite reads a bare `a.b` as a path):
        // `$."key"`, `$[2]`, and `$[#-1]` for the last item (PostgreSQL's -1).
        if position {
            &[
                Sql("("),
                Arg(0),
                Sql(" -> ('$[' || CASE WHEN "),
                Arg(1),
                Sql(" < 0 THEN '#' || "),
                Arg(1),
                Sql(" ELSE "),
                Arg(1),
                Sql(" END || ']'))"),
            ]
        } else {
            &[
                Sql("("),
                Arg(0),
                Sql(" -> ('$.\"' || replace(replace("),
                Arg(1),
                Sql(", '\\', '\\\\'), '\"', '\\\"') || '\"'))"),
            ]
        }
    }

    fn json_as(&self, scalar: JsonScalar) -> &'static [CallPiece] {
        use CallPiece::*;
        match scalar {
            JsonScalar::Str => &[
                Sql("(CASE WHEN json_type("),
                Arg(0),
                Sql(") = 'text' THEN "),
                Arg(0),
                Sql(" ->> '$' END)"),
            ],
            JsonScalar::I64 => &[
                Sql("(CASE WHEN json_type("),
                Arg(0),
                Sql(") = 'integer' AND typeof("),
                Arg(0),
                Sql(" ->> '$') = 'integer' THEN "),
                Arg(0),
                Sql(" ->> '$' END)"),
            ],
            JsonScalar::F64 => &[
                Sql("(CASE WHEN json_type("),
                Arg(0),
                Sql(") IN ('integer', 'real') THEN CAST("),
                Arg(0),
                Sql(" ->> '$' AS REAL) END)"),
            ],
            JsonScalar::Bool => &[
                Sql("(CASE WHEN json_type("),
                Arg(0),
                Sql(") IN ('true', 'false') THEN "),
                Arg(0),
                Sql(" ->> '$' END)"),
            ],
        }
    }

    fn call(&self, f: Func) -> &'static [CallPiece] {
        use CallPiece::*;
        match f {
            Func::Abs
            | Func::TrimStart
            | Func::TrimEnd
            | Func::Replace
            | Func::IfElse
            | Func::Coalesce
            | Func::Concat
            | Func::Separated
            | Func::Random
            | Func::Null => standard_call(f),
            // On the bytes, as Rust's slices; a cut inside a character is an error
            // (`colt_slice`, in `backend/sqlite_functions.rs`).
            Func::Slice => &[
                Sql("colt_slice("),
                Arg(0),
                Sql(", "),
                Arg(1),
                Sql(", "),
                Arg(2),
                Sql(")"),
            ],
            Func::SliceFrom => &[Sql("colt_slice("), Arg(0), Sql(", "), Arg(1), Sql(")")],
            // SQLite's round goes through 15-digit text (0.49999999999999994 rounds to 1):
            // `colt_round` is Rust's `f64::round`.
            Func::Round => &[Sql("colt_round("), Arg(0), Sql(")")],
            // SQLite's LIKE ignores ASCII case: `colt_like` is SQL's LIKE, case-sensitive.
            Func::Like => &[Sql("colt_like("), Arg(0), Sql(", "), Arg(1), Sql(")")],
        }
    }

    fn group_concat(&self) -> &'static str {
        "group_concat("
    }

    fn cast(&self, to: CastTo) -> (&'static str, &'static str) {
        match to {
            // A decimal is a number like any other on SQLite.
            CastTo::Decimal => ("", ""),
            // JSON compares in its minified form.
            CastTo::Json | CastTo::JsonListed => ("json(", ")"),
            CastTo::Real | CastTo::Float | CastTo::Double => ("CAST(", " AS REAL)"),
            CastTo::Float32 => ("colt_f32(", ")"),
            CastTo::ShortestDecimal => ("", ""),
            CastTo::StoredDecimal => ("CAST(colt_decimal(", ") AS NUMERIC)"),
            CastTo::Integer(ColumnType::BigInt) | CastTo::As(_) => ("", ""),
            // `colt_int(x, bits)`: `x` truncated toward zero, an error if it does not fit
            // (SQLite's CAST would saturate a float, and an integer needs no cast).
            CastTo::Integer(ColumnType::SmallInt) | CastTo::Truncated(ColumnType::SmallInt) => {
                ("colt_int(", ", 16)")
            }
            CastTo::Integer(ColumnType::Int) | CastTo::Truncated(ColumnType::Int) => {
                ("colt_int(", ", 32)")
            }
            CastTo::Integer(_) | CastTo::Truncated(_) => ("colt_int(", ", 64)"),
        }
    }

    fn ordered_column(&self, column: &crate::entity::ColumnMeta) -> (&'static str, &'static str) {
        // A `String` in a column another tool declared `DATETIME` (NUMERIC affinity), its
        // `sql_type` said: compared in order as it is, the column's affinity made a bound
        // `'2025'` the number 2025, which every text sorts after (`created < '2025'` held
        // for no row). As text, it compares byte for byte, as Rust does (no index of the
        // column serves that comparison then). Elsewhere it needs nothing: the values it
        // holds are text (`check_tables` reports a number there), equal to no number, and
        // they order, group and are equal among themselves as text.
        let numeric = column.ty == ColumnType::Text
            && column
                .sql_type
                .is_some_and(crate::declared::sqlite_numeric_affinity);
        if numeric {
            ("CAST(", " AS TEXT)")
        } else {
            ("", "")
        }
    }

    fn checked(&self, column: &crate::entity::ColumnMeta) -> (&'static str, &'static str) {
        // A decimal is read to 15 significant digits: compared so (see `colt_decimal`).
        // Text byte for byte, whatever the column's own collation (`COLLATE NOCASE` would
        // pass a row whose case another program changed).
        // A date or time in Colt's spelling (as it is read): another tool's spelling of the
        // same value (`2009-01-01T08:30:00`), which reads as it, passes, where comparing the
        // stored text failed every write of the row as a concurrent change, retried in vain;
        // any other value (a unix time written over a NULL) compares as it is.
        // A float as it is read: a whole number a NUMERIC or REAL column keeps as an integer
        // is the float (past 2^53, the nearest); an `f32`, the stored double rounded to it.
        match column.ty {
            ColumnType::Double => ("CAST(", " AS REAL)"),
            ColumnType::Float => ("colt_f32(", ")"),
            ColumnType::Decimal => ("colt_decimal_checked(", ")"),
            ColumnType::Date => ("colt_time_checked(0, ", ")"),
            ColumnType::Time => ("colt_time_checked(1, ", ")"),
            ColumnType::Timestamp => ("colt_time_checked(2, ", ")"),
            ColumnType::TimestampTz => ("colt_time_checked(3, ", ")"),
            ColumnType::Text | ColumnType::Json => ("", " COLLATE BINARY"),
            _ => ("", ""),
        }
    }

    fn aggregate_cast(&self, f: AggFn, ty: Option<ColumnType>) -> (&'static str, &'static str) {
        match (f, ty) {
            // (A sum or average of decimals is `exact_aggregate`'s.)
            // A sum of `f32`s is an `f32` (as PostgreSQL's `SUM` of `real`), also where it is
            // compared: SQLite sums in f64 (0.1f32 + 0.2f32 would be 0.30000000447, below
            // 0.3f32).
            (AggFn::Sum | AggFn::SumDistinct, Some(ColumnType::Float)) => ("colt_f32(", ")"),
            _ => ("", ""),
        }
    }

    fn exact_aggregate(
        &self,
        f: AggFn,
        ty: Option<ColumnType>,
        read_back: bool,
    ) -> Option<(&'static str, &'static str)> {
        // Decimals added exactly (`colt_decimal_sum`), made the number they stand for where
        // the statement compares, orders or computes with them. A sum the result reads is
        // its exact text, which the reader takes exactly: made a number, a sum of more than
        // 15 significant digits (9 999 999 999 999.99 twice) was a REAL, read to 15. (An
        // average is a quotient, to 15 digits either way.)
        if ty != Some(ColumnType::Decimal) {
            return None;
        }
        match f {
            AggFn::Sum if read_back => Some(("colt_decimal_sum(", ")")),
            AggFn::SumDistinct if read_back => Some(("colt_decimal_sum(DISTINCT ", ")")),
            AggFn::Sum => Some(("CAST(colt_decimal_sum(", ") AS NUMERIC)")),
            AggFn::SumDistinct => Some(("CAST(colt_decimal_sum(DISTINCT ", ") AS NUMERIC)")),
            AggFn::Avg => Some(("CAST(colt_decimal_avg(", ") AS NUMERIC)")),
            AggFn::AvgDistinct => Some(("CAST(colt_decimal_avg(DISTINCT ", ") AS NUMERIC)")),
            _ => None,
        }
    }

    fn min_max(&self, _f: AggFn, _ty: Option<ColumnType>) -> Option<(&'static str, &'static str)> {
        // Booleans are 0 and 1, UUIDs 16 bytes: `MIN`/`MAX` order them as Rust does.
        None
    }

    fn avg_as_sum_over_count(&self, _f: AggFn, _ty: Option<ColumnType>) -> bool {
        // SQLite's `AVG` of integers is its exact sum over its count already.
        false
    }

    fn insert_ignore(&self) -> (&'static str, &'static str) {
        // Not `INSERT OR IGNORE`, which also skips a row that breaks a NOT NULL or CHECK
        // constraint: an upsert's `DO NOTHING` skips only a row a uniqueness refuses.
        ("INSERT INTO ", " ON CONFLICT DO NOTHING")
    }

    fn for_update(&self, _wait: crate::plan::LockWait) -> &'static str {
        // SQLite locks the whole database instead (the write transaction begins first).
        ""
    }

    fn returning_auto(&self) -> bool {
        false
    }

    fn update_sees_own_writes(&self) -> bool {
        true
    }

    fn auto_key_inline(&self) -> bool {
        true
    }
}
