//! The metadata of relationships and how the two sides of one pair up: which field of the
//! other entity is the partner of a `Ref` or a `Set`, the join table of a many-to-many, the
//! reverse side of a one-to-one (which holds no column). Schema knowledge only: rendering,
//! binding and the runtime all read it; it reads nothing but entity metadata.

use crate::entity::EntityMeta;

/// What kind of relationship a field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelKind {
    /// `Ref<T>`: a required foreign key.
    Ref,
    /// `Option<Ref<T>>`: an optional foreign key.
    OptionalRef,
    /// `Set<T>`: no column; the reverse of a reference, or one side of a many-to-many.
    Set,
}

/// One relationship field of an entity.
#[derive(Debug, Clone, Copy)]
pub struct RelationMeta {
    /// The Rust field name.
    pub field: &'static str,
    /// Its kind.
    pub kind: RelKind,
    /// The other entity.
    pub target: fn() -> &'static EntityMeta,
    /// The field of the other entity this one pairs with, when given (`reverse = ".."`).
    pub reverse: Option<&'static str>,
    /// For references: the position of the foreign key column in the entity's columns.
    pub column: Option<usize>,
    /// On a `Set`: deleting the owner deletes the members (`cascade_delete`).
    pub cascade_delete: bool,
    /// On a many-to-many `Set`: the names of an existing link table, where given.
    pub link: LinkNames,
}

impl RelationMeta {
    /// How many columns a reference is stored in: one per key column of its target (a
    /// `Set` has none).
    pub fn width(&self) -> usize {
        match self.kind {
            RelKind::Set => 0,
            RelKind::Ref | RelKind::OptionalRef => (self.target)().primary_key.len(),
        }
    }
}

/// The reference of `meta` whose columns include `column`: the relation, its first column
/// and its width (a reference to a composite key spans one column per key column).
pub fn reference_of(
    meta: &'static EntityMeta,
    column: usize,
) -> Option<(&'static RelationMeta, usize, usize)> {
    meta.relations.iter().find_map(|r| {
        let first = r.column?;
        let width = r.width().max(1);
        (first <= column && column < first + width).then_some((r, first, width))
    })
}

/// The columns of the field whose first column is `first`: one, or a reference's.
pub fn field_columns(meta: &'static EntityMeta, first: usize) -> std::ops::Range<usize> {
    match reference_of(meta, first) {
        Some((_, start, width)) if start == first => first..first + width,
        _ => first..first + 1,
    }
}

/// The unique keys of `meta` besides its primary key, as column positions: each `unique`
/// field's columns, the stored side of each one-to-one, then each `unique(a, b)`.
pub fn unique_keys(meta: &'static EntityMeta) -> Vec<Vec<usize>> {
    let mut keys: Vec<Vec<usize>> = Vec::new();
    for (i, c) in meta.columns.iter().enumerate() {
        let first = reference_of(meta, i).map_or(i, |(_, start, _)| start);
        // (A key column is unique by the key only when it is the whole key.)
        if c.unique && first == i && !field_columns(meta, i).eq(meta.primary_key.iter().copied()) {
            keys.push(field_columns(meta, i).collect());
        }
    }
    for (column, _, _) in stored_one_to_one(meta) {
        keys.push(field_columns(meta, column).collect());
    }
    for u in meta.uniques {
        keys.push(u.iter().flat_map(|&f| field_columns(meta, f)).collect());
    }
    keys
}

/// The columns of the unique key of `meta` that `fields` name (in that order): the primary
/// key's, a `unique` field's, or those of a `unique(a, b)`.
///
/// # Errors
/// A message naming the entity's unique keys when `fields` is not one of them.
pub fn unique_key(meta: &'static EntityMeta, fields: &[&str]) -> Result<Vec<usize>, String> {
    let mut columns = Vec::new();
    for f in fields {
        match meta.columns.iter().position(|c| c.field == *f) {
            Some(first) => columns.extend(field_columns(meta, first)),
            None => return Err(format!("`{}` has no field `{f}`", meta.name)),
        }
    }
    let set = |mut v: Vec<usize>| {
        v.sort_unstable();
        v.dedup();
        v
    };
    let wanted = set(columns.clone());
    // The primary key, unless the database gives it (then no value names an existing row).
    let mut keys: Vec<Vec<usize>> = Vec::new();
    if meta.auto_column().is_none() {
        keys.push(meta.primary_key.to_vec());
    }
    keys.extend(unique_keys(meta));
    if keys.iter().any(|k| set(k.clone()) == wanted) {
        // Each column once (a field named twice), in the order given.
        let mut once = Vec::new();
        for c in columns {
            if !once.contains(&c) {
                once.push(c);
            }
        }
        return Ok(once);
    }
    let names = |k: &Vec<usize>| {
        let mut fields: Vec<&str> = k.iter().map(|&c| meta.columns[c].field).collect();
        fields.dedup();
        format!("[{}]", fields.join(", "))
    };
    Err(format!(
        "[{}] is not a unique key of `{}`: `upsert_on` names the fields of one ({})",
        fields.join(", "),
        meta.name,
        keys.iter().map(names).collect::<Vec<_>>().join(", ")
    ))
}

