//! A [`Diff`] as SQL, per dialect. PostgreSQL's `ALTER TABLE` makes every change in place;
//! SQLite's makes few (rename and add a column, create and drop a named index), so a table
//! with any other change is rebuilt by SQLite's documented procedure
//! (<https://www.sqlite.org/lang_altertable.html#otheralter>): a new table made as the entities
//! say, every row copied into it, the old table dropped, the new one renamed, its indexes,
//! triggers and the views over it made again. The migration runner turns foreign keys off
//! around a migration on SQLite and checks them (`pragma_foreign_key_check`) before its
//! commit, as the procedure asks.

use colt_runtime::introspect::{base_type, sql_tokens, ColumnInfo, IndexInfo, SqlToken, TableInfo};
use colt_runtime::Dialect;

use crate::schema_diff::{Alter, Diff};

/// A trigger or view of a SQLite database, as `sqlite_master` holds it: what a rebuild of a
/// table it mentions makes again.
#[derive(Debug, Clone)]
pub(crate) struct SchemaObject {
    /// `trigger`, `view`, `index` (a partial or expression index, which the catalogue
    /// leaves out), or `table`.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// The table it belongs to.
    pub table: String,
    /// Its SQL.
    pub sql: String,
    /// An index the catalogue holds (over plain columns): a rebuild makes it again by this
    /// SQL while the entities keep it (its `COLLATE`, `DESC` are not in the catalogue).
    pub catalogued: bool,
}

/// The statements of `diff`, each ending with `;`, with `--` comments before the changes
/// that need a word. `objects` are the SQLite triggers, views and indexes saved from the
/// database; `before` says they name the tables as they are before the renames (an up.sql;
/// a down.sql's are those of the tables it goes back to).
pub(crate) fn statements(
    dialect: Dialect,
    diff: &Diff,
    objects: &[SchemaObject],
    before: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    // On SQLite an up.sql rebuilds a renamed table under its name in the database, which its
    // saved triggers, views and indexes name, before any rename (SQLite then renames it in
    // them); renames then go in the order given (a chain, `b=c` then `a=b`, needs it). A
    // down.sql renames first and rebuilds under the names it gives back, as its saved
    // objects name them.
    let early: Vec<(&crate::schema_diff::Alter, &String)> = if dialect == Dialect::Sqlite && before
    {
        diff.altered
            .iter()
            .filter(|a| needs_rebuild(a))
            .filter_map(|a| {
                diff.renamed_tables
                    .iter()
                    .find(|(_, to)| *to == a.target.info.name)
                    .map(|(from, _)| (a, from))
            })
            .collect()
    } else {
        Vec::new()
    };
    for (a, from) in &early {
        out.extend(rebuild(a, from, objects, true));
    }
    for (from, to) in &diff.renamed_tables {
        out.push(format!("ALTER TABLE {} RENAME TO {};", q(from), q(to)));
    }
    // PostgreSQL resolves a `REFERENCES` at once: a foreign key that closes a cycle of new
    // tables is added once they all exist.
    let mut foreign_keys = Vec::new();
    for (i, t) in diff.created.iter().enumerate() {
        let later: Vec<&str> = match dialect {
            Dialect::Postgres => diff.created[i + 1..]
                .iter()
                .map(|l| l.info.name.as_str())
                .collect(),
            _ => Vec::new(),
        };
        let (create, keys) = create_table(dialect, &t.info.name, &t.info, &later);
        out.extend(create);
        foreign_keys.extend(keys);
    }
    out.extend(foreign_keys);
    for a in &diff.altered {
        if early.iter().any(|(e, _)| std::ptr::eq(*e, a)) {
            continue;
        }
        match dialect {
            Dialect::Sqlite if needs_rebuild(a) => {
                // (An up.sql's rebuild is guarded.)
                out.extend(rebuild(a, &a.target.info.name, objects, before));
            }
            Dialect::Sqlite => out.extend(sqlite_in_place(a, objects, before)),
            _ => out.extend(postgres_alter(a, before)),
        }
    }
    match dialect {
        // One statement: PostgreSQL drops tables that refer to each other together.
        Dialect::Postgres if !diff.dropped.is_empty() => {
            let tables: Vec<String> = diff.dropped.iter().map(|t| t.info.name.clone()).collect();
            out.push(format!("DROP TABLE {};", names(&tables)));
        }
        _ => {
            for t in &diff.dropped {
                out.push(format!("DROP TABLE {};", q(&t.info.name)));
            }
        }
    }
    out
}

