//! The difference between the tables a database has and the tables its entities declare, as
//! changes per table: what `colt migrate diff` writes as SQL (`change_sql`), and what it
//! refuses (a change that would lose or invent data) or leaves alone (a drop without
//! `--allow-drop`), each with its reason.

use colt_runtime::introspect::{
    base_type, declared_type_suits, ColumnInfo, ForeignKeyInfo, IndexInfo,
};
use colt_runtime::Dialect;

use crate::desired_schema::Table;

/// A rename the sources cannot show (a renamed field reads as one dropped and one added).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rename {
    /// `--rename old=new`: a table.
    Table {
        /// Its name in the database.
        from: String,
        /// Its name in the entities.
        to: String,
    },
    /// `--rename table.old=new`: a column of the table (its name in the entities).
    Column {
        /// The table.
        table: String,
        /// Its name in the database.
        from: String,
        /// Its name in the entities.
        to: String,
    },
}

impl Rename {
    /// Reads `old=new` or `table.old=new`.
    ///
    /// # Errors
    /// Any other shape.
    pub fn parse(text: &str) -> Result<Rename, String> {
        let bad = || {
            format!("`{text}` is not a rename: write `old_table=new_table` or `table.old_column=new_column`")
        };
        let (from, to) = text.split_once('=').ok_or_else(bad)?;
        if to.is_empty() || from.is_empty() {
            return Err(bad());
        }
        Ok(match from.split_once('.') {
            Some((table, column)) if !table.is_empty() && !column.is_empty() => Rename::Column {
                table: table.to_string(),
                from: column.to_string(),
                to: to.to_string(),
            },
            Some(_) => return Err(bad()),
            None => Rename::Table {
                from: from.to_string(),
                to: to.to_string(),
            },
        })
    }

    /// The same rename, undone.
    pub fn reversed(&self) -> Rename {
        match self {
            Rename::Table { from, to } => Rename::Table {
                from: to.clone(),
                to: from.clone(),
            },
            Rename::Column { table, from, to } => Rename::Column {
                table: table.clone(),
                from: to.clone(),
                to: from.clone(),
            },
        }
    }
}

/// What the difference may do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Drop tables and columns the entities do not declare (else they are left alone).
    pub allow_drop: bool,
    /// Renames of tables and columns.
    pub renames: Vec<Rename>,
    /// The tables wanted are a database's as they were (a down.sql's): a column without a
    /// `DEFAULT` has none, rather than keep the one the database has now.
    pub exact: bool,
}

/// The changes to one table that exists on both sides.
#[derive(Debug, Clone, Default)]
pub(crate) struct Alter {
    /// The table as it will be (the entities' table, with any column left alone).
    pub target: Table,
    /// The table as it is, with renamed columns under their new names.
    pub current: Table,
    /// (old, new) column names.
    pub renamed: Vec<(String, String)>,
    /// Columns to add.
    pub added: Vec<ColumnInfo>,
    /// Columns to drop.
    pub dropped: Vec<String>,
    /// Columns whose type changes (the target's column).
    pub retyped: Vec<ColumnInfo>,
    /// Columns whose nullability changes (the target's column).
    pub renulled: Vec<ColumnInfo>,
    /// Foreign keys to add.
    pub fks_added: Vec<ForeignKeyInfo>,
    /// Foreign keys to drop.
    pub fks_dropped: Vec<ForeignKeyInfo>,
    /// Indexes (unique ones too) to add.
    pub indexes_added: Vec<IndexInfo>,
    /// Indexes to drop.
    pub indexes_dropped: Vec<IndexInfo>,
}

impl Alter {
    fn is_empty(&self) -> bool {
        self.renamed.is_empty()
            && self.added.is_empty()
            && self.dropped.is_empty()
            && self.retyped.is_empty()
            && self.renulled.is_empty()
            && self.fks_added.is_empty()
            && self.fks_dropped.is_empty()
            && self.indexes_added.is_empty()
            && self.indexes_dropped.is_empty()
    }
}

