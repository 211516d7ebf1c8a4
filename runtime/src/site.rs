//! Call sites of `select!`: each keeps its plan, built on first use and shared by every run.

use std::marker::PhantomData;
use std::num::NonZeroUsize;
use std::rc::Rc;
use std::sync::{Arc, Mutex, OnceLock};

use lru::LruCache;

use crate::entity::{Entity, EntityMeta};
use crate::expr::{Desc, EntityExpr, Expr};
use crate::navigate::{At, PlanState, SetCol};
use crate::obj::Obj;
use crate::plan::{BinOp, Node, OrderItem, Plan, Problem, ProjItem, SubFlags};
use crate::query::{FromRow, Query};
use crate::query_value::{bind, key_of, SubPlans, SubQuery};
use crate::types::{Condition, SqlType};
use crate::value::Value;

/// Collects a plan while the macro's generated code describes the query.
pub struct PlanBuilder {
    plan: std::cell::RefCell<Plan>,
    /// The tables the handles add to.
    state: Rc<PlanState>,
    /// Added to parameter numbers (a refinement's come after its base query's).
    param_offset: usize,
    /// The query values among the parameters (`ids.contains(..)` with `ids: Query<_>`): plan,
    /// flags and parameter count, by parameter number.
    subs: Vec<Option<(Arc<Plan>, SubFlags, usize)>>,
    /// Where each query value's parameters start (worked out by `params`).
    sub_bases: std::cell::RefCell<Vec<usize>>,
}

