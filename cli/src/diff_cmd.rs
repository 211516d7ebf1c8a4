//! `colt migrate diff URL NAME --entities src --dir migrations`: the next migration, from the
//! difference between the database (once every migration is applied) and the entities the
//! sources declare. Its `down.sql` is the difference the other way, when that loses nothing
//! the up did not add.

use std::path::PathBuf;

use colt_runtime::introspect::ForeignKeyInfo;
use colt_runtime::migrate::MigrationStatus;
use colt_runtime::migrations::Migrations;
use colt_runtime::{Database, Dialect};

use crate::change_sql::{needs_rebuild, statements, SchemaObject};
use crate::desired_schema::{tables, Table};
use crate::migrate_cmd::{check_name, write_migration};
use crate::schema_diff::{diff, Diff, Options, Rename};
use crate::{entity_sources, Failure};

/// The arguments of `colt migrate diff`.
pub(crate) struct Args {
    pub url: String,
    pub name: String,
    pub entities: PathBuf,
    pub dir: PathBuf,
    pub allow_drop: bool,
    pub renames: Vec<String>,
}

/// Runs `colt migrate diff`.
///
/// # Errors
/// What went wrong, as one line: the refused changes with their reasons, pending
/// migrations, sources that do not parse or declare no entity, database errors.
pub(crate) fn run(args: Args) -> Result<(), Failure> {
    check_name(&args.name)?;
    let renames = args
        .renames
        .iter()
        .map(|r| Rename::parse(r))
        .collect::<Result<Vec<_>, _>>()?;
    let mut options = Options {
        allow_drop: args.allow_drop,
        renames,
        exact: false,
    };
    let sources = entity_sources::read(&args.entities)?;
    let migrations = if args.dir.exists() {
        Migrations::from_dir(&args.dir).map_err(|e| e.to_string())?
    } else {
        Migrations::new(Vec::new()).map_err(|e| e.to_string())?
    };
    let db = Database::open(&args.url).map_err(|e| e.to_string())?;
    check_history(&db, &migrations)?;
    let dialect = db.dialect();
    let mut want = tables(&sources, dialect)?;
    if dialect == Dialect::Postgres {
        long_names(&want)?;
    }
    let catalog = db.catalog().map_err(|e| e.to_string())?;
    let objects = sqlite_objects(&db, &catalog)?;
    // SQLite's virtual tables (FTS, R*Tree) are their modules': never dropped, rebuilt or
    // altered, whether an entity maps one or not.
    let is_virtual = |name: &str| {
        catalog
            .virtual_tables
            .iter()
            .any(|v| v.eq_ignore_ascii_case(name))
    };
    want.retain(|t| {
        let keep = !is_virtual(&t.info.name);
        if !keep {
            eprintln!(
                "colt: note: table `{}` is a virtual table (its module's): left as it is",
                t.info.name
            );
        }
        keep
    });
    let have: Vec<Table> = catalog
        .tables
        .iter()
        .filter(|t| !is_virtual(&t.name))
        .cloned()
        .map(Table::read)
        .collect();
    // A renamed table's many-to-many links go with it.
    let (links, link_notes) =
        crate::link_renames::inferred(dialect, &have, &want, &options.renames);
    options.renames.extend(links);
    let mut up = diff(dialect, &have, &want, &options);
    up.notes.extend(link_notes);
    lost_in_rebuilds(&db, &mut up, &objects)?;
    crate::rebuild_staleness::check(&mut up, &objects);
    if !up.refused.is_empty() {
        return Err(format!("no migration written: {}", up.refused.join("; ")));
    }
    for note in &up.notes {
        eprintln!("colt: note: {note}");
    }
    if up.is_empty() {
        println!("nothing to write: the database matches the entities");
        return Ok(());
    }
    let mut down = down_of(dialect, &have, &up, &options);
    if let Ok(down) = &mut down {
        // A rebuild back loses what the table's definition says beyond the entities too.
        lost_in_rebuilds(&db, down, &objects)?;
    }
    let up_sql = text(&args.name, "the change", &up, dialect, &objects, true);
    let down_sql = match &down {
        Ok(down) => Some(text(
            &args.name,
            "undoes up.sql",
            down,
            dialect,
            &objects,
            false,
        )),
        Err(why) => {
            eprintln!("colt: note: no down.sql (the migration cannot be reverted): {why}");
            None
        }
    };
    let made = write_migration(&args.dir, &args.name, &up_sql, down_sql.as_deref())?;
    println!("created {}", made.display());
    Ok(())
}

/// Refuses to diff against a database whose history is not the directory's: pending,
/// changed or missing migrations.
fn check_history(db: &Database, migrations: &Migrations) -> Result<(), Failure> {
    let states = db.migration_status(migrations).map_err(|e| e.to_string())?;
    let pending: Vec<String> = states
        .iter()
        .filter(|s| !matches!(s.status, MigrationStatus::Applied { .. }))
        .map(|s| format!("{}_{}", s.version, s.name))
        .collect();
    if pending.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the database is not at the directory's last migration ({} not applied, changed or missing): run `colt migrate run` (see `colt migrate status`) before `colt migrate diff`",
            pending.join(", ")
        ))
    }
}

