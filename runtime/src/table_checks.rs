//! What `Database::check_tables` finds wrong with one live column: a declared type that
//! does not suit its field, a collation, nullability or key that differs, values stored in
//! another form than Colt writes and compares (SQLite); and a database whose text is not
//! UTF-8.

use crate::backend::{Conn, LiveColumn};
use crate::declared;
use crate::entity::EntityMeta;
use crate::render::Dialect;
use crate::types::ColumnType;
use crate::value::Value;
use crate::Result;

/// A database whose text is not UTF-8 (another tool's SQLite file in UTF-16, a PostgreSQL
/// database in LATIN1): `.len()`, slices and the text tests work on the bytes of the
/// database's encoding, which are not Rust's.
pub(crate) fn encoding_problem(conn: &Conn) -> Result<Option<String>> {
    let sql = match conn.dialect() {
        Dialect::Sqlite => "PRAGMA encoding",
        Dialect::Postgres => "SHOW server_encoding",
    };
    let encoding = match conn.query_values(sql, &[])?.first().and_then(|r| r.first()) {
        Some(Value::Text(t)) => t.clone(),
        _ => return Ok(None),
    };
    if encoding.eq_ignore_ascii_case("UTF-8") || encoding.eq_ignore_ascii_case("UTF8") {
        return Ok(None);
    }
    Ok(Some(format!(
        "the database's text is encoded in {encoding}, not UTF-8: `.len()`, slices and the text tests (`contains`, `starts_with`..) would count and compare the bytes of {encoding}, not Rust's (copy the data into a UTF-8 database)"
    )))
}

/// SQLite: a column holding a value in another form than Colt writes and compares, read
/// correctly (or refused) but compared otherwise in queries, so reported with the way to
/// rewrite it: a date or time in another tool's spelling (`2009-01-01T00:00:00`, compared as
/// text), a UUID as text (never equal to the 16 bytes a query compares), a bool that is not
/// 0 or 1 (true for `if b`, but not for `b == true`).
pub(crate) fn stray_values(
    conn: &Conn,
    dialect: Dialect,
    e: &EntityMeta,
    c: &crate::ColumnMeta,
) -> Result<Option<String>> {
    use crate::render::control::StrayForm;
    let found = first_stray(conn, dialect, e.table, c.name, c.ty)?;
    let (t, col) = (e.table, c.name);
    let (name, field) = (e.name, c.field);
    Ok(found.map(|(form, found)| match form {
        StrayForm::Time(kind) => format!(
            "column `{t}.{col}` holds {found}, not in the spelling Colt writes and compares (as `2009-01-01 10:00:00.25`: SQLite's for whole seconds, a fraction without trailing zeros): queries would compare it as text; rewrite the column once through Colt, which keeps every digit (`tx.execute_sql(r#\"UPDATE \"{t}\" SET \"{col}\" = colt_time_spelling({kind}, \"{col}\") WHERE colt_time_spelling({kind}, \"{col}\") IS NOT NULL\"#, &[])` rewrites ISO text; a number, such as a unix time, needs a conversion of its own: SQLite's `datetime(x)` would read it as a Julian day, and drops fractions)"
        ),
        StrayForm::Uuid => format!(
            "column `{t}.{col}` holds {found}, not the 16 bytes Colt writes and compares for a Uuid: queries would never match it; rewrite the column once (for hyphenated text: `UPDATE \"{t}\" SET \"{col}\" = unhex(replace(\"{col}\", '-', '')) WHERE typeof(\"{col}\") = 'text'`)"
        ),
        StrayForm::Decimal => format!(
            "column `{t}.{col}` holds {found}, not a decimal as Colt writes and compares one (a number of at most 15 significant digits): it reads as its rounding, but `==` and `<` compare it as it is; rewrite the column once (`UPDATE \"{t}\" SET \"{col}\" = CAST(printf('%.15g', \"{col}\") AS REAL) WHERE typeof(\"{col}\") IN ('real', 'text')`)"
        ),
        StrayForm::Storage(storage) => format!(
            "column `{t}.{col}` holds {found}, not {} as Colt writes and compares for field `{}::{}`: queries would compare it as it is (SQLite orders text after every number, so `x.{} > 5` holds for `''`), and reading it fails; rewrite or clear such values once (the empty text of a CSV import: `UPDATE \"{t}\" SET \"{col}\" = NULL WHERE \"{col}\" = ''`)",
            storage.name(), name, field, field
        ),
        StrayForm::Float32 => format!(
            "column `{t}.{col}` holds {found}, which no `f32` is: field `{name}::{field}` reads it rounded to an `f32`, but queries compare it as it is (`x.{field} == 0.1` would not find the `0.1` another tool wrote); make the field an `f64`, or round the column once through Colt (`tx.execute_sql(r#\"UPDATE \"{t}\" SET \"{col}\" = colt_f32(\"{col}\")\"#, &[])`)"
        ),
        StrayForm::Bool => format!(
            "column `{t}.{col}` holds {found}, not the 0 or 1 Colt writes and compares for a bool: `if x.{col}` would take it as true but `x.{col} == true` would not, and reading it fails; rewrite the column once (`UPDATE \"{t}\" SET \"{col}\" = CASE WHEN typeof(\"{col}\") IN ('integer', 'real') THEN \"{col}\" <> 0 WHEN lower(\"{col}\") IN ('t', 'true', 'y', 'yes', 'on', '1') THEN 1 WHEN lower(\"{col}\") IN ('f', 'false', 'n', 'no', 'off', '0') THEN 0 ELSE \"{col}\" END`, which leaves other values as they are)"
        ),
    }))
}