impl PlanBuilder {
    fn new(plan: Plan, param_offset: usize) -> Self {
        let state = PlanState::new(plan.sources.clone(), plan.scopes);
        PlanBuilder {
            plan: std::cell::RefCell::new(plan),
            state,
            param_offset,
            subs: Vec::new(),
            sub_bases: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// The builder of a query whose parameters include query values.
    fn with_subs(mut self, subs: &[Option<SubQuery>]) -> Self {
        self.subs = subs
            .iter()
            .map(|s| {
                s.as_ref()
                    .map(|s| (s.plan.clone(), s.flags, s.params.len()))
            })
            .collect();
        // Its rows are not the outer query's: a lock asked of them would be silently none.
        if subs.iter().flatten().any(|s| s.flags.for_update) {
            self.plan.get_mut().problems.push(Problem::Query(
                "a query value with `for_update()` inside another query locks nothing: call `for_update()` on the outer query; a query that already ran (and keeps its locks) goes in as `q.clone().without_lock()`".to_string(),
            ));
        }
        self
    }

    /// The query value of parameter `index`: its plan, flags, and where its parameters
    /// start (before the refinement offset, as parameter numbers are).
    pub(crate) fn sub_at(&self, index: usize) -> Option<(Arc<Plan>, SubFlags, usize)> {
        let (plan, flags, _) = self.subs.get(index)?.as_ref()?;
        let base = *self.sub_bases.borrow().get(index)?;
        Some((plan.clone(), *flags, base))
    }

    /// A problem of the plan being built (an error when it runs).
    pub(crate) fn problem(&self, problem: Problem) {
        self.state.problem(problem);
    }

    /// The plan reads what `sub` (a query value inside it) reads.
    pub(crate) fn keep_sub_plan(&self, sub: &Arc<Plan>) {
        let mut plan = self.plan.borrow_mut();
        if !plan.sub_plans.iter().any(|p| Arc::ptr_eq(p, sub)) {
            plan.sub_plans.push(sub.clone());
        }
    }

    /// The handles of table `source`.
    fn at(&self, source: u16) -> At {
        At::new(self.state.clone(), source)
    }

    /// The plan described, finished.
    fn into_plan(self) -> Plan {
        let (sources, scopes, problems) = self.state.take();
        let slots: Vec<usize> = (0..self.subs.len())
            .filter(|&i| self.subs[i].is_some())
            .map(|i| self.param_offset + i)
            .collect();
        let mut plan = self.plan.into_inner();
        plan.sources = sources;
        plan.scopes = scopes;
        plan.problems.extend(problems);
        // (The query values' own slots, which no statement reads: their plans' parameters
        // come at the end instead.)
        plan.renumber_without(&slots);
        plan.finish();
        plan
    }

    /// Adds a query variable ranging over `E`, named `alias` in SQL.
    pub fn source<E: Entity>(&self, alias: &str) -> E::Columns {
        E::columns(self.at(self.state.push(E::meta(), alias, None, true, 0)))
    }

    /// Adds a query variable ranging over a collection (`for o in c.orders`).
    pub fn source_set<E: Entity>(&self, set: &SetCol<E>, alias: &str) -> E::Columns {
        E::columns(set.range(alias))
    }

    /// Adds a query variable ranging over a collection in a left join (`left_join(..)`): an
    /// owner without members still gives a row, the member `None`.
    pub fn source_set_left<E: Entity>(&self, set: &SetCol<E>, alias: &str) -> E::NullableColumns {
        E::nullable_columns(set.range_left(alias))
    }

    /// Opens a sub-query scope (for a sub-comprehension).
    pub fn scope(&self) -> u16 {
        self.state.new_scope()
    }

    /// Adds a variable over `E` to sub-query `scope`.
    pub fn source_in<E: Entity>(&self, scope: u16, alias: &str) -> E::Columns {
        E::columns(self.at(self.state.push(E::meta(), alias, None, true, scope)))
    }

    /// Adds a variable over a collection to sub-query `scope`.
    pub fn source_set_in<E: Entity>(&self, scope: u16, set: &SetCol<E>, alias: &str) -> E::Columns {
        E::columns(set.range_in(alias, scope))
    }

    /// Adds a condition of sub-query `scope`.
    pub fn filter_in<T: Condition>(&self, scope: u16, cond: Expr<T>) {
        let mut node = cond.node;
        node.shift_params(self.param_offset);
        let scope = scope as usize;
        let mut plan = self.plan.borrow_mut();
        if plan.scope_filters.len() <= scope {
            plan.scope_filters.resize_with(scope + 1, Vec::new);
        }
        push_conjuncts(node, &mut plan.scope_filters[scope]);
    }

    /// Adds a condition (ANDed with the others). Top-level `&&`s are split, so that the
    /// conjuncts with aggregates go to `HAVING` and the others stay in `WHERE`.
    pub fn filter<T: Condition>(&self, cond: Expr<T>) {
        let mut node = cond.node;
        node.shift_params(self.param_offset);
        push_conjuncts(node, &mut self.plan.borrow_mut().filters);
    }

    /// Adds `column = value` to what `Query::update` assigns (`.set(|p| p.price = ..)`).
    pub fn assign<C: crate::promotion::Assignee, R>(&self, column: C, value: Expr<R>)
    where
        C::Referent: crate::promotion::AssignsPlain,
        R: crate::promotion::Assignable<C::Sql>,
    {
        // (A `bool` test stores the `false` it selects where it reads a NULL.)
        let mut node = C::assigned(R::value(value.node));
        node.shift_params(self.param_offset);
        let (source, column) = column.position();
        self.plan
            .borrow_mut()
            .assignments
            .push((source, column, node));
    }

    /// Adds `column = NULL` (`.set(|p| p.note = None)`).
    pub fn assign_null<C: crate::promotion::Assignee>(&self, column: C)
    where
        C::Referent: crate::promotion::AssignsPlain,
        C::NullSql: crate::types::Nullable,
    {
        let (source, column) = column.position();
        let null = Node::Call(crate::plan::Func::Null, Vec::new());
        self.plan
            .borrow_mut()
            .assignments
            .push((source, column, null));
    }

    /// Orders by `order` first, then by any earlier `order_by` for ties (PonyORM's rule: a
    /// refinement `q.order_by(|p| desc(p.price))` of a query ordered by name sorts by price,
    /// then by name). A key ordered again takes the later direction.
    pub fn order_by<O: OrderSpec>(&self, order: O) {
        let mut items = Vec::new();
        order.push_order(&mut items);
        for item in &mut items {
            item.node.shift_params(self.param_offset);
        }
        let mut plan = self.plan.borrow_mut();
        let earlier = std::mem::take(&mut plan.order);
        for o in earlier {
            if !items.iter().any(|i| i.node == o.node) {
                items.push(o);
            }
        }
        plan.order = items;
    }

    /// Declares parameters that hold the value of an earlier one (`(later, earlier)`): a
    /// literal written twice in the call site.
    pub fn same_params(&self, pairs: &[(usize, usize)]) {
        let offset = self.param_offset;
        self.plan.borrow_mut().same_params.extend(
            pairs
                .iter()
                .map(|&(later, earlier)| (later + offset, earlier + offset)),
        );
    }

    /// Declares how many parameters the call site binds.
    pub fn params(&self, count: usize) {
        // A query value's parameters come after the call site's own, in parameter order.
        let mut next = count;
        let mut bases = self.sub_bases.borrow_mut();
        bases.clear();
        for s in &self.subs {
            bases.push(next);
            next += s.as_ref().map_or(0, |(_, _, n)| *n);
        }
        self.plan.borrow_mut().param_count = self.param_offset + next;
    }
}

fn push_conjuncts(node: Node, out: &mut Vec<Node>) {
    match node {
        Node::Binary(BinOp::And, a, b) => {
            push_conjuncts(*a, out);
            push_conjuncts(*b, out);
        }
        other => out.push(other),
    }
}

/// What a query returns per row: an expression, an entity variable, or a tuple of those.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be selected",
    label = "a query selects attributes, entity variables, aggregates or tuples of those"
)]
pub trait Projection {
    /// The Rust type of one row.
    type Row: FromRow;
    /// Appends the projected items.
    fn push_items(self, out: &mut Vec<ProjItem>);
}

