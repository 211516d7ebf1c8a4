//! Sub-query scopes: which sub-query each aggregate, `exists`, `is_empty` and membership test
//! reads, worked out when a plan is finished (the builder only records what each one is
//! about, its anchor).
//!
//! Scope 0 is the query itself. A sub-comprehension (`exists(x for x in Student if ..)`) is
//! a scope with variables of its own; every test on it reads that scope. A collection path
//! (`b.records`, `b.records.songs`) opens a scope with no variables, shared by every handle
//! of the path: a template. Each use of a template gets a copy holding only the tables it
//! reads and the joins leading to them, so `count(b.records)` beside
//! `count(b.records.songs)` counts records, not records joined to songs. Templates are never
//! rendered.

use super::{Join, Node, Plan, Problem, Source, UNRESOLVED};
use crate::entity::EntityMeta;

/// The scope of a source (0 for an unknown one).
pub(crate) fn scope_of(sources: &[Source], source: u16) -> u16 {
    sources.get(source as usize).map_or(0, |s| s.scope)
}

/// The innermost sub-query scope (the highest number) the columns of `node` read, outside
/// nested sub-queries; `None` when they all belong to the query itself. `filters` are the
/// sub-queries' conditions, by scope.
pub(crate) fn scope_of_node(sources: &[Source], filters: &[Vec<Node>], node: &Node) -> Option<u16> {
    let mut best: Option<u16> = None;
    Tables::new(sources, filters).visit(node, &mut |source| {
        let s = scope_of(sources, source);
        if s > 0 && best.is_none_or(|b| s > b) {
            best = Some(s);
        }
    });
    best
}

/// Whether every table `node` reads (outside nested sub-queries, and those the sub-queries it
/// holds are correlated to) is `source`'s: a condition on that row alone.
pub(crate) fn reads_only(
    sources: &[Source],
    filters: &[Vec<Node>],
    node: &Node,
    source: u16,
) -> bool {
    let mut only = true;
    Tables::new(sources, filters).visit(node, &mut |s| only &= s == source);
    only
}

/// The plan's tables and sub-query conditions, for finding what a node reads.
struct Tables<'a> {
    sources: &'a [Source],
    filters: &'a [Vec<Node>],
    /// The sub-queries whose conditions are being visited (a condition that uses its own
    /// sub-query is refused later, by `check_sub_query_cycles`, and must not loop here).
    inside: Vec<u16>,
}

impl<'a> Tables<'a> {
    fn new(sources: &'a [Source], filters: &'a [Vec<Node>]) -> Self {
        Tables {
            sources,
            filters,
            inside: Vec::new(),
        }
    }

    /// Calls `f` with every source whose columns or objects `node` reads, outside nested
    /// sub-queries: an unresolved one's anchor and arguments say what it reads; a resolved
    /// one (its scope known) reads its own tables, so only the tables outside it that it is
    /// joined to or whose columns its conditions read count (`sum(count(i.labels))` reads
    /// `i`, as `sum(i.price)` does, not the labels of the inner count; `sum(count(r for r in
    /// Review if r.item == i) for i in s.items)` reads `i` through the count's condition).
    fn visit(&mut self, node: &Node, f: &mut dyn FnMut(u16)) {
        match node {
            Node::Column { source, .. } | Node::CountEntity(source) => f(*source),
            Node::SubAgg(scope, _, arg, _) => {
                if let Some(arg) = arg {
                    self.outside(*scope, arg, f);
                }
                self.correlated(*scope, f);
            }
            Node::Exists(scope, anchor, _) if *scope != UNRESOLVED => {
                self.outside(*scope, anchor, f);
                self.correlated(*scope, f);
            }
            Node::InSub(value, scope, anchor) if *scope != UNRESOLVED => {
                self.visit(value, f);
                self.outside(*scope, anchor, f);
                self.correlated(*scope, f);
            }
            _ => node.for_each_child(|c| self.visit(c, f)),
        }
    }

    /// The sources `node`, inside sub-query `scope`, reads outside that scope.
    fn outside(&mut self, scope: u16, node: &Node, f: &mut dyn FnMut(u16)) {
        let sources = self.sources;
        self.visit(node, &mut |s| {
            if scope_of(sources, s) != scope {
                f(s);
            }
        });
    }

