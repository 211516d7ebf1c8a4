//! Numbers that came out otherwise than Rust computes them, found by a review of the SQL
//! each backend is given. Each test failed before its fix.

mod common;

use colt::prelude::*;
use common::all_backends;

#[derive(Entity, Debug, Clone)]
struct Parcel {
    #[colt(primary_key)]
    id: i64,
    total: f64,
    weight: f64,
    extra: Option<f64>,
    ratio: f32,
    count: i64,
}

fn parcels(backend: &common::Backend) -> colt::Result<Database> {
    let db = backend.open();
    // The columns of `f64` fields as another tool may declare them: NUMERIC affinity on
    // SQLite, where a whole value is kept as an integer.
    let ddl = if backend.is_postgres() {
        "CREATE TABLE parcel (id BIGINT PRIMARY KEY, total DOUBLE PRECISION NOT NULL, weight DOUBLE PRECISION NOT NULL, extra DOUBLE PRECISION, ratio REAL NOT NULL, count BIGINT NOT NULL)"
    } else {
        "CREATE TABLE parcel (id INTEGER PRIMARY KEY, total NUMERIC NOT NULL, weight DECIMAL(10, 2) NOT NULL, extra NUMERIC, ratio REAL NOT NULL, count INTEGER NOT NULL)"
    };
    db.transaction(|tx| tx.execute_sql(ddl, &[]))?;
    db.bind(schema![Parcel])?;
    db.check_tables()?;
    db.transaction(|tx| {
        let rows: [(f64, f64, Option<f64>, f32, i64); 3] = [
            (10.0, 4.0, None, 0.1, 13679),
            (7.0, 2.0, Some(1.0), 0.2, 13680),
            (1.0, 8.0, None, 0.25, 13680),
        ];
        for (i, (total, weight, extra, ratio, count)) in rows.into_iter().enumerate() {
            Parcel::build()
                .id(i as i64 + 1)
                .total(total)
                .weight(weight)
                .extra(extra)
                .ratio(ratio)
                .count(count)
                .insert(tx)?;
        }
        Ok(())
    })?;
    Ok(db)
}

/// SQLite divided two `f64` values held as integers (a NUMERIC column keeps `10.0` as 10)
/// as integers: `10 / 4` was 2, not 2.5.
#[test]
fn a_float_division_divides_floats() {
    all_backends(|backend| {
        let db = parcels(backend)?;
        db.transaction(|tx| {
            let q = select!(((p.id, p.total / p.weight) for p in Parcel).order_by(|p| p.id))
                .fetch(tx)?;
            assert_eq!(q, [(1, 2.5), (2, 3.5), (3, 0.125)]);
            let heavy = select!(p.id for p in Parcel if p.total / p.weight > 3.0).fetch(tx)?;
            assert_eq!(heavy, [2]);
            Ok(())
        })
    });
}

/// SQLite summed `f32` values in `f64` inside the SQL, where the sum was compared (0.1 + 0.2
/// as f32 is 0.3f32, in f64 0.30000000447 < 0.3f32), though the sum read back was rounded.
#[test]
fn an_f32_sum_is_an_f32_where_it_is_compared() {
    all_backends(|backend| {
        let db = parcels(backend)?;
        db.transaction(|tx| {
            let limit = 0.3f32;
            let small = select!(sum(p.ratio) for p in Parcel if p.id < 3).one(tx)?;
            assert_eq!(small, Some(0.1f32 + 0.2f32));
            let n = select!(count() for p in Parcel if sum(q.ratio for q in Parcel if q.id < 3) >= limit)
                .one(tx)?;
            assert_eq!(n, 3);
            Ok(())
        })
    });
}

/// PostgreSQL's `AVG` of integers divides as `numeric` and then rounds to a double: one unit
/// in the last place off Rust's `sum as f64 / n as f64` (and SQLite's) for some sets.
#[test]
fn an_average_of_integers_is_rusts() {
    all_backends(|backend| {
        let db = parcels(backend)?;
        db.transaction(|tx| {
            let avg = select!(avg(p.count) for p in Parcel).one(tx)?;
            let rust = (13679.0 + 13680.0 + 13680.0) / 3.0;
            assert_eq!(avg, Some(rust));
            Ok(())
        })
    });
}

