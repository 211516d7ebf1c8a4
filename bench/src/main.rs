//! `cargo run -p colt-bench --release` runs every workload of Diesel's suite (and three more)
//! with hand-written rusqlite and with Colt, each implementation in a process of its own (for
//! its peak memory), the workloads interleaved round by round, and prints one table of
//! medians. The Rust implementations run three times in turn (`-- --runs N`), and the table
//! shows the median of their medians and the spread of Colt/raw over the runs. `-- --quick`
//! runs fewer rounds, once.
//!
//! Each workload checks its result once before timing, so a broken query cannot look fast.

mod colt_impl;
mod diesel_impl;
mod raw;
mod schema;

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Instant;

const IMPLS: &[&str] = &["raw", "colt", "diesel"];

/// One workload at one size: (group, size).
fn workloads() -> Vec<(&'static str, usize)> {
    let mut w = Vec::new();
    for n in [1, 10, 100, 1000, 10000] {
        w.push(("trivial_query", n));
    }
    for n in [1, 10, 100, 1000, 10000] {
        w.push(("medium_complex_query", n));
    }
    for n in [1, 10, 100, 1000] {
        w.push(("insert", n));
    }
    w.push(("loading_associations", 9));
    w.push(("pk_lookup", 1000));
    w.push(("grouped_aggregate", 1000));
    w.push(("update_changed_objects", 1000));
    // Not against hand-written code: "raw" is Colt's one-lookup transaction called directly,
    // "colt" the same from an async task through `spawn_blocking` (the web example's way), so
    // their ratio is the hand-off's cost per request.
    w.push(("spawn_blocking_handoff", 1000));
    w
}

/// A pseudo-random permutation of 1..=n's first `k` keys (deterministic).
fn keys(n: usize, k: usize) -> Vec<i64> {
    let mut v: Vec<i64> = (1..=n as i64).collect();
    let mut s: u64 = 0x2545_F491_4F6C_DD1D;
    for i in (1..v.len()).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        v.swap(i, (s % (i as u64 + 1)) as usize);
    }
    v.truncate(k);
    v
}

/// A prepared workload: runs one timed iteration; returns a count checked once.
type Run = Box<dyn FnMut() -> usize>;

fn prepare(imp: &str, group: &str, n: usize) -> (Run, usize) {
    use colt_impl::ColtBench;
    use diesel_impl::DieselBench;
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
        ("colt", "update_changed_objects") => {
            let c = ColtBench::new(n, 0, 0, false);
            (
                Box::new(move || {
                    c.update(n);
                    n
                }),
                n,
            )
        }
        ("diesel", "trivial_query") => {
            let mut d = DieselBench::new(n, 0, 0, false);
            (Box::new(move || d.trivial().len()), n)
        }
        ("diesel", "medium_complex_query") => {
            let mut d = DieselBench::new(n, 0, 0, true);
            (Box::new(move || d.medium().len()), n.div_ceil(2))
        }
        ("diesel", "insert") => {
            let mut d = DieselBench::new(0, 0, 0, false);
            (
                Box::new(move || {
                    d.insert(n);
                    n
                }),
                n,
            )
        }
        ("diesel", "loading_associations") => {
            let mut d = DieselBench::new(n, 10, 10, false);
            (
                Box::new(move || {
                    d.associations()
                        .iter()
                        .map(|(_, p)| p.iter().map(|(_, c)| c.len()).sum::<usize>())
                        .sum()
                }),
                n * 100,
            )
        }
        ("diesel", "pk_lookup") => {
            let mut d = DieselBench::new(10_000, 0, 0, false);
            let k = keys(10_000, n);
            (Box::new(move || d.lookups(&k)), n)
        }
        ("diesel", "grouped_aggregate") => {
            let mut d = DieselBench::new(n / 10, 10, 0, false);
            (Box::new(move || d.grouped().len()), n / 10)
        }
        ("diesel", "update_changed_objects") => {
            let mut d = DieselBench::new(n, 0, 0, false);
            (
                Box::new(move || {
                    d.update(n);
                    n
                }),
                n,
            )
        }
        _ => (Box::new(|| 0), 0),
    }
}

