//! Column handles that navigate relationships inside `select!`: `p.category.name` joins
//! `category` (once, however often the path is used), `for o in c.orders` ranges over a
//! collection.
//!
//! Every handle that can reach another table carries the state of the plan being built
//! ([`At`]: the plan's tables, and which one the handle belongs to), so that a plain field
//! access on a handle (`p.category` followed by `.name`) adds the join to that plan. There is
//! no other channel between a build and its handles.

use std::cell::{Cell, OnceCell, RefCell};
use std::ops::Deref;
use std::rc::Rc;

use crate::composite_ref::RefShape;
use crate::entity::{Entity, EntityMeta};
use crate::expr::{EntityColumns, Expr, IntoExpr};
use crate::pairing::{partner, Partner};
use crate::plan::{scopes, Join, JoinKind, Node, Problem, Source};
use crate::relation::{Ref, RelationMeta};

/// The tables of a plan being built, and what went wrong while building it.
pub(crate) struct PlanState {
    sources: RefCell<Vec<Source>>,
    /// How many sub-query scopes are made (`1..=scopes`).
    scopes: Cell<u16>,
    problems: RefCell<Vec<Problem>>,
}

impl PlanState {
    /// The state of a build starting from `sources` (a refinement starts from its base's).
    pub(crate) fn new(sources: Vec<Source>, scopes: u16) -> Rc<Self> {
        Rc::new(PlanState {
            sources: RefCell::new(sources),
            scopes: Cell::new(scopes),
            problems: RefCell::new(Vec::new()),
        })
    }

    /// What the build made: its tables, how many scopes, its problems.
    pub(crate) fn take(&self) -> (Vec<Source>, u16, Vec<Problem>) {
        (self.sources.take(), self.scopes.get(), self.problems.take())
    }

    pub(crate) fn problem(&self, problem: Problem) {
        self.problems.borrow_mut().push(problem);
    }

    /// A new sub-query scope.
    pub(crate) fn new_scope(&self) -> u16 {
        let n = self.scopes.get() + 1;
        self.scopes.set(n);
        n
    }

    fn with_source<R>(&self, source: u16, f: impl FnOnce(&Source) -> R) -> Option<R> {
        self.sources.borrow().get(source as usize).map(f)
    }

    /// The scope of a table (0 for an unknown one).
    pub(crate) fn scope_of(&self, source: u16) -> u16 {
        self.with_source(source, |s| s.scope).unwrap_or(0)
    }

    /// Makes the joins from `source` up to the first table older than `first_new` left joins
    /// (tables that `adopt` just copied into a scope).
    fn left_join_new(&self, source: u16, first_new: usize) {
        let mut sources = self.sources.borrow_mut();
        let mut at = source as usize;
        while at >= first_new {
            let Some(join) = sources.get_mut(at).and_then(|s| s.join.as_mut()) else {
                break;
            };
            join.kind = JoinKind::Left;
            at = join.parent as usize;
        }
    }

    /// Whether sub-query `scope` was opened by a collection (it holds no query variable).
    fn is_template(&self, scope: u16) -> bool {
        scopes::is_template(&self.sources.borrow(), scope)
    }

    /// Whether a table is a query variable (a generator's), not one reached by a path.
    fn is_variable(&self, source: u16) -> bool {
        self.with_source(source, |s| s.variable).unwrap_or(false)
    }

    fn alias_of(&self, source: u16) -> String {
        self.with_source(source, |s| s.alias.clone())
            .unwrap_or_else(|| "t".to_string())
    }

    /// Adds a table to scope `scope`; returns its number.
    pub(crate) fn push(
        &self,
        entity: &'static EntityMeta,
        alias: &str,
        join: Option<Join>,
        variable: bool,
        scope: u16,
    ) -> u16 {
        scopes::push(
            &mut self.sources.borrow_mut(),
            entity,
            alias,
            join,
            variable,
            scope,
        )
    }

