//! What differs between dialects, and `CREATE TABLE` / `CREATE INDEX` text.

use crate::entity::EntityMeta;
use crate::plan::{AggFn, CastTo, DatePart, Func, JsonScalar, TextTest};
use crate::types::ColumnType;

use super::{Dialect, SqlWriter};

/// A piece of the SQL of a function of query values ([`SqlDialect::call`], `json_get`,
/// `json_as`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum CallPiece {
    /// SQL text.
    Sql(&'static str),
    /// Argument `n` (it may be written several times).
    Arg(usize),
}

/// The functions both dialects write alike (each dialect's `call` gives them these).
pub(crate) fn standard_call(f: Func) -> &'static [CallPiece] {
    use CallPiece::*;
    match f {
        Func::Abs => &[Sql("abs("), Arg(0), Sql(")")],
        Func::TrimStart => &[Sql("ltrim("), Arg(0), Sql(")")],
        Func::TrimEnd => &[Sql("rtrim("), Arg(0), Sql(")")],
        Func::Replace => &[
            Sql("replace("),
            Arg(0),
            Sql(", "),
            Arg(1),
            Sql(", "),
            Arg(2),
            Sql(")"),
        ],
        Func::IfElse => &[
            Sql("(CASE WHEN "),
            Arg(0),
            Sql(" THEN "),
            Arg(1),
            Sql(" ELSE "),
            Arg(2),
            Sql(" END)"),
        ],
        Func::Coalesce => &[Sql("COALESCE("), Arg(0), Sql(", "), Arg(1), Sql(")")],
        Func::Concat => &[Sql("("), Arg(0), Sql(" || "), Arg(1), Sql(")")],
        Func::Separated => &[Arg(0), Sql(", "), Arg(1)],
        Func::Random => &[Sql("random()")],
        Func::Null => &[Sql("NULL")],
        // Written differently by each dialect (its `call`).
        Func::Round | Func::Like | Func::Slice | Func::SliceFrom => &[],
    }
}

