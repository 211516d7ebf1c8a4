//! A hook run on every new connection before it serves
//! ([`crate::DatabaseBuilder::after_connect`]), and what it is given.

use std::sync::Arc;

use crate::backend::Conn;
use crate::render::Dialect;
use crate::Result;

/// What a hook is.
type Hook = dyn Fn(&NewConnection<'_>) -> Result<()> + Send + Sync;

/// The hook, shared by every connection of a database.
#[derive(Clone)]
pub(crate) struct AfterConnect(Arc<Hook>);

impl AfterConnect {
    pub(crate) fn new(
        hook: impl Fn(&NewConnection<'_>) -> Result<()> + Send + Sync + 'static,
    ) -> Self {
        AfterConnect(Arc::new(hook))
    }

    /// Runs the hook on `conn`.
    pub(crate) fn run(&self, conn: &Conn) -> Result<()> {
        (self.0)(&NewConnection { conn })
    }
}

impl std::fmt::Debug for AfterConnect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AfterConnect(..)")
    }
}

/// A connection just opened, before it serves: what an
/// [`after_connect`](crate::DatabaseBuilder::after_connect) hook may do with it.
pub struct NewConnection<'a> {
    conn: &'a Conn,
}

impl NewConnection<'_> {
    /// Runs SQL without parameters (one statement or several, `;`-separated): a session
    /// setting, a pragma.
    ///
    /// # Errors
    /// The database's error.
    pub fn execute(&self, sql: &str) -> Result<()> {
        self.conn.execute_batch(sql)
    }

    /// The connection's SQL dialect.
    pub fn dialect(&self) -> Dialect {
        self.conn.dialect()
    }
}
