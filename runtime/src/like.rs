//! SQL's `LIKE`, as PostgreSQL has it: case-sensitive, `%` any run of characters, `_` one
//! character, `\` escaping the next one (SQLite's own `LIKE` ignores ASCII case, so Colt
//! gives SQLite this one as `colt_like`), and the check of a pattern both backends make
//! before a statement runs (a pattern ending in a lone `\`).

/// Why a pattern is not one.
#[cfg(feature = "sqlite")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadPattern;

#[cfg(feature = "sqlite")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Any,
    One,
    Char(char),
}

#[cfg(feature = "sqlite")]
fn tokens(pattern: &str) -> Result<Vec<Token>, BadPattern> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '%' => Token::Any,
            '_' => Token::One,
            // PostgreSQL refuses a pattern that ends with the escape character.
            '\\' => Token::Char(chars.next().ok_or(BadPattern)?),
            c => Token::Char(c),
        });
    }
    Ok(out)
}

/// The error of a pattern ending in a lone `\` (the same on both backends).
pub(crate) const BAD_PATTERN: &str =
    "a `like` pattern ends with a lone `\\` (write `\\\\` for a backslash itself)";

/// `pattern` as a `like` pattern: [`crate::Error::InvalidQuery`] if it ends with a lone
/// `\` (an odd run of backslashes at its end).
pub(crate) fn check_pattern(pattern: &str) -> crate::Result<()> {
    let escapes = pattern.bytes().rev().take_while(|&b| b == b'\\').count();
    if escapes % 2 == 1 {
        return Err(crate::Error::InvalidQuery(BAD_PATTERN.to_string()));
    }
    Ok(())
}

/// Whether `text` matches `pattern`.
#[cfg(feature = "sqlite")]
pub(crate) fn like(text: &str, pattern: &str) -> Result<bool, BadPattern> {
    let p = tokens(pattern)?;
    let t: Vec<char> = text.chars().collect();
    // Greedy with one backtrack point (the last `%`): linear for most patterns.
    let (mut ti, mut pi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(Token::Any) => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(Token::One) => {
                ti += 1;
                pi += 1;
            }
            Some(Token::Char(c)) if *c == t[ti] => {
                ti += 1;
                pi += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return Ok(false),
            },
        }
    }
    Ok(p[pi..].iter().all(|t| *t == Token::Any))
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use super::*;

    #[test]
    fn like_is_sqls() {
        let m = |t: &str, p: &str| like(t, p).unwrap();
        assert!(m("Hello", "H%"));
        assert!(!m("hello", "H%"));
        assert!(m("Hello", "H_llo"));
        assert!(!m("Hllo", "H_llo"));
        assert!(m("ab%c", "ab\\%c"));
        assert!(!m("abxc", "ab\\%c"));
        assert!(m("a_b", "a\\_b"));
        assert!(m("", "%"));
        assert!(!m("", "_"));
        assert!(m("ünï", "_n_"));
        assert!(m("aXbXc", "%X%c"));
        assert!(m("mississippi", "%iss%pi"));
        assert!(!m("mississippi", "%iss%pix"));
        assert!(m("abc", "abc"));
        assert!(!m("abcd", "abc"));
        assert!(m("a\\b", "a\\\\b"));
        assert_eq!(like("x", "x\\"), Err(BadPattern));
    }
}
