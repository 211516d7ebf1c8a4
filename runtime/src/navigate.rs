//! Column handles that navigate relationships inside `select!`: `p.category.name` joins
//! `category` (once, however often the path is used), `for o in c.orders` ranges over a
//! collection.
//!
//! While a call site builds its plan, the tables it reaches live in a thread-local arena, so
//! that a plain field access on a handle (`p.category` followed by `.name`) can add the join.

use std::cell::{OnceCell, RefCell};
use std::ops::Deref;

use crate::entity::{Entity, EntityMeta};
use crate::expr::{EntityColumns, Expr, IntoExpr};
use crate::pairing::{partner, Partner};
use crate::plan::{Join, JoinKind, Node, Problem, Source};
use crate::relation::{Ref, RelationMeta};

thread_local! {
    /// The sources of the plan being built on this thread (a stack: builds may nest).
    static ARENA: RefCell<Vec<Vec<Source>>> = const { RefCell::new(Vec::new()) };
    /// How many sub-query scopes the plan being built has (a stack, as `ARENA`).
    static SCOPES: RefCell<Vec<u16>> = const { RefCell::new(Vec::new()) };
    /// Problems found while building (a relationship without its other side).
    static PROBLEMS: RefCell<Vec<Problem>> = const { RefCell::new(Vec::new()) };
}

/// Starts collecting the sources of a plan (with the sources it already has).
pub(crate) fn begin(sources: Vec<Source>) {
    let scopes = sources.iter().map(|s| s.scope).max().unwrap_or(0);
    ARENA.with(|a| a.borrow_mut().push(sources));
    SCOPES.with(|s| s.borrow_mut().push(scopes));
}

/// Stops collecting and returns the sources and any problems found.
pub(crate) fn finish() -> (Vec<Source>, Vec<Problem>) {
    SCOPES.with(|s| s.borrow_mut().pop());
    let sources = ARENA.with(|a| a.borrow_mut().pop()).unwrap_or_default();
    let problems = PROBLEMS.with(|p| std::mem::take(&mut *p.borrow_mut()));
    (sources, problems)
}

/// Keeps a join table's names for the life of the program (plans are `'static` data);
/// each distinct table is kept once.
fn intern_link(link: crate::relation::LinkTable) -> &'static crate::relation::LinkTable {
    use std::sync::Mutex;
    static LINKS: Mutex<Vec<&'static crate::relation::LinkTable>> = Mutex::new(Vec::new());
    let mut links = LINKS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(l) = links.iter().find(|l| ***l == link) {
        return l;
    }
    let leaked: &'static crate::relation::LinkTable = Box::leak(Box::new(link));
    links.push(leaked);
    leaked
}

pub(crate) fn problem(problem: Problem) {
    PROBLEMS.with(|p| p.borrow_mut().push(problem));
}

fn alias_of(source: u16) -> String {
    ARENA.with(|a| {
        a.borrow()
            .last()
            .and_then(|s| s.get(source as usize))
            .map_or_else(|| "t".to_string(), |s| s.alias.clone())
    })
}

fn unique_alias(sources: &[Source], wanted: &str) -> String {
    let mut name = wanted.to_string();
    let mut n = 1;
    while sources.iter().any(|s| s.alias == name) {
        n += 1;
        name = format!("{wanted}_{n}");
    }
    name
}

/// A new sub-query scope.
pub(crate) fn new_scope() -> u16 {
    SCOPES.with(|s| match s.borrow_mut().last_mut() {
        Some(n) => {
            *n += 1;
            *n
        }
        None => 0,
    })
}

/// Whether a source is a query variable (a generator's), not a table reached by a path.
fn is_variable(source: u16) -> bool {
    ARENA.with(|a| {
        a.borrow()
            .last()
            .and_then(|s| s.get(source as usize))
            .is_some_and(|s| s.variable)
    })
}

/// The scope of a source (0 when unknown).
pub(crate) fn scope_of(source: u16) -> u16 {
    ARENA.with(|a| {
        a.borrow()
            .last()
            .and_then(|s| s.get(source as usize))
            .map_or(0, |s| s.scope)
    })
}