#[diagnostic::do_not_recommend]
impl<T: SqlType> Projection for Expr<T> {
    type Row = T;
    fn push_items(self, out: &mut Vec<ProjItem>) {
        // A bare parameter selected (`(p.id, 1)`, a `match` of one arm) is typed as its
        // Rust type: PostgreSQL would send an untyped parameter back as text.
        let node = match self.node {
            n @ (Node::Param(_) | Node::ParamF32(_) | Node::Const(..)) => {
                Node::Cast(Box::new(n), crate::plan::CastTo::As(T::COLUMN_TYPE))
            }
            n => n,
        };
        // A test selected as a `bool` (`p.a > 0` of an `Option` attribute, `!p.o_flag`,
        // `p.o_flag || p.flag`) is NULL where it reads a NULL, which a condition takes for
        // false (a NULL satisfies no comparison): the value is that `false` too, where it
        // failed to decode. (See `plan/selected_tests.rs`.)
        out.push(ProjItem::Expr(crate::plan::bool_value::<T>(node)));
    }
}

#[diagnostic::do_not_recommend]
impl<E: Entity> Projection for EntityExpr<E> {
    type Row = Obj<E>;
    fn push_items(self, out: &mut Vec<ProjItem>) {
        out.push(ProjItem::Entity(self.source));
    }
}

#[diagnostic::do_not_recommend]
impl<E: Entity> Projection for crate::expr::OptEntityExpr<E> {
    type Row = Option<Obj<E>>;
    fn push_items(self, out: &mut Vec<ProjItem>) {
        out.push(ProjItem::Entity(self.0.source));
    }
}

macro_rules! tuple_projection {
    ($($t:ident),+) => {
        #[diagnostic::do_not_recommend]
        impl<$($t: Projection),+> Projection for ($($t,)+) {
            type Row = ($($t::Row,)+);
            #[allow(non_snake_case)]
            fn push_items(self, out: &mut Vec<ProjItem>) {
                let ($($t,)+) = self;
                $($t.push_items(out);)+
            }
        }
    };
}
tuple_projection!(A);
tuple_projection!(A, B);
tuple_projection!(A, B, C);
tuple_projection!(A, B, C, D);
tuple_projection!(A, B, C, D, E);
tuple_projection!(A, B, C, D, E, F);
tuple_projection!(A, B, C, D, E, F, G);
tuple_projection!(A, B, C, D, E, F, G, H);
tuple_projection!(A, B, C, D, E, F, G, H, I);
tuple_projection!(A, B, C, D, E, F, G, H, I, J);
tuple_projection!(A, B, C, D, E, F, G, H, I, J, K);
tuple_projection!(A, B, C, D, E, F, G, H, I, J, K, L);

/// What `order_by` accepts: an expression, `desc(expr)`, or a tuple of those.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used to order a query",
    label = "`order_by` takes an attribute or expression, `desc(..)` of one, or a tuple of those"
)]
pub trait OrderSpec {
    /// Appends the order items.
    fn push_order(self, out: &mut Vec<OrderItem>);
}