/// Every change, in the order it is written.
#[derive(Debug, Default)]
pub(crate) struct Diff {
    /// (old, new) table names.
    pub renamed_tables: Vec<(String, String)>,
    /// New tables, each after the tables it refers to.
    pub created: Vec<Table>,
    /// Changed tables.
    pub altered: Vec<Alter>,
    /// Dropped tables (with `allow_drop`).
    pub dropped: Vec<Table>,
    /// What was left alone, and why.
    pub notes: Vec<String>,
    /// Changes refused, each with its reason.
    pub refused: Vec<String>,
}

impl Diff {
    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.renamed_tables.is_empty()
            && self.created.is_empty()
            && self.altered.is_empty()
            && self.dropped.is_empty()
    }
}

/// Tables Colt keeps for itself, never part of the difference.
const OWN_TABLES: &[&str] = &["colt_migrations"];

/// The changes that make `have` (a database's tables) into `want` (the entities').
pub(crate) fn diff(dialect: Dialect, have: &[Table], want: &[Table], options: &Options) -> Diff {
    let mut out = Diff::default();
    let mut have: Vec<Table> = have
        .iter()
        .filter(|t| !OWN_TABLES.contains(&t.info.name.as_str()))
        .cloned()
        .collect();
    if dialect == Dialect::Sqlite {
        match_case(&mut have, want);
    }
    for rename in &options.renames {
        let Rename::Table { from, to } = rename else {
            continue;
        };
        let exists = |name: &str| have.iter().any(|t| t.info.name == name);
        // The new name is one an entity declares (as it spells it): a rename to a name no
        // entity declares would leave the table to be dropped as undeclared (`--allow-drop`)
        // and an empty one made for the entity.
        let declared = declared_name(dialect, want.iter().map(|w| w.info.name.as_str()), to);
        if !exists(from) {
            out.refused.push(format!(
                "--rename {from}={to}: the database has no table `{from}`"
            ));
        } else if exists(declared.as_deref().unwrap_or(to)) {
            out.refused.push(format!(
                "--rename {from}={to}: the database already has a table `{to}`"
            ));
        } else if let Some(to) = declared {
            // Both backends rename the references of other tables with the table.
            for t in &mut have {
                if t.info.name == *from {
                    t.info.name = to.clone();
                }
                for fk in &mut t.info.foreign_keys {
                    if fk.table == *from {
                        fk.table = to.clone();
                    }
                }
            }
            out.renamed_tables.push((from.clone(), to));
        } else {
            out.refused.push(format!(
                "--rename {from}={to}: no entity declares a table `{to}` (a table is renamed to the name its entity gives it)"
            ));
        }
    }
    // Both backends rename a column in the foreign keys that refer to it too (PostgreSQL's
    // follow the column; SQLite rewrites them): the tables referring to a renamed key keep
    // their foreign keys, `ON DELETE` and all.
    for rename in &options.renames {
        let Rename::Column { table, from, to } = rename else {
            continue;
        };
        for t in &mut have {
            for fk in t
                .info
                .foreign_keys
                .iter_mut()
                .filter(|fk| fk.table == *table)
            {
                for c in fk.referenced.iter_mut().filter(|c| *c == from) {
                    c.clone_from(to);
                }
            }
        }
    }
    let want: Vec<&Table> = want
        .iter()
        .filter(|t| !OWN_TABLES.contains(&t.info.name.as_str()))
        .collect();
    let mut created = Vec::new();
    for &w in &want {
        match have.iter().find(|h| h.info.name == w.info.name) {
            None => created.push(w.clone()),
            Some(h) => {
                let alter = alter(dialect, h, w, options, &mut out);
                if !alter.is_empty() {
                    out.altered.push(alter);
                }
            }
        }
    }
    for rename in &options.renames {
        if let Rename::Column { table, from, .. } = rename {
            if !out
                .altered
                .iter()
                .any(|a| a.target.info.name == *table && a.renamed.iter().any(|(f, _)| f == from))
            {
                out.refused.push(format!(
                    "--rename {table}.{from}: the database's table `{table}` has no column `{from}` that the entities name otherwise"
                ));
            }
        }
    }
    out.created = dependency_order(created);
    for h in &have {
        if want.iter().any(|w| w.info.name == h.info.name) {
            continue;
        }
        if options.allow_drop {
            out.dropped.push(h.clone());
        } else {
            out.notes.push(format!(
                "table `{}` is declared by no entity: left alone (--allow-drop drops it)",
                h.info.name
            ));
        }
    }
    out.dropped = dependency_order(out.dropped);
    out.dropped.reverse();
    out
}

