//! The schema the entities of a crate's sources declare, table by table, as `create_tables`
//! would make it: the same column types (`introspect::declared_type`), `DEFAULT` literals
//! (`introspect::default_literal`), keys, foreign keys, unique constraints and indexes, the
//! reverse side of a one-to-one holding no column, and the link table of each many-to-many.
//! (`tests/migrate_diff.rs` checks that a database `create_tables` made has no difference
//! from it.)

use colt_model::entity::model::{from_syn, Entity, Field, Rel};
use colt_runtime::introspect::{
    declared_type, default_literal, same_table_name, ColumnInfo, ForeignKeyInfo, IndexInfo,
    TableInfo,
};
use colt_runtime::{ColumnType, Dialect, Value};

use crate::entity_sources::{at, Sources};
use crate::source_types::{last_ident, literal_value, type_text, ValueTypes};
use crate::Failure;

/// A table as the difference sees it: the catalogue's description, and what the entities
/// say of each column.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    /// The table, as `Database::catalog` would read it once made.
    pub info: TableInfo,
    /// Per column of `info`: what the entities say of it (`None` for a database's table).
    pub notes: Vec<Option<ColumnNote>>,
}

/// What the entities say of one column.
#[derive(Debug, Clone)]
pub(crate) struct ColumnNote {
    /// `Entity.field`, for messages.
    pub origin: String,
    /// Its storage type, where the field's type tells it.
    pub ty: Option<ColumnType>,
    /// A `default = ..` that is not a literal (so not written as SQL), as written.
    pub unwritable_default: Option<String>,
}

impl Table {
    /// A table of the database, as read.
    pub fn read(info: TableInfo) -> Table {
        let notes = vec![None; info.columns.len()];
        Table { info, notes }
    }

    /// The note of column `name`.
    pub fn note(&self, name: &str) -> Option<&ColumnNote> {
        let i = self.info.columns.iter().position(|c| c.name == name)?;
        self.notes.get(i)?.as_ref()
    }
}

/// One column an entity field stores (a reference to a composite key stores several).
#[derive(Clone)]
struct Col {
    name: String,
    declared: String,
    ty: Option<ColumnType>,
}

/// The models, with the value types they may use.
struct Model<'a> {
    entities: Vec<(Entity<'a>, &'a std::path::Path)>,
    values: ValueTypes<'a>,
    dialect: Dialect,
}

/// The tables the entities in `sources` declare, in `dialect`.
///
/// # Errors
/// An entity the derive would reject, two entities of one name, a reference to an entity
/// the sources do not declare, a relationship without its other side, or a field whose
/// column type the sources do not tell.
pub(crate) fn tables(sources: &Sources, dialect: Dialect) -> Result<Vec<Table>, Failure> {
    let mut entities = Vec::new();
    for (path, input) in &sources.entities {
        let entity = match from_syn(input) {
            Ok((entity, None)) => entity,
            Ok((_, Some(e))) | Err(e) => {
                return Err(format!(
                    "{}: `{}` is not an entity the derive accepts: {e}",
                    at(path, e.span()),
                    input.ident
                ))
            }
        };
        if let Some((other, other_path)) = entities
            .iter()
            .find(|(o, _): &&(Entity, &std::path::Path)| *o.ident == *entity.ident)
        {
            return Err(format!(
                "two entities are named `{}` ({} and {}): `colt migrate diff` tells entities by name",
                other.ident,
                at(other_path, other.ident.span()),
                at(path, entity.ident.span())
            ));
        }
        entities.push((entity, path.as_path()));
    }
    if entities.is_empty() {
        return Err("the sources declare no entity (no struct with `#[derive(Entity)]`)".into());
    }
    let values = ValueTypes(
        sources
            .values
            .iter()
            .map(|(_, v)| (v.ident.to_string(), v))
            .collect(),
    );
    let model = Model {
        entities,
        values,
        dialect,
    };
    let mut out: Vec<Table> = Vec::new();
    for i in 0..model.entities.len() {
        let table = model.table(i)?;
        // Two entities on one table would be two changes of it, each dropping the other's
        // columns as undeclared: refused, as `Database::bind` refuses them.
        if let Some(j) = out
            .iter()
            .position(|t| same_table_name(&t.info.name, &table.info.name))
        {
            return Err(format!(
                "entities `{}` and `{}` both use table `{}`: map each table once",
                model.name(j),
                model.name(i),
                table.info.name
            ));
        }
        out.push(table);
    }
    model.link_tables(&mut out)?;
    Ok(out)
}

