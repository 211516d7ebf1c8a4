//! The columns of a reference. A `Ref<T>` (or `Option<Ref<T>>`) field is stored in one column
//! per column of `T`'s primary key, next to each other in the entity's columns, in key order:
//! a key of one column gives one column named after the field (`category`), a composite key
//! gives `{field}_{key column}` each (`line_order_id`, `line_no`), as PonyORM names them.
//!
//! The derive cannot see `T`'s key when it expands the referring entity, so the columns are
//! built at compile time from `T`'s [`Entity::KEY_COLUMNS`] by the `const fn`s here, and rows
//! are decoded through [`Entity::decode_key`]. For a key of one column everything folds to
//! what a plain column does.

use crate::entity::{ColumnMeta, Entity, RowAccess};
use crate::relation::Ref;
use crate::types::ColumnType;
use crate::value::ValueRef;
use crate::{Error, Result};

/// What fills an entity's column array before the derive writes each column.
pub const PLACEHOLDER: ColumnMeta = ColumnMeta {
    field: "",
    name: "",
    ty: ColumnType::BigInt,
    nullable: false,
    primary_key: false,
    auto: false,
    unique: false,
    index: false,
    volatile: false,
    sql_type: None,
    default: None,
    default_in_table: false,
};

/// How many bytes the names of a reference's columns take (see [`names`]).
pub const fn names_len(column: &str, key: &[ColumnMeta]) -> usize {
    if key.len() == 1 {
        return column.len();
    }
    let mut n = 0;
    let mut i = 0;
    while i < key.len() {
        n += column.len() + 1 + key[i].name.len();
        i += 1;
    }
    n
}

const fn copy_into(out: &mut [u8], at: usize, text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        out[at + i] = bytes[i];
        i += 1;
    }
    at + bytes.len()
}

/// The names of a reference's columns, one after the other: the field's column name for a
/// key of one column, `{column}_{key column}` for each column of a composite key.
pub const fn names<const N: usize>(column: &str, key: &[ColumnMeta]) -> [u8; N] {
    let mut out = [0u8; N];
    if key.len() == 1 {
        copy_into(&mut out, 0, column);
        return out;
    }
    let mut at = 0;
    let mut i = 0;
    while i < key.len() {
        at = copy_into(&mut out, at, column);
        out[at] = b'_';
        at = copy_into(&mut out, at + 1, key[i].name);
        i += 1;
    }
    out
}

/// The name of column `part` of a reference, inside its [`names`].
const fn part_name(
    names: &'static [u8],
    column: &str,
    key: &[ColumnMeta],
    part: usize,
) -> &'static str {
    let (start, len) = if key.len() == 1 {
        (0, column.len())
    } else {
        let mut start = 0;
        let mut i = 0;
        while i < part {
            start += column.len() + 1 + key[i].name.len();
            i += 1;
        }
        (start, column.len() + 1 + key[part].name.len())
    };
    let (_, rest) = names.split_at(start);
    let (name, _) = rest.split_at(len);
    match std::str::from_utf8(name) {
        Ok(s) => s,
        // Built from whole `str`s and ASCII `_`: always UTF-8.
        Err(_) => panic!("a reference column's name is not UTF-8"),
    }
}

/// What the derive knows of a reference field.
#[derive(Clone, Copy)]
pub struct RefField {
    /// The Rust field name.
    pub field: &'static str,
    /// The field's column name (the prefix of a composite key's columns).
    pub column: &'static str,
    /// The names of its columns ([`names`]).
    pub names: &'static [u8],
    /// The names `columns("A", "B")` gives instead, one per key column (or none).
    pub given: &'static [&'static str],
    /// `Option<Ref<T>>`.
    pub nullable: bool,
    /// Part of the entity's primary key.
    pub primary_key: bool,
    /// `unique` (of all its columns together).
    pub unique: bool,
    /// `index` (of all its columns together).
    pub index: bool,
    /// `volatile`.
    pub volatile: bool,
    /// `sql_type = ".."`, for each of its columns.
    pub sql_type: Option<&'static str>,
}

/// Writes the columns of reference `field` (to an entity whose key columns are `key`) into
/// `out`, starting at position `at`.
pub const fn ref_columns(out: &mut [ColumnMeta], at: usize, field: RefField, key: &[ColumnMeta]) {
    let mut i = 0;
    while i < key.len() {
        out[at + i] = ColumnMeta {
            field: field.field,
            name: if field.given.len() == key.len() {
                field.given[i]
            } else {
                part_name(field.names, field.column, key, i)
            },
            ty: key[i].ty,
            nullable: field.nullable,
            primary_key: field.primary_key,
            auto: false,
            unique: field.unique,
            index: field.index,
            volatile: field.volatile,
            sql_type: match field.sql_type {
                Some(t) => Some(t),
                None => key[i].sql_type,
            },
            default: None,
            default_in_table: false,
        };
        i += 1;
    }
}

