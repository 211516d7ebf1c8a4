//! `Database`: a URL, a small pool of connections, and the bound schema.

use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Duration;

use crate::backend::{self, Target};
use crate::entity::{EntityMeta, Schema};
use crate::options::{ConnectOptions, DatabaseBuilder};
use crate::pool::Pool;
use crate::render::{create_link_sql, link_tables, tables_sql, Dialect};
use crate::table_checks;
use crate::table_keys::same_table_name;
use crate::transaction::Transaction;
use crate::types::ColumnType;
use crate::{Error, Result};

/// A database: where it lives, its connections, and the entities bound to it.
///
/// `Database` is `Send + Sync` and cheap to clone (clones share the pool); each thread runs
/// its own transactions. An in-memory SQLite database has exactly one connection, so its
/// transactions run one at a time.
///
/// ```
/// use colt_runtime::{Database, Result};
/// # fn main() -> Result<()> {
/// let db = Database::open("sqlite::memory:")?;
/// let n: Vec<(i64,)> = db.transaction(|tx| tx.query_sql("SELECT 1 + 1", &[]))?;
/// assert_eq!(n, vec![(2,)]);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Database {
    pub(crate) inner: Arc<DbInner>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("url", &self.inner.url)
            .finish_non_exhaustive()
    }
}

pub(crate) struct DbInner {
    pub(crate) url: String,
    pub(crate) target: Target,
    /// What each new connection is opened with.
    pub(crate) connect: ConnectOptions,
    pub(crate) dialect: Dialect,
    pub(crate) pool: Mutex<Pool>,
    pub(crate) available: Condvar,
    pub(crate) schema: RwLock<Schema>,
}

impl Database {
    /// Opens a database.
    ///
    /// - `sqlite::memory:`: a private in-memory SQLite database;
    /// - `sqlite:PATH` (relative) or `sqlite:///abs/path.db`: an existing SQLite file;
    ///   `sqlite:PATH?mode=rwc` creates it if missing, `?mode=ro` opens it read-only (SQLite's
    ///   URI names, as SQLx spells them); also `busy_timeout=MS`, `journal_mode=wal`,
    ///   `synchronous=normal` and `foreign_keys=off` (each one a
    ///   [`DatabaseBuilder`] option, which wins over the URL);
    /// - `postgres://user:password@host:port/database` (also `postgresql://`), with the
    ///   driver's parameters (`?connect_timeout=5`, `?application_name=shop`,
    ///   `?options=..`).
    ///
    /// # Errors
    /// [`Error::InvalidUrl`] for a URL Colt cannot read; [`Error::NoSuchDatabase`] for a
    /// SQLite file that does not exist (unless created); [`Error::Backend`] when the database
    /// cannot be opened (for instance a file that is not a SQLite database).
    pub fn open(url: &str) -> Result<Database> {
        Database::builder(url).open()
    }

    /// Options for opening a database (pool size, timeouts, SQLite's journal mode), then
    /// [`DatabaseBuilder::open`].
    ///
    /// ```
    /// # use colt_runtime::*;
    /// # fn main() -> Result<()> {
    /// let db = Database::builder("sqlite::memory:")
    ///     .statement_timeout(std::time::Duration::from_secs(10))
    ///     .open()?;
    /// assert!(matches!(
    ///     Database::builder("sqlite::memory:").max_connections(2).open(),
    ///     Err(Error::InvalidOption { option: "max_connections", .. })
    /// ));
    /// # Ok(()) }
    /// ```
    pub fn builder(url: &str) -> DatabaseBuilder {
        DatabaseBuilder::new(url)
    }

