//! A query value inside another query: `ids.contains(&p.id)`, where `ids` is a
//! `Query<i64>` made by another `select!`, is `COALESCE(p.id IN (SELECT ..), FALSE)`, one
//! statement (PonyORM's `x in select(..)`).
//!
//! The inner query's plan becomes part of the outer plan ([`Node::InQuery`]); its parameter
//! values (its own, then its limit and offset) come after the outer query's, so its
//! placeholders are numbered from there. A call site's plan then depends on which inner plans
//! it was built with: it is kept per inner plan (and per instantiation's entities) in a small
//! list, each kept plan holding its inner plans so that their addresses stay theirs.
//!
//! The outer query reads what the inner one reads (the result cache goes stale with a write
//! to either). The test is never unknown, as `contains` on a list: a NULL value, or a value
//! not in an inner result that holds NULLs, is not in it.

use std::sync::{Arc, Mutex};

use crate::expr::{ContainsValue, OuterContains};
use crate::plan::{Node, Plan, Problem, ProjItem, SubFlags, SubPlan};
use crate::promotion::widened;
use crate::query::Query;
use crate::site::{same_entities, PlanBuilder, SiteEntities};
use crate::types::{ColumnType, Comparable, SqlType, TypedParam};
use crate::value::Value;

/// A query value as a part of another query: its plan, how it renders, its parameters.
#[doc(hidden)]
pub struct SubQuery {
    pub(crate) plan: Arc<Plan>,
    pub(crate) flags: SubFlags,
    pub(crate) params: Vec<Value>,
}

impl<R> ContainsValue for Query<R> {
    /// Unused: the inner query's own parameters are bound after the outer query's.
    fn contains_value(&self) -> Value {
        Value::Null
    }

    fn sub_query(&self) -> Option<SubQuery> {
        Some(SubQuery {
            plan: self.plan().clone(),
            flags: self.sub_flags(),
            params: self.parameters(),
        })
    }
}

/// `q.contains(&attr)` for a query `q` of single values comparable with the attribute.
#[diagnostic::do_not_recommend]
impl<T: SqlType, R: TypedParam> OuterContains<T> for Query<R>
where
    R::Sql: Comparable<T>,
{
    fn contains_node(b: &PlanBuilder, index: usize, elem: Node) -> Node {
        if T::COLUMN_TYPE == ColumnType::Float
            && <R::Sql as SqlType>::COLUMN_TYPE == ColumnType::Double
        {
            // `==` rounds an f64 compared with an f32 attribute to f32; a sub-query's
            // values cannot be rounded so.
            b.problem(Problem::Query(
                "an f32 attribute cannot be tested against a query of f64 values: collect the values into a Vec<f64> first (they are then rounded to f32, as `==` rounds them)".to_string(),
            ));
            return Node::Param(index);
        }
        if <R::Sql as SqlType>::COLUMN_TYPE == ColumnType::Json {
            // JSON documents compare as documents (`==` says how), not as the text or the
            // `jsonb` a sub-query's `IN` would compare.
            b.problem(Problem::Query(
                "a query of JSON values cannot be used with `.contains(..)` in another query: compare with `==`, or collect the values into a Vec first".to_string(),
            ));
            return Node::Param(index);
        }
        let types = (<R::Sql as SqlType>::COLUMN_TYPE, T::COLUMN_TYPE);
        b.sub_query_node(index, elem, types)
    }
}

/// What a kept plan was built with: the inner plans by parameter (`None` for the other
/// parameters) and their flags.
pub(crate) type SubKey = Vec<Option<(Arc<Plan>, SubFlags)>>;

/// The key of a run's inner queries.
pub(crate) fn key_of(subs: &[Option<SubQuery>]) -> SubKey {
    subs.iter()
        .map(|s| s.as_ref().map(|s| (s.plan.clone(), s.flags)))
        .collect()
}

fn same_key(a: &SubKey, b: &SubKey) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Some((p, f)), Some((q, g))) => Arc::ptr_eq(p, q) && f == g,
            (None, None) => true,
            _ => false,
        })
}

/// How many plans a call site with query values keeps (searched in order; the oldest goes).
const KEPT: usize = 16;

/// A plan kept by a call site with query values.
struct Kept {
    entities: Box<SiteEntities>,
    /// A refinement's base plan (kept, so that its address stays its own).
    base: Option<Arc<Plan>>,
    subs: SubKey,
    plan: Arc<Plan>,
}

