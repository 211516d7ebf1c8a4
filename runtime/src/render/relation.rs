//! Statements about a relationship of one object: its collection's members (fetch, count,
//! membership, link, unlink) and what deleting the object does to the rows that refer to it
//! (cascade, `SET NULL`, unlinking). The owner's key is always parameter 1.

use super::{column_ref, quote, Dialect};
use crate::entity::EntityMeta;
use crate::pairing::LinkTable;

/// How the members of a collection belong to their owner.
pub(crate) enum Membership {
    /// One-to-many: the member's reference column (its position) holds the owner's key.
    Reference(usize),
    /// Many-to-many: a row of the join table links owner and member.
    Link(LinkTable),
}

fn key_column(meta: &EntityMeta) -> &'static str {
    meta.columns[meta.primary_key.first().copied().unwrap_or(0)].name
}

/// ` FROM member WHERE <belongs to the owner ($1)>`.
fn from_members(d: Dialect, member: &'static EntityMeta, how: &Membership, sql: &mut String) {
    let syntax = d.syntax();
    sql.push_str(" FROM ");
    quote(sql, member.table);
    sql.push_str(" WHERE ");
    match how {
        Membership::Reference(column) => {
            quote(sql, member.columns[*column].name);
            sql.push_str(" = ");
            syntax.placeholder(sql, 0);
        }
        Membership::Link(link) => {
            quote(sql, key_column(member));
            sql.push_str(" IN (SELECT ");
            quote(sql, &link.member_column);
            sql.push_str(" FROM ");
            quote(sql, &link.table);
            sql.push_str(" WHERE ");
            quote(sql, &link.owner_column);
            sql.push_str(" = ");
            syntax.placeholder(sql, 0);
            sql.push(')');
        }
    }
}

/// The members, in key order.
pub(crate) fn members(d: Dialect, member: &'static EntityMeta, how: &Membership) -> String {
    let mut sql = String::from("SELECT ");
    for i in 0..member.columns.len() {
        if i > 0 {
            sql.push_str(", ");
        }
        column_ref(&mut sql, member, member.table, i);
    }
    from_members(d, member, how, &mut sql);
    sql.push_str(" ORDER BY ");
    quote(&mut sql, key_column(member));
    sql
}

/// How many members there are.
pub(crate) fn count_members(d: Dialect, member: &'static EntityMeta, how: &Membership) -> String {
    let mut sql = String::from("SELECT COUNT(*)");
    from_members(d, member, how, &mut sql);
    sql
}

/// Whether the member with key `$2` belongs (a count, 0 or 1).
pub(crate) fn has_member(d: Dialect, member: &'static EntityMeta, how: &Membership) -> String {
    let mut sql = count_members(d, member, how);
    sql.push_str(" AND ");
    quote(&mut sql, key_column(member));
    sql.push_str(" = ");
    d.syntax().placeholder(&mut sql, 1);
    sql
}

/// Links owner `$1` and member `$2` (nothing when they are linked already).
pub(crate) fn link(d: Dialect, link: &LinkTable) -> String {
    let syntax = d.syntax();
    let (prefix, suffix) = syntax.insert_ignore();
    let mut sql = String::from(prefix);
    quote(&mut sql, &link.table);
    sql.push_str(" (");
    quote(&mut sql, &link.owner_column);
    sql.push_str(", ");
    quote(&mut sql, &link.member_column);
    sql.push_str(") VALUES (");
    syntax.placeholder(&mut sql, 0);
    sql.push_str(", ");
    syntax.placeholder(&mut sql, 1);
    sql.push(')');
    sql.push_str(suffix);
    sql
}

/// Unlinks owner `$1` and member `$2`.
pub(crate) fn unlink(d: Dialect, link: &LinkTable) -> String {
    let mut sql = unlink_all(d, link);
    sql.push_str(" AND ");
    quote(&mut sql, &link.member_column);
    sql.push_str(" = ");
    d.syntax().placeholder(&mut sql, 1);
    sql
}

/// Unlinks owner `$1` from every member.
pub(crate) fn unlink_all(d: Dialect, link: &LinkTable) -> String {
    let mut sql = String::from("DELETE FROM ");
    quote(&mut sql, &link.table);
    sql.push_str(" WHERE ");
    quote(&mut sql, &link.owner_column);
    sql.push_str(" = ");
    d.syntax().placeholder(&mut sql, 0);
    sql
}

/// The keys (every key column) of the rows of `member` whose column `fk` refers to `$1`.
pub(crate) fn referring_keys(d: Dialect, member: &'static EntityMeta, fk: usize) -> String {
    let mut sql = String::from("SELECT ");
    for (i, &k) in member.primary_key.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        quote(&mut sql, member.columns[k].name);
    }
    sql.push_str(" FROM ");
    quote(&mut sql, member.table);
    sql.push_str(" WHERE ");
    quote(&mut sql, member.columns[fk].name);
    sql.push_str(" = ");
    d.syntax().placeholder(&mut sql, 0);
    sql
}

/// Deletes the row of `member` with key `$1, $2, ..` (every key column).
pub(crate) fn delete_by_key(d: Dialect, member: &'static EntityMeta) -> String {
    let mut sql = String::from("DELETE FROM ");
    quote(&mut sql, member.table);
    sql.push_str(" WHERE ");
    for (i, &k) in member.primary_key.iter().enumerate() {
        if i > 0 {
            sql.push_str(" AND ");
        }
        quote(&mut sql, member.columns[k].name);
        sql.push_str(" = ");
        d.syntax().placeholder(&mut sql, i);
    }
    sql
}

/// Sets column `fk` of the rows of `member` that refer to `$1` to NULL.
pub(crate) fn set_null(d: Dialect, member: &'static EntityMeta, fk: usize) -> String {
    let name = member.columns[fk].name;
    let mut sql = String::from("UPDATE ");
    quote(&mut sql, member.table);
    sql.push_str(" SET ");
    quote(&mut sql, name);
    sql.push_str(" = NULL WHERE ");
    quote(&mut sql, name);
    sql.push_str(" = ");
    d.syntax().placeholder(&mut sql, 0);
    sql
}