#[diagnostic::do_not_recommend]
impl<T: SqlType> OrderSpec for Expr<T> {
    fn push_order(self, out: &mut Vec<OrderItem>) {
        out.push(OrderItem {
            // (A `bool` test sorts its NULLs as the `false` it selects.)
            node: crate::plan::bool_value::<T>(self.node),
            desc: false,
            nulls_first: None,
            ty: Some(T::COLUMN_TYPE),
        });
    }
}

#[diagnostic::do_not_recommend]
impl<T: SqlType> OrderSpec for Desc<T> {
    fn push_order(self, out: &mut Vec<OrderItem>) {
        out.push(OrderItem {
            node: crate::plan::bool_value::<T>(self.0.node),
            desc: true,
            nulls_first: None,
            ty: Some(T::COLUMN_TYPE),
        });
    }
}

/// One item of `order_by` (an expression, `desc(..)` of one, `nulls_first`/`nulls_last` of
/// those) and the type of what it orders by.
#[doc(hidden)]
pub trait OrderKey {
    /// The ordered expression's type.
    type Sql;
}
impl<T: SqlType> OrderKey for Expr<T> {
    type Sql = T;
}
impl<T: SqlType> OrderKey for Desc<T> {
    type Sql = T;
}
impl<O: OrderKey> OrderKey for crate::expr::Nulls<O> {
    type Sql = O::Sql;
}

/// Generated code checks each item of `order_by` through this probe, so that ordering by a
/// JSON document is one error at the user's item ([`crate::types::Sorted`]); an item that
/// is no [`OrderKey`] is left to `OrderSpec`'s own error (the probe falls back to `()`).
/// Called as `(&&OrderKeyProbe(&item)).__colt_sql()`: [`OrderKeyType`], on `&OrderKeyProbe`,
/// is found first when the item is an order key, [`NoOrderKey`] otherwise.
#[doc(hidden)]
pub struct OrderKeyProbe<'a, K>(pub &'a K);

/// The probe of an [`OrderKey`]: its type.
#[doc(hidden)]
pub trait OrderKeyType {
    /// The ordered type.
    type Sql;
    fn __colt_sql(&self) -> PhantomData<Self::Sql> {
        PhantomData
    }
}
impl<K: OrderKey> OrderKeyType for &OrderKeyProbe<'_, K> {
    type Sql = K::Sql;
}

/// The probe of anything else: `()`, which passes the check.
#[doc(hidden)]
pub trait NoOrderKey {
    fn __colt_sql(&self) -> PhantomData<()> {
        PhantomData
    }
}
impl<K> NoOrderKey for OrderKeyProbe<'_, K> {}

#[diagnostic::do_not_recommend]
impl<O: OrderSpec> OrderSpec for crate::expr::Nulls<O> {
    fn push_order(self, out: &mut Vec<OrderItem>) {
        let start = out.len();
        self.order.push_order(out);
        for item in &mut out[start..] {
            item.nulls_first = Some(self.first);
        }
    }
}

macro_rules! tuple_order {
    ($($t:ident),+) => {
        #[diagnostic::do_not_recommend]
        impl<$($t: OrderSpec),+> OrderSpec for ($($t,)+) {
            #[allow(non_snake_case)]
            fn push_order(self, out: &mut Vec<OrderItem>) {
                let ($($t,)+) = self;
                $($t.push_order(out);)+
            }
        }
    };
}
tuple_order!(A);
tuple_order!(A, B);
tuple_order!(A, B, C);
tuple_order!(A, B, C, D);
tuple_order!(A, B, C, D, E);
tuple_order!(A, B, C, D, E, F);

