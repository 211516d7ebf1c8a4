//! The first words of each statement in a text of SQL, found without running it: to refuse
//! a raw statement or a migration that would end Colt's transaction (`COMMIT`), and to see
//! one that changes its connection for good (`SET`, `PRAGMA`).
//!
//! Both backends' lexical rules that hide a `;` or a word: `'strings'` (`''` inside;
//! PostgreSQL's `E'..'` with backslash escapes), `"identifiers"` (and SQLite's `` `..` `` and
//! `[..]`), PostgreSQL's `$tag$ .. $tag$` bodies, `--` comments (to a line feed or carriage
//! return) and nested `/* .. */` comments. A `;` inside `BEGIN .. END` or `CASE .. END` of a
//! statement (a SQLite trigger's body, PostgreSQL's `BEGIN ATOMIC`) does not end it.
//!
//! Written by hand: no crate of the ecosystem splits SQL by both dialects' rules without
//! parsing all of it (`sqlparser` would refuse the statements it does not know, which the
//! database would run).

/// The first two words (upper-cased) of each statement of `sql`; a statement without words
/// (a lone `;`) is left out.
pub(crate) fn statements(sql: &str) -> Vec<[Option<String>; 2]> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut words: [Option<String>; 2] = [None, None];
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => i = after_block_comment(b, i),
            b'\'' => i = after_quoted(b, i, b'\'', false),
            b'"' => i = after_quoted(b, i, b'"', false),
            b'`' => i = after_quoted(b, i, b'`', false),
            b'[' => i = after_quoted(b, i, b']', false),
            b'$' => i = after_dollar_quoted(b, i),
            b';' => {
                if depth == 0 && words[0].is_some() {
                    out.push(std::mem::take(&mut words));
                }
                i += 1;
            }
            b'0'..=b'9' => {
                // A number (`1e5`: no word `E5`).
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.')
                {
                    i += 1;
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                let word = &sql[start..i];
                if word.eq_ignore_ascii_case("E") && b.get(i) == Some(&b'\'') {
                    // PostgreSQL's escaped string: `E'it\'s'`.
                    i = after_quoted(b, i, b'\'', true);
                    continue;
                }
                let first = words[0].is_none();
                let is = |w: &str| word.eq_ignore_ascii_case(w);
                if (is("BEGIN") && !first) || is("CASE") {
                    // A block inside the statement (not `BEGIN` opening one of its own).
                    depth += 1;
                } else if is("END") && depth > 0 {
                    depth -= 1;
                }
                // Only the first two words are kept (the rest are not copied).
                if first {
                    words[0] = Some(word.to_ascii_uppercase());
                } else if words[1].is_none() {
                    words[1] = Some(word.to_ascii_uppercase());
                }
            }
            _ => i += 1,
        }
    }
    if words[0].is_some() {
        out.push(words);
    }
    out
}

