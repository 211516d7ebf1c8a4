//! [`Transaction::insert_many`]: many new objects in multi-row `INSERT`s.
//!
//! Keys given by the program go in as they are. An `auto` key is the database's to give, and
//! a multi-row `INSERT .. RETURNING` does not say which row got which key (neither SQLite nor
//! PostgreSQL promises the order of returned rows). So on PostgreSQL the keys are taken from
//! the column's sequence first, in one statement (`nextval` over `generate_series`), and the
//! rows are inserted with them; on SQLite, where a statement costs no round trip, each object
//! is inserted by itself, as [`Transaction::insert`] does, with what the inserts share
//! worked out once.

use std::rc::Rc;

use crate::backend::Param;
use crate::entity::Entity;
use crate::obj::{Obj, ObjState};
use crate::render::Dialect;
use crate::transaction::Transaction;
use crate::value::Value;
use crate::{EntityMeta, Error, Result};

/// Takes `n` values of the sequence behind `meta`'s `auto` column (the column's default
/// for `SERIAL` and identity columns alike). The sequence is looked up once (a
/// `MATERIALIZED` CTE: per row, the lookup cost six times the `nextval`s); the `CAST`s fix
/// the parameters' types, which the functions alone would leave for the server to guess.
const SEQUENCE_KEYS: &str = "WITH s AS MATERIALIZED (SELECT CAST(pg_get_serial_sequence(\
     CAST($1 AS TEXT), CAST($2 AS TEXT)) AS regclass) AS seq) \
     SELECT nextval(s.seq) FROM s, generate_series(1, CAST($3 AS BIGINT))";

impl Transaction {
    /// Inserts many new objects with multi-row `INSERT`s (as many rows per statement as the
    /// backend's parameter limit allows, at most 1 000). An `auto` key is taken from its
    /// sequence on PostgreSQL (one statement for all the keys); on SQLite, and for an `auto`
    /// column without a sequence, each object is inserted by itself. The objects are as
    /// [`Transaction::insert`] makes them, keys included.
    ///
    /// # Errors
    /// As [`Transaction::insert`]; a statement that fails rolls the transaction back, and
    /// none of the objects is loaded.
    pub fn insert_many<T: Entity>(
        &self,
        values: impl IntoIterator<Item = T>,
    ) -> Result<Vec<Obj<T>>> {
        let values: Vec<T> = values.into_iter().collect();
        // Rows go in by several statements: a panic binding a later one (the program's
        // `Serialize` impl) would leave the earlier ones written.
        self.abort_on_unwind(|| self.insert_all(values))
    }

    fn insert_all<T: Entity>(&self, mut values: Vec<T>) -> Result<Vec<Obj<T>>> {
        // (Nothing to write: no statement, and no write lock taken.)
        if values.is_empty() {
            self.check_open()?;
            return Ok(Vec::new());
        }
        let meta = T::meta();
        let auto = meta.auto_column();
        // As stored first (a date-time's nanoseconds cut): a reference is looked up among the
        // pending deletes as the database will hold it, as `insert` does.
        values.iter_mut().for_each(crate::entity::as_stored);
        // Refused before anything runs, whichever way the objects go in: a value refused
        // after others were written (one statement per object) would leave them written
        // for the caller to commit, and no key is taken from a sequence for nothing.
        let virtual_columns = crate::pairing::virtual_columns(meta);
        let refers = crate::flush::update_masks(meta).references != 0;
        for value in &values {
            if let Some(&c) = virtual_columns
                .iter()
                .find(|&&c| value.column_ref(c) != crate::ValueRef::Null)
            {
                return Err(crate::pairing::reverse_side_error(meta, c));
            }
            // A reference to an object whose delete is pending (before any flush writes the
            // delete, which would then let the rest through).
            if refers {
                crate::transaction::refuse_deleted_target(&self.shared, value)?;
            }
        }
        let from_sequence = values.len() > 1 && self.dialect() == Dialect::Postgres;
        if auto.is_some() && !from_sequence {
            return self.insert_each(values);
        }
        if let Some(auto) = auto {
            let Some(keys) = self.sequence_keys(meta, auto, values.len())? else {
                return self.insert_each(values);
            };
            for (value, key) in values.iter_mut().zip(keys) {
                value.set_auto_key(key)?;
            }
        }
        self.flush()?;
        let objs: Vec<Obj<T>> = {
            let mut maps = self.shared.maps.borrow_mut();
            let map = maps.of::<T>();
            values
                .into_iter()
                .map(|v| map.alloc(v, ObjState::New, Rc::downgrade(&self.shared)))
                .collect()
        };
        let result = self
            .ensure_writing()
            .and_then(|()| crate::insert_write::insert_rows(&objs, self))
            .and_then(|()| crate::savepoint::wrote(self, meta));
        match result {
            Ok(()) => Ok(objs),
            Err(e) => {
                self.abort();
                Err(e)
            }
        }
    }

    /// Each of `values` inserted by a statement of its own, as [`Transaction::insert`] does
    /// (the database gives each its key).
    fn insert_each<T: Entity>(&self, values: Vec<T>) -> Result<Vec<Obj<T>>> {
        self.flush()?;
        let result = self
            .ensure_writing()
            .and_then(|()| crate::insert_write::insert_each(self, values));
        if result.is_err() {
            self.abort();
        }
        result
    }

    /// `n` new values of the sequence behind `auto` (PostgreSQL), or `None` when the
    /// column takes its values from no sequence.
    fn sequence_keys(
        &self,
        meta: &'static EntityMeta,
        auto: usize,
        n: usize,
    ) -> Result<Option<Vec<i64>>> {
        self.flush()?;
        // `pg_get_serial_sequence` reads its first argument as SQL (a quoted name keeps its
        // case), its second as the column's name itself.
        let table = Value::Text(crate::render::SqlWriter::quoted(meta.table));
        let column = Value::Text(crate::table_keys::pg_name(meta.columns[auto].name).to_string());
        let count = Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
        let params = [
            Param::Owned(&table),
            Param::Owned(&column),
            Param::Owned(&count),
        ];
        let mut keys = SequenceKeys(Vec::with_capacity(n), false);
        // A sequence gives its values outside any transaction, and no rollback takes them
        // back: taking them before the transaction began changes nothing. Any failure ends
        // the transaction, as a failed statement does, one before the `BEGIN` too.
        self.query_then_writing(SEQUENCE_KEYS, &params, &mut keys)
            .and_then(|read| read)
            .inspect_err(|_| self.abort())?;
        let SequenceKeys(keys, missing) = keys;
        if missing {
            return Ok(None);
        }
        if keys.len() != n {
            self.abort();
            return Err(Error::InvalidQuery(format!(
                "the sequence of `{}`.`{}` gave {} keys for {n} rows",
                meta.table,
                meta.columns[auto].name,
                keys.len()
            )));
        }
        Ok(Some(keys))
    }
}

/// The values a sequence gave ([`SEQUENCE_KEYS`]), and whether the column has no sequence
/// (a NULL).
struct SequenceKeys(Vec<i64>, bool);

impl crate::backend::RowSink for SequenceKeys {
    fn row<R: crate::entity::RowAccess>(&mut self, row: &R) -> Result<()> {
        match row.value(0)? {
            crate::ValueRef::Int(k) => self.0.push(k),
            crate::ValueRef::Null => self.1 = true,
            other => {
                return Err(Error::Decode {
                    column: "nextval".to_string(),
                    expected: "a key from the sequence".to_string(),
                    found: format!("{other:?}"),
                })
            }
        }
        Ok(())
    }
}
