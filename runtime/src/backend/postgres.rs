//! PostgreSQL through `tokio-postgres` (driven by [`super::pg_client`]): statements prepared once per connection and kept
//! in an LRU cache, values bound by the type the server expects, rows read by position.

use std::cell::RefCell;
use std::error::Error as StdError;
use std::num::NonZeroUsize;
use std::time::Duration;

use bytes::BytesMut;
use lru::LruCache;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{FromSql, IsNull, Kind, ToSql, Type};
use tokio_postgres::{Config, Statement};

use super::pg_client::{BlockingClient, ConnectFailure};
use super::pg_numeric::{self, be};
use super::{LiveColumn, Param};
use crate::entity::RowAccess;
use crate::error::ConstraintKind;
use crate::render::{control, Dialect};
use crate::temporal::Temporal;
use crate::value::{Value, ValueRef};
use crate::{Error, Result};

/// How many prepared statements each connection keeps.
const STATEMENT_CACHE: usize = 256;
/// How long opening a connection may take unless the URL says otherwise.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

mod pipelined;

/// An open PostgreSQL connection.
pub(crate) struct PgConn {
    pub(crate) statements: std::cell::Cell<u64>,
    client: RefCell<BlockingClient>,
    prepared: RefCell<LruCache<String, Statement>>,
    /// Inside a write transaction (a failed statement cannot be retried there).
    pub(crate) in_transaction: std::cell::Cell<bool>,
    /// The statement timeout set on the session.
    timeout: std::cell::Cell<Option<Duration>>,
    /// The server refused a statement of the write transaction since
    /// [`PgConn::take_refused`] (which ended the transaction, whatever Colt's error for it
    /// says).
    refused: std::cell::Cell<bool>,
}

/// Whether the server refused a kept prepared statement because a table it reads changed
/// (`ALTER TABLE .. TYPE`: "cached plan must not change result type"): prepared again, it
/// works.
fn is_stale_plan(e: &tokio_postgres::Error) -> bool {
    e.as_db_error().is_some_and(|db| {
        *db.code() == SqlState::FEATURE_NOT_SUPPORTED && db.message().contains("cached plan")
    })
}

/// Whether a parameter could not be encoded as the kept statement's type (prepared before
/// its column was widened: an `i64` past `integer` for a column now `bigint`). Nothing was
/// sent; prepared again, the statement takes the column's type now.
fn is_encoding(e: &tokio_postgres::Error) -> bool {
    e.as_db_error().is_none() && !e.is_closed() && e.to_string().starts_with("error serializing")
}

/// Whether the server no longer has the kept statement (`DEALLOCATE ALL` in raw SQL, a
/// pooler in transaction mode).
fn is_unprepared(e: &tokio_postgres::Error) -> bool {
    e.code() == Some(&SqlState::INVALID_SQL_STATEMENT_NAME)
}