    pub(crate) fn open_with(options: DatabaseBuilder) -> Result<Database> {
        let url = &options.url;
        let mut target = Target::parse(url)?;
        let max = match (options.max_connections, target.max_connections()) {
            (Some(n), 1) if n > 1 => {
                return Err(Error::InvalidOption {
                    option: "max_connections",
                    reason: format!(
                        "an in-memory SQLite database has one connection (asked for {n}): \
                         every connection to `:memory:` is a database of its own"
                    ),
                })
            }
            (Some(n), _) => n,
            (None, default) => default,
        };
        if options.create_if_missing {
            target.create_if_missing();
        }
        if target.is_memory() {
            for (option, set) in [
                ("max_lifetime", options.max_lifetime),
                ("idle_timeout", options.idle_timeout),
            ] {
                if set.is_some() {
                    return Err(Error::InvalidOption {
                        option,
                        reason: "an in-memory SQLite database lives in its one connection: closing it would lose the database".to_string(),
                    });
                }
            }
        }
        let connect = options.connect.over(backend::url_options(url)?);
        if let Some(t) = connect.connect_timeout {
            target.set_connect_timeout(t);
        }
        if let Some(name) = &connect.application_name {
            target.set_application_name(name);
        }
        let first = backend::open(&target, &connect)?;
        let dialect = first.dialect();
        Ok(Database {
            inner: Arc::new(DbInner {
                url: backend::masked_url(url),
                target,
                connect,
                dialect,
                pool: Mutex::new(Pool {
                    idle: vec![(Box::new(first), None)],
                    open: 1,
                    max,
                    acquire_timeout: options.acquire_timeout,
                    statement_timeout: options.statement_timeout,
                    waiting: 0,
                    max_lifetime: options.max_lifetime,
                    idle_timeout: options.idle_timeout,
                }),
                available: Condvar::new(),
                schema: RwLock::new(Schema::default()),
            }),
        })
    }

    /// How long beginning a transaction waits for a free connection when every one is in
    /// use (30 s unless set), before [`Error::PoolTimeout`].
    ///
    /// ```
    /// # use colt_runtime::*;
    /// # fn main() -> Result<()> {
    /// let db = Database::open("sqlite::memory:")?;
    /// db.set_acquire_timeout(std::time::Duration::from_millis(50));
    /// let busy = db.begin()?; // an in-memory database has one connection
    /// assert!(matches!(db.begin(), Err(Error::PoolTimeout { .. })));
    /// # drop(busy); Ok(()) }
    /// ```
    pub fn set_acquire_timeout(&self, timeout: Duration) {
        let mut pool = self.inner.pool.lock().unwrap_or_else(|e| e.into_inner());
        pool.acquire_timeout = timeout;
    }

    /// Bounds every statement Colt runs on this database (`None`, the default: no bound). A
    /// statement that runs longer is stopped and is [`Error::StatementTimeout`] (SQLite:
    /// interrupted by a progress check every 1 000 steps; PostgreSQL: `statement_timeout`).
    /// Applies to transactions begun after the call.
    ///
    /// ```
    /// # use colt_runtime::*;
    /// # fn main() -> Result<()> {
    /// let db = Database::open("sqlite::memory:")?;
    /// db.set_statement_timeout(Some(std::time::Duration::from_millis(100)));
    /// let endless = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) \
    ///                SELECT count(*) FROM n";
    /// let r = db.transaction(|tx| tx.query_sql::<i64>(endless, &[]));
    /// assert!(matches!(r, Err(Error::StatementTimeout)));
    /// # Ok(()) }
    /// ```
    pub fn set_statement_timeout(&self, timeout: Option<Duration>) {
        let mut pool = self.inner.pool.lock().unwrap_or_else(|e| e.into_inner());
        pool.statement_timeout = timeout;
    }

    /// The SQL dialect of this database.
    pub fn dialect(&self) -> Dialect {
        self.inner.dialect
    }

