//! What `Database::check_tables` finds wrong with an entity's references in a database Colt
//! did not make: rows that refer to no row (queries navigate a reference with an inner
//! join, which leaves them out), and a required reference the database does not keep by a
//! foreign key (deleting the row it refers to is then not refused, as Colt expects: it
//! would leave rows referring to nothing).

use crate::backend::Conn;
use crate::entity::EntityMeta;
use crate::introspect::TableInfo;
use crate::pairing::RelKind;
use crate::render::control::referring_to_nothing;
use crate::value::Value;
use crate::Result;

/// The problems of `e`'s references, its table read as `info` (`keyed`: it has a primary
/// key; a view or a table without one is taken as it is, foreign keys and all); `same`
/// compares two names as the database does; `fine` says whether a column (entity, position)
/// is there as its field says (its table too): a reference whose columns or whose target's
/// key are not is reported by those checks, and its rows are not read.
pub(crate) fn reference_problems(
    conn: &Conn,
    e: &'static EntityMeta,
    info: &TableInfo,
    keyed: bool,
    same: impl Fn(&str, &str) -> bool,
    fine: impl Fn(&'static EntityMeta, usize) -> bool,
) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for r in e.relations {
        let (Some(first), RelKind::Ref | RelKind::OptionalRef) = (r.column, r.kind) else {
            continue;
        };
        if !crate::pairing::is_stored(e, first) {
            continue;
        }
        let target = (r.target)();
        let width = r.width();
        let there = (first..first + width).all(|i| fine(e, i))
            && target.primary_key.iter().all(|&k| fine(target, k));
        if !there {
            continue;
        }
        let columns: Vec<&str> = (first..first + width).map(|i| e.columns[i].name).collect();
        let key: Vec<&str> = target
            .primary_key
            .iter()
            .map(|&i| target.columns[i].name)
            .collect();
        let sql = referring_to_nothing(conn.dialect(), e.table, &columns, target.table, &key);
        let shown = columns.join("`, `");
        // (Run outside a transaction: a failure ends nothing else. Types the database cannot
        // compare, which the columns' own checks take one by one, are a problem too.)
        let orphans = match conn.query_values(&sql, &[]) {
            Ok(rows) => match rows.first().and_then(|r| r.first()) {
                Some(Value::Int(n)) => *n,
                _ => 0,
            },
            // (A busy database or a serialization failure is no answer about the schema.)
            Err(err) if err.is_retryable() => return Err(err),
            Err(err) => {
                problems.push(format!(
                    "reference `{}::{}` (column `{}.{shown}`) cannot be compared with the key of `{}`: {err}",
                    e.name, r.field, e.table, target.table
                ));
                continue;
            }
        };
        if orphans > 0 {
            problems.push(format!(
                "{orphans} row(s) of `{}` refer through `{shown}` (field `{}::{}`) to no row of `{}`: queries that navigate `{}` would leave them out (an inner join) and reading the reference would fail; repair or delete them",
                e.table, e.name, r.field, target.table, r.field
            ));
        }
        // (A foreign key may list the pairs in another order.)
        let kept = info.foreign_keys.iter().any(|fk| {
            same(&fk.table, target.table)
                && fk.columns.len() == columns.len()
                && columns.iter().zip(&key).all(|(c, k)| {
                    let mut pairs = fk.columns.iter().zip(&fk.referenced);
                    pairs.any(|(fc, fk)| same(fc, c) && same(fk, k))
                })
        });
        if r.kind == RelKind::Ref && keyed && !kept {
            problems.push(format!(
                "required reference `{}::{}` (column `{}.{shown}`) has no foreign key to `{}`: deleting a {} would not be refused while rows refer to it, and would leave them referring to nothing; declare the foreign key",
                e.name, r.field, e.table, target.table, target.name
            ));
        }
    }
    Ok(problems)
}