/// [`stray_values`] for a link table's column, which holds the keys of `of`: text in a
/// column declared without a type, where the keys are integers, is found by the joins of
/// queries (which convert it) but not by a collection's own statements (which do not), so a
/// collection read empty and `add` kept the pair twice.
pub(crate) fn stray_link_values(
    conn: &Conn,
    dialect: Dialect,
    table: &str,
    column: &str,
    of: &EntityMeta,
) -> Result<Option<String>> {
    let [k] = of.primary_key else {
        return Ok(None);
    };
    let key = &of.columns[*k];
    let found = first_stray(conn, dialect, table, column, key.ty)?;
    let cast = match key.ty {
        ColumnType::SmallInt | ColumnType::Int | ColumnType::BigInt => Some("INTEGER"),
        ColumnType::Text => Some("TEXT"),
        _ => None,
    };
    Ok(found.map(|(_, found)| {
        let fix = cast.map_or(String::new(), |to| format!(
            "; rewrite the column once (`UPDATE \"{table}\" SET \"{column}\" = CAST(\"{column}\" AS {to})`) and declare it {to}"
        ));
        format!(
            "link table column `{table}.{column}` holds {found}, not a key of `{}` as Colt writes and compares it (field `{}::{}`): a collection's own statements (reading it, `add`, `remove`) would not find such a pair, while queries would{fix}",
            of.name, of.name, key.field
        )
    }))
}

/// The first value of `t.col` that is not in the form Colt writes for a field of type `ty`
/// (SQLite; nothing elsewhere), with the form looked for.
fn first_stray(
    conn: &Conn,
    dialect: Dialect,
    t: &str,
    col: &str,
    ty: ColumnType,
) -> Result<Option<(crate::render::control::StrayForm, String)>> {
    use crate::render::control::{Storage, StrayForm};
    let form = match ty {
        ColumnType::Date => StrayForm::Time(0),
        ColumnType::Time => StrayForm::Time(1),
        ColumnType::Timestamp => StrayForm::Time(2),
        ColumnType::TimestampTz => StrayForm::Time(3),
        ColumnType::Uuid => StrayForm::Uuid,
        ColumnType::Bool => StrayForm::Bool,
        ColumnType::Decimal => StrayForm::Decimal,
        ColumnType::SmallInt => StrayForm::Storage(Storage::Integer(16)),
        ColumnType::Int => StrayForm::Storage(Storage::Integer(32)),
        ColumnType::BigInt => StrayForm::Storage(Storage::Integer(64)),
        ColumnType::Double => StrayForm::Storage(Storage::Number),
        ColumnType::Float => StrayForm::Float32,
        ColumnType::Text => StrayForm::Storage(Storage::Text),
        ColumnType::Blob => StrayForm::Storage(Storage::Blob),
        _ => return Ok(None),
    };
    if dialect != Dialect::Sqlite {
        return Ok(None);
    }
    let sql = crate::render::control::stray_value(t, col, form);
    let mut first = FirstValue(None);
    conn.query(&sql, &[], &mut first)?;
    Ok(first.0.map(|found| (form, found)))
}

/// The first value of a query's first column, as text for a message.
struct FirstValue(Option<String>);

impl crate::backend::RowSink for FirstValue {
    fn row<R: crate::entity::RowAccess>(&mut self, row: &R) -> Result<()> {
        self.0 = Some(row.value(0)?.to_string());
        Ok(())
    }

    fn wants_more(&self) -> bool {
        self.0.is_none()
    }
}

/// Whether the values of a field of this type are text to SQLite (where a column's
/// collation changes how they compare).
fn compares_text(ty: ColumnType) -> bool {
    matches!(
        ty,
        ColumnType::Text
            | ColumnType::Json
            | ColumnType::Date
            | ColumnType::Time
            | ColumnType::Timestamp
            | ColumnType::TimestampTz
    )
}

