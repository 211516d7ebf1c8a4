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
use crate::plan::{Join, JoinKind, Node, Source};
use crate::relation::{Ref, RelKind, RelationMeta};

thread_local! {
    /// The sources of the plan being built on this thread (a stack: builds may nest).
    static ARENA: RefCell<Vec<Vec<Source>>> = const { RefCell::new(Vec::new()) };
    /// Problems found while building (a relationship without its other side).
    static PROBLEMS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Starts collecting the sources of a plan (with the sources it already has).
pub(crate) fn begin(sources: Vec<Source>) {
    ARENA.with(|a| a.borrow_mut().push(sources));
}

/// Stops collecting and returns the sources and any problems found.
pub(crate) fn finish() -> (Vec<Source>, Vec<String>) {
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

pub(crate) fn problem(message: String) {
    PROBLEMS.with(|p| p.borrow_mut().push(message));
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

/// Adds a source (a query variable when `join` is `None` or it is a collection generator).
pub(crate) fn push(
    entity: &'static EntityMeta,
    alias: &str,
    join: Option<Join>,
    variable: bool,
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
        let left = optional
            || matches!(
                parent_src.join,
                Some(Join {
                    kind: JoinKind::Left,
                    ..
                })
            );
        let key = *entity.primary_key.first()? as u16;
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
        let alias = format!(
            "{}_{}",
            parent_src.alias, parent_src.entity.columns[column as usize].field
        );
        Some((found, join, alias))
    });
    match existing {
        Some((Some(i), _, _)) => i,
        Some((None, join, alias)) => push(entity, &alias, Some(join), false),
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

/// A `Set` attribute in a query: a collection to range over (`for o in c.orders`).
pub struct SetCol<T: Entity> {
    source: u16,
    owner: fn() -> &'static EntityMeta,
    relation: usize,
    _t: std::marker::PhantomData<fn() -> T>,
}

impl<T: Entity> SetCol<T> {
    /// The handle of relation number `relation` of `owner`, for query variable `source`.
    pub fn new(source: u16, owner: fn() -> &'static EntityMeta, relation: usize) -> Self {
        SetCol {
            source,
            owner,
            relation,
            _t: std::marker::PhantomData,
        }
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
        let owner = (self.owner)();
        let Some(rel) = self.relation() else {
            return u16::MAX;
        };
        match partner(owner, rel) {
            Ok(Partner::Reference { column }) => {
                let owner_key = owner.primary_key.first().copied().unwrap_or(0) as u16;
                push(
                    T::meta(),
                    alias,
                    Some(Join {
                        kind: JoinKind::Inner,
                        parent: self.source,
                        parent_column: owner_key,
                        column: column as u16,
                        via: None,
                    }),
                    true,
                )
            }
            Ok(Partner::Set { relation }) => {
                let target = T::meta();
                let partner_field = target.relations.get(relation).map_or("", |r| r.field);
                let link = crate::relation::link_table(owner, rel, partner_field);
                let owner_key = owner.primary_key.first().copied().unwrap_or(0) as u16;
                let member_key = target.primary_key.first().copied().unwrap_or(0) as u16;
                push(
                    target,
                    alias,
                    Some(Join {
                        kind: JoinKind::Inner,
                        parent: self.source,
                        parent_column: owner_key,
                        column: member_key,
                        via: Some(intern_link(link)),
                    }),
                    true,
                )
            }
            Err(message) => {
                problem(message);
                push(T::meta(), alias, None, true)
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

/// The other side of a `Set`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partner {
    /// A reference of the member entity, with its column's position.
    Reference {
        /// The member's foreign key column.
        column: usize,
    },
    /// A `Set` of the member entity: many-to-many.
    Set {
        /// The position of that `Set` in the member's relations.
        relation: usize,
    },
}

/// Finds the field of `rel.target` that pairs with `owner.rel`, as PonyORM does: the one
/// `reverse` names, or the only relationship of the target back to the owner.
///
/// # Errors
/// A message naming both sides when there is none, or more than one candidate.
pub fn partner(owner: &'static EntityMeta, rel: &RelationMeta) -> Result<Partner, String> {
    let target = (rel.target)();
    let candidates: Vec<(usize, &RelationMeta)> = target
        .relations
        .iter()
        .enumerate()
        .filter(|(_, r)| std::ptr::eq((r.target)(), owner))
        .filter(|(_, r)| {
            // Not the field itself (self-references), and consistent with any `reverse`.
            !(std::ptr::eq(target, owner) && r.field == rel.field)
                && rel.reverse.is_none_or(|want| r.field == want)
                && r.reverse.is_none_or(|want| rel.field == want)
        })
        .collect();
    let chosen = match candidates.as_slice() {
        [one] => *one,
        [] => {
            return Err(format!(
                "`{}.{}` has no other side: declare a field in `{}` that refers back to `{}`{}",
                owner.name,
                rel.field,
                target.name,
                owner.name,
                rel.reverse
                    .map(|r| format!(" (named `{r}`, as `reverse` says)"))
                    .unwrap_or_default()
            ))
        }
        many => {
            return Err(format!(
                "`{}.{}` could pair with several fields of `{}` ({}): name one with `#[colt(reverse = \"..\")]`",
                owner.name,
                rel.field,
                target.name,
                many.iter()
                    .map(|(_, r)| format!("`{}`", r.field))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    };
    let (index, other) = chosen;
    match (rel.kind, other.kind) {
        (RelKind::Set, RelKind::Ref | RelKind::OptionalRef) => Ok(Partner::Reference {
            column: other.column.unwrap_or(0),
        }),
        (RelKind::Set, RelKind::Set) => Ok(Partner::Set { relation: index }),
        (RelKind::Ref | RelKind::OptionalRef, RelKind::Set) => Ok(Partner::Set { relation: index }),
        (RelKind::Ref | RelKind::OptionalRef, RelKind::Ref | RelKind::OptionalRef) => {
            Err(format!(
                "`{}.{}` and `{}.{}` are both references: one-to-one relationships are not supported yet; make one side a `Set`",
                owner.name, rel.field, target.name, other.field
            ))
        }
    }
}