    /// The sources outside sub-query `scope` that its tables are joined to (a collection's
    /// owner: `i` for `i.labels`) or that its conditions read.
    fn correlated(&mut self, scope: u16, f: &mut dyn FnMut(u16)) {
        let sources = self.sources;
        for s in sources.iter().filter(|s| s.scope == scope) {
            if let Some(j) = s.join {
                if scope_of(sources, j.parent) != scope {
                    f(j.parent);
                }
            }
        }
        if self.inside.contains(&scope) {
            return;
        }
        self.inside.push(scope);
        let filters = self.filters;
        for c in filters.get(scope as usize).into_iter().flatten() {
            self.outside(scope, c, f);
        }
        self.inside.pop();
    }
}

/// Points the columns of `node` at the copies `map` names.
fn remap(node: &mut Node, map: &[Option<u16>]) {
    match node {
        Node::Column { source, .. } | Node::CountEntity(source) => {
            if let Some(Some(new)) = map.get(*source as usize) {
                *source = *new;
            }
        }
        _ => node.for_each_child_mut(|c| remap(c, map)),
    }
}

/// Whether `scope` is the template of a collection path (no variables of its own).
pub(crate) fn is_template(sources: &[Source], scope: u16) -> bool {
    scope > 0 && !sources.iter().any(|s| s.scope == scope && s.variable)
}

/// The longest alias Colt makes, in bytes: PostgreSQL keeps the first 63 bytes of a name,
/// so two longer aliases that share those (a long variable's `v` and `v_orders`) would name
/// one table, and a sub-query's correlation would compare a row with itself, silently.
/// With room for a `_n` suffix.
const LONGEST_ALIAS: usize = 48;

/// A SQL alias not used yet, `wanted` itself when free (cut to [`LONGEST_ALIAS`] bytes at a
/// character's boundary first).
pub(crate) fn unique_alias(sources: &[Source], wanted: &str) -> String {
    let mut end = wanted.len().min(LONGEST_ALIAS);
    while !wanted.is_char_boundary(end) {
        end -= 1;
    }
    let wanted = &wanted[..end];
    let mut name = wanted.to_string();
    let mut n = 1;
    while sources.iter().any(|s| s.alias == name) {
        n += 1;
        name = format!("{wanted}_{n}");
    }
    name
}

/// Adds a table to `sources`; returns its number.
pub(crate) fn push(
    sources: &mut Vec<Source>,
    entity: &'static EntityMeta,
    alias: &str,
    join: Option<Join>,
    variable: bool,
    scope: u16,
) -> u16 {
    let alias = unique_alias(sources, alias);
    sources.push(Source {
        entity,
        alias,
        join,
        variable,
        scope,
        elided: false,
    });
    (sources.len() - 1) as u16
}

/// Copies the tables of template `scope` marked in `wanted`, with the tables their joins
/// lead through, into scope `into`, in order; returns where each copied table went.
pub(crate) fn copy_into(
    sources: &mut Vec<Source>,
    scope: u16,
    mut wanted: Vec<bool>,
    into: u16,
) -> Vec<Option<u16>> {
    wanted.resize(sources.len(), false);
    for i in (0..sources.len()).rev() {
        if !wanted[i] {
            continue;
        }
        if let Some(j) = sources[i].join {
            if sources
                .get(j.parent as usize)
                .is_some_and(|p| p.scope == scope)
            {
                wanted[j.parent as usize] = true;
            }
        }
    }
    let mut map: Vec<Option<u16>> = vec![None; sources.len()];
    for i in 0..wanted.len() {
        if !wanted[i] {
            continue;
        }
        let src = sources[i].clone();
        let join = src.join.map(|j| Join {
            parent: map[j.parent as usize].unwrap_or(j.parent),
            ..j
        });
        map[i] = Some(push(sources, src.entity, &src.alias, join, false, into));
    }
    map
}

impl Plan {
    /// A new sub-query scope.
    fn new_scope(&mut self) -> u16 {
        self.scopes += 1;
        self.scopes
    }

    /// The scope a sub-query over `node` reads (its tables live in `scope`), with `node`
    /// pointed at it: `scope` itself for a sub-comprehension, a copy for a template.
    fn own_scope(&mut self, scope: u16, node: &mut Node) -> u16 {
        if !is_template(&self.sources, scope) {
            return scope;
        }
        let mut wanted = vec![false; self.sources.len()];
        let sources = &self.sources;
        Tables::new(sources, &self.scope_filters).visit(node, &mut |s| {
            if sources.get(s as usize).is_some_and(|x| x.scope == scope) {
                wanted[s as usize] = true;
            }
        });
        let fresh = self.new_scope();
        let map = copy_into(&mut self.sources, scope, wanted, fresh);
        remap(node, &map);
        fresh
    }