/// Where a server is, for messages.
fn describe(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(tokio_postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!("{host}:{port}")
}

/// A PostgreSQL server to connect to: the driver's configuration, and the TLS settings it
/// cannot hold.
#[derive(Debug, Clone)]
pub(crate) struct PgTarget {
    pub config: Config,
    pub tls: super::pg_tls::TlsSettings,
}

/// A failure to reach a server, naming it.
#[derive(Debug, thiserror::Error)]
#[error("cannot connect to PostgreSQL at {address}: {source}")]
pub struct ConnectError {
    /// `host:port`.
    pub address: String,
    #[source]
    source: ConnectFailure,
}

impl PgConn {
    /// Parses a `postgres://` URL (its `sslmode` and `sslrootcert` as libpq reads them).
    pub(crate) fn config(url: &str) -> Result<PgTarget> {
        let invalid = |reason: String| Error::InvalidUrl {
            url: super::masked_url(url),
            reason,
        };
        let (driver_url, tls) = super::pg_tls::split_url(url).map_err(invalid)?;
        let mut config: Config = driver_url
            .parse()
            .map_err(|e: tokio_postgres::Error| invalid(e.to_string()))?;
        config.ssl_mode(tls.driver_mode());
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        Ok(PgTarget { config, tls })
    }

    pub(crate) fn open(target: &PgTarget) -> Result<Self> {
        let config = &target.config;
        let within = config.get_connect_timeout().copied();
        let within = within.unwrap_or(CONNECT_TIMEOUT);
        let client = BlockingClient::connect(config, &target.tls, within).map_err(|source| {
            Error::backend(ConnectError {
                address: describe(config),
                source,
            })
        })?;
        Ok(PgConn {
            statements: std::cell::Cell::new(0),
            client: RefCell::new(client),
            prepared: RefCell::new(LruCache::new(
                NonZeroUsize::new(STATEMENT_CACHE).unwrap_or(NonZeroUsize::MIN),
            )),
            in_transaction: std::cell::Cell::new(false),
            timeout: std::cell::Cell::new(None),
            refused: std::cell::Cell::new(false),
        })
    }

    /// Not known to be closed (nothing read from the socket).
    pub(crate) fn is_usable(&self) -> bool {
        self.client
            .try_borrow()
            .map(|c| !c.is_known_closed())
            .unwrap_or(false)
    }

    /// Still open once what the server sent meanwhile is read.
    pub(crate) fn is_still_open(&self) -> bool {
        self.client
            .try_borrow_mut()
            .map(|mut c| !c.is_closed())
            .unwrap_or(false)
    }

    /// The prepared statement for `sql` (kept per connection), checked to take `given`
    /// parameters.
    /// Bounds every statement of this connection (`statement_timeout`; `None`: no bound).
    pub(crate) fn set_statement_timeout(&self, timeout: Option<Duration>) -> Result<()> {
        if self.timeout.get() == timeout {
            return Ok(());
        }
        let ms = timeout.map_or(0, |t| t.as_millis().max(1));
        self.execute_batch(&format!("SET statement_timeout = {ms}"))?;
        self.timeout.set(timeout);
        Ok(())
    }

    /// Whether the server still answers (an empty query, bounded by the connect timeout).
    pub(crate) fn is_alive(&self) -> bool {
        self.client.borrow_mut().is_valid(CONNECT_TIMEOUT)
    }

    /// Colt's error for `e`, noting whether the server refused the statement.
    #[cold]
    fn refused(&self, e: tokio_postgres::Error) -> Error {
        if e.as_db_error().is_some() && self.in_transaction.get() {
            self.refused.set(true);
        }
        map_error(e, None)
    }

    /// Whether the server refused a statement since the last call.
    pub(crate) fn take_refused(&self) -> bool {
        self.refused.replace(false)
    }

    fn statement(&self, sql: &str, given: usize) -> Result<Statement> {
        self.statements.set(self.statements.get() + 1);
        let cached = self.prepared.borrow_mut().get(sql).cloned();
        let stmt = match cached {
            Some(s) => s,
            None => {
                let stmt = self
                    .client
                    .borrow_mut()
                    .prepare(sql)
                    .map_err(|e| self.refused(e))?;
                self.prepared
                    .borrow_mut()
                    .put(sql.to_string(), stmt.clone());
                stmt
            }
        };
        if stmt.params().len() != given {
            return Err(Error::ParameterCount {
                expected: stmt.params().len(),
                given,
            });
        }
        Ok(stmt)
    }

    /// What `sql` is (prepared and kept, parameters checked), without running it. Any
    /// statement counts as writing: PostgreSQL does not say.
    pub(crate) fn describe(&self, sql: &str, params: &[Param<'_>]) -> Result<super::Shape> {
        let ran = self.statements.get();
        let stmt = self.statement(sql, params.len());
        self.statements.set(ran);
        Ok(super::Shape {
            read_only: false,
            columns: stmt?.columns().len(),
        })
    }

    pub(crate) fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        super::refuse_unstorable(params)?;
        let binds: Vec<PgParam<'_>> = params.iter().map(|p| PgParam(*p)).collect();
        let refs: Vec<&(dyn ToSql + Sync)> =
            binds.iter().map(|b| b as &(dyn ToSql + Sync)).collect();
        self.with_fresh_plan(sql, params, |client, stmt| client.execute(stmt, &refs))
    }

    /// Runs `run` with the kept statement for `sql`; a statement the server calls stale or
    /// no longer has, or whose parameter types no longer fit the values, is dropped from the
    /// cache and prepared and run again (inside a write transaction only when nothing was
    /// sent: a server error there has ended the transaction). A text the statement's
    /// parameter types cannot hold is refused before it runs ([`refuse_nul`]).
    fn with_fresh_plan<R>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        run: impl Fn(&mut BlockingClient, &Statement) -> Result<R, tokio_postgres::Error>,
    ) -> Result<R> {
        let given = params.len();
        let stmt = self.statement(sql, given)?;
        refuse_nul(params, stmt.params())?;
        let first = run(&mut self.client.borrow_mut(), &stmt);
        match first {
            Err(e) if is_stale_plan(&e) || is_unprepared(&e) || is_encoding(&e) => {
                self.prepared.borrow_mut().pop(sql);
                // A server error ended the write transaction; an encoding error sent nothing.
                if self.in_transaction.get() && !is_encoding(&e) {
                    return Err(self.refused(e));
                }
                let stmt = self.statement(sql, given)?;
                refuse_nul(params, stmt.params())?;
                let again = run(&mut self.client.borrow_mut(), &stmt);
                again.map_err(|e| self.refused(e))
            }
            other => other.map_err(|e| self.refused(e)),
        }
    }

    pub(crate) fn execute_batch(&self, sql: &str) -> Result<()> {
        self.statements.set(self.statements.get() + 1);
        self.client
            .borrow_mut()
            .batch_execute(sql)
            .map_err(|e| self.refused(e))
    }

    /// Runs an `INSERT .. RETURNING key` (when `auto`) and returns the key.
    pub(crate) fn insert(
        &self,
        sql: &str,
        params: &[Param<'_>],
        auto: bool,
    ) -> Result<(u64, Option<i64>)> {
        if !auto {
            return Ok((self.execute(sql, params)?, None));
        }
        let (mut rows, mut key) = (0, None);
        self.query(sql, params, |row| {
            rows += 1;
            if let ValueRef::Int(i) = row.value(0)? {
                key = Some(i);
            }
            Ok(true)
        })?;
        Ok((rows, key))
    }

    pub(crate) fn query<F>(&self, sql: &str, params: &[Param<'_>], mut f: F) -> Result<()>
    where
        F: FnMut(&PgRow<'_>) -> Result<bool>,
    {
        for row in &self.fetch(sql, params)? {
            if !f(&PgRow(row))? {
                break;
            }
        }
        Ok(())
    }

    /// Runs a query and returns its rows, all read (the driver reads them before the first
    /// is handed out, so their number is known before they are decoded).
    pub(crate) fn fetch(
        &self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<tokio_postgres::Row>> {
        super::refuse_unstorable(params)?;
        let binds: Vec<PgParam<'_>> = params.iter().map(|p| PgParam(*p)).collect();
        let refs: Vec<&(dyn ToSql + Sync)> =
            binds.iter().map(|b| b as &(dyn ToSql + Sync)).collect();
        self.with_fresh_plan(sql, params, |client, stmt| client.query(stmt, &refs))
    }

    pub(crate) fn table_columns(&self, table: &str) -> Result<Option<Vec<LiveColumn>>> {
        let sql = control::table_columns(Dialect::Postgres);
        // (The catalogue holds a long name cut as PostgreSQL's statements cut it.)
        let owned = Value::Text(crate::table_keys::pg_name(table).to_string());
        let mut cols = Vec::new();
        self.query(sql, &[Param::Owned(&owned)], |row| {
            let text = |i| match row.value(i) {
                Ok(ValueRef::Text(t)) => String::from_utf8_lossy(t).into_owned(),
                _ => String::new(),
            };
            let flag = |i| matches!(row.value(i), Ok(ValueRef::Int(1)));
            cols.push(LiveColumn {
                name: text(0),
                ty: text(1),
                not_null: flag(2),
                primary_key: flag(3),
                has_default: flag(4),
                collation: Some(text(5)).filter(|c| !c.is_empty()),
                rowid: false,
                scaled: flag(6),
                view: flag(7),
            });
            Ok(true)
        })?;
        Ok((!cols.is_empty()).then_some(cols))
    }
}

/// Hands `rows` (all read) to `sink`, told first how many come, for as long as it wants
/// more; returns how many it took.
pub(crate) fn feed<S: super::RowSink>(rows: &[tokio_postgres::Row], sink: &mut S) -> Result<u64> {
    sink.expect_rows(rows.len());
    let mut fed = 0;
    for row in rows {
        fed += 1;
        sink.row(&PgRow(row))?;
        if !sink.wants_more() {
            break;
        }
    }
    Ok(fed)
}

/// A row being read.
pub(crate) struct PgRow<'a>(&'a tokio_postgres::Row);

/// A column's bytes as the server sent them (binary format); its type is the row's column's.
struct Raw<'a>(&'a [u8]);

impl<'a> FromSql<'a> for Raw<'a> {
    #[inline]
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        Ok(Raw(raw))
    }
    #[inline]
    fn accepts(_: &Type) -> bool {
        true
    }
}

impl RowAccess for PgRow<'_> {
    // The column's type is the row's, by reference (a `Type` cloned per value, as the driver
    // hands it to `from_sql`, cost a clone and a drop of an enum with an `Arc` in it).
    // Whether the driver's `try_get` is inlined here depends on the crate's code-generation
    // units: see the workspace's `Cargo.toml`.
    fn value(&self, idx: usize) -> Result<ValueRef<'_>> {
        let raw: Option<Raw<'_>> = self.0.try_get(idx).map_err(|e| map_error(e, None))?;
        let Some(Raw(bytes)) = raw else {
            return Ok(ValueRef::Null);
        };
        // (`idx` is in range: `try_get` found the column.)
        let ty = self.0.columns()[idx].type_();
        // The commonest types here, without the frame of `decode`'s error paths (a value's
        // decode cost about 18 instructions more through it).
        Ok(match (ty, bytes.len()) {
            (&Type::INT8, 8) => ValueRef::Int(i64::from_be_bytes(be(bytes).unwrap_or_default())),
            (&Type::INT4, 4) => {
                ValueRef::Int(i32::from_be_bytes(be(bytes).unwrap_or_default()).into())
            }
            (&Type::TEXT | &Type::VARCHAR, _) => ValueRef::Text(bytes),
            _ => return decode(ty, bytes, idx),
        })
    }
}

