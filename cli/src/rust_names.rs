//! The Rust names `colt inspect` gives tables and columns: identifiers, not keywords, not
//! a name the generated code uses, unique within their scope.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Names a struct may not take (they would shadow what the generated code uses).
pub(crate) const RESERVED_TYPES: &[&str] = &[
    "Set",
    "Ref",
    "Obj",
    "Option",
    "String",
    "Vec",
    "Box",
    "Self",
    "Database",
    "Error",
    "Result",
    "Transaction",
    "Query",
    "Dialect",
    "Entity",
    "Value",
    "Schema",
    "Prefetch",
    "Decimal",
    "Uuid",
    "NaiveDate",
    "NaiveTime",
    "NaiveDateTime",
    "DateTime",
    "Utc",
];

/// The Rust keywords a field may not be named.
pub(crate) const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
    "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// A struct name for a table: `UpperCamelCase`, an identifier, not one the code uses.
pub(crate) fn type_name(table: &str) -> String {
    let mut name = identifier(&table.to_upper_camel_case());
    // `_` alone (a name of non-ASCII letters) is no type name.
    if name.starts_with(|c: char| c.is_ascii_digit()) || name.chars().all(|c| c == '_') {
        name = format!("T{name}");
    }
    if RESERVED_TYPES.contains(&name.as_str()) {
        name.push_str("Row");
    }
    name
}

/// A field name for a column: `snake_case`, an identifier, not a keyword.
pub(crate) fn field_name(column: &str) -> String {
    let mut name = identifier(&column.to_snake_case());
    // `_` alone (a name of non-ASCII letters) is no field name.
    if name.chars().all(|c| c == '_') || name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("c_{name}");
    }
    // A keyword, or the name of a method every object has (`is_deleted`; the derive refuses
    // such a field).
    if KEYWORDS.contains(&name.as_str()) || name == "is_deleted" {
        name.push('_');
    }
    name
}

/// Only ASCII letters, digits and `_`.
fn identifier(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

pub(crate) fn unique_name(base: String, taken: &mut BTreeSet<String>) -> String {
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

/// A plain English plural, for a collection's field (`invoice` → `invoices`); a word that
/// already reads as a plural (a table named `Products`, `Territories`, `Menus`) is kept as
/// it is.
pub(crate) fn plural(word: &str) -> String {
    // Singulars that end in `s` as plurals do, and plurals that end as singulars do.
    const SINGULAR_IN_S: &[&str] = &["alias", "atlas", "bias", "canvas", "gas", "lens"];
    const PLURAL_AS_IT_IS: &[&str] = &["menus", "gurus", "emus", "haikus", "tutus", "news"];
    let last = word.rsplit('_').next().unwrap_or(word);
    if PLURAL_AS_IT_IS.contains(&last) {
        return word.to_string();
    }
    if let Some(stem) = word.strip_suffix("is") {
        // `analysis` → `analyses`.
        format!("{stem}es")
    } else if SINGULAR_IN_S.contains(&last)
        || word.ends_with("ss")
        || word.ends_with("us")
        || word.ends_with('x')
        || word.ends_with('z')
        || word.ends_with("ch")
        || word.ends_with("sh")
    {
        format!("{word}es")
    } else if word.ends_with('s') {
        word.to_string()
    } else if let Some(stem) = word
        .strip_suffix('y')
        .filter(|s| !s.ends_with(['a', 'e', 'i', 'o', 'u']))
    {
        format!("{stem}ies")
    } else {
        format!("{word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(type_name("artist"), "Artist");
        assert_eq!(type_name("Artist"), "Artist");
        assert_eq!(type_name("invoice_line"), "InvoiceLine");
        assert_eq!(type_name("media types"), "MediaTypes");
        assert_eq!(type_name("set"), "SetRow");
        assert_eq!(type_name("2fa"), "T2fa");
        assert_eq!(field_name("ArtistId"), "artist_id");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("Unit Price"), "unit_price");
        assert_eq!(field_name("1st"), "c_1st");
        // Names of non-ASCII letters only: `_` alone is no name.
        assert_eq!(field_name("é"), "c__");
        assert_eq!(type_name("é"), "T_");
        assert_eq!(plural("invoice"), "invoices");
        assert_eq!(plural("address"), "addresses");
        assert_eq!(plural("category"), "categories");
        assert_eq!(plural("day"), "days");
        // Already plural (Northwind's tables): kept.
        assert_eq!(plural("products"), "products");
        assert_eq!(plural("territories"), "territories");
        assert_eq!(plural("customer_demographics"), "customer_demographics");
        assert_eq!(plural("status"), "statuses");
        assert_eq!(plural("analysis"), "analyses");
        assert_eq!(plural("menus"), "menus");
        assert_eq!(plural("lunch_menus"), "lunch_menus");
        assert_eq!(plural("alias"), "aliases");
        assert_eq!(plural("user_alias"), "user_aliases");
        assert_eq!(plural("areas"), "areas");
        let mut taken = BTreeSet::new();
        assert_eq!(unique_name("a".into(), &mut taken), "a");
        assert_eq!(unique_name("a".into(), &mut taken), "a2");
    }
}
