//! What a live database holds, as data: [`Database::catalog`] reads its tables (columns,
//! declared types, keys, foreign keys, indexes) and views, on either backend, for
//! `colt inspect` (entities from a database) and `colt diagram`.

use crate::backend::{Conn, Param};
use crate::database::Database;
use crate::error::{Error, Result};
use crate::render::introspection_sql as sql;
pub use crate::sql_tokens::{sql_tokens, SqlToken};
use crate::value::Value;

/// The tables and views of a database (the current schema on PostgreSQL), by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    /// Every table, by name.
    pub tables: Vec<TableInfo>,
    /// Every view's name.
    pub views: Vec<String>,
    /// SQLite: every virtual table's name (FTS, R*Tree: its module's rows). One whose module
    /// is built in is in `tables` too; the tables that store them are left out.
    pub virtual_tables: Vec<String>,
    /// The columns the database's triggers set, as (table, column): an `UPDATE .. SET` in
    /// a trigger (or a PostgreSQL trigger function), or PostgreSQL's `NEW.column := ..`.
    /// The database changes them on its own (`colt inspect` marks them `volatile`).
    pub trigger_columns: Vec<(String, String)>,
}

/// One table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableInfo {
    /// Its name, as the database spells it.
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<ColumnInfo>,
    /// The columns of its primary key, in key order (empty: it has none).
    pub primary_key: Vec<String>,
    /// Its foreign keys.
    pub foreign_keys: Vec<ForeignKeyInfo>,
    /// Its indexes over plain columns (unique constraints among them), but the primary
    /// key's.
    pub indexes: Vec<IndexInfo>,
}

/// One column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnInfo {
    /// Its name.
    pub name: String,
    /// Its declared type, as the database gives it (`NVARCHAR(120)`, `numeric(10,2)`; empty
    /// for a SQLite column declared without one).
    pub declared_type: String,
    /// `NOT NULL` (or part of the primary key).
    pub not_null: bool,
    /// Its `DEFAULT`, as SQL.
    pub default: Option<String>,
    /// The database fills it in: an identity or serial column, or SQLite's `INTEGER PRIMARY
    /// KEY` (the rowid).
    pub generated: bool,
}

/// One foreign key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForeignKeyInfo {
    /// Its constraint's name on PostgreSQL (what `ALTER TABLE .. DROP CONSTRAINT` takes);
    /// empty on SQLite, whose foreign keys have none.
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<String>,
    /// The table it refers to.
    pub table: String,
    /// The columns it refers to, in order (that table's primary key when the schema does not
    /// name them).
    pub referenced: Vec<String>,
    /// Its `ON DELETE` action (`NO ACTION`, `CASCADE`, `SET NULL`, ..).
    pub on_delete: String,
    /// Its `ON UPDATE` action, as `on_delete`.
    pub on_update: String,
    /// When it is checked: empty for at each statement (`NOT DEFERRABLE`), or
    /// `DEFERRABLE INITIALLY IMMEDIATE`, or `DEFERRABLE INITIALLY DEFERRED` (at commit).
    pub deferral: String,
    /// PostgreSQL's `MATCH FULL`: a key of several columns with some of them NULL is
    /// refused (`MATCH SIMPLE`, the default, lets it through). SQLite parses `MATCH` and
    /// ignores it.
    pub match_full: bool,
}

/// One index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexInfo {
    /// Its name.
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<String>,
    /// Whether it is unique (a `UNIQUE` constraint is such an index).
    pub unique: bool,
}

impl TableInfo {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&ColumnInfo> {
        self.columns.iter().find(|c| c.name == name)
    }
}

impl Catalog {
    /// The table named `name`.
    pub fn table(&self, name: &str) -> Option<&TableInfo> {
        self.tables.iter().find(|t| t.name == name)
    }
}

impl Database {
    /// Reads the tables and views of the database (on PostgreSQL, of the current schema).
    ///
    /// ```
    /// # use colt_runtime::*;
    /// # fn main() -> Result<()> {
    /// let db = Database::open("sqlite::memory:")?;
    /// db.transaction(|tx| tx.execute_sql("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT NOT NULL)", &[]))?;
    /// let catalog = db.catalog()?;
    /// let note = catalog.table("note").expect("the table");
    /// assert_eq!(note.primary_key, ["id"]);
    /// assert!(note.columns[0].generated); // SQLite's INTEGER PRIMARY KEY is the rowid
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Database errors.
    pub fn catalog(&self) -> Result<Catalog> {
        let conn = self.inner.acquire()?;
        let catalog = read_catalog(&conn);
        self.inner.release(conn);
        catalog
    }
}