/// An `f32` branch beside a float literal (`if c { p.ratio } else { 0.0 }`) was an `f64`,
/// so `> 0.1` compared `0.1f32` widened (0.10000000149) with 0.1: true, where Rust types
/// the literal `f32` and says false.
#[test]
fn an_f32_branch_with_a_float_literal_is_an_f32() {
    all_backends(|backend| {
        let db = parcels(backend)?;
        db.transaction(|tx| {
            let above =
                select!(p.id for p in Parcel if (if p.id > 0 { p.ratio } else { 0.0 }) > 0.1)
                    .fetch(tx)?;
            assert_eq!(common::sorted(above), [2, 3]);
            let picked =
                select!((if p.id > 0 { p.ratio } else { 0.0 }) for p in Parcel if p.id == 1)
                    .one(tx)?;
            assert_eq!(picked, 0.1f32);
            Ok(())
        })
    });
}

/// The average of integers past 2^53 (epoch microseconds, say) is their exact sum over their
/// count, as Rust's `sum as f64 / n as f64`, not a sum of doubles that rounds at each row;
/// and the distinct values are the integers', not their doubles'.
#[test]
fn an_average_of_large_integers_sums_them_exactly() {
    all_backends(|backend| {
        let db = parcels(backend)?;
        let big = 1i64 << 53;
        db.transaction(|tx| {
            for (id, count) in [(10, big), (11, 1), (12, 1), (13, big + 1), (14, 0)] {
                Parcel::build()
                    .id(id)
                    .total(0.0)
                    .weight(1.0)
                    .ratio(0.0)
                    .count(count)
                    .insert(tx)?;
            }
            let avg = select!(avg(p.count) for p in Parcel if p.id >= 10 && p.id <= 12).one(tx)?;
            assert_eq!(avg, Some((big + 2) as f64 / 3.0));
            let distinct =
                select!(avg_distinct(p.count) for p in Parcel if p.id >= 10 && p.id != 11 && p.id != 12)
                    .one(tx)?;
            assert_eq!(distinct, Some((2 * big + 1) as f64 / 3.0));
            Ok(())
        })
    });
}

#[derive(Entity, Debug, Clone)]
struct Price {
    #[colt(primary_key)]
    id: i64,
    amount: f64,
    rate: f64,
}

/// An `f64` attribute in another tool's `numeric` (or `real`) column, which `check_tables`
/// accepts, was computed in that column's type on PostgreSQL: `amount * 100.0 == 1999.0`
/// held for 19.99 (exact decimal arithmetic), where Rust's f64 and SQLite give
/// 1998.9999999999998, and `rate * 1.5` of a `real` was computed in f32. (Found by a
/// review.)
#[test]
fn f64_attributes_compute_in_f64_whatever_the_column_holds() {
    all_backends(|backend| {
        let db = backend.open();
        let ddl = if backend.is_postgres() {
            "CREATE TABLE price (id BIGINT PRIMARY KEY, amount NUMERIC(10, 2) NOT NULL, rate REAL NOT NULL)"
        } else {
            "CREATE TABLE price (id INTEGER PRIMARY KEY, amount NUMERIC(10, 2) NOT NULL, rate REAL NOT NULL)"
        };
        db.transaction(|tx| tx.execute_sql(ddl, &[]))?;
        db.bind(schema![Price])?;
        db.check_tables()?;
        let rate = f64::from(1.1f32);
        db.transaction(|tx| {
            Price::build().id(1).amount(19.99).rate(rate).insert(tx)?;
            Price::build().id(2).amount(0.99).rate(rate).insert(tx)?;
            Ok(())
        })?;
        db.transaction(|tx| {
            let found = select!(p.id for p in Price if p.amount * 100.0 == 1999.0).fetch(tx)?;
            assert_eq!(found, Vec::<i64>::new(), "{}", backend.name);
            let (tripled, scaled) =
                select!((p.amount * 3.0, p.rate * 1.5) for p in Price if p.id == 2).one(tx)?;
            assert_eq!(tripled, 0.99 * 3.0, "{}", backend.name);
            assert_eq!(scaled, rate * 1.5, "{}", backend.name);
            Ok(())
        })
    });
}

#[derive(Entity, Debug, Clone)]
struct Sale {
    #[colt(primary_key)]
    id: i64,
    discount: Option<i64>,
    quantity: i64,
}