    /// Gives every sub-query node its scope: an aggregate or object count whose argument
    /// lives in a sub-query becomes a correlated sub-query (`SubAgg`), and `exists`,
    /// `is_empty` and membership tests read the scope of their anchor. Each use of a
    /// collection path gets a copy of its own (see the module doc).
    pub(crate) fn resolve_sub_queries(&mut self) {
        // The sub-queries' conditions first, the innermost (the last made) first: what reads
        // a sub-query finds the tables its conditions read (see `Tables::correlated`).
        for k in (0..self.scope_filters.len()).rev() {
            let mut conditions = std::mem::take(&mut self.scope_filters[k]);
            for n in &mut conditions {
                self.resolve(n);
            }
            self.scope_filters[k] = conditions;
        }
        let mut filters = std::mem::take(&mut self.filters);
        let mut projection = std::mem::take(&mut self.projection);
        let mut order = std::mem::take(&mut self.order);
        let mut assignments = std::mem::take(&mut self.assignments);
        for n in &mut filters {
            self.resolve(n);
        }
        for p in &mut projection {
            if let super::ProjItem::Expr(n) = p {
                self.resolve(n);
            }
        }
        for o in &mut order {
            self.resolve(&mut o.node);
        }
        for (_, _, n) in &mut assignments {
            self.resolve(n);
        }
        self.filters = filters;
        self.projection = projection;
        self.order = order;
        self.assignments = assignments;
    }

    fn resolve(&mut self, node: &mut Node) {
        // A resolved sub-query is left as it is (a refinement finishes its base's nodes again).
        if matches!(node, Node::SubAgg(..))
            || matches!(node, Node::Exists(s, ..) | Node::InSub(_, s, _) if *s != UNRESOLVED)
        {
            if let Node::InSub(value, ..) = node {
                self.resolve(value);
            }
            return;
        }
        node.for_each_child_mut(|c| self.resolve(c));
        let found = |plan: &Plan, n: &Node| scope_of_node(&plan.sources, &plan.scope_filters, n);
        let replacement = match node {
            Node::Agg(f, Some(arg), ty) => match found(self, arg) {
                Some(scope) => {
                    let scope = self.own_scope(scope, arg);
                    Some(Node::SubAgg(scope, *f, Some(arg.clone()), *ty))
                }
                None => None,
            },
            Node::CountEntity(source) => match scope_of(&self.sources, *source) {
                0 => None,
                scope => {
                    let mut counted = Node::CountEntity(*source);
                    let scope = self.own_scope(scope, &mut counted);
                    Some(Node::SubAgg(
                        scope,
                        super::AggFn::Count,
                        Some(Box::new(counted)),
                        None,
                    ))
                }
            },
            Node::Exists(scope, anchor, _) | Node::InSub(_, scope, anchor) => {
                match found(self, anchor) {
                    Some(s) => *scope = self.own_scope(s, anchor),
                    None => self.problems.push(Problem::Query(
                        "`exists`, `is_empty` and `.contains` of a sub-query need a collection (`c.orders`) or a sub-comprehension (`o for o in c.orders if ..`)".to_string(),
                    )),
                }
                None
            }
            _ => None,
        };
        if let Some(r) = replacement {
            *node = r;
        }
    }

    /// Reports a collection's values used as one value (`c.products.name == "x"`) outside
    /// an aggregate, `exists`, `is_empty` or a membership test.
    pub(crate) fn check_single_valued(&mut self) {
        let mut bad = false;
        let sources = &self.sources;
        let mut check = |n: &Node, scope: u16| {
            bad |= reads_inner_scope(sources, n, scope);
        };
        for n in &self.filters {
            check(n, 0);
        }
        for (k, filters) in self.scope_filters.iter().enumerate() {
            for n in filters {
                check(n, k as u16);
            }
        }
        for p in &self.projection {
            if let super::ProjItem::Expr(n) = p {
                check(n, 0);
            }
        }
        for o in &self.order {
            check(&o.node, 0);
        }
        for (_, _, n) in &self.assignments {
            check(n, 0);
        }
        if bad {
            self.problems.push(Problem::Query(
                "a collection (`c.products.name`) is used as a single value: aggregate it (`count`, `sum`, `min`, `max`, `avg`), test it (`exists`, `.is_empty()`, `.contains(..)`), or range over it (`for p in c.products`)".to_string(),
            ));
        }
    }
}

/// Whether `node` reads a table of a scope inside `scope` outside a sub-query.
fn reads_inner_scope(sources: &[Source], node: &Node, scope: u16) -> bool {
    let mut found = false;
    node.for_each_column_outside_sub_queries(&mut |source| {
        found |= scope_of(sources, source) > scope;
    });
    found
}