/// The value of a column of type `ty` sent as `bytes` (binary format).
#[inline(never)]
fn decode<'a>(ty: &Type, bytes: &'a [u8], idx: usize) -> Result<ValueRef<'a>> {
    let bad = || Error::Decode {
        column: format!("#{idx}"),
        expected: "a value Colt can read".to_string(),
        found: format!("{} value of {} bytes", ty.name(), bytes.len()),
    };
    let v = match *ty {
        Type::BOOL => ValueRef::Int(i64::from(bytes.first().is_some_and(|b| *b != 0))),
        Type::INT2 => ValueRef::Int(i16::from_be_bytes(be(bytes).ok_or_else(bad)?).into()),
        Type::INT4 => ValueRef::Int(i32::from_be_bytes(be(bytes).ok_or_else(bad)?).into()),
        Type::OID => ValueRef::Int(u32::from_be_bytes(be(bytes).ok_or_else(bad)?).into()),
        Type::INT8 => ValueRef::Int(i64::from_be_bytes(be(bytes).ok_or_else(bad)?)),
        Type::FLOAT4 => ValueRef::Real(f32::from_be_bytes(be(bytes).ok_or_else(bad)?).into()),
        Type::FLOAT8 => ValueRef::Real(f64::from_be_bytes(be(bytes).ok_or_else(bad)?)),
        Type::NUMERIC => pg_numeric::decode(bytes).ok_or_else(bad)?,
        Type::BYTEA | Type::UUID => ValueRef::Blob(bytes),
        Type::DATE => {
            let d = i32::from_be_bytes(be(bytes).ok_or_else(bad)?);
            // (PostgreSQL's `infinity` dates have no Rust value.)
            let d = d.checked_add(PG_EPOCH_DAYS).ok_or_else(bad)?;
            ValueRef::Time(Temporal::Date(d))
        }
        Type::TIME => ValueRef::Time(Temporal::Time(i64::from_be_bytes(
            be(bytes).ok_or_else(bad)?,
        ))),
        Type::TIMESTAMP | Type::TIMESTAMPTZ => {
            let us = i64::from_be_bytes(be(bytes).ok_or_else(bad)?);
            let us = us.checked_add(PG_EPOCH_MICROS).ok_or_else(bad)?;
            ValueRef::Time(if *ty == Type::TIMESTAMP {
                Temporal::Timestamp(us)
            } else {
                Temporal::TimestampTz(us)
            })
        }
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN | Type::JSON => {
            ValueRef::Text(bytes)
        }
        // A version byte (1), then the text.
        Type::JSONB => match bytes.split_first() {
            Some((1, text)) => ValueRef::Text(text),
            _ => return Err(bad()),
        },
        // An enum's label, `citext`: the text itself (as they are written).
        _ if takes_text(ty) => ValueRef::Text(bytes),
        _ => return Err(bad()),
    };
    Ok(v)
}

