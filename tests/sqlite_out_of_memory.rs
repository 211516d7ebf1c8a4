//! SQLite out of memory while reading a text (converting a UTF-16 database's text to UTF-8):
//! an error, never an empty text. The text's pointer was NULL and its length read 0, which
//! Colt took for `""`; a lookup by key, which stops after its row, returned the object with
//! an empty field as `Ok` (a review found it). Alone in its file: SQLite's heap limit is the
//! process's.

mod common;

use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
#[colt(table = "t")]
pub struct Utf16Row {
    #[colt(primary_key)]
    pub id: i64,
    pub s: String,
}

#[test]
fn sqlite_out_of_memory_reading_a_text_is_an_error() -> colt::Result<()> {
    let file = common::TempDb::new("out_of_memory");
    let big = "x".repeat(8_000_000);
    {
        let conn = rusqlite::Connection::open(&file.path).expect("open");
        conn.execute_batch(
            "PRAGMA encoding = 'UTF-16le';
             CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT NOT NULL);",
        )
        .expect("schema");
        conn.execute("INSERT INTO t VALUES (1, ?1)", [&big])
            .expect("row");
    }
    let db = Database::open(&file.url())?;
    db.bind(schema![Utf16Row])?;
    let len = db.transaction(|tx| Ok(tx.get::<Utf16Row>(1)?.map(|o| o.s().len())))?;
    assert_eq!(len, Some(big.len()));
    let limited = |run: &dyn Fn(&Transaction) -> colt::Result<usize>| {
        db.transaction(|tx| {
            // SAFETY: SQLite's own limit on its heap, set and lifted around one read by
            // the only test of this process.
            unsafe {
                let used = rusqlite::ffi::sqlite3_memory_used();
                rusqlite::ffi::sqlite3_hard_heap_limit64(used + 30_000_000);
            }
            let r = run(tx);
            // SAFETY: as above.
            unsafe { rusqlite::ffi::sqlite3_hard_heap_limit64(0) };
            r
        })
    };
    let by_key = limited(&|tx| Ok(tx.get::<Utf16Row>(1)?.map_or(0, |o| o.s().len())));
    assert!(by_key.is_err(), "out of memory read as {by_key:?}");
    let raw = limited(&|tx| Ok(tx.query_sql::<String>("SELECT s FROM t", &[])?[0].len()));
    assert!(raw.is_err(), "out of memory read as {raw:?}");
    // The limit lifted, the text reads whole again.
    let len = db.transaction(|tx| Ok(tx.get::<Utf16Row>(1)?.map(|o| o.s().len())))?;
    assert_eq!(len, Some(big.len()));
    Ok(())
}
