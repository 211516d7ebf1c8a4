//! The words and quoted names of an SQL text, for the checks that read a schema's own SQL
//! (a table's conflict clauses, the names a trigger or a view uses): string literals and
//! comments are left out, a quoted name is one token whatever it holds.

/// One token of an SQL text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlToken {
    /// A word (a keyword or a bare name), as written.
    Word(String),
    /// A quoted name (`"Order Details"`, `` `x` ``, `[x]`), its doubled quotes undone.
    Quoted(String),
}

/// The tokens of `sql`, in order, as SQLite reads names (PostgreSQL's are a subset).
pub fn sql_tokens(sql: &str) -> Vec<SqlToken> {
    lexed(sql)
        .into_iter()
        .filter_map(|t| match t {
            Lexed::Word(w) => Some(SqlToken::Word(w)),
            Lexed::Quoted(q) => Some(SqlToken::Quoted(q)),
            Lexed::Text | Lexed::Punct(_) => None,
        })
        .collect()
}

/// A token of SQL with its punctuation: what a reader of statements needs beyond names
/// (`trigger_columns` reads assignments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lexed {
    /// A word (a keyword or a bare name), as written.
    Word(String),
    /// A quoted name, its doubled quotes undone.
    Quoted(String),
    /// A string literal (its text is no name).
    Text,
    /// Any other character but a space.
    Punct(char),
}

/// The tokens of `sql` with its punctuation; comments are none.
pub(crate) fn lexed(sql: &str) -> Vec<Lexed> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut chars = sql.chars().peekable();
    let flush = |word: &mut String, out: &mut Vec<Lexed>| {
        if !word.is_empty() {
            out.push(Lexed::Word(std::mem::take(word)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' | '`' | '[' | '\'' => {
                flush(&mut word, &mut out);
                let close = if c == '[' { ']' } else { c };
                let mut quoted = String::new();
                while let Some(d) = chars.next() {
                    if d == close {
                        // A doubled quote is the quote itself (not in `[..]`).
                        if close != ']' && chars.peek() == Some(&close) {
                            chars.next();
                            quoted.push(d);
                            continue;
                        }
                        break;
                    }
                    quoted.push(d);
                }
                out.push(if c == '\'' {
                    Lexed::Text
                } else {
                    Lexed::Quoted(quoted)
                });
            }
            '-' if chars.peek() == Some(&'-') => {
                flush(&mut word, &mut out);
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                flush(&mut word, &mut out);
                chars.next();
                let mut last = ' ';
                for d in chars.by_ref() {
                    if last == '*' && d == '/' {
                        break;
                    }
                    last = d;
                }
            }
            c if c.is_alphanumeric() || c == '_' || c == '$' => word.push(c),
            c if c.is_whitespace() => flush(&mut word, &mut out),
            c => {
                flush(&mut word, &mut out);
                out.push(Lexed::Punct(c));
            }
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::{sql_tokens, SqlToken};

    #[test]
    fn literals_and_comments_are_no_tokens() {
        let t = sql_tokens(
            "CREATE TABLE \"a \"\"b\"\"\" (x TEXT DEFAULT 'on conflict' -- c d\n, [e f] /* g */ INT)",
        );
        let w = |s: &str| SqlToken::Word(s.to_string());
        let q = |s: &str| SqlToken::Quoted(s.to_string());
        assert_eq!(
            t,
            [
                w("CREATE"),
                w("TABLE"),
                q("a \"b\""),
                w("x"),
                w("TEXT"),
                w("DEFAULT"),
                q("e f"),
                w("INT")
            ]
        );
    }
}
