//! A query and the statements after it (`BEGIN`) sent together, in one round trip
//! ([`crate::backend::Conn::query_then_begin`]).

use tokio_postgres::types::ToSql;
use tokio_postgres::Statement;

use super::{is_encoding, is_stale_plan, is_unprepared, map_error, refuse_nul, PgConn, PgParam};
use crate::backend::Param;
use crate::Result;

impl PgConn {
    /// The kept statement for `sql`, checked to take `params` (a value the statement
    /// cannot take refused before anything is sent).
    pub(crate) fn statement_for(&self, sql: &str, params: &[Param<'_>]) -> Result<Statement> {
        crate::backend::refuse_unstorable(params)?;
        let stmt = self.statement(sql, params.len())?;
        refuse_nul(params, stmt.params())?;
        Ok(stmt)
    }

    /// Runs `stmt` (the kept statement for `sql`, from [`Self::statement_for`]) and then
    /// `then` (statements without parameters: `BEGIN`), in one round trip. The query runs
    /// first, outside what `then` begins, and each answers for itself: `then`'s result, and
    /// the query's rows, or `None` when its kept statement had gone stale (dropped now: the
    /// caller runs the query again, once it knows what `then` began).
    pub(crate) fn fetch_then(
        &self,
        stmt: &Statement,
        sql: &str,
        params: &[Param<'_>],
        then: &str,
    ) -> (Result<()>, Result<Option<Vec<tokio_postgres::Row>>>) {
        let binds: Vec<PgParam<'_>> = params.iter().map(|p| PgParam(*p)).collect();
        let refs: Vec<&(dyn ToSql + Sync)> =
            binds.iter().map(|b| b as &(dyn ToSql + Sync)).collect();
        self.statements.set(self.statements.get() + 1);
        let (rows, then_ran) = self.client.borrow_mut().query_then_batch(stmt, &refs, then);
        let rows = match rows {
            Ok(rows) => Ok(Some(rows)),
            Err(e) if is_stale_plan(&e) || is_unprepared(&e) || is_encoding(&e) => {
                self.prepared.borrow_mut().pop(sql);
                Ok(None)
            }
            Err(e) => Err(map_error(e, None)),
        };
        (then_ran.map_err(|e| map_error(e, None)), rows)
    }
}