/// The pieces of SQL that differ between databases.
pub(crate) trait SqlDialect: Sync {
    /// Writes the placeholder of parameter `index` (0-based).
    fn placeholder(&self, out: &mut String, index: usize);
    /// `ASC`/`DESC` with NULLs first ascending and last descending, or where asked.
    fn order_suffix(&self, desc: bool, nulls_first: Option<bool>) -> &'static str;
    /// What stands before `OFFSET` when there is no limit.
    fn no_limit(&self) -> &'static str;
    /// NULL-safe equality operators: (equal, not equal).
    fn null_safe_eq(&self) -> (&'static str, &'static str);
    /// A case-sensitive text test of `a` against `b` (no wildcards: `%` and `_` are plain).
    fn text_test(&self, out: &mut String, test: TextTest, a: &str, b: &str);
    /// Around an expression: its length in bytes.
    fn byte_length(&self) -> (&'static str, &'static str);
    /// Around a text: the text in lower case (`upper`: upper case).
    fn text_case(&self, upper: bool) -> (&'static str, &'static str);
    /// Around an expression: its length in characters.
    fn char_length(&self) -> (&'static str, &'static str);
    /// Around a date or time, its `part` as an integer (`utc`: the value is an instant, read
    /// in UTC).
    fn date_part(&self, part: DatePart, utc: bool) -> (&'static str, &'static str);
    /// ` IN (list parameter)` after the tested expression.
    fn in_list(&self, w: &mut SqlWriter, param: usize);
    /// ` IN (list parameter)` after a JSON document (`CastTo::JsonListed`): the list's
    /// documents in the form the document is compared in.
    fn in_json_list(&self, w: &mut SqlWriter, param: usize) {
        self.in_list(w, param);
    }
    /// The list parameter as a table of one column, `value`, named `alias` (after `JOIN`);
    /// `element`: the type of the column its values are compared with.
    fn list_table(&self, w: &mut SqlWriter, param: usize, element: ColumnType, alias: &str);
    /// Whether the list parameter holds a NULL (a condition).
    fn list_has_null(&self, w: &mut SqlWriter, param: usize);
    /// The column type in `CREATE TABLE`.
    fn column_type(&self, ty: ColumnType, auto: bool) -> &'static str;
    /// Whether an `auto` key column is declared inline as `PRIMARY KEY` (SQLite) or not.
    fn auto_key_inline(&self) -> bool;
    /// A function of query values (the dialect's own; the others are [`standard_call`]).
    fn call(&self, f: Func) -> &'static [CallPiece];
    /// The name of `group_concat` (`string_agg` on PostgreSQL), with its `(`.
    fn group_concat(&self) -> &'static str;
    /// Around an expression: a [`crate::plan::Node::Cast`].
    fn cast(&self, to: CastTo) -> (&'static str, &'static str);
    /// A member of a JSON document (argument 0) by key, or by array position (`position`)
    /// (argument 1).
    fn json_get(&self, position: bool) -> &'static [CallPiece];
    /// A JSON value (argument 0) as a plain SQL value of a kind, `NULL` when it is of
    /// another kind.
    fn json_as(&self, scalar: JsonScalar) -> &'static [CallPiece];
    /// Around a column compared in order (`<`, `<=`, `>`, `>=`) with another value:
    /// SQLite's text attribute in a column of a number's affinity, made the text it holds.
    fn ordered_column(&self, column: &crate::entity::ColumnMeta) -> (&'static str, &'static str);
    /// Around both sides of an optimistic check of a column (`col IS ?`).
    fn checked(&self, column: &crate::entity::ColumnMeta) -> (&'static str, &'static str);
    /// What wraps an aggregate so that its type is the Rust one (`CAST(.. AS BIGINT)`).
    fn aggregate_cast(&self, f: AggFn, ty: Option<ColumnType>) -> (&'static str, &'static str);
    /// A sum or an average of `ty` the dialect computes with a function of Colt's (SQLite's
    /// decimals, added exactly): what goes before and after the argument instead. Where
    /// the statement's own result reads it (`read_back`: a value the outermost `SELECT`
    /// projects), it may be the exact value in a form the statement could not compare.
    fn exact_aggregate(
        &self,
        f: AggFn,
        ty: Option<ColumnType>,
        read_back: bool,
    ) -> Option<(&'static str, &'static str)>;
    /// `MIN`/`MAX` of `ty` where the dialect has none (PostgreSQL's booleans and UUIDs):
    /// what goes before and after the argument instead.
    fn min_max(&self, f: AggFn, ty: Option<ColumnType>) -> Option<(&'static str, &'static str)>;
    /// Whether an average (`Avg`/`AvgDistinct` of `ty`) is written as its exact sum made a
    /// double, over its count (PostgreSQL's `AVG` of integers divides as `numeric` and
    /// rounds twice; an average of doubles would round at each addition).
    fn avg_as_sum_over_count(&self, f: AggFn, ty: Option<ColumnType>) -> bool;
    /// `INSERT` that skips a row whose key exists: (before the table, after the values).
    fn insert_ignore(&self) -> (&'static str, &'static str);
    /// Around the right side of `/` and `%`: what makes a division by zero an error. When
    /// it is a function (`open` not empty), the dividend may follow the divisor as a second
    /// argument: NULL there makes the division NULL, as it is without a zero check (`NULL /
    /// 0` is NULL on PostgreSQL, as `None` divided by anything is `None`).
    fn divisor(&self) -> (&'static str, &'static str);
    /// The row-locking clause of `for_update` queries.
    fn for_update(&self, wait: crate::plan::LockWait) -> &'static str;
    /// Whether an insert returns its generated key with `RETURNING`.
    fn returning_auto(&self) -> bool;
    /// Whether a sub-query in an `UPDATE`'s values sees the rows the statement already
    /// wrote (SQLite runs a correlated one for each row as it goes).
    fn update_sees_own_writes(&self) -> bool;
}

/// Whether column `column` holds a one-to-one reference (then at most one row per target).
fn one_to_one_owner(e: &'static EntityMeta, column: usize) -> bool {
    e.relations.iter().any(|r| {
        r.column == Some(column)
            && matches!(
                crate::pairing::partner(e, r),
                Ok(crate::pairing::Partner::OneToOne { .. })
            )
    }) && crate::pairing::is_stored(e, column)
}

