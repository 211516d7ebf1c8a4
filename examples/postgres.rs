//! A job queue on PostgreSQL: workers on several threads claim jobs with
//! `for_update().skip_locked()` (each job goes to one worker, none waits for another), mark
//! them done, and retry on a serialization failure.
//!
//! `cargo run --example postgres --features postgres -- postgres://user:pw@localhost/db`
//! (or the URL in `COLT_DATABASE_URL`; add `?sslmode=verify-full&sslrootcert=ca.pem` with the
//! `tls` feature). It works in a schema of its own, `colt_example_jobs`, dropped at the end.

use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Job {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub payload: String,
    #[colt(default = false, index)]
    pub done: bool,
    pub worker: Option<i32>,
}

fn main() -> colt::Result<()> {
    let Some(url) = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("COLT_DATABASE_URL").ok())
    else {
        eprintln!("give a postgres:// URL as the argument or in COLT_DATABASE_URL");
        std::process::exit(2);
    };
    let admin = Database::open(&url)?;
    if admin.dialect() != Dialect::Postgres {
        eprintln!("this example is PostgreSQL's: give a postgres:// URL");
        std::process::exit(2);
    }
    admin.transaction(|tx| {
        tx.execute_sql("DROP SCHEMA IF EXISTS colt_example_jobs CASCADE", &[])?;
        tx.execute_sql("CREATE SCHEMA colt_example_jobs", &[])
    })?;
    let sep = if url.contains('?') { '&' } else { '?' };
    let db = Database::builder(&format!(
        "{url}{sep}options=-csearch_path%3Dcolt_example_jobs"
    ))
    .application_name("colt-example-jobs")
    .max_connections(4)
    .open()?;
    db.bind(schema![Job])?;
    db.create_tables()?;
    db.transaction(|tx| {
        for n in 1..=20 {
            Job::build().payload(format!("job {n}")).insert(tx)?;
        }
        Ok(())
    })?;

    // Four workers; each claims up to 3 open jobs at a time, skipping the ones another
    // worker holds, until none is left.
    std::thread::scope(|s| {
        for worker in 1..=4 {
            let db = &db;
            s.spawn(move || -> colt::Result<()> {
                loop {
                    let claimed = db.transaction_with_retry(5, |tx| {
                        let jobs = select!((j for j in Job if !j.done).order_by(|j| j.id))
                            .limit(3)
                            .for_update()
                            .skip_locked()
                            .fetch(tx)?;
                        for job in &jobs {
                            // The work, while the claimed rows stay locked.
                            std::thread::sleep(std::time::Duration::from_millis(5));
                            job.set(|j| {
                                j.done = true;
                                j.worker = Some(worker);
                            })?;
                        }
                        Ok(jobs.len())
                    })?;
                    if claimed == 0 {
                        return Ok(());
                    }
                }
            });
        }
    });

    let per_worker =
        db.transaction(|tx| select!((j.worker, count(j)) for j in Job if j.done).fetch(tx))?;
    for (worker, jobs) in &per_worker {
        println!("worker {}: {jobs} jobs", worker.unwrap_or(0));
    }
    let total: i64 = per_worker.iter().map(|(_, n)| n).sum();
    assert_eq!(total, 20, "every job done once");
    admin.transaction(|tx| tx.execute_sql("DROP SCHEMA colt_example_jobs CASCADE", &[]))?;
    Ok(())
}