/// SQLite's triggers, views and indexes: a rebuilt table's are made again as they were
/// written (the catalogue leaves out partial and expression indexes, and an index's
/// `COLLATE` and `DESC`); and the tables (a rebuild keeps the rowids of a table that has
/// them).
fn sqlite_objects(
    db: &Database,
    catalog: &colt_runtime::introspect::Catalog,
) -> Result<Vec<SchemaObject>, Failure> {
    if db.dialect() != Dialect::Sqlite {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, String, String, String)> = db
        .transaction(|tx| {
            tx.query_sql(
                "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('trigger', 'view', 'index', 'table') AND sql IS NOT NULL ORDER BY type DESC, name",
                &[],
            )
        })
        .map_err(|e| e.to_string())?;
    Ok(rows
        .into_iter()
        .map(|(kind, name, table, sql)| SchemaObject {
            catalogued: kind == "index"
                && catalog
                    .table(&table)
                    .is_some_and(|t| t.indexes.iter().any(|i| i.name == name)),
            kind,
            name,
            table,
            sql,
        })
        .collect())
}

/// SQLite: a note for each rebuilt table whose definition says more than the entities can
/// (`CHECK`, `COLLATE`, generated columns, `STRICT`, ..), which the rebuilt table will not say;
/// a generated column a field maps is refused (the rebuild would make it a plain column).
fn lost_in_rebuilds(db: &Database, up: &mut Diff, objects: &[SchemaObject]) -> Result<(), Failure> {
    if db.dialect() != Dialect::Sqlite {
        return Ok(());
    }
    let rows: Vec<(String, String)> = db
        .transaction(|tx| {
            tx.query_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL",
                &[],
            )
        })
        .map_err(|e| e.to_string())?;
    for a in up.altered.iter().filter(|a| needs_rebuild(a)) {
        // The table's name in the database (before a rename in the same migration).
        let name = &a.current.info.name;
        let original = up
            .renamed_tables
            .iter()
            .find(|(_, to)| to == name)
            .map_or(name.as_str(), |(from, _)| from.as_str());
        let Some((_, sql)) = rows.iter().find(|(n, _)| n.eq_ignore_ascii_case(original)) else {
            continue;
        };
        // Generated columns, whatever their spelling (`total INT AS (price * qty)` says no
        // `GENERATED`): the catalogue leaves them out, so a rebuild drops them, or, mapped by
        // a field, makes them plain columns of NULLs.
        let generated: Vec<String> = db
            .transaction(|tx| {
                tx.query_sql::<String>(
                    "SELECT name FROM pragma_table_xinfo(?1) WHERE hidden IN (2, 3)",
                    &[&original.to_string()],
                )
            })
            .map_err(|e| e.to_string())?;
        for c in &generated {
            let mapped = a
                .target
                .info
                .columns
                .iter()
                .any(|t| t.name.eq_ignore_ascii_case(c));
            if let Some(o) = crate::rebuild_staleness::remade_naming(objects, original, c) {
                up.refused.push(format!(
                    "rebuilding `{original}` would drop its generated column `{c}` and make {} `{}` again from its SQL, which names it (every statement reaching it would then fail); write the migration by hand (`colt migrate new`)",
                    o.kind, o.name
                ));
            } else if mapped {
                up.refused.push(format!(
                    "column `{original}.{c}` is a generated column: rebuilding `{original}` would make it a plain column and lose its values; write the migration by hand (`colt migrate new`)"
                ));
            } else {
                up.notes.push(format!(
                    "`{original}` is rebuilt without its generated column `{c}` (no entity maps it): its values are lost; add it to up.sql's CREATE TABLE to keep it"
                ));
            }
        }
        let upper = sql.to_ascii_uppercase();
        let said: Vec<&str> = [
            "CHECK",
            "COLLATE",
            "STRICT",
            "WITHOUT ROWID",
            "DEFERRABLE",
            "ON UPDATE",
            "ON CONFLICT",
        ]
        .into_iter()
        .filter(|w| upper.contains(w) && !fk_clauses_kept(&upper, w, &a.target.info.foreign_keys))
        .collect();
        if !said.is_empty() {
            up.notes.push(format!(
                "`{}` is rebuilt as the entities declare it: its {} clauses are not kept; add them to up.sql's CREATE TABLE to keep them",
                a.target.info.name,
                said.join("/")
            ));
        }
    }
    Ok(())
}

/// Whether the rebuilt table's foreign keys keep every `DEFERRABLE` or `ON UPDATE` clause
/// (`clause`) its SQL (`upper`, in capitals) declares: they are read from the catalogue and
/// the table's SQL, and written again, when the entities keep their foreign key.
fn fk_clauses_kept(upper: &str, clause: &str, fks: &[ForeignKeyInfo]) -> bool {
    let (declared, kept) = match clause {
        "DEFERRABLE" => (
            upper.matches("DEFERRABLE").count() - upper.matches("NOT DEFERRABLE").count(),
            fks.iter().filter(|fk| !fk.deferral.is_empty()).count(),
        ),
        "ON UPDATE" => (
            upper.matches("ON UPDATE").count() - upper.matches("ON UPDATE NO ACTION").count(),
            fks.iter()
                .filter(|fk| !fk.on_update.is_empty() && fk.on_update != "NO ACTION")
                .count(),
        ),
        _ => return false,
    };
    kept >= declared
}

