//! What `Database::check_tables` finds wrong with a table's constraints, beyond its columns
//! and key: a SQLite conflict clause that makes a refused write something else, and the
//! stored side of a one-to-one that the table does not keep unique.

use crate::backend::{Conn, LiveColumn, Param};
use crate::entity::EntityMeta;
use crate::render::Dialect;
use crate::value::Value;
use crate::Result;

/// SQLite: a constraint of `table` declared with a conflict clause other than the default
/// `ABORT`. With `ON CONFLICT REPLACE` an insert or update that takes a unique value deletes
/// the row holding it (and, by cascades, its children) and reports one change, so Colt's
/// write succeeds where it should fail; `IGNORE` skips the write; `FAIL` keeps the part of
/// a statement done before the failing row; `ROLLBACK` ends the whole transaction, after
/// which the next statements would commit one by one.
pub(crate) fn conflict_clause(conn: &Conn, table: &str) -> Result<Option<String>> {
    if conn.dialect() != Dialect::Sqlite {
        return Ok(None);
    }
    let name = Value::Text(table.to_string());
    let rows = conn.query_values(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE",
        &[Param::Owned(&name)],
    )?;
    let Some(Value::Text(sql)) = rows.first().and_then(|r| r.first()) else {
        return Ok(None);
    };
    let words = words(sql);
    let found = words.windows(3).find_map(|w| {
        (w[0] == "ON" && w[1] == "CONFLICT" && w[2] != "ABORT").then(|| w[2].clone())
    });
    Ok(found.map(|clause| {
        let what = match clause.as_str() {
            "REPLACE" => "an insert or update that takes a unique value would delete the row holding it (and what cascades from it) and succeed, where Colt reports a constraint error",
            "IGNORE" => "a write that breaks it would be skipped without an error",
            "FAIL" => "a statement that breaks it would keep the rows it changed before the failing one",
            "ROLLBACK" => "a write that breaks it would roll back the whole transaction, and the statements after it would commit one by one",
            _ => "a write that breaks it would not fail as Colt expects",
        };
        format!(
            "table `{table}` declares a constraint `ON CONFLICT {clause}`: {what}; declare it without the clause (SQLite's default, `ABORT`, refuses the one statement)"
        )
    }))
}

/// The words of an SQL text in upper case, without its string literals, quoted names and
/// comments (a default `'on conflict replace'` is not a clause).
fn words(sql: &str) -> Vec<String> {
    crate::sql_tokens::sql_tokens(sql)
        .into_iter()
        .filter_map(|t| match t {
            crate::sql_tokens::SqlToken::Word(w) => Some(w.to_ascii_uppercase()),
            crate::sql_tokens::SqlToken::Quoted(_) => None,
        })
        .collect()
}