/// `None` divided by zero: NULL on PostgreSQL (as `None` divided by anything is `None`),
/// `DivisionByZero` on SQLite, whose zero check ran before the division whatever the
/// dividend. Both answer NULL now; a dividend that is there still makes it an error.
/// (Found by a review.)
#[test]
fn none_divided_by_zero_is_none_on_both_backends() {
    all_backends(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Sale])?;
        db.create_tables()?;
        db.transaction(|tx| {
            Sale::build().id(1).discount(None).quantity(0).insert(tx)?;
            Sale::build()
                .id(2)
                .discount(Some(4))
                .quantity(2)
                .insert(tx)?;
            Ok(())
        })?;
        let found = db.transaction(|tx| {
            select!(s.id for s in Sale if s.discount / s.quantity > 1 || s.discount % s.quantity == 1)
                .fetch(tx)
        })?;
        assert_eq!(found, [2], "{}", backend.name);
        let zero = db
            .transaction(|tx| select!(s.id for s in Sale if s.quantity / s.quantity > 0).fetch(tx));
        assert!(
            matches!(zero, Err(colt::Error::DivisionByZero)),
            "{}: {zero:?}",
            backend.name
        );
        Ok(())
    });
}

#[derive(Entity, Debug, Clone)]
struct Gauge {
    #[colt(primary_key)]
    id: i64,
    w: f32,
}

/// PostgreSQL: an `f32` attribute in another tool's `double precision` column (which
/// `check_tables` accepts) is read as the nearest `f32`, and was compared in the query as
/// the double it is: `w == 0.1f32` missed the row whose `w` reads 0.1f32, `w < 0.1` kept it.
/// It is computed as `real` now, as it reads. (Found by a review.)
#[test]
fn f32_attributes_compute_as_they_read_whatever_the_column_holds() {
    all_backends(|backend| {
        let db = backend.open();
        let ddl = if backend.is_postgres() {
            "CREATE TABLE gauge (id BIGINT PRIMARY KEY, w DOUBLE PRECISION NOT NULL)"
        } else {
            "CREATE TABLE gauge (id INTEGER PRIMARY KEY, w REAL NOT NULL)"
        };
        db.transaction(|tx| tx.execute_sql(ddl, &[]))?;
        db.bind(schema![Gauge])?;
        db.check_tables()?;
        db.transaction(|tx| {
            // Another tool's value (on SQLite, one an f32 holds: check_tables reports others).
            let value = if backend.is_postgres() {
                "0.1"
            } else {
                "0.10000000149011612"
            };
            tx.execute_sql(&format!("INSERT INTO gauge VALUES (1, {value})"), &[])
        })?;
        db.transaction(|tx| {
            let b = backend.name;
            assert_eq!(tx.get_or_err::<Gauge>(1)?.w(), 0.1f32, "{b}");
            let equal = select!(g.id for g in Gauge if g.w == 0.1f32).fetch(tx)?;
            assert_eq!(equal, [1], "{b}");
            let below = select!(g.id for g in Gauge if g.w < 0.1f32).fetch(tx)?;
            assert_eq!(below, Vec::<i64>::new(), "{b}");
            let distinct = select!(count_distinct(g.w) for g in Gauge if g.w == 0.1f32).one(tx)?;
            assert_eq!(distinct, 1, "{b}");
            Ok(())
        })
    });
}

#[derive(Entity, Debug, Clone)]
struct Counter {
    #[colt(primary_key)]
    id: i64,
    n: i64,
    small: i32,
}

/// PostgreSQL: an `i64` attribute on another tool's `integer` column (or an `i32` on a
/// `smallint`), which `check_tables` accepts, compared with a value past the column's range:
/// the server typed the parameter as the column, and sending the value failed (`Backend`
/// error) where the comparison has an answer. (Found by a review.)
#[test]
fn integer_values_past_a_narrower_column_compare_by_value() {
    all_backends(|backend| {
        let db = backend.open();
        let ddl = if backend.is_postgres() {
            "CREATE TABLE counter (id BIGINT PRIMARY KEY, n INTEGER NOT NULL, small SMALLINT NOT NULL)"
        } else {
            "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, small SMALLINT NOT NULL)"
        };
        db.transaction(|tx| tx.execute_sql(ddl, &[]))?;
        db.bind(schema![Counter])?;
        db.check_tables()?;
        db.transaction(|tx| {
            Counter::build().id(1).n(5).small(7).insert(tx)?;
            Ok(())
        })?;
        db.transaction(|tx| {
            let b = backend.name;
            let big = 3_000_000_000i64;
            assert_eq!(
                select!(c.id for c in Counter if c.n < big).fetch(tx)?,
                [1],
                "{b}"
            );
            assert_eq!(
                select!(c.id for c in Counter if c.n == big).fetch(tx)?,
                Vec::<i64>::new(),
                "{b}"
            );
            let wide = 40_000i32;
            assert_eq!(
                select!(c.id for c in Counter if c.small < wide).fetch(tx)?,
                [1],
                "{b}"
            );
            assert_eq!(
                select!(c.n + big for c in Counter).fetch(tx)?,
                [3_000_000_005],
                "{b}"
            );
            Ok(())
        })
    });
}