/// A parameter encoded as the type the server inferred for its placeholder.
#[derive(Debug)]
struct PgParam<'a>(Param<'a>);

/// Whether the server's binary form of `ty` is the text's bytes: text types, `json`, an
/// enum's label, `citext`, and domains over them.
fn takes_text(ty: &Type) -> bool {
    match *ty {
        Type::TEXT
        | Type::VARCHAR
        | Type::BPCHAR
        | Type::NAME
        | Type::CHAR
        | Type::UNKNOWN
        | Type::JSON
        | Type::XML => true,
        _ => match ty.kind() {
            Kind::Enum(_) => true,
            Kind::Domain(inner) => takes_text(inner),
            _ => ty.name() == "citext",
        },
    }
}

/// Whether the server's binary form of `ty` is the bytes themselves: `bytea`, `uuid` (its
/// 16 bytes), and domains over them.
fn takes_bytes(ty: &Type) -> bool {
    match *ty {
        Type::BYTEA | Type::UUID | Type::UNKNOWN => true,
        _ => matches!(ty.kind(), Kind::Domain(inner) if takes_bytes(inner)),
    }
}

fn mismatch(v: &str, ty: &Type) -> Box<dyn StdError + Sync + Send> {
    format!("cannot send {v} as a PostgreSQL {}", ty.name()).into()
}

