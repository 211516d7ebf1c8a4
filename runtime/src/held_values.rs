//! Values as an object holds them, compared with values the database gives back: a key in a
//! hash set (numbers by value whatever their kind, reals by their bits), a date or time
//! SQLite returns as text. Used by the identity map and the cascades to match rows with
//! loaded objects.

/// A key value in a hash set: equal and hashed by its bits (a real number too), so that
/// equality is reflexive as a set needs; numbers by their value, whatever their kind (the
/// database gives a decimal key back as an integer, a REAL or a NUMERIC).
pub(crate) struct KeyValue(crate::Value);

impl KeyValue {
    pub(crate) fn of(v: crate::Value) -> Self {
        use crate::exact_decimal::ExactDecimal;
        use crate::Value as V;
        KeyValue(match v {
            V::Decimal(d) => d.to_i64().map_or(V::Decimal(d.trimmed()), V::Int),
            V::Real(r) if r.fract() == 0.0 && r.abs() < 9.2e18 => V::Int(r as i64),
            // Its shortest text, exactly (two floats never share one).
            V::Real(r) => {
                ExactDecimal::from_f64(r, 17).map_or(V::Real(r), |d| V::Decimal(d.trimmed()))
            }
            other => other,
        })
    }
}

/// A value of `meta`'s column `column` read back from the database, as the objects hold it:
/// SQLite gives a date or a time back as its ISO-8601 text, which an object holds as a date
/// or a time (a key compared as text would match no loaded object).
pub(crate) fn as_held(
    meta: &'static crate::EntityMeta,
    column: usize,
    v: crate::Value,
) -> crate::Value {
    use crate::temporal::Temporal;
    use crate::types::ColumnType;
    let like = match meta.columns.get(column).map(|c| c.ty) {
        Some(ColumnType::Date) => Temporal::Date(0),
        Some(ColumnType::Time) => Temporal::Time(0),
        Some(ColumnType::Timestamp) => Temporal::Timestamp(0),
        Some(ColumnType::TimestampTz) => Temporal::TimestampTz(0),
        _ => return v,
    };
    match &v {
        crate::Value::Text(t) => Temporal::parse_iso(like, t).map_or(v, crate::Value::Time),
        _ => v,
    }
}

/// Whether two keys of `meta` (one value per key column), as the database gives them or as
/// an object holds them, name the same row.
pub(crate) fn same_key(
    meta: &'static crate::EntityMeta,
    a: &[crate::Value],
    b: &[crate::Value],
) -> bool {
    a.len() == b.len()
        && meta
            .primary_key
            .iter()
            .zip(a.iter().zip(b))
            .all(|(&c, (a, b))| {
                same_value(as_held(meta, c, a.clone()), &as_held(meta, c, b.clone()))
            })
}

/// Whether two values the database and an object hold are the same (numbers by value).
pub(crate) fn same_value(a: crate::Value, b: &crate::Value) -> bool {
    KeyValue::of(a) == KeyValue::of(b.clone())
}

impl PartialEq for KeyValue {
    fn eq(&self, other: &Self) -> bool {
        use crate::Value as V;
        match (&self.0, &other.0) {
            (V::Real(a), V::Real(b)) => a.to_bits() == b.to_bits(),
            (a, b) => a == b,
        }
    }
}

impl Eq for KeyValue {}

impl std::hash::Hash for KeyValue {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        use crate::Value as V;
        std::mem::discriminant(&self.0).hash(h);
        match &self.0 {
            V::Null => {}
            V::Int(i) => i.hash(h),
            V::Real(r) => r.to_bits().hash(h),
            V::Text(t) => t.hash(h),
            V::Blob(b) => b.hash(h),
            V::Time(t) => t.hash(h),
            V::Decimal(d) => d.hash(h),
            V::List(l) => l.len().hash(h),
            V::Unwritable(m) => m.hash(h),
            V::Deleted(e) => e.hash(h),
            V::Object(o) => KeyValue::of(o.key().clone()).hash(h),
            V::Objects(l) => KeyValue::of(l.keys().clone()).hash(h),
        }
    }
}
