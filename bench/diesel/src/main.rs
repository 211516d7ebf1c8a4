//! The Diesel implementation of the benchmark, a binary of its own: Diesel 2.3 links
//! libsqlite3-sys 0.38, the library's rusqlite a newer one, and a workspace may link one
//! SQLite. `colt-bench` builds and runs it as its "diesel" process; it speaks the same
//! protocol as the other children (`--impl diesel [--quick] [--only ..]`, `RESULT` lines;
//! `--suite postgres --pg URL` for PostgreSQL, where each workload has a schema of its own).

#[path = "../../src/data.rs"]
mod data;
#[path = "../../src/diesel_impl.rs"]
mod diesel_impl;
#[path = "../../src/harness.rs"]
mod harness;

use diesel_impl::DieselBench;
use harness::{child, keys, Run};

/// The server of `--suite postgres`.
static PG_URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// One workload, given how to make a `DieselBench` with (users, posts, comments, colored).
macro_rules! workload {
    ($group:expr, $n:expr, $make:expr) => {{
        let n = $n;
        let make = $make;
        match $group {
            "trivial_query" => {
                let mut d = make(n, 0, 0, false);
                (Box::new(move || d.trivial().len()) as Run, n)
            }
            "medium_complex_query" => {
                let mut d = make(n, 0, 0, true);
                (Box::new(move || d.medium().len()) as Run, n.div_ceil(2))
            }
            "insert" => {
                let mut d = make(0, 0, 0, false);
                (
                    Box::new(move || {
                        d.insert(n);
                        n
                    }) as Run,
                    n,
                )
            }
            "loading_associations" => {
                let mut d = make(n, 10, 10, false);
                (
                    Box::new(move || {
                        d.associations()
                            .iter()
                            .map(|(_, p)| p.iter().map(|(_, c)| c.len()).sum::<usize>())
                            .sum()
                    }) as Run,
                    n * 100,
                )
            }
            "pk_lookup" => {
                let mut d = make(10_000, 0, 0, false);
                let k = keys(10_000, n);
                (Box::new(move || d.lookups(&k)) as Run, n)
            }
            "grouped_aggregate" => {
                let mut d = make(n / 10, 10, 0, false);
                (Box::new(move || d.grouped().len()) as Run, n / 10)
            }
            "update_changed_objects" => {
                let mut d = make(n, 0, 0, false);
                (
                    Box::new(move || {
                        d.update(n);
                        n
                    }) as Run,
                    n,
                )
            }
            "insert_many" => {
                let mut d = make(0, 0, 0, false);
                let mut round = 0;
                (
                    Box::new(move || {
                        d.insert_many(round, n);
                        round += 1;
                        n
                    }) as Run,
                    n,
                )
            }
            _ => (Box::new(|| 0_usize) as Run, 0),
        }
    }};
}

fn prepare(_imp: &str, group: &str, n: usize) -> (Run, usize) {
    if matches!(
        group,
        "spawn_blocking_handoff" | "pk_lookup_warm" | "repeated_query_warm"
    ) {
        return (Box::new(|| 0), 0); // Colt's own measures
    }
    match PG_URL.get() {
        Some(url) => workload!(group, n, |u, p, c, colored| {
            DieselBench::on_postgres(url, &format!("{group}_{n}"), u, p, c, colored)
        }),
        None => workload!(group, n, DieselBench::new),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (rounds, only) = harness::settings(&args);
    let on_pg = harness::arg(&args, "--suite") == Some("postgres");
    let rounds = if on_pg {
        if let Some(url) = harness::arg(&args, "--pg") {
            let _ = PG_URL.set(url.to_string());
        }
        rounds.div_ceil(5)
    } else {
        rounds
    };
    child("diesel", rounds, only, prepare);
}