/// A required reference stored from column `offset` of `row` on.
///
/// # Errors
/// [`Error::Decode`] when a column is NULL or does not fit the key.
#[inline]
pub fn decode_ref<T: Entity, R: RowAccess>(row: &R, offset: usize, column: &str) -> Result<Ref<T>> {
    T::decode_key(row, offset, column).map(Ref::new)
}

/// An optional reference stored from column `offset` of `row` on: `None` when every column
/// is NULL.
///
/// # Errors
/// [`Error::Decode`] when only some columns are NULL, or a value does not fit the key.
#[inline]
pub fn decode_opt_ref<T: Entity, R: RowAccess>(
    row: &R,
    offset: usize,
    column: &str,
) -> Result<Option<Ref<T>>> {
    if T::KEY_WIDTH == 1 {
        // A key of one column: that one value, read once (this runs for every row).
        return match row.value(offset)? {
            ValueRef::Null => Ok(None),
            v => T::decode_key(&ValueRow(&[v]), 0, column).map(|k| Some(Ref::new(k))),
        };
    }
    let mut nulls = 0;
    for i in 0..T::KEY_WIDTH {
        if row.value(offset + i)? == ValueRef::Null {
            nulls += 1;
        }
    }
    if nulls == 0 {
        return T::decode_key(row, offset, column).map(|k| Some(Ref::new(k)));
    }
    if nulls == T::KEY_WIDTH {
        return Ok(None);
    }
    Err(Error::Decode {
        column: column.to_string(),
        expected: format!(
            "every column of a reference to `{}` NULL, or none",
            T::meta().name
        ),
        found: "some NULL".to_string(),
    })
}

/// Column `part` of a required reference.
#[inline]
pub fn ref_part<T: Entity>(r: &Ref<T>, part: usize) -> ValueRef<'_> {
    T::key_ref(r.key(), part)
}

/// Column `part` of an optional reference (`NULL` when it is `None`).
#[inline]
pub fn opt_ref_part<T: Entity>(r: &Option<Ref<T>>, part: usize) -> ValueRef<'_> {
    match r {
        Some(r) => T::key_ref(r.key(), part),
        None => ValueRef::Null,
    }
}

/// Values given by position, as a row.
pub struct ValueRow<'a>(pub &'a [ValueRef<'a>]);

impl RowAccess for ValueRow<'_> {
    fn value(&self, idx: usize) -> Result<ValueRef<'_>> {
        Ok(self.0.get(idx).copied().unwrap_or(ValueRef::Null))
    }
}

/// A required reference with column `part` set to `value` (the other columns kept).
///
/// # Errors
/// [`Error::Decode`] when the value does not fit.
pub fn with_part<T: Entity>(
    r: &Ref<T>,
    part: usize,
    value: ValueRef<'_>,
    column: &str,
) -> Result<Ref<T>> {
    let owned: Vec<crate::Value> = (0..T::KEY_WIDTH)
        .map(|i| T::key_ref(r.key(), i).to_owned_value())
        .collect();
    let mut values: Vec<ValueRef<'_>> = owned.iter().map(crate::Value::as_ref).collect();
    if let Some(v) = values.get_mut(part) {
        *v = value;
    }
    decode_ref(&ValueRow(&values), 0, column)
}

/// An optional reference with column `part` set to `value`: NULL unsets it; a value sets one
/// column of a set reference (a reference that is not set cannot take one column alone: set
/// the whole reference).
///
/// # Errors
/// [`Error::Decode`] when the value does not fit, or the reference is not set.
pub fn opt_with_part<T: Entity>(
    r: &Option<Ref<T>>,
    part: usize,
    value: ValueRef<'_>,
    column: &str,
) -> Result<Option<Ref<T>>> {
    match (r, value) {
        (_, ValueRef::Null) => Ok(None),
        (Some(r), v) => with_part(r, part, v, column).map(Some),
        (None, v) if T::KEY_WIDTH == 1 => decode_opt_ref(&ValueRow(&[v]), 0, column),
        (None, _) => Err(Error::Decode {
            column: column.to_string(),
            expected: format!("every column of a reference to `{}`", T::meta().name),
            found: "one column".to_string(),
        }),
    }
}