/// What tells one instantiation of a call site from another (a `select!` in a generic
/// function or a trait's default method is one `static` site for every instantiation): the
/// entities it ranges over, in the order the query names them, and the types of its outer
/// values, which the plan's shape depends on (an `Option` compares NULL-safely, an `f64`
/// beside an `f32` attribute is rounded, ...).
#[derive(Debug, Clone, Copy)]
pub enum SitePart {
    /// An entity (`None` for a path that is not one, which does not compile anyway).
    Entity(Option<&'static EntityMeta>),
    /// The type of an outer value, by name ([`std::any::type_name`]: lifetimes aside, which
    /// no plan depends on).
    Param(&'static str),
}

/// The parts of one instantiation of a call site (see [`SitePart`]).
pub type SiteEntities = [SitePart];

/// The [`SitePart`] of an outer value's type.
#[inline]
pub fn param_type<T: ?Sized>(_: &T) -> SitePart {
    SitePart::Param(std::any::type_name::<T>())
}

pub(crate) fn same_entities(a: &SiteEntities, b: &SiteEntities) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (SitePart::Entity(Some(x)), SitePart::Entity(Some(y))) => std::ptr::eq(*x, *y),
            (SitePart::Entity(None), SitePart::Entity(None)) => true,
            // (One instantiation's name is one static string: compared by address first.)
            (SitePart::Param(x), SitePart::Param(y)) => {
                (std::ptr::eq(x.as_ptr(), y.as_ptr()) && x.len() == y.len()) || x == y
            }
            _ => false,
        })
}

/// A plan and the entities it was built for.
type KeptPlan = (Box<SiteEntities>, Arc<Plan>);

/// How many plans a call site keeps for instantiations other than its first (a `select!`
/// in a generic function): a list, searched in order.
const OTHER_INSTANTIATIONS: usize = 64;

/// Finds `MetaProbe<T>::colt_meta` as the entity's metadata when `T` is an entity (method
/// resolution prefers this impl, on `MetaProbe<T>`, to the fallback on `&MetaProbe<T>`).
pub struct MetaProbe<T: ?Sized>(std::marker::PhantomData<fn() -> *const T>);

impl<T: ?Sized> MetaProbe<T> {
    /// The probe of `T`.
    pub const fn new() -> Self {
        MetaProbe(std::marker::PhantomData)
    }
}

impl<T: ?Sized> Default for MetaProbe<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The metadata of an entity type, for call-site keys.
pub trait ProbeEntity {
    /// `Some(T::meta())`.
    fn colt_meta(&self) -> Option<&'static EntityMeta>;
}

impl<T: Entity> ProbeEntity for MetaProbe<T> {
    #[inline]
    fn colt_meta(&self) -> Option<&'static EntityMeta> {
        Some(T::meta())
    }
}

/// The fallback of [`ProbeEntity`] for a type that is not an entity.
pub trait ProbeOther {
    /// `None`.
    fn colt_meta(&self) -> Option<&'static EntityMeta>;
}

impl<T: ?Sized> ProbeOther for &MetaProbe<T> {
    #[inline]
    fn colt_meta(&self) -> Option<&'static EntityMeta> {
        None
    }
}

/// One `select!` call site: its plan is built the first time it runs, then reused. A call
/// site inside a generic function keeps one plan per instantiation's entities.
pub struct QuerySite {
    plan: OnceLock<KeptPlan>,
    others: Mutex<Vec<KeptPlan>>,
    /// Plans by the query values they were built with (`query_with`).
    with_subs: SubPlans,
}

impl Default for QuerySite {
    fn default() -> Self {
        Self::new()
    }
}

impl QuerySite {
    /// An empty site (a `static` in the generated code).
    pub const fn new() -> Self {
        QuerySite {
            plan: OnceLock::new(),
            others: Mutex::new(Vec::new()),
            with_subs: SubPlans::new(),
        }
    }

    /// [`QuerySite::query`] for a call site with `outer.contains(..)` parameters: `subs`
    /// says, per parameter, which are query values (their plans and parameters).
    pub fn query_with<P, F>(
        &'static self,
        entities: &SiteEntities,
        subs: Vec<Option<SubQuery>>,
        build: F,
        params: Vec<Value>,
    ) -> Query<P::Row>
    where
        P: Projection,
        F: FnOnce(&PlanBuilder) -> P,
    {
        if subs.iter().all(Option::is_none) {
            return self.query(entities, build, params);
        }
        let plan = self
            .with_subs
            .get_or_build(entities, None, key_of(&subs), || {
                build_plan(new_builder().with_subs(&subs), Some(build))
            });
        Query::from_parts(plan, bind(params, subs))
    }

