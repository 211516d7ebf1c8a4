//! `cargo run -p colt-bench --release` runs every workload of Diesel's suite (and three more)
//! with hand-written rusqlite and with Colt, each implementation in a process of its own (for
//! its peak memory), the workloads interleaved round by round, and prints one table of
//! medians. The Rust implementations run three times in turn (`-- --runs N`), and the table
//! shows the median of their medians and the spread of Colt/raw over the runs. `-- --quick`
//! runs fewer rounds, once.
//!
//! Each workload checks its result once before timing, so a broken query cannot look fast.
//!
//! Other suites, one command each (`-- --suite NAME`):
//! - `instructions`: the same workloads in instructions per iteration, under valgrind
//!   (repeatable where times are not); with `--pg URL`, the client's on PostgreSQL;
//! - `postgres`: the same workloads against `COLT_PG_URL` (or `--pg URL`), with the
//!   `postgres` crate, Diesel's PostgreSQL backend, SQLx and PonyORM;
//! - `memory`: 1 000 000 rows held; resident memory over 1 000 000 small queries;
//! - `concurrency`: 1 to 8 threads, reads and contended writes, SQLite WAL and PostgreSQL;
//! - `compile-time`: a 50-entity schema with 300 queries, against Diesel's.
//!
//! Tables go to stdout, charts to `bench/results/*.svg`.

mod colt_impl;
mod concurrency;
mod data;
mod harness;
mod instructions;
mod memory;
mod pg;
mod plot;
mod raw;
mod schema;

use harness::{arg, child, keys, workloads, Run};

use std::collections::BTreeMap;
use std::process::Command;

const IMPLS: &[&str] = &["raw", "colt", "diesel"];

