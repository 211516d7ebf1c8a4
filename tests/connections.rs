//! Connections that recover and are bounded (issue 12): opening a database never hangs, and
//! a pool's options are the user's.

mod common;

use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use colt::prelude::*;

/// A PostgreSQL "server" that accepts connections and never answers: `Database::open` hung
/// forever (the driver's `connect_timeout` covered only the TCP connect). The whole startup
/// is bounded by the connect timeout now.
#[test]
fn a_server_that_accepts_but_never_answers_does_not_hang_open() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
    let port = listener.local_addr().expect("its address").port();
    // Holds every accepted socket open, silent.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for socket in listener.incoming().flatten() {
            held.push(socket);
        }
    });
    let (sent, answer) = mpsc::channel();
    let started = Instant::now();
    std::thread::spawn(move || {
        let url = format!("postgres://colt:secret@127.0.0.1:{port}/colt?connect_timeout=1");
        let _ = sent.send(Database::open(&url).map(|_| ()));
    });
    let result = match answer.recv_timeout(Duration::from_secs(20)) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("Database::open still waits after 20 s for a server that never answers")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("Database::open panicked"),
    };
    let waited = started.elapsed();
    let err = result.expect_err("a server that never answers cannot be opened");
    let message = err.to_string();
    assert!(matches!(err, Error::Backend(_)), "{err:?}");
    assert!(message.contains("no answer within 1000 ms"), "{message}");
    assert!(!message.contains("secret"), "{message}");
    assert!(waited < Duration::from_secs(10), "took {waited:?}");
}