fn encode(
    v: ValueRef<'_>,
    ty: &Type,
    out: &mut BytesMut,
) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
    // A domain's binary form is its base type's (a `quantity` over `integer`, a `money`
    // amount over `numeric`): the server types a parameter written to its column as the
    // domain.
    if let Kind::Domain(base) = ty.kind() {
        return encode(v, base, out);
    }
    match v {
        ValueRef::Null => Ok(IsNull::Yes),
        ValueRef::Int(i) => match *ty {
            Type::BOOL => (i != 0).to_sql(ty, out),
            Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
            Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
            Type::INT8 => i.to_sql(ty, out),
            Type::OID => u32::try_from(i)?.to_sql(ty, out),
            Type::FLOAT4 => (i as f32).to_sql(ty, out),
            Type::FLOAT8 => (i as f64).to_sql(ty, out),
            Type::NUMERIC => {
                out.extend_from_slice(&pg_numeric::encode_int(i));
                Ok(IsNull::No)
            }
            Type::TEXT | Type::VARCHAR | Type::UNKNOWN => i.to_string().to_sql(ty, out),
            _ => Err(mismatch("an integer", ty)),
        },
        ValueRef::Real(f) => match *ty {
            // The server compares a `real` column with a `real` parameter: a value that
            // `real` cannot hold exactly would be rounded, and the comparison would not be
            // Rust's (`f64::from(x) > v`). Refused rather than rounded.
            Type::FLOAT4 if f64::from(f as f32) != f && !f.is_nan() && f.is_finite() => {
                Err(format!(
                    "the value {f} has no exact PostgreSQL `real` (f32) equivalent: the column is `real`, so it would be stored or compared rounded; compare an f32 attribute with an f32 value, and map a `real` column to an `f32` field (or make the column `double precision`)"
                )
                .into())
            }
            Type::FLOAT4 => (f as f32).to_sql(ty, out),
            Type::FLOAT8 => f.to_sql(ty, out),
            // NaN is no number to compare or store (SQLite refuses it too; as a `numeric`,
            // PostgreSQL would sort it above every number).
            Type::NUMERIC if f.is_nan() => {
                Err("NaN cannot be sent as a PostgreSQL numeric: it is no number".into())
            }
            // Its shortest decimal text: `19.99_f64` is stored as `19.99`.
            Type::NUMERIC => {
                out.extend_from_slice(&pg_numeric::encode_float(f));
                Ok(IsNull::No)
            }
            Type::TEXT | Type::VARCHAR | Type::UNKNOWN => f.to_string().to_sql(ty, out),
            _ => Err(mismatch("a float", ty)),
        },
        ValueRef::Text(t) => {
            let s = std::str::from_utf8(t)?;
            match *ty {
                Type::BYTEA => t.to_sql(ty, out),
                // jsonb's binary form: a version byte, then the text.
                Type::JSONB => {
                    out.extend_from_slice(&[1]);
                    out.extend_from_slice(t);
                    Ok(IsNull::No)
                }
                // Sent as text only where the server reads text: its bytes bound to an
                // `integer` or a `boolean` would be read as that type's binary form.
                _ if takes_text(ty) => s.to_sql(&Type::TEXT, out),
                _ => Err(mismatch("a text", ty)),
            }
        }
        ValueRef::Blob(b) if takes_bytes(ty) => b.to_sql(&Type::BYTEA, out),
        ValueRef::Blob(_) => Err(mismatch("bytes", ty)),
        ValueRef::Time(t) => encode_temporal(t, ty, out),
        ValueRef::Json(j) => {
            let text = j.json_text()?;
            encode(ValueRef::Text(text.as_bytes()), ty, out)
        }
        ValueRef::Decimal(d) => match *ty {
            Type::NUMERIC => {
                out.extend_from_slice(&pg_numeric::encode_exact(d));
                Ok(IsNull::No)
            }
            Type::INT2 | Type::INT4 | Type::INT8 => match d.to_i64() {
                Some(i) => encode(ValueRef::Int(i), ty, out),
                None => Err(format!(
                    "the decimal {d} has a fraction and the server expected an integer"
                )
                .into()),
            },
            // Only a decimal a float holds (by its shortest text): another would be rounded
            // and compare otherwise than it reads.
            Type::FLOAT8 | Type::FLOAT4 => match d.to_f64_exact() {
                Some(f) => encode(ValueRef::Real(f), ty, out),
                None => Err(format!(
                    "the decimal {d} has no exact f64: it cannot be compared with a float attribute"
                )
                .into()),
            },
            Type::TEXT | Type::VARCHAR | Type::UNKNOWN => d.to_string().to_sql(ty, out),
            _ => Err(mismatch("a decimal", ty)),
        },
    }
}

