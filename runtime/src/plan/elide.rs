//! Joins read only for the key they reach are not joined: `p.category.id` is the reference
//! column `p.category` itself (PonyORM does the same). The join `category.id = p.category`
//! gives back exactly the column it joins on: for an optional reference a `LEFT JOIN` gives
//! NULL where the column is NULL, and for a required one the foreign key guarantees the row.

use super::{Join, Node, Plan, ProjItem};

impl Node {
    /// Calls `f` on this node and every node inside it (sub-query arguments included).
    fn for_each_mut(&mut self, f: &mut impl FnMut(&mut Node)) {
        f(self);
        self.for_each_child_mut(|c| c.for_each_mut(f));
    }
}

impl Plan {
    /// Every node of the plan.
    pub(crate) fn for_each_node_mut(&mut self, f: &mut impl FnMut(&mut Node)) {
        for n in &mut self.filters {
            n.for_each_mut(f);
        }
        for n in self.scope_filters.iter_mut().flatten() {
            n.for_each_mut(f);
        }
        for item in &mut self.projection {
            if let ProjItem::Expr(n) = item {
                n.for_each_mut(f);
            }
        }
        for (_, _, n) in &mut self.assignments {
            n.for_each_mut(f);
        }
        for o in &mut self.order {
            o.node.for_each_mut(f);
        }
    }

    /// Marks the navigation joins read only for their key as `elided` and reads the parent's
    /// reference column instead. Runs after every build of a plan (a refinement may read more
    /// of a table its base plan elided, so the marks are worked out again each time).
    pub(crate) fn elide_key_joins(&mut self) {
        for s in &mut self.sources {
            s.elided = false;
        }
        // Children first: `p.a.b.id` elides `b`, then `a` if `b.id` was all it gave.
        for j in (0..self.sources.len()).rev() {
            let src = &self.sources[j];
            let Some(join @ Join { via: None, .. }) = src.join else {
                continue;
            };
            let first_of_scope = self.sources.iter().position(|s| s.scope == src.scope) == Some(j);
            if src.variable
                || first_of_scope
                || src.entity.primary_key != [join.column as usize]
                || self.is_needed(j as u16, join.column)
            {
                continue;
            }
            let (from, key) = (j as u16, join.column);
            self.for_each_node_mut(&mut |n| {
                if let Node::Column { source, column } = n {
                    if *source == from && *column == key {
                        *source = join.parent;
                        *column = join.parent_column;
                    }
                }
            });
            self.sources[j].elided = true;
        }
    }

    /// The scopes some statement renders: the query's own and those its nodes name. (The
    /// others are templates: the tables of a collection path, copied for each use.)
    fn rendered_scopes(&mut self) -> Vec<bool> {
        let mut live = vec![false; self.scope_filters.len().max(1)];
        let mut mark = |s: u16| {
            let s = s as usize;
            if live.len() <= s {
                live.resize(s + 1, false);
            }
            live[s] = true;
        };
        mark(0);
        self.for_each_node_mut(&mut |n| match n {
            Node::SubAgg(s, ..) | Node::Exists(s, ..) | Node::InSub(_, s, _) => mark(*s),
            _ => {}
        });
        live
    }

    /// Whether source `j` is read for more than column `key`, or other tables join to it.
    fn is_needed(&mut self, j: u16, key: u16) -> bool {
        let live = self.rendered_scopes();
        if self
            .sources
            .iter()
            .filter(|s| live.get(s.scope as usize).copied().unwrap_or(false))
            .any(|s| !s.elided && s.join.is_some_and(|p| p.parent == j))
            || self.projection.contains(&ProjItem::Entity(j))
        {
            return true;
        }
        let mut needed = false;
        self.for_each_node_mut(&mut |n| match n {
            Node::Column { source, column } if *source == j && *column != key => needed = true,
            Node::CountEntity(s) if *s == j => needed = true,
            _ => {}
        });
        needed
    }
}
