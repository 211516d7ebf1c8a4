//! A blocking PostgreSQL client over `tokio-postgres`, whose whole startup is bounded.
//!
//! The `postgres` crate (the blocking face of `tokio-postgres`) bounds only the TCP connect
//! by `connect_timeout`: a server that accepts and then never answers the startup message
//! hangs `Config::connect` forever, and its `Client` cannot be built around a connection
//! opened another way. Colt needs five operations (prepare, execute, query, a batch, a
//! liveness check), so it drives `tokio-postgres` itself: one current-thread runtime per
//! connection, the connection's task spawned on it (it runs whenever a call blocks on the
//! runtime, as in the `postgres` crate), and the startup under `tokio::time::timeout`.

use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::task::JoinHandle;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Config, Error, NoTls, Row, Statement};

use super::pg_tls::TlsSettings;

/// Why a connection could not be opened.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConnectFailure {
    /// The driver or the server refused (wrong password, unknown database, no listener, a
    /// certificate TLS does not trust): with the driver's causes.
    #[error("{}", with_causes(.0))]
    Refused(#[from] Error),
    /// The server did not finish the startup in time (a server that accepts but does not
    /// answer, or is overloaded).
    #[error("no answer within {} ms (the connect timeout)", .0.as_millis())]
    NoAnswer(Duration),
    /// The runtime that drives the connection could not be started.
    #[error("cannot start the connection's runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// TLS could not be set up (a root certificate file that cannot be read).
    #[cfg(feature = "tls")]
    #[error("{0}")]
    Tls(String),
}

/// An error and what caused it, `: `-separated (the driver's "error performing TLS
/// handshake" says why only in its source).
fn with_causes(e: &Error) -> String {
    let mut out = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let text = c.to_string();
        if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cause = c.source();
    }
    out
}

/// One connection: its runtime, the client half, and the task that runs the socket.
pub(crate) struct BlockingClient {
    runtime: Runtime,
    client: Option<Client>,
    task: Option<JoinHandle<Result<(), Error>>>,
}

impl BlockingClient {
    /// Opens a connection; the TCP connect, authentication and startup together take at
    /// most `within`.
    pub(crate) fn connect(
        config: &Config,
        tls: &TlsSettings,
        within: Duration,
    ) -> Result<Self, ConnectFailure> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(ConnectFailure::Runtime)?;
        // (A timer is made inside the runtime: it needs the runtime's clock.)
        #[cfg(feature = "tls")]
        if let Some(connector) = super::pg_tls::connector(tls).map_err(ConnectFailure::Tls)? {
            let started = runtime
                .block_on(async { tokio::time::timeout(within, config.connect(connector)).await });
            let (client, connection) = started.map_err(|_| ConnectFailure::NoAnswer(within))??;
            let task = runtime.spawn(connection);
            return Ok(BlockingClient {
                runtime,
                client: Some(client),
                task: Some(task),
            });
        }
        #[cfg(not(feature = "tls"))]
        let _ = tls;
        let started =
            runtime.block_on(async { tokio::time::timeout(within, config.connect(NoTls)).await });
        let (client, connection) = started.map_err(|_| ConnectFailure::NoAnswer(within))??;
        let task = runtime.spawn(connection);
        Ok(BlockingClient {
            runtime,
            client: Some(client),
            task: Some(task),
        })
    }

    fn client(&self) -> &Client {
        // Only `Drop` takes the client out.
        match &self.client {
            Some(c) => c,
            None => unreachable!("the client is taken only when the connection is dropped"),
        }
    }

    pub(crate) fn prepare(&mut self, sql: &str) -> Result<Statement, Error> {
        self.runtime.block_on(self.client().prepare(sql))
    }

    pub(crate) fn execute(
        &mut self,
        stmt: &Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64, Error> {
        self.runtime.block_on(self.client().execute(stmt, params))
    }

    pub(crate) fn query(
        &mut self,
        stmt: &Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, Error> {
        self.runtime.block_on(self.client().query(stmt, params))
    }

    /// Runs a query and then statements without parameters (`BEGIN`), sent together: one
    /// round trip for both. The query runs first, whatever the second's fate, and each
    /// answers for itself.
    pub(crate) fn query_then_batch(
        &mut self,
        stmt: &Statement,
        params: &[&(dyn ToSql + Sync)],
        sql: &str,
    ) -> (Result<Vec<Row>, Error>, Result<(), Error>) {
        use std::future::Future;
        use std::task::Poll;
        let client = self.client();
        let mut query = std::pin::pin!(client.query(stmt, params));
        let mut batch = std::pin::pin!(client.batch_execute(sql));
        let (mut rows, mut ran) = (None, None);
        // Both polled until both are done, the query first (a request is sent when its
        // future is first polled: the query goes first).
        self.runtime.block_on(std::future::poll_fn(|cx| {
            if rows.is_none() {
                if let Poll::Ready(r) = query.as_mut().poll(cx) {
                    rows = Some(r);
                }
            }
            if ran.is_none() {
                if let Poll::Ready(r) = batch.as_mut().poll(cx) {
                    ran = Some(r);
                }
            }
            match (rows.take(), ran.take()) {
                (Some(r), Some(b)) => Poll::Ready((r, b)),
                (r, b) => {
                    (rows, ran) = (r, b);
                    Poll::Pending
                }
            }
        }))
    }

    /// Runs statements separated by `;`, with no parameters and no rows.
    pub(crate) fn batch_execute(&mut self, sql: &str) -> Result<(), Error> {
        self.runtime.block_on(self.client().batch_execute(sql))
    }

    /// Whether the connection is known to be closed, without reading the socket.
    pub(crate) fn is_known_closed(&self) -> bool {
        self.client().is_closed()
    }

    /// Whether the connection is closed: the server ended it (a restart, an administrator)
    /// or its socket failed. What arrived on the socket since the last call is read first
    /// (one poll of the socket, no round trip), so that a connection the server has
    /// already ended is known as such before a transaction gets it.
    pub(crate) fn is_closed(&mut self) -> bool {
        if !self.client().is_closed() {
            self.runtime.block_on(async {
                // Twice: the socket's readiness, then the connection task that reads it.
                tokio::task::yield_now().await;
                tokio::task::yield_now().await;
            });
        }
        self.client().is_closed()
    }

    /// Whether the server answers an empty query within `within`.
    pub(crate) fn is_valid(&mut self, within: Duration) -> bool {
        let ping = self.client().simple_query("");
        let answer = self
            .runtime
            .block_on(async { tokio::time::timeout(within, ping).await });
        matches!(answer, Ok(Ok(_)))
    }
}

impl Drop for BlockingClient {
    /// Says goodbye to the server (dropping the client makes the connection task send
    /// `Terminate` and end), waiting for it a moment at most.
    fn drop(&mut self) {
        drop(self.client.take());
        if let Some(task) = self.task.take() {
            let _ = self
                .runtime
                .block_on(async { tokio::time::timeout(Duration::from_secs(1), task).await });
        }
    }
}