/// PostgreSQL counts dates and times from 2000-01-01; Colt from 1970-01-01.
const PG_EPOCH_DAYS: i32 = 10_957;
const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;

/// A date or time in PostgreSQL's binary form for a parameter of type `ty`.
fn encode_temporal(
    t: Temporal,
    ty: &Type,
    out: &mut BytesMut,
) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
    match (t, ty) {
        (Temporal::Date(d), &Type::DATE) => {
            let d = d.checked_sub(PG_EPOCH_DAYS).ok_or("date out of range")?;
            out.extend_from_slice(&d.to_be_bytes());
        }
        (Temporal::Time(us), &Type::TIME) => out.extend_from_slice(&us.to_be_bytes()),
        (Temporal::Timestamp(us), &Type::TIMESTAMP)
        | (Temporal::TimestampTz(us), &Type::TIMESTAMPTZ) => {
            let us = us
                .checked_sub(PG_EPOCH_MICROS)
                .ok_or("date-time out of range")?;
            out.extend_from_slice(&us.to_be_bytes());
        }
        // (An instant sent as text for the server to read says its zone, or the server
        // would read it in the session's.)
        (Temporal::TimestampTz(_), &Type::UNKNOWN) => {
            return format!("{}+00:00", t.to_iso()).to_sql(&Type::TEXT, out);
        }
        (_, &Type::TEXT | &Type::VARCHAR | &Type::UNKNOWN) => {
            return t.to_iso().to_sql(&Type::TEXT, out);
        }
        _ => return Err(mismatch("a date or time of another kind", ty)),
    }
    Ok(IsNull::No)
}

