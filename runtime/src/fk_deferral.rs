//! SQLite's deferrable foreign keys, read from the SQL that made their table: its catalogue
//! (`pragma_foreign_key_list`) gives every clause of a foreign key but `DEFERRABLE`.

use crate::introspect::ForeignKeyInfo;
use crate::sql_tokens::{lexed, Lexed};

/// Gives each of `fks` (a table's, from its catalogue) the `deferral` its clause in
/// `create` (the table's `CREATE TABLE`) declares: `DEFERRABLE INITIALLY DEFERRED`, or
/// `DEFERRABLE INITIALLY IMMEDIATE` for a bare `DEFERRABLE`. A clause is matched to a
/// foreign key by its columns, the table it names and the columns it refers to (none when
/// the clause names none: `fks` as the catalogue gives them, before those are filled in),
/// case aside.
pub(crate) fn sqlite_deferrals(create: &str, fks: &mut [ForeignKeyInfo]) {
    let same = |a: &[String], b: &[String]| {
        a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.eq_ignore_ascii_case(b))
    };
    for clause in clauses(&lexed(create)) {
        let found = fks.iter_mut().find(|fk| {
            fk.table.eq_ignore_ascii_case(&clause.table)
                && same(&fk.columns, &clause.columns)
                && same(&fk.referenced, &clause.referenced)
        });
        if let Some(fk) = found {
            fk.deferral = clause.deferral;
        }
    }
}

/// A deferrable foreign key clause of a `CREATE TABLE`.
struct Clause {
    columns: Vec<String>,
    table: String,
    /// The columns it names after the table (none: the table's primary key).
    referenced: Vec<String>,
    deferral: String,
}

/// The foreign key clauses of a `CREATE TABLE` that are deferrable.
fn clauses(tokens: &[Lexed]) -> Vec<Clause> {
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
fn clause(def: &[Lexed]) -> Option<Clause> {
    let at = def.iter().position(|t| word(t, "REFERENCES"))?;
    let table = name(def.get(at + 1)?)?;
    let mut after = &def[at + 2..];
    let mut referenced = Vec::new();
    if after.first() == Some(&Lexed::Punct('(')) {
        let close = after.iter().position(|t| *t == Lexed::Punct(')'))?;
        referenced = after[1..close].iter().filter_map(name).collect();
        after = &after[close + 1..];
    }
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
    Some(Clause {
        columns,
        table,
        referenced,
        deferral: deferral.to_string(),
    })
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

    fn fk(columns: &[&str], table: &str, referenced: &[&str]) -> ForeignKeyInfo {
        ForeignKeyInfo {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            table: table.to_string(),
            referenced: referenced.iter().map(|c| c.to_string()).collect(),
            ..ForeignKeyInfo::default()
        }
    }

    #[test]
    fn deferrals_of_column_and_table_clauses() {
        let mut fks = vec![
            fk(&["owner_id"], "owner", &["id"]),
            fk(&["a", "b"], "pair", &["x", "y"]),
            fk(&["plain"], "owner", &[]),
            fk(&["not_deferrable"], "owner", &[]),
            fk(&["Quoted Col"], "Other Table", &["x"]),
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

    /// Two foreign keys of one column to one table, the deferrable one declared first
    /// (SQLite's catalogue lists them last first): the clause goes to the one it names.
    #[test]
    fn the_referenced_columns_tell_two_foreign_keys_of_a_column_apart() {
        let mut fks = vec![fk(&["a"], "t", &["z"]), fk(&["a"], "t", &["y"])];
        sqlite_deferrals(
            "CREATE TABLE item (id BIGINT PRIMARY KEY, \
             a BIGINT REFERENCES t (y) DEFERRABLE INITIALLY DEFERRED, \
             FOREIGN KEY (a) REFERENCES t (z))",
            &mut fks,
        );
        let deferrals: Vec<&str> = fks.iter().map(|f| f.deferral.as_str()).collect();
        assert_eq!(deferrals, ["", "DEFERRABLE INITIALLY DEFERRED"]);
    }
}
