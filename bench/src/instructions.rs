//! `--suite instructions`: the SQLite workloads counted in instructions per iteration
//! (valgrind's callgrind), for the hand-written code, Colt and Diesel. Unlike times, counts
//! repeat to the instruction on any machine state, so they are the firm measure of what a
//! change costs; they do not see cache misses (what keeping every object costs the
//! allocator's and the processor's caches shows only in times).
//!
//! Each count is the difference of two runs of one workload in a process of its own, with 11
//! and 1 rounds (`COLT_BENCH_ROUNDS`), over 10: the setup cancels out.
//!
//! With `--pg URL` (`--suite instructions --pg URL`), the PostgreSQL workloads against the
//! `postgres` crate's hand-written code and Diesel's PostgreSQL backend: the client's
//! instructions, the server's work left out (its processes are not the child's). With the
//! same statements and round trips as another implementation, fewer client instructions
//! is less time wherever the server's share does not differ.

use std::path::Path;
use std::process::Command;
use std::thread;

use crate::harness::{workloads, ALONE};

/// Instructions of one process: `exe --impl imp --only w` with `rounds` rounds (on
/// PostgreSQL, against `pg`).
fn count(exe: &Path, imp: &str, w: &str, rounds: usize, pg: Option<&str>) -> Option<u64> {
    let mut cmd = Command::new("valgrind");
    cmd.args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(exe)
        .args(["--impl", imp, "--only", w]);
    // (A PostgreSQL child runs a fifth of the rounds it is given.)
    let rounds = match pg {
        Some(url) => {
            cmd.args(["--suite", "postgres", "--pg", url]);
            rounds * 5
        }
        None => rounds,
    };
    let out = cmd
        .env("COLT_BENCH_ROUNDS", rounds.to_string())
        .output()
        .ok()?;
    // A workload the implementation does not have prints no result.
    if !out.status.success() || !String::from_utf8_lossy(&out.stdout).contains("RESULT") {
        return None;
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let at = err.find("Collected : ")?;
    err[at + "Collected : ".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Instructions per iteration of `w` in `imp`, or `None` when it has no such workload.
fn per_iteration(exe: &Path, imp: &str, w: &str, pg: Option<&str>) -> Option<u64> {
    let one = count(exe, imp, w, 1, pg)?;
    let eleven = count(exe, imp, w, 11, pg)?;
    Some(eleven.saturating_sub(one) / 10)
}

/// The parent: every workload of every implementation, two processes at a time; on
/// PostgreSQL (`pg`), the workloads that talk to the server.
pub fn run(exe: &Path, diesel: &Path, pg: Option<&str>) {
    let has_valgrind = Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_valgrind {
        eprintln!("--suite instructions needs valgrind (apt-get install valgrind)");
        std::process::exit(2);
    }
    let names: Vec<String> = match pg {
        Some(_) => crate::pg::workloads(),
        None => workloads(),
    }
    .into_iter()
    .map(|(g, n)| format!("{g}/{n}"))
    .filter(|w| !ALONE.contains(&w.as_str()))
    .collect();
    let raw_name = if pg.is_some() {
        "raw `postgres`"
    } else {
        "raw rusqlite"
    };
    println!("| workload | {raw_name} | Colt | Diesel | Colt/raw | Colt/Diesel |");
    println!("|---|---:|---:|---:|---:|---:|");
    for w in &names {
        let (raw, colt, diesel) = thread::scope(|s| {
            let raw = s.spawn(|| per_iteration(exe, "raw", w, pg));
            let colt = s.spawn(|| per_iteration(exe, "colt", w, pg));
            let diesel = per_iteration(diesel, "diesel", w, pg);
            (
                raw.join().ok().flatten(),
                colt.join().ok().flatten(),
                diesel,
            )
        });
        let cell = |v: Option<u64>| v.map_or("—".to_string(), |v| v.to_string());
        let ratio = |a: Option<u64>, b: Option<u64>| match (a, b) {
            (Some(a), Some(b)) if b > 0 => format!("{:.2}×", a as f64 / b as f64),
            _ => "—".to_string(),
        };
        println!(
            "| {w} | {} | {} | {} | {} | {} |",
            cell(raw),
            cell(colt),
            cell(diesel),
            ratio(colt, raw),
            ratio(colt, diesel)
        );
    }
}
