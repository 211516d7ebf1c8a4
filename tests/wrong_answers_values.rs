//! Values a query computed that Rust would not have: narrowing casts, the type of an outer
//! integer expression, and outer values compared with each other. Each test failed before
//! its fix, on the backend named in its comment.
mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
struct Reading {
    #[colt(primary_key)]
    id: i64,
    big: i64,
    real: f64,
    small: i32,
    cap: Option<i64>,
}

fn readings(backend: &common::Backend, rows: &[(i64, i64, f64)]) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Reading])?;
    db.create_tables()?;
    db.transaction(|tx| {
        for &(id, big, real) in rows {
            let small = [4, 8][usize::from(id % 2 == 0)];
            let cap = (id % 2 == 1).then_some(3);
            Reading::build()
                .id(id)
                .big(big)
                .real(real)
                .small(small)
                .cap(cap)
                .insert(tx)?;
        }
        Ok(())
    })?;
    Ok(db)
}

fn out_of_range<T: std::fmt::Debug>(r: colt::Result<T>) {
    assert!(matches!(r, Err(colt::Error::OutOfRange(_))), "{r:?}");
}

/// `x as i32` and `x as i16` narrow: a value that does not fit is an error, never compared
/// as the wider value it was (both backends kept `(big as i32) < 0` false for 3 000 000 000,
/// where Rust's `as` would wrap it to a negative number). `x as i64` of a float past `i64`
/// is an error on SQLite too (it saturated).
#[test]
fn narrowing_casts_refuse_what_does_not_fit() -> colt::Result<()> {
    each_backend(|backend| {
        let edges = [
            (1, i64::from(i32::MAX), 2_147_483_647.9),
            (2, i64::from(i32::MIN), -2_147_483_648.9),
            (3, i64::from(i16::MAX), -32_768.5),
        ];
        let db = readings(backend, &edges)?;
        db.transaction(|tx| {
            // What fits is kept, truncated toward zero as Rust's `as`.
            let ints = select!(((r.big as i32, r.real as i32) for r in Reading).order_by(|r| r.id))
                .fetch(tx)?;
            assert_eq!(
                ints,
                [
                    (i32::MAX, i32::MAX),
                    (i32::MIN, i32::MIN),
                    (32_767, -32_768)
                ]
            );
            let smalls =
                select!((r.big as i16, r.real as i16) for r in Reading if r.id == 3).one(tx)?;
            assert_eq!(smalls, (i16::MAX, i16::MIN));
            let negative = select!(r.id for r in Reading if (r.big as i32) < 0).fetch(tx)?;
            assert_eq!(negative, [2]);
            Ok(())
        })?;
        for (big, real) in [
            (i64::from(i32::MAX) + 1, 0.0),
            (i64::from(i32::MIN) - 1, 0.0),
            (3_000_000_000, 0.0),
        ] {
            let db = readings(backend, &[(1, big, real)])?;
            db.transaction(|tx| {
                out_of_range(select!(r.id for r in Reading if (r.big as i32) < 0).fetch(tx));
                Ok(())
            })?;
            db.transaction(|tx| {
                out_of_range(select!(r.big as i32 for r in Reading).fetch(tx));
                Ok(())
            })?;
            db.transaction(|tx| {
                out_of_range(select!(r.id for r in Reading if (r.big as i16) != 7).fetch(tx));
                Ok(())
            })?;
        }
        for real in [2_147_483_648.0, -2_147_483_649.0] {
            let db = readings(backend, &[(1, 0, real)])?;
            db.transaction(|tx| {
                out_of_range(select!(r.id for r in Reading if (r.real as i32) != 0).fetch(tx));
                Ok(())
            })?;
        }
        for real in [1e20, -9.3e18, f64::MAX] {
            let db = readings(backend, &[(1, 0, real)])?;
            db.transaction(|tx| {
                out_of_range(select!(r.real as i64 for r in Reading).fetch(tx));
                Ok(())
            })?;
        }
        // The edges of i64 that fit.
        let db = readings(backend, &[(1, 0, -9_223_372_036_854_775_808.0)])?;
        db.transaction(|tx| {
            assert_eq!(select!(r.real as i64 for r in Reading).one(tx)?, i64::MIN);
            Ok(())
        })
    })
}