fn read_catalog(conn: &Conn) -> Result<Catalog> {
    let d = conn.dialect();
    let mut catalog = Catalog::default();
    for row in conn.query_values(sql::relations(d), &[])? {
        let name = text(&row, 0)?;
        match text(&row, 1)?.as_str() {
            "view" => catalog.views.push(name),
            "table" => catalog.tables.push(read_table(conn, name)?),
            "virtual" => {
                // Its columns too, when its module is built in (an entity may map it, and
                // `migrate diff` must see it exists); its storage tables are left out.
                if let Ok(t) = read_table(conn, name.clone()) {
                    catalog.tables.push(t);
                }
                catalog.virtual_tables.push(name);
            }
            _ => {} // a virtual table's storage
        }
    }
    if d == crate::render::Dialect::Sqlite {
        resolve_reference_names(&mut catalog.tables);
    }
    for row in conn.query_values(sql::triggers(d), &[])? {
        let (table, body) = (text(&row, 0)?, opt_text(&row, 1)?.unwrap_or_default());
        for pair in crate::trigger_columns::columns_set(&table, &body) {
            if !catalog.trigger_columns.contains(&pair) {
                catalog.trigger_columns.push(pair);
            }
        }
    }
    catalog.trigger_columns.sort();
    // By name, byte by byte: the same order whatever the server's collation.
    catalog.tables.sort_by(|a, b| a.name.cmp(&b.name));
    catalog.views.sort();
    catalog.virtual_tables.sort();
    Ok(catalog)
}

/// SQLite: a foreign key names its table and columns as its author wrote them
/// (`REFERENCES Artist(ID)` for the table `artist`), and SQLite matches names without
/// case: each is given as the table and columns of the catalogue spell it.
fn resolve_reference_names(tables: &mut [TableInfo]) {
    let spelled: Vec<(String, Vec<String>)> = tables
        .iter()
        .map(|t| {
            (
                t.name.clone(),
                t.columns.iter().map(|c| c.name.clone()).collect(),
            )
        })
        .collect();
    for (own, t) in spelled.iter().zip(tables.iter_mut()) {
        for fk in &mut t.foreign_keys {
            for c in &mut fk.columns {
                if let Some(spelled) = own.1.iter().find(|o| o.eq_ignore_ascii_case(c)) {
                    *c = spelled.clone();
                }
            }
            resolve_target(&spelled, fk);
        }
    }
}

/// The table and columns a foreign key refers to, as the catalogue spells them.
fn resolve_target(spelled: &[(String, Vec<String>)], fk: &mut ForeignKeyInfo) {
    let target = spelled
        .iter()
        .find(|(name, _)| *name == fk.table)
        .or_else(|| {
            spelled
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(&fk.table))
        });
    let Some((name, columns)) = target else {
        return;
    };
    fk.table = name.clone();
    for r in &mut fk.referenced {
        if let Some(c) = columns.iter().find(|c| c.eq_ignore_ascii_case(r)) {
            *r = c.clone();
        }
    }
}

