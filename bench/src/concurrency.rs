//! `--suite concurrency`: throughput with 1, 2, 4 and 8 threads, on a SQLite file (WAL) and
//! on PostgreSQL (`COLT_PG_URL`, or `--pg URL`), by the hand-written code and by Colt.
//!
//! - **Reads:** each thread runs one-lookup transactions (a random user of 10 000) for a
//!   second; the count of all threads is the throughput.
//! - **Writes under contention:** each thread increments one of 4 counters, chosen at random,
//!   for a second. The hand-written code sends `UPDATE counters SET n = n + 1` (the database
//!   serialises it); Colt reads the counter and sets `n + 1`, so its optimistic check fails
//!   when another thread got there first, and `transaction_with_retry` runs it again. The
//!   counters' sum is checked against the increments reported: nothing may be lost.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use colt::prelude::*;

use crate::data::{seed_sql, PG_DDL};
use crate::plot::{lines, Series};
use crate::schema::{Comment, Counter, Post, Tag, User};

const THREADS: [usize; 4] = [1, 2, 4, 8];
const USERS: i64 = 10_000;
const COUNTERS: i64 = 4;
const RUN_FOR: Duration = Duration::from_secs(1);

/// Where a run goes.
#[derive(Clone)]
enum Target {
    Sqlite(String),
    Postgres(String),
}

impl Target {
    fn name(&self) -> &'static str {
        match self {
            Target::Sqlite(_) => "SQLite (WAL)",
            Target::Postgres(_) => "PostgreSQL",
        }
    }

    fn colt(&self) -> Database {
        let url = match self {
            Target::Sqlite(path) => format!("sqlite:{path}"),
            Target::Postgres(url) => url.clone(),
        };
        let db = Database::builder(&url)
            .max_connections(8)
            .open()
            .expect("open");
        db.bind(schema![User, Post, Comment, Tag, Counter])
            .expect("bind");
        db
    }
}

/// A small xorshift generator per thread (no shared state between threads).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: i64) -> i64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as i64 + 1
    }
}

/// Windows of `RUN_FOR` per measure; the median is kept (a shared machine has slow spells).
const WINDOWS: usize = 3;

/// Runs `work` on `threads` threads for `RUN_FOR`, `WINDOWS` times; returns the median of
/// what they did per second. `work(rng)` does one unit and says how many it completed (0 or
/// 1).
fn throughput<W>(threads: usize, make: impl Fn() -> W + Sync) -> f64
where
    W: FnMut(&mut Rng) -> u64,
{
    let mut rates: Vec<f64> = (0..WINDOWS).map(|_| window(threads, &make)).collect();
    rates.sort_by(f64::total_cmp);
    rates[WINDOWS / 2]
}

fn window<W>(threads: usize, make: &(impl Fn() -> W + Sync)) -> f64
where
    W: FnMut(&mut Rng) -> u64,
{
    let stop = AtomicBool::new(false);
    let done = AtomicU64::new(0);
    let start = Instant::now();
    std::thread::scope(|s| {
        for t in 0..threads {
            let (stop, done) = (&stop, &done);
            s.spawn(move || {
                let mut work = make();
                let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ ((t as u64 + 1) * 0x2545_F491));
                let mut mine = 0;
                while !stop.load(Ordering::Relaxed) {
                    mine += work(&mut rng);
                }
                done.fetch_add(mine, Ordering::Relaxed);
            });
        }
        std::thread::sleep(RUN_FOR);
        stop.store(true, Ordering::Relaxed);
    });
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

fn prepare(target: &Target) {
    match target {
        Target::Sqlite(path) => {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
            let conn = rusqlite::Connection::open(path).expect("create");
            conn.pragma_update(None, "journal_mode", "wal")
                .expect("wal");
            conn.execute_batch(crate::data::DDL).expect("ddl");
            crate::raw::seed(&conn, USERS as usize, 0, 0, false);
        }
        Target::Postgres(url) => {
            let mut c = postgres::Client::connect(url, postgres::NoTls).expect("connect");
            c.batch_execute(PG_DDL).expect("ddl");
            c.batch_execute(&seed_sql(USERS as usize, 0, 0, false))
                .expect("seed");
        }
    }
}

