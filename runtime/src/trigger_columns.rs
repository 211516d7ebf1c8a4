//! The columns a database's triggers set, read from their SQL: `colt inspect` marks them
//! `#[colt(volatile)]` (the database changes them on its own, as Sakila's `last_update`).
//!
//! Two forms are found: an `UPDATE table SET a = .., b = ..` in a trigger's body (SQLite's
//! triggers, and PostgreSQL's trigger functions), and PostgreSQL's assignment to the row
//! being written, `NEW.a := ..` (or `NEW.a = ..` as a statement of its own). A column named
//! elsewhere (a comparison `IF NEW.a = OLD.a`, a string) is not one.

use crate::sql_tokens::{lexed, Lexed as Tok};

/// Whether tokens `at` and `at + 1` are `:=`.
fn assign_at(t: &[Tok], at: usize) -> bool {
    t.get(at) == Some(&Tok::Punct(':')) && t.get(at + 1) == Some(&Tok::Punct('='))
}

fn name(t: &Tok) -> Option<&str> {
    match t {
        Tok::Quoted(n) | Tok::Word(n) => Some(n),
        _ => None,
    }
}

fn is_word(t: Option<&Tok>, w: &str) -> bool {
    matches!(t, Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w))
}

/// The (table, column) pairs the SQL of a trigger (or of a trigger function) on `table`
/// sets, in order, each once.
pub(crate) fn columns_set(table: &str, sql: &str) -> Vec<(String, String)> {
    let t = lexed(sql);
    let mut out: Vec<(String, String)> = Vec::new();
    let mut push = |table: &str, column: &str| {
        let pair = (table.to_string(), column.to_string());
        if !out.contains(&pair) {
            out.push(pair);
        }
    };
    let mut i = 0;
    while i < t.len() {
        // `UPDATE [OR action] [schema.]table SET ..`
        if is_word(t.get(i), "UPDATE") {
            let mut j = i + 1;
            if is_word(t.get(j), "OR") {
                j += 2;
            }
            if is_word(t.get(j), "ONLY") {
                j += 1;
            }
            let mut target = t.get(j).and_then(name).map(str::to_string);
            if t.get(j + 1) == Some(&Tok::Punct('.')) {
                target = t.get(j + 2).and_then(name).map(str::to_string);
                j += 2;
            }
            if let (Some(target), true) = (target, is_word(t.get(j + 1), "SET")) {
                j += 2;
                j = assignments(&t, j, |column| push(&target, column));
            }
            i = j.max(i + 1);
            continue;
        }
        // `NEW.column :=`, or `NEW.column =` where a statement starts.
        if is_word(t.get(i), "NEW") && t.get(i + 1) == Some(&Tok::Punct('.')) {
            let starts = i == 0
                || matches!(t.get(i - 1), Some(Tok::Punct(';')))
                || ["BEGIN", "THEN", "ELSE", "LOOP"]
                    .iter()
                    .any(|w| is_word(t.get(i - 1), w));
            let assigns =
                assign_at(&t, i + 3) || (starts && t.get(i + 3) == Some(&Tok::Punct('=')));
            if let (true, Some(column)) = (assigns, t.get(i + 2).and_then(name)) {
                push(table, column);
            }
        }
        i += 1;
    }
    out
}

/// Reads `a = .., (b, c) = (..)` from `at`, handing each column set to `each`; returns
/// where the assignments end.
fn assignments(t: &[Tok], mut at: usize, mut each: impl FnMut(&str)) -> usize {
    loop {
        // The columns set: one, or a list in parentheses.
        match t.get(at) {
            Some(Tok::Punct('(')) => {
                at += 1;
                while let Some(tok) = t.get(at) {
                    at += 1;
                    match tok {
                        Tok::Punct(')') => break,
                        Tok::Punct(',') => {}
                        other => {
                            if let Some(n) = name(other) {
                                each(n);
                            }
                        }
                    }
                }
            }
            Some(tok) => {
                let Some(n) = name(tok) else {
                    return at;
                };
                each(n);
                at += 1;
            }
            None => return at,
        }
        if t.get(at) != Some(&Tok::Punct('=')) {
            return at;
        }
        at += 1;
        // The value, up to a comma outside parentheses and `CASE .. END` (the next
        // assignment) or the end of the clause.
        let mut depth = 0usize;
        loop {
            match t.get(at) {
                None => return at,
                Some(Tok::Punct('(')) => depth += 1,
                Some(tok @ Tok::Word(_)) if is_word(Some(tok), "CASE") => depth += 1,
                Some(tok @ Tok::Word(_)) if depth > 0 && is_word(Some(tok), "END") => depth -= 1,
                Some(Tok::Punct(')')) if depth > 0 => depth -= 1,
                Some(Tok::Punct(')')) => return at,
                Some(Tok::Punct(',')) if depth == 0 => {
                    at += 1;
                    break;
                }
                Some(Tok::Punct(';')) if depth == 0 => return at,
                Some(tok @ Tok::Word(_))
                    if depth == 0
                        && ["WHERE", "FROM", "RETURNING", "END", "ORDER", "LIMIT"]
                            .iter()
                            .any(|w| is_word(Some(tok), w)) =>
                {
                    return at
                }
                _ => {}
            }
            at += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::columns_set;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn sqlite_updates_in_a_trigger() {
        let sql = "CREATE TRIGGER actor_trigger_au AFTER UPDATE ON actor FOR EACH ROW BEGIN
            UPDATE actor SET last_update = DATETIME('NOW', 'localtime') WHERE rowid = new.rowid;
            UPDATE OR IGNORE \"Order Stats\" SET (n, total) = (SELECT count(*), sum(x) FROM o), \
            seen = coalesce(seen, 0) + 1 WHERE id = 1;
            UPDATE actor SET size = CASE WHEN x > 1 THEN 'big' ELSE 'small' END, touched = 1;
          END";
        assert_eq!(
            columns_set("actor", sql),
            pairs(&[
                ("actor", "last_update"),
                ("Order Stats", "n"),
                ("Order Stats", "total"),
                ("Order Stats", "seen"),
                ("actor", "size"),
                ("actor", "touched")
            ])
        );
    }

    #[test]
    fn postgres_assignments_to_new() {
        let body = "BEGIN
            IF NEW.version = OLD.version THEN NEW.version := NEW.version + 1; END IF;
            NEW.stamp = now();
            UPDATE public.totals SET n = n + 1 WHERE id = NEW.id;
            RETURN NEW; END";
        assert_eq!(
            columns_set("item", body),
            pairs(&[("item", "version"), ("item", "stamp"), ("totals", "n")])
        );
        // A comparison alone sets nothing; a string is no name.
        assert!(columns_set(
            "item",
            "BEGIN IF NEW.a = 1 THEN RAISE 'NEW.b := 2'; END IF; END"
        )
        .is_empty());
    }
}
