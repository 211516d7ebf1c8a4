//! What a grouped query's orderings, `HAVING` conditions and values mixing an aggregate
//! read of the values it selects (its group keys).
//!
//! A grouped query groups by the values it selects without an aggregate. An ordering (or
//! condition, or value beside an aggregate) that reads one of those values must read it as
//! the key, spelled as the key is: else the database (PostgreSQL) and Colt's own check
//! (`check.rs`) see an attribute that is neither grouped nor aggregated. Two spellings of one
//! value can differ in two ways:
//! - a selected `bool` test is selected as `COALESCE(t, FALSE)` (`selected_tests.rs`), and
//!   read as `t` in a condition;
//! - a literal written twice in a call site (`s.quantity % 2` selected and ordered by) is
//!   two parameters that hold one value ([`Plan::same_params`], told by the macro; not an
//!   outer variable: two alike may be two bindings a `macro_rules!` keeps apart).
//!
//! Each such reading becomes the key itself (not inside an aggregate: there it reads each
//! row, not the group's key).

use std::borrow::Cow;

use super::{Node, Plan, ProjItem};
use crate::value::Value;

impl Plan {
    /// In an aggregated query, every ordering, condition with an aggregate (`HAVING`) and
    /// selected value with an aggregate that reads a selected value reads the group key it
    /// is selected as.
    pub(super) fn selected_values_as_keys(&mut self) {
        if !self.is_aggregated() {
            return;
        }
        let same = self.same_params.clone();
        // Each key as it may be spelled elsewhere, and the key. (Without parameters that hold
        // one value, a key is spelled only as itself; a selected test `COALESCE(t, FALSE)`
        // is read as `t` too.)
        let mut keys: Vec<(Node, Node)> = Vec::new();
        for p in &self.projection {
            let ProjItem::Expr(key) = p else { continue };
            if key.has_aggregate() {
                continue;
            }
            if !same.is_empty() {
                keys.push((same_spelling(key, &same).into_owned(), key.clone()));
            }
            if let Some(test) = key.test_of_null_as_false() {
                // (An ordering by the test is `COALESCE(t, FALSE)` too: the key itself.)
                if same.is_empty() {
                    keys.push((key.clone(), key.clone()));
                }
                keys.push((same_spelling(test, &same).into_owned(), key.clone()));
            }
        }
        if keys.is_empty() {
            return;
        }
        // The parameters of each reading replaced: the plan may read them no more.
        let mut replaced = Vec::new();
        let mut as_key = |n: &mut Node| as_key(n, &keys, &same, &mut replaced);
        for o in &mut self.order {
            as_key(&mut o.node);
        }
        for f in self.filters.iter_mut().filter(|f| f.has_aggregate()) {
            as_key(f);
        }
        for p in &mut self.projection {
            if let ProjItem::Expr(e) = p {
                if e.has_aggregate() {
                    as_key(e);
                }
            }
        }
        replaced.sort_unstable();
        replaced.dedup();
        replaced.retain(|&p| !self.reads_param(p));
        self.renumber_without(&replaced);
        self.unread_params = replaced;
    }

    /// Whether a node of the plan reads parameter `p`.
    fn reads_param(&mut self, p: usize) -> bool {
        let mut found = false;
        self.for_each_node_mut(&mut |n| {
            found |=
                matches!(n, Node::Param(i) | Node::ParamF32(i) | Node::InList(_, i, ..) if *i == p);
        });
        found
    }

    /// Takes the values of the parameters the plan does not read ([`Plan::unread_params`])
    /// out of a run's.
    #[inline]
    pub(crate) fn drop_unread_params(&self, params: &mut Vec<Value>) {
        for &p in self.unread_params.iter().rev() {
            if p < params.len() {
                params.remove(p);
            }
        }
    }
}

/// Makes `n` the key it spells, if it spells one, or each of its parts that does (not inside
/// an aggregate); the parameters of each part replaced go to `replaced`.
fn as_key(n: &mut Node, keys: &[(Node, Node)], same: &[(usize, usize)], replaced: &mut Vec<usize>) {
    let spelled = same_spelling(n, same);
    if let Some((_, key)) = keys.iter().find(|(s, _)| *s == *spelled) {
        if *n != *key {
            params_of(n, replaced);
            *n = key.clone();
        }
        return;
    }
    if !matches!(n, Node::Agg(..) | Node::SubAgg(..)) {
        n.for_each_child_mut(|c| as_key(c, keys, same, replaced));
    }
}

/// The plain parameters `n` reads.
fn params_of(n: &Node, out: &mut Vec<usize>) {
    match n {
        Node::Param(i) | Node::ParamF32(i) => out.push(*i),
        _ => n.for_each_child(|c| params_of(c, out)),
    }
}

/// `n` with each parameter that holds the value of an earlier one (`same`: `(later,
/// earlier)`) numbered as that one: two spellings of one value are then equal.
fn same_spelling<'a>(n: &'a Node, same: &[(usize, usize)]) -> Cow<'a, Node> {
    if same.is_empty() {
        return Cow::Borrowed(n);
    }
    let mut n = n.clone();
    renumber(&mut n, same);
    Cow::Owned(n)
}

fn renumber(n: &mut Node, same: &[(usize, usize)]) {
    match n {
        Node::Param(i) | Node::ParamF32(i) => {
            if let Some(&(_, earlier)) = same.iter().find(|(later, _)| later == i) {
                *i = earlier;
            }
        }
        _ => n.for_each_child_mut(|c| renumber(c, same)),
    }
}