impl<'a> Model<'a> {
    fn name(&self, i: usize) -> String {
        self.entities[i].0.ident.to_string()
    }

    fn origin(&self, i: usize, f: &Field) -> String {
        format!("{}.{}", self.entities[i].0.ident, f.ident)
    }

    /// The entity a relationship field of entity `i` refers to.
    fn target(&self, i: usize, f: &Field) -> Result<usize, Failure> {
        let Some((_, ty)) = &f.relation else {
            return Ok(i);
        };
        let name = last_ident(ty).unwrap_or_default();
        if name == "Self" {
            return Ok(i);
        }
        self.entities
            .iter()
            .position(|(e, _)| *e.ident == name)
            .ok_or_else(|| {
                format!(
                    "{}: `{}` refers to `{name}`, which the sources declare no entity of",
                    at(self.entities[i].1, f.ident.span()),
                    self.origin(i, f)
                )
            })
    }

    /// The field of the target that pairs with field `fi` of entity `i`, as the runtime
    /// pairs them (`pairing::partner`): the one `reverse` names, or the only one back.
    fn partner(&self, i: usize, fi: usize) -> Result<(usize, usize), Failure> {
        let f = &self.entities[i].0.fields[fi];
        let t = self.target(i, f)?;
        let mut found = Vec::new();
        for (gi, g) in self.entities[t].0.fields.iter().enumerate() {
            if g.relation.is_none() || self.target(t, g)? != i || (t == i && gi == fi) {
                continue;
            }
            let wanted = f.reverse.as_deref().is_none_or(|r| g.ident == r);
            let wanting = g.reverse.as_deref().is_none_or(|r| f.ident == r);
            if wanted && wanting {
                found.push(gi);
            }
        }
        match found.as_slice() {
            [one] => Ok((t, *one)),
            [] => Err(format!(
                "{}: `{}` has no other side: declare a field in `{}` that refers back to `{}`",
                at(self.entities[i].1, f.ident.span()),
                self.origin(i, f),
                self.name(t),
                self.name(i)
            )),
            _ => Err(format!(
                "{}: `{}` could pair with several fields of `{}`: name one with `#[colt(reverse = \"..\")]`",
                at(self.entities[i].1, f.ident.span()),
                self.origin(i, f),
                self.name(t)
            )),
        }
    }

    /// The kind of the partner of a relationship field.
    fn partner_kind(&self, i: usize, fi: usize) -> Result<(usize, usize, Rel), Failure> {
        let (t, g) = self.partner(i, fi)?;
        let kind = match &self.entities[t].0.fields[g].relation {
            Some((k, _)) => *k,
            None => Rel::Set,
        };
        Ok((t, g, kind))
    }

    /// Whether reference field `fi` of entity `i` is the reverse side of a one-to-one (no
    /// column), by the runtime's rule: the side with the `Ref` holds the column; of two
    /// optional sides, the one whose `Entity.field` sorts first.
    fn is_reverse_side(&self, i: usize, fi: usize) -> Result<bool, Failure> {
        let f = &self.entities[i].0.fields[fi];
        if !matches!(f.relation, Some((Rel::OptionalRef, _))) {
            return Ok(false);
        }
        let (t, g, kind) = self.partner_kind(i, fi)?;
        Ok(match kind {
            Rel::Ref => true,
            Rel::OptionalRef => {
                let mine = (self.name(i), f.ident.to_string());
                let theirs = (self.name(t), self.entities[t].0.fields[g].ident.to_string());
                mine > theirs
            }
            Rel::Set => false,
        })
    }