    /// The table `source` as a table of scope `into`: itself when it belongs to `into` or
    /// to an enclosing query; a copy of it (with the joins leading to it) when it belongs to
    /// the template of a collection path (`for s in b.records.songs` in a sub-comprehension
    /// reads `b.records` there).
    fn adopt(&self, source: u16, into: u16) -> u16 {
        let mut sources = self.sources.borrow_mut();
        let from = scopes::scope_of(&sources, source);
        if from == into || !scopes::is_template(&sources, from) {
            return source;
        }
        let mut wanted = vec![false; sources.len()];
        if let Some(w) = wanted.get_mut(source as usize) {
            *w = true;
        }
        let map = scopes::copy_into(&mut sources, from, wanted, into);
        map.get(source as usize)
            .copied()
            .flatten()
            .unwrap_or(source)
    }

    /// The table that `parent.column` reaches (joined once per path); `parent` itself, with
    /// a problem reported, when the column is not a reference to `entity`.
    fn navigate(
        &self,
        parent: u16,
        column: u16,
        entity: &'static EntityMeta,
        optional: bool,
    ) -> u16 {
        let found = {
            let sources = self.sources.borrow();
            sources.get(parent as usize).and_then(|parent_src| {
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
                // The reverse side of a one-to-one holds no column: join on the other side's
                // key.
                let (column, key, width) =
                    match crate::relation::virtual_column(parent_src.entity, column as usize) {
                        Some((_, fk)) => {
                            (*parent_src.entity.primary_key.first()? as u16, fk as u16, 1)
                        }
                        None => (column, key, entity.primary_key.len() as u16),
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
                    width,
                    via: None,
                };
                let existing = sources
                    .iter()
                    .position(|s| {
                        !s.variable && s.join == Some(join) && std::ptr::eq(s.entity, entity)
                    })
                    .map(|i| i as u16);
                let alias = format!("{}_{}", parent_src.alias, field_name);
                Some((existing, join, alias, parent_src.scope))
            })
        };
        match found {
            Some((Some(i), ..)) => i,
            Some((None, join, alias, scope)) => self.push(entity, &alias, Some(join), false, scope),
            None => {
                self.problem(Problem::Query(format!(
                    "column {column} of table {parent} is not a reference to `{}`",
                    entity.name
                )));
                parent
            }
        }
    }
}

/// Where a handle belongs: the plan being built, and one of its tables.
#[derive(Clone)]
pub struct At {
    state: Rc<PlanState>,
    source: u16,
}

impl At {
    pub(crate) fn new(state: Rc<PlanState>, source: u16) -> Self {
        At { state, source }
    }

    /// The table (its number in the plan).
    pub fn source(&self) -> u16 {
        self.source
    }