/// The innermost sub-query scope a node's columns belong to, if any.
pub(crate) fn scope_of_node(node: &Node) -> Option<u16> {
    fn walk(n: &Node, best: &mut Option<u16>) {
        match n {
            Node::Column { source, .. } | Node::CountEntity(source) => {
                let s = scope_of(*source);
                if s > 0 && best.is_none_or(|b| s > b) {
                    *best = Some(s);
                }
            }
            Node::Binary(_, a, b) | Node::NullSafeEq(a, b, _) | Node::Text(_, a, b) => {
                walk(a, best);
                walk(b, best);
            }
            Node::Not(a)
            | Node::Neg(a)
            | Node::IsNull(a, _)
            | Node::TextFn(_, a)
            | Node::InList(a, ..) => walk(a, best),
            Node::Agg(_, Some(a), _) => walk(a, best),
            _ => {}
        }
    }
    let mut best = None;
    walk(node, &mut best);
    best
}

/// The scope an aggregate, `exists`, `is_empty` or membership test over `node` (whose
/// columns live in sub-query `scope`) reads, with `node` rewritten to read it.
///
/// A sub-comprehension's scope (it has variables) is the sub-comprehension itself. A scope
/// opened by a collection path (`b.records`, `b.records.songs`) is shared by every use of the
/// path's handles, so each use gets a copy of its own holding only the tables `node` reads
/// and the joins that lead to them: `count(b.records)` beside `count(b.records.songs)` counts
/// records, not records joined to songs. The path's own tables stay as a template that no
/// statement renders.
pub(crate) fn own_scope(scope: u16, node: &mut Node) -> u16 {
    if scope == 0 {
        return scope;
    }
    let copied = ARENA.with(|a| {
        let mut stack = a.borrow_mut();
        let sources = stack.last_mut()?;
        if sources.iter().any(|s| s.scope == scope && s.variable) {
            return None;
        }
        // The tables of the scope that `node` reads, and those their joins lead through.
        let mut wanted = vec![false; sources.len()];
        let mut mark = |n: &Node| {
            if let Node::Column { source, .. } | Node::CountEntity(source) = n {
                if let Some(w) = wanted.get_mut(*source as usize) {
                    *w = sources[*source as usize].scope == scope;
                }
            }
        };
        node_sources(node, &mut mark);
        Some(wanted)
    });
    let Some(wanted) = copied else {
        return scope;
    };
    let fresh = new_scope();
    let map = copy_into(scope, wanted, fresh);
    remap_sources(node, &map);
    fresh
}

