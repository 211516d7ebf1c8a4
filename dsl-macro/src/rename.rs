//! `#[colt(rename_all = "..")]`: the table and column names of an entity, or the stored names
//! of an enum's variants, in one case convention, with serde's names for the conventions (so
//! `PascalCase` maps a database whose tables and columns are `InvoiceLine` and
//! `InvoiceLineId`). Words are split by `heck`, from a type name (`InvoiceLine`) or a field
//! name (`invoice_line_id`) alike.

use crate::diag::{closest, Errors};
use heck::{
    ToKebabCase, ToLowerCamelCase, ToShoutyKebabCase, ToShoutySnakeCase, ToSnakeCase,
    ToUpperCamelCase,
};

/// A case convention.
#[derive(Clone, Copy)]
pub(crate) enum RenameRule {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

/// The conventions by their serde names.
pub(crate) const RULES: &[(&str, RenameRule)] = &[
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
    pub(crate) fn from_name(name: &str) -> Option<RenameRule> {
        RULES.iter().find(|(n, _)| *n == name).map(|(_, r)| *r)
    }

    /// `name` (a type or field name) in this convention. `lowercase` and `UPPERCASE` change
    /// only the letters' case, as serde's do (`invoice_line` stays split, `InvoiceLine`
    /// becomes `invoiceline`).
    pub(crate) fn apply(self, name: &str) -> String {
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

/// The convention a `rename_all = ".."` literal names, or an error on the literal with the
/// closest name and the list.
pub(crate) fn rule_of(lit: &syn::LitStr, errors: &mut Errors) -> Option<RenameRule> {
    let name = lit.value();
    let rule = RenameRule::from_name(&name);
    if rule.is_none() {
        let names: Vec<&str> = RULES.iter().map(|(n, _)| *n).collect();
        let hint = closest(&name, &names)
            .map(|c| format!("did you mean `{c}`? "))
            .unwrap_or_default();
        let list = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        errors.at(
            lit,
            format!("unknown case convention `{name}`: {hint}(expected one of {list}, as serde names them)"),
        );
    }
    rule
}

#[cfg(test)]
mod tests {
    use super::RenameRule;

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
        }
        assert!(RenameRule::from_name("Pascal").is_none());
    }
}