pub(crate) fn read_table(conn: &Conn, name: String) -> Result<TableInfo> {
    let d = conn.dialect();
    // (PostgreSQL's catalogue holds a long name cut as its statements cut it.)
    let looked_up = match d {
        crate::render::Dialect::Postgres => crate::table_keys::pg_name(&name),
        crate::render::Dialect::Sqlite => &name,
    };
    let table = Value::Text(looked_up.to_string());
    let param = [Param::Owned(&table)];
    let mut info = TableInfo {
        name,
        ..TableInfo::default()
    };
    let mut key: Vec<(i64, String)> = Vec::new();
    for row in conn.query_values(sql::columns(d), &param)? {
        let column = text(&row, 0)?;
        let position = int(&row, 4)?;
        if position > 0 {
            key.push((position, column.clone()));
        }
        info.columns.push(ColumnInfo {
            name: column,
            declared_type: opt_text(&row, 1)?.unwrap_or_default(),
            not_null: flag(&row, 2)? || position > 0,
            default: opt_text(&row, 3)?,
            generated: flag(&row, 5)?,
        });
    }
    key.sort();
    info.primary_key = key.into_iter().map(|(_, c)| c).collect();
    // SQLite: a single `INTEGER PRIMARY KEY` column is the rowid, filled in by the database
    // (not in a `WITHOUT ROWID` table).
    if d == crate::render::Dialect::Sqlite && info.primary_key.len() == 1 {
        let without_rowid = conn
            .query_values(sql::SQLITE_WITHOUT_ROWID, &param)?
            .first()
            .is_some_and(|row| flag(row, 0).unwrap_or(false));
        // (`INTEGER PRIMARY KEY DESC` is no rowid either: its key has an index of its own.)
        let key_index = conn
            .query_values(sql::SQLITE_KEY_INDEX, &param)?
            .first()
            .is_some_and(|row| flag(row, 0).unwrap_or(true));
        let pk = info.primary_key[0].clone();
        if let Some(c) = info.columns.iter_mut().find(|c| c.name == pk) {
            c.generated =
                !without_rowid && !key_index && c.declared_type.eq_ignore_ascii_case("INTEGER");
        }
    }
    let mut fk_ids: Vec<String> = Vec::new();
    for row in conn.query_values(sql::foreign_keys(d), &param)? {
        let id = text(&row, 0)?;
        if fk_ids.last() != Some(&id) {
            fk_ids.push(id.clone());
            info.foreign_keys.push(ForeignKeyInfo {
                name: if d == crate::render::Dialect::Postgres {
                    id
                } else {
                    String::new()
                },
                table: text(&row, 3)?,
                on_delete: opt_text(&row, 5)?.unwrap_or_else(|| "NO ACTION".to_string()),
                on_update: opt_text(&row, 6)?.unwrap_or_else(|| "NO ACTION".to_string()),
                deferral: opt_text(&row, 7)?.unwrap_or_default(),
                match_full: flag(&row, 8)?,
                ..ForeignKeyInfo::default()
            });
        }
        let Some(fk) = info.foreign_keys.last_mut() else {
            continue;
        };
        fk.columns.push(text(&row, 2)?);
        if let Some(to) = opt_text(&row, 4)? {
            fk.referenced.push(to);
        }
    }
    // SQLite's catalogue does not say which are deferrable: the table's SQL does. (Before
    // the referenced columns left out are filled in: a clause that names none is matched
    // by that.)
    if d == crate::render::Dialect::Sqlite && !info.foreign_keys.is_empty() {
        let create = conn.query_values(sql::SQLITE_TABLE_SQL, &param)?;
        if let Some(Value::Text(create)) = create.first().and_then(|row| row.first()) {
            crate::fk_deferral::sqlite_deferrals(create, &mut info.foreign_keys);
        }
    }
    // SQLite leaves out the referenced columns when they are the primary key.
    for fk in &mut info.foreign_keys {
        if fk.referenced.len() != fk.columns.len() {
            fk.referenced = primary_key_of(conn, &fk.table)?;
        }
    }
    for row in conn.query_values(sql::indexes(d), &param)? {
        if flag(&row, 2)? {
            continue; // the primary key's own
        }
        let index = text(&row, 0)?;
        let column = text(&row, 4)?;
        match info.indexes.last_mut() {
            Some(last) if last.name == index => last.columns.push(column),
            _ => info.indexes.push(IndexInfo {
                name: index,
                columns: vec![column],
                unique: flag(&row, 1)?,
            }),
        }
    }
    Ok(info)
}

fn primary_key_of(conn: &Conn, table: &str) -> Result<Vec<String>> {
    let name = Value::Text(table.to_string());
    let mut key: Vec<(i64, String)> = Vec::new();
    for row in conn.query_values(sql::columns(conn.dialect()), &[Param::Owned(&name)])? {
        let position = int(&row, 4)?;
        if position > 0 {
            key.push((position, text(&row, 0)?));
        }
    }
    key.sort();
    Ok(key.into_iter().map(|(_, c)| c).collect())
}

fn unexpected(row: &[Value], i: usize) -> Error {
    Error::SchemaMismatch(format!(
        "the database's catalogue gave an unexpected value in column {i} of {row:?}"
    ))
}

fn text(row: &[Value], i: usize) -> Result<String> {
    opt_text(row, i)?.ok_or_else(|| unexpected(row, i))
}