fn encode_list(
    items: &[Value],
    ty: &Type,
    out: &mut BytesMut,
) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
    let Kind::Array(elem) = ty.kind() else {
        return Err(mismatch("a list", ty));
    };
    // A value of another numeric kind that no item of the column's type can equal (`2.5` in
    // a list tested against an integer column) is left out: it would never match.
    let ints = || {
        items
            .iter()
            .filter_map(|v| match v {
                Value::Int(i) => Some(Ok(Some(*i))),
                Value::Decimal(d) => d.to_i64().map(|i| Ok(Some(i))),
                Value::Real(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(Ok(Some(*f as i64))),
                Value::Real(_) => None,
                Value::Null => Some(Ok(None)),
                _ => Some(Err(mismatch("a list of mixed values", ty))),
            })
            .collect::<Result<Vec<Option<i64>>, _>>()
    };
    match *elem {
        Type::INT8 => ints()?.to_sql(ty, out),
        // (A value past the column's type equals none of its values: left out, as SQLite,
        // comparing by value, finds it nowhere.)
        Type::INT4 => ints()?
            .into_iter()
            .filter_map(|v| v.map_or(Some(None), |i| i32::try_from(i).ok().map(Some)))
            .collect::<Vec<_>>()
            .to_sql(ty, out),
        Type::INT2 => ints()?
            .into_iter()
            .filter_map(|v| v.map_or(Some(None), |i| i16::try_from(i).ok().map(Some)))
            .collect::<Vec<_>>()
            .to_sql(ty, out),
        Type::BOOL => ints()?
            .into_iter()
            .map(|v| v.map(|i| i != 0))
            .collect::<Vec<_>>()
            .to_sql(ty, out),
        Type::FLOAT8 | Type::FLOAT4 => items
            .iter()
            .map(|v| match v {
                Value::Real(f) => Ok(Some(*f)),
                Value::Int(i) => Ok(Some(*i as f64)),
                // (As a comparison with one does, and SQLite: refused, not rounded.)
                Value::Decimal(d) => d.to_f64_exact().map(Some).ok_or_else(|| {
                    format!(
                        "the decimal {d} has no exact f64: it cannot be compared with a float attribute"
                    )
                    .into()
                }),
                Value::Null => Ok(None),
                _ => Err(mismatch("a list of mixed values", ty)),
            })
            .collect::<Result<Vec<Option<f64>>, _>>()
            .and_then(|values| {
                if *elem == Type::FLOAT4 {
                    // A `real` column's list (its f64 values were rounded to f32 already).
                    let narrow: Vec<Option<f32>> =
                        values.into_iter().map(|v| v.map(|f| f as f32)).collect();
                    narrow.to_sql(&Type::FLOAT4_ARRAY, out)
                } else {
                    values.to_sql(&Type::FLOAT8_ARRAY, out)
                }
            }),
        Type::NUMERIC => items
            .iter()
            .map(|v| match v {
                Value::Decimal(d) => Ok(Some(PgParam(Param::Borrowed(ValueRef::Decimal(*d))))),
                Value::Int(i) => Ok(Some(PgParam(Param::Borrowed(ValueRef::Int(*i))))),
                Value::Real(f) => Ok(Some(PgParam(Param::Borrowed(ValueRef::Real(*f))))),
                Value::Null => Ok(None),
                _ => Err(mismatch("a list of mixed values", ty)),
            })
            .collect::<Result<Vec<Option<PgParam<'_>>>, _>>()?
            .to_sql(ty, out),
        Type::JSONB => items
            .iter()
            .map(|v| match v {
                Value::Text(t) => Ok(Some(PgParam(Param::Borrowed(ValueRef::Text(t.as_bytes()))))),
                Value::Null => Ok(None),
                _ => Err(mismatch("a list of mixed values", ty)),
            })
            .collect::<Result<Vec<Option<PgParam<'_>>>, _>>()?
            .to_sql(ty, out),
        // Dates and times, each encoded as a single one is (a text value is parsed there).
        Type::DATE | Type::TIME | Type::TIMESTAMP | Type::TIMESTAMPTZ => items
            .iter()
            .map(|v| match v {
                Value::Time(t) => Ok(Some(PgParam(Param::Borrowed(ValueRef::Time(*t))))),
                Value::Text(t) => Ok(Some(PgParam(Param::Borrowed(ValueRef::Text(t.as_bytes()))))),
                Value::Null => Ok(None),
                _ => Err(mismatch("a list of mixed values", ty)),
            })
            .collect::<Result<Vec<Option<PgParam<'_>>>, _>>()?
            .to_sql(ty, out),
        // (A UUID's binary form is its 16 bytes, as a BLOB's is its bytes.)
        Type::BYTEA | Type::UUID => items
            .iter()
            .map(|v| match v {
                Value::Blob(b) => Ok(Some(b.as_slice())),
                Value::Null => Ok(None),
                _ => Err(mismatch("a list of mixed values", ty)),
            })
            .collect::<Result<Vec<Option<&[u8]>>, _>>()?
            .to_sql(ty, out),
        _ => items
            .iter()
            .map(|v| match v {
                Value::Text(s) => Ok(Some(s.as_str())),
                Value::Null => Ok(None),
                _ => Err(mismatch("a list of mixed values", ty)),
            })
            .collect::<Result<Vec<Option<&str>>, _>>()?
            .to_sql(&Type::TEXT_ARRAY, out),
    }
}

