//! Cycles of required references in what `colt inspect` writes: one reference of each is an
//! `Option<Ref<..>>`, as `db.bind` asks.

use std::collections::BTreeSet;

use heck::ToSnakeCase;

use super::{ref_target, EntityPlan};

/// Makes one reference of each cycle of required references an `Option<Ref<..>>` (Sakila's
/// stores and staff refer to each other, both NOT NULL): `db.bind` refuses such a cycle, no
/// row of which could be inserted first, and `check_tables` takes the `Option` on the NOT
/// NULL column. The reference chosen is one not named after its target (`manager_staff`
/// rather than `store`), where there is one.
pub(super) fn break_required_cycles(plans: &mut [EntityPlan]) {
    const NOTE: &str = "NOT NULL in the database; an `Option` here: it closes a cycle of required references, whose rows could not be inserted one before the other";
    let mut made: Vec<(usize, usize)> = Vec::new();
    // (At most one change per reference: the loop ends.)
    for _ in 0..plans.iter().map(|p| p.fields.len()).sum::<usize>() {
        let Some(cycle) = required_cycle(plans) else {
            break;
        };
        let named_after = |(p, f): &(usize, usize)| {
            let field = &plans[*p].fields[*f];
            ref_target(&field.ty).is_some_and(|t| t.to_snake_case() == field.name)
        };
        let Some(&(p, f)) = cycle
            .iter()
            .find(|edge| !named_after(edge))
            .or(cycle.first())
        else {
            return;
        };
        let field = &mut plans[p].fields[f];
        field.ty = format!("Option<{}>", field.ty);
        field.comment.get_or_insert_with(|| NOTE.to_string());
        made.push((p, f));
    }
    // Cycles that share a reference: an `Option` a later one made may break an earlier one
    // too, and the earlier `Option` is then not needed (one per set of cycles, where one
    // does).
    for &(p, f) in made.iter().rev() {
        let field = &mut plans[p].fields[f];
        let Some(plain) = field
            .ty
            .strip_prefix("Option<")
            .and_then(|t| t.strip_suffix('>'))
            .map(str::to_string)
        else {
            continue;
        };
        let optional = std::mem::replace(&mut field.ty, plain);
        if required_cycle(plans).is_some() {
            plans[p].fields[f].ty = optional;
        } else if plans[p].fields[f].comment.as_deref() == Some(NOTE) {
            plans[p].fields[f].comment = None;
        }
    }
}

/// A cycle of required references between entities, as (entity, field) positions.
fn required_cycle(plans: &[EntityPlan]) -> Option<Vec<(usize, usize)>> {
    fn visit(
        plans: &[EntityPlan],
        at: usize,
        path: &mut Vec<(usize, usize)>,
        on_path: &mut Vec<usize>,
        done: &mut BTreeSet<usize>,
    ) -> Option<Vec<(usize, usize)>> {
        if let Some(start) = on_path.iter().position(|&e| e == at) {
            return Some(path[start..].to_vec());
        }
        if done.contains(&at) {
            return None;
        }
        on_path.push(at);
        for (f, field) in plans[at].fields.iter().enumerate() {
            let Some(target) = field
                .ty
                .strip_prefix("Ref<")
                .and_then(|t| t.strip_suffix('>'))
            else {
                continue;
            };
            let Some(next) = plans.iter().position(|p| p.name == target) else {
                continue;
            };
            if next == at {
                continue;
            }
            path.push((at, f));
            if let Some(cycle) = visit(plans, next, path, on_path, done) {
                return Some(cycle);
            }
            path.pop();
        }
        on_path.pop();
        done.insert(at);
        None
    }
    let mut done = BTreeSet::new();
    (0..plans.len()).find_map(|e| visit(plans, e, &mut Vec::new(), &mut Vec::new(), &mut done))
}