/// `x as f32` of an `i64` rounds once, as Rust's `as` (SQLite went through an `f64` first:
/// 2^53 + 2^29 + 1 became 2^53 + 2^29, a tie, and then 2^53 instead of 2^53 + 2^30).
#[test]
fn an_integer_as_f32_rounds_once() -> colt::Result<()> {
    each_backend(|backend| {
        let big: i64 = (1 << 53) + (1 << 29) + 1;
        let db = readings(backend, &[(1, big, 0.0)])?;
        db.transaction(|tx| {
            assert_eq!(select!(r.big as f32 for r in Reading).one(tx)?, big as f32);
            Ok(())
        })
    })
}

/// An outer integer expression of unsuffixed literals is an `i64`, as a literal alone is:
/// `1 << 31` was bound as the `i32` Rust gives it (-2 147 483 648).
#[test]
fn outer_integer_expressions_are_i64() -> colt::Result<()> {
    each_backend(|backend| {
        let db = readings(backend, &[(1, 1 << 31, 0.0), (2, (1 << 31) | 1, 0.0)])?;
        db.transaction(|tx| {
            assert_eq!(
                select!(r.id for r in Reading if r.big == 1 << 31).fetch(tx)?,
                [1]
            );
            assert_eq!(
                select!(r.id for r in Reading if r.big == (1 << 31) | 1).fetch(tx)?,
                [2]
            );
            let shift = 31u32;
            assert_eq!(
                select!(r.id for r in Reading if r.big == 1 << shift).fetch(tx)?,
                [1]
            );
            let listed = select!(r.id for r in Reading if [1 << 31, 5].contains(&r.big));
            assert_eq!(listed.fetch(tx)?, [1]);
            // A remainder by an outer `i64` past the `i32` attribute's range (PostgreSQL
            // typed the parameter `integer` and refused it).
            let wide = 10_000_000_000i64;
            assert_eq!(
                select!(r.id for r in Reading if r.small % wide == 4).fetch(tx)?,
                [1]
            );
            // Inside `vec![..]` and `Some(..)` too (they stayed `i32`s).
            let listed = select!(r.id for r in Reading if vec![1 << 31, 5].contains(&r.big));
            assert_eq!(listed.fetch(tx)?, [1]);
            tx.execute_sql("UPDATE reading SET cap = 2147483648 WHERE id = 1", &[])?;
            assert_eq!(
                select!(r.id for r in Reading if r.cap == Some(1 << 31)).fetch(tx)?,
                [1]
            );
            // An `i32` attribute takes them as it takes a literal.
            assert_eq!(
                select!(r.id for r in Reading if r.small == 1 << 3).fetch(tx)?,
                [2]
            );
            let small = select!(r.id for r in Reading if [1 << 2, -(1 << 3)].contains(&r.small));
            assert_eq!(small.fetch(tx)?, [1]);
            Ok(())
        })
    })
}

/// Outer values compared with each other compare as the numbers they are, and an outer
/// condition in `.is_some_and(..)` is a condition (PostgreSQL took `COALESCE($1, $2)` of the
/// two parameters for text and refused the query).
#[test]
fn outer_values_compared_with_each_other() -> colt::Result<()> {
    each_backend(|backend| {
        let db = readings(backend, &[(1, 50, 0.0), (2, 5, 0.0)])?;
        db.transaction(|tx| {
            let (low, high) = (9i64, 100i64);
            let all = select!(r.id for r in Reading if low >= high || r.big < 10).fetch(tx)?;
            assert_eq!(all, [2]);
            let name = "b";
            let text = select!(r.id for r in Reading if name >= "a" && r.big < 10).fetch(tx)?;
            assert_eq!(text, [2]);
            let flagged = select!(r.id for r in Reading if r.cap.is_some_and(|_| low < high));
            assert_eq!(flagged.fetch(tx)?, [1]);
            let none = select!(r.id for r in Reading if r.cap.is_none_or(|_| low >= high));
            assert_eq!(none.fetch(tx)?, [2]);
            // An aggregate of an outer value (PostgreSQL answered its text, a `Decode` error).
            assert_eq!(select!(max(high) for r in Reading).one(tx)?, Some(100));
            assert_eq!(select!(sum(low) for r in Reading).one(tx)?, Some(18));
            assert_eq!(select!(count_distinct(low) for r in Reading).one(tx)?, 1);
            Ok(())
        })
    })
}

