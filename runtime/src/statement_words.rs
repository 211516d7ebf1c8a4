//! What the statements in a text of SQL are, found without running it: to refuse a raw
//! statement or a migration that would end Colt's transaction (`COMMIT`), and to see one
//! that changes its connection for good (`SET`, `PRAGMA`, a temporary table).
//!
//! The lexical rules that hide a `;` or a word, per dialect: `'strings'` (`''` inside;
//! PostgreSQL's `E'..'` with backslash escapes), `"identifiers"` (and SQLite's `` `..` `` and
//! `[..]`, which on PostgreSQL are array subscripts), PostgreSQL's `$tag$ .. $tag$` bodies,
//! `--` comments (to a line feed, and on PostgreSQL a carriage return too) and `/* .. */`
//! comments (nested on PostgreSQL only). A `;` inside a trigger's `BEGIN .. END` (SQLite),
//! a `BEGIN ATOMIC .. END` body (PostgreSQL) or a `CASE .. END` does not end its statement.
//! A word after a `.` is a name (`NEW.end`), never a keyword.
//!
//! Written by hand: no crate of the ecosystem splits SQL by both dialects' rules without
//! parsing all of it (`sqlparser` would refuse the statements it does not know, which the
//! database would run).

use crate::render::Dialect;

/// One statement: its first two words, upper-cased, and whether it changes its
/// connection's session.
#[derive(Debug, Default)]
pub(crate) struct Statement {
    pub words: [Option<String>; 2],
    pub session: bool,
}

/// What a statement being read has shown so far.
#[derive(Default)]
struct Reading {
    statement: Statement,
    /// Words read.
    count: usize,
    /// The last word, upper-cased (for `INTO TEMP`).
    last: String,
    /// Blocks open: `true` for `BEGIN` (closed by an `END` before `;`), `false` for `CASE`.
    blocks: Vec<bool>,
    /// A `TRIGGER` among its first words: its `BEGIN` opens the body (SQLite).
    trigger: bool,
    /// PostgreSQL's rules (its triggers have no body; `BEGIN ATOMIC` opens one).
    pg: bool,
    /// The next word starts a statement inside a body (after its `BEGIN` or a `;`): the
    /// only place a body's `END` can be (a column may be named `end`).
    body_start: bool,
    /// A `PRAGMA` that sets (`=`) or takes an argument.
    assigns: bool,
    called: bool,
}

/// Pragmas that only read, with an argument (`PRAGMA table_info(t)`).
const READING_PRAGMAS: &[&str] = &[
    "TABLE_INFO",
    "TABLE_XINFO",
    "TABLE_LIST",
    "INDEX_LIST",
    "INDEX_INFO",
    "INDEX_XINFO",
    "FOREIGN_KEY_LIST",
    "FOREIGN_KEY_CHECK",
    "INTEGRITY_CHECK",
    "QUICK_CHECK",
];

