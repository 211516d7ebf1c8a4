//! Crash safety (issue 12): a writer process killed (SIGKILL) at random points while it
//! commits transfers to a SQLite file loses no acknowledged commit and leaves no half of one.
//!
//! A test of its own (`harness = false`): the same executable is the writer when
//! `COLT_CRASH_WRITER` names a file. Each round starts a writer, kills it after a random
//! moment, and checks the file: `PRAGMA integrity_check`, every transfer the writer printed
//! as committed is there, and every account's balance is its opening balance plus the
//! ledger's transfers (a transfer is three writes in one transaction). Half the rounds use
//! the rollback journal, half write-ahead logging.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use colt::prelude::*;
use colt::JournalMode;

const ACCOUNTS: i64 = 8;
const OPENING: i64 = 1_000;
const ROUNDS: u32 = 30;

#[derive(Entity, Debug, Clone)]
struct Account {
    #[colt(primary_key)]
    id: i64,
    balance: i64,
}

#[derive(Entity, Debug, Clone)]
struct Transfer {
    #[colt(primary_key)]
    seq: i64,
    from_account: i64,
    to_account: i64,
    amount: i64,
}

/// A small, seedable generator (xorshift): the seed is printed, so a failing round can be
/// run again.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn open(url: &str, mode: JournalMode) -> colt::Result<Database> {
    let db = Database::builder(url)
        .journal_mode(mode)
        .busy_timeout(Duration::from_secs(10))
        .open()?;
    db.bind(schema![Account, Transfer])?;
    Ok(db)
}

fn mode_of(name: &str) -> JournalMode {
    if name == "wal" {
        JournalMode::Wal
    } else {
        JournalMode::Delete
    }
}

/// The writer: transfers until killed, printing each sequence number once its commit
/// returned `Ok`.
fn writer(url: &str, mode: JournalMode, seed: u64) -> colt::Result<()> {
    let db = open(url, mode)?;
    let mut rng = Rng(seed | 1);
    let next: Vec<(Option<i64>,)> =
        db.transaction(|tx| tx.query_sql("SELECT max(seq) FROM transfer", &[]))?;
    let mut seq = next.first().and_then(|r| r.0).unwrap_or(0) + 1;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "ready");
    let _ = out.flush();
    loop {
        let from = rng.below(ACCOUNTS as u64) as i64 + 1;
        let to = (from + rng.below(ACCOUNTS as u64 - 1) as i64) % ACCOUNTS + 1;
        let amount = rng.below(50) as i64 + 1;
        db.transaction(|tx| {
            let a = tx.get_or_err::<Account>(from)?;
            let b = tx.get_or_err::<Account>(to)?;
            a.set(|x| x.balance -= amount)?;
            b.set(|x| x.balance += amount)?;
            tx.insert(Transfer {
                seq,
                from_account: from,
                to_account: to,
                amount,
            })?;
            Ok(())
        })?;
        let _ = writeln!(out, "{seq}");
        let _ = out.flush();
        seq += 1;
    }
}

/// Checks the file after a kill; returns how many transfers it holds.
fn check(url: &str, mode: JournalMode, acknowledged: &[i64]) -> colt::Result<usize> {
    let db = open(url, mode)?;
    db.transaction(|tx| {
        let integrity: Vec<String> = tx.query_sql("PRAGMA integrity_check", &[])?;
        assert_eq!(integrity, ["ok"], "the file is damaged");
        let transfers = select!(t for t in Transfer).fetch(tx)?;
        let seqs: HashSet<i64> = transfers.iter().map(|t| t.seq()).collect();
        for seq in acknowledged {
            assert!(seqs.contains(seq), "acknowledged transfer {seq} is lost");
        }
        let mut expected = vec![OPENING; ACCOUNTS as usize];
        for t in &transfers {
            expected[(t.from_account() - 1) as usize] -= t.amount();
            expected[(t.to_account() - 1) as usize] += t.amount();
        }
        for a in select!(a for a in Account).fetch(tx)? {
            assert_eq!(
                a.balance(),
                expected[(a.id() - 1) as usize],
                "account {} disagrees with the ledger (half a transfer committed)",
                a.id()
            );
        }
        Ok(transfers.len())
    })
}

fn main() -> colt::Result<()> {
    if let Ok(url) = std::env::var("COLT_CRASH_WRITER") {
        let mode = mode_of(&std::env::var("COLT_CRASH_MODE").unwrap_or_default());
        let seed = std::env::var("COLT_CRASH_SEED").ok();
        return writer(&url, mode, seed.and_then(|s| s.parse().ok()).unwrap_or(1));
    }
    let seed = std::env::var("COLT_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
            now.map(|d| d.as_nanos() as u64).unwrap_or(7) | 1
        });
    println!("crash safety: seed {seed} (COLT_CRASH_SEED={seed} runs the same kill points)");
    let mut rng = Rng(seed);
    let exe = std::env::current_exe().expect("the test executable");
    let started = Instant::now();
    for mode in ["delete", "wal"] {
        let dir = std::env::temp_dir().join(format!("colt-crash-{}-{mode}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let url = format!("sqlite:{}?mode=rwc", dir.join("bank.db").display());
        {
            let db = open(&url, mode_of(mode))?;
            db.create_tables()?;
            db.transaction(|tx| {
                for id in 1..=ACCOUNTS {
                    tx.insert(Account {
                        id,
                        balance: OPENING,
                    })?;
                }
                Ok(())
            })?;
        }
        let mut acknowledged = Vec::new();
        let mut kills = 0;
        for round in 0..ROUNDS / 2 {
            let mut child = Command::new(&exe)
                .env("COLT_CRASH_WRITER", &url)
                .env("COLT_CRASH_MODE", mode)
                .env("COLT_CRASH_SEED", (seed ^ u64::from(round + 1)).to_string())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("the writer starts");
            let stdout = child.stdout.take().expect("its output");
            let reader = std::thread::spawn(move || {
                BufReader::new(stdout)
                    .lines()
                    .map_while(|l| l.ok())
                    .collect::<Vec<String>>()
            });
            // Let it write for a random moment (it prints "ready" once open).
            std::thread::sleep(Duration::from_millis(20 + rng.below(120)));
            let alive = child.try_wait().expect("the writer's state").is_none();
            child.kill().expect("SIGKILL");
            let status = child.wait().expect("the writer ends");
            let lines = reader.join().expect("the reader");
            assert!(
                alive,
                "round {round} ({mode}): the writer ended before it was killed: {status}; {lines:?}"
            );
            kills += 1;
            acknowledged.extend(lines.iter().filter_map(|l| l.parse::<i64>().ok()));
            let held = check(&url, mode_of(mode), &acknowledged)?;
            assert!(held >= acknowledged.len());
        }
        println!(
            "crash safety ({mode}): {kills} writers killed, {} commits acknowledged, none lost",
            acknowledged.len()
        );
        assert!(
            acknowledged.len() > ROUNDS as usize,
            "too few commits to test anything"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    println!("crash safety: {:?}", started.elapsed());
    Ok(())
}