#[derive(Entity, Debug, Clone)]
struct Reading {
    #[colt(primary_key)]
    id: i64,
    value: Option<f64>,
}

/// An integer parameter of a float `unwrap_or` is `i as f64`, as Rust converts it: on SQLite
/// it stayed an integer, compared exactly with a REAL past 2^53 (no row), and `abs` of
/// `i64::MIN` overflowed.
#[test]
fn an_integer_parameter_of_a_float_branch_is_a_float() {
    all_backends(|backend| {
        let db = backend.open();
        db.bind(schema![Reading])?;
        db.create_tables()?;
        db.transaction(|tx| {
            Reading::build().id(1).value(None::<f64>).insert(tx)?;
            // 2^53 + 1, whose f64 is 2^53.
            let fallback: i64 = (1 << 53) + 1;
            let two_53 = 2f64.powi(53);
            let found = select!(r.id for r in Reading if r.value.unwrap_or(fallback) == two_53)
                .fetch(tx)?;
            assert_eq!(found, [1], "{}", backend.name);
            let min = i64::MIN;
            let abs = select!(r.value.unwrap_or(min).abs() for r in Reading).one(tx)?;
            assert_eq!(abs, (i64::MIN as f64).abs(), "{}", backend.name);
            Ok(())
        })
    });
}

/// An `f64` attribute times an `f32` one, typed `f64`, was rounded to `f32` (0.1f32 widened
/// times 1e9 + 7 lost its last digits): only an `f64` value of the program beside an `f32`
/// is an `f32`, as a literal is in Rust. (Found by a review.)
#[test]
fn an_f64_attribute_with_an_f32_one_stays_f64() {
    all_backends(|backend| {
        let db = parcels(backend)?;
        db.transaction(|tx| {
            let p = tx.get_or_err::<Parcel>(1)?;
            p.set(|p| p.total = 1_000_000_007.0)?;
            let got = select!((p.total * p.ratio) for p in Parcel if p.id == 1).one(tx)?;
            let want = 1_000_000_007.0 * f64::from(0.1f32);
            assert_eq!(got, want, "{}", backend.name);
            // A literal beside the f32 is still an f32, as in Rust.
            let lit = select!((0.1 * p.ratio) for p in Parcel if p.id == 1).one(tx)?;
            assert_eq!(lit, f64::from(0.1f32 * 0.1f32), "{}", backend.name);
            Ok(())
        })
    });
}

#[derive(Entity, Debug, Clone)]
struct Lot {
    #[colt(primary_key)]
    id: i64,
    qty: i32,
    bulk: bool,
}

#[hybrid]
impl Lot {
    fn scale(&self) -> i64 {
        if self.bulk {
            1_000_000
        } else {
            1
        }
    }

    fn units(&self) -> i64 {
        self.scale() * 3_000
    }
}

/// A hybrid method's integer literal is an `i64`, as in Rust: PostgreSQL typed the bare
/// `1000000` as `integer`, and `1000000 * 3000` (or times an `i32` attribute) overflowed
/// where SQLite and Rust answer 3 000 000 000. (Found by a review.)
#[test]
fn a_hybrid_integer_literal_is_an_i64() {
    all_backends(|backend| {
        let db = backend.open();
        db.bind(schema![Lot])?;
        db.create_tables()?;
        db.transaction(|tx| {
            Lot::build().id(1).qty(3_000).bulk(true).insert(tx)?;
            let scaled = select!(l.scale() * l.qty for l in Lot).one(tx)?;
            assert_eq!(scaled, 3_000_000_000, "{}", backend.name);
            let units = select!(l.units() for l in Lot).one(tx)?;
            assert_eq!(units, 3_000_000_000, "{}", backend.name);
            Ok(())
        })
    });
}

