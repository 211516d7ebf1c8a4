//! `--suite memory`: what holding a large result costs, and whether a long run of small
//! transactions leaks.
//!
//! - **Fetch:** 1 000 000 users read from a SQLite file and held, by the hand-written code
//!   (`Vec` of plain structs) and by Colt (`Vec<Obj<User>>` in one transaction, so the
//!   identity map holds them too). Each runs in a process of its own, which reports its
//!   resident memory before the fetch and its peak; the difference is what the rows cost.
//! - **Churn:** 1 000 000 small queries in 10 000 transactions (50 primary-key lookups and
//!   50 one-row queries each), resident memory sampled every 100 transactions, plotted.

use std::process::Command;

use colt::prelude::*;
use rusqlite::Connection;

use crate::data::{UserRow, DDL};
use crate::plot::{lines, Series};
use crate::schema::{Comment, Counter, Post, Tag, User};

/// Rows fetched and held.
pub const FETCHED: usize = 1_000_000;
/// Transactions of the churn run, and queries in each.
const TRANSACTIONS: usize = 10_000;
const QUERIES: usize = 100;

/// A value of this process's `/proc/self/status` (KiB).
pub fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// Makes the database file the children read: Diesel's schema, `FETCHED` users.
fn make_database(path: &str) {
    let _ = std::fs::remove_file(path);
    let mut conn = Connection::open(path).expect("create the database file");
    conn.execute_batch(DDL).expect("ddl");
    let tx = conn.transaction().expect("begin");
    {
        let mut stmt = tx
            .prepare("INSERT INTO users (name, hair_color) VALUES (?1, ?2)")
            .expect("prepare");
        for i in 0..FETCHED {
            let hair = if i % 2 == 0 { Some("black") } else { None };
            stmt.execute(rusqlite::params![format!("User {i}"), hair])
                .expect("insert");
        }
    }
    tx.commit().expect("commit");
}

fn colt_database(path: &str) -> Database {
    let db = Database::open(&format!("sqlite:{path}")).expect("open");
    db.bind(schema![User, Post, Comment, Tag, Counter])
        .expect("bind");
    db
}

/// The child: one measurement, printed as `MEM before peak` or `RSS transactions kib` lines.
pub fn child(imp: &str, what: &str, path: &str) {
    match (imp, what) {
        ("raw", "fetch") => {
            let conn = Connection::open(path).expect("open");
            let before = status_kib("VmRSS:");
            let mut stmt = conn
                .prepare("SELECT id, name, hair_color FROM users")
                .expect("prepare");
            let rows: Vec<UserRow> = stmt
                .query_map([], |r| {
                    Ok(UserRow {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        hair_color: r.get(2)?,
                    })
                })
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("rows");
            assert_eq!(rows.len(), FETCHED);
            println!("MEM {before} {}", status_kib("VmHWM:"));
            std::hint::black_box(rows);
        }
        ("colt", "fetch") => {
            let db = colt_database(path);
            let tx = db.begin().expect("begin");
            // The connection is open and the schema read before the first measure.
            tx.get::<User>(1).expect("get");
            let before = status_kib("VmRSS:");
            let rows = select!(u for u in User).fetch(&tx).expect("fetch");
            assert_eq!(rows.len(), FETCHED);
            println!("MEM {before} {}", status_kib("VmHWM:"));
            std::hint::black_box(rows);
        }
        ("raw", "churn") => {
            let conn = Connection::open(path).expect("open");
            let mut key = 0u64;
            for t in 0..TRANSACTIONS {
                let tx = conn.unchecked_transaction().expect("begin");
                for q in 0..QUERIES {
                    key = next_key(key);
                    let sql = if q % 2 == 0 {
                        "SELECT id, name, hair_color FROM users WHERE id = ?1"
                    } else {
                        "SELECT id, name, hair_color FROM users WHERE id = ?1 AND hair_color IS NOT NULL"
                    };
                    let mut stmt = tx.prepare_cached(sql).expect("prepare");
                    let mut rows = stmt.query([key as i64]).expect("query");
                    while let Some(row) = rows.next().expect("row") {
                        let name: String = row.get(1).expect("name");
                        std::hint::black_box(name);
                    }
                }
                tx.commit().expect("commit");
                sample(t);
            }
        }
        ("colt", "churn") => {
            let db = colt_database(path);
            let mut key = 0u64;
            for t in 0..TRANSACTIONS {
                db.transaction(|tx| {
                    for q in 0..QUERIES {
                        key = next_key(key);
                        let k = key as i64;
                        if q % 2 == 0 {
                            std::hint::black_box(tx.get::<User>(k)?);
                        } else {
                            let rows =
                                select!(u for u in User if u.id == k && u.hair_color.is_some())
                                    .fetch(tx)?;
                            std::hint::black_box(rows);
                        }
                    }
                    Ok(())
                })
                .expect("transaction");
                sample(t);
            }
        }
        _ => {}
    }
}