    /// Binds entities to this database (`db.bind(schema![Category, Product])`).
    ///
    /// # Errors
    /// [`Error::SchemaMismatch`] when two entities share a table name (also with an entity
    /// bound before, or with a many-to-many's link table), or a relationship cannot be paired.
    pub fn bind(&self, schema: Schema) -> Result<()> {
        let mut seen: Vec<&'static EntityMeta> = Vec::new();
        for e in schema.entities {
            if !seen.iter().any(|o| std::ptr::eq(*o, e)) {
                seen.push(e);
            }
        }
        let mut bound = self.inner.schema.write().unwrap_or_else(|e| e.into_inner());
        let mut all: Vec<&'static EntityMeta> = bound.entities.clone();
        for e in &seen {
            if !all.iter().any(|b| std::ptr::eq(*b, *e)) {
                all.push(e);
            }
        }
        let mut problems = shared_tables(&all, bound.entities.len());
        for e in &seen {
            // Two fields on one column (`line_no` beside `line: Ref<Line>`, whose columns are
            // `line_order` and `line_no`) would write each other's values.
            for (i, c) in e.columns.iter().enumerate() {
                if let Some(other) = e.columns[..i]
                    .iter()
                    .find(|o| o.name.eq_ignore_ascii_case(c.name) && o.field != c.field)
                {
                    problems.push(format!(
                        "`{}.{}` and `{}.{}` both map to the column `{}`: rename one (`#[colt(column = \"..\")]`, or `columns(..)` on a reference)",
                        e.name, other.field, e.name, c.field, c.name
                    ));
                }
            }
            for rel in e.relations {
                let target = (rel.target)();
                if !all.iter().any(|b| std::ptr::eq(*b, target)) {
                    problems.push(format!(
                        "`{}.{}` refers to `{}`, which is not bound: add it to `schema![..]`",
                        e.name, rel.field, target.name
                    ));
                    continue;
                }
                match crate::pairing::partner(e, rel) {
                    Err(p) => problems.push(p),
                    // The side of a one-to-one without a column joins on the other side's
                    // one column.
                    Ok(crate::pairing::Partner::OneToOne { .. })
                        if target.primary_key.len() != 1 || e.primary_key.len() != 1 =>
                    {
                        problems.push(format!(
                            "`{}.{}` is a one-to-one between `{}` and `{}`, and one of them has a primary key of several columns: one-to-one with composite keys is not supported yet (a `Set` on the other side makes it a one-to-many, which is)",
                            e.name, rel.field, e.name, target.name
                        ));
                    }
                    // A join table holds one column per side: a key of several columns
                    // would be cut to its first (and name rows of other objects).
                    Ok(crate::pairing::Partner::Set { relation })
                        if rel.kind == crate::pairing::RelKind::Set =>
                    {
                        let other = target.relations.get(relation).map(|r| r.link);
                        if let Some(clash) = other.and_then(|o| rel.link.clash(o)) {
                            problems.push(format!(
                                "the two sides of the many-to-many `{}.{}` name its link table differently: {clash}",
                                e.name, rel.field
                            ));
                        }
                        if e.primary_key.len() != 1 || target.primary_key.len() != 1 {
                            problems.push(format!(
                                "`{}.{}` is a many-to-many between `{}` and `{}`, and one of them has a primary key of several columns: many-to-many with composite keys is not supported yet",
                                e.name, rel.field, e.name, target.name
                            ));
                        }
                        // (Deleting an owner deletes its links; its members may be other
                        // owners' members too. PonyORM refuses it as well.)
                        if rel.cascade_delete {
                            problems.push(format!(
                                "`{}.{}` is a many-to-many, where `cascade_delete` would be ignored (deleting a `{}` deletes its links, not the `{}` objects, which other `{}` objects may hold): remove it, or delete the members yourself",
                                e.name, rel.field, e.name, target.name, e.name
                            ));
                        }
                    }
                    Ok(_) if rel.link.is_given() => problems.push(format!(
                        "`{}.{}` names a link table, but it pairs with a reference of `{}`: `table`, `column` and `reverse_column` on a `Set` name the link table of a many-to-many (two `Set`s)",
                        e.name, rel.field, target.name
                    )),
                    Ok(_) => {}
                }
            }
        }
        if problems.is_empty() {
            problems.extend(shared_link_tables(&all));
        }
        if self.inner.dialect == Dialect::Postgres {
            mark_rounded_sql_types(&seen);
        }
        if let Some(cycle) = required_cycle(&all) {
            problems.push(format!(
                "required references form a cycle ({}): no row could be inserted first; make one of them an `Option<Ref<..>>`",
                cycle.join(" → ")
            ));
        }
        if !problems.is_empty() {
            return Err(Error::SchemaMismatch(problems.join("; ")));
        }
        for e in seen {
            if !bound.entities.iter().any(|b| std::ptr::eq(*b, e)) {
                bound.entities.push(e);
            }
        }
        Ok(())
    }