/// The entity column `column` refers to, if it is (one column of) a reference.
pub(crate) fn references(e: &'static EntityMeta, column: usize) -> Option<&'static EntityMeta> {
    crate::pairing::reference_of(e, column).map(|(r, _, _)| (r.target)())
}

/// The column names of the fields whose first columns are `firsts` (a reference to a
/// composite key stands for all its columns).
fn field_names(e: &'static EntityMeta, firsts: &[usize]) -> Vec<&'static str> {
    firsts
        .iter()
        .flat_map(|&f| crate::pairing::field_columns(e, f))
        .map(|c| e.columns[c].name)
        .collect()
}

/// The references of `e` to composite keys: their columns, and the target.
fn wide_references(e: &'static EntityMeta) -> Vec<(Vec<&'static str>, &'static EntityMeta)> {
    e.relations
        .iter()
        .filter(|r| r.width() > 1)
        .filter_map(|r| {
            let first = r.column?;
            let names = (first..first + r.width())
                .map(|c| e.columns[c].name)
                .collect();
            Some((names, (r.target)()))
        })
        .collect()
}

/// The entities in an order where every referenced table comes before the tables referring
/// to it (self-references and cycles keep their given order).
pub(crate) fn dependency_order(entities: &[&'static EntityMeta]) -> Vec<&'static EntityMeta> {
    let mut done: Vec<&'static EntityMeta> = Vec::new();
    let mut left: Vec<&'static EntityMeta> = entities.to_vec();
    while !left.is_empty() {
        let ready = left.iter().position(|e| {
            e.relations
                .iter()
                .filter(|r| r.column.is_some_and(|c| crate::pairing::is_stored(e, c)))
                .all(|r| {
                    let t = (r.target)();
                    std::ptr::eq(t, *e)
                        || done.iter().any(|d| std::ptr::eq(*d, t))
                        || !left.iter().any(|l| std::ptr::eq(*l, t))
                })
        });
        // A cycle: take the first one as it is.
        let i = ready.unwrap_or(0);
        done.push(left.remove(i));
    }
    done
}

/// ` DEFAULT <value>`: a column's default as an SQL literal (see [`literal_text`]).
fn literal(out: &mut SqlWriter, dialect: Dialect, v: &crate::Value, ty: ColumnType) {
    if let Some(text) = literal_text(dialect, v, ty) {
        out.push(" DEFAULT ");
        out.push(&text);
    }
}

/// A text as an SQL string literal. On PostgreSQL a text with a backslash is written as an
/// escape string (`E'C:\\temp'`): a plain literal's backslash means itself only while the
/// server's `standard_conforming_strings` is on, which a database or a role can turn off
/// (`'C:\temp'` then holds a tab).
pub(crate) fn text_literal(dialect: Dialect, text: &str) -> String {
    let quoted = text.replace('\'', "''");
    if dialect == Dialect::Postgres && text.contains('\\') {
        format!("E'{}'", quoted.replace('\\', "\\\\"))
    } else {
        format!("'{quoted}'")
    }
}

/// A column's default as an SQL literal (a constant, which both dialects accept in a
/// `DEFAULT`; not a parameter). `None` for NULL (every nullable column defaults to it) or for
/// a value that has no literal (a float that is not finite, a decimal SQLite cannot hold).
pub(crate) fn literal_text(dialect: Dialect, v: &crate::Value, ty: ColumnType) -> Option<String> {
    use crate::Value;
    Some(match (v, ty) {
        (Value::Int(i), ColumnType::Bool) => (if *i != 0 { "TRUE" } else { "FALSE" }).to_string(),
        (Value::Int(i), _) => i.to_string(),
        (Value::Real(r), _) if r.is_finite() => format!("{r:?}"),
        (Value::Text(t), _) => text_literal(dialect, t),
        // An instant with its zone: PostgreSQL would read one without in the session's.
        (Value::Time(t @ crate::temporal::Temporal::TimestampTz(_)), _)
            if dialect == Dialect::Postgres =>
        {
            format!("'{}+00'", t.to_iso())
        }
        (Value::Time(t), _) => format!("'{}'", t.to_iso()),
        // A numeric literal (on SQLite, only one it holds exactly: see `exact_decimal`).
        (Value::Decimal(d), _) if dialect == Dialect::Postgres || d.sqlite_exact() => d.to_string(),
        (Value::Blob(b), _) => {
            let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
            match dialect {
                // A UUID's literal is its text on PostgreSQL (a `uuid` column takes no
                // bytea).
                Dialect::Postgres if ty == ColumnType::Uuid && hex.len() == 32 => format!(
                    "'{}-{}-{}-{}-{}'",
                    &hex[..8],
                    &hex[8..12],
                    &hex[12..16],
                    &hex[16..20],
                    &hex[20..]
                ),
                // (An escape string: see `text_literal`.)
                Dialect::Postgres => format!("E'\\\\x{hex}'"),
                Dialect::Sqlite => format!("X'{hex}'"),
            }
        }
        _ => return None,
    })
}

/// The statements that make one table.
pub(crate) struct TableSql {
    /// `CREATE TABLE IF NOT EXISTS` and its indexes, one statement each.
    pub(crate) create: Vec<String>,
    /// `ALTER TABLE .. ADD FOREIGN KEY`, one for each reference to a table made after this
    /// one: PostgreSQL resolves a `REFERENCES` at once, so the foreign keys that close a
    /// cycle of tables wait until every table exists. Run them only for a table `create` made
    /// (an existing table keeps the keys it has).
    pub(crate) foreign_keys: Vec<String>,
}

/// The tables of `entities` in the order to make them, each with its statements.
pub(crate) fn tables_sql(
    dialect: Dialect,
    entities: &[&'static EntityMeta],
) -> Vec<(&'static EntityMeta, TableSql)> {
    let order = dependency_order(entities);
    (0..order.len())
        .map(|i| {
            // SQLite resolves a reference when it is used, and cannot add one to a table.
            let later = match dialect {
                Dialect::Postgres => &order[i + 1..],
                Dialect::Sqlite => &[],
            };
            (order[i], create_table_sql(dialect, order[i], later))
        })
        .collect()
}

/// `ALTER TABLE <e> ADD FOREIGN KEY (<columns>) REFERENCES <target> (<key>)`.
fn add_foreign_key(
    dialect: Dialect,
    e: &EntityMeta,
    columns: &[&str],
    target: &EntityMeta,
) -> String {
    let mut out = SqlWriter::new(dialect);
    out.push("ALTER TABLE ");
    out.ident(e.table);
    out.push(" ADD FOREIGN KEY (");
    out.idents(columns.iter().copied());
    out.push(") REFERENCES ");
    out.ident(target.table);
    out.push(" (");
    out.idents(target.primary_key.iter().map(|&k| target.columns[k].name));
    out.push(")");
    out.finish()
}

/// The statements that make the table of `e`; its references to the tables in `later` are
/// left to [`TableSql::foreign_keys`].
pub(crate) fn create_table_sql(
    dialect: Dialect,
    e: &'static EntityMeta,
    later: &[&'static EntityMeta],
) -> TableSql {
    let is_later = |t: &EntityMeta| later.iter().any(|l| std::ptr::eq(*l, t));
    let mut foreign_keys = Vec::new();
    let d = dialect.syntax();
    let mut out = SqlWriter::new(dialect);
    out.push("CREATE TABLE IF NOT EXISTS ");
    out.ident(e.table);
    out.push(" (");
    let inline_pk = e.primary_key.len() == 1 && e.columns[e.primary_key[0]].auto;
    let mut first = true;
    for (i, c) in e.columns.iter().enumerate() {
        if !crate::pairing::is_stored(e, i) {
            continue; // the reverse side of a one-to-one
        }
        if !first {
            out.push(", ");
        }
        first = false;
        out.ident(c.name);
        out.push(" ");
        out.push(c.sql_type.unwrap_or_else(|| d.column_type(c.ty, c.auto)));
        if inline_pk && c.primary_key && d.auto_key_inline() {
            out.push(" PRIMARY KEY AUTOINCREMENT");
        }
        if !c.nullable {
            out.push(" NOT NULL");
        }
        if let Some(default) = c.default.filter(|_| c.default_in_table) {
            literal(&mut out, dialect, &default(), c.ty);
        }
        let wide = crate::pairing::reference_of(e, i).is_some_and(|(_, _, w)| w > 1);
        // (A key column is unique by the key only when it is the whole key.)
        if (c.unique || one_to_one_owner(e, i)) && e.primary_key != [i] && !wide {
            out.push(" UNIQUE");
        }
        if let Some(target) = references(e, i).filter(|_| !wide) {
            if is_later(target) {
                foreign_keys.push(add_foreign_key(dialect, e, &[c.name], target));
            } else {
                out.push(" REFERENCES ");
                out.ident(target.table);
                out.push(" (");
                let key = target.primary_key.first().copied().unwrap_or(0);
                out.ident(target.columns[key].name);
                out.push(")");
            }
        }
    }
    if !(inline_pk && d.auto_key_inline()) {
        out.push(", PRIMARY KEY (");
        for (i, &k) in e.primary_key.iter().enumerate() {
            if i > 0 {
                out.push(", ");
            }
            out.ident(e.columns[k].name);
        }
        out.push(")");
    }
    // A reference to a composite key: one foreign key over its columns, and its `unique`.
    let wide = wide_references(e);
    for (names, target) in &wide {
        if is_later(target) {
            foreign_keys.push(add_foreign_key(dialect, e, names, target));
            continue;
        }
        out.push(", FOREIGN KEY (");
        out.idents(names.iter().copied());
        out.push(") REFERENCES ");
        out.ident(target.table);
        out.push(" (");
        out.idents(target.primary_key.iter().map(|&k| target.columns[k].name));
        out.push(")");
    }
    let wide_unique = e
        .relations
        .iter()
        .filter(|r| r.width() > 1)
        .filter_map(|r| r.column)
        .filter(|&c| {
            e.columns[c].unique
                && !crate::pairing::field_columns(e, c).eq(e.primary_key.iter().copied())
        })
        .map(|c| vec![c]);
    for unique in e.uniques.iter().map(|u| u.to_vec()).chain(wide_unique) {
        out.push(", UNIQUE (");
        out.idents(field_names(e, &unique));
        out.push(")");
    }
    out.push(")");
    let mut stmts = vec![out.finish()];
    // Declared indexes over several fields, and one over the columns of each reference to a
    // composite key (joins and cascades use them).
    let wide_indexes = e
        .relations
        .iter()
        .filter(|r| r.width() > 1)
        .filter_map(|r| r.column)
        // (The key's index serves a reference that leads it.)
        .filter(|&c| !e.columns[c].unique && e.primary_key.first() != Some(&c))
        .map(|c| vec![c]);
    for index in e.indexes.iter().map(|i| i.to_vec()).chain(wide_indexes) {
        let names = field_names(e, &index);
        let mut idx = SqlWriter::new(dialect);
        idx.push("CREATE INDEX IF NOT EXISTS ");
        idx.ident(&format!("idx_{}__{}", e.table, names.join("__")));
        idx.push(" ON ");
        idx.ident(e.table);
        idx.push(" (");
        idx.idents(names.iter().copied());
        idx.push(")");
        stmts.push(idx.finish());
    }
    // Declared indexes, and one on every foreign key column (joins and cascades use them).
    let indexed = e
        .columns
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            (c.index || references(e, *i).is_some())
                && crate::pairing::reference_of(e, *i).is_none_or(|(_, _, w)| w <= 1)
                && !(c.unique && e.primary_key != [*i])
                // The key's index serves its first column, not the others.
                && e.primary_key.first() != Some(i)
                && !one_to_one_owner(e, *i)
                && crate::pairing::is_stored(e, *i)
        })
        .map(|(_, c)| c);
    for c in indexed {
        let mut idx = SqlWriter::new(dialect);
        idx.push("CREATE INDEX IF NOT EXISTS ");
        idx.ident(&format!("idx_{}__{}", e.table, c.name));
        idx.push(" ON ");
        idx.ident(e.table);
        idx.push(" (");
        idx.ident(c.name);
        idx.push(")");
        stmts.push(idx.finish());
    }
    TableSql {
        create: stmts,
        foreign_keys,
    }
}

/// `CREATE TABLE IF NOT EXISTS` for a many-to-many join table, and an index on its second
/// column (the primary key serves the first).
pub(crate) fn create_link_sql(
    dialect: Dialect,
    link: &crate::pairing::LinkTable,
    owner: &EntityMeta,
    target: &EntityMeta,
) -> Vec<String> {
    let d = dialect.syntax();
    let mut out = SqlWriter::new(dialect);
    out.push("CREATE TABLE IF NOT EXISTS ");
    out.ident(&link.table);
    out.push(" (");
    for (i, (column, entity)) in [(&link.owner_column, owner), (&link.member_column, target)]
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            out.push(", ");
        }
        let key = &entity.columns[entity.primary_key.first().copied().unwrap_or(0)];
        out.ident(column);
        out.push(" ");
        out.push(key.sql_type.unwrap_or_else(|| d.column_type(key.ty, false)));
        out.push(" NOT NULL REFERENCES ");
        out.ident(entity.table);
        out.push(" (");
        out.ident(key.name);
        out.push(")");
    }
    out.push(", PRIMARY KEY (");
    out.ident(&link.owner_column);
    out.push(", ");
    out.ident(&link.member_column);
    out.push("))");
    let mut idx = SqlWriter::new(dialect);
    idx.push("CREATE INDEX IF NOT EXISTS ");
    idx.ident(&format!("idx_{}__{}", link.table, link.member_column));
    idx.push(" ON ");
    idx.ident(&link.table);
    idx.push(" (");
    idx.ident(&link.member_column);
    idx.push(")");
    vec![out.finish(), idx.finish()]
}

/// The join tables of the many-to-many relationships among `entities`, each once, with the
/// two entities it links.
pub(crate) fn link_tables(
    entities: &[&'static EntityMeta],
) -> Vec<(
    crate::pairing::LinkTable,
    &'static EntityMeta,
    &'static EntityMeta,
)> {
    let mut out: Vec<(
        crate::pairing::LinkTable,
        &'static EntityMeta,
        &'static EntityMeta,
    )> = Vec::new();
    for side in crate::pairing::many_to_many_sides(entities) {
        if !out.iter().any(|(l, _, _)| l.table == side.link.table) {
            out.push((side.link, side.owner, side.target));
        }
    }
    out
}