/// SQLite: the database's names spelled as the entities spell them where they differ only in
/// case (`Product` is the table `product`: SQLite's names ignore ASCII case).
fn match_case(have: &mut [Table], want: &[Table]) {
    let spelled = |name: &mut String, names: &[String]| {
        if let Some(w) = names.iter().find(|w| w.eq_ignore_ascii_case(name)) {
            name.clone_from(w);
        }
    };
    let tables: Vec<String> = want.iter().map(|w| w.info.name.clone()).collect();
    let column_names = |table: &str| -> Vec<String> {
        want.iter()
            .find(|w| w.info.name.eq_ignore_ascii_case(table))
            .map(|w| w.info.columns.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default()
    };
    for h in have.iter_mut() {
        spelled(&mut h.info.name, &tables);
        let own = column_names(&h.info.name);
        let info = &mut h.info;
        for c in &mut info.columns {
            spelled(&mut c.name, &own);
        }
        for c in info.primary_key.iter_mut() {
            spelled(c, &own);
        }
        for index in &mut info.indexes {
            for c in &mut index.columns {
                spelled(c, &own);
            }
        }
        for fk in &mut info.foreign_keys {
            for c in &mut fk.columns {
                spelled(c, &own);
            }
            spelled(&mut fk.table, &tables);
            let theirs = column_names(&fk.table);
            for c in &mut fk.referenced {
                spelled(c, &theirs);
            }
        }
    }
}

/// Puts `target`'s columns (with their notes) in the order `current` has them, the new
/// ones after in the entity's order, as `ADD COLUMN` places them: a SQLite rebuild makes
/// the table in this order, and a statement inserting or reading by position (`INSERT INTO
/// t VALUES (..)` in a trigger, `SELECT *`) would otherwise meet each value in another
/// column.
fn in_database_order(target: &mut Table, current: &Table) {
    let position = |name: &str| {
        current
            .info
            .columns
            .iter()
            .position(|c| c.name == name)
            .unwrap_or(usize::MAX)
    };
    let notes = std::mem::take(&mut target.notes);
    let mut columns: Vec<_> = std::mem::take(&mut target.info.columns)
        .into_iter()
        .zip(notes.into_iter().chain(std::iter::repeat(None)))
        .collect();
    // (Stable: the new columns keep the entity's order.)
    columns.sort_by_key(|(c, _)| position(&c.name));
    for (c, note) in columns {
        target.info.columns.push(c);
        target.notes.push(note);
    }
}

/// Among `names` (an entity's), the one `name` names: itself, or on SQLite, whose names
/// ignore ASCII case, as the entity spells it.
fn declared_name<'a>(
    dialect: Dialect,
    mut names: impl Iterator<Item = &'a str>,
    name: &str,
) -> Option<String> {
    names
        .find(|n| *n == name || (dialect == Dialect::Sqlite && n.eq_ignore_ascii_case(name)))
        .map(str::to_string)
}