/// The difference back: from the tables as `up` leaves them to the tables as they are.
fn down_of(dialect: Dialect, have: &[Table], up: &Diff, options: &Options) -> Result<Diff, String> {
    // What the up drops (`--allow-drop`) a revert would make again empty, and say it had
    // undone the up: no down.
    let dropped: Vec<String> = up
        .dropped
        .iter()
        .map(|t| format!("the table `{}`", t.info.name))
        .chain(up.altered.iter().flat_map(|a| {
            a.dropped
                .iter()
                .map(|c| format!("`{}.{c}`", a.target.info.name))
        }))
        .collect();
    if !dropped.is_empty() {
        return Err(format!(
            "it drops {}, which a revert could not fill again",
            dropped.join(", ")
        ));
    }
    // The tables as the up leaves them: an altered one as its target, a new one as the
    // entities say, every other one as the database has it (under a new name if renamed;
    // with the columns no entity declares, which the up left alone).
    let renamed_to = |name: &str| {
        up.renamed_tables
            .iter()
            .find(|(from, _)| from == name)
            .map_or(name.to_string(), |(_, to)| to.clone())
    };
    let mut after: Vec<Table> = Vec::new();
    for a in &up.altered {
        after.push(a.target.clone());
    }
    for c in &up.created {
        after.push(c.clone());
    }
    for h in have {
        let name = renamed_to(&h.info.name);
        let gone = up.dropped.iter().any(|d| d.info.name == h.info.name);
        if !gone
            && !after
                .iter()
                .any(|a| a.info.name.eq_ignore_ascii_case(&name))
        {
            let mut kept = h.clone();
            kept.info.name = name;
            after.push(kept);
        }
    }
    // Back, a column rename is made once the table has its old name again.
    let old_name = |table: &String| {
        up.renamed_tables
            .iter()
            .find(|(_, to)| to == table)
            .map_or(table.clone(), |(from, _)| from.clone())
    };
    let renames = options
        .renames
        .iter()
        .rev()
        .map(|r| match r.reversed() {
            Rename::Column { table, from, to } => Rename::Column {
                table: old_name(&table),
                from,
                to,
            },
            table => table,
        })
        .collect();
    let back = Options {
        allow_drop: true,
        renames,
        exact: true,
    };
    let mut down = diff(dialect, &after, have, &back);
    // A column made required with a default has its NULLs filled with the default: undone,
    // it is optional again, but the rows keep the default (which the file says).
    for a in &up.altered {
        for c in &a.renulled {
            if c.not_null
                && c.default.is_some()
                && a.current
                    .info
                    .column(&c.name)
                    .is_some_and(|now| !now.not_null)
            {
                down.notes.push(format!(
                    "`{}.{}` is optional again, but the rows whose NULL up.sql filled with the default keep the default: this does not bring their NULLs back",
                    a.target.info.name, c.name
                ));
            }
        }
    }
    if down.refused.is_empty() {
        Ok(down)
    } else {
        Err(format!(
            "undoing it is refused: {}",
            down.refused.join("; ")
        ))
    }
}

/// A migration file: a header, the notes, the statements.
/// (`before`: `objects` name the tables as `d` finds them, before its renames: an up.sql.)
fn text(
    name: &str,
    what: &str,
    d: &Diff,
    dialect: Dialect,
    objects: &[SchemaObject],
    before: bool,
) -> String {
    let mut out =
        format!("-- {name}: {what}. Written by `colt migrate diff`; read it before it runs.\n");
    for note in &d.notes {
        // (A name with a line break must not end the comment.)
        let one_line = note.replace(['\n', '\r'], " ");
        out.push_str(&format!("-- note: {one_line}\n"));
    }
    for statement in statements(dialect, d, objects, before) {
        out.push_str(&statement);
        out.push('\n');
    }
    out
}

/// PostgreSQL keeps the first 63 bytes of a name: a longer table or column name in the
/// entities would be another name in its catalogue, and the difference would drop the
/// column and add it again, empty.
fn long_names(want: &[Table]) -> Result<(), Failure> {
    const LONGEST: usize = 63;
    for t in want {
        let names = std::iter::once(("table", t.info.name.as_str()))
            .chain(t.info.columns.iter().map(|c| ("column", c.name.as_str())));
        for (what, name) in names {
            if name.len() > LONGEST {
                let mut end = LONGEST;
                while !name.is_char_boundary(end) {
                    end -= 1;
                }
                return Err(format!(
                    "the {what} name `{name}` (table `{}`) is {} bytes long: PostgreSQL keeps the first {LONGEST}, so the difference would compare another name than the database holds (and drop and add the column again); name it as PostgreSQL keeps it, `{}` (`#[colt({what} = \"..\")]`)",
                    t.info.name,
                    name.len(),
                    &name[..end]
                ));
            }
        }
    }
    Ok(())
}