    /// Another table of the same plan.
    fn to(&self, source: u16) -> At {
        At {
            state: self.state.clone(),
            source,
        }
    }
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

/// A required reference attribute in a query: compares as the key, navigates on (`.name`).
pub struct RefCol<T: Entity> {
    at: At,
    column: u16,
    joined: OnceCell<Box<T::Columns>>,
}

/// An optional reference attribute in a query (navigating it is a `LEFT JOIN`, and what it
/// reaches reads as `Option`).
pub struct OptRefCol<T: Entity> {
    at: At,
    column: u16,
    joined: OnceCell<Box<T::NullableColumns>>,
}

macro_rules! ref_col {
    ($ty:ident, $optional:expr, $sql:ty, $cols:ident, $make:ident) => {
        impl<T: Entity> $ty<T> {
            /// The handle of reference column `column` of the table `at`.
            pub fn new(at: At, column: u16) -> Self {
                $ty {
                    at,
                    column,
                    joined: OnceCell::new(),
                }
            }

            /// The query variable (or joined table) the reference belongs to.
            pub fn source(&self) -> u16 {
                self.at.source
            }

            /// The reference's (first) column.
            pub(crate) fn column(&self) -> u16 {
                self.column
            }

            fn joined(&self) -> u16 {
                self.at
                    .state
                    .navigate(self.at.source, self.column, T::meta(), $optional)
            }

            /// The joined entity's source.
            pub(crate) fn joined_source(&self) -> u16 {
                self.deref_joined();
                self.joined()
            }

            fn deref_joined(&self) -> &T::$cols {
                self.joined
                    .get_or_init(|| Box::new(T::$make(self.at.to(self.joined()))))
            }
        }

        impl<T: Entity> Deref for $ty<T> {
            type Target = T::$cols;
            fn deref(&self) -> &T::$cols {
                self.deref_joined()
            }
        }

        #[diagnostic::do_not_recommend]
        impl<T: Entity> IntoExpr for $ty<T>
        where
            T::Key: RefShape<T>,
        {
            type Sql = $sql;
            fn to_expr(&self) -> Expr<$sql> {
                Expr::new(Node::Column {
                    source: self.at.source,
                    column: self.column,
                })
            }
        }
    };
}
ref_col!(
    RefCol,
    false,
    <T::Key as RefShape<T>>::Sql,
    Columns,
    columns
);
ref_col!(
    OptRefCol,
    true,
    <T::Key as RefShape<T>>::OptSql,
    NullableColumns,
    nullable_columns
);

/// A `Set` attribute in a query: a collection to range over (`for o in c.orders`), to
/// aggregate (`count(c.orders)`, `sum(c.orders.total)`), or to test (`c.orders.is_empty()`).
pub struct SetCol<T: Entity> {
    at: At,
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
#[diagnostic::do_not_recommend]
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

#[diagnostic::do_not_recommend]
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
    at: At,
    column: u16,
    optional: bool,
    joined: OnceCell<Box<T::ManyColumns>>,
}

impl<T: Entity> ManyRefCol<T> {
    /// The handle of reference column `column` of the members' table `at`.
    pub fn new(at: At, column: u16, optional: bool) -> Self {
        ManyRefCol {
            at,
            column,
            optional,
            joined: OnceCell::new(),
        }
    }

    /// The members' source.
    pub fn source(&self) -> u16 {
        self.at.source
    }
}

impl<T: Entity> Deref for ManyRefCol<T> {
    type Target = T::ManyColumns;
    fn deref(&self) -> &T::ManyColumns {
        self.joined.get_or_init(|| {
            let joined =
                self.at
                    .state
                    .navigate(self.at.source, self.column, T::meta(), self.optional);
            Box::new(T::many_columns(self.at.to(joined)))
        })
    }
}

#[diagnostic::do_not_recommend]
impl<T: Entity> IntoExpr for ManyRefCol<T> {
    type Sql = Many<Ref<T>>;
    fn to_expr(&self) -> Expr<Many<Ref<T>>> {
        Expr::new(Node::Column {
            source: self.at.source,
            column: self.column,
        })
    }
}

/// A collection used as a value (`count(c.products)`, `c.products.is_empty()`): its members
/// as a sub-query.
pub struct SetOf<T>(std::marker::PhantomData<fn() -> T>);

#[diagnostic::do_not_recommend]
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
    /// The handle of relation number `relation` of `owner`, for the table `at`.
    pub fn new(at: At, owner: fn() -> &'static EntityMeta, relation: usize) -> Self {
        SetCol {
            at,
            owner,
            relation,
            members: OnceCell::new(),
            _t: std::marker::PhantomData,
        }
    }