    /// Whether reference field `fi` of entity `i` holds one side of a one-to-one (unique).
    fn is_one_to_one_owner(&self, i: usize, fi: usize) -> Result<bool, Failure> {
        let f = &self.entities[i].0.fields[fi];
        if !matches!(f.relation, Some((Rel::Ref | Rel::OptionalRef, _))) {
            return Ok(false);
        }
        let (_, _, kind) = self.partner_kind(i, fi)?;
        Ok(kind != Rel::Set && !self.is_reverse_side(i, fi)?)
    }

    /// The columns of the primary key of entity `i`, in key order.
    fn key_columns(&self, i: usize, depth: usize) -> Result<Vec<Col>, Failure> {
        if depth > self.entities.len() {
            return Err(format!(
                "the primary key of `{}` refers to itself through references",
                self.name(i)
            ));
        }
        let mut out = Vec::new();
        for (fi, f) in self.entities[i].0.fields.iter().enumerate() {
            if f.primary_key {
                out.extend(self.field_columns(i, fi, depth + 1, false)?);
            }
        }
        Ok(out)
    }

    /// The columns field `fi` of entity `i` stores (`auto`: with its generated type).
    fn field_columns(
        &self,
        i: usize,
        fi: usize,
        depth: usize,
        auto: bool,
    ) -> Result<Vec<Col>, Failure> {
        let (entity, path) = &self.entities[i];
        let f = &entity.fields[fi];
        if f.relation.is_some() {
            let t = self.target(i, f)?;
            let key = self.key_columns(t, depth)?;
            if key.len() == 1 {
                // `columns("OwnerId")` names the one column too, as the runtime reads it.
                let name = match &f.columns {
                    Some((_, names)) if names.len() == 1 => names[0].clone(),
                    _ => f.column.clone(),
                };
                return Ok(vec![Col {
                    name,
                    ..key[0].clone()
                }]);
            }
            if let Some((_, names)) = &f.columns {
                if names.len() != key.len() {
                    return Err(format!(
                        "{}: `columns(..)` on `{}` names {} columns, but the key of `{}` has {}",
                        at(path, f.ident.span()),
                        self.origin(i, f),
                        names.len(),
                        self.name(t),
                        key.len()
                    ));
                }
            }
            return Ok(key
                .iter()
                .enumerate()
                .map(|(k, c)| Col {
                    name: f.columns.as_ref().map_or_else(
                        || format!("{}_{}", f.column, c.name),
                        |(_, names)| names[k].clone(),
                    ),
                    ..c.clone()
                })
                .collect());
        }
        let stored = f.option_of.unwrap_or(f.ty);
        let ty = self.values.column_type(stored, 0);
        let declared = match (&f.sql_type, ty) {
            (Some(sql), _) => sql.clone(),
            (None, Some(ty)) => declared_type(self.dialect, ty, auto).to_string(),
            (None, None) => {
                return Err(format!(
                    "{}: the sources do not tell the column type of `{}` (`{}`): make it a `#[derive(Value)]` type in the sources, or give the field `#[colt(sql_type = \"..\")]`",
                    at(path, f.ident.span()),
                    self.origin(i, f),
                    type_text(stored)
                ))
            }
        };
        Ok(vec![Col {
            name: f.column.clone(),
            declared,
            ty,
        }])
    }