#[derive(Entity, Debug, Clone)]
struct Measure {
    #[colt(primary_key)]
    id: i64,
    a: f64,
    b: f64,
}

/// Another tool's `NUMERIC` columns for `f64` attributes (`check_tables` accepts them).
fn measures(backend: &common::Backend, rows: &[(i64, f64, f64)]) -> colt::Result<Database> {
    let db = backend.open();
    let key = if backend.is_postgres() {
        "BIGINT"
    } else {
        "INTEGER"
    };
    db.transaction(|tx| {
        tx.execute_sql(
            &format!(
                "CREATE TABLE measure (id {key} PRIMARY KEY, a NUMERIC NOT NULL, b NUMERIC NOT NULL)"
            ),
            &[],
        )
    })?;
    db.bind(schema![Measure])?;
    db.check_tables()?;
    db.transaction(|tx| {
        for &(id, a, b) in rows {
            Measure::build().id(id).a(a).b(b).insert(tx)?;
        }
        Ok(())
    })?;
    Ok(db)
}

/// SQLite keeps the whole values of a NUMERIC column as integers, and added, subtracted and
/// multiplied them as integers: `2^53 + 1.0 > 2^53` held (exact integer arithmetic, where
/// Rust's f64 gives 2^53), `a + b + b` was 2^53 + 2, a sum past `i64` an "integer overflow"
/// error, and a bulk update `a = a + b` stored an integer no `f64` holds. (Found by a
/// review.)
#[test]
fn f64_arithmetic_on_whole_values_is_f64_arithmetic() {
    all_backends(|backend| {
        let big = 9007199254740992.0_f64; // 2^53
        let db = measures(
            backend,
            &[(1, big, 1.0), (2, 9e18, 0.5), (3, 9e18, 0.5), (4, 0.1, 3.0)],
        )?;
        db.transaction(|tx| {
            let b = backend.name;
            let above = select!(m.id for m in Measure if m.a + m.b > m.a && m.id == 1).fetch(tx)?;
            assert_eq!(above, Vec::<i64>::new(), "{b}: a + b > a");
            let (sum, difference, product) =
                select!((m.a + m.b + m.b, m.a - m.b - m.b, m.a * m.b) for m in Measure if m.id == 1)
                    .one(tx)?;
            assert_eq!(sum, big + 1.0 + 1.0, "{b}");
            assert_eq!(difference, big - 1.0 - 1.0, "{b}");
            assert_eq!(product, big * 1.0, "{b}");
            let total = select!(sum(m.a) for m in Measure if m.id > 1).one(tx)?;
            assert_eq!(total, Some(1.8e19), "{b}: sum");
            let distinct = select!(sum_distinct(m.a) for m in Measure if m.id > 1).one(tx)?;
            assert_eq!(distinct, Some(9e18), "{b}: sum_distinct");
            let n = select!(Measure.filter(|m| m.id == 1).set(|m| m.a = m.a + m.b)).update(tx)?;
            assert_eq!(n, 1, "{b}");
            let n = select!(Measure.filter(|m| m.id == 4).set(|m| m.a = m.a * m.b)).update(tx)?;
            assert_eq!(n, 1, "{b}");
            Ok(())
        })?;
        db.transaction(|tx| {
            let b = backend.name;
            if backend.is_postgres() {
                // Documented: PostgreSQL's own cast of the statement's `double precision` to
                // another tool's `numeric` column keeps 15 significant digits (an object's
                // write sends the float exactly).
                assert_eq!(tx.get_or_err::<Measure>(1)?.a(), 9007199254740990.0, "{b}");
                assert_eq!(tx.get_or_err::<Measure>(4)?.a(), 0.3, "{b}");
                return Ok(());
            }
            assert_eq!(tx.get_or_err::<Measure>(1)?.a(), big + 1.0, "{b}");
            assert_eq!(tx.get_or_err::<Measure>(4)?.a(), 0.1 * 3.0, "{b}");
            let found = select!(m.id for m in Measure if m.a == big).fetch(tx)?;
            assert_eq!(found, [1], "{b}: the row holds the f64 the object reads");
            Ok(())
        })
    });
}

#[derive(Entity, Debug, Clone)]
struct Tally {
    #[colt(primary_key)]
    id: i64,
    n: i64,
}