/// The stored side of each one-to-one of `e` that the table does not keep unique (its key or
/// a unique index on exactly its columns): the other side reads its partner as the first row
/// naming it (SQLite) or fails (PostgreSQL) when two rows name the same one.
pub(crate) fn one_to_one_problems(
    conn: &Conn,
    e: &'static EntityMeta,
    live: &[LiveColumn],
) -> Result<Vec<String>> {
    let one_to_one = crate::pairing::stored_one_to_one(e);
    if one_to_one.is_empty() {
        return Ok(Vec::new());
    }
    let unique: Vec<Vec<String>> = crate::introspect::read_table(conn, e.table.to_string())?
        .indexes
        .into_iter()
        .filter(|i| i.unique)
        .map(|i| i.columns)
        .collect();
    let not_null_partial = partial_unique_indexes(conn, e.table)?;
    let key: Vec<&str> = live
        .iter()
        .filter(|l| l.primary_key)
        .map(|l| l.name.as_str())
        .collect();
    let dialect = conn.dialect();
    let same = |a: &[&str], b: &[&str]| {
        a.len() == b.len()
            && a.iter().all(|x| {
                b.iter()
                    .any(|y| crate::table_keys::same_name(dialect, x, y))
            })
    };
    let mut out = Vec::new();
    for (column, other, reverse) in one_to_one {
        let width = e
            .relations
            .iter()
            .find(|r| r.column == Some(column))
            .map_or(1, |r| r.width().max(1));
        let columns: Vec<&str> = e.columns[column..column + width]
            .iter()
            .map(|c| c.name)
            .collect();
        let kept = same(&columns, &key)
            || unique.iter().any(|u| {
                let u: Vec<&str> = u.iter().map(String::as_str).collect();
                same(&columns, &u)
            })
            || not_null_partial.iter().any(|(cols, condition)| {
                let cols: Vec<&str> = cols.iter().map(String::as_str).collect();
                same(&columns, &cols) && only_not_null(condition, &columns)
            });
        if !kept {
            out.push(format!(
                "column `{}.{}` holds a one-to-one reference (field `{}::{}`, read back as `{}::{}`) but is not unique: two rows could name the same `{}`, whose `{}` would then be either; make it unique (`CREATE UNIQUE INDEX ON \"{}\" ({})`)",
                e.table,
                columns.join(", "),
                e.name,
                e.columns[column].field,
                other.name,
                other.columns[reverse].field,
                other.name,
                other.columns[reverse].field,
                e.table,
                columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    Ok(out)
}

/// The partial unique indexes of `table`: their columns and their condition (SQLite: the
/// statement that made them).
fn partial_unique_indexes(conn: &Conn, table: &str) -> Result<Vec<(Vec<String>, String)>> {
    let name = Value::Text(table.to_string());
    let rows = conn.query_values(
        crate::render::introspection_sql::partial_unique_indexes(conn.dialect()),
        &[Param::Owned(&name)],
    )?;
    let mut out: Vec<(String, Vec<String>, String)> = Vec::new();
    for row in rows {
        let text = |i: usize| match row.get(i) {
            Some(Value::Text(t)) => t.clone(),
            _ => String::new(),
        };
        let (index, condition, column) = (text(0), text(1), text(3));
        match out.last_mut() {
            Some((last, cols, _)) if *last == index => cols.push(column),
            _ => out.push((index, vec![column], condition)),
        }
    }
    Ok(out.into_iter().map(|(_, c, w)| (c, w)).collect())
}

/// Whether a partial index's condition is only `c IS NOT NULL` for its columns (SQLite: the
/// statement's `WHERE` clause): such an index keeps every value that names a partner unique.
fn only_not_null(condition: &str, columns: &[&str]) -> bool {
    // The last `WHERE` word (after a newline or before a parenthesis too).
    let upper = condition.to_ascii_uppercase();
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let at = upper
        .rmatch_indices("WHERE")
        .map(|(i, _)| i)
        .find(|&i| !word(upper[..i].chars().next_back()) && !word(upper[i + 5..].chars().next()));
    let condition = match at {
        Some(at) => condition[at + 5..].to_string(),
        None => condition.to_string(),
    };
    let spaced: String = condition
        .chars()
        .map(|c| {
            if matches!(c, '(' | ')' | '"' | '`' | '[' | ']') {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .to_ascii_uppercase();
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let parts: Vec<&[&str]> = tokens.split(|t| *t == "AND").collect();
    !tokens.is_empty()
        && parts.iter().all(|p| {
            matches!(p, [c, "IS", "NOT", "NULL"]
                if columns.iter().any(|col| col.eq_ignore_ascii_case(c)))
        })
}

#[cfg(test)]
mod tests {
    use super::{only_not_null, words};

    #[test]
    fn a_partial_index_on_not_null_values_keeps_them_unique() {
        assert!(only_not_null("(person IS NOT NULL)", &["person"]));
        assert!(only_not_null(
            "CREATE UNIQUE INDEX p ON passport (person) WHERE \"person\" is not null",
            &["person"]
        ));
        assert!(!only_not_null("(deleted IS NULL)", &["person"]));
        assert!(!only_not_null("(other IS NOT NULL)", &["person"]));
        assert!(!only_not_null("person IS NOT NULL OR x", &["person"]));
        assert!(only_not_null(
            "CREATE UNIQUE INDEX pp ON passport(person)\nWHERE(person IS NOT NULL)",
            &["person"]
        ));
    }

    #[test]
    fn words_leave_out_literals_names_and_comments() {
        let w = words(
            "CREATE TABLE \"on conflict\" (a TEXT DEFAULT 'on conflict replace' -- on conflict ignore\n, b INT UNIQUE ON CONFLICT /* x */ Replace)",
        );
        let joined = w.join(" ");
        assert_eq!(
            joined,
            "CREATE TABLE A TEXT DEFAULT B INT UNIQUE ON CONFLICT REPLACE"
        );
    }
}