    fn bound(&self) -> Vec<&'static EntityMeta> {
        self.inner
            .schema
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .entities
            .clone()
    }

    /// Creates the tables and indexes of the bound entities that do not exist yet
    /// (`CREATE TABLE IF NOT EXISTS`), in one transaction. Running it again changes nothing.
    ///
    /// # Errors
    /// Database errors; nothing is created then.
    pub fn create_tables(&self) -> Result<()> {
        let entities = self.bound();
        let dialect = self.dialect();
        let tx = self.begin()?;
        tx.ensure_writing()?;
        let mut foreign_keys = Vec::new();
        for (e, sql) in tables_sql(dialect, &entities) {
            // A foreign key that closes a cycle of tables is added once every table exists,
            // to a table made now only.
            if !sql.foreign_keys.is_empty() && tx.conn()?.table_columns(e.table)?.is_none() {
                foreign_keys.extend(sql.foreign_keys);
            }
            for stmt in sql.create {
                tx.conn()?.execute_batch(&stmt)?;
            }
        }
        for stmt in foreign_keys {
            tx.conn()?.execute_batch(&stmt)?;
        }
        for (link, owner, target) in link_tables(&entities) {
            for stmt in create_link_sql(dialect, &link, owner, target) {
                tx.conn()?.execute_batch(&stmt)?;
            }
        }
        tx.commit()
    }

    /// Checks that every bound entity's table exists with the columns, types, nullability
    /// and primary key the entity declares.
    ///
    /// # Errors
    /// [`Error::SchemaMismatch`] naming every table or column that differs.
    pub fn check_tables(&self) -> Result<()> {
        use crate::table_keys::same_name;
        let dialect = self.inner.dialect;
        let entities = self.bound();
        let tx = self.begin()?;
        let conn = tx.conn()?;
        let mut problems = Vec::new();
        problems.extend(table_checks::encoding_problem(conn)?);
        // The columns (entity, position) found missing or otherwise than their fields: the
        // references' checks, which read their rows, leave them out.
        let mut troubled: Vec<(&'static crate::EntityMeta, usize)> = Vec::new();
        // The entities whose table is there, with whether it has a primary key.
        let mut present: Vec<(&'static crate::EntityMeta, bool)> = Vec::new();
        // Every table's columns first: whether an `Option` on a NOT NULL column closes a
        // cycle of NOT NULL references depends on the other tables' columns.
        let mut tables = Vec::new();
        for e in entities.iter().copied() {
            tables.push((e, conn.table_columns(e.table)?));
        }
        let not_null = |f: &crate::EntityMeta, i: usize| {
            tables.iter().any(|(t, live)| {
                std::ptr::eq(*t, f)
                    && live.as_ref().is_some_and(|live| {
                        live.iter()
                            .any(|l| l.not_null && same_name(dialect, &l.name, f.columns[i].name))
                    })
            })
        };
        for (e, live) in tables.iter() {
            let e = *e;
            let Some(live) = live else {
                problems.push(format!(
                    "table `{}` (entity `{}`) does not exist",
                    e.table, e.name
                ));
                continue;
            };
            present.push((e, live.iter().any(|l| l.primary_key)));
            for (i, c) in e.columns.iter().enumerate() {
                if !crate::relation::is_stored(e, i) {
                    continue;
                }
                let Some(l) = live.iter().find(|l| same_name(dialect, &l.name, c.name)) else {
                    problems.push(format!(
                        "column `{}.{}` (field `{}::{}`) does not exist",
                        e.table, c.name, e.name, c.field
                    ));
                    troubled.push((e, i));
                    continue;
                };
                // A float or a decimal the column rounds when written: read back after a
                // write (`flush::take_stored`).
                if l.scaled && rounded_type(c) && i < 62 {
                    e.cache.mark_rounded(1u64 << i);
                }
                let closes = l.not_null
                    && c.nullable
                    && table_checks::closes_a_not_null_cycle(e, i, &not_null);
                if let Some(p) = table_checks::column_problem(self.inner.dialect, e, c, l, closes) {
                    problems.push(p);
                    troubled.push((e, i));
                } else if let Some(p) = table_checks::stray_values(conn, self.inner.dialect, e, c)?
                {
                    problems.push(p);
                }
            }
            // A column no field maps: an insert leaves it out, so it needs NULL or a default.
            for l in live {
                let mapped = e.columns.iter().enumerate().any(|(i, c)| {
                    crate::relation::is_stored(e, i) && same_name(dialect, &l.name, c.name)
                });
                // SQLite's INTEGER PRIMARY KEY is the rowid: it fills itself in.
                let rowid = crate::table_keys::is_rowid(self.inner.dialect, live, l);
                if !mapped && l.not_null && !l.has_default && !rowid {
                    problems.push(format!(
                        "column `{}.{}` is NOT NULL without a default and no field of `{}` maps it: inserting a {} would fail (map it, or give it a default)",
                        e.table, l.name, e.name, e.name
                    ));
                }
            }
            problems.extend(crate::table_keys::key_problems(self.inner.dialect, e, live));
            problems.extend(crate::table_constraints::conflict_clause(conn, e.table)?);
            problems.extend(crate::table_constraints::one_to_one_problems(
                conn, e, live,
            )?);
        }
        // Once every table's columns are known to be right: the rows a reference's column
        // names, by a statement that reads the target's table too.
        for &(e, keyed) in &present {
            // (An entity without references has nothing to check: its catalogue is not read.)
            if !e.relations.iter().any(|r| r.column.is_some()) {
                continue;
            }
            let fine = |m: &'static crate::EntityMeta, i: usize| {
                present.iter().any(|(p, _)| std::ptr::eq(*p, m))
                    && !troubled.iter().any(|(t, j)| std::ptr::eq(*t, m) && *j == i)
            };
            let info = crate::introspect::read_table(conn, e.table.to_string())?;
            problems.extend(crate::reference_checks::reference_problems(
                conn,
                e,
                &info,
                keyed,
                |a, b| same_name(dialect, a, b),
                fine,
            )?);
        }
        for (link, owner, target) in link_tables(&entities) {
            match conn.table_columns(&link.table)? {
                None => problems.push(format!(
                    "join table `{}` (between `{}` and `{}`) does not exist",
                    link.table, owner.name, target.name
                )),
                Some(live) => {
                    let mut missing = false;
                    for c in [&link.owner_column, &link.member_column] {
                        if !live.iter().any(|l| same_name(dialect, &l.name, c)) {
                            problems.push(format!("column `{}.{}` does not exist", link.table, c));
                            missing = true;
                        }
                    }
                    // A column of the link table's own: `add` writes the pair alone.
                    for l in &live {
                        let own = [&link.owner_column, &link.member_column]
                            .iter()
                            .all(|c| !same_name(dialect, &l.name, c));
                        let rowid = crate::table_keys::is_rowid(dialect, &live, l);
                        if own && l.not_null && !l.has_default && !rowid {
                            problems.push(format!(
                                "column `{}.{}` is NOT NULL without a default: adding to the collection between `{}` and `{}` writes only the pair and would fail (give it a default, or map the link table as an entity of its own)",
                                link.table, l.name, owner.name, target.name
                            ));
                        }
                    }
                    if !missing {
                        let columns = [link.owner_column.as_str(), link.member_column.as_str()];
                        let unique: Vec<Vec<String>> =
                            crate::introspect::read_table(conn, link.table.clone())?
                                .indexes
                                .into_iter()
                                .filter(|i| i.unique)
                                .map(|i| i.columns)
                                .collect();
                        problems.extend(crate::table_keys::link_problem(
                            dialect,
                            &link.table,
                            columns,
                            &live,
                            &unique,
                        ));
                        for (column, of) in
                            [(&link.owner_column, owner), (&link.member_column, target)]
                        {
                            problems.extend(table_checks::stray_link_values(
                                conn,
                                dialect,
                                &link.table,
                                column,
                                of,
                            )?);
                        }
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::SchemaMismatch(problems.join("; ")))
        }
    }

    /// Starts a transaction; commit it with [`Transaction::commit`], or drop it to roll back.
    ///
    /// # Errors
    /// [`Error::Backend`] when no connection can be opened.
    pub fn begin(&self) -> Result<Transaction> {
        let conn = self.inner.acquire()?;
        Ok(Transaction::new(self.inner.clone(), conn))
    }

    /// Starts a transaction that takes its locks from the first statement, with the
    /// strictest isolation of the backend (SQLite `BEGIN IMMEDIATE`, PostgreSQL
    /// `SERIALIZABLE`); see [`Database::transaction_serializable`].
    ///
    /// # Errors
    /// [`Error::Backend`] when no connection can be opened or the database is busy.
    pub fn begin_serializable(&self) -> Result<Transaction> {
        let tx = self.begin()?;
        tx.begin_serializable()?;
        Ok(tx)
    }
}

/// Tables with two meanings: two entities on one table, or an entity on a many-to-many's
/// link table. A write through one would not invalidate what the other has cached, nor
/// reach its loaded objects. `new` is where the entities not bound before start.
fn shared_tables(all: &[&'static EntityMeta], new: usize) -> Vec<String> {
    let mut problems = Vec::new();
    for (i, e) in all.iter().enumerate().skip(new) {
        if let Some(other) = all[..i].iter().find(|o| same_table_name(o.table, e.table)) {
            problems.push(format!(
                "entities `{}` and `{}` both use table `{}`: map each table once",
                other.name, e.name, e.table
            ));
        }
    }
    for m in crate::pairing::many_to_many_sides(all) {
        // Each relationship once: by the side whose name sorts first.
        let side = format!("{}.{}", m.owner.name, m.rel.field)
            .min(format!("{}.{}", m.target.name, m.partner.field));
        for e in all {
            if same_table_name(&m.link.table, e.table) {
                problems.push(format!(
                    "entity `{}` uses table `{}`, the link table of the many-to-many `{side}`: name one of them otherwise (`#[colt(table = \"..\")]`), or map the links with two references instead of two `Set`s",
                    e.name, e.table
                ));
            }
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

/// Two different many-to-many relationships whose link tables have one name (by default
/// `{a}_{b}` for both of two relationships between the same entities): each would read the
/// other's links.
fn shared_link_tables(entities: &[&'static EntityMeta]) -> Vec<String> {
    // Each relationship once, as (link table, the side whose field sorts first).
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut problems = Vec::new();
    for m in crate::pairing::many_to_many_sides(entities) {
        let (mine, theirs) = (
            format!("{}.{}", m.owner.name, m.rel.field),
            format!("{}.{}", m.target.name, m.partner.field),
        );
        let side = mine.min(theirs);
        let link = m.link;
        // Ignoring case, as `shared_tables` does: SQLite's names do.
        match seen
            .iter()
            .find(|(table, _)| same_table_name(table, &link.table))
        {
            Some((_, first)) if *first != side => problems.push(format!(
                "the many-to-many relationships `{first}` and `{side}` would share the link table `{}` (each would read the other's links): name one with `#[colt(table = \"..\")]` on its `Set`",
                link.table
            )),
            Some(_) => {}
            None => seen.push((link.table, side)),
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

/// A field whose column may store another value than the one written: a float or a
/// decimal in a `numeric(p, s)` (rounded), a text that is not a key in a `varchar(n)`
/// (trailing spaces cut past `n`; read back only when it ends with a space). Read back
/// after a write.
fn rounded_type(c: &crate::entity::ColumnMeta) -> bool {
    match c.ty {
        ColumnType::Double | ColumnType::Decimal => true,
        ColumnType::Text => !c.primary_key,
        _ => false,
    }
}

/// PostgreSQL: a float or a decimal whose `sql_type` gives a scale (`numeric(10,2)`), or a
/// text whose `sql_type` gives a length (`varchar(3)`), is rounded or cut by its column
/// when written, and a `char(n)` is padded: read back after a write (`flush::take_stored`).
fn mark_rounded_sql_types(entities: &[&'static EntityMeta]) {
    for e in entities {
        for (i, c) in e.columns.iter().enumerate().take(62) {
            // (`numeric(10)` rounds to whole numbers.)
            let scaled = c.pads_text()
                || c.sql_type.is_some_and(|t| {
                    let t = t.to_ascii_lowercase();
                    ["numeric", "decimal", "varchar", "character varying"]
                        .iter()
                        .any(|p| t.starts_with(p))
                        && t.contains('(')
                });
            if scaled && rounded_type(c) {
                e.cache.mark_rounded(1u64 << i);
            }
        }
    }
}

/// A cycle of required references between different entities, if any (`A.b: Ref<B>`,
/// `B.a: Ref<A>`), as the names along it.
fn required_cycle(entities: &[&'static EntityMeta]) -> Option<Vec<String>> {
    fn visit(
        e: &'static EntityMeta,
        path: &mut Vec<&'static EntityMeta>,
        done: &mut Vec<&'static EntityMeta>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| std::ptr::eq(*p, e)) {
            let mut names: Vec<String> = path[at..].iter().map(|m| m.name.to_string()).collect();
            names.push(e.name.to_string());
            return Some(names);
        }
        if done.iter().any(|d| std::ptr::eq(*d, e)) {
            return None;
        }
        path.push(e);
        for rel in e.relations {
            let target = (rel.target)();
            if rel.kind == crate::relation::RelKind::Ref && !std::ptr::eq(target, e) {
                if let Some(c) = visit(target, path, done) {
                    return Some(c);
                }
            }
        }
        path.pop();
        done.push(e);
        None
    }
    let mut done = Vec::new();
    entities
        .iter()
        .find_map(|e| visit(e, &mut Vec::new(), &mut done))
}