/// `"name"`, quoted as both dialects quote identifiers.
pub(crate) fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn names(columns: &[String]) -> String {
    columns.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ")
}

/// The type a column is declared with: on PostgreSQL a generated integer is a serial.
fn column_type(dialect: Dialect, c: &ColumnInfo) -> String {
    if dialect == Dialect::Postgres && c.generated {
        let base = base_type(&c.declared_type).to_ascii_lowercase();
        return match base.as_str() {
            "bigint" | "int8" => "BIGSERIAL".into(),
            "integer" | "int" | "int4" => "SERIAL".into(),
            "smallint" | "int2" => "SMALLSERIAL".into(),
            _ => c.declared_type.clone(),
        };
    }
    c.declared_type.clone()
}

/// A column's definition: `"name" TYPE [NOT NULL] [DEFAULT ..]`.
fn column_def(dialect: Dialect, c: &ColumnInfo, inline_key: bool) -> String {
    let mut out = format!("{} {}", q(&c.name), column_type(dialect, c));
    if inline_key {
        out.push_str(" PRIMARY KEY AUTOINCREMENT");
    }
    if c.not_null {
        out.push_str(" NOT NULL");
    }
    // A serial's default is its sequence, which the type makes.
    if let Some(default) = c.default.as_ref().filter(|_| !c.generated) {
        out.push_str(" DEFAULT ");
        if dialect == Dialect::Sqlite && !plain_literal(default) {
            // SQLite gives `DEFAULT (datetime('now'))` back without its parentheses, which
            // its `DEFAULT` needs around anything but a literal.
            out.push('(');
            out.push_str(default);
            out.push(')');
        } else {
            out.push_str(default);
        }
    }
    out
}

/// Whether a default's text is a literal SQLite takes after `DEFAULT` as it is: a number, a
/// quoted text, a blob, `NULL`, `TRUE`/`FALSE`, `CURRENT_TIME`/`_DATE`/`_TIMESTAMP`.
fn plain_literal(default: &str) -> bool {
    let d = default.trim();
    let quoted = |t: &str| {
        t.len() >= 2
            && t.starts_with('\'')
            && t.ends_with('\'')
            && !t[1..t.len() - 1].replace("''", "").contains('\'')
    };
    let unsigned = d.trim_start_matches(['-', '+']);
    quoted(d)
        || (d.len() > 1 && (d.starts_with(['x', 'X'])) && quoted(&d[1..]))
        || (!unsigned.is_empty()
            && unsigned.parse::<f64>().is_ok()
            && !unsigned.contains(['i', 'I', 'n', 'N']))
        || [
            "NULL",
            "TRUE",
            "FALSE",
            "CURRENT_TIME",
            "CURRENT_DATE",
            "CURRENT_TIMESTAMP",
        ]
        .iter()
        .any(|k| d.eq_ignore_ascii_case(k))
}

