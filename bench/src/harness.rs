//! What the benchmark's processes share: the workloads, the keys they look up, and the child
//! loop that runs one implementation's workloads and prints their medians. Included by path
//! (`#[path]`) in the main bench and in the Diesel binary (`bench/diesel`), which is built
//! apart: Diesel 2.3 links an older SQLite than the library's rusqlite.

use std::time::Instant;

/// One workload at one size: (group, size).
pub fn workloads() -> Vec<(&'static str, usize)> {
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
    // The same, against hand-written code that makes Colt's optimistic check (the columns
    // read must still hold what was read), which the workload above leaves out.
    w.push(("update_checked_objects", 1000));
    // Many rows in multi-row `INSERT`s (keys given, so every implementation can).
    w.push(("insert_many", 1000));
    // A warm session: "raw" runs the same statements as in the cold workloads; Colt runs
    // inside one long transaction that has already loaded the rows (its identity map and
    // result cache answer), Diesel has no session to keep warm.
    w.push(("pk_lookup_warm", 1000));
    w.push(("repeated_query_warm", 100));
    // Not against hand-written code: "raw" is Colt's one-lookup transaction called directly,
    // "colt" the same from an async task through `spawn_blocking` (the web example's way), so
    // their ratio is the hand-off's cost per request.
    w.push(("spawn_blocking_handoff", 1000));
    w
}

/// Workloads that start threads of their own: run only when named by `--only` (the parent
/// runs each in a process of its own), never interleaved with the others.
pub const ALONE: &[&str] = &["spawn_blocking_handoff/1000"];

/// A pseudo-random permutation of 1..=n's first `k` keys (deterministic).
pub fn keys(n: usize, k: usize) -> Vec<i64> {
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
pub type Run = Box<dyn FnMut() -> usize>;

/// The child: runs every workload of one implementation, interleaved, and prints medians.
pub fn child(
    imp: &str,
    rounds: usize,
    only: Option<&str>,
    prepare: fn(&str, &str, usize) -> (Run, usize),
) {
    let mut prepared: Vec<((&str, usize), Run)> = Vec::new();
    for (group, n) in workloads() {
        let name = format!("{group}/{n}");
        let wanted = match only {
            Some(o) => o.split(',').any(|w| w == name),
            None => !ALONE.contains(&name.as_str()),
        };
        if !wanted {
            continue;
        }
        let (mut run, expected) = prepare(imp, group, n);
        if expected == 0 {
            continue; // a workload this implementation does not have
        }
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

/// A child's settings from its arguments: the rounds (`COLT_BENCH_ROUNDS=n`: n, for
/// instruction counts per iteration; `--quick`: few; `COLT_BENCH_PROFILE`: many, for
/// profiling) and `--only group/n,..`.
pub fn settings(args: &[String]) -> (usize, Option<&str>) {
    let rounds = if let Some(n) = std::env::var("COLT_BENCH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        n
    } else if args.iter().any(|a| a == "--quick") {
        15
    } else if std::env::var_os("COLT_BENCH_PROFILE").is_some() {
        200_000
    } else {
        101
    };
    (rounds, arg(args, "--only"))
}

/// The value after `flag` in the arguments.
pub fn arg<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}