    /// The members' source in a sub-query scope of their own.
    fn members(&self) -> &(u16, Box<T::ManyColumns>) {
        self.members.get_or_init(|| {
            let state = &self.at.state;
            let me = self.at.source;
            // A path through several collections (`g.students.marks`) stays in one sub-query;
            // a collection of a query variable (also one of a sub-comprehension), or of a
            // table a reference reached from one (`r.band.records` inside a sub-comprehension
            // over `r`), opens its own.
            let scope = match (state.scope_of(me), state.is_variable(me)) {
                (outer, false) if outer > 0 && state.is_template(outer) => outer,
                _ => state.new_scope(),
            };
            let alias = format!(
                "{}_{}",
                state.alias_of(me),
                self.relation().map_or("set", |r| r.field)
            );
            let source = self.range_as(&alias, scope, false, JoinKind::Inner);
            (source, Box::new(T::many_columns(self.at.to(source))))
        })
    }

    /// The query variable the collection belongs to.
    pub fn source(&self) -> u16 {
        self.at.source
    }

    pub(crate) fn relation(&self) -> Option<&'static RelationMeta> {
        (self.owner)().relations.get(self.relation)
    }

    /// Adds a variable of the query itself (scope 0) ranging over the collection: its
    /// members joined to the owner. A path through several collections
    /// (`b.records.songs`) brings the collections before the last one into the query too
    /// (they were opened in a sub-query of their own).
    pub(crate) fn range(&self, alias: &str) -> At {
        self.range_in(alias, 0)
    }

    /// Adds the members as a variable of scope `scope`, joined (or, first in a sub-query,
    /// correlated) to the owner.
    pub(crate) fn range_in(&self, alias: &str, scope: u16) -> At {
        self.at
            .to(self.range_as(alias, scope, true, JoinKind::Inner))
    }

    /// Adds the members as a variable of a left join: an owner without members still gives
    /// a row, with the member NULL.
    pub(crate) fn range_left(&self, alias: &str) -> At {
        self.at.to(self.range_as(alias, 0, true, JoinKind::Left))
    }

    fn range_as(&self, alias: &str, scope: u16, variable: bool, kind: JoinKind) -> u16 {
        let state = &self.at.state;
        let owner = (self.owner)();
        let parent = if variable {
            let before = state.sources.borrow().len();
            let parent = state.adopt(self.at.source, scope);
            // The collections a left join's path brings in are left joins too: an owner
            // without records still gives a row for `left_join(.. for s in b.records.songs)`.
            if kind == JoinKind::Left {
                state.left_join_new(parent, before);
            }
            parent
        } else {
            self.at.source
        };
        let Some(rel) = self.relation() else {
            state.problem(Problem::Schema(format!(
                "`{}` has no relationship number {}",
                owner.name, self.relation
            )));
            return state.push(T::meta(), alias, None, variable, scope);
        };
        let owner_key = owner.primary_key.first().copied().unwrap_or(0) as u16;
        let join = match partner(owner, rel) {
            Ok(Partner::Reference { column }) => Some(Join {
                kind,
                parent,
                parent_column: owner_key,
                column: column as u16,
                width: owner.primary_key.len() as u16,
                via: None,
            }),
            Ok(Partner::Set { relation }) => {
                let target = T::meta();
                let partner_field = target.relations.get(relation).map_or("", |r| r.field);
                let link = crate::relation::link_table(owner, rel, partner_field);
                let member_key = target.primary_key.first().copied().unwrap_or(0) as u16;
                Some(Join {
                    kind,
                    parent,
                    parent_column: owner_key,
                    column: member_key,
                    width: 1,
                    via: Some(intern_link(link)),
                })
            }
            Ok(Partner::OneToOne { .. }) => {
                state.problem(Problem::Query(format!(
                    "`{}.{}` is not a collection",
                    owner.name, rel.field
                )));
                None
            }
            Err(message) => {
                state.problem(Problem::Schema(message));
                None
            }
        };
        state.push(T::meta(), alias, join, variable, scope)
    }
}

impl<C: EntityColumns> EntityColumns for &C {
    type Entity = C::Entity;
    type Variable = C::Variable;
    fn source(&self) -> u16 {
        (**self).source()
    }
}
