//! Statement timeouts (issue 12): a way to bound a statement, with a typed error, on both
//! backends; the connection serves on afterwards.

mod common;

use std::time::Duration;

use colt::prelude::*;
use common::each_backend;

#[test]
fn a_statement_past_the_timeout_is_stopped_with_a_typed_error() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.set_statement_timeout(Some(Duration::from_millis(200)));
        let slow = if backend.is_postgres() {
            "SELECT count(*) FROM generate_series(1, 1000000000)"
        } else {
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"
        };
        let r = db.transaction(|tx| tx.query_sql::<i64>(slow, &[]));
        assert!(matches!(r, Err(Error::StatementTimeout)), "{r:?}");
        // The connection serves on, and a quick statement is not stopped.
        let one = db.transaction(|tx| tx.query_sql::<i64>("SELECT 1", &[]))?;
        assert_eq!(one, [1]);
        // No timeout again: set back on the next transaction.
        db.set_statement_timeout(None);
        let one = db.transaction(|tx| tx.query_sql::<i64>("SELECT 2", &[]))?;
        assert_eq!(one, [2]);
        Ok(())
    })
}
