//! The names an entity's tables and columns take.
//!
//! - A struct's table is its name in `snake_case` ([`snake_case`]: `OrderLine` →
//!   `order_line`), or in the convention `#[colt(rename_all = "..")]` names
//!   ([`RenameRule`]), unless `#[colt(table = "..")]` names it.
//! - A field's column is its name, or in that convention, unless `#[colt(column = "..")]`
//!   names it.

use heck::{
    ToKebabCase, ToLowerCamelCase, ToShoutyKebabCase, ToShoutySnakeCase, ToSnakeCase,
    ToUpperCamelCase,
};

/// A case convention of `rename_all`, by serde's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenameRule {
    /// `lowercase`: the letters in lower case, nothing else changed.
    Lower,
    /// `UPPERCASE`: the letters in upper case, nothing else changed.
    Upper,
    /// `PascalCase`
    Pascal,
    /// `camelCase`
    Camel,
    /// `snake_case`
    Snake,
    /// `SCREAMING_SNAKE_CASE`
    ScreamingSnake,
    /// `kebab-case`
    Kebab,
    /// `SCREAMING-KEBAB-CASE`
    ScreamingKebab,
}

/// The conventions by their serde names.
pub const RULES: &[(&str, RenameRule)] = &[
    ("lowercase", RenameRule::Lower),
    ("UPPERCASE", RenameRule::Upper),
    ("PascalCase", RenameRule::Pascal),
    ("camelCase", RenameRule::Camel),
    ("snake_case", RenameRule::Snake),
    ("SCREAMING_SNAKE_CASE", RenameRule::ScreamingSnake),
    ("kebab-case", RenameRule::Kebab),
    ("SCREAMING-KEBAB-CASE", RenameRule::ScreamingKebab),
];

impl RenameRule {
    /// The convention named `name` (serde's spelling), if any.
    pub fn from_name(name: &str) -> Option<RenameRule> {
        RULES.iter().find(|(n, _)| *n == name).map(|(_, r)| *r)
    }

    /// The convention's serde name.
    pub fn name(self) -> &'static str {
        RULES
            .iter()
            .find(|(_, r)| *r == self)
            .map_or("snake_case", |(n, _)| n)
    }

    /// `name` (a type or field name) in this convention. `lowercase` and `UPPERCASE` change
    /// only the letters' case, as serde's do (`invoice_line` stays split, `InvoiceLine`
    /// becomes `invoiceline`).
    pub fn apply(self, name: &str) -> String {
        match self {
            RenameRule::Lower => name.to_lowercase(),
            RenameRule::Upper => name.to_uppercase(),
            RenameRule::Pascal => name.to_upper_camel_case(),
            RenameRule::Camel => name.to_lower_camel_case(),
            RenameRule::Snake => name.to_snake_case(),
            RenameRule::ScreamingSnake => name.to_shouty_snake_case(),
            RenameRule::Kebab => name.to_kebab_case(),
            RenameRule::ScreamingKebab => name.to_shouty_kebab_case(),
        }
    }
}

/// `snake_case` of a type name: `OrderLine` → `order_line`, `HTTPRequest` → `http_request`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if i > 0 && (prev_lower || (next_lower && chars[i - 1].is_uppercase())) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The table of struct `name` under `rename_all` (without `table = ".."`).
pub fn default_table(name: &str, rename_all: Option<RenameRule>) -> String {
    rename_all.map_or_else(|| snake_case(name), |r| r.apply(name))
}

/// The column of field `name` under `rename_all` (without `column = ".."`).
pub fn default_column(name: &str, rename_all: Option<RenameRule>) -> String {
    match rename_all {
        Some(rule) => rule.apply(name),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_of_type_names() {
        assert_eq!(snake_case("Product"), "product");
        assert_eq!(snake_case("OrderLine"), "order_line");
        assert_eq!(snake_case("HTTPRequest"), "http_request");
        assert_eq!(snake_case("Item2Tag"), "item2_tag");
    }

    #[test]
    fn type_and_field_names_in_each_convention() {
        let cases = [
            ("PascalCase", "InvoiceLine", "InvoiceLine"),
            ("PascalCase", "invoice_line_id", "InvoiceLineId"),
            ("PascalCase", "address2", "Address2"),
            ("camelCase", "invoice_line_id", "invoiceLineId"),
            ("snake_case", "InvoiceLine", "invoice_line"),
            ("SCREAMING_SNAKE_CASE", "unit_price", "UNIT_PRICE"),
            ("kebab-case", "unit_price", "unit-price"),
            ("lowercase", "InvoiceLine", "invoiceline"),
            ("UPPERCASE", "unit_price", "UNIT_PRICE"),
        ];
        for (rule, name, want) in cases {
            let rule = RenameRule::from_name(rule).expect("a known convention");
            assert_eq!(rule.apply(name), want);
            assert_eq!(RenameRule::from_name(rule.name()), Some(rule));
        }
        assert!(RenameRule::from_name("Pascal").is_none());
        assert_eq!(default_table("OrderLine", None), "order_line");
        assert_eq!(
            default_table("OrderLine", Some(RenameRule::Pascal)),
            "OrderLine"
        );
        assert_eq!(default_column("unit_price", None), "unit_price");
        assert_eq!(
            default_column("unit_price", Some(RenameRule::Pascal)),
            "UnitPrice"
        );
    }
}
