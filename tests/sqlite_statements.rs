//! The statements Colt runs, bound and read through SQLite's C API (`sqlite_stmt.rs`): every
//! kind of value both ways, list parameters, the errors of preparing and running, a panic
//! while rows are read, the statement cache past its bound, and SQLite's own corners
//! (invalid UTF-8 in a text column, a UTF-16 database), a cached statement the schema changed
//! under, a lock met while preparing. The backend-neutral checks run on PostgreSQL too. CI
//! runs this file under valgrind memcheck (`scripts/valgrind-tests.sh`).

mod common;

use colt::prelude::*;
use common::each_backend;
use std::time::{Duration, Instant};

#[derive(Entity, Debug, Clone)]
pub struct Sample {
    #[colt(primary_key)]
    pub id: i64,
    pub name: String,
    pub note: Option<String>,
    pub data: Vec<u8>,
    pub extra: Option<Vec<u8>>,
    pub ratio: f64,
    pub flag: bool,
}

fn samples(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Sample])?;
    db.create_tables()?;
    Ok(db)
}

type Row = (
    i64,
    String,
    Option<String>,
    Vec<u8>,
    Option<Vec<u8>>,
    f64,
    bool,
);

fn rows() -> Vec<Row> {
    vec![
        (i64::MIN, String::new(), None, Vec::new(), None, 0.0, false),
        (
            -1,
            "héllo ✓ 𝄞".into(),
            Some(String::new()),
            vec![0, 255, 1, 0],
            Some(Vec::new()),
            -1.5e300,
            true,
        ),
        (
            0,
            "x".repeat(10_000),
            Some("ñ".repeat(3000)),
            vec![7; 100_000],
            Some(vec![0]),
            f64::MIN_POSITIVE,
            false,
        ),
        (
            i64::MAX,
            "'; DROP TABLE sample; --".into(),
            Some("\u{7f}".into()),
            vec![1],
            None,
            1e-300,
            true,
        ),
    ]
}

#[test]
fn every_kind_of_value_is_bound_and_read_as_it_is() -> colt::Result<()> {
    each_backend(|backend| {
        let db = samples(backend)?;
        db.transaction(|tx| {
            for (id, name, note, data, extra, ratio, flag) in rows() {
                Sample::build()
                    .id(id)
                    .name(name)
                    .note(note)
                    .data(data)
                    .extra(extra)
                    .ratio(ratio)
                    .flag(flag)
                    .insert(tx)?;
            }
            Ok(())
        })?;
        db.transaction(|tx| {
            let got = select!(((s.id, s.name, s.note, s.data, s.extra, s.ratio, s.flag)
                for s in Sample)
                .order_by(|s| s.id))
            .fetch(tx)?;
            assert_eq!(got, rows());
            // Each value as a parameter, compared by the database.
            for (id, name, note, data, extra, ratio, _) in rows() {
                let found = select!(s.id for s in Sample
                    if s.name == name && s.data == data && s.ratio == ratio)
                .fetch(tx)?;
                assert_eq!(found, [id]);
                let found = select!(s.id for s in Sample if s.note == note && s.extra == extra)
                    .fetch(tx)?;
                assert!(found.contains(&id), "{id}: {found:?}");
            }
            Ok(())
        })
    })
}

/// A list parameter (SQLite: a pointer bound for `rarray`, freed by SQLite) many times over.
#[test]
fn list_parameters_are_bound_and_freed() -> colt::Result<()> {
    each_backend(|backend| {
        let db = samples(backend)?;
        db.transaction(|tx| {
            for id in 0..20 {
                Sample::build()
                    .id(id)
                    .name(format!("s{id}"))
                    .note(None::<String>)
                    .data(vec![])
                    .extra(None)
                    .ratio(0.0)
                    .flag(false)
                    .insert(tx)?;
            }
            for n in 0..50_i64 {
                let ids: Vec<i64> = (0..n % 7).map(|i| i * 3).collect();
                let names: Vec<String> = ids.iter().map(|i| format!("s{i}")).collect();
                let found = select!((s.id for s in Sample
                    if ids.contains(&s.id) && names.contains(&s.name))
                    .order_by(|s| s.id))
                .fetch(tx)?;
                let want: Vec<i64> = ids.iter().copied().filter(|i| *i < 20).collect();
                assert_eq!(found, want);
            }
            Ok(())
        })
    })
}

/// A row type of the program's own that panics on the third row.
#[derive(Debug, Clone, PartialEq)]
struct PanicsOnThree(i64);

impl colt::FromRow for PanicsOnThree {
    fn from_row<R: colt::RowAccess>(
        row: &R,
        idx: &mut usize,
        cx: &mut colt::DecodeCx<'_>,
    ) -> colt::Result<Self> {
        let v = <i64 as colt::FromRow>::from_row(row, idx, cx)?;
        assert_ne!(v, 3, "the third row");
        Ok(PanicsOnThree(v))
    }
}

fn counting(backend: &common::Backend) -> &'static str {
    if backend.is_postgres() {
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $1) SELECT x FROM c"
    } else {
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT x FROM c"
    }
}