impl Reading {
    fn word(&mut self, word: &str, after_dot: bool, next: Option<u8>, next_word: &str) {
        let upper = word.to_ascii_uppercase();
        self.count += 1;
        match self.count {
            1 => self.statement.words[0] = Some(upper.clone()),
            2 => self.statement.words[1] = Some(upper.clone()),
            _ => {}
        }
        let body_start = std::mem::take(&mut self.body_start);
        if !after_dot {
            match upper.as_str() {
                // `CREATE [TEMP] TRIGGER` (not a column named `trigger`).
                "TRIGGER"
                    if !self.pg
                        && self.statement.words[0].as_deref() == Some("CREATE")
                        && (self.count == 2
                            || (self.count == 3
                                && matches!(self.last.as_str(), "TEMP" | "TEMPORARY"))) =>
                {
                    self.trigger = true
                }
                // A SQLite trigger's body (its first `BEGIN`), PostgreSQL's `BEGIN ATOMIC`.
                "BEGIN"
                    if self.count > 1
                        && self.blocks.is_empty()
                        && ((self.trigger && !self.pg) || (self.pg && next_word == "ATOMIC")) =>
                {
                    self.blocks.push(true);
                    self.body_start = !self.pg;
                }
                "ATOMIC" if self.pg && self.last == "BEGIN" && self.blocks == [true] => {
                    self.body_start = true;
                }
                "CASE" => self.blocks.push(false),
                "END" => match self.blocks.last() {
                    Some(false) => {
                        self.blocks.pop();
                    }
                    Some(true) if body_start => {
                        self.blocks.pop();
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        // What lasts beyond the transaction.
        let first = self.statement.words[0].as_deref().unwrap_or("");
        let temp = matches!(upper.as_str(), "TEMP" | "TEMPORARY");
        let session = match upper.as_str() {
            // A session setting, or a session's advisory lock (`pg_advisory_xact_lock` is the
            // transaction's).
            "SET_CONFIG"
            | "PG_ADVISORY_LOCK"
            | "PG_ADVISORY_LOCK_SHARED"
            | "PG_TRY_ADVISORY_LOCK"
            | "PG_TRY_ADVISORY_LOCK_SHARED" => next == Some(b'('),
            // `temp.t`, `pg_temp.t`.
            "TEMP" | "PG_TEMP" if next == Some(b'.') => true,
            _ => (temp && first == "CREATE" && self.count <= 5) || (temp && self.last == "INTO"),
        };
        self.statement.session |= session;
        self.last = upper;
    }

    fn finish(mut self) -> Statement {
        let second = self.statement.words[1].as_deref().unwrap_or("");
        self.statement.session |= match self.statement.words[0].as_deref().unwrap_or("") {
            "SET" => !matches!(second, "LOCAL" | "TRANSACTION" | "CONSTRAINTS"),
            "RESET" | "DISCARD" | "LISTEN" | "UNLISTEN" | "PREPARE" | "DEALLOCATE" | "DECLARE"
            | "LOAD" | "ATTACH" | "DETACH" => true,
            // A `DO` block's body and a procedure's are not read here, and either may change
            // the session (`set_config(.., false)`, `SET ROLE` in `EXECUTE`): counted as if
            // they did, so that the connection is not given to another transaction.
            "DO" | "CALL" => true,
            // `PRAGMA user_version` reads; `PRAGMA foreign_keys = OFF` sets.
            "PRAGMA" => self.assigns || (self.called && !READING_PRAGMAS.contains(&second)),
            _ => false,
        };
        self.statement
    }
}

/// The statements of `sql`, as `dialect` reads it; a statement without words (a lone `;`)
/// is left out.
pub(crate) fn statements(sql: &str, dialect: Dialect) -> Vec<Statement> {
    let pg = dialect == Dialect::Postgres;
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut reading = Reading {
        pg,
        ..Reading::default()
    };
    let mut i = 0;
    let mut after_dot = false;
    while i < b.len() {
        let c = b[i];
        let dot = c == b'.';
        match c {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' && !(pg && b[i] == b'\r') {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => i = after_block_comment(b, i, pg),
            b'\'' => i = after_quoted(b, i, b'\'', false),
            b'"' => i = after_quoted(b, i, b'"', false),
            b'`' if !pg => i = after_quoted(b, i, b'`', false),
            b'[' if !pg => i = after_quoted(b, i, b']', false),
            b'$' if pg => i = after_dollar_quoted(b, i),
            b';' => {
                if reading.blocks.is_empty() && reading.count > 0 {
                    out.push(std::mem::take(&mut reading).finish());
                    reading.pg = pg;
                } else if reading.count == 0 {
                    reading = Reading {
                        pg,
                        ..Reading::default()
                    };
                } else if reading.blocks.last() == Some(&true) {
                    // A statement inside a body ends; the next word starts one.
                    reading.body_start = true;
                }
                i += 1;
            }
            b'=' if reading.statement.words[0].as_deref() == Some("PRAGMA") => {
                reading.assigns = true;
                i += 1;
            }
            b'(' if reading.statement.words[0].as_deref() == Some("PRAGMA") => {
                reading.called = true;
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
                if pg && word.eq_ignore_ascii_case("E") && b.get(i) == Some(&b'\'') {
                    // PostgreSQL's escaped string: `E'it\'s'`.
                    i = after_quoted(b, i, b'\'', true);
                    continue;
                }
                let mut j = i;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                let mut k = j;
                while k < b.len() && (b[k].is_ascii_alphanumeric() || b[k] == b'_') {
                    k += 1;
                }
                let next_word = sql[j..k].to_ascii_uppercase();
                reading.word(word, after_dot, b.get(j).copied(), &next_word);
                after_dot = false;
                continue;
            }
            c if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            _ => i += 1,
        }
        after_dot = dot;
    }
    if reading.count > 0 {
        out.push(reading.finish());
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

/// Past a `/* .. */` comment that opened at `i`; `nested`: comments nest (PostgreSQL).
fn after_block_comment(b: &[u8], i: usize, nested: bool) -> usize {
    let mut depth = 0usize;
    let mut j = i;
    while j < b.len() {
        if b[j] == b'/' && b.get(j + 1) == Some(&b'*') && (nested || depth == 0) {
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

/// What a text of SQL does to the transaction and the connection it runs in, read once.
pub(crate) struct Effects {
    /// The first word of its first statement that controls a transaction (`BEGIN`,
    /// `COMMIT`, .., and PostgreSQL's `PREPARE TRANSACTION`).
    pub control: Option<String>,
    /// A statement changes its connection's session beyond the transaction: `SET` (not `SET
    /// LOCAL`, `SET TRANSACTION`), `set_config(..)`, `RESET`, `DISCARD`, `LISTEN`,
    /// `PREPARE`, `DECLARE` (a cursor `WITH HOLD`), `LOAD`, a session's advisory lock, a
    /// temporary table or view, a `DO` block or a `CALL` (their bodies are not read), or
    /// SQLite's `PRAGMA` that sets, `ATTACH`, `DETACH`.
    pub session: bool,
}

/// The [`Effects`] of `sql`, as `dialect` reads it.
pub(crate) fn effects(sql: &str, dialect: Dialect) -> Effects {
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
    let statements = statements(sql, dialect);
    Effects {
        session: statements.iter().any(|s| s.session),
        control: statements.into_iter().find_map(|s| match s.words {
            [Some(first), _] if CONTROL.contains(&first.as_str()) => Some(first),
            // PostgreSQL's two-phase commit (`PREPARE` alone names a statement).
            [Some(first), Some(second)] if first == "PREPARE" && second == "TRANSACTION" => {
                Some("PREPARE TRANSACTION".to_string())
            }
            _ => None,
        }),
    }
}

#[cfg(test)]
fn transaction_control(sql: &str, dialect: Dialect) -> Option<String> {
    effects(sql, dialect).control
}

#[cfg(test)]
fn changes_session(sql: &str, dialect: Dialect) -> bool {
    effects(sql, dialect).session
}

#[cfg(test)]
mod tests {
    use super::*;

    fn firsts(sql: &str, d: Dialect) -> Vec<String> {
        statements(sql, d)
            .into_iter()
            .filter_map(|s| s.words[0].clone())
            .collect()
    }

    #[test]
    fn words_hidden_by_strings_comments_and_bodies_are_not_statements() {
        let (l, p) = (Dialect::Sqlite, Dialect::Postgres);
        assert_eq!(
            firsts("UPDATE t SET a = 'x; COMMIT'; -- COMMIT\rCOMMIT", p),
            ["UPDATE", "COMMIT"]
        );
        // SQLite ends a line comment at a line feed only.
        assert_eq!(firsts("SELECT 1; -- x\rCOMMIT", l), ["SELECT"]);
        // PostgreSQL nests block comments; SQLite does not.
        assert_eq!(firsts("/* a /* b */ COMMIT */ SELECT 1", p), ["SELECT"]);
        assert_eq!(firsts("/* remove /tmp/* files */ COMMIT", l), ["COMMIT"]);
        assert_eq!(
            firsts("CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE u SET n = CASE WHEN 1 THEN 2 END; INSERT INTO log(start, end) VALUES (NEW.start, NEW.end); END; INSERT INTO t VALUES (1)", l),
            ["CREATE", "INSERT"]
        );
        assert_eq!(
            firsts("CREATE FUNCTION f() RETURNS void AS $body$ BEGIN COMMIT; END $body$ LANGUAGE plpgsql; SELECT $1", p),
            ["CREATE", "SELECT"]
        );
        assert_eq!(
            firsts("CREATE FUNCTION g() RETURNS int BEGIN ATOMIC SELECT p.end FROM periods p; END; SELECT 1", p),
            ["CREATE", "SELECT"]
        );
        // A column named `begin` opens no block, one named `end` closes none.
        assert_eq!(
            firsts("CREATE TABLE shift (id INT, begin TIMESTAMPTZ); COMMIT", p),
            ["CREATE", "COMMIT"]
        );
        assert_eq!(
            firsts("CREATE TRIGGER tr AFTER UPDATE OF begin ON shift FOR EACH ROW EXECUTE FUNCTION f(); COMMIT", p),
            ["CREATE", "COMMIT"]
        );
        assert_eq!(
            firsts("CREATE TRIGGER tr AFTER UPDATE OF begin ON shift BEGIN INSERT INTO hist(begin) SELECT 1 WHERE NEW.begin > end; UPDATE t SET x = CASE WHEN end > 1 THEN 1 END; END -- done\n; COMMIT", l),
            ["CREATE", "COMMIT"]
        );
        assert_eq!(firsts("SELECT E'it\\'s; END'; END", p), ["SELECT", "END"]);
        assert_eq!(
            firsts("SELECT \"a;b\", [c;d], `e;f` FROM t; ;", l),
            ["SELECT"]
        );
        assert_eq!(
            firsts("SELECT ARRAY[';'] ; COMMIT", p),
            ["SELECT", "COMMIT"]
        );
        assert_eq!(firsts("SELECT 1e5", l), ["SELECT"]);
        // A column named `trigger` makes no trigger.
        assert_eq!(
            firsts("CREATE TABLE jobs (trigger TEXT, begin INT); COMMIT", l),
            ["CREATE", "COMMIT"]
        );
        assert_eq!(
            firsts(
                "CREATE TEMP TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END; COMMIT",
                l
            ),
            ["CREATE", "COMMIT"]
        );
    }

    #[test]
    fn session_changes_are_seen() {
        let p = Dialect::Postgres;
        for sql in [
            "SET search_path TO staging",
            "set session time zone 'UTC'",
            "UPDATE t SET a = 1; PRAGMA foreign_keys = OFF",
            "CREATE TEMP TABLE x (a INT)",
            "CREATE OR REPLACE TEMP VIEW v AS SELECT 1",
            "SELECT 1 INTO TEMP t",
            "CREATE TABLE pg_temp.x (a INT)",
            "SELECT set_config('search_path', $1, false)",
            "SELECT pg_advisory_lock(1)",
            "ATTACH 'other.db' AS other",
            "PRAGMA case_sensitive_like(1)",
            "DO $$BEGIN PERFORM set_config('search_path', 'b', false); END$$",
            "do language plpgsql $$ BEGIN EXECUTE 'SET ROLE x'; END $$",
            "CALL app.switch_tenant('b')",
        ] {
            assert!(changes_session(sql, p), "{sql}");
        }
        for sql in [
            "SET LOCAL statement_timeout = 100",
            "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
            "UPDATE t SET a = 1",
            "CREATE TABLE t (a INT)",
            "SELECT 'PRAGMA'",
            "SELECT pg_advisory_xact_lock(1)",
            "PRAGMA user_version",
            "PRAGMA table_info(t)",
            "UPDATE t SET temp = 1",
        ] {
            assert!(!changes_session(sql, p), "{sql}");
        }
    }

    #[test]
    fn transaction_control_is_found_in_any_statement() {
        let d = Dialect::Postgres;
        assert_eq!(
            transaction_control("BEGIN; UPDATE a SET b = 1; COMMIT;", d).as_deref(),
            Some("BEGIN")
        );
        assert_eq!(
            transaction_control("UPDATE a SET b = 1;\n  commit", d).as_deref(),
            Some("COMMIT")
        );
        assert_eq!(transaction_control("-- x\rEND", d).as_deref(), Some("END"));
        assert_eq!(transaction_control("CREATE TABLE t (id INTEGER)", d), None);
        // PostgreSQL's two-phase commit parks the transaction, to be committed by anyone.
        assert_eq!(
            transaction_control("UPDATE a SET b = 1; prepare transaction 'x'", d).as_deref(),
            Some("PREPARE TRANSACTION")
        );
        assert_eq!(transaction_control("PREPARE q AS SELECT 1", d), None);
    }
}