/// `CREATE TABLE name (..)` for `t` (under the name `name`), and its indexes; and apart, as
/// `ALTER TABLE .. ADD`, its foreign keys to the tables in `later` (made after it).
fn create_table(
    dialect: Dialect,
    name: &str,
    t: &TableInfo,
    later: &[&str],
) -> (Vec<String>, Vec<String>) {
    let mut deferred = Vec::new();
    let key = |c: &ColumnInfo| t.primary_key.len() == 1 && t.primary_key[0] == c.name;
    let inline = dialect == Dialect::Sqlite && t.columns.iter().any(|c| key(c) && c.generated);
    let mut parts: Vec<String> = t
        .columns
        .iter()
        .map(|c| column_def(dialect, c, inline && key(c)))
        .collect();
    if !inline && !t.primary_key.is_empty() {
        parts.push(format!("PRIMARY KEY ({})", names(&t.primary_key)));
    }
    for fk in &t.foreign_keys {
        // Named on PostgreSQL, so that a later migration can drop it.
        let constraint = if dialect == Dialect::Postgres && !fk.name.is_empty() {
            format!("CONSTRAINT {} ", q(&fk.name))
        } else {
            String::new()
        };
        let part = format!(
            "{constraint}FOREIGN KEY ({}) REFERENCES {} ({}){}",
            names(&fk.columns),
            q(&fk.table),
            names(&fk.referenced),
            fk_clauses(fk)
        );
        if later.contains(&fk.table.as_str()) {
            deferred.push(format!("ALTER TABLE {} ADD {part};", q(name)));
        } else {
            parts.push(part);
        }
    }
    // A unique constraint by its name on PostgreSQL; on SQLite, whose constraints name no
    // index, a unique index of that name after the table.
    if dialect == Dialect::Postgres {
        for index in t.indexes.iter().filter(|i| i.unique) {
            let constraint = if index.name.is_empty() {
                String::new()
            } else {
                format!("CONSTRAINT {} ", q(&index.name))
            };
            parts.push(format!("{constraint}UNIQUE ({})", names(&index.columns)));
        }
    }
    let mut out = vec![format!(
        "CREATE TABLE {} (\n    {}\n);",
        q(name),
        parts.join(",\n    ")
    )];
    for index in &t.indexes {
        if !index.unique || dialect == Dialect::Sqlite {
            out.push(create_index(&t.name, index));
        }
    }
    (out, deferred)
}

fn create_index(table: &str, index: &IndexInfo) -> String {
    let name = if index.name.is_empty() || index.name.starts_with("sqlite_autoindex_") {
        format!(
            "{}_{table}__{}",
            if index.unique { "uq" } else { "idx" },
            index.columns.join("__")
        )
    } else {
        index.name.clone()
    };
    format!(
        "CREATE {}INDEX {} ON {} ({});",
        if index.unique { "UNIQUE " } else { "" },
        q(&name),
        q(table),
        names(&index.columns)
    )
}

/// Whether SQLite's `ALTER TABLE` cannot make the changes of `a`.
pub(crate) fn needs_rebuild(a: &Alter) -> bool {
    let added = |c: &String| a.added.iter().any(|x| x.name == *c);
    !a.dropped.is_empty()
        || !a.retyped.is_empty()
        || !a.renulled.is_empty()
        || !a.fks_dropped.is_empty()
        || a
            .fks_added
            .iter()
            .any(|fk| fk.columns.len() != 1 || !added(&fk.columns[0]))
        || a.indexes_dropped.iter().any(|i| i.name.starts_with("sqlite_autoindex_"))
        // `ADD COLUMN` takes no `UNIQUE`: an index does it, below.
        || a.added.iter().any(|c| c.generated)
}

/// SQLite: `ALTER TABLE .. RENAME COLUMN` for each column `a` renames, in `table`.
fn renamed_columns<'a>(a: &'a Alter, table: &'a str) -> impl Iterator<Item = String> + 'a {
    a.renamed.iter().map(move |(from, to)| {
        format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {};",
            q(table),
            q(from),
            q(to)
        )
    })
}

