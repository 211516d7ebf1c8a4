//! Statements about a relationship of one object: its collection's members (fetch, count,
//! membership, link, unlink) and what deleting the object does to the rows that refer to it
//! (cascade, `SET NULL`, unlinking). The owner's key is always parameter 1.

use super::{Dialect, SqlWriter};
use crate::entity::EntityMeta;
use crate::pairing::{field_columns, LinkTable};

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

/// `a = ? AND b = ?` over `columns` of `meta`.
fn equal_binds(
    w: &mut SqlWriter,
    meta: &'static EntityMeta,
    columns: impl IntoIterator<Item = usize>,
) {
    for (i, c) in columns.into_iter().enumerate() {
        if i > 0 {
            w.push(" AND ");
        }
        // Qualified: SQLite reads an unqualified double-quoted name it cannot resolve as a
        // string (a column misnamed would compare its own name, silently).
        w.qualified(meta.table, meta.columns[c].name)
            .push(" = ")
            .bind();
    }
}

/// ` FROM member WHERE <belongs to the owner ($1)>`.
fn from_members(w: &mut SqlWriter, member: &'static EntityMeta, how: &Membership) {
    w.push(" FROM ").ident(member.table).push(" WHERE ");
    match how {
        Membership::Reference(column) => equal_binds(w, member, field_columns(member, *column)),
        Membership::Link(link) => {
            w.qualified(member.table, key_column(member))
                .push(" IN (SELECT ")
                .qualified(&link.table, &link.member_column)
                .push(" FROM ")
                .ident(&link.table)
                .push(" WHERE ")
                .qualified(&link.table, &link.owner_column)
                .push(" = ")
                .bind()
                .push(")");
        }
    }
}

/// The members, in key order.
pub(crate) fn members(d: Dialect, member: &'static EntityMeta, how: &Membership) -> String {
    let mut w = SqlWriter::new(d);
    w.push("SELECT ");
    for i in 0..member.columns.len() {
        if i > 0 {
            w.push(", ");
        }
        w.entity_column(member, member.table, i);
    }
    from_members(&mut w, member, how);
    // Every key column: a composite key's first alone leaves its rows out of order.
    w.push(" ORDER BY ")
        .idents(member.primary_key.iter().map(|&i| member.columns[i].name));
    w.finish()
}

/// The alias of the owners' list in [`members_of_owners`].
const OWNERS: &str = "colt_owner";

/// The members of many owners at once: the owners' keys are a list parameter (`$1`, of type
/// `owner_key`), each row is a member's columns followed by the key of the owner it belongs
/// to, as the database matched it (a member that matches two listed keys comes once for
/// each, as it would for each alone), in the members' key order.
pub(crate) fn members_of_owners(
    d: Dialect,
    member: &'static EntityMeta,
    how: &Membership,
    owner_key: crate::types::ColumnType,
) -> String {
    let mut w = SqlWriter::new(d);
    w.push("SELECT ");
    for i in 0..member.columns.len() {
        w.entity_column(member, member.table, i).push(", ");
    }
    w.qualified(OWNERS, "value")
        .push(" FROM ")
        .ident(member.table)
        .push(" JOIN ");
    let owner_column = match how {
        Membership::Reference(column) => (member.table, member.columns[*column].name),
        Membership::Link(link) => {
            w.ident(&link.table)
                .push(" ON ")
                .qualified(&link.table, &link.member_column)
                .push(" = ")
                .qualified(member.table, key_column(member))
                .push(" JOIN ");
            (link.table.as_str(), link.owner_column.as_str())
        }
    };
    w.syntax().list_table(&mut w, 0, owner_key, OWNERS);
    w.push(" ON ")
        .qualified(owner_column.0, owner_column.1)
        .push(" = ")
        .qualified(OWNERS, "value")
        .push(" ORDER BY ");
    for (i, &k) in member.primary_key.iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        w.qualified(member.table, member.columns[k].name);
    }
    w.finish()
}

fn count_writer(d: Dialect, member: &'static EntityMeta, how: &Membership) -> SqlWriter {
    let mut w = SqlWriter::new(d);
    w.push("SELECT COUNT(*)");
    from_members(&mut w, member, how);
    w
}

/// How many members there are.
pub(crate) fn count_members(d: Dialect, member: &'static EntityMeta, how: &Membership) -> String {
    count_writer(d, member, how).finish()
}

/// Whether the member with the key after the owner's belongs (a count, 0 or 1): every
/// column of the member's key (its first alone would name other members too).
pub(crate) fn has_member(d: Dialect, member: &'static EntityMeta, how: &Membership) -> String {
    let mut w = count_writer(d, member, how);
    w.push(" AND ");
    equal_binds(&mut w, member, member.primary_key.iter().copied());
    w.finish()
}

