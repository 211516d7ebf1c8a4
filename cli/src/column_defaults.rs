//! A column's SQL `DEFAULT` as a Rust literal for `#[colt(default = ..)]`, when it is a plain
//! constant of the field's type: an integer, a float, a boolean, a string. PostgreSQL's
//! catalogue spells one with a cast (`'active'::text`, `'-1'::integer`); SQLite as written
//! (`'active'`, `(0)`). Anything else (`CURRENT_TIMESTAMP`, `now()`, a sequence) is `None`.

/// The Rust literal of `default` (SQL text) for a field of Rust type `ty` (`i64`,
/// `String`, ..), suffixed so that it has that type.
pub(crate) fn literal(default: &str, ty: &str) -> Option<String> {
    let mut s = default.trim();
    while let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        s = inner.trim();
    }
    // `'x'::text`, `'-1'::integer`, `0::bigint`: the value before the cast.
    if let Some(at) = s.rfind("::") {
        let (value, cast) = (&s[..at], &s[at + 2..]);
        if !cast.contains('\'') {
            s = value.trim();
        }
    }
    let quoted = match s.strip_prefix(['E', 'e']) {
        // An escape string (PostgreSQL writes a text with a backslash so while its
        // `standard_conforming_strings` is off).
        Some(escaped) => escaped
            .strip_prefix('\'')
            .and_then(|r| r.strip_suffix('\''))
            .and_then(unescape),
        None => s
            .strip_prefix('\'')
            .and_then(|r| r.strip_suffix('\''))
            .filter(|inner| !inner.replace("''", "").contains('\''))
            .map(|inner| inner.replace("''", "'")),
    };
    let bare = quoted.clone().unwrap_or_else(|| s.to_string());
    match ty {
        "i64" | "i32" | "i16" => {
            let n: i64 = bare.trim().parse().ok()?;
            let fits = match ty {
                "i32" => i32::try_from(n).is_ok(),
                "i16" => i16::try_from(n).is_ok(),
                _ => true,
            };
            fits.then(|| format!("{n}{ty}"))
        }
        "f64" | "f32" => {
            let v: f64 = bare.trim().parse().ok()?;
            (v.is_finite() && !bare.contains(['i', 'I', 'n', 'N'])).then(|| format!("{v:?}{ty}"))
        }
        "bool" => match bare.trim().to_ascii_lowercase().as_str() {
            "true" | "t" | "1" => Some("true".into()),
            "false" | "f" | "0" => Some("false".into()),
            _ => None,
        },
        "String" => quoted.map(|text| format!("{text:?}")),
        _ => None,
    }
}

/// The text of an escape string's inside (`C:\\new`, `it\'s`, `it''s`); `None` for an
/// escape other than a backslash or a quote (`\n`, `\x41`), or a lone quote.
fn unescape(inner: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                e @ ('\\' | '\'') => out.push(e),
                _ => return None,
            },
            '\'' => {
                if chars.next()? != '\'' {
                    return None;
                }
                out.push('\'');
            }
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::literal;

    #[test]
    fn plain_constants_become_literals() {
        assert_eq!(literal("'active'", "String").as_deref(), Some("\"active\""));
        assert_eq!(
            literal("'it''s'::text", "String").as_deref(),
            Some("\"it's\"")
        );
        assert_eq!(
            literal("'a'::character varying", "String").as_deref(),
            Some("\"a\"")
        );
        assert_eq!(literal("(0)", "i64").as_deref(), Some("0i64"));
        assert_eq!(literal("'-1'::integer", "i32").as_deref(), Some("-1i32"));
        assert_eq!(literal("70000", "i16"), None);
        assert_eq!(literal("0.5", "f64").as_deref(), Some("0.5f64"));
        assert_eq!(literal("1", "f32").as_deref(), Some("1.0f32"));
        assert_eq!(literal("TRUE", "bool").as_deref(), Some("true"));
        assert_eq!(literal("0", "bool").as_deref(), Some("false"));
        assert_eq!(literal("CURRENT_TIMESTAMP", "String"), None);
        assert_eq!(literal("now()", "String"), None);
        assert_eq!(literal("'x' || 'y'", "String"), None);
        assert_eq!(literal("nextval('s'::regclass)", "i64"), None);
        assert_eq!(literal("'NaN'::double precision", "f64"), None);
        assert_eq!(literal("'2026-01-01'", "chrono::NaiveDate"), None);
    }

    /// PostgreSQL with `standard_conforming_strings` off spells a text with a backslash as
    /// an escape string: its default was lost (taken for an expression).
    #[test]
    fn escape_strings_are_read() {
        assert_eq!(
            literal("E'C:\\\\new'::text", "String").as_deref(),
            Some("\"C:\\\\new\"")
        );
        assert_eq!(
            literal("E'it\\'s'::text", "String").as_deref(),
            Some("\"it's\"")
        );
        assert_eq!(literal("E'a\\nb'::text", "String"), None);
        // Standard strings keep their backslashes.
        assert_eq!(
            literal("'C:\\new'::text", "String").as_deref(),
            Some("\"C:\\\\new\"")
        );
    }
}
