//! `Query::update`: the rows a query selects, updated in one statement with the values
//! `select!(q.set(|p| p.price = p.price * 2))` assigns.
//!
//! `UPDATE t AS p SET c = <value>, .. WHERE key IN (SELECT key FROM <the query>) RETURNING
//! key, c, ..`: what the query selects is what it would fetch (navigation, sub-queries,
//! several variables, `limit`); the values read the row's own attributes, outer values and
//! sub-queries over its collections. Objects of updated rows loaded in the transaction take
//! the new values, in memory and in what their optimistic checks compare with (the change
//! is this transaction's own).

use crate::entity::Entity;
use crate::obj::Obj;
use crate::plan::StatementKind;
use crate::query::Query;
use crate::reference_columns::ValueRow;
use crate::render::{self, Dialect};
use crate::transaction::Transaction;
use crate::types::ColumnType;
use crate::value::{Value, ValueRef};
use crate::{Error, Result};

impl<T: Entity> Query<Obj<T>> {
    /// The SQL `update` runs (for tests and the curious).
    pub fn update_sql(&self, dialect: Dialect) -> String {
        render::sql(self.plan(), self.key(dialect, StatementKind::Update)).to_string()
    }

    /// Updates every row the query selects with the values its `.set(|p| ..)` assigns, in
    /// one statement, and returns how many rows changed. Pending changes are written first;
    /// loaded objects of the updated rows take the new values.
    ///
    /// ```text
    /// let doubled = select!(Product.filter(|p| p.price < max).set(|p| p.price = p.price * 2))
    ///     .update(tx)?;
    /// ```
    /// (`tests/bulk_update.rs` runs it.)
    ///
    /// # Errors
    /// [`Error::InvalidQuery`] when the query assigns nothing or a key column, or a value
    /// reads another table than the updated one outside a sub-query (`p.category.rate`: a
    /// join); database errors ([`Error::Constraint`] for a value a constraint refuses), and
    /// nothing is changed then. A value the attribute cannot hold that the database stored
    /// anyway (SQLite: an integer overflowing into a REAL) is [`Error::Decode`], and the
    /// transaction is rolled back and closed.
    pub fn update(&self, tx: &Transaction) -> Result<u64> {
        // The loaded objects take the rows' new values after the statement (the program's
        // `Clone` or `Deserialize` runs): a panic there would leave them stale.
        tx.abort_on_unwind(|| self.update_rows(tx))
    }

    fn update_rows(&self, tx: &Transaction) -> Result<u64> {
        self.check_plan()?;
        let plan = self.plan();
        if plan.assignments.is_empty() {
            return Err(Error::InvalidQuery(
                "`update` writes what `.set(|p| p.attr = ..)` assigns: `select!(q.set(|p| p.price = p.price * 2)).update(tx)`".to_string(),
            ));
        }
        let target = match plan.projection.as_slice() {
            [crate::plan::ProjItem::Entity(s)] => *s,
            _ => 0,
        };
        if plan.assignments.iter().any(|(s, _, _)| *s != target) {
            return Err(Error::InvalidQuery(
                "`.set(|p| ..)` assigns attributes of the objects the query selects (its projected variable)".to_string(),
            ));
        }
        let meta = T::meta();
        if let Some((_, c, _)) = plan
            .assignments
            .iter()
            .find(|(_, c, _)| meta.columns[*c as usize].primary_key)
        {
            return Err(Error::InvalidQuery(format!(
                "`.set` cannot change `{}`, part of the primary key of `{}`: an object's key is its identity (insert a new object instead)",
                meta.columns[*c as usize].field, meta.name
            )));
        }
        let mut joined = false;
        for (_, _, n) in &plan.assignments {
            n.for_each_column_outside_sub_queries(&mut |source| {
                joined |= source != target;
            });
        }
        if joined {
            return Err(Error::InvalidQuery(
                "the values of an `update` read the updated object's own attributes, outer values and aggregates over its collections; not another table (`p.category.rate`): compute it in a sub-query, or fetch and set the objects".to_string(),
            ));
        }
        // (After the update's own misuse is refused: this check writes pending changes.)
        crate::object_param::refuse_dead(tx, self.params())?;
        tx.flush()?;
        if tx.shared.maps.borrow_mut().of::<T>().any_borrowed() {
            return Err(Error::InvalidQuery(format!(
                "an object of `{}` is borrowed (`obj.get()`) across `update`, which may change it: drop the borrow first",
                T::meta().name
            )));
        }
        tx.ensure_writing()?;
        // As for `delete`: the schema may change other tables (triggers, cascades).
        tx.shared.cache.borrow_mut().bump_all();
        let sql = render::sql(plan, self.key(tx.dialect(), StatementKind::Update));
        let params = self.bound(self.limit);
        let width = meta.primary_key.len() + plan.assignments.len();
        let mut rows = crate::cascade::KeyRows::new(width);
        tx.conn()?.query(&sql, &params, &mut rows)?;
        let columns: Vec<usize> = plan
            .assignments
            .iter()
            .map(|(_, c, _)| *c as usize)
            .collect();
        for row in &rows.keys {
            if let Err(e) = refresh::<T>(tx, meta.primary_key.len(), &columns, row) {
                // The statement wrote a value the attribute cannot hold (SQLite keeps what
                // an expression gives: an integer that overflowed into a REAL, a number
                // out of a narrower column's range): the transaction is rolled back, so
                // that nothing of it is committed, as for any failed write.
                tx.abort();
                return Err(e);
            }
        }
        Ok(rows.keys.len() as u64)
    }
}

