//! The columns the database's triggers set are `volatile` in what `colt inspect` writes.

use colt_runtime::introspect::Catalog;

use super::EntityPlan;

/// Marks `volatile` the columns the database's triggers set (Sakila's `last_update`): the
/// object reads them back after each write, and no optimistic check counts them (else a
/// second write of an object meets the trigger's value as a conflict).
pub(super) fn mark_trigger_columns(plans: &mut [EntityPlan], catalog: &Catalog) {
    for plan in plans.iter_mut() {
        for field in plan.fields.iter_mut().filter(|f| !f.column.is_empty()) {
            // (As SQLite compares names: without case.)
            let set = catalog.trigger_columns.iter().any(|(t, c)| {
                t.eq_ignore_ascii_case(&plan.table) && c.eq_ignore_ascii_case(&field.column)
            });
            if set && !field.attrs.iter().any(|a| a == "volatile") {
                field.attrs.push("volatile".to_string());
                field.comment.get_or_insert_with(|| {
                    "set by a trigger: read back after each write, and left out of the optimistic check".to_string()
                });
            }
        }
    }
}