/// SQLite: renamed and added columns, dropped and created indexes.
/// (`objects` and `before` as for [`statements`]: a down.sql makes an index again as it was
/// written, `COLLATE` and `DESC` included.)
fn sqlite_in_place(a: &Alter, objects: &[SchemaObject], before: bool) -> Vec<String> {
    let table = &a.target.info.name;
    let mut out = Vec::new();
    out.extend(renamed_columns(a, table));
    for index in &a.indexes_dropped {
        out.push(format!("DROP INDEX {};", q(&index.name)));
    }
    for c in &a.added {
        let mut def = format!(
            "ALTER TABLE {} ADD COLUMN {}",
            q(table),
            column_def(Dialect::Sqlite, c, false)
        );
        if let Some(fk) = a.fks_added.iter().find(|fk| fk.columns == [c.name.clone()]) {
            def.push_str(&format!(
                " REFERENCES {} ({}){}",
                q(&fk.table),
                names(&fk.referenced),
                fk_clauses(fk)
            ));
        }
        def.push(';');
        out.push(def);
    }
    for index in &a.indexes_added {
        match saved_index(objects, table, index).filter(|_| !before && !renames_in(a, index)) {
            Some(o) => out.push(format!("{};", o.sql.trim_end_matches(';'))),
            None => out.push(create_index(table, index)),
        }
    }
    out
}

/// The SQL saved of index `index` of `table`, as it was written (`COLLATE`, `DESC`), if the
/// catalogue holds it.
fn saved_index<'o>(
    objects: &'o [SchemaObject],
    table: &str,
    index: &IndexInfo,
) -> Option<&'o SchemaObject> {
    objects.iter().find(|o| {
        o.kind == "index"
            && o.catalogued
            && o.name == index.name
            && o.table.eq_ignore_ascii_case(table)
    })
}

/// Whether `a` renames a column of `index` (whose saved SQL names the old one).
fn renames_in(a: &Alter, index: &IndexInfo) -> bool {
    index
        .columns
        .iter()
        .any(|c| a.renamed.iter().any(|(_, to)| to == c))
}

/// What follows a foreign key's `REFERENCES t (c)`: ` MATCH FULL`, ` ON DELETE ..`,
/// ` ON UPDATE ..` (each unless the default) and its deferral, as the database has them.
fn fk_clauses(fk: &colt_runtime::introspect::ForeignKeyInfo) -> String {
    let mut out = String::new();
    if fk.match_full {
        out.push_str(" MATCH FULL");
    }
    for (on, action) in [("DELETE", &fk.on_delete), ("UPDATE", &fk.on_update)] {
        if !action.is_empty() && action != "NO ACTION" {
            out.push_str(&format!(" ON {on} {action}"));
        }
    }
    if !fk.deferral.is_empty() {
        out.push(' ');
        out.push_str(&fk.deferral);
    }
    out
}