/// The loaded object of an updated row (its key, then the assigned columns' new values)
/// takes the new values, in memory and in its snapshot.
fn refresh<T: Entity>(
    tx: &Transaction,
    key_width: usize,
    columns: &[usize],
    row: &[Value],
) -> Result<()> {
    let values: Vec<ValueRef<'_>> = row.iter().map(Value::as_ref).collect();
    let meta = T::meta();
    // Every row, loaded or not: a value its attribute cannot read back.
    for (&c, v) in columns.iter().zip(&values[key_width..]) {
        let col = &meta.columns[c];
        if !fits(col.ty, col.nullable, *v) {
            return Err(Error::Decode {
                column: meta.qualified(c),
                expected: format!("{:?}", col.ty),
                found: format!("{v:?}"),
            });
        }
    }
    let key = T::decode_key(&ValueRow(&values[..key_width]), 0, meta.name)?;
    let Some(obj) = tx.shared.maps.borrow_mut().of::<T>().get(&key).cloned() else {
        return Ok(());
    };
    let cell = obj.cell();
    // No borrow is held (checked before the statement), and nothing runs in between.
    let Ok(mut value) = cell.value.try_borrow_mut() else {
        return Ok(());
    };
    // Every value is checked (on a copy) before the object changes.
    let mut fresh = value.clone();
    for (&c, v) in columns.iter().zip(&values[key_width..]) {
        fresh.set_column_value(c, *v)?;
    }
    if tx.shared.savepoints.get() > 0 {
        let written = columns.iter().fold(0, |m, &c| m | crate::obj::bit(c));
        crate::savepoint::wrote_inside(tx, cell, written);
    }
    cell.with_snapshot(|mut snapshot| {
        for &c in columns {
            value.copy_column(&fresh, c);
            if let Some(s) = snapshot.as_deref_mut() {
                s.copy_column(&fresh, c);
            }
        }
    });
    drop(value);
    // Its `volatile` columns, which the database's triggers may have changed too (neither
    // SQLite's `RETURNING` nor PostgreSQL's shows what an AFTER trigger writes), are read
    // again.
    crate::flush::take_stored(cell, tx, 0)
}

/// Whether a value an `UPDATE` returned can be read back into an attribute of type `ty`
/// (the cases an expression can get wrong on SQLite, which keeps what it computes).
fn fits(ty: ColumnType, nullable: bool, v: ValueRef<'_>) -> bool {
    match (ty, v) {
        (_, ValueRef::Null) => nullable,
        (ColumnType::BigInt, v) => matches!(v, ValueRef::Int(_)),
        (ColumnType::Int, v) => matches!(v, ValueRef::Int(i) if i32::try_from(i).is_ok()),
        (ColumnType::SmallInt, v) => matches!(v, ValueRef::Int(i) if i16::try_from(i).is_ok()),
        (ColumnType::Bool, v) => matches!(v, ValueRef::Int(0 | 1)),
        // A `numeric` column holding a float attribute (which `check_tables` accepts) gives
        // an exact decimal back on PostgreSQL.
        (ColumnType::Float | ColumnType::Double, v) => {
            matches!(
                v,
                ValueRef::Int(_) | ValueRef::Real(_) | ValueRef::Decimal(_)
            )
        }
        (ColumnType::Text, v) => matches!(v, ValueRef::Text(_)),
        // Other types are checked when an object takes the value.
        _ => true,
    }
}