    /// The query of this site with this run's parameter values.
    pub fn query<P, F>(
        &'static self,
        entities: &SiteEntities,
        build: F,
        params: Vec<Value>,
    ) -> Query<P::Row>
    where
        P: Projection,
        F: FnOnce(&PlanBuilder) -> P,
    {
        let mut build = Some(build);
        let (first, plan) = self.plan.get_or_init(|| {
            let build = build.take();
            (entities.into(), Arc::new(build_plan(new_builder(), build)))
        });
        if same_entities(first, entities) {
            return Query::from_parts(plan.clone(), params);
        }
        // Another instantiation of a generic function.
        let mut others = self.others.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, plan)) = others.iter().find(|(e, _)| same_entities(e, entities)) {
            return Query::from_parts(plan.clone(), params);
        }
        let plan = Arc::new(build_plan(new_builder(), build.take()));
        if others.len() >= OTHER_INSTANTIATIONS {
            others.remove(0);
        }
        others.push((entities.into(), plan.clone()));
        Query::from_parts(plan, params)
    }
}

/// A builder of a new plan.
fn new_builder() -> PlanBuilder {
    PlanBuilder::new(Plan::new(Vec::new()), 0)
}

/// Builds the plan a call site describes. (`build` is always there: a run builds at most
/// once; without it the plan is empty and reports a problem when it runs.)
fn build_plan<P, F>(b: PlanBuilder, build: Option<F>) -> Plan
where
    P: Projection,
    F: FnOnce(&PlanBuilder) -> P,
{
    match build {
        Some(build) => {
            let projection = build(&b);
            projection.push_items(&mut b.plan.borrow_mut().projection);
        }
        None => b.state.problem(Problem::Query(
            "a call site was built twice in one run".to_string(),
        )),
    }
    b.into_plan()
}

/// Query results whose variables a refinement can name: objects and tuples of objects.
#[diagnostic::on_unimplemented(
    message = "a `Query<{Self}>` cannot be refined with `select!(q.filter(..))`",
    label = "refinement needs a query that returns entity objects",
    note = "refine the query before it projects attributes (`.map` comes last), or build the whole query in one `select!`"
)]
pub trait Refinable {
    /// Generated code calls this before refining: a query that cannot be refined is then
    /// reported at the user's query value, and never with a note naming Colt's function.
    #[doc(hidden)]
    #[inline(always)]
    fn __check(_: ::core::marker::PhantomData<Self>) {}
    /// The column handles of the variables, one per returned object.
    type Vars;
    /// The handles for this plan, or `None` if its projection does not match.
    fn vars(b: &PlanBuilder, plan: &Plan) -> Option<Self::Vars>;
}

fn entity_source<E: Entity>(b: &PlanBuilder, plan: &Plan, position: usize) -> Option<E::Columns> {
    match plan.projection.get(position) {
        Some(ProjItem::Entity(s))
            if plan
                .sources
                .get(*s as usize)
                .is_some_and(|src| std::ptr::eq(src.entity, E::meta())) =>
        {
            Some(E::columns(b.at(*s)))
        }
        _ => None,
    }
}

#[diagnostic::do_not_recommend]
impl<E: Entity> Refinable for Obj<E> {
    type Vars = (E::Columns,);
    fn vars(b: &PlanBuilder, plan: &Plan) -> Option<Self::Vars> {
        Some((entity_source::<E>(b, plan, 0)?,))
    }
}

macro_rules! tuple_refinable {
    ($($t:ident $n:tt),+) => {
        #[diagnostic::do_not_recommend]
        impl<$($t: Entity),+> Refinable for ($(Obj<$t>,)+) {
            type Vars = ($($t::Columns,)+);
            fn vars(b: &PlanBuilder, plan: &Plan) -> Option<Self::Vars> {
                Some(($(entity_source::<$t>(b, plan, $n)?,)+))
            }
        }
    };
}
tuple_refinable!(A 0, B 1);
tuple_refinable!(A 0, B 1, C 2);
tuple_refinable!(A 0, B 1, C 2, D 3);

/// How many refined plans one refinement site keeps (per base plan).
const REFINED_PLANS: usize = 64;

/// Refined plans by base plan address: the base plan (owned, so that its address is not
/// reused while it is a key), and the refined plan per instantiation's entities.
type RefinedPlans = LruCache<usize, (Arc<Plan>, Vec<KeptPlan>)>;

/// A call site refining an existing query (`select!(q.filter(|p| ..))`): its plans depend on
/// the base query's plan, so they are kept per base plan in a small LRU cache.
pub struct RefineSite {
    cache: Mutex<Option<RefinedPlans>>,
    /// Plans by base plan and the query values they were built with (`refine_with`).
    with_subs: SubPlans,
}