/// A sum of integers past `i64` is `OutOfRange` on both backends (SQLite's "integer
/// overflow" was a backend error).
#[test]
fn an_integer_sum_past_i64_is_out_of_range() {
    all_backends(|backend| {
        let db = backend.open();
        db.bind(schema![Tally])?;
        db.create_tables()?;
        db.transaction(|tx| {
            Tally::build().id(1).n(i64::MAX).insert(tx)?;
            Tally::build().id(2).n(i64::MAX).insert(tx)?;
            Ok(())
        })?;
        let r = db.transaction(|tx| select!(sum(t.n) for t in Tally).one(tx));
        assert!(
            matches!(r, Err(Error::OutOfRange(_))),
            "{}: {r:?}",
            backend.name
        );
        Ok(())
    });
}

#[derive(Entity, Debug, Clone)]
struct Zero {
    #[colt(primary_key)]
    id: i64,
    v: f64,
    w: f32,
}

/// A bulk update keeps the sign of a computed zero on PostgreSQL (which keeps it in its
/// float columns), as an object's write does. (A review's guard against storing floats
/// through `numeric`, which has no negative zero.)
#[test]
fn a_bulk_update_keeps_the_sign_of_zero_on_postgres() {
    all_backends(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let db = backend.open();
        db.bind(schema![Zero])?;
        db.create_tables()?;
        db.transaction(|tx| {
            Zero::build().id(1).v(0.0).w(0.0).insert(tx)?;
            select!(Zero.filter(|z| z.id == 1).set(|z| {
                z.v = z.v * -1.0;
                z.w = z.w * -1.0
            }))
            .update(tx)?;
            Ok(())
        })?;
        db.transaction(|tx| {
            let z = tx.get_or_err::<Zero>(1)?;
            assert!(z.v().is_sign_negative() && z.w().is_sign_negative());
            Ok(())
        })
    });
}

/// `&&` and `||` inside a value (`is_some_and`'s closure, a selected condition, `(..) ==
/// true`) evaluated their right side for every row: a division the left side guards
/// (`d != 0 && p.price / d > 10`) failed with `DivisionByZero` on SQLite where PostgreSQL and
/// Rust's short circuit answer. (Found by a review.)
#[test]
fn a_guarded_division_inside_a_value_short_circuits() {
    all_backends(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let b = backend.name;
            let products =
                select!((p.name, p.price, p.discount) for p in common::Product).fetch(tx)?;
            let want = |f: &dyn Fn(i64, Option<i64>) -> bool| {
                common::sorted(
                    products
                        .iter()
                        .filter(|(_, price, d)| f(*price, *d))
                        .map(|(n, ..)| n.clone())
                        .collect(),
                )
            };
            let some_and = select!(p.name for p in common::Product
                if p.discount.is_some_and(|d| d != 0 && p.price / d > 10))
            .fetch(tx)?;
            assert_eq!(
                common::sorted(some_and),
                want(&|price, d| d.is_some_and(|d| d != 0 && price / d > 10)),
                "{b}"
            );
            let none_or = select!(p.name for p in common::Product
                if p.discount.is_none_or(|d| d == 0 || p.price / d > 8))
            .fetch(tx)?;
            assert_eq!(
                common::sorted(none_or),
                want(&|price, d| d.is_none_or(|d| d == 0 || price / d > 8)),
                "{b}"
            );
            // The program's own `bool` on the left (PostgreSQL typed a simple `CASE $1` as
            // text), and guards nested in guards (the text grew fourfold a level).
            for flag in [false, true] {
                let flagged = select!((p.name, flag && p.price / p.discount.unwrap_or(1) > 10)
                    for p in common::Product if p.discount != Some(0))
                .fetch(tx)?;
                for (name, v) in &flagged {
                    let (_, price, d) = products.iter().find(|(n, ..)| n == name).unwrap();
                    assert_eq!(*v, flag && price / d.unwrap_or(1) > 10, "{b}: {name}");
                }
            }
            let nested = select!(p.name for p in common::Product
                if p.discount.is_some_and(|d| d > 0
                    && (p.price / d > 100
                        || (d > 1 && (p.price / d > 10 || (d > 2 && p.price / d > 1))))));
            assert!(nested.sql(Dialect::Sqlite).len() < 2_000, "{b}");
            assert_eq!(
                common::sorted(nested.fetch(tx)?),
                want(&|price, d| d.is_some_and(|d| d > 0
                    && (price / d > 100
                        || (d > 1 && (price / d > 10 || (d > 2 && price / d > 1)))))),
                "{b}"
            );
            // A run of `||` (Rust nests it to the left): each term written at most twice
            // (guarding it as it nested doubled the text at each term: 16 terms made 4 MB
            // of SQL, which PostgreSQL did not finish planning).
            let run = select!(p.name for p in common::Product
                if p.price / 2 > 1000 || p.price / 3 > 1000 || p.price / 4 > 1000
                    || p.price / 5 > 1000 || p.price / 6 > 1000 || p.price / 7 > 1000
                    || p.price / 8 > 1000 || p.price / 9 > 1000 || p.price / 10 > 1000
                    || p.price / 11 > 1000 || p.price / 12 > 1000 || p.price / 13 > 1000
                    || p.price / 14 > 1000 || p.price / 15 > 1000 || p.price / 16 > 1000
                    || p.price / 17 > 1000);
            assert!(run.sql(Dialect::Postgres).len() < 4_000, "{b}");
            assert_eq!(
                common::sorted(run.fetch(tx)?),
                want(&|price, _| price / 2 > 1000),
                "{b}"
            );
            let selected = select!((p.name, p.discount != 0 && p.price / p.discount > 10)
                for p in common::Product if p.discount.is_some())
            .fetch(tx)?;
            for (name, v) in &selected {
                let (_, price, d) = products.iter().find(|(n, ..)| n == name).unwrap();
                let d = d.unwrap();
                assert_eq!(*v, d != 0 && price / d > 10, "{b}: {name}");
            }
            Ok(())
        })
    });
}

