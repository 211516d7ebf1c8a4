//! A PostgreSQL restart under load (issue 12): writers commit while the server restarts; no
//! acknowledged write is lost, and every writer commits again once the server is back.
//!
//! A test binary of its own, so that no other test runs while the server restarts. It runs
//! only against the throwaway server of `scripts/pg-test-server.sh` (which `.ci/run`
//! starts): it never restarts a server the script does not own.

mod common;

use std::collections::HashSet;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use colt::prelude::*;
use common::each_backend;

const WRITERS: i64 = 4;

#[derive(Entity, Debug, Clone)]
struct Entry {
    #[colt(primary_key)]
    id: i64,
    writer: i64,
}

fn script() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/pg-test-server.sh")
}

/// The port of `COLT_PG_URL` when the test-server script runs the server there.
fn our_port() -> Option<String> {
    let url = std::env::var("COLT_PG_URL").ok()?;
    let authority = url.split("://").nth(1)?.split('/').next()?;
    let port = authority.rsplit_once(':')?.1.to_string();
    let ours = Command::new("bash")
        .arg(script())
        .args(["status", &port])
        .output()
        .ok()?;
    ours.status.success().then_some(port)
}

#[test]
fn no_acknowledged_write_is_lost_across_a_server_restart() -> colt::Result<()> {
    each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let Some(port) = our_port() else {
            eprintln!("skipped: COLT_PG_URL is not a server of scripts/pg-test-server.sh");
            return Ok(());
        };
        let db = Database::builder(&backend.fresh_url())
            .max_connections(WRITERS as usize)
            .connect_timeout(Duration::from_secs(2))
            .open()?;
        db.bind(schema![Entry])?;
        db.create_tables()?;

        let stop = Arc::new(AtomicBool::new(false));
        let restarted = Arc::new(Mutex::new(None::<Instant>));
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let (db, stop, restarted) = (db.clone(), stop.clone(), restarted.clone());
                std::thread::spawn(move || {
                    let (mut acked, mut failed, mut after_restart) = (Vec::new(), 0, 0);
                    let mut seq = 0;
                    while !stop.load(Ordering::Relaxed) {
                        seq += 1;
                        let id = writer * 1_000_000 + seq;
                        let began = Instant::now();
                        match db.transaction(|tx| tx.insert(Entry { id, writer }).map(|_| ())) {
                            Ok(()) => {
                                acked.push(id);
                                let back = *restarted.lock().unwrap_or_else(|e| e.into_inner());
                                if back.is_some_and(|t| began > t) {
                                    after_restart += 1;
                                }
                            }
                            // The server is going or gone: not acknowledged, so it may or
                            // may not be there; try again in a moment.
                            Err(_) => {
                                failed += 1;
                                std::thread::sleep(Duration::from_millis(20));
                            }
                        }
                    }
                    (acked, failed, after_restart)
                })
            })
            .collect();

        std::thread::sleep(Duration::from_millis(300));
        let restart = Command::new("bash")
            .arg(script())
            .args(["restart", &port])
            .status()
            .expect("the test-server script runs");
        assert!(restart.success(), "the server did not restart");
        *restarted.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        // Writers go on for a while against the restarted server.
        std::thread::sleep(Duration::from_millis(700));
        stop.store(true, Ordering::Relaxed);

        let mut acknowledged = Vec::new();
        for (writer, handle) in writers.into_iter().enumerate() {
            let (acked, failed, after_restart) = handle.join().expect("a writer");
            eprintln!(
                "writer {writer}: {} acknowledged ({after_restart} after the restart), {failed} failed",
                acked.len()
            );
            assert!(
                after_restart > 0,
                "writer {writer} committed nothing after the server was back"
            );
            acknowledged.extend(acked);
        }
        let present: HashSet<i64> = db.transaction(|tx| {
            Ok(select!(e for e in Entry)
                .fetch(tx)?
                .iter()
                .map(|e| e.id())
                .collect())
        })?;
        let lost: Vec<&i64> = acknowledged
            .iter()
            .filter(|id| !present.contains(id))
            .collect();
        assert!(lost.is_empty(), "acknowledged writes lost: {lost:?}");
        Ok(())
    })
}
