//! `#[colt(rename_all = "..")]` read from a literal (the rules themselves are in `naming`): the table and column names of an entity, or the stored names
//! of an enum's variants, in one case convention, with serde's names for the conventions (so
//! `PascalCase` maps a database whose tables and columns are `InvoiceLine` and
//! `InvoiceLineId`). Words are split by `heck`, from a type name (`InvoiceLine`) or a field
//! name (`invoice_line_id`) alike.

use crate::diag::{closest, Errors};
use crate::{RenameRule, RULES};

/// The convention a `rename_all = ".."` literal names, or an error on the literal with the
/// closest name and the list.
pub fn rule_of(lit: &syn::LitStr, errors: &mut Errors) -> Option<RenameRule> {
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