    /// The table of entity `i`.
    fn table(&self, i: usize) -> Result<Table, Failure> {
        let entity = &self.entities[i].0;
        let mut info = TableInfo {
            name: entity.table.clone(),
            ..TableInfo::default()
        };
        let mut notes = Vec::new();
        // The columns of each field that has some (`None`: a `Set`, or the reverse side of
        // a one-to-one).
        let mut field_cols: Vec<Option<Vec<String>>> = Vec::new();
        let mut single_indexes = Vec::new();
        for (fi, f) in entity.fields.iter().enumerate() {
            if f.is_set() || self.is_reverse_side(i, fi)? {
                field_cols.push(None);
                continue;
            }
            let cols = self.field_columns(i, fi, 0, f.auto)?;
            let names: Vec<String> = cols.iter().map(|c| c.name.clone()).collect();
            // A newtype's default is what its `From` makes of the literal, which only the
            // program knows: written as the literal, it would differ from `create_tables`'s.
            // An `f32`'s is the `f32` nearest the literal, as `create_tables` writes it.
            let stored_ty = f.option_of.unwrap_or(f.ty);
            let from_literal = |expr: &syn::Expr| {
                if self.values.is_newtype(stored_ty) {
                    return None;
                }
                literal_value(expr).map(|v| match v {
                    Value::Real(r) if last_ident(stored_ty).as_deref() == Some("f32") => {
                        Value::Real(f64::from(r as f32))
                    }
                    v => v,
                })
            };
            let (default, unwritable_default) = match (&f.default, cols.as_slice()) {
                (Some(expr), [col]) => match from_literal(expr)
                    .or_else(|| self.values.variant_value(expr))
                    .and_then(|v| default_literal(self.dialect, &v, col.ty?))
                {
                    Some(sql) => (Some(sql), None),
                    None => (
                        None,
                        Some(quote::ToTokens::to_token_stream(expr).to_string()),
                    ),
                },
                _ => (None, None),
            };
            for col in &cols {
                info.columns.push(ColumnInfo {
                    name: col.name.clone(),
                    declared_type: col.declared.clone(),
                    not_null: f.option_of.is_none() || f.primary_key,
                    default: default.clone(),
                    generated: f.auto,
                });
                notes.push(Some(ColumnNote {
                    origin: self.origin(i, f),
                    ty: col.ty,
                    unwritable_default: unwritable_default.clone(),
                }));
            }
            if f.primary_key {
                info.primary_key.extend(names.iter().cloned());
            }
            if f.relation.is_some() {
                let t = self.target(i, f)?;
                let target = &self.entities[t].0;
                let key = self.key_columns(t, 0)?;
                info.foreign_keys.push(ForeignKeyInfo {
                    name: fk_name(&info.name, &names),
                    columns: names.clone(),
                    table: target.table.clone(),
                    referenced: key.into_iter().map(|c| c.name).collect(),
                    on_delete: "NO ACTION".into(),
                    on_update: "NO ACTION".into(),
                    ..ForeignKeyInfo::default()
                });
            }
            // (A one-to-one over a composite key is indexed, not unique, as `create_tables`
            // makes it.)
            let one_to_one = names.len() == 1 && self.is_one_to_one_owner(i, fi)?;
            // As `create_tables` makes them: a key field is unique by the key only when it is
            // the whole key, and the key's index serves only the field that leads it.
            let key_fields = entity.fields.iter().filter(|g| g.primary_key).count();
            let leads_key = f.primary_key && info.primary_key.len() == names.len();
            if (f.unique || one_to_one) && !(f.primary_key && key_fields == 1) {
                info.indexes.push(unique(&info.name, names.clone()));
            } else if !leads_key && (f.index || f.relation.is_some()) {
                single_indexes.push(index(&info.name, names.clone()));
            }
            field_cols.push(Some(names));
        }
        // `unique(a, b)` and `index(a, b)` name positions among the fields with columns.
        let with_columns: Vec<usize> = entity
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.is_set())
            .map(|(fi, _)| fi)
            .collect();
        let columns_of = |list: &Vec<usize>| -> Vec<String> {
            list.iter()
                .filter_map(|&p| with_columns.get(p))
                .filter_map(|&fi| field_cols[fi].clone())
                .flatten()
                .collect()
        };
        for list in &entity.uniques {
            info.indexes.push(unique(&info.name, columns_of(list)));
        }
        for list in &entity.indexes {
            info.indexes.push(index(&info.name, columns_of(list)));
        }
        info.indexes.extend(single_indexes);
        Ok(Table { info, notes })
    }

    /// The link table of every many-to-many relationship, each once, after the entities'
    /// tables.
    fn link_tables(&self, out: &mut Vec<Table>) -> Result<(), Failure> {
        // Each link table made, with the relationship that made it (by the side whose name
        // sorts first, as `Database::bind` tells them).
        let mut made: Vec<(String, String)> = Vec::new();
        for i in 0..self.entities.len() {
            let entity = &self.entities[i].0;
            for (fi, f) in entity.fields.iter().enumerate() {
                if !f.is_set() {
                    continue;
                }
                let (t, g, kind) = self.partner_kind(i, fi)?;
                if kind != Rel::Set {
                    continue;
                }
                let link = self.link_names(i, fi, t, g);
                // An entity's table of that name would be diffed as the links' (and the
                // other way round): refused, as `Database::bind` refuses it.
                if let Some(e) = (0..self.entities.len())
                    .find(|&e| same_table_name(&self.entities[e].0.table, &link[0]))
                {
                    return Err(format!(
                        "entity `{}` uses table `{}`, the link table of the many-to-many `{}`: name one of them otherwise (`#[colt(table = \"..\")]`)",
                        self.name(e),
                        self.entities[e].0.table,
                        self.origin(i, f)
                    ));
                }
                // Each relationship once: its other side made it already. Another
                // relationship on the same table would read this one's links (and be diffed
                // as one table): refused, as `Database::bind` refuses it.
                let relationship = self
                    .origin(i, f)
                    .min(self.origin(t, &self.entities[t].0.fields[g]));
                if let Some((_, first)) = made
                    .iter()
                    .find(|(table, _)| same_table_name(table, &link[0]))
                {
                    if *first == relationship {
                        continue;
                    }
                    return Err(format!(
                        "the many-to-many relationships `{first}` and `{relationship}` would share the link table `{}` (each would read the other's links): name one with `#[colt(table = \"..\")]` on its `Set`",
                        link[0]
                    ));
                }
                made.push((link[0].clone(), relationship));
                let mut info = TableInfo {
                    name: link[0].clone(),
                    primary_key: vec![link[1].clone(), link[2].clone()],
                    ..TableInfo::default()
                };
                let mut notes = Vec::new();
                for (column, side) in [(&link[1], i), (&link[2], t)] {
                    let key = self.key_columns(side, 0)?;
                    let Some(first) = key.first() else { continue };
                    info.columns.push(ColumnInfo {
                        name: column.clone(),
                        declared_type: first.declared.clone(),
                        not_null: true,
                        ..ColumnInfo::default()
                    });
                    notes.push(Some(ColumnNote {
                        origin: self.origin(i, f),
                        ty: first.ty,
                        unwritable_default: None,
                    }));
                    info.foreign_keys.push(ForeignKeyInfo {
                        name: fk_name(&info.name, std::slice::from_ref(column)),
                        columns: vec![column.clone()],
                        table: self.entities[side].0.table.clone(),
                        referenced: vec![first.name.clone()],
                        on_delete: "NO ACTION".into(),
                        on_update: "NO ACTION".into(),
                        ..ForeignKeyInfo::default()
                    });
                }
                info.indexes.push(index(&info.name, vec![link[2].clone()]));
                out.push(Table { info, notes });
            }
        }
        Ok(())
    }

    /// The link table of `Set` field `fi` of `i` paired with `Set` field `g` of `t`: its
    /// name, this side's column, the other side's (`pairing::link_table`'s rule).
    fn link_names(&self, i: usize, fi: usize, t: usize, g: usize) -> [String; 3] {
        let (owner, target) = (&self.entities[i].0, &self.entities[t].0);
        let (f, partner) = (&owner.fields[fi], &target.fields[g]);
        let (a, b) = if owner.table <= target.table {
            (&owner.table, &target.table)
        } else {
            (&target.table, &owner.table)
        };
        let (own_column, member_column) = if i == t {
            let plain = owner.table.clone();
            let second = format!("{}_2", owner.table);
            if f.ident <= partner.ident {
                (plain, second)
            } else {
                (second, plain)
            }
        } else {
            (owner.table.clone(), target.table.clone())
        };
        // Either side may name them; the other side's names are mirrored.
        let [pt, pc, pr] = &partner.link;
        let [ft, fc, fr] = &f.link;
        [
            ft.clone().or(pt.clone()).unwrap_or(format!("{a}_{b}")),
            fc.clone().or(pr.clone()).unwrap_or(own_column),
            fr.clone().or(pc.clone()).unwrap_or(member_column),
        ]
    }
}