fn reset_counters(target: &Target) {
    let values: Vec<String> = (1..=COUNTERS).map(|i| format!("({i}, 0)")).collect();
    let sql = format!(
        "DELETE FROM counters; INSERT INTO counters (id, n) VALUES {};",
        values.join(", ")
    );
    match target {
        Target::Sqlite(path) => rusqlite::Connection::open(path)
            .and_then(|c| c.execute_batch(&sql))
            .expect("reset"),
        Target::Postgres(url) => postgres::Client::connect(url, postgres::NoTls)
            .and_then(|mut c| c.batch_execute(&sql))
            .expect("reset"),
    }
}

fn counters_sum(target: &Target) -> i64 {
    let sql = "SELECT CAST(SUM(n) AS BIGINT) FROM counters";
    match target {
        Target::Sqlite(path) => rusqlite::Connection::open(path)
            .and_then(|c| c.query_row(sql, [], |r| r.get(0)))
            .expect("sum"),
        Target::Postgres(url) => postgres::Client::connect(url, postgres::NoTls)
            .and_then(|mut c| c.query_one(sql, &[]))
            .map(|r| r.get::<_, i64>(0))
            .expect("sum"),
    }
}

/// A hand-written connection of either kind (one per thread, made once: its size does not
/// matter).
#[allow(clippy::large_enum_variant)]
enum RawConn {
    Sqlite(rusqlite::Connection),
    /// The client and its two statements, prepared once.
    Postgres(postgres::Client, postgres::Statement, postgres::Statement),
}

impl RawConn {
    fn open(target: &Target) -> RawConn {
        match target {
            Target::Sqlite(path) => {
                let c = rusqlite::Connection::open(path).expect("open");
                c.busy_timeout(Duration::from_secs(5))
                    .expect("busy timeout");
                RawConn::Sqlite(c)
            }
            Target::Postgres(url) => {
                let mut c = postgres::Client::connect(url, postgres::NoTls).expect("connect");
                let read = c
                    .prepare("SELECT id, name, hair_color FROM users WHERE id = $1")
                    .expect("prepare");
                let increment = c
                    .prepare("UPDATE counters SET n = n + 1 WHERE id = $1")
                    .expect("prepare");
                RawConn::Postgres(c, read, increment)
            }
        }
    }

    fn read(&mut self, key: i64) -> u64 {
        match self {
            RawConn::Sqlite(c) => {
                let mut stmt = c
                    .prepare_cached("SELECT id, name, hair_color FROM users WHERE id = ?1")
                    .expect("prepare");
                let name: String = stmt.query_row([key], |r| r.get(1)).expect("row");
                u64::from(!name.is_empty())
            }
            RawConn::Postgres(c, read, _) => {
                let row = c.query_one(&*read, &[&key]).expect("row");
                u64::from(!row.get::<_, String>(1).is_empty())
            }
        }
    }

    fn increment(&mut self, key: i64) -> u64 {
        match self {
            RawConn::Sqlite(c) => {
                let mut stmt = c
                    .prepare_cached("UPDATE counters SET n = n + 1 WHERE id = ?1")
                    .expect("prepare");
                stmt.execute([key]).expect("update") as u64
            }
            RawConn::Postgres(c, _, increment) => c.execute(&*increment, &[&key]).expect("update"),
        }
    }
}