fn prepare(imp: &str, group: &str, n: usize) -> (Run, usize) {
    use colt_impl::ColtBench;
    use raw::Raw;
    match (imp, group) {
        ("raw", "trivial_query") => {
            let r = Raw::new(n, 0, 0, false);
            (Box::new(move || r.trivial().len()), n)
        }
        ("colt", "trivial_query") => {
            let c = ColtBench::new(n, 0, 0, false);
            (Box::new(move || c.trivial().len()), n)
        }
        ("raw", "medium_complex_query") => {
            let r = Raw::new(n, 0, 0, true);
            (Box::new(move || r.medium().len()), n.div_ceil(2))
        }
        ("colt", "medium_complex_query") => {
            let c = ColtBench::new(n, 0, 0, true);
            (Box::new(move || c.medium().len()), n.div_ceil(2))
        }
        ("raw", "insert") => {
            let mut r = Raw::new(0, 0, 0, false);
            (
                Box::new(move || {
                    r.insert(n);
                    n
                }),
                n,
            )
        }
        ("colt", "insert") => {
            let c = ColtBench::new(0, 0, 0, false);
            (
                Box::new(move || {
                    c.insert(n);
                    n
                }),
                n,
            )
        }
        ("raw", "loading_associations") => {
            let r = Raw::new(n, 10, 10, false);
            (
                Box::new(move || {
                    r.associations()
                        .iter()
                        .map(|(_, p)| p.iter().map(|(_, c)| c.len()).sum::<usize>())
                        .sum()
                }),
                n * 100,
            )
        }
        ("colt", "loading_associations") => {
            let c = ColtBench::new(n, 10, 10, false);
            (
                Box::new(move || {
                    c.associations()
                        .iter()
                        .map(|(_, p)| p.iter().map(|(_, c)| c.len()).sum::<usize>())
                        .sum()
                }),
                n * 100,
            )
        }
        ("raw", "pk_lookup") => {
            let r = Raw::new(10_000, 0, 0, false);
            let k = keys(10_000, n);
            (Box::new(move || r.lookups(&k)), n)
        }
        ("colt", "pk_lookup") => {
            let c = ColtBench::new(10_000, 0, 0, false);
            let k = keys(10_000, n);
            (Box::new(move || c.lookups(&k)), n)
        }
        ("raw", "spawn_blocking_handoff") => {
            let c = ColtBench::new(10_000, 0, 0, false);
            let k = keys(10_000, n);
            (
                Box::new(move || k.iter().map(|&key| c.request(key)).sum()),
                n,
            )
        }
        ("colt", "spawn_blocking_handoff") => {
            let c = ColtBench::new(10_000, 0, 0, false);
            let k = keys(10_000, n);
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime");
            (
                Box::new(move || {
                    k.iter()
                        .map(|&key| c.request_in_blocking_task(&rt, key))
                        .sum()
                }),
                n,
            )
        }
        ("raw", "grouped_aggregate") => {
            let r = Raw::new(n / 10, 10, 0, false);
            (Box::new(move || r.grouped().len()), n / 10)
        }
        ("colt", "grouped_aggregate") => {
            let c = ColtBench::new(n / 10, 10, 0, false);
            (Box::new(move || c.grouped().len()), n / 10)
        }
        ("raw", "update_changed_objects") => {
            let mut r = Raw::new(n, 0, 0, false);
            (
                Box::new(move || {
                    r.update(n);
                    n
                }),
                n,
            )
        }
        ("raw", "update_checked_objects") => {
            let mut r = Raw::new(n, 0, 0, false);
            (
                Box::new(move || {
                    r.update_checked(n);
                    n
                }),
                n,
            )
        }
        ("colt", "update_changed_objects" | "update_checked_objects") => {
            let c = ColtBench::new(n, 0, 0, false);
            (
                Box::new(move || {
                    c.update(n);
                    n
                }),
                n,
            )
        }
        ("raw", "insert_many") => {
            let mut r = Raw::new(0, 0, 0, false);
            let mut round = 0;
            (
                Box::new(move || {
                    r.insert_many(round, n);
                    round += 1;
                    n
                }),
                n,
            )
        }
        ("colt", "insert_many") => {
            let c = ColtBench::new(0, 0, 0, false);
            let mut round = 0;
            (
                Box::new(move || {
                    c.insert_many(round, n);
                    round += 1;
                    n
                }),
                n,
            )
        }
        // The raw code has no session: its warm workloads are its cold ones.
        ("raw", "pk_lookup_warm") => prepare("raw", "pk_lookup", n),
        ("colt", "pk_lookup_warm") => {
            let c = ColtBench::new(10_000, 0, 0, false).warm();
            let k = keys(10_000, n);
            (Box::new(move || c.lookups(&k)), n)
        }
        ("raw", "repeated_query_warm") => prepare("raw", "trivial_query", n),
        ("colt", "repeated_query_warm") => {
            let c = ColtBench::new(n, 0, 0, false).warm();
            // The first run at this call site keeps the result; the timed ones reuse it.
            c.repeated_query();
            (Box::new(move || c.repeated_query()), n)
        }
        _ => (Box::new(|| 0), 0),
    }
}

/// The binary of an implementation built apart, in `bench/{name}` (a workspace of its own:
/// Diesel 2.3 links an older SQLite than the library's rusqlite, and Cargo allows one
/// SQLite per workspace; SQLx brings a runtime and dependencies of its own), with the same
/// profile as this one.
fn apart_binary(name: &str) -> std::path::PathBuf {
    let dir = format!("{}/{name}", env!("CARGO_MANIFEST_DIR"));
    let release = !cfg!(debug_assertions);
    let mut build = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    build
        .args(["build", "--quiet", "--manifest-path"])
        .arg(format!("{dir}/Cargo.toml"));
    if release {
        build.arg("--release");
    }
    let built = build.status().is_ok_and(|s| s.success());
    if !built {
        eprintln!("cannot build the {name} implementation in {dir}");
        std::process::exit(1);
    }
    let profile = if release { "release" } else { "debug" };
    std::path::PathBuf::from(format!("{dir}/target/{profile}/colt-bench-{name}"))
}

fn fmt_time(ns: u128) -> String {
    if ns >= 10_000_000 {
        format!("{:.1} ms", ns as f64 / 1e6)
    } else {
        format!("{:.1} µs", ns as f64 / 1e3)
    }
}