impl Default for RefineSite {
    fn default() -> Self {
        Self::new()
    }
}

impl RefineSite {
    /// An empty site (a `static` in the generated code).
    pub const fn new() -> Self {
        RefineSite {
            cache: Mutex::new(None),
            with_subs: SubPlans::new(),
        }
    }

    /// [`RefineSite::refine`] for a refinement with `outer.contains(..)` parameters: `subs`
    /// says, per parameter, which are query values.
    pub fn refine_with<R, F>(
        &'static self,
        base: &Query<R>,
        entities: &SiteEntities,
        subs: Vec<Option<SubQuery>>,
        build: F,
        params: Vec<Value>,
    ) -> Query<R>
    where
        R: Refinable,
        F: FnOnce(&PlanBuilder, R::Vars),
    {
        if subs.iter().all(Option::is_none) || base.is_paged() {
            return self.refine(base, entities, build, params);
        }
        let base_plan = base.plan();
        let plan = self
            .with_subs
            .get_or_build(entities, Some(base_plan), key_of(&subs), || {
                let b =
                    PlanBuilder::new((**base_plan).clone(), base.params().len()).with_subs(&subs);
                match R::vars(&b, base_plan) {
                    Some(vars) => {
                        build(&b, vars);
                        b.into_plan()
                    }
                    None => {
                        let mut plan = (**base_plan).clone();
                        plan.problems.push(Problem::Query(
                            "this refinement does not match the objects its query returns"
                                .to_string(),
                        ));
                        plan
                    }
                }
            });
        base.with_plan(plan, bind(params, subs))
    }

    /// `base` refined by this site, with this run's extra parameter values.
    pub fn refine<R, F>(
        &'static self,
        base: &Query<R>,
        entities: &SiteEntities,
        build: F,
        params: Vec<Value>,
    ) -> Query<R>
    where
        R: Refinable,
        F: FnOnce(&PlanBuilder, R::Vars),
    {
        let base_plan = base.plan();
        if base.is_paged() {
            // The refinement's conditions would join the base query's WHERE and so apply
            // before its LIMIT: other rows than "the objects the query returns". An error
            // rather than those rows.
            let mut plan = (**base_plan).clone();
            plan.problems.push(Problem::Query(
                "a query with `limit`, `offset` or `page` cannot be refined (the refinement would apply before the limit, to other rows): refine first, then limit (`select!(q.filter(..)).limit(n)`)".to_string(),
            ));
            return base.with_plan(Arc::new(plan), params);
        }
        let key = Arc::as_ptr(base_plan) as usize;
        let mut guard = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let cache = guard.get_or_insert_with(|| {
            LruCache::new(NonZeroUsize::new(REFINED_PLANS).unwrap_or(NonZeroUsize::MIN))
        });
        if let Some((b, refined)) = cache.get(&key) {
            if Arc::ptr_eq(b, base_plan) {
                if let Some((_, plan)) = refined.iter().find(|(e, _)| same_entities(e, entities)) {
                    return base.with_plan(plan.clone(), params);
                }
            }
        }
        drop(guard);
        let b = PlanBuilder::new((**base_plan).clone(), base.params().len());
        let refined = match R::vars(&b, base_plan) {
            Some(vars) => {
                build(&b, vars);
                Arc::new(b.into_plan())
            }
            // The projection is not the objects the types promise (a plan built elsewhere):
            // an error when the query runs, never the unrefined rows.
            None => {
                let mut plan = (**base_plan).clone();
                plan.problems.push(Problem::Query(
                    "this refinement does not match the objects its query returns".to_string(),
                ));
                Arc::new(plan)
            }
        };
        let mut guard = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(cache) = guard.as_mut() {
            let kept = (entities.into(), refined.clone());
            match cache.get_mut(&key) {
                Some((b, plans)) if Arc::ptr_eq(b, base_plan) => {
                    if plans.len() >= OTHER_INSTANTIATIONS {
                        plans.remove(0);
                    }
                    plans.push(kept);
                }
                _ => {
                    cache.put(key, (base_plan.clone(), vec![kept]));
                }
            }
        }
        base.with_plan(refined, params)
    }
}