/// A key of 1..=FETCHED after `k` (a fixed pseudo-random walk: every transaction reads rows
/// it has not read before).
fn next_key(k: u64) -> u64 {
    (k.wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407)
        >> 33)
        % FETCHED as u64
        + 1
}

fn sample(t: usize) {
    if t % 100 == 99 {
        println!("RSS {} {}", t + 1, status_kib("VmRSS:"));
    }
}

/// The parent: makes the file, runs the children, prints the table, writes the chart.
pub fn run(exe: &std::path::Path) {
    let dir = std::env::temp_dir().join("colt-bench-memory");
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join("users.db");
    let path = path.to_str().expect("a UTF-8 temporary path");
    eprintln!("making {FETCHED} rows in {path}");
    make_database(path);
    let run_child = |imp: &str, what: &str| -> String {
        let out = Command::new(exe)
            .args([
                "--suite", "memory", "--impl", imp, "--what", what, "--db", path,
            ])
            .output()
            .expect("run child");
        if !out.status.success() {
            eprintln!(
                "{imp} {what} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            std::process::exit(1);
        }
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    println!(
        "| {FETCHED} rows fetched and held | resident before | peak | the rows' cost | per row |"
    );
    println!("|---|---:|---:|---:|---:|");
    let mut costs = Vec::new();
    for imp in ["raw", "colt"] {
        let out = run_child(imp, "fetch");
        let Some((before, peak)) = out.lines().find_map(|l| {
            let p: Vec<u64> = l
                .strip_prefix("MEM ")?
                .split_whitespace()
                .filter_map(|v| v.parse().ok())
                .collect();
            (p.len() == 2).then(|| (p[0], p[1]))
        }) else {
            eprintln!("{imp}: no measure");
            std::process::exit(1);
        };
        let cost = peak.saturating_sub(before);
        costs.push(cost);
        println!(
            "| {} | {:.1} MiB | {:.1} MiB | {:.1} MiB | {} B |",
            if imp == "raw" {
                "hand-written rusqlite"
            } else {
                "Colt"
            },
            before as f64 / 1024.0,
            peak as f64 / 1024.0,
            cost as f64 / 1024.0,
            cost * 1024 / FETCHED as u64
        );
    }
    if let [raw, colt] = costs[..] {
        println!(
            "\nColt/raw, the rows' cost: {:.2}×",
            colt as f64 / raw.max(1) as f64
        );
    }
    println!();
    let mut series = Vec::new();
    for imp in ["raw", "colt"] {
        let out = run_child(imp, "churn");
        let points: Vec<(f64, f64)> = out
            .lines()
            .filter_map(|l| {
                let p: Vec<f64> = l
                    .strip_prefix("RSS ")?
                    .split_whitespace()
                    .filter_map(|v| v.parse().ok())
                    .collect();
                (p.len() == 2).then(|| (p[0], p[1] / 1024.0))
            })
            .collect();
        let (first, last) = (
            points.get(1).map_or(0.0, |p| p.1),
            points.last().map_or(0.0, |p| p.1),
        );
        let max = points.iter().fold(0.0_f64, |m, p| m.max(p.1));
        println!(
            "churn, {}: resident {first:.1} MiB after 200 transactions, {last:.1} MiB after {TRANSACTIONS}, at most {max:.1} MiB",
            if imp == "raw" { "hand-written rusqlite" } else { "Colt" },
        );
        series.push(Series {
            name: if imp == "raw" {
                "hand-written rusqlite".into()
            } else {
                "Colt".into()
            },
            points,
        });
    }
    lines(
        concat!(env!("CARGO_MANIFEST_DIR"), "/results/memory_churn.svg"),
        "Resident memory: 1 000 000 small queries in 10 000 transactions",
        "transactions",
        "resident memory (MiB)",
        &series,
    );
    let _ = std::fs::remove_file(path);
}