/// The changes of one table.
fn alter(dialect: Dialect, have: &Table, want: &Table, options: &Options, out: &mut Diff) -> Alter {
    let name = want.info.name.clone();
    let mut current = have.clone();
    let mut renamed = Vec::new();
    for rename in &options.renames {
        let Rename::Column { table, from, to } = rename else {
            continue;
        };
        if *table != name || current.info.column(from).is_none() {
            continue;
        }
        // (As for a table: a column renamed to a name the entity does not declare would be
        // dropped as undeclared, and an empty one added.)
        let Some(declared) = declared_name(
            dialect,
            want.info.columns.iter().map(|c| c.name.as_str()),
            to,
        ) else {
            out.refused.push(format!(
                "--rename {table}.{from}={to}: the entity of `{table}` declares no column `{to}` (a column is renamed to the name its field gives it)"
            ));
            continue;
        };
        if current.info.column(&declared).is_some() {
            out.refused.push(format!(
                "--rename {table}.{from}={to}: `{table}` already has a column `{to}`"
            ));
            continue;
        }
        let to = declared;
        rename_column(&mut current, from, &to);
        renamed.push((from.clone(), to));
    }
    // The target: the entities' table, with the columns it does not declare kept unless
    // drops are allowed (and their keys and indexes with them).
    let mut target = want.clone();
    let mut dropped = Vec::new();
    for (i, c) in current.info.columns.iter().enumerate() {
        if target.info.column(&c.name).is_some() {
            continue;
        }
        if options.allow_drop {
            dropped.push(c.name.clone());
            continue;
        }
        let mut note = format!(
            "column `{name}.{}` is declared by no entity: left alone (--allow-drop drops it)",
            c.name
        );
        if c.not_null && c.default.is_none() && !c.generated {
            note.push_str("; it is NOT NULL without a default, so inserts through Colt will fail until it is dropped or given one");
        }
        out.notes.push(note);
        target.info.columns.push(c.clone());
        target.notes.push(current.notes.get(i).cloned().flatten());
    }
    in_database_order(&mut target, &current);
    let columns: Vec<String> = target.info.columns.iter().map(|c| c.name.clone()).collect();
    let kept = |cols: &[String]| cols.iter().all(|c| columns.contains(c));
    // A foreign key or index the entities do not declare is kept with an undeclared column
    // it is on; on declared columns too unless drops are allowed or the entities declare
    // another on the same columns (a reference to another entity, `unique` made `index`): a
    // unique index or a foreign key made by hand guards the data, and dropping one is said,
    // as a column's is.
    // (Declared anew: on the same columns, and matched by none the database has.)
    let redeclared_fk = |cols: &[String]| {
        want.info
            .foreign_keys
            .iter()
            .any(|w| w.columns == cols && !current.info.foreign_keys.iter().any(|h| same_fk(w, h)))
    };
    let redeclared_index = |cols: &[String]| {
        want.info
            .indexes
            .iter()
            .any(|w| w.columns == cols && !current.info.indexes.iter().any(|h| same_index(w, h)))
    };
    for fk in &current.info.foreign_keys {
        if !target.info.foreign_keys.iter().any(|w| same_fk(w, fk)) && kept(&fk.columns) {
            if on_undeclared(&fk.columns, want) {
                target.info.foreign_keys.push(fk.clone());
            } else if redeclared_fk(&fk.columns) {
                // Replaced by the reference the entities declare on the same columns.
            } else if !options.allow_drop {
                out.notes.push(format!(
                    "the foreign key of `{name}` {} to `{}` is declared by no entity: left alone (--allow-drop drops it)",
                    list(&fk.columns),
                    fk.table
                ));
                target.info.foreign_keys.push(fk.clone());
            }
        }
    }
    // Each index the entities declare stands for one index of the database (matched as
    // multisets, as below): a second one on the same columns (its own collation, operator
    // class or method, which the catalogue does not tell apart) is no entity's.
    let declared = target.info.indexes.len();
    let mut matched = vec![false; declared];
    for index in &current.info.indexes {
        let declared_one =
            (0..declared).find(|&i| !matched[i] && same_index(&target.info.indexes[i], index));
        if let Some(i) = declared_one {
            matched[i] = true;
            continue;
        }
        if kept(&index.columns) {
            if on_undeclared(&index.columns, want) {
                target.info.indexes.push(index.clone());
            } else if redeclared_index(&index.columns) {
                if index.unique {
                    out.notes.push(format!(
                        "the unique index `{}` of `{name}` {} becomes the plain index the entities declare: its values need no longer be unique",
                        index.name,
                        list(&index.columns)
                    ));
                }
            } else if !options.allow_drop {
                out.notes.push(format!(
                    "the {}index `{}` of `{name}` {} is declared by no entity: left alone (--allow-drop drops it)",
                    if index.unique { "unique " } else { "" },
                    index.name,
                    list(&index.columns)
                ));
                target.info.indexes.push(index.clone());
            }
        }
    }
    let mut alter = Alter {
        renamed,
        dropped,
        ..Alter::default()
    };
    if key_of(&current) != key_of(&target) {
        out.refused.push(format!(
            "the primary key of `{name}` changes ({} to {}): `colt migrate diff` does not write that; write the migration by hand (`colt migrate new`)",
            list(&key_of(&current)),
            list(&key_of(&target))
        ));
    }
    for i in 0..target.info.columns.len() {
        let w = target.info.columns[i].clone();
        let note = target.notes.get(i).cloned().flatten();
        let Some(h) = current.info.column(&w.name) else {
            if w.not_null && w.default.is_none() && !w.generated {
                let origin = note.as_ref().map_or(w.name.clone(), |n| n.origin.clone());
                let why = match note.as_ref().and_then(|n| n.unwritable_default.as_ref()) {
                    Some(expr) => format!("its default `{expr}` cannot be written as SQL from the sources (not a literal, or a newtype's, which the program's own `From` makes); give it a literal `default` or write the migration by hand"),
                    None => "give the field `#[colt(default = ..)]`, or make it an `Option`".to_string(),
                };
                out.refused.push(format!(
                    "`{origin}` is a new NOT NULL column of `{name}` without a default: the rows already there would have no value; {why}"
                ));
            }
            alter.added.push(w);
            continue;
        };
        // A `DEFAULT` the entities do not give is kept as the database has it (a column
        // made nullable keeps `DEFAULT now()`; one made NOT NULL fills its NULLs with it).
        if w.default.is_none() && !h.generated && !options.exact {
            target.info.columns[i].default = h.default.clone();
        }
        let w = target.info.columns[i].clone();
        let h_ty = current.note(&h.name).and_then(|n| n.ty);
        let same_type = match (note.as_ref().and_then(|n| n.ty), h_ty) {
            (Some(ty), _) => same_storage(dialect, ty, &h.declared_type),
            (None, Some(ty)) => same_storage(dialect, ty, &w.declared_type),
            (None, None) => {
                base_type(&h.declared_type).eq_ignore_ascii_case(&base_type(&w.declared_type))
            }
        };
        if !same_type {
            if let Some(why) = lossy_type_change(dialect, h, &w) {
                let origin = note.as_ref().map_or(w.name.clone(), |n| n.origin.clone());
                out.refused.push(format!(
                    "`{origin}` would change `{name}.{}` from {} to {}, which {why}: write that migration by hand (`colt migrate new`)",
                    w.name, h.declared_type, w.declared_type
                ));
            }
            alter.retyped.push(w.clone());
        }
        if h.not_null != w.not_null {
            if w.not_null && w.default.is_none() {
                let origin = note.as_ref().map_or(w.name.clone(), |n| n.origin.clone());
                out.notes.push(format!(
                    "`{origin}` becomes NOT NULL without a default: the migration fails (and changes nothing) if a row of `{name}` holds NULL there"
                ));
            }
            alter.renulled.push(w.clone());
        }
        // A type the entities do not change is kept as the database has it (a rebuilt
        // table keeps `NVARCHAR(120)`).
        if same_type {
            target.info.columns[i].declared_type = h.declared_type.clone();
        }
    }
    for w in &mut target.info.foreign_keys {
        match current.info.foreign_keys.iter().find(|h| same_fk(w, h)) {
            // The same columns and target: the database's foreign key as it is, its name,
            // actions and deferral (the entities say none of them) included.
            Some(h) => *w = h.clone(),
            None => alter.fks_added.push(w.clone()),
        }
    }
    for h in &current.info.foreign_keys {
        if !target.info.foreign_keys.iter().any(|w| same_fk(w, h)) {
            alter.fks_dropped.push(h.clone());
        }
    }
    // Indexes as multisets of (columns, unique): each of one side matched once.
    let mut unmatched: Vec<&IndexInfo> = current.info.indexes.iter().collect();
    for w in &mut target.info.indexes {
        match unmatched.iter().position(|h| same_index(w, h)) {
            Some(i) => {
                // The database's name stays (a rebuilt table's index is made again by it).
                w.name = unmatched.remove(i).name.clone();
            }
            None => alter.indexes_added.push(w.clone()),
        }
    }
    alter.indexes_dropped = unmatched.into_iter().cloned().collect();
    alter.target = target;
    alter.current = current;
    alter
}