/// A panic while a statement's rows are read leaves the statement ready to run again, and
/// the connection usable: the next transaction runs the same (cached) statement and commits.
#[test]
fn a_panic_while_rows_are_read_leaves_the_statement_ready() -> colt::Result<()> {
    each_backend(|backend| {
        let db = samples(backend)?;
        let sql = counting(backend);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            db.transaction(|tx| tx.query_sql::<PanicsOnThree>(sql, &[&5_i64]))
        }));
        assert!(caught.is_err());
        let two = db.transaction(|tx| tx.query_sql::<PanicsOnThree>(sql, &[&2_i64]))?;
        assert_eq!(two, [PanicsOnThree(1), PanicsOnThree(2)]);
        let all = db.transaction(|tx| {
            Sample::build()
                .id(1)
                .name("after".to_string())
                .note(None::<String>)
                .data(vec![])
                .extra(None)
                .ratio(0.0)
                .flag(true)
                .insert(tx)?;
            tx.query_sql::<i64>(sql, &[&4_i64])
        })?;
        assert_eq!(all, [1, 2, 3, 4]);
        let names = db.transaction(|tx| select!(s.name for s in Sample).fetch(tx))?;
        assert_eq!(names, ["after"]);
        Ok(())
    })
}

/// A query that stops early (`first`) leaves its statement ready too.
#[test]
fn a_statement_stopped_early_runs_again() -> colt::Result<()> {
    each_backend(|backend| {
        let db = samples(backend)?;
        let sql = counting(backend);
        db.transaction(|tx| {
            for n in 1..=5_i64 {
                let rows = tx.query_sql::<i64>(sql, &[&n])?;
                assert_eq!(rows.len() as i64, n);
                let first = select!(s.id for s in Sample).first(tx)?;
                assert_eq!(first, None);
            }
            Ok(())
        })
    })
}

#[test]
fn errors_of_preparing_and_running_are_typed() -> colt::Result<()> {
    each_backend(|backend| {
        let db = samples(backend)?;
        db.transaction(|tx| {
            let e = tx
                .execute_sql("INSERT INTO no_such_table VALUES (1)", &[])
                .unwrap_err();
            assert!(e.to_string().contains("no_such_table"), "{e}");
            Ok(())
        })
        .or_else(|e| match e {
            // PostgreSQL ends the transaction at a failed statement.
            Error::TransactionAborted { .. } => Ok(()),
            e => Err(e),
        })?;
        db.transaction(|tx| {
            let e = tx.query_sql::<i64>("SELEC 1", &[]).unwrap_err();
            assert!(e.to_string().contains("syntax"), "{e}");
            Ok(())
        })
        .or_else(|e| match e {
            Error::TransactionAborted { .. } => Ok(()),
            e => Err(e),
        })?;
        // Trailing blanks and a semicolon are one statement.
        let n = db.transaction(|tx| tx.execute_sql("DELETE FROM sample;  \n", &[]))?;
        assert_eq!(n, 0);
        // A primary key written twice: a constraint error naming the column, raised by the
        // run of a prepared statement.
        let twice = db.transaction(|tx| {
            for _ in 0..2 {
                Sample::build()
                    .id(7)
                    .name("a".to_string())
                    .note(None::<String>)
                    .data(vec![])
                    .extra(None)
                    .ratio(0.0)
                    .flag(false)
                    .insert(tx)?;
            }
            Ok(())
        });
        match twice {
            Err(Error::Constraint { column, .. }) => assert_eq!(column.as_deref(), Some("id")),
            other => panic!("{other:?}"),
        }
        Ok(())
    })
}

/// SQLite: more than one statement, or none, is refused before anything runs.
#[test]
fn sqlite_refuses_two_statements_or_none() -> colt::Result<()> {
    let db = Database::open("sqlite::memory:")?;
    db.bind(schema![Sample])?;
    db.create_tables()?;
    for sql in ["DELETE FROM sample; DELETE FROM sample", "", "-- a comment"] {
        let r = db.transaction(|tx| tx.execute_sql(sql, &[]));
        assert!(r.is_err(), "{sql:?}: {r:?}");
    }
    let n = db.transaction(|tx| tx.execute_sql("DELETE FROM sample -- all\n", &[]))?;
    assert_eq!(n, 0);
    Ok(())
}

/// SQLite keeps whatever bytes a text column is given: text that is not UTF-8 is a decoding
/// error, never a `String` that is not UTF-8.
#[test]
fn sqlite_text_that_is_not_utf8_is_a_decoding_error() -> colt::Result<()> {
    let db = Database::open("sqlite::memory:")?;
    let r = db.transaction(|tx| tx.query_sql::<String>("SELECT CAST(x'ff00fe' AS TEXT)", &[]));
    assert!(matches!(r, Err(Error::Decode { .. })), "{r:?}");
    let bytes = db.transaction(|tx| tx.query_sql::<Vec<u8>>("SELECT x'ff00fe'", &[]))?;
    assert_eq!(bytes, [vec![0xff, 0, 0xfe]]);
    Ok(())
}