/// The server of `--suite postgres` (read by `prepare_pg`, a plain `fn` as the harness wants).
static PG_URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn prepare_pg(imp: &str, group: &str, n: usize) -> (Run, usize) {
    match PG_URL.get() {
        Some(url) => pg::prepare(url, imp, group, n),
        None => (Box::new(|| 0), 0),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    // `--only trivial_query/1` limits a child to one workload (for profiling).
    let (rounds, only) = harness::settings(&args);
    let suite = arg(&args, "--suite").unwrap_or("sqlite");
    let pg_url = arg(&args, "--pg")
        .map(str::to_string)
        .or_else(|| std::env::var("COLT_PG_URL").ok());
    let exe = std::env::current_exe().expect("own path");
    match suite {
        "sqlite" => {}
        "postgres" => {
            let Some(url) = pg_url else {
                eprintln!("--suite postgres needs a server: COLT_PG_URL or --pg URL (scripts/pg-test-server.sh start)");
                std::process::exit(2);
            };
            let _ = PG_URL.set(url);
        }
        "memory" => {
            match (
                arg(&args, "--impl"),
                arg(&args, "--what"),
                arg(&args, "--db"),
            ) {
                (Some(imp), Some(what), Some(db)) => memory::child(imp, what, db),
                _ => memory::run(&exe),
            }
            return;
        }
        "concurrency" => {
            concurrency::run(pg_url.as_deref());
            return;
        }
        "instructions" => {
            // (`--pg URL`: on PostgreSQL; not `COLT_PG_URL`, which the tests' shell may hold.)
            instructions::run(&exe, &apart_binary("diesel"), arg(&args, "--pg"));
            return;
        }
        "compile-time" => {
            // Builds whole crates with cargo: a script, so that nothing of this process
            // (built in release) runs while it measures.
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/compile-time/run.sh");
            let ok = Command::new("bash")
                .arg(script)
                .status()
                .is_ok_and(|s| s.success());
            std::process::exit(if ok { 0 } else { 1 });
        }
        other => {
            eprintln!("unknown suite {other}: sqlite (the default), instructions, postgres, memory, concurrency, compile-time");
            std::process::exit(2);
        }
    }
    let on_pg = suite == "postgres";
    if let Some(imp) = arg(&args, "--impl") {
        let rounds = if on_pg { rounds.div_ceil(5) } else { rounds };
        child(imp, rounds, only, if on_pg { prepare_pg } else { prepare });
        return;
    }
    let diesel_exe = apart_binary("diesel");
    // SQLx has no SQLite column here: its SQLite driver would be a fourth SQLite build.
    let sqlx_exe = on_pg.then(|| apart_binary("sqlx"));
    let mut medians: BTreeMap<(String, usize), BTreeMap<String, u128>> = BTreeMap::new();
    let mut peaks = Vec::new();
    // PonyORM runs when Python can import it (`pip install pony==0.7.20`).
    let pony_script = concat!(env!("CARGO_MANIFEST_DIR"), "/pony/bench.py");
    let has_pony = Command::new("python3")
        .args(["-c", "import pony"])
        .output()
        .is_ok_and(|o| o.status.success());
    let mut impls: Vec<&str> = IMPLS.to_vec();
    if on_pg {
        impls.push("sqlx");
    }
    if has_pony && on_pg {
        let has_psycopg2 = Command::new("python3")
            .args(["-c", "import psycopg2"])
            .output()
            .is_ok_and(|o| o.status.success());
        if has_psycopg2 {
            impls.push("pony");
        } else {
            eprintln!("psycopg2 is not installed (pip install psycopg2-binary): PonyORM's column stays empty");
        }
    } else if has_pony {
        impls.push("pony");
    } else {
        eprintln!("PonyORM is not installed (pip install pony==0.7.20): its column stays empty");
    }
    // The Rust implementations run `runs` times, in turn (raw, colt, diesel, raw, ...), so
    // that a slow spell of the machine does not fall on one of them; each time is the median
    // over the runs of each run's median. PonyORM, far slower, runs once.
    let runs = arg(&args, "--runs")
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(if quick { 1 } else { 3 })
        .max(1);
    // (implementation, the workloads it runs: `None` for all of them but those that run
    // alone).
    let mut schedule: Vec<(&str, Option<&str>)> = Vec::new();
    for _ in 0..runs {
        schedule.extend(impls.iter().filter(|i| **i != "pony").map(|i| (*i, only)));
        // A workload that starts threads runs in a process of its own, so that they do not
        // take the cores from the others (tokio's workers measurably slowed every
        // workload run after it).
        if only.is_none() && !on_pg {
            for alone in harness::ALONE {
                schedule.extend(["raw", "colt"].map(|i| (i, Some(*alone))));
            }
        }
    }
    // PonyORM's script runs every workload: not with `--only`.
    if impls.contains(&"pony") && only.is_none() {
        schedule.push(("pony", None));
    }
    let mut per_run: BTreeMap<(String, usize), BTreeMap<String, Vec<u128>>> = BTreeMap::new();
    for (imp, only) in schedule {
        let mut cmd = if imp == "pony" {
            let mut c = Command::new("python3");
            c.arg(pony_script);
            if let Some(url) = PG_URL.get() {
                c.arg("--pg").arg(url);
            }
            c
        } else if imp == "diesel" {
            let mut c = Command::new(&diesel_exe);
            c.arg("--impl").arg(imp);
            c
        } else if let (true, Some(exe)) = (imp == "sqlx", &sqlx_exe) {
            let mut c = Command::new(exe);
            c.arg("--impl").arg(imp);
            c
        } else {
            let mut c = Command::new(&exe);
            c.arg("--impl").arg(imp);
            c
        };
        if quick {
            cmd.arg("--quick");
        }
        if let Some(only) = only.filter(|_| imp != "pony") {
            cmd.arg("--only").arg(only);
        }
        if on_pg && imp != "pony" {
            cmd.arg("--suite").arg("postgres");
            if let Some(url) = PG_URL.get() {
                cmd.arg("--pg").arg(url);
            }
        }
        let out = cmd.output().expect("run child");
        if !out.status.success() {
            eprintln!("{imp} failed: {}", String::from_utf8_lossy(&out.stderr));
            std::process::exit(1);
        }
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let parts: Vec<&str> = line.split_whitespace().collect();
            match parts.as_slice() {
                ["RESULT", g, n, ns] => {
                    per_run
                        .entry((g.to_string(), n.parse().unwrap_or(0)))
                        .or_default()
                        .entry(imp.to_string())
                        .or_default()
                        .push(ns.parse().unwrap_or(0));
                }
                ["PEAK", kib] => peaks.push((imp.to_string(), kib.to_string())),
                _ => {}
            }
        }
    }
    // Colt/raw of each run, for the spread.
    let mut spread: BTreeMap<(String, usize), (f64, f64)> = BTreeMap::new();
    for (key, by_impl) in &per_run {
        if let (Some(r), Some(c)) = (by_impl.get("raw"), by_impl.get("colt")) {
            let ratios = r.iter().zip(c).map(|(r, c)| *c as f64 / (*r).max(1) as f64);
            let (lo, hi) = ratios.fold((f64::MAX, 0.0_f64), |(lo, hi), x| (lo.min(x), hi.max(x)));
            spread.insert(key.clone(), (lo, hi));
        }
        let m = medians.entry(key.clone()).or_default();
        for (imp, times) in by_impl {
            let mut t = times.clone();
            t.sort_unstable();
            m.insert(imp.clone(), t[t.len() / 2]);
        }
    }
    let raw_name = if on_pg {
        "raw postgres"
    } else {
        "raw rusqlite"
    };
    if on_pg {
        println!("| workload | size | {raw_name} | Colt | Diesel | SQLx | PonyORM | Colt/raw | Colt/raw, each run | Colt/Diesel | Colt/SQLx | Pony/Colt |");
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    } else {
        println!("| workload | size | {raw_name} | Colt | Diesel | PonyORM | Colt/raw | Colt/raw, each run | Colt/Diesel | Pony/Colt |");
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    }
    let order: Vec<(String, usize)> = workloads()
        .into_iter()
        .map(|(g, n)| (g.to_string(), n))
        .collect();
    for key in order {
        let Some(m) = medians.get(&key) else { continue };
        if !(m.contains_key("raw") && m.contains_key("colt")) {
            continue;
        }
        let get = |k: &str| m.get(k).copied().unwrap_or(0);
        let (raw, colt, diesel, pony) = (get("raw"), get("colt"), get("diesel"), get("pony"));
        let pony_cells = if pony == 0 {
            ("—".to_string(), "—".to_string())
        } else {
            (
                fmt_time(pony),
                format!("{:.0}×", pony as f64 / colt.max(1) as f64),
            )
        };
        let each_run = match spread.get(&key) {
            Some((lo, hi)) => format!("{lo:.2}–{hi:.2}"),
            None => "—".to_string(),
        };
        let (diesel_time, vs_diesel) = if diesel == 0 {
            ("—".to_string(), "—".to_string())
        } else {
            (
                fmt_time(diesel),
                format!("{:.2}×", colt as f64 / diesel as f64),
            )
        };
        let sqlx = get("sqlx");
        let (sqlx_time, vs_sqlx) = if sqlx == 0 {
            ("—".to_string(), "—".to_string())
        } else {
            (fmt_time(sqlx), format!("{:.2}×", colt as f64 / sqlx as f64))
        };
        let sqlx_cells = if on_pg {
            (format!(" {sqlx_time} |"), format!(" {vs_sqlx} |"))
        } else {
            (String::new(), String::new())
        };
        println!(
            "| {} | {} | {} | {} | {} |{} {} | {:.2}× | {} | {} |{} {} |",
            key.0,
            key.1,
            fmt_time(raw),
            fmt_time(colt),
            diesel_time,
            sqlx_cells.0,
            pony_cells.0,
            colt as f64 / raw.max(1) as f64,
            each_run,
            vs_diesel,
            sqlx_cells.1,
            pony_cells.1
        );
    }
    println!();
    // The ratios as a chart: Colt against the hand-written code and against Diesel.
    let keys: Vec<(String, usize)> = workloads()
        .into_iter()
        .map(|(g, n)| (g.to_string(), n))
        // The hand-off is Colt against itself, not a ratio to the others.
        .filter(|k| k.0 != "spawn_blocking_handoff")
        .filter(|k| {
            medians
                .get(k)
                .is_some_and(|m| m.contains_key("raw") && m.contains_key("colt"))
        })
        .collect();
    let labels: Vec<String> = keys.iter().map(|(g, n)| format!("{g} {n}")).collect();
    let ratio = |k: &(String, usize), of: &str| -> Option<f64> {
        let m = medians.get(k)?;
        Some(*m.get("colt")? as f64 / (*m.get(of)?).max(1) as f64)
    };
    let mut against = vec![("raw", raw_name), ("diesel", "Diesel")];
    if on_pg {
        against.push(("sqlx", "SQLx"));
    }
    let series: Vec<plot::Series> = against
        .iter()
        .map(|(of, name)| plot::Series {
            name: format!("Colt / {name}"),
            points: keys
                .iter()
                .enumerate()
                .filter_map(|(i, k)| Some((i as f64, ratio(k, of)?)))
                .collect(),
        })
        .collect();
    if only.is_none() {
        plot::ratios(
            &format!("{}/results/ratios_{suite}.svg", env!("CARGO_MANIFEST_DIR")),
            &format!(
                "Colt's time over the others' ({}; below 1: Colt is faster)",
                if on_pg { "PostgreSQL" } else { "SQLite" }
            ),
            &labels,
            &series,
        );
    }
    let mut peak: BTreeMap<String, u64> = BTreeMap::new();
    for (imp, kib) in peaks {
        let kib = kib.parse().unwrap_or(0);
        let e = peak.entry(imp).or_default();
        *e = (*e).max(kib);
    }
    for imp in IMPLS.iter().chain(["sqlx", "pony"].iter()) {
        if let Some(kib) = peak.get(*imp) {
            println!("peak memory of the {imp} process: {kib} KiB");
        }
    }
}