/// The names a many-to-many `Set` gives its link table (`#[colt(table = "PlaylistTrack",
/// column = "PlaylistId", reverse_column = "TrackId")]`), for a table Colt did not create.
/// Either side may name any of them; a name not given is Colt's own (see [`LinkTable`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkNames {
    /// The link table.
    pub table: Option<&'static str>,
    /// The column holding this side's key.
    pub column: Option<&'static str>,
    /// The column holding the other side's key.
    pub reverse_column: Option<&'static str>,
}

impl LinkNames {
    /// Whether any name is given.
    pub fn is_given(&self) -> bool {
        self.table.is_some() || self.column.is_some() || self.reverse_column.is_some()
    }

    /// The same names seen from the other side.
    fn mirrored(self) -> LinkNames {
        LinkNames {
            table: self.table,
            column: self.reverse_column,
            reverse_column: self.column,
        }
    }

    /// Where both sides name something, whether they agree (`None`) or the first clash.
    pub(crate) fn clash(self, other_side: LinkNames) -> Option<String> {
        let theirs = other_side.mirrored();
        let pairs = [
            ("table", self.table, theirs.table),
            ("column", self.column, theirs.column),
            ("reverse_column", self.reverse_column, theirs.reverse_column),
        ];
        pairs.into_iter().find_map(|(what, a, b)| match (a, b) {
            (Some(a), Some(b)) if a != b => Some(format!("{what} `{a}` against `{b}`")),
            _ => None,
        })
    }
}

/// The join table of a many-to-many relationship: by default `{a}_{b}` (the two table names
/// in alphabetical order), a column named after each table, both together the primary key;
/// or the names either side gives ([`LinkNames`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTable {
    /// The table name.
    pub table: String,
    /// The column holding the owner's key.
    pub owner_column: String,
    /// The column holding the member's key.
    pub member_column: String,
}

/// One side of a many-to-many relationship: its entity and `Set`, the other entity and its
/// `Set`, and the link table.
pub(crate) struct ManyToManySide {
    pub owner: &'static EntityMeta,
    pub rel: &'static RelationMeta,
    pub target: &'static EntityMeta,
    pub partner: &'static RelationMeta,
    pub link: LinkTable,
}