/// A UTF-16 database (which Colt did not create, and whose tables `check_tables` refuses):
/// raw SQL reads its text as UTF-8 (SQLite converts each value as it is read).
#[test]
fn sqlite_a_utf16_database_reads_as_utf8() -> colt::Result<()> {
    let file = common::TempDb::new("utf16");
    {
        let conn = rusqlite::Connection::open(&file.path).expect("open");
        conn.execute_batch(
            "PRAGMA encoding = 'UTF-16le';
             CREATE TABLE sample (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT,
                 data BLOB NOT NULL);
             INSERT INTO sample VALUES (1, 'héllo ✓ 𝄞', '', x'00ff');",
        )
        .expect("fill");
    }
    let db = Database::open(&file.url())?;
    db.transaction(|tx| {
        let sql = "SELECT name, note, data, name, length(name) FROM sample";
        for _ in 0..2 {
            let got = tx.query_sql::<(String, Option<String>, Vec<u8>, String, i64)>(sql, &[])?;
            let hello = "héllo ✓ 𝄞".to_string();
            assert_eq!(
                got,
                [(hello.clone(), Some(String::new()), vec![0, 255], hello, 9)]
            );
        }
        tx.execute_sql("UPDATE sample SET name = ? WHERE id = ?", &[&"ü", &1_i64])?;
        let raw = tx.query_sql::<(String, i64)>("SELECT name, length(name) FROM sample", &[])?;
        assert_eq!(raw, [("ü".to_string(), 1)]);
        Ok(())
    })
}

/// More distinct statements than the connection keeps: the cache starts over, and every
/// statement still runs, old or new.
#[test]
fn more_statements_than_the_cache_keeps() -> colt::Result<()> {
    each_backend(|backend| {
        let db = samples(backend)?;
        db.transaction(|tx| {
            for round in 0..2 {
                for i in 0..300_i64 {
                    let got = tx.query_sql::<i64>(&format!("SELECT {i} + {round}"), &[])?;
                    assert_eq!(got, [i + round]);
                }
            }
            Ok(())
        })
    })
}

/// A cached `SELECT *` the schema changed under is prepared again by SQLite's next step,
/// with its new columns: a dropped column is an error, not a NULL (the columns were counted
/// before that step, and a column past them read as NULL: a review found it), and an added
/// one is read.
#[test]
fn sqlite_a_cached_statement_reads_the_columns_the_schema_now_has() -> colt::Result<()> {
    let db = Database::open("sqlite::memory:")?;
    db.transaction(|tx| {
        tx.execute_sql("CREATE TABLE t (a INTEGER, b INTEGER)", &[])?;
        tx.execute_sql("INSERT INTO t VALUES (1, 2)", &[])
    })?;
    let sql = "SELECT * FROM t";
    let first = db.transaction(|tx| tx.query_sql::<(i64, Option<i64>)>(sql, &[]))?;
    assert_eq!(first, [(1, Some(2))]);
    db.transaction(|tx| tx.execute_sql("ALTER TABLE t ADD COLUMN c INTEGER DEFAULT 3", &[]))?;
    let added = db.transaction(|tx| tx.query_sql::<(i64, i64, i64)>(sql, &[]))?;
    assert_eq!(added, [(1, 2, 3)]);
    db.transaction(|tx| tx.execute_sql("ALTER TABLE t DROP COLUMN b", &[]))?;
    let dropped = db.transaction(|tx| tx.query_sql::<(i64, i64, Option<i64>)>(sql, &[]));
    assert!(dropped.is_err(), "a dropped column read as {dropped:?}");
    let now = db.transaction(|tx| tx.query_sql::<(i64, i64)>(sql, &[]))?;
    assert_eq!(now, [(1, 3)]);
    Ok(())
}

/// A statement that cannot be prepared because another connection holds the lock waits the
/// busy timeout once, not twice (its error was made by preparing it again: a review found
/// it). The bound is wide: it tells one wait from two, not a speed.
#[test]
fn sqlite_a_lock_met_while_preparing_waits_the_busy_timeout_once() -> colt::Result<()> {
    let file = common::TempDb::new("busy_prepare");
    let timeout = Duration::from_millis(600);
    let db = Database::builder(&file.url())
        .busy_timeout(timeout)
        .open()?;
    db.transaction(|tx| tx.execute_sql("CREATE TABLE t (x INTEGER)", &[]))?;
    // A schema change rolled back: the connection reads the schema again when it next
    // prepares a statement.
    let _ = db.transaction(|tx| {
        tx.execute_sql("CREATE TABLE z (a INTEGER)", &[])?;
        Err::<(), _>(Error::InvalidQuery("roll back".into()))
    });
    let other = rusqlite::Connection::open(&file.path).expect("open");
    other.execute_batch("BEGIN EXCLUSIVE").expect("lock");
    let started = Instant::now();
    let r = db.transaction(|tx| tx.query_sql::<i64>("SELECT count(*) FROM t", &[]));
    let waited = started.elapsed();
    other.execute_batch("ROLLBACK").expect("unlock");
    assert!(matches!(r, Err(Error::Busy(_))), "{r:?}");
    assert!(
        waited < timeout * 2,
        "waited {waited:?} for a busy timeout of {timeout:?}"
    );
    Ok(())
}