/// SQLite: the table rebuilt, every row kept, under the name `table` (its name before a
/// rename that follows).
/// (`guarded`: an up.sql, whose rebuild first checks that the table is the one the objects
/// describe; see `rebuild_guard`.)
fn rebuild(a: &Alter, table: &str, objects: &[SchemaObject], guarded: bool) -> Vec<String> {
    let new = format!("_colt_new_{table}");
    let around = crate::rebuild_staleness::made_again(objects, table);
    let mut out = if guarded {
        crate::rebuild_guard::guard(a, table, objects)
    } else {
        Vec::new()
    };
    out.push(format!(
        "-- `{}` is rebuilt (SQLite's ALTER TABLE cannot make these changes): a new table, every row copied, the old one dropped.",
        table.replace(['\n', '\r'], " ")
    ));
    for o in &around {
        out.push(format!(
            "DROP {} IF EXISTS {};",
            o.kind.to_ascii_uppercase(),
            q(&o.name)
        ));
    }
    // Renamed columns are renamed in place first: SQLite renames them in the foreign keys of
    // the tables that refer to them too (which a copy would leave naming the old column).
    out.extend(renamed_columns(a, table));
    let old_sql = objects
        .iter()
        .filter(|o| {
            o.kind == "table"
                && (o.name.eq_ignore_ascii_case(table)
                    || o.name.eq_ignore_ascii_case(&a.current.info.name))
        })
        .map(|o| o.sql.as_str());
    // An `AUTOINCREMENT` key stays one (with its counter, below) where the entity's key is
    // not `auto`: else the next row could take the key of one deleted before. (The word
    // itself: not a name or a text that holds it, `autoincrement_step`.)
    let autoincrement = old_sql.clone().any(|sql| {
        sql_tokens(sql)
            .iter()
            .any(|t| matches!(t, SqlToken::Word(w) if w.eq_ignore_ascii_case("AUTOINCREMENT")))
    });
    let mut target = a.target.info.clone();
    if autoincrement {
        if let [key] = target.primary_key.as_slice() {
            let key = key.clone();
            if let Some(c) = target
                .columns
                .iter_mut()
                .find(|c| c.name == key && c.declared_type.eq_ignore_ascii_case("INTEGER"))
            {
                c.generated = true;
            }
        }
    }
    // The table alone: its indexes are made once it has its name.
    out.extend(
        create_table(Dialect::Sqlite, &new, &target, &[])
            .0
            .into_iter()
            .take(1),
    );
    let mut into = Vec::new();
    let mut from = Vec::new();
    for c in &a.target.info.columns {
        let Some(now) = a.current.info.column(&c.name) else {
            continue; // added: its default fills it
        };
        // (Renamed already, above.)
        into.push(q(&c.name));
        from.push(match (&c.default, c.not_null && !now.not_null) {
            (Some(default), true) => format!("COALESCE({}, {default})", q(&c.name)),
            _ => q(&c.name),
        });
    }
    // Each row keeps its rowid (an FTS index's `content_rowid`, or another tool, may name
    // it), unless the new table's rowid is a column copied above (`INTEGER PRIMARY KEY`) or
    // the old table has none (`WITHOUT ROWID`).
    let alias = |t: &TableInfo| {
        t.primary_key.len() == 1
            && t.column(&t.primary_key[0])
                .is_some_and(|c| c.declared_type.eq_ignore_ascii_case("INTEGER"))
    };
    let without_rowid = old_sql
        .clone()
        .any(|sql| sql.to_ascii_uppercase().contains("WITHOUT ROWID"));
    if !alias(&a.target.info) && !without_rowid {
        into.insert(0, "rowid".to_string());
        from.insert(0, "rowid".to_string());
    }
    out.push(format!(
        "INSERT INTO {} ({}) SELECT {} FROM {};",
        q(&new),
        into.join(", "),
        from.join(", "),
        q(table)
    ));
    if target.columns.iter().any(|c| c.generated) {
        // AUTOINCREMENT: the new table's counter goes on from the old one's, so that the
        // keys of rows deleted at the end are not given again.
        out.push(format!(
            "INSERT INTO sqlite_sequence (name, seq) SELECT {}, seq FROM sqlite_sequence WHERE name = {} COLLATE NOCASE AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = {});",
            text(&new),
            text(table),
            text(&new)
        ));
        // (The table's name as the database spells it: SQLite's names ignore ASCII case.)
        out.push(format!(
            "UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT max(seq) FROM sqlite_sequence WHERE name = {} COLLATE NOCASE), 0)) WHERE name = {};",
            text(table),
            text(&new)
        ));
    }
    out.push(format!("DROP TABLE {};", q(table)));
    out.push(format!("ALTER TABLE {} RENAME TO {};", q(&new), q(table)));
    for index in &a.target.info.indexes {
        // An index the entities keep, as it was written (`COLLATE NOCASE`, `DESC`), unless
        // a column of it is renamed (its SQL names the old one).
        let kept = !renames_in(a, index)
            && a.current.info.indexes.iter().any(|h| {
                h.name == index.name && h.columns == index.columns && h.unique == index.unique
            });
        match saved_index(objects, table, index).filter(|_| kept) {
            Some(o) => out.push(format!("{};", o.sql.trim_end_matches(';'))),
            None => out.push(create_index(table, index)),
        }
    }
    // Partial and expression indexes (the catalogue leaves them out), as they were.
    for o in objects
        .iter()
        .filter(|o| o.kind == "index" && !o.catalogued && o.table.eq_ignore_ascii_case(table))
    {
        out.push(format!("{};", o.sql.trim_end_matches(';')));
    }
    for o in &around {
        out.push(format!("{};", o.sql.trim_end_matches(';')));
    }
    out
}