#[derive(Entity, Debug, Clone)]
struct Ratio {
    #[colt(primary_key)]
    id: i64,
    x: i64,
    d: i64,
}

/// A query's own conditions are a run of `&&` too: a division one of them guards
/// (`r.d != 0 && r.x / r.d > 1`, written in one condition or in two `filter`s) failed with
/// `DivisionByZero` on PostgreSQL, which evaluates a `WHERE`'s terms in the order it
/// estimates cheapest (the division's term before its guard). (Found by a review.)
#[test]
fn a_guarded_division_among_conditions_short_circuits() {
    all_backends(|backend| {
        let db = backend.open();
        db.bind(schema![Ratio])?;
        db.create_tables()?;
        db.transaction(|tx| {
            for (id, x, d) in [(1, 10, 0), (2, 10, 2), (3, 10, 20), (4, -4, 0)] {
                Ratio::build().id(id).x(x).d(d).insert(tx)?;
            }
            Ok(())
        })?;
        db.transaction(|tx| {
            let b = backend.name;
            let one = select!(r.id for r in Ratio if r.d != 0 && r.x / r.d > 1).fetch(tx)?;
            assert_eq!(one, [2], "{b}");
            // A guard PostgreSQL estimates dearer than the division (three operators).
            let dear = select!(r.id for r in Ratio if r.d * r.d * r.d != 0 && r.x / r.d > 1)
                .fetch(tx)?;
            assert_eq!(dear, [2], "{b}");
            let two = select!(Ratio
                .filter(|r| r.d * r.d * r.d != 0)
                .filter(|r| r.x / r.d > 1)
                .map(|r| r.id))
                .fetch(tx)?;
            assert_eq!(two, [2], "{b}");
            let refined = select!(Ratio.filter(|r| r.d * r.d * r.d != 0));
            let three = select!(refined.filter(|r| r.x % r.d == 0)).fetch(tx)?;
            assert_eq!(three.iter().map(|r| r.id()).collect::<Vec<_>>(), [2], "{b}");
            let grouped = select!((r.x, count(r)) for r in Ratio
                if r.d * r.d * r.d != 0 && sum(r.x) / count(r) > 0)
            .fetch(tx)?;
            assert_eq!(grouped, [(10, 2)], "{b}");
            // Inside a sub-query's conditions too.
            let inner = select!(r.id for r in Ratio
                if exists(s for s in Ratio if s.d * s.d * s.d != 0 && s.x / s.d > 1 && s.id == r.id))
            .fetch(tx)?;
            assert_eq!(inner, [2], "{b}");
            Ok(())
        })
    });
}
