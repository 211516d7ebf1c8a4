//! A query, and then `BEGIN`, in one round trip where the backend can (PostgreSQL): for a
//! query whose effect is the same outside the transaction (the keys a sequence gives).

#[cfg(feature = "postgres")]
use super::{control, logging, postgres, Link};
use super::{Conn, Param, RowSink};
use crate::Result;

impl Conn {
    /// Runs a query and then begins a write transaction as [`Conn::begin`] does, in one
    /// round trip on PostgreSQL (SQLite: one after the other). Only for a query that may run
    /// outside the transaction, as it runs before the `BEGIN` (taking values of a sequence,
    /// which no rollback gives back anyway).
    ///
    /// The outer result is the `BEGIN`'s (an error: no transaction began), the inner the
    /// query's (an error: the transaction began all the same).
    pub(crate) fn query_then_begin<S: RowSink>(
        &self,
        serializable: bool,
        sql: &str,
        params: &[Param<'_>],
        sink: &mut S,
    ) -> Result<Result<()>> {
        #[cfg(feature = "postgres")]
        #[allow(irrefutable_let_patterns)] // without SQLite, every link is PostgreSQL's
        if let Link::Postgres(c) = &self.link {
            self.check_live()?;
            // (Nothing is sent when the statement cannot be prepared or takes no such
            // values: no transaction begins.)
            let stmt = self.watch(c.statement_for(sql, params))?;
            logging::transaction_event("begin");
            let begin = control::begin(self.dialect(), serializable);
            let mut began = Ok(());
            let fetched = self.watch(self.logged(
                sql,
                params,
                || {
                    let (ran, rows) = c.fetch_then(&stmt, sql, params, begin);
                    began = ran;
                    rows
                },
                |rows| rows.as_ref().map_or(0, |r| r.len() as u64),
            ));
            self.watch(began)?;
            // (A refusal before the transaction is none of it.)
            let _ = self.take_refused();
            self.set_in_transaction(true);
            *self.failed.borrow_mut() = None;
            let all = match fetched {
                Ok(Some(all)) => all,
                // A kept statement gone stale: run again, now inside the transaction.
                Ok(None) => return Ok(self.query(sql, params, sink)),
                Err(e) => return Ok(Err(e)),
            };
            return Ok(postgres::feed(&all, sink).map(|_| ()));
        }
        let read = self.query(sql, params, sink);
        self.begin(serializable)?;
        Ok(read)
    }
}