/// A NaN in a list matches nothing, as in Rust: on SQLite it became NULL, so a negated test
/// kept no row; on PostgreSQL it matched a NaN attribute.
#[test]
fn a_nan_in_a_list_matches_nothing() -> colt::Result<()> {
    each_backend(|backend| {
        let db = readings(backend, &[(1, 0, 1.0), (2, 0, 5.5)])?;
        db.transaction(|tx| {
            let listed = vec![f64::NAN, 5.5];
            let out = select!(r.id for r in Reading if !listed.contains(&r.real)).fetch(tx)?;
            assert_eq!(out, [1]);
            let inside = select!(r.id for r in Reading if listed.contains(&r.real)).fetch(tx)?;
            assert_eq!(inside, [2]);
            Ok(())
        })
    })
}

/// The result cache tells `0.0` from `-0.0` (and `1.50` from `1.5`) in parameters: the second
/// run of `r.real * k` with `k = -0.0` was served the rows of `k = 0.0`, where the database
/// gives `-0.0`.
#[test]
fn the_result_cache_tells_signed_zeros_apart() -> colt::Result<()> {
    each_backend(|backend| {
        let db = readings(backend, &[(1, 0, 5.0)])?;
        let run = |tx: &Transaction, k: f64| select!(r.real * k for r in Reading).one(tx);
        let alone = db.transaction(|tx| run(tx, -0.0))?;
        let after = db.transaction(|tx| {
            run(tx, 0.0)?;
            run(tx, -0.0)
        })?;
        assert_eq!(after.to_bits(), alone.to_bits(), "{}", backend.name);
        Ok(())
    })
}

/// An `i64` compared with an `i32` attribute compares by value, also past `i32`'s range, as
/// on SQLite: PostgreSQL typed the parameter as the column's `integer`, and the statement
/// failed to bind (`r.small < 3_000_000_000`, or such a value in a list).
#[test]
fn wide_integers_compare_with_narrow_attributes_by_value() -> colt::Result<()> {
    each_backend(|backend| {
        let db = readings(backend, &[(1, 0, 1.0), (2, 0, 2.0)])?;
        db.transaction(|tx| {
            let x = 3_000_000_000_i64;
            let below = select!((r.id for r in Reading if r.small < x).order_by(|r| r.id));
            assert_eq!(below.fetch(tx)?, [1, 2], "{}", backend.name);
            let same = select!(r.id for r in Reading if r.small == x).fetch(tx)?;
            assert!(same.is_empty(), "{}", backend.name);
            let listed = vec![x, 4];
            let inside = select!(r.id for r in Reading if listed.contains(&r.small)).fetch(tx)?;
            assert_eq!(inside, [1], "{}", backend.name);
            let outside = select!(r.id for r in Reading if !listed.contains(&r.small)).fetch(tx)?;
            assert_eq!(outside, [2], "{}", backend.name);
            Ok(())
        })
    })
}