fn opt_text(row: &[Value], i: usize) -> Result<Option<String>> {
    match row.get(i) {
        Some(Value::Text(t)) => Ok(Some(t.clone())),
        Some(Value::Null) => Ok(None),
        Some(Value::Int(n)) => Ok(Some(n.to_string())),
        _ => Err(unexpected(row, i)),
    }
}

fn int(row: &[Value], i: usize) -> Result<i64> {
    match row.get(i) {
        Some(Value::Int(n)) => Ok(*n),
        Some(Value::Null) => Ok(0),
        _ => Err(unexpected(row, i)),
    }
}

fn flag(row: &[Value], i: usize) -> Result<bool> {
    match row.get(i) {
        Some(Value::Int(n)) => Ok(*n != 0),
        _ => Err(unexpected(row, i)),
    }
}

/// Why a SQLite table rebuild that copies a column declared `from` into one declared `to`
/// would change some of its values (each takes the new column's type affinity: `'007'`
/// copied into an `INTEGER` column becomes 7), if it would; `None` when every value is kept.
pub fn sqlite_retype_loss(from: &str, to: &str) -> Option<&'static str> {
    crate::declared::retype_loss(from, to)
}

/// Whether SQLite gives a column declared `declared` a number's affinity (INTEGER, REAL or
/// NUMERIC: `DATETIME`, `DATE`, `DECIMAL`..), which it applies to what the column is
/// compared with: a `String` field there needs its `sql_type` said, so that queries compare
/// it as text.
pub fn sqlite_numeric_affinity(declared: &str) -> bool {
    crate::declared::sqlite_numeric_affinity(declared)
}

/// Whether a column declared `declared` (as [`ColumnInfo::declared_type`] gives it) suits a
/// field stored as `ty`, by the rules of [`Database::check_tables`]: on SQLite by type
/// affinity, on PostgreSQL exactly (type modifiers such as `(10,2)` aside).
pub fn declared_type_suits(
    dialect: crate::render::Dialect,
    ty: crate::types::ColumnType,
    declared: &str,
) -> bool {
    crate::declared::suits(dialect, ty, &base_type(declared))
}

/// Whether two entities' table names would name one table on some backend (ASCII case
/// ignored, as SQLite does; the first 63 bytes, as PostgreSQL keeps them):
/// [`Database::bind`](crate::Database::bind) refuses two entities on such names.
///
/// ```
/// use colt_runtime::introspect::same_table_name;
/// assert!(same_table_name("Product", "product"));
/// assert!(!same_table_name("product", "products"));
/// ```
pub fn same_table_name(a: &str, b: &str) -> bool {
    crate::table_keys::same_table_name(a, b)
}

/// A declared type without its modifiers: `character varying(20)` → `character varying`,
/// `timestamp(3) without time zone` → `timestamp without time zone`.
pub fn base_type(declared: &str) -> String {
    crate::declared::without_modifiers(declared)
}

/// The column type `create_tables` declares for a field stored as `ty` (`auto`: a key the
/// database generates): `BIGINT`, `TEXT`, `BIGSERIAL`, ...
///
/// ```
/// use colt_runtime::{introspect::declared_type, ColumnType, Dialect};
/// assert_eq!(declared_type(Dialect::Postgres, ColumnType::BigInt, true), "BIGSERIAL");
/// assert_eq!(declared_type(Dialect::Sqlite, ColumnType::Int, false), "INTEGER");
/// ```
pub fn declared_type(
    dialect: crate::render::Dialect,
    ty: crate::types::ColumnType,
    auto: bool,
) -> &'static str {
    dialect.syntax().column_type(ty, auto)
}

/// A value as the SQL literal `create_tables` writes in a column's `DEFAULT`; `None` for NULL
/// and for a value with no literal (a float that is not finite, a decimal SQLite would not
/// hold exactly).
///
/// ```
/// use colt_runtime::{introspect::default_literal, ColumnType, Dialect, Value};
/// let yes = default_literal(Dialect::Postgres, &Value::Int(1), ColumnType::Bool);
/// assert_eq!(yes.as_deref(), Some("TRUE"));
/// let text = default_literal(Dialect::Sqlite, &Value::Text("it's".into()), ColumnType::Text);
/// assert_eq!(text.as_deref(), Some("'it''s'"));
/// ```
pub fn default_literal(
    dialect: crate::render::Dialect,
    value: &Value,
    ty: crate::types::ColumnType,
) -> Option<String> {
    crate::render::ddl::literal_text(dialect, value, ty)
}