/// One row of the table: (backend, implementation, kind, threads, per second, retries).
type Point = (&'static str, &'static str, &'static str, usize, f64, u64);

fn measure(target: &Target, out: &mut Vec<Point>) {
    prepare(target);
    let db = target.colt();
    for &threads in &THREADS {
        let raw = throughput(threads, || {
            let mut c = RawConn::open(target);
            move |rng: &mut Rng| c.read(rng.below(USERS))
        });
        out.push((target.name(), "hand-written", "reads", threads, raw, 0));
        let colt = throughput(threads, || {
            let db = db.clone();
            move |rng: &mut Rng| {
                let k = rng.below(USERS);
                db.transaction(|tx| Ok(tx.get::<User>(k)?.is_some()))
                    .map_or(0, u64::from)
            }
        });
        out.push((target.name(), "Colt", "reads", threads, colt, 0));
    }
    for &threads in &THREADS {
        reset_counters(target);
        let raw = throughput(threads, || {
            let mut c = RawConn::open(target);
            move |rng: &mut Rng| c.increment(rng.below(COUNTERS))
        });
        out.push((target.name(), "hand-written", "writes", threads, raw, 0));
        reset_counters(target);
        let retries = Arc::new(AtomicU64::new(0));
        let done = Arc::new(AtomicU64::new(0));
        let colt = throughput(threads, || {
            let (db, retries, done) = (db.clone(), retries.clone(), done.clone());
            move |rng: &mut Rng| {
                let k = rng.below(COUNTERS);
                let mut attempts = 0;
                let result = db.transaction_with_retry(1000, |tx| {
                    attempts += 1;
                    let c = tx.get_or_err::<Counter>(k)?;
                    c.set(|c| c.n += 1)?;
                    Ok(())
                });
                retries.fetch_add(attempts - 1, Ordering::Relaxed);
                let ok = u64::from(result.is_ok());
                done.fetch_add(ok, Ordering::Relaxed);
                ok
            }
        });
        let colt_sum = counters_sum(target);
        let committed = done.load(Ordering::Relaxed) as i64;
        if colt_sum != committed {
            eprintln!(
                "{}: {committed} increments reported, the counters hold {colt_sum}: updates were lost",
                target.name()
            );
            std::process::exit(1);
        }
        out.push((
            target.name(),
            "Colt",
            "writes",
            threads,
            colt,
            retries.load(Ordering::Relaxed),
        ));
    }
}

/// The parent (in-process: each run has its own threads and connections).
pub fn run(pg_url: Option<&str>) {
    let dir = std::env::temp_dir().join("colt-bench-concurrency");
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join("bench.db");
    let mut targets = vec![Target::Sqlite(path.to_string_lossy().into_owned())];
    match pg_url {
        Some(url) => targets.push(Target::Postgres(crate::pg::in_schema(url, "concurrency"))),
        None => eprintln!("no COLT_PG_URL (or --pg URL): PostgreSQL is left out"),
    }
    let mut points = Vec::new();
    for t in &targets {
        eprintln!(
            "{}: {} thread counts, reads then writes",
            t.name(),
            THREADS.len()
        );
        measure(t, &mut points);
    }
    println!(
        "| backend | code | work | threads | per second | Colt/hand-written | retries (Colt) |"
    );
    println!("|---|---|---|---:|---:|---:|---:|");
    for p in &points {
        let raw = points
            .iter()
            .find(|q| q.0 == p.0 && q.1 == "hand-written" && q.2 == p.2 && q.3 == p.3)
            .map_or(0.0, |q| q.4);
        let ratio = if p.1 == "Colt" {
            format!("{:.2}", p.4 / raw.max(1.0))
        } else {
            "—".to_string()
        };
        let retries = if p.1 == "Colt" && p.2 == "writes" {
            p.5.to_string()
        } else {
            "—".to_string()
        };
        println!(
            "| {} | {} | {} | {} | {:.0} | {ratio} | {retries} |",
            p.0, p.1, p.2, p.3, p.4
        );
    }
    for kind in ["reads", "writes"] {
        let mut series = Vec::new();
        for t in &targets {
            for code in ["hand-written", "Colt"] {
                series.push(Series {
                    name: format!("{code}, {}", t.name()),
                    points: points
                        .iter()
                        .filter(|p| p.0 == t.name() && p.1 == code && p.2 == kind)
                        .map(|p| (p.3 as f64, p.4))
                        .collect(),
                });
            }
        }
        let title = if kind == "reads" {
            "Read throughput: one-lookup transactions"
        } else {
            "Write throughput: increments of 4 contended counters"
        };
        lines(
            &format!(
                "{}/results/concurrency_{kind}.svg",
                env!("CARGO_MANIFEST_DIR")
            ),
            title,
            "threads",
            "transactions per second",
            &series,
        );
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