/// Whether `columns` include one the entities do not declare: a key or index over such a
/// column stays with it when it is left alone.
fn on_undeclared(columns: &[String], want: &Table) -> bool {
    columns.iter().any(|c| want.info.column(c).is_none())
}

fn rename_column(t: &mut Table, from: &str, to: &str) {
    let swap = |c: &mut String| {
        if c == from {
            *c = to.to_string();
        }
    };
    for c in &mut t.info.columns {
        swap(&mut c.name);
    }
    t.info.primary_key.iter_mut().for_each(swap);
    for fk in &mut t.info.foreign_keys {
        fk.columns.iter_mut().for_each(swap);
    }
    for index in &mut t.info.indexes {
        index.columns.iter_mut().for_each(swap);
    }
}

/// The primary key's columns, as a set: their order is no change of data (a link table's
/// follows the order entities are listed in).
fn key_of(t: &Table) -> Vec<String> {
    let mut key = t.info.primary_key.clone();
    key.sort();
    key
}

/// Why changing column `from` to `to`'s type could lose data, if it could; a key the
/// database generates is never retyped. On PostgreSQL only a widening (a wider integer, a
/// double for a real, `numeric` for an integer, `text` for anything) is written. On SQLite
/// the rebuild's copy converts each value to the new column's affinity
/// (`sqlite_retype_loss` says when that changes one).
fn lossy_type_change(dialect: Dialect, from: &ColumnInfo, to: &ColumnInfo) -> Option<&'static str> {
    if from.generated || to.generated {
        return Some("is a key the database generates");
    }
    if dialect != Dialect::Postgres {
        return colt_runtime::introspect::sqlite_retype_loss(
            &from.declared_type,
            &to.declared_type,
        );
    }
    let rank = |declared: &str| -> Option<(u8, u8)> {
        // (family, width): integers 0, floats 1; numeric and text take either.
        Some(match base_type(declared).to_ascii_lowercase().as_str() {
            "smallint" | "int2" => (0, 1),
            "integer" | "int" | "int4" => (0, 2),
            "bigint" | "int8" => (0, 3),
            "real" | "float4" => (1, 1),
            "double precision" | "float8" => (1, 2),
            _ => return None,
        })
    };
    let target = base_type(&to.declared_type).to_ascii_lowercase();
    // A length (`varchar(5)`) would cut longer values short.
    let limited = to.declared_type.contains('(');
    if target == "text" || ((target == "character varying" || target == "varchar") && !limited) {
        // Text keeps every value's text; a type of the database's own (`citext`, an enum, a
        // domain) would lose what it means (comparison without case, the values allowed),
        // and `bytea` becomes its hex.
        let source = base_type(&from.declared_type).to_ascii_lowercase();
        let known = rank(&from.declared_type).is_some()
            || source.starts_with("timestamp")
            || source.starts_with("time ")
            || matches!(
                source.as_str(),
                "text"
                    | "character varying"
                    | "varchar"
                    | "character"
                    | "char"
                    | "bpchar"
                    | "name"
                    | "numeric"
                    | "decimal"
                    | "boolean"
                    | "bool"
                    | "uuid"
                    | "date"
                    | "time"
                    | "json"
                    | "jsonb"
                    | "smallserial"
                    | "serial"
                    | "bigserial"
            );
        return (dialect == Dialect::Postgres && !known).then_some(
            "is a type of the database's own or bytes (`citext`, an enum, a domain, `bytea`): text would lose what it means",
        );
    }
    match (rank(&from.declared_type), rank(&to.declared_type)) {
        (Some((f, a)), Some((g, b))) if f == g && b >= a => None,
        // Every smallint and integer is a double exactly.
        (Some((0, a)), Some((1, 2))) if a <= 2 => None,
        // Integers only: a float is cast to `numeric` through its 15 significant digits.
        (Some((0, _)), None) if target == "numeric" || target == "decimal" => None,
        _ => Some("may not keep every value (a narrower or another kind of type)"),
    }
}