/// A unique constraint, named `uq_{table}__{column}..` so that a migration can drop it by
/// name (what `create_tables` names otherwise is compared by columns).
fn unique(table: &str, columns: Vec<String>) -> IndexInfo {
    IndexInfo {
        name: format!("uq_{table}__{}", columns.join("__")),
        columns,
        unique: true,
    }
}

/// A foreign key's name: `fk_{table}__{column}..`.
fn fk_name(table: &str, columns: &[String]) -> String {
    format!("fk_{table}__{}", columns.join("__"))
}

/// An index as `create_tables` names it: `idx_{table}__{column}__{column}`.
fn index(table: &str, columns: Vec<String>) -> IndexInfo {
    IndexInfo {
        name: format!("idx_{table}__{}", columns.join("__")),
        columns,
        unique: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(text: &str) -> Sources {
        let file = syn::parse_file(text).expect("Rust");
        let mut entities = Vec::new();
        let mut values = Vec::new();
        for item in file.items {
            let input: syn::DeriveInput = match item {
                syn::Item::Struct(s) => s.into(),
                syn::Item::Enum(e) => e.into(),
                _ => continue,
            };
            let path = std::path::PathBuf::from("src/lib.rs");
            if matches!(input.data, syn::Data::Enum(_)) {
                values.push((path, input));
            } else {
                entities.push((path, input));
            }
        }
        Sources { entities, values }
    }

    #[test]
    fn defaults_written_as_literals() {
        let s = sources(
            r#"
            #[derive(Value)] #[colt(rename_all = "lowercase")] enum Level { Basic, Gold }
            #[derive(Entity)]
            struct Item {
                #[colt(primary_key, auto)] id: i64,
                #[colt(default = -2)] a: i32,
                #[colt(default = "it's".to_string())] b: String,
                #[colt(default = true)] c: bool,
                #[colt(default = Level::Gold)] d: Level,
                #[colt(default = now())] e: String,
            }
            "#,
        );
        let t = tables(&s, Dialect::Postgres).expect("tables");
        let defaults: Vec<Option<&str>> = t[0]
            .info
            .columns
            .iter()
            .map(|c| c.default.as_deref())
            .collect();
        assert_eq!(
            defaults,
            [
                None,
                Some("-2"),
                Some("'it''s'"),
                Some("TRUE"),
                Some("'gold'"),
                None
            ]
        );
        assert_eq!(t[0].info.columns[0].declared_type, "BIGSERIAL");
        let e = t[0].note("e").expect("note");
        assert_eq!(e.unwritable_default.as_deref(), Some("now ()"));
    }

    #[test]
    fn unknown_types_and_targets_are_named() {
        let s =
            sources("#[derive(Entity)] struct A { #[colt(primary_key)] id: i64, when: Moment }");
        let err = tables(&s, Dialect::Sqlite).expect_err("unknown type");
        assert!(err.contains("`A.when` (`Moment`)"), "{err}");
        assert!(err.contains("sql_type"), "{err}");
        let s = sources("#[derive(Entity)] struct A { #[colt(primary_key)] id: i64, b: Ref<B> }");
        let err = tables(&s, Dialect::Sqlite).expect_err("unknown target");
        assert!(
            err.contains("`A.b` refers to `B`, which the sources declare no entity of"),
            "{err}"
        );
    }
}