/// The tables of template scope `scope` marked in `wanted`, and those their joins lead
/// through, copied into scope `into`, in order; returns where each copied table went.
fn copy_into(scope: u16, mut wanted: Vec<bool>, into: u16) -> Vec<Option<u16>> {
    let len = ARENA.with(|a| {
        let stack = a.borrow();
        let Some(sources) = stack.last() else {
            return 0;
        };
        for i in (0..sources.len().min(wanted.len())).rev() {
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
        sources.len()
    });
    let mut map: Vec<Option<u16>> = vec![None; len];
    for (i, w) in wanted.iter().enumerate() {
        if !*w {
            continue;
        }
        let Some(src) = ARENA.with(|a| a.borrow().last().and_then(|s| s.get(i).cloned())) else {
            continue;
        };
        let join = src.join.map(|j| Join {
            parent: map[j.parent as usize].unwrap_or(j.parent),
            ..j
        });
        map[i] = Some(push_in(src.entity, &src.alias, join, false, into));
    }
    map
}

/// The table `source` as a table of scope `into`: itself when it belongs to `into` or to an
/// enclosing query, a copy of it (with the joins leading to it) when it belongs to the
/// template of a collection path (`for s in b.records.songs` in a sub-comprehension reads
/// `b.records` there).
fn adopt(source: u16, into: u16) -> u16 {
    let from = scope_of(source);
    let template = from > 0
        && from != into
        && ARENA.with(|a| {
            a.borrow()
                .last()
                .is_some_and(|s| !s.iter().any(|x| x.scope == from && x.variable))
        });
    if !template {
        return source;
    }
    let len = ARENA.with(|a| a.borrow().last().map_or(0, Vec::len));
    let mut wanted = vec![false; len];
    if let Some(w) = wanted.get_mut(source as usize) {
        *w = true;
    }
    let map = copy_into(from, wanted, into);
    map.get(source as usize)
        .copied()
        .flatten()
        .unwrap_or(source)
}

/// Calls `f` on every column and entity count of `node` outside nested sub-queries' scopes.
fn node_sources(node: &Node, f: &mut impl FnMut(&Node)) {
    match node {
        Node::Column { .. } | Node::CountEntity(_) => f(node),
        Node::Param(_) | Node::Agg(_, None, _) => {}
        Node::Binary(_, a, b) | Node::NullSafeEq(a, b, _) | Node::Text(_, a, b) => {
            node_sources(a, f);
            node_sources(b, f);
        }
        Node::Not(a)
        | Node::Neg(a)
        | Node::IsNull(a, _)
        | Node::TextFn(_, a)
        | Node::InList(a, ..)
        | Node::Agg(_, Some(a), _) => node_sources(a, f),
        Node::SubAgg(_, _, a, _) | Node::Exists(_, a, _) => {
            if let Some(a) = a {
                node_sources(a, f);
            }
        }
        Node::InSub(a, _, b) => {
            node_sources(a, f);
            node_sources(b, f);
        }
    }
}

/// Points the columns of `node` at the copies `map` names.
fn remap_sources(node: &mut Node, map: &[Option<u16>]) {
    let to = |s: &mut u16| {
        if let Some(Some(new)) = map.get(*s as usize) {
            *s = *new;
        }
    };
    match node {
        Node::Column { source, .. } | Node::CountEntity(source) => to(source),
        Node::Param(_) | Node::Agg(_, None, _) => {}
        Node::Binary(_, a, b) | Node::NullSafeEq(a, b, _) | Node::Text(_, a, b) => {
            remap_sources(a, map);
            remap_sources(b, map);
        }
        Node::Not(a)
        | Node::Neg(a)
        | Node::IsNull(a, _)
        | Node::TextFn(_, a)
        | Node::InList(a, ..)
        | Node::Agg(_, Some(a), _) => remap_sources(a, map),
        Node::SubAgg(_, _, a, _) | Node::Exists(_, a, _) => {
            if let Some(a) = a {
                remap_sources(a, map);
            }
        }
        Node::InSub(a, _, b) => {
            remap_sources(a, map);
            remap_sources(b, map);
        }
    }
}

/// Adds a source to the query (scope 0).
pub(crate) fn push(
    entity: &'static EntityMeta,
    alias: &str,
    join: Option<Join>,
    variable: bool,
) -> u16 {
    push_in(entity, alias, join, variable, 0)
}

/// Adds a source to scope `scope`.
pub(crate) fn push_in(
    entity: &'static EntityMeta,
    alias: &str,
    join: Option<Join>,
    variable: bool,
    scope: u16,
) -> u16 {
    ARENA.with(|a| {
        let mut stack = a.borrow_mut();
        let Some(sources) = stack.last_mut() else {
            return u16::MAX;
        };
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
    })
}

/// The source that `parent.column` reaches (joined once per path).
fn navigate(parent: u16, column: u16, entity: &'static EntityMeta, optional: bool) -> u16 {
    let existing = ARENA.with(|a| {
        let stack = a.borrow();
        let sources = stack.last()?;
        let parent_src = sources.get(parent as usize)?;
        let field_name = parent_src.entity.columns.get(column as usize)?.field;
        let left = optional
            || matches!(
                parent_src.join,
                Some(Join {
                    kind: JoinKind::Left,
                    ..
                })
            );
        let key = *entity.primary_key.first()? as u16;
        // The reverse side of a one-to-one holds no column: join on the other side's key.
        let (column, key) =
            match crate::relation::virtual_column(parent_src.entity, column as usize) {
                Some((_, fk)) => (*parent_src.entity.primary_key.first()? as u16, fk as u16),
                None => (column, key),
            };
        let join = Join {
            kind: if left {
                JoinKind::Left
            } else {
                JoinKind::Inner
            },
            parent,
            parent_column: column,
            column: key,
            via: None,
        };
        let found = sources
            .iter()
            .position(|s| !s.variable && s.join == Some(join))
            .map(|i| i as u16);
        let alias = format!("{}_{}", parent_src.alias, field_name);
        Some((found, join, alias, parent_src.scope))
    });
    match existing {
        Some((Some(i), _, _, _)) => i,
        Some((None, join, alias, scope)) => push_in(entity, &alias, Some(join), false, scope),
        None => u16::MAX,
    }
}

/// A required reference attribute in a query: compares as the key, navigates on (`.name`).
pub struct RefCol<T: Entity> {
    source: u16,
    column: u16,
    joined: OnceCell<Box<T::Columns>>,
}

/// An optional reference attribute in a query (navigating it is a `LEFT JOIN`, and what it
/// reaches reads as `Option`).
pub struct OptRefCol<T: Entity> {
    source: u16,
    column: u16,
    joined: OnceCell<Box<T::NullableColumns>>,
}

macro_rules! ref_col {
    ($ty:ident, $optional:expr, $sql:ty, $cols:ident, $make:ident) => {
        impl<T: Entity> $ty<T> {
            /// The handle of reference column `column` of source `source`.
            pub fn new(source: u16, column: u16) -> Self {
                $ty {
                    source,
                    column,
                    joined: OnceCell::new(),
                }
            }

            /// The query variable (or joined table) the reference belongs to.
            pub fn source(&self) -> u16 {
                self.source
            }

            /// The joined entity's source.
            pub(crate) fn joined_source(&self) -> u16 {
                self.deref_joined();
                navigate(self.source, self.column, T::meta(), $optional)
            }

            fn deref_joined(&self) -> &T::$cols {
                self.joined.get_or_init(|| {
                    Box::new(T::$make(navigate(
                        self.source,
                        self.column,
                        T::meta(),
                        $optional,
                    )))
                })
            }
        }

        impl<T: Entity> Deref for $ty<T> {
            type Target = T::$cols;
            fn deref(&self) -> &T::$cols {
                self.deref_joined()
            }
        }

        impl<T: Entity> IntoExpr for $ty<T> {
            type Sql = $sql;
            fn to_expr(&self) -> Expr<$sql> {
                Expr::new(Node::Column {
                    source: self.source,
                    column: self.column,
                })
            }
        }
    };
}
ref_col!(RefCol, false, Ref<T>, Columns, columns);
ref_col!(
    OptRefCol,
    true,
    Option<Ref<T>>,
    NullableColumns,
    nullable_columns
);

/// A `Set` attribute in a query: a collection to range over (`for o in c.orders`), to
/// aggregate (`count(c.orders)`, `sum(c.orders.total)`), or to test (`c.orders.is_empty()`).
pub struct SetCol<T: Entity> {
    source: u16,
    owner: fn() -> &'static EntityMeta,
    relation: usize,
    /// The members as a sub-query, made on first use.
    members: OnceCell<(u16, Box<T::ManyColumns>)>,
    _t: std::marker::PhantomData<fn() -> T>,
}

impl<T: Entity> Deref for SetCol<T> {
    type Target = T::ManyColumns;
    fn deref(&self) -> &T::ManyColumns {
        &self.members().1
    }
}

/// The values a collection path reaches (`c.products.price` is a `Many<i64>`): they can be
/// aggregated (`sum`, `min`, `max`, `avg`, `count`) or tested (`.contains(..)`), not used as
/// one value.
pub struct Many<T>(std::marker::PhantomData<fn() -> T>);

/// Comparing a collection's values with one value is refused by the `SqlType` bound alone,
/// with one message (instead of a second one about comparability).
impl<T, R> crate::types::Comparable<Many<T>> for R {}

/// An attribute of a collection's members in a query (`c.products.price`).
pub struct ManyCol<T> {
    source: u16,
    column: u16,
    _t: std::marker::PhantomData<fn() -> T>,
}

impl<T> ManyCol<T> {
    /// The handle of column `column` of the members' source `source`.
    pub fn new(source: u16, column: u16) -> Self {
        ManyCol {
            source,
            column,
            _t: std::marker::PhantomData,
        }
    }

    /// The members' source.
    pub fn source(&self) -> u16 {
        self.source
    }
}

impl<T> IntoExpr for ManyCol<T> {
    type Sql = Many<T>;
    fn to_expr(&self) -> Expr<Many<T>> {
        Expr::new(Node::Column {
            source: self.source,
            column: self.column,
        })
    }
}

/// A reference of a collection's members in a query (`c.products.category`), navigating on.
pub struct ManyRefCol<T: Entity> {
    source: u16,
    column: u16,
    optional: bool,
    joined: OnceCell<Box<T::ManyColumns>>,
}

impl<T: Entity> ManyRefCol<T> {
    /// The handle of reference column `column` of the members' source `source`.
    pub fn new(source: u16, column: u16, optional: bool) -> Self {
        ManyRefCol {
            source,
            column,
            optional,
            joined: OnceCell::new(),
        }
    }

    /// The members' source.
    pub fn source(&self) -> u16 {
        self.source
    }
}

impl<T: Entity> Deref for ManyRefCol<T> {
    type Target = T::ManyColumns;
    fn deref(&self) -> &T::ManyColumns {
        self.joined.get_or_init(|| {
            Box::new(T::many_columns(navigate(
                self.source,
                self.column,
                T::meta(),
                self.optional,
            )))
        })
    }
}

impl<T: Entity> IntoExpr for ManyRefCol<T> {
    type Sql = Many<Ref<T>>;
    fn to_expr(&self) -> Expr<Many<Ref<T>>> {
        Expr::new(Node::Column {
            source: self.source,
            column: self.column,
        })
    }
}

/// A collection used as a value (`count(c.products)`, `c.products.is_empty()`): its members
/// as a sub-query.
pub struct SetOf<T>(std::marker::PhantomData<fn() -> T>);

impl<T: Entity> IntoExpr for SetCol<T> {
    type Sql = SetOf<T>;
    fn to_expr(&self) -> Expr<SetOf<T>> {
        let (source, _) = self.members();
        Expr::new(Node::Column {
            source: *source,
            column: T::meta().primary_key.first().copied().unwrap_or(0) as u16,
        })
    }
}

impl<T: Entity> SetCol<T> {
    /// The handle of relation number `relation` of `owner`, for query variable `source`.
    pub fn new(source: u16, owner: fn() -> &'static EntityMeta, relation: usize) -> Self {
        SetCol {
            source,
            owner,
            relation,
            members: OnceCell::new(),
            _t: std::marker::PhantomData,
        }
    }

    /// The members' source in a sub-query scope of their own.
    fn members(&self) -> &(u16, Box<T::ManyColumns>) {
        self.members.get_or_init(|| {
            // A path through several collections (`g.students.marks`) stays in one sub-query;
            // a collection of a query variable (also one of a sub-comprehension) opens its own.
            let scope = match (scope_of(self.source), is_variable(self.source)) {
                (outer, false) if outer > 0 => outer,
                _ => new_scope(),
            };
            let alias = format!(
                "{}_{}",
                alias_of(self.source),
                self.relation().map_or("set", |r| r.field)
            );
            let source = self.range_as(&alias, scope, false);
            (source, Box::new(T::many_columns(source)))
        })
    }

    /// The query variable the collection belongs to.
    pub fn source(&self) -> u16 {
        self.source
    }

    pub(crate) fn relation(&self) -> Option<&'static RelationMeta> {
        (self.owner)().relations.get(self.relation)
    }

    /// Adds a variable ranging over the collection: its members joined to the owner.
    pub(crate) fn range(&self, alias: &str) -> u16 {
        self.range_in(alias, scope_of(self.source))
    }

    /// Adds the members as a source of scope `scope`, joined (or, first in a sub-query,
    /// correlated) to the owner.
    pub(crate) fn range_in(&self, alias: &str, scope: u16) -> u16 {
        self.range_as(alias, scope, true)
    }

    fn range_as(&self, alias: &str, scope: u16, variable: bool) -> u16 {
        let owner = (self.owner)();
        let parent = if variable {
            adopt(self.source, scope)
        } else {
            self.source
        };
        let Some(rel) = self.relation() else {
            return u16::MAX;
        };
        match partner(owner, rel) {
            Ok(Partner::Reference { column }) => {
                let owner_key = owner.primary_key.first().copied().unwrap_or(0) as u16;
                push_in(
                    T::meta(),
                    alias,
                    Some(Join {
                        kind: JoinKind::Inner,
                        parent,
                        parent_column: owner_key,
                        column: column as u16,
                        via: None,
                    }),
                    variable,
                    scope,
                )
            }
            Ok(Partner::Set { relation }) => {
                let target = T::meta();
                let partner_field = target.relations.get(relation).map_or("", |r| r.field);
                let link = crate::relation::link_table(owner, rel, partner_field);
                let owner_key = owner.primary_key.first().copied().unwrap_or(0) as u16;
                let member_key = target.primary_key.first().copied().unwrap_or(0) as u16;
                push_in(
                    target,
                    alias,
                    Some(Join {
                        kind: JoinKind::Inner,
                        parent,
                        parent_column: owner_key,
                        column: member_key,
                        via: Some(intern_link(link)),
                    }),
                    variable,
                    scope,
                )
            }
            Ok(Partner::OneToOne { .. }) => {
                problem(Problem::Query(format!(
                    "`{}.{}` is not a collection",
                    owner.name, rel.field
                )));
                push_in(T::meta(), alias, None, variable, scope)
            }
            Err(message) => {
                problem(Problem::Schema(message));
                push_in(T::meta(), alias, None, variable, scope)
            }
        }
    }
}

impl<C: EntityColumns> EntityColumns for &C {
    type Entity = C::Entity;
    fn source(&self) -> u16 {
        (**self).source()
    }
}
