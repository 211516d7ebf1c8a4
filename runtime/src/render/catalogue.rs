//! Every statement Colt writes about one entity, rendered for one dialect: what the SQL
//! snapshot tests pin (`tests/sql_snapshots.rs`), so that a change of rendered SQL is seen in
//! review.

use super::relation::{self as rel, Membership};
use super::{ddl, object, Dialect};
use crate::entity::EntityMeta;
use crate::pairing::{link_table, partner, Partner};

/// The statements of `meta` in `d`: (what, SQL), in a fixed order.
pub fn statements_of(meta: &'static EntityMeta, d: Dialect) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, sql) in ddl::create_table_sql(d, meta, &[])
        .create
        .into_iter()
        .enumerate()
    {
        out.push((format!("create {i}"), sql));
    }
    out.push(("get".to_string(), object::get(meta, d)));
    if meta.primary_key.len() == 1 {
        out.push(("by keys".to_string(), object::by_keys(meta, d)));
    }
    let stored: Vec<usize> = (0..meta.columns.len())
        .filter(|&c| crate::pairing::is_stored(meta, c))
        .collect();
    let auto = meta.auto_column();
    let insert: Vec<usize> = stored
        .iter()
        .copied()
        .filter(|&c| Some(c) != auto)
        .collect();
    out.push(("insert".to_string(), object::insert(meta, d, &insert, auto)));
    let values: Vec<usize> = stored
        .iter()
        .copied()
        .filter(|&c| !meta.columns[c].primary_key)
        .collect();
    out.push((
        "update".to_string(),
        object::update(meta, d, &values, &values),
    ));
    out.push(("delete".to_string(), object::delete(meta, d, &values)));
    // `upsert_on` each unique key but the primary key.
    for key in crate::pairing::unique_keys(meta) {
        let mut fields: Vec<&str> = key.iter().map(|&c| meta.columns[c].field).collect();
        fields.dedup();
        out.push((
            format!("upsert on {}", fields.join(", ")),
            object::upsert_on(meta, d, &insert, &key),
        ));
    }
    for r in meta
        .relations
        .iter()
        .filter(|r| r.kind == crate::pairing::RelKind::Set)
    {
        let member = (r.target)();
        let how = match partner(meta, r) {
            Ok(Partner::Reference { column }) => Membership::Reference(column),
            Ok(Partner::Set { relation }) => {
                let field = member.relations.get(relation).map_or("", |x| x.field);
                Membership::Link(link_table(meta, r, field))
            }
            _ => continue,
        };
        let f = r.field;
        out.push((format!("{f}: members"), rel::members(d, member, &how)));
        if meta.primary_key.len() == 1 {
            let key = meta.columns[meta.primary_key[0]].ty;
            out.push((
                format!("{f}: members of many owners"),
                rel::members_of_owners(d, member, &how, key),
            ));
        }
        out.push((format!("{f}: count"), rel::count_members(d, member, &how)));
        out.push((format!("{f}: has"), rel::has_member(d, member, &how)));
        match &how {
            Membership::Reference(column) => {
                out.push((
                    format!("{f}: referring keys"),
                    rel::referring_keys(d, member, *column),
                ));
                out.push((format!("{f}: delete member"), rel::delete_by_key(d, member)));
                out.push((format!("{f}: set null"), rel::set_null(d, member, *column)));
            }
            Membership::Link(link) => {
                out.push((format!("{f}: link"), rel::link(d, link)));
                out.push((format!("{f}: unlink"), rel::unlink(d, link)));
                out.push((format!("{f}: unlink all"), rel::unlink_all(d, link)));
            }
        }
    }
    out
}