/// Past a quoted run that opened at `i` and closes with `close` (doubled inside, or after a
/// backslash where `backslash` says so); the end of the text when it never closes.
fn after_quoted(b: &[u8], i: usize, close: u8, backslash: bool) -> usize {
    let mut j = i + 1;
    while j < b.len() {
        if backslash && b[j] == b'\\' {
            j += 2;
            continue;
        }
        if b[j] == close {
            if close != b']' && b.get(j + 1) == Some(&close) {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    b.len()
}

/// Past a `/* .. */` comment that opened at `i`, nested ones included (PostgreSQL nests
/// them; SQLite does not, and a `/*` inside one of its comments is rare enough to read as
/// PostgreSQL does, which only makes the comment longer).
fn after_block_comment(b: &[u8], i: usize) -> usize {
    let mut depth = 0usize;
    let mut j = i;
    while j < b.len() {
        if b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
            depth += 1;
            j += 2;
        } else if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
            depth -= 1;
            j += 2;
            if depth == 0 {
                return j;
            }
        } else {
            j += 1;
        }
    }
    b.len()
}

/// Past PostgreSQL's `$tag$ .. $tag$` that opened at `i`; just past the `$` when it opens
/// none (`$1`, a parameter).
fn after_dollar_quoted(b: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while j < b.len()
        && (b[j].is_ascii_alphabetic() || b[j] == b'_' || (j > i + 1 && b[j].is_ascii_digit()))
    {
        j += 1;
    }
    if b.get(j) != Some(&b'$') {
        return i + 1;
    }
    let tag = &b[i..=j];
    let mut k = j + 1;
    while k + tag.len() <= b.len() {
        if &b[k..k + tag.len()] == tag {
            return k + tag.len();
        }
        k += 1;
    }
    b.len()
}

/// The statements' first words that control a transaction (`BEGIN`, `COMMIT`, ..), the
/// first found.
pub(crate) fn transaction_control(sql: &str) -> Option<String> {
    const CONTROL: &[&str] = &[
        "BEGIN",
        "START",
        "COMMIT",
        "END",
        "ROLLBACK",
        "ABORT",
        "SAVEPOINT",
        "RELEASE",
    ];
    statements(sql)
        .into_iter()
        .filter_map(|[first, _]| first)
        .find(|w| CONTROL.contains(&w.as_str()))
}

/// Whether a statement of `sql` changes its connection's session beyond the transaction:
/// `SET` (not `SET LOCAL`, `SET TRANSACTION`), `RESET`, `DISCARD`, `LISTEN`, `PREPARE`,
/// `DECLARE` (a cursor `WITH HOLD`), `LOAD`, a temporary table, or SQLite's `PRAGMA`,
/// `ATTACH`, `DETACH`.
pub(crate) fn changes_session(sql: &str) -> bool {
    statements(sql).into_iter().any(|[first, second]| {
        let second = second.as_deref().unwrap_or("");
        match first.as_deref().unwrap_or("") {
            "SET" => !matches!(second, "LOCAL" | "TRANSACTION" | "CONSTRAINTS"),
            "RESET" | "DISCARD" | "LISTEN" | "UNLISTEN" | "PREPARE" | "DEALLOCATE" | "DECLARE"
            | "LOAD" | "PRAGMA" | "ATTACH" | "DETACH" => true,
            "CREATE" => matches!(second, "TEMP" | "TEMPORARY" | "LOCAL" | "GLOBAL"),
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn firsts(sql: &str) -> Vec<String> {
        statements(sql)
            .into_iter()
            .filter_map(|[first, _]| first)
            .collect()
    }

    #[test]
    fn words_hidden_by_strings_comments_and_bodies_are_not_statements() {
        assert_eq!(
            firsts("UPDATE t SET a = 'x; COMMIT'; -- COMMIT\rCOMMIT"),
            ["UPDATE", "COMMIT"]
        );
        assert_eq!(firsts("/* a /* b */ COMMIT */ SELECT 1"), ["SELECT"]);
        assert_eq!(
            firsts("CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE u SET n = CASE WHEN 1 THEN 2 END; DELETE FROM v; END; INSERT INTO t VALUES (1)"),
            ["CREATE", "INSERT"]
        );
        assert_eq!(
            firsts("CREATE FUNCTION f() RETURNS void AS $body$ BEGIN COMMIT; END $body$ LANGUAGE plpgsql; SELECT $1"),
            ["CREATE", "SELECT"]
        );
        assert_eq!(firsts("SELECT E'it\\'s; END'; END"), ["SELECT", "END"]);
        assert_eq!(firsts("SELECT \"a;b\", [c;d], `e;f` FROM t; ;"), ["SELECT"]);
        assert_eq!(firsts("SELECT 1e5"), ["SELECT"]);
    }

    #[test]
    fn session_changes_are_seen() {
        for sql in [
            "SET search_path TO staging",
            "set session time zone 'UTC'",
            "UPDATE t SET a = 1; PRAGMA foreign_keys = OFF",
            "CREATE TEMP TABLE x (a INT)",
            "ATTACH 'other.db' AS other",
        ] {
            assert!(changes_session(sql), "{sql}");
        }
        for sql in [
            "SET LOCAL statement_timeout = 100",
            "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
            "UPDATE t SET a = 1",
            "CREATE TABLE t (a INT)",
            "SELECT 'PRAGMA'",
        ] {
            assert!(!changes_session(sql), "{sql}");
        }
    }

    #[test]
    fn transaction_control_is_found_in_any_statement() {
        assert_eq!(
            transaction_control("BEGIN; UPDATE a SET b = 1; COMMIT;").as_deref(),
            Some("BEGIN")
        );
        assert_eq!(
            transaction_control("UPDATE a SET b = 1;\n  commit").as_deref(),
            Some("COMMIT")
        );
        assert_eq!(transaction_control("-- x\rEND").as_deref(), Some("END"));
        assert_eq!(transaction_control("CREATE TABLE t (id INTEGER)"), None);
    }
}
