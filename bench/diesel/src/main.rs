//! The Diesel implementation of the benchmark, a binary of its own: Diesel 2.3 links
//! libsqlite3-sys 0.38, the library's rusqlite a newer one, and a workspace may link one
//! SQLite. `colt-bench` builds and runs it as its "diesel" process; it speaks the same
//! protocol as the other children (`--impl diesel [--quick] [--only ..]`, `RESULT` lines).

#[path = "../../src/data.rs"]
mod data;
#[path = "../../src/diesel_impl.rs"]
mod diesel_impl;
#[path = "../../src/harness.rs"]
mod harness;

use diesel_impl::DieselBench;
use harness::{child, keys, Run};

fn prepare(_imp: &str, group: &str, n: usize) -> (Run, usize) {
    match ("diesel", group) {
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

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (rounds, only) = harness::settings(&args);
    child("diesel", rounds, only, prepare);
}