/// Every side of every many-to-many relationship among `entities` (each relationship twice,
/// once from each `Set`), in the entities' order.
pub(crate) fn many_to_many_sides(entities: &[&'static EntityMeta]) -> Vec<ManyToManySide> {
    let mut out = Vec::new();
    for e in entities {
        for rel in e.relations {
            let Ok(Partner::Set { relation }) = partner(e, rel) else {
                continue;
            };
            if rel.kind != RelKind::Set {
                continue;
            }
            let target = (rel.target)();
            if let Some(partner) = target.relations.get(relation) {
                out.push(ManyToManySide {
                    owner: e,
                    rel,
                    target,
                    partner,
                    link: link_table(e, rel, partner.field),
                });
            }
        }
    }
    out
}

/// The join table of `owner.rel` (a `Set` whose partner is a `Set` named `partner_field`).
pub fn link_table(owner: &EntityMeta, rel: &RelationMeta, partner_field: &str) -> LinkTable {
    let target = (rel.target)();
    let (a, b) = if owner.table <= target.table {
        (owner.table, target.table)
    } else {
        (target.table, owner.table)
    };
    let (owner_column, member_column) = if owner.table == target.table {
        // A set of the entity itself (followers/following): the side whose field name sorts
        // first holds the plain column.
        let plain = owner.table.to_string();
        let second = format!("{}_2", owner.table);
        if rel.field <= partner_field {
            (plain, second)
        } else {
            (second, plain)
        }
    } else {
        (owner.table.to_string(), target.table.to_string())
    };
    let given = target
        .relations
        .iter()
        .find(|r| r.field == partner_field)
        .map(|partner| partner.link.mirrored())
        .unwrap_or_default();
    let name = |own: Option<&str>, theirs: Option<&str>, default: String| {
        own.or(theirs).map_or(default, str::to_string)
    };
    LinkTable {
        table: name(rel.link.table, given.table, format!("{a}_{b}")),
        owner_column: name(rel.link.column, given.column, owner_column),
        member_column: name(rel.link.reverse_column, given.reverse_column, member_column),
    }
}

/// Whether column `column` of `meta` is the reverse side of a one-to-one (it holds no column;
/// the other side's reference does): then the other entity and its reference column.
///
/// The side with the required `Ref` holds the column; when both are optional, the side whose
/// `Entity.field` sorts first does.
pub fn virtual_column(
    meta: &'static EntityMeta,
    column: usize,
) -> Option<(&'static EntityMeta, usize)> {
    let rel = meta
        .relations
        .iter()
        .find(|r| r.column == Some(column) && r.kind == RelKind::OptionalRef)?;
    let Partner::OneToOne { relation } = partner(meta, rel).ok()? else {
        return None;
    };
    let target = (rel.target)();
    let other = target.relations.get(relation)?;
    let owns_column = match other.kind {
        RelKind::Ref => false,
        RelKind::OptionalRef => (meta.name, rel.field) < (target.name, other.field),
        RelKind::Set => true,
    };
    if owns_column {
        None
    } else {
        Some((target, other.column?))
    }
}

/// [`stored_one_to_one`] of `meta`, worked out once (the entity's statement cache keeps it).
#[inline]
pub(crate) fn stored_links(
    meta: &'static EntityMeta,
) -> &'static [crate::statement_cache::OneToOneColumn] {
    meta.cache
        .one_to_one(|| stored_one_to_one(meta).into_boxed_slice())
}

/// The stored one-to-one references of `meta`: (its column, the other entity, the other
/// side's column-less column).
pub(crate) fn stored_one_to_one(
    meta: &'static EntityMeta,
) -> Vec<(usize, &'static EntityMeta, usize)> {
    let mut out = Vec::new();
    for rel in meta.relations {
        let (Some(column), RelKind::Ref | RelKind::OptionalRef) = (rel.column, rel.kind) else {
            continue;
        };
        let Ok(Partner::OneToOne { relation }) = partner(meta, rel) else {
            continue;
        };
        let target = (rel.target)();
        let Some(reverse) = target.relations.get(relation).and_then(|r| r.column) else {
            continue;
        };
        if is_stored(meta, column) && !is_stored(target, reverse) {
            out.push((column, target, reverse));
        }
    }
    out
}

/// The column-less columns of `meta` (kept in its metadata after the first call).
pub(crate) fn virtual_columns(meta: &'static EntityMeta) -> &'static [usize] {
    meta.cache.virtual_columns(|| {
        (0..meta.columns.len())
            .filter(|&c| !is_stored(meta, c))
            .collect()
    })
}

/// The error for a change of column-less column `column` of `meta`.
pub(crate) fn reverse_side_error(meta: &'static EntityMeta, column: usize) -> crate::Error {
    let (other, other_field) =
        virtual_column(meta, column).map_or(("", ""), |(o, fk)| (o.name, o.columns[fk].field));
    crate::Error::ReverseSide {
        entity: meta.name,
        field: meta.columns[column].field,
        other,
        other_field,
    }
}

/// Whether column `column` of `meta` is stored in its table.
pub fn is_stored(meta: &'static EntityMeta, column: usize) -> bool {
    virtual_column(meta, column).is_none()
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
    /// A reference of the other entity back: one-to-one.
    OneToOne {
        /// The other side's relation.
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
        (RelKind::Ref, RelKind::Ref) => Err(format!(
            "`{}.{}` and `{}.{}` are both required references: a one-to-one relationship has a `Ref` on one side and an `Option<Ref>` on the other",
            owner.name, rel.field, target.name, other.field
        )),
        (RelKind::Ref | RelKind::OptionalRef, RelKind::Ref | RelKind::OptionalRef) => {
            Ok(Partner::OneToOne { relation: index })
        }
    }
}