/// `0.0` and `-0.0` are equal floats, but PostgreSQL keeps the sign: a change from one to
/// the other was no change to write (the object said `-0.0`, the row `0.0`). SQLite's REAL
/// columns store both as `0`.
#[test]
fn a_change_of_the_sign_of_zero_is_written() -> colt::Result<()> {
    each_backend(|backend| {
        let db = readings(backend, &[(1, 1, 0.0)])?;
        db.transaction(|tx| {
            tx.get_or_err::<Reading>(1)?.set(|r| r.real = -0.0)?;
            Ok(())
        })?;
        let real = db.transaction(|tx| Ok(tx.get_or_err::<Reading>(1)?.real()))?;
        assert_eq!(real, 0.0);
        assert_eq!(real.is_sign_negative(), backend.is_postgres());
        // And back.
        db.transaction(|tx| {
            tx.get_or_err::<Reading>(1)?.set(|r| r.real = 0.0)?;
            Ok(())
        })?;
        let real = db.transaction(|tx| Ok(tx.get_or_err::<Reading>(1)?.real()))?;
        assert!(real.is_sign_positive());
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
struct Memo {
    #[colt(primary_key)]
    id: i64,
    note: Option<String>,
}

/// The length of an optional text is optional: a NULL note's was a decode error.
#[test]
fn the_length_of_an_optional_text_is_optional() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Memo])?;
        db.create_tables()?;
        db.transaction(|tx| {
            Memo::build()
                .id(1)
                .note(Some("héllo".to_string()))
                .insert(tx)?;
            Memo::build().id(2).note(None::<String>).insert(tx)?;
            let lens = select!((m.note.len() for m in Memo).order_by(|m| m.id))
                .without_distinct()
                .fetch(tx)?;
            assert_eq!(lens, [Some(6), None]);
            let long = select!(m.id for m in Memo if m.note.len() > 3).fetch(tx)?;
            assert_eq!(long, [1]);
            Ok(())
        })
    })
}

#[cfg(feature = "json")]
#[derive(Entity, Debug, Clone)]
struct Note {
    #[colt(primary_key)]
    id: i64,
    meta: serde_json::Value,
    at: colt::Json<Vec<f64>>,
}

/// Floats in JSON documents read back as themselves: serde_json's default parser may miss
/// the last digit (83/9 came back as 9.22222222222222, so `==` with the loaded document
/// found no row), and it could not read back `f64::MAX` as Colt wrote it (309 digits): the
/// row did not decode. (Found by a review.)
#[cfg(feature = "json")]
#[test]
fn json_floats_read_back_as_themselves() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Note])?;
        db.create_tables()?;
        let floats = vec![
            83.0 / 9.0,
            f64::MAX,
            1e16,
            0.1 + 0.2,
            5e-324,
            -123_456.789_012_345_67,
        ];
        let meta = serde_json::json!({ "r": 83.0 / 9.0, "max": f64::MAX, "all": floats });
        db.transaction(|tx| {
            Note::build()
                .id(1)
                .meta(meta.clone())
                .at(colt::Json(floats.clone()))
                .insert(tx)?;
            Ok(())
        })?;
        db.transaction(|tx| {
            let n = tx.get_or_err::<Note>(1)?;
            assert_eq!(n.meta(), meta, "{}", backend.name);
            assert_eq!(n.at().0, floats, "{}", backend.name);
            let loaded = n.meta();
            let same = select!(x.id for x in Note if x.meta == loaded).fetch(tx)?;
            assert_eq!(same, [1], "{}", backend.name);
            Ok(())
        })
    })
}

/// SQLite: text that is not UTF-8 (another program's bytes) read as a raw `Value` came back
/// with replacement characters, silently changed (as a `String` it is a `Decode` error): it
/// is the bytes, as a blob. (Found by a review.)
#[test]
fn text_that_is_not_utf8_reads_as_its_bytes() -> colt::Result<()> {
    each_backend(|backend| {
        if backend.is_postgres() {
            return Ok(());
        }
        let db = Database::open(&backend.fresh_url())?;
        let rows = db.transaction(|tx| {
            tx.query_sql::<colt::value::Value>("SELECT CAST(X'61FF62' AS TEXT)", &[])
        })?;
        assert_eq!(rows, [colt::value::Value::Blob(vec![0x61, 0xFF, 0x62])]);
        let fine =
            db.transaction(|tx| tx.query_sql::<colt::value::Value>("SELECT 'a' || 'b'", &[]))?;
        assert_eq!(fine, [colt::value::Value::Text("ab".to_string())]);
        Ok(())
    })
}