/// Whether column `at` of `e` belongs to an `Option<Ref<T>>` (`T` another entity) on a
/// cycle of references whose columns the database declares NOT NULL (`not_null`): as
/// Sakila's `store.manager_staff_id` and `staff.store_id`. `bind` refuses such a cycle of
/// `Ref`s (no row of it could be inserted first) and asks for an `Option` on one of them,
/// which the check then takes; a reference of an entity to itself binds as a `Ref`.
pub(crate) fn closes_a_not_null_cycle(
    e: &'static EntityMeta,
    at: usize,
    not_null: &dyn Fn(&EntityMeta, usize) -> bool,
) -> bool {
    let columns_of =
        |r: &crate::pairing::RelationMeta| r.column.map(|first| first..first + r.width().max(1));
    let Some(rel) = e.relations.iter().find(|r| {
        r.kind == crate::pairing::RelKind::OptionalRef
            && columns_of(r).is_some_and(|cols| cols.contains(&at))
    }) else {
        return false;
    };
    let start = (rel.target)();
    if std::ptr::eq(start, e) {
        return false;
    }
    // From the referenced entity back to `e`, through NOT NULL references only.
    let mut seen: Vec<&'static EntityMeta> = Vec::new();
    let mut next = vec![start];
    while let Some(f) = next.pop() {
        if std::ptr::eq(f, e) {
            return true;
        }
        if seen.iter().any(|s| std::ptr::eq(*s, f)) {
            continue;
        }
        seen.push(f);
        for r in f.relations {
            let Some(cols) = columns_of(r) else { continue };
            let target = (r.target)();
            if r.kind != crate::pairing::RelKind::Set
                && !std::ptr::eq(target, f)
                && cols.clone().all(|i| not_null(f, i))
            {
                next.push(target);
            }
        }
    }
    false
}

/// What is wrong with field `c` of `e` against the database's column `l`, if anything;
/// `closes_cycle`: an `Option` on a NOT NULL column that closes a cycle of NOT NULL
/// references ([`closes_a_not_null_cycle`]).
pub(crate) fn column_problem(
    dialect: Dialect,
    e: &EntityMeta,
    c: &crate::ColumnMeta,
    l: &LiveColumn,
    closes_cycle: bool,
) -> Option<String> {
    // A field's own type, as it is spelled; and a `char(n)` of a `String`, which
    // PostgreSQL reports as `character` (its length apart).
    let own = c.sql_type.is_some_and(|t| declared::same_type(t, &l.ty))
        || (dialect == Dialect::Postgres
            && c.pads_text()
            && declared::postgres_type_name(&l.ty) == "character");
    if !own && !declared::suits(dialect, c.ty, &l.ty) {
        return Some(format!(
            "column `{}.{}` is declared {} but field `{}::{}` needs {}{}",
            e.table,
            c.name,
            if l.ty.is_empty() {
                "without a type"
            } else {
                &l.ty
            },
            e.name,
            c.field,
            declared::wanted(dialect, c.ty),
            c.sql_type
                .map(|t| format!(" (or its own `sql_type` {t})"))
                .unwrap_or_default()
        ));
    }
    if dialect == Dialect::Postgres && c.primary_key && c.pads_text() {
        return Some(format!(
            "column `{}.{}` is a `char(n)` key, which PostgreSQL pads with spaces: a shorter key (`'ab'` in `char(4)`) would be stored as another text than the object's key, and the row and its object would not find each other (declare the column `varchar(n)` or `text`)",
            e.table, c.name
        ));
    }
    if let Some(collation) = l.collation.as_deref().filter(|_| compares_text(c.ty)) {
        return Some(format!(
            "column `{}.{}` compares its text with COLLATE {collation}, but Colt compares field `{}::{}` byte for byte, as Rust does: queries would match, order and group values that differ in case or trailing spaces as equal (declare the column without the collation, and compare `x.{}.to_lowercase()` where case should not count)",
            e.table, c.name, e.name, c.field, c.field
        ));
    }
    // (A view shows every column nullable: taken as it is, a NULL read is a `Decode` error.
    // A NOT NULL reference that closes a cycle of required references is the `Option`
    // `bind` asks for: no row of the cycle could be inserted first otherwise.)
    if l.not_null == c.nullable && !l.primary_key && !l.view && !closes_cycle {
        return Some(format!(
            "column `{}.{}` is {} but field `{}::{}` is {}",
            e.table,
            c.name,
            if l.not_null { "NOT NULL" } else { "nullable" },
            e.name,
            c.field,
            if c.nullable { "an Option" } else { "required" }
        ));
    }
    if l.primary_key != c.primary_key && !l.view {
        return Some(format!(
            "column `{}.{}` is {}part of the primary key but field `{}::{}` is {}",
            e.table,
            c.name,
            if l.primary_key { "" } else { "not " },
            e.name,
            c.field,
            if c.primary_key { "a key" } else { "not a key" }
        ));
    }
    None
}
