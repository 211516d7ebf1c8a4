//! The other side of each relationship `colt inspect` writes: the `Set<T>` back on each
//! referenced entity, the `Set` pairs of link tables, and the `reverse` that pairs them where
//! two entities have more than one relationship.

use std::collections::BTreeSet;

use heck::ToSnakeCase;

use super::{ref_target, EntityPlan, FieldPlan, Inspector, CASCADE};
use crate::rust_names::{plural, unique_name};

impl Inspector<'_> {
    /// The `Set<T>` back on each referenced entity.
    pub(super) fn add_reverse_sides(&self, plans: &mut [EntityPlan]) {
        // (target struct, source struct, the Ref field's name)
        let mut backs: Vec<(String, String, String, bool)> = Vec::new();
        for p in plans.iter() {
            for f in &p.fields {
                if let Some(target) = ref_target(&f.ty) {
                    let cascade = f.comment.as_deref() == Some(CASCADE);
                    backs.push((target.to_string(), p.name.clone(), f.name.clone(), cascade));
                }
            }
        }
        // Every relationship between two entities (references either way, link tables):
        // where there is more than one, each side names its partner (`reverse`), or
        // `db.bind` could not pair them.
        let between = |a: &str, b: &str| {
            backs
                .iter()
                .filter(|(t, s, _, _)| (t == a && s == b) || (t == b && s == a))
                .count()
                + self.links_between(a, b)
        };
        let mut named: Vec<(String, String, String)> = Vec::new();
        for (target, source, via, cascade) in &backs {
            let ambiguous = target == source || between(target, source) > 1;
            let Some(plan) = plans.iter_mut().find(|p| &p.name == target) else {
                continue;
            };
            let mut taken: BTreeSet<String> = plan.fields.iter().map(|f| f.name.clone()).collect();
            let plural = plural(&source.to_snake_case());
            let base = if ambiguous {
                format!("{plural}_by_{via}")
            } else {
                plural
            };
            let name = unique_name(base, &mut taken);
            let mut attrs = Vec::new();
            if ambiguous {
                attrs.push(format!("reverse = \"{via}\""));
                // Where the other entity refers to this one too (a reference back, a link
                // table), the reference names its set as well.
                let mutual = backs.iter().any(|(t, s, _, _)| t == source && s == target)
                    || self.links_between(target, source) > 0;
                if target != source && mutual {
                    named.push((source.clone(), via.clone(), name.clone()));
                }
            }
            if *cascade {
                // Deleting the owner deletes its members, as the database's own rule does.
                attrs.push("cascade_delete".to_string());
            }
            plan.fields.push(FieldPlan {
                name,
                column: String::new(),
                sanitized: false,
                ty: format!("Set<{source}>"),
                attrs,
                comment: None,
            });
        }
        // The references name their sets back too: the other entity may refer to this one
        // as well (`dept.manager` beside `emp.dept`), a candidate `reverse` alone leaves.
        for (source, via, set) in named {
            if let Some(f) = plans
                .iter_mut()
                .find(|p| p.name == source)
                .and_then(|p| p.fields.iter_mut().find(|f| f.name == via))
            {
                f.attrs.push(format!("reverse = \"{set}\""));
            }
        }
    }

    /// How many link tables join the entities named `a` and `b`.
    pub(super) fn links_between(&self, a: &str, b: &str) -> usize {
        self.links
            .iter()
            .filter(|l| {
                let [(x, _), (y, _)] = &l.sides;
                let (x, y) = (&self.names[x], &self.names[y]);
                (x == a && y == b) || (x == b && y == a)
            })
            .count()
    }

    /// How many references join the entities named `a` and `b`, either way.
    pub(super) fn references_between(plans: &[EntityPlan], a: &str, b: &str) -> usize {
        plans
            .iter()
            .flat_map(|p| p.fields.iter().map(move |f| (p.name.as_str(), f)))
            .filter(|(owner, f)| {
                ref_target(&f.ty)
                    .is_some_and(|t| (*owner == a && t == b) || (*owner == b && t == a))
            })
            .count()
    }

    pub(super) fn add_links(&self, plans: &mut [EntityPlan]) {
        for link in &self.links {
            let [(a_table, a_column), (b_table, b_column)] = &link.sides;
            let (a, b) = (&self.names[a_table], &self.names[b_table]);
            let ambiguous =
                a == b || self.links_between(a, b) + Self::references_between(plans, a, b) > 1;
            // Each side's name first: with another relationship between the two, each names
            // the other. (A link of an entity with itself puts both sides in one struct.)
            let fields_of = |name: &String| -> BTreeSet<String> {
                plans
                    .iter()
                    .find(|p| &p.name == name)
                    .map(|p| p.fields.iter().map(|f| f.name.clone()).collect())
                    .unwrap_or_default()
            };
            let mut taken = fields_of(a);
            let first = unique_name(plural(&b.to_snake_case()), &mut taken);
            if a != b {
                taken = fields_of(b);
            }
            let second = unique_name(plural(&a.to_snake_case()), &mut taken);
            let names = [first, second];
            for (side, (owner, this_column, other_column, says)) in [
                (a, a_column, b_column, true),
                (b, b_column, a_column, false),
            ]
            .into_iter()
            .enumerate()
            {
                let other = if side == 0 { b } else { a };
                let Some(plan) = plans.iter_mut().find(|p| &p.name == owner) else {
                    continue;
                };
                let name = names[side].clone();
                let mut attrs = if says {
                    vec![
                        format!("table = {:?}", link.table.name),
                        format!("column = {this_column:?}"),
                        format!("reverse_column = {other_column:?}"),
                    ]
                } else {
                    Vec::new()
                };
                if ambiguous {
                    attrs.push(format!("reverse = \"{}\"", names[1 - side]));
                }
                plan.fields.push(FieldPlan {
                    name,
                    column: String::new(),
                    sanitized: false,
                    ty: format!("Set<{other}>"),
                    attrs,
                    comment: None,
                });
            }
        }
        for plan in plans.iter_mut() {
            self.choose_names(plan);
        }
    }
}