impl ToSql for PgParam<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match self.0 {
            Param::Owned(Value::List(items)) => encode_list(items, ty, out),
            Param::Owned(v) => encode(v.as_ref(), ty, out),
            Param::Borrowed(v) => encode(v, ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    tokio_postgres::types::to_sql_checked!();
}

/// Refuses, before a statement runs, a text its parameter's type cannot hold: a NUL
/// character in text (`text`, `varchar`, a `char(n)`, ..; bytes may hold one) or, in `jsonb`,
/// a `\u0000` escape. The server would refuse the statement and end the transaction, where a
/// typed error leaves it going (SQLite stores such a text as it is).
fn refuse_nul(params: &[Param<'_>], types: &[Type]) -> Result<()> {
    let refused = || Error::NotStorable {
        value: "a text holding a NUL character (`\\0`)",
        reason: "PostgreSQL's text cannot hold it",
    };
    let bad_text = |t: &[u8], ty: &Type| match *ty {
        Type::BYTEA => false,
        Type::JSONB => t.contains(&0) || has_nul_escape(t),
        _ => t.contains(&0),
    };
    for (p, ty) in params.iter().zip(types) {
        let bad = match p {
            Param::Owned(Value::List(items)) => {
                let element = match ty.kind() {
                    Kind::Array(element) => element,
                    _ => ty,
                };
                items
                    .iter()
                    .any(|v| matches!(v, Value::Text(t) if bad_text(t.as_bytes(), element)))
            }
            Param::Owned(v) => is_bad(v.as_ref(), ty, &bad_text),
            Param::Borrowed(v) => is_bad(*v, ty, &bad_text),
        };
        if bad {
            return Err(refused());
        }
    }
    Ok(())
}

/// Whether the value `v`, bound to a parameter of type `ty`, is a text `bad_text` refuses.
fn is_bad(v: ValueRef<'_>, ty: &Type, bad_text: &impl Fn(&[u8], &Type) -> bool) -> bool {
    match v {
        ValueRef::Text(t) => bad_text(t, ty),
        ValueRef::Json(j) if *ty == Type::JSONB => j
            .json_text()
            .is_ok_and(|text| has_nul_escape(text.as_bytes())),
        _ => false,
    }
}

/// Whether JSON text holds a `\u0000` escape (an odd run of backslashes before `u0000`).
fn has_nul_escape(json: &[u8]) -> bool {
    json.windows(5).enumerate().any(|(i, w)| {
        w == b"u0000" && json[..i].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
    })
}

/// Turns a `postgres` error into Colt's.
pub(crate) fn map_error(e: tokio_postgres::Error, table: Option<&str>) -> Error {
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        let kind = if *code == SqlState::UNIQUE_VIOLATION {
            Some(ConstraintKind::Unique)
        } else if *code == SqlState::FOREIGN_KEY_VIOLATION {
            Some(ConstraintKind::ForeignKey)
        } else if *code == SqlState::NOT_NULL_VIOLATION {
            Some(ConstraintKind::NotNull)
        } else if *code == SqlState::CHECK_VIOLATION {
            Some(ConstraintKind::Check)
        } else if *code == SqlState::EXCLUSION_VIOLATION {
            Some(ConstraintKind::Exclusion)
        } else {
            None
        };
        if let Some(kind) = kind {
            // "Key (name)=(Books) already exists.": a column of the table written. But a row
            // deleted while others refer to it is "Key (id)=(1) is still referenced from
            // table "product"": the deleted row's key, not a column of the referring table
            // the error names.
            let referenced = db
                .detail()
                .is_some_and(|d| d.contains(" is still referenced from table "));
            let column = db.column().map(str::to_string).or_else(|| {
                db.detail()
                    .filter(|_| !referenced)
                    .and_then(|d| d.strip_prefix("Key ("))
                    .and_then(|d| d.split_once(')'))
                    .map(|(c, _)| c.to_string())
            });
            return Error::Constraint {
                kind,
                table: db.table().or(table).unwrap_or("").to_string(),
                column,
                message: db.message().to_string(),
            };
        }
        if *code == SqlState::LOCK_NOT_AVAILABLE {
            return Error::LockNotAvailable(db.message().to_string());
        }
        if *code == SqlState::DIVISION_BY_ZERO {
            return Error::DivisionByZero;
        }
        // A `like` pattern (a column's: a parameter is checked before the statement runs)
        // ending in a lone `\`, as on SQLite.
        if *code == SqlState::INVALID_ESCAPE_SEQUENCE && db.message().starts_with("LIKE pattern") {
            return Error::InvalidQuery(crate::like::BAD_PATTERN.to_string());
        }
        if *code == SqlState::NUMERIC_VALUE_OUT_OF_RANGE {
            return Error::OutOfRange(db.message().to_string());
        }
        if *code == SqlState::QUERY_CANCELED {
            return Error::StatementTimeout;
        }
        if *code == SqlState::DISK_FULL {
            return Error::StorageFull(db.message().to_string());
        }
        if *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED
        {
            return Error::SerializationFailure(db.message().to_string());
        }
        let mut message = format!("{} (SQLSTATE {})", db.message(), code.code());
        if let Some(detail) = db.detail() {
            message.push_str(": ");
            message.push_str(detail);
        }
        return Error::backend(ServerError { message, source: e });
    }
    // "error serializing parameter 0" alone hides the cause: name it.
    match std::error::Error::source(&e) {
        Some(cause) => {
            let message = format!("{e}: {cause}");
            Error::backend(ServerError { message, source: e })
        }
        None => Error::backend(e),
    }
}

/// An error of the server (or of the driver), with the message PostgreSQL gave.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ServerError {
    message: String,
    #[source]
    source: tokio_postgres::Error,
}