/// Links owner `$1` and member `$2` (nothing when they are linked already).
pub(crate) fn link(d: Dialect, link: &LinkTable) -> String {
    let mut w = SqlWriter::new(d);
    let (prefix, suffix) = w.syntax().insert_ignore();
    w.push(prefix)
        .ident(&link.table)
        .push(" (")
        .idents([link.owner_column.as_str(), link.member_column.as_str()])
        .push(") VALUES (")
        .bind()
        .push(", ")
        .bind()
        .push(")")
        .push(suffix);
    w.finish()
}

fn unlink_writer(d: Dialect, link: &LinkTable) -> SqlWriter {
    let mut w = SqlWriter::new(d);
    w.push("DELETE FROM ")
        .ident(&link.table)
        .push(" WHERE ")
        .qualified(&link.table, &link.owner_column)
        .push(" = ")
        .bind();
    w
}

/// Unlinks owner `$1` and member `$2`.
pub(crate) fn unlink(d: Dialect, link: &LinkTable) -> String {
    let mut w = unlink_writer(d, link);
    w.push(" AND ")
        .qualified(&link.table, &link.member_column)
        .push(" = ")
        .bind();
    w.finish()
}

/// Unlinks owner `$1` from every member.
pub(crate) fn unlink_all(d: Dialect, link: &LinkTable) -> String {
    unlink_writer(d, link).finish()
}

/// The keys (every key column) of the rows of `member` whose reference at column `fk`
/// refers to the owner.
pub(crate) fn referring_keys(d: Dialect, member: &'static EntityMeta, fk: usize) -> String {
    let mut w = SqlWriter::new(d);
    w.push("SELECT ");
    for (i, &k) in member.primary_key.iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        w.qualified(member.table, member.columns[k].name);
    }
    w.push(" FROM ").ident(member.table).push(" WHERE ");
    equal_binds(&mut w, member, field_columns(member, fk));
    w.finish()
}

/// [`referring_keys`], the rows locked where the database can (PostgreSQL's `FOR UPDATE`;
/// SQLite's writer holds the whole database): a member another transaction is moving away
/// is waited for, then left out, so that deleting it by its key afterwards cannot delete a
/// row that no longer names the owner.
pub(crate) fn referring_keys_locked(d: Dialect, member: &'static EntityMeta, fk: usize) -> String {
    let mut sql = referring_keys(d, member, fk);
    sql.push_str(d.syntax().for_update(crate::plan::LockWait::Wait));
    sql
}

/// Deletes the row of `member` with key `$1, $2, ..` (every key column).
pub(crate) fn delete_by_key(d: Dialect, member: &'static EntityMeta) -> String {
    let mut w = SqlWriter::new(d);
    w.push("DELETE FROM ").ident(member.table).push(" WHERE ");
    for (i, &k) in member.primary_key.iter().enumerate() {
        if i > 0 {
            w.push(" AND ");
        }
        w.qualified(member.table, member.columns[k].name)
            .push(" = ")
            .bind();
    }
    w.finish()
}

/// Sets the reference at column `fk` of the rows of `member` that refer to the owner to NULL.
pub(crate) fn set_null(d: Dialect, member: &'static EntityMeta, fk: usize) -> String {
    set_null_where(d, member, fk, 0)
}

/// [`set_null`] but for `rows` rows of `member` whose delete is under way (one that refers
/// to itself, or to another row being deleted): they keep their reference (they go; a NULL
/// written in them would fail their delete's optimistic check). Bound: the deleted row's
/// key, then the key of each row kept.
pub(crate) fn set_null_others(
    d: Dialect,
    member: &'static EntityMeta,
    fk: usize,
    rows: usize,
) -> String {
    set_null_where(d, member, fk, rows)
}

fn set_null_where(d: Dialect, member: &'static EntityMeta, fk: usize, others: usize) -> String {
    let mut w = SqlWriter::new(d);
    w.push("UPDATE ").ident(member.table).push(" SET ");
    for (i, c) in field_columns(member, fk).enumerate() {
        if i > 0 {
            w.push(", ");
        }
        w.ident(member.columns[c].name).push(" = NULL");
    }
    w.push(" WHERE ");
    equal_binds(&mut w, member, field_columns(member, fk));
    for _ in 0..others {
        w.push(" AND NOT (");
        equal_binds(&mut w, member, member.primary_key.iter().copied());
        w.push(")");
    }
    w.finish()
}