/// Peak resident memory of this process, in KiB (Linux).
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// The child: runs every workload of one implementation, interleaved, and prints medians.
fn child(imp: &str, rounds: usize, only: Option<&str>) {
    let mut prepared: Vec<((&str, usize), Run)> = Vec::new();
    for (group, n) in workloads() {
        if only.is_some_and(|o| !o.split(',').any(|w| w == format!("{group}/{n}"))) {
            continue;
        }
        let (mut run, expected) = prepare(imp, group, n);
        let got = run();
        if got != expected {
            eprintln!("{imp} {group} {n}: expected {expected}, got {got}");
            std::process::exit(1);
        }
        prepared.push(((group, n), run));
    }
    let mut samples: Vec<Vec<u128>> = vec![Vec::new(); prepared.len()];
    for _ in 0..rounds {
        for (i, (_, run)) in prepared.iter_mut().enumerate() {
            // Small workloads repeat inside a sample so the clock can see them.
            let reps = 1;
            let start = Instant::now();
            for _ in 0..reps {
                std::hint::black_box(run());
            }
            samples[i].push(start.elapsed().as_nanos() / reps);
        }
    }
    for (((group, n), _), mut s) in prepared.into_iter().zip(samples) {
        s.sort_unstable();
        println!("RESULT {group} {n} {}", s[s.len() / 2]);
    }
    println!("PEAK {}", peak_kib());
}

/// Profiling runs (`COLT_BENCH_ROUNDS`) repeat a workload many times.
fn only_many() -> bool {
    std::env::var_os("COLT_BENCH_PROFILE").is_some()
}

fn fmt_time(ns: u128) -> String {
    if ns >= 10_000_000 {
        format!("{:.1} ms", ns as f64 / 1e6)
    } else {
        format!("{:.1} µs", ns as f64 / 1e3)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let rounds = if quick {
        15
    } else if only_many() {
        200_000
    } else {
        101
    };
    // `--only trivial_query/1` limits a child to one workload (for profiling).
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str);
    if let Some(imp) = args
        .iter()
        .position(|a| a == "--impl")
        .and_then(|i| args.get(i + 1))
    {
        child(imp, rounds, only);
        return;
    }
    let exe = std::env::current_exe().expect("own path");
    let mut medians: BTreeMap<(String, usize), BTreeMap<String, u128>> = BTreeMap::new();
    let mut peaks = Vec::new();
    // PonyORM runs when Python can import it (`pip install pony==0.7.20`).
    let pony_script = concat!(env!("CARGO_MANIFEST_DIR"), "/pony/bench.py");
    let has_pony = Command::new("python3")
        .args(["-c", "import pony"])
        .output()
        .is_ok_and(|o| o.status.success());
    let mut impls: Vec<&str> = IMPLS.to_vec();
    if has_pony {
        impls.push("pony");
    } else {
        eprintln!("PonyORM is not installed (pip install pony==0.7.20): its column stays empty");
    }
    // The Rust implementations run `runs` times, in turn (raw, colt, diesel, raw, ...), so
    // that a slow spell of the machine does not fall on one of them; each time is the median
    // over the runs of each run's median. PonyORM, far slower, runs once.
    let runs = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(if quick { 1 } else { 3 })
        .max(1);
    let mut schedule: Vec<&str> = Vec::new();
    for _ in 0..runs {
        schedule.extend(impls.iter().filter(|i| **i != "pony"));
    }
    if impls.contains(&"pony") {
        schedule.push("pony");
    }
    let mut per_run: BTreeMap<(String, usize), BTreeMap<String, Vec<u128>>> = BTreeMap::new();
    for imp in schedule {
        let mut cmd = if imp == "pony" {
            let mut c = Command::new("python3");
            c.arg(pony_script);
            c
        } else {
            let mut c = Command::new(&exe);
            c.arg("--impl").arg(imp);
            c
        };
        if quick {
            cmd.arg("--quick");
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
    println!("| workload | size | raw rusqlite | Colt | Diesel | PonyORM | Colt/raw | Colt/raw, each run | Colt/Diesel | Pony/Colt |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let order: Vec<(String, usize)> = workloads()
        .into_iter()
        .map(|(g, n)| (g.to_string(), n))
        .collect();
    for key in order {
        let Some(m) = medians.get(&key) else { continue };
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
        println!(
            "| {} | {} | {} | {} | {} | {} | {:.2}× | {} | {:.2}× | {} |",
            key.0,
            key.1,
            fmt_time(raw),
            fmt_time(colt),
            fmt_time(diesel),
            pony_cells.0,
            colt as f64 / raw.max(1) as f64,
            each_run,
            colt as f64 / diesel.max(1) as f64,
            pony_cells.1
        );
    }
    println!();
    let mut peak: BTreeMap<String, u64> = BTreeMap::new();
    for (imp, kib) in peaks {
        let kib = kib.parse().unwrap_or(0);
        let e = peak.entry(imp).or_default();
        *e = (*e).max(kib);
    }
    for imp in IMPLS.iter().chain(["pony"].iter()) {
        if let Some(kib) = peak.get(*imp) {
            println!("peak memory of the {imp} process: {kib} KiB");
        }
    }
}