/// Whether a column declared `declared` stores a field of type `ty` as the entities' column
/// would: `check_tables`' rule, and on PostgreSQL the same width for numbers (an `integer`
/// suits an `i64` for reading, but a migration to `i64` must widen it, and a `real` column
/// would round an `f64`).
fn same_storage(dialect: Dialect, ty: colt_runtime::ColumnType, declared: &str) -> bool {
    use colt_runtime::ColumnType as T;
    if !declared_type_suits(dialect, ty, declared) {
        return false;
    }
    if dialect != Dialect::Postgres {
        return true;
    }
    let base = base_type(declared).to_ascii_lowercase();
    let names: &[&str] = match ty {
        T::SmallInt => &["smallint", "int2", "smallserial"],
        T::Int => &["integer", "int", "int4", "serial"],
        T::BigInt => &["bigint", "int8", "bigserial"],
        T::Float => &["real", "float4"],
        T::Double => &["double precision", "float8"],
        _ => return true,
    };
    names.contains(&base.as_str())
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        format!("({})", names.join(", "))
    }
}

fn same_fk(a: &ForeignKeyInfo, b: &ForeignKeyInfo) -> bool {
    a.columns == b.columns && a.table == b.table && a.referenced == b.referenced
}

fn same_index(a: &IndexInfo, b: &IndexInfo) -> bool {
    a.columns == b.columns && a.unique == b.unique
}

/// `tables` with every table after those it refers to (cycles in their given order).
fn dependency_order(mut left: Vec<Table>) -> Vec<Table> {
    let mut done: Vec<Table> = Vec::new();
    while !left.is_empty() {
        let ready = left.iter().position(|t| {
            t.info.foreign_keys.iter().all(|fk| {
                fk.table == t.info.name
                    || done.iter().any(|d| d.info.name == fk.table)
                    || !left.iter().any(|l| l.info.name == fk.table)
            })
        });
        done.push(left.remove(ready.unwrap_or(0)));
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_parse() {
        assert_eq!(
            Rename::parse("product.name=title"),
            Ok(Rename::Column {
                table: "product".into(),
                from: "name".into(),
                to: "title".into()
            })
        );
        assert_eq!(
            Rename::parse("items=products"),
            Ok(Rename::Table {
                from: "items".into(),
                to: "products".into()
            })
        );
        for bad in ["product.name", "=x", "x=", ".a=b", "a.=b"] {
            assert!(Rename::parse(bad).is_err(), "{bad}");
        }
    }
}
