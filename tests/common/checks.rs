//! The checker of the PonyORM ports (`tests/pony_suite*.rs`): each check runs in a
//! transaction of its own, on the backend the test runs, and every failure is kept.

use std::fmt::Debug;

use colt::prelude::*;

/// Runs checks and keeps every failure, so that one run shows them all.
pub struct Ck<'a> {
    pub db: &'a Database,
    pub backend: &'static str,
    pub module: &'static str,
    pub fails: Vec<String>,
    pub passed: usize,
    pub total: usize,
    pub documented: Vec<String>,
}

impl<'a> Ck<'a> {
    /// A checker of the queries of `module`, run on `db`.
    pub fn new(db: &'a Database, backend: &'static str, module: &'static str) -> Self {
        Ck {
            db,
            backend,
            module,
            fails: vec![],
            passed: 0,
            total: 0,
            documented: vec![],
        }
    }
    /// A check whose answer docs/semantics.md documents as differing from PonyORM's
    /// (`pony`): `colt` is the one asserted; the difference is listed.
    pub fn doc<T: PartialEq + Debug + Clone>(
        &mut self,
        name: &str,
        pony: T,
        colt: T,
        f: impl FnOnce(&Transaction) -> colt::Result<T>,
    ) {
        let before = self.fails.len();
        let (p2, c2) = (pony.clone(), colt.clone());
        self.eq(name, colt, f);
        if self.fails.len() == before && p2 != c2 {
            self.documented.push(format!(
                "[{}] {}::{name}: Colt {c2:?}, PonyORM {p2:?}",
                self.backend, self.module
            ));
        }
    }
    /// A check: `f`'s answer, in a transaction of its own, is `want`.
    pub fn eq<T: PartialEq + Debug>(
        &mut self,
        name: &str,
        want: T,
        f: impl FnOnce(&Transaction) -> colt::Result<T>,
    ) {
        self.total += 1;
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.db.transaction(f)));
        let (b, m) = (self.backend, self.module);
        match r {
            Ok(Ok(got)) => {
                if got != want {
                    self.fails.push(format!(
                        "[{b}] {m}::{name}:\n   got  {got:?}\n   want {want:?}"
                    ))
                } else {
                    self.passed += 1;
                }
            }
            Ok(Err(e)) => self.fails.push(format!("[{b}] {m}::{name}: ERROR {e:?}")),
            Err(p) => self.fails.push(format!(
                "[{b}] {m}::{name}: PANIC {}",
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )),
        }
    }
    /// [`Ck::eq`] in a transaction that is rolled back.
    pub fn eq_rb<T: PartialEq + Debug>(
        &mut self,
        name: &str,
        want: T,
        f: impl FnOnce(&Transaction) -> colt::Result<T>,
    ) {
        self.total += 1;
        let (b, m) = (self.backend, self.module);
        let r = self.db.begin().and_then(|tx| {
            let r = f(&tx);
            drop(tx);
            r
        });
        match r {
            Ok(got) if got == want => self.passed += 1,
            Ok(got) => self.fails.push(format!(
                "[{b}] {m}::{name}:\n   got  {got:?}\n   want {want:?}"
            )),
            Err(e) => self.fails.push(format!("[{b}] {m}::{name}: ERROR {e:?}")),
        }
    }
}

/// A check module: seeds its data through the checker's database, then runs its checks.
pub type Module = (&'static str, fn(&mut Ck) -> colt::Result<()>);

/// Runs each module on a database of its own on `backend`, prints what passed and the
/// documented divergences, and fails with every failure.
pub fn run_modules(backend: &super::Backend, modules: &[Module]) {
    let mut fails = vec![];
    let mut documented = vec![];
    let (mut passed, mut total) = (0, 0);
    for &(name, run) in modules {
        let db = backend.open();
        let mut ck = Ck::new(&db, backend.name, name);
        if let Err(e) = run(&mut ck) {
            ck.fails
                .push(format!("[{}] {name}: seed/run ERROR {e:?}", backend.name));
        }
        passed += ck.passed;
        total += ck.total;
        fails.extend(ck.fails);
        documented.extend(ck.documented);
    }
    eprintln!("[{}] passed {passed} of {total} checks", backend.name);
    eprintln!(
        "[{}] documented divergences:\n{}",
        backend.name,
        documented.join("\n")
    );
    assert!(
        fails.is_empty(),
        "{} failures:\n{}",
        fails.len(),
        fails.join("\n")
    );
}
