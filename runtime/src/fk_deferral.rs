//! SQLite's deferrable foreign keys, read from the SQL that made their table: its catalogue
//! (`pragma_foreign_key_list`) gives every clause of a foreign key but `DEFERRABLE`.

use crate::introspect::ForeignKeyInfo;
use crate::sql_tokens::{lexed, Lexed};

/// Gives each of `fks` (a table's, from its catalogue) the `deferral` its clause in
/// `create` (the table's `CREATE TABLE`) declares: `DEFERRABLE INITIALLY DEFERRED`, or
/// `DEFERRABLE INITIALLY IMMEDIATE` for a bare `DEFERRABLE`. A clause is matched to a
/// foreign key by its columns and the table it names (case aside).
pub(crate) fn sqlite_deferrals(create: &str, fks: &mut [ForeignKeyInfo]) {
    for (columns, table, deferral) in clauses(&lexed(create)) {
        let found = fks.iter_mut().find(|fk| {
            fk.table.eq_ignore_ascii_case(&table)
                && fk.columns.len() == columns.len()
                && fk
                    .columns
                    .iter()
                    .zip(&columns)
                    .all(|(a, b)| a.eq_ignore_ascii_case(b))
        });
        if let Some(fk) = found {
            fk.deferral = deferral;
        }
    }
}

/// The foreign key clauses of a `CREATE TABLE` that are deferrable: their columns, the
/// table they name, and their deferral.
fn clauses(tokens: &[Lexed]) -> Vec<(Vec<String>, String, String)> {
    let mut out = Vec::new();
    // The definitions: the tokens between the first `(` and its `)`, split at commas
    // outside parentheses.
    let Some(open) = tokens.iter().position(|t| *t == Lexed::Punct('(')) else {
        return out;
    };
    let mut depth = 0usize;
    let mut start = open + 1;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t {
            Lexed::Punct('(') => depth += 1,
            Lexed::Punct(')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    out.extend(clause(&tokens[start..i]));
                    break;
                }
            }
            Lexed::Punct(',') if depth == 1 => {
                out.extend(clause(&tokens[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    out
}

/// The deferrable foreign key of one definition (a column's `REFERENCES`, or a table
/// constraint's `FOREIGN KEY (..) REFERENCES`), if it holds one.
fn clause(def: &[Lexed]) -> Option<(Vec<String>, String, String)> {
    let at = def.iter().position(|t| word(t, "REFERENCES"))?;
    let table = name(def.get(at + 1)?)?;
    let after = &def[at + 2..];
    let deferrable = after.iter().position(|t| word(t, "DEFERRABLE"))?;
    if deferrable > 0 && word(&after[deferrable - 1], "NOT") {
        return None;
    }
    let deferred = after[deferrable..]
        .windows(2)
        .any(|w| word(&w[0], "INITIALLY") && word(&w[1], "DEFERRED"));
    // (A table constraint may be named first: `CONSTRAINT fk FOREIGN KEY (..)`.)
    let columns = match def.iter().position(|t| word(t, "FOREIGN")) {
        Some(f) if f < at => def[f..at].iter().filter_map(name).skip(2).collect(),
        _ => vec![name(def.first()?)?],
    };
    let deferral = if deferred {
        "DEFERRABLE INITIALLY DEFERRED"
    } else {
        "DEFERRABLE INITIALLY IMMEDIATE"
    };
    Some((columns, table, deferral.to_string()))
}

fn word(t: &Lexed, w: &str) -> bool {
    matches!(t, Lexed::Word(x) if x.eq_ignore_ascii_case(w))
}

/// A name, bare or quoted.
fn name(t: &Lexed) -> Option<String> {
    match t {
        Lexed::Word(w) | Lexed::Quoted(w) => Some(w.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fk(columns: &[&str], table: &str) -> ForeignKeyInfo {
        ForeignKeyInfo {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            table: table.to_string(),
            ..ForeignKeyInfo::default()
        }
    }

    #[test]
    fn deferrals_of_column_and_table_clauses() {
        let mut fks = vec![
            fk(&["owner_id"], "owner"),
            fk(&["a", "b"], "pair"),
            fk(&["plain"], "owner"),
            fk(&["not_deferrable"], "owner"),
            fk(&["Quoted Col"], "Other Table"),
        ];
        sqlite_deferrals(
            "CREATE TABLE item (id INTEGER PRIMARY KEY, \
             owner_id INTEGER REFERENCES owner (id) ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED NOT NULL, \
             a INT, b INT, plain INT REFERENCES Owner, \
             not_deferrable INT REFERENCES owner NOT DEFERRABLE INITIALLY DEFERRED, \
             \"Quoted Col\" INT REFERENCES [Other Table] (x) DEFERRABLE, \
             CONSTRAINT two FOREIGN KEY (A, B) REFERENCES \"pair\" (x, y) DEFERRABLE INITIALLY DEFERRED, \
             CHECK (a > 0))",
            &mut fks,
        );
        let deferrals: Vec<&str> = fks.iter().map(|f| f.deferral.as_str()).collect();
        assert_eq!(
            deferrals,
            [
                "DEFERRABLE INITIALLY DEFERRED",
                "DEFERRABLE INITIALLY DEFERRED",
                "",
                "",
                "DEFERRABLE INITIALLY IMMEDIATE",
            ]
        );
    }
}