/// A string literal.
pub(crate) fn text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// PostgreSQL: every change in place. (`before`: an up.sql; see [`statements`].)
fn postgres_alter(a: &Alter, before: bool) -> Vec<String> {
    let t = q(&a.target.info.name);
    let mut out = Vec::new();
    for (from, to) in &a.renamed {
        out.push(format!(
            "ALTER TABLE {t} RENAME COLUMN {} TO {};",
            q(from),
            q(to)
        ));
    }
    for index in &a.indexes_dropped {
        if index.unique {
            // A `UNIQUE` constraint's index goes with the constraint; a unique index alone.
            // Which one it is is the database's the migration runs against: a name that is
            // neither fails the migration (the `DROP INDEX`), never a quiet `Ok` that leaves
            // the values unique.
            out.push(format!(
                "DO $colt$ BEGIN IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = CAST({} AS regclass) AND conname = {}) THEN ALTER TABLE {t} DROP CONSTRAINT {}; ELSE DROP INDEX {}; END IF; END $colt$;",
                text(&t),
                text(&index.name),
                q(&index.name),
                q(&index.name)
            ));
        } else {
            out.push(format!("DROP INDEX {};", q(&index.name)));
        }
    }
    for fk in &a.fks_dropped {
        out.push(format!("ALTER TABLE {t} DROP CONSTRAINT {};", q(&fk.name)));
    }
    for c in &a.dropped {
        out.push(format!("ALTER TABLE {t} DROP COLUMN {};", q(c)));
    }
    for c in &a.added {
        out.push(format!(
            "ALTER TABLE {t} ADD COLUMN {};",
            column_def(Dialect::Postgres, c, false)
        ));
    }
    for c in &a.retyped {
        let ty = column_type(Dialect::Postgres, c);
        out.push(format!(
            "ALTER TABLE {t} ALTER COLUMN {} TYPE {ty} USING CAST({} AS {ty});",
            q(&c.name),
            q(&c.name)
        ));
    }
    for c in &a.renulled {
        if c.not_null {
            if let Some(default) = &c.default {
                out.push(format!(
                    "UPDATE {t} SET {} = {default} WHERE {} IS NULL;",
                    q(&c.name),
                    q(&c.name)
                ));
                out.push(format!(
                    "ALTER TABLE {t} ALTER COLUMN {} SET DEFAULT {default};",
                    q(&c.name)
                ));
            }
            out.push(format!(
                "ALTER TABLE {t} ALTER COLUMN {} SET NOT NULL;",
                q(&c.name)
            ));
        } else {
            out.push(format!(
                "ALTER TABLE {t} ALTER COLUMN {} DROP NOT NULL;",
                q(&c.name)
            ));
            // A down.sql gives the column back the default it had (up.sql may have set
            // one); an up.sql keeps the database's, unless the entity has none.
            match (&c.default, before) {
                (Some(default), false) => out.push(format!(
                    "ALTER TABLE {t} ALTER COLUMN {} SET DEFAULT {default};",
                    q(&c.name)
                )),
                (None, _) => out.push(format!(
                    "ALTER TABLE {t} ALTER COLUMN {} DROP DEFAULT;",
                    q(&c.name)
                )),
                (Some(_), true) => {}
            }
        }
    }
    for fk in &a.fks_added {
        let constraint = if fk.name.is_empty() {
            String::new()
        } else {
            format!("CONSTRAINT {} ", q(&fk.name))
        };
        out.push(format!(
            "ALTER TABLE {t} ADD {constraint}FOREIGN KEY ({}) REFERENCES {} ({}){};",
            names(&fk.columns),
            q(&fk.table),
            names(&fk.referenced),
            fk_clauses(fk)
        ));
    }
    for index in &a.indexes_added {
        out.push(create_index(&a.target.info.name, index));
    }
    out
}