/// The plans of one call site with query values.
#[derive(Default)]
pub(crate) struct SubPlans {
    kept: Mutex<Vec<Kept>>,
}

impl SubPlans {
    pub(crate) const fn new() -> Self {
        SubPlans {
            kept: Mutex::new(Vec::new()),
        }
    }

    /// The plan built for these entities, base plan and inner plans, if kept; else the one
    /// `build` makes, kept.
    pub(crate) fn get_or_build(
        &self,
        entities: &SiteEntities,
        base: Option<&Arc<Plan>>,
        subs: SubKey,
        build: impl FnOnce() -> Plan,
    ) -> Arc<Plan> {
        let same_base = |k: &Kept| match (&k.base, base) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        {
            let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(k) = kept.iter().find(|k| {
                same_entities(&k.entities, entities) && same_base(k) && same_key(&k.subs, &subs)
            }) {
                return k.plan.clone();
            }
        }
        let plan = Arc::new(build());
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= KEPT {
            kept.remove(0);
        }
        kept.push(Kept {
            entities: entities.into(),
            base: base.cloned(),
            subs,
            plan: plan.clone(),
        });
        plan
    }
}

/// `params` (a call site's own, the query values' slots among them) without the slots, then
/// every query value's parameters.
pub(crate) fn bind(mut params: Vec<Value>, subs: Vec<Option<SubQuery>>) -> Vec<Value> {
    let mut i = 0;
    params.retain(|_| {
        let keep = subs.get(i).is_none_or(Option::is_none);
        i += 1;
        keep
    });
    params.extend(subs.into_iter().flatten().flat_map(|s| s.params));
    params
}

impl PlanBuilder {
    /// The test of `elem` against the query value of parameter `index`, the query's values
    /// and `elem` of `types`: compared as `==` compares them (an integer with floats as
    /// `i as f64`, [`crate::promotion::widened`]).
    pub(crate) fn sub_query_node(
        &self,
        index: usize,
        elem: Node,
        types: (ColumnType, ColumnType),
    ) -> Node {
        let Some((plan, flags, base)) = self.sub_at(index) else {
            self.problem(Problem::Query(
                "a query value inside a query was not given to the call site".to_string(),
            ));
            return Node::Param(index);
        };
        if !plan.assignments.is_empty() {
            self.problem(Problem::Query(
                "a query with `.set(..)` cannot be used inside another query".to_string(),
            ));
        }
        for p in &plan.problems {
            self.problem(p.clone());
        }
        // A query of objects stands for their keys (`shelves.contains(&b.shelf)`).
        let plan = match plan.projection.as_slice() {
            [ProjItem::Entity(s)] => {
                let source = &plan.sources[*s as usize];
                match source.entity.primary_key {
                    [key] => {
                        let mut keys = (*plan).clone();
                        keys.projection = vec![ProjItem::Expr(Node::Column {
                            source: *s,
                            column: *key as u16,
                        })];
                        Arc::new(keys)
                    }
                    _ => {
                        self.problem(Problem::Query(
                            "a query of objects with a composite key cannot be used with `.contains(..)` in another query".to_string(),
                        ));
                        plan
                    }
                }
            }
            _ => plan,
        };
        let value = match plan.projection.as_slice() {
            [ProjItem::Expr(v)] => Some(v.clone()),
            _ => None,
        };
        let (plan, elem, values_as) = match value {
            Some(v) => match widened(types.0, types.1, v.clone(), elem) {
                (values, elem) if values == v => (plan, elem, None),
                // Cast outside the statement (its grouping and ordering name the values as
                // they are); a projected integer parameter typed so too.
                (Node::Cast(inner, to), elem) if *inner == v => (plan, elem, Some(to)),
                // (A projected float parameter narrowed: the statement's own value.)
                (values, elem) => {
                    let mut plan = (*plan).clone();
                    plan.projection = vec![ProjItem::Expr(values)];
                    (Arc::new(plan), elem, None)
                }
            },
            None => (plan, elem, None),
        };
        self.keep_sub_plan(&plan);
        let sub = SubPlan {
            plan,
            flags,
            base,
            values_as,
        };
        Node::InQuery(Box::new(elem), sub)
    }
}
