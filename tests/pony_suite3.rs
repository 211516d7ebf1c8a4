//! PonyORM 0.7.20's own tests, a third batch ported by a review: datetime, json,
//! deduplication, the rest of select_from_select, join_optimization, inner_join_syntax,
//! prefetching, collections, attr_set_monad (what pony_suite lacks) and the test_bug_*
//! files (a symmetric many-to-many, `Set("Person", reverse="friends")`, has no Colt spelling
//! yet: test_relations_symmetric_m2m is not ported). Each check asserts PonyORM's answer (from PonyORM's own test, or
//! from running the query on PonyORM over the same data), or the one docs/semantics.md
//! documents; one checker collects every failure.
#![cfg(all(feature = "chrono", feature = "json", feature = "decimal"))]
#![allow(
    clippy::type_complexity,
    clippy::bool_comparison,
    clippy::nonminimal_bool
)]

mod common;

use colt::prelude::*;
use common::all_backends;
use common::checks::{run_modules, Ck};

fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

#[allow(dead_code)]
fn sv(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------- test_datetime.py
mod dt {
    use super::*;
    use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

    #[derive(Entity, Debug, Clone)]
    pub struct Entity1 {
        #[colt(primary_key)]
        pub id: i64,
        pub d: NaiveDate,
        pub dt: NaiveDateTime,
    }
    #[derive(Entity, Debug, Clone)]
    pub struct E2 {
        #[colt(primary_key)]
        pub id: i64,
        pub od: Option<NaiveDate>,
        pub odt: Option<NaiveDateTime>,
        pub t: Option<NaiveTime>,
    }
    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }
    fn dt(y: i32, m: u32, dd: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        d(y, m, dd).and_hms_opt(h, mi, s).unwrap()
    }
    fn dtu(y: i32, m: u32, dd: u32, h: u32, mi: u32, s: u32, us: u32) -> NaiveDateTime {
        d(y, m, dd).and_hms_micro_opt(h, mi, s, us).unwrap()
    }

    pub fn run(ck: &mut Ck) -> colt::Result<()> {
        ck.db.bind(schema![Entity1, E2])?;
        ck.db.create_tables()?;
        ck.db.transaction(|tx| {
            Entity1::build()
                .id(1)
                .d(d(2009, 10, 20))
                .dt(dt(2009, 10, 20, 10, 20, 30))
                .insert(tx)?;
            Entity1::build()
                .id(2)
                .d(d(2010, 10, 21))
                .dt(dt(2010, 10, 21, 10, 21, 31))
                .insert(tx)?;
            Entity1::build()
                .id(3)
                .d(d(2011, 11, 22))
                .dt(dt(2011, 11, 22, 10, 20, 32))
                .insert(tx)?;
            let t = |h, m, s, us| NaiveTime::from_hms_micro_opt(h, m, s, us).unwrap();
            E2::build()
                .id(1)
                .od(Some(d(2020, 2, 29)))
                .odt(Some(dtu(2020, 2, 29, 23, 59, 59, 999_999)))
                .t(Some(t(9, 30, 0, 0)))
                .insert(tx)?;
            E2::build()
                .id(2)
                .od(None)
                .odt(Some(dt(2020, 2, 29, 23, 59, 59)))
                .t(None)
                .insert(tx)?;
            E2::build()
                .id(3)
                .od(Some(d(2021, 1, 1)))
                .odt(None)
                .t(Some(t(23, 0, 0, 500_000)))
                .insert(tx)?;
            E2::build()
                .id(4)
                .od(Some(d(1999, 12, 31)))
                .odt(Some(dtu(2020, 3, 1, 0, 0, 0, 1)))
                .t(Some(t(0, 0, 0, 0)))
                .insert(tx)?;
            Ok(())
        })?;
        macro_rules! n {
            ($name:expr, $want:expr, $q:expr) => {
                ck.eq($name, $want, |tx| Ok($q.fetch(tx)?.len()))
            };
        }
        n!(
            "test_date_year",
            2,
            select!(e for e in Entity1 if e.d.year() > 2009)
        );
        n!(
            "test_date_month",
            2,
            select!(e for e in Entity1 if e.d.month() == 10)
        );
        n!(
            "test_date_day",
            1,
            select!(e for e in Entity1 if e.d.day() == 22)
        );
        n!(
            "test_datetime_year",
            2,
            select!(e for e in Entity1 if e.dt.year() > 2009)
        );
        n!(
            "test_datetime_month",
            2,
            select!(e for e in Entity1 if e.dt.month() == 10)
        );
        n!(
            "test_datetime_day",
            1,
            select!(e for e in Entity1 if e.dt.day() == 22)
        );
        n!(
            "test_datetime_hour",
            3,
            select!(e for e in Entity1 if e.dt.hour() == 10)
        );
        n!(
            "test_datetime_minute",
            2,
            select!(e for e in Entity1 if e.dt.minute() == 20)
        );
        n!(
            "test_datetime_second",
            1,
            select!(e for e in Entity1 if e.dt.second() == 30)
        );
        // test_date_sub_date .. test_datetime_add_const_timedelta: date arithmetic with a
        // timedelta (`dt - e.d > timedelta(days=500)`, `e.d + td`) has no spelling in a Colt
        // query (no `Duration` operand; `-`/`+` of a date is a compile error). The equivalent
        // with the arithmetic moved to the Rust side:
        ck.eq(
            "test_date_sub_date (moved: e.d < dt - 500d)",
            vec![1],
            |tx| {
                let x = d(2012, 1, 1) - Duration::days(500);
                Ok(sorted(select!(e.id for e in Entity1 if e.d < x).fetch(tx)?))
            },
        );
        ck.eq("test_datetime_sub_datetime (moved)", vec![1], |tx| {
            let x = dt(2012, 1, 1, 10, 20, 30) - Duration::days(500);
            Ok(sorted(
                select!(e.id for e in Entity1 if e.dt < x).fetch(tx)?,
            ))
        });
        ck.eq(
            "test_date_add_timedelta (moved: e.d > 2013-01-01 - 500d)",
            vec![3],
            |tx| {
                let x = d(2013, 1, 1) - Duration::days(500);
                Ok(sorted(select!(e.id for e in Entity1 if e.d > x).fetch(tx)?))
            },
        );
        ck.eq(
            "test_datetime_add_timedelta vs a date (moved)",
            vec![3],
            |tx| {
                let x = d(2013, 1, 1).and_hms_opt(0, 0, 0).unwrap() - Duration::days(500);
                Ok(sorted(
                    select!(e.id for e in Entity1 if e.dt > x).fetch(tx)?,
                ))
            },
        );
        // Probes (PonyORM's answers from running the queries over the same data).
        ck.eq(
            "p group by year",
            vec![(2009, 1i64), (2010, 1), (2011, 1)],
            |tx| {
                Ok(sorted(
                    select!((e.d.year(), count(e)) for e in Entity1).fetch(tx)?,
                ))
            },
        );
        ck.eq("p group by dt.month", vec![(10, 2i64), (11, 1)], |tx| {
            Ok(sorted(
                select!((e.dt.month(), count(e)) for e in Entity1).fetch(tx)?,
            ))
        });
        ck.eq(
            "p max d, min dt",
            (Some(d(2011, 11, 22)), Some(dt(2009, 10, 20, 10, 20, 30))),
            |tx| select!((max(e.d), min(e.dt)) for e in Entity1).one(tx),
        );
        ck.eq("p order desc dt", vec![3, 2, 1], |tx| {
            Ok(select!((e for e in Entity1).order_by(|e| desc(e.dt)))
                .fetch(tx)?
                .iter()
                .map(|e| e.id())
                .collect::<Vec<_>>())
        });
        ck.eq("p od.year() < 2021 skips NULL", vec![1, 4], |tx| {
            Ok(sorted(
                select!(e.id for e in E2 if e.od.year() < 2021).fetch(tx)?,
            ))
        });
        ck.eq(
            "p odt.second()",
            vec![(1, Some(59)), (2, Some(59)), (4, Some(0))],
            |tx| {
                Ok(sorted(
                    select!((e.id, e.odt.second()) for e in E2 if e.odt.is_some()).fetch(tx)?,
                ))
            },
        );
        ck.eq("p odt > x (x whole second)", vec![1, 4], |tx| {
            let x = dt(2020, 2, 29, 23, 59, 59);
            Ok(sorted(select!(e.id for e in E2 if e.odt > x).fetch(tx)?))
        });
        ck.eq("p odt >= x", vec![1, 2, 4], |tx| {
            let x = dt(2020, 2, 29, 23, 59, 59);
            Ok(sorted(select!(e.id for e in E2 if e.odt >= x).fetch(tx)?))
        });
        ck.eq("p odt == x", vec![2], |tx| {
            let x = dt(2020, 2, 29, 23, 59, 59);
            Ok(sorted(select!(e.id for e in E2 if e.odt == x).fetch(tx)?))
        });
        ck.eq("p odt < x with fraction", vec![1, 2], |tx| {
            let x = dtu(2020, 3, 1, 0, 0, 0, 1);
            Ok(sorted(select!(e.id for e in E2 if e.odt < x).fetch(tx)?))
        });
        ck.eq("p t < 10:00", vec![1, 4], |tx| {
            let x = NaiveTime::from_hms_opt(10, 0, 0).unwrap();
            Ok(sorted(select!(e.id for e in E2 if e.t < x).fetch(tx)?))
        });
        ck.eq(
            "p max odt (fraction)",
            Some(dtu(2020, 3, 1, 0, 0, 0, 1)),
            |tx| select!(max(e.odt) for e in E2).one(tx),
        );
        ck.eq(
            "p max t",
            Some(NaiveTime::from_hms_micro_opt(23, 0, 0, 500_000).unwrap()),
            |tx| select!(max(e.t) for e in E2).one(tx),
        );
        ck.eq("p count_distinct(od.year())", 3i64, |tx| {
            select!(count_distinct(e.od.year()) for e in E2).one(tx)
        });
        ck.eq("p order by od (NULL first)", vec![2, 4, 1, 3], |tx| {
            Ok(select!((e for e in E2).order_by(|e| e.od))
                .fetch(tx)?
                .iter()
                .map(|e| e.id())
                .collect::<Vec<_>>())
        });
        ck.eq("p order by desc odt (NULL last)", vec![4, 1, 2, 3], |tx| {
            Ok(select!((e for e in E2).order_by(|e| desc(e.odt)))
                .fetch(tx)?
                .iter()
                .map(|e| e.id())
                .collect::<Vec<_>>())
        });
        ck.eq("p od.day() % 2 == 1", vec![1, 3, 4], |tx| {
            Ok(sorted(
                select!(e.id for e in E2 if e.od.day() % 2 == 1).fetch(tx)?,
            ))
        });
        ck.eq("p min/max of if on dates (max(d, x))", vec![1, 2], |tx| {
            let x = d(2010, 12, 31);
            Ok(sorted(
                select!(e.id for e in Entity1 if (if e.d > x { e.d } else { x }) == x).fetch(tx)?,
            ))
        });
        ck.eq("p odt.unwrap_or(x) < y", vec![3], |tx| {
            let x = dt(2000, 1, 1, 0, 0, 0);
            let y = dt(2001, 1, 1, 0, 0, 0);
            Ok(sorted(
                select!(e.id for e in E2 if e.odt.unwrap_or(x) < y).fetch(tx)?,
            ))
        });
        ck.eq("p dates in a list", vec![1, 3], |tx| {
            let xs = vec![d(2009, 10, 20), d(2011, 11, 22), d(2000, 1, 1)];
            Ok(sorted(
                select!(e.id for e in Entity1 if xs.contains(&e.d)).fetch(tx)?,
            ))
        });
        ck.eq("p between dates (range contains)", vec![2], |tx| {
            let (a, b) = (d(2010, 1, 1), d(2010, 12, 31));
            Ok(sorted(
                select!(e.id for e in Entity1 if (a..=b).contains(&e.d)).fetch(tx)?,
            ))
        });
        ck.eq(
            "p group by odt.year() with NULL",
            vec![(None, 1i64), (Some(2020), 3)],
            |tx| {
                Ok(sorted(
                    select!((e.odt.year(), count(e)) for e in E2).fetch(tx)?,
                ))
            },
        );
        Ok(())
    }
}

// ---------------------------------------------------------------- test_json.py
mod js {
    use super::*;
    use serde_json::{json, Value};

    #[derive(Entity, Debug, Clone)]
    pub struct Product {
        #[colt(primary_key, auto)]
        pub id: i64,
        pub name: String,
        pub info: Option<Value>,
        pub tags: Option<Value>,
    }

    fn info() -> Value {
        json!({
            "name": "Apple iPad Air 2",
            "display": {"size": 9.7, "resolution": [2048, 1536], "matrix-type": "IPS", "multi-touch": true},
            "os": {"type": "iOS", "version": "8"},
            "cpu": "Apple A8X",
            "ram": "8GB",
            "colors": ["Gold", "Silver", "Space Gray"],
            "models": [
                {"name": "Wi-Fi", "capacity": ["16GB", "64GB"], "height": 240, "width": 169.5, "depth": 6.1, "weight": 437},
                {"name": "Wi-Fi + Cellular", "capacity": ["16GB", "64GB"], "height": 240, "width": 169.5, "depth": 6.1, "weight": 444}
            ],
            "discontinued": false,
            "videoUrl": null,
            "non-ascii-attr": "\u{0442}\u{0435}\u{0441}\u{0442}"
        })
    }

    fn one(tx: &Transaction) -> colt::Result<Obj<Product>> {
        select!(p for p in Product if p.name == "Apple iPad Air 2").one(tx)
    }
    fn names(v: Vec<Obj<Product>>) -> Vec<String> {
        sorted(v.iter().map(|p| p.name()).collect())
    }

    pub fn run(ck: &mut Ck) -> colt::Result<()> {
        ck.db.bind(schema![Product])?;
        ck.db.create_tables()?;
        ck.db.transaction(|tx| {
            Product::build()
                .name("Apple iPad Air 2")
                .info(Some(info()))
                .tags(Some(json!(["Tablets", "Apple", "Retina"])))
                .insert(tx)?;
            Ok(())
        })?;
        // ---- the queries of test_json.py (one product) ----
        ck.eq("test_query_int", Some(json!(2048)), |tx| {
            select!(p.info.get("display").get("resolution").get(0) for p in Product).one(tx)
        });
        ck.eq("test_query_int as_i64", Some(2048), |tx| {
            select!(p.info.get("display").get("resolution").get(0).as_i64() for p in Product)
                .one(tx)
        });
        ck.eq("test_query_float", Some(9.7), |tx| {
            select!(p.info.get("display").get("size").as_f64() for p in Product).one(tx)
        });
        ck.eq("test_query_float as JSON", Some(json!(9.7)), |tx| {
            select!(p.info.get("display").get("size") for p in Product).one(tx)
        });
        ck.eq("test_query_true", Some(json!(true)), |tx| {
            select!(p.info.get("display").get("multi-touch") for p in Product).one(tx)
        });
        ck.eq("test_query_true as_bool", Some(true), |tx| {
            select!(p.info.get("display").get("multi-touch").as_bool() for p in Product).one(tx)
        });
        ck.eq("test_query_false", Some(json!(false)), |tx| {
            select!(p.info.get("discontinued") for p in Product).one(tx)
        });
        // PonyORM: None (a JSON null member reads as None); Colt: the member, JSON null.
        ck.doc("test_query_null", None, Some(json!(null)), |tx| {
            select!(p.info.get("videoUrl") for p in Product).one(tx)
        });
        ck.eq(
            "test_query_list",
            Some(json!(["Gold", "Silver", "Space Gray"])),
            |tx| select!(p.info.get("colors") for p in Product).one(tx),
        );
        ck.eq("test_query_dict", Some(json!({"size": 9.7, "resolution": [2048, 1536], "matrix-type": "IPS", "multi-touch": true})), |tx| {
            select!(p.info.get("display") for p in Product).one(tx)
        });
        ck.eq(
            "test_query_json_field",
            (Some(info()), Some(json!(["Tablets", "Apple", "Retina"]))),
            |tx| select!((p.info, p.tags) for p in Product).one(tx),
        );
        ck.eq(
            "test_get_object",
            (Some(json!(false)), Some(json!(null))),
            |tx| {
                let p = one(tx)?;
                let i = p.info().unwrap();
                Ok((i.get("discontinued").cloned(), i.get("videoUrl").cloned()))
            },
        );
        // test_set_*: changes of the document, read back in a new transaction.
        macro_rules! set_then {
            ($name:expr, $change:expr, $read:expr, $want:expr) => {
                ck.eq_rb($name, $want, |tx| {
                    let p = one(tx)?;
                    p.set(|p| {
                        let i = p.info.as_mut().unwrap();
                        #[allow(clippy::redundant_closure_call)]
                        ($change)(i);
                    })?;
                    tx.flush()?;
                    // Read again from the database, not the object.
                    let v = select!(p.info for p in Product).one(tx)?.unwrap();
                    #[allow(clippy::redundant_closure_call)]
                    Ok(($read)(&v))
                })
            };
        }
        set_then!(
            "test_set_str",
            |i: &mut Value| i["os"]["version"] = json!("9"),
            |v: &Value| v["os"]["version"].clone(),
            json!("9")
        );
        set_then!(
            "test_set_int",
            |i: &mut Value| {
                let n = i["display"]["resolution"][0].as_i64().unwrap();
                i["display"]["resolution"][0] = json!(n + 1)
            },
            |v: &Value| v["display"]["resolution"][0].clone(),
            json!(2049)
        );
        set_then!(
            "test_set_true",
            |i: &mut Value| i["discontinued"] = json!(true),
            |v: &Value| v["discontinued"].clone(),
            json!(true)
        );
        set_then!(
            "test_set_null",
            |i: &mut Value| i["display"] = json!(null),
            |v: &Value| v["display"].clone(),
            json!(null)
        );
        set_then!(
            "test_list_del",
            |i: &mut Value| {
                i["colors"].as_array_mut().unwrap().remove(1);
            },
            |v: &Value| v["colors"].clone(),
            json!(["Gold", "Space Gray"])
        );
        set_then!(
            "test_list_append",
            |i: &mut Value| i["colors"].as_array_mut().unwrap().push(json!("White")),
            |v: &Value| v["colors"].clone(),
            json!(["Gold", "Silver", "Space Gray", "White"])
        );
        set_then!(
            "test_set_dict",
            |i: &mut Value| i["display"]["resolution"] = json!({"width": 2048, "height": 1536}),
            |v: &Value| v["display"]["resolution"].clone(),
            json!({"width": 2048, "height": 1536})
        );
        set_then!(
            "test_dict_del",
            |i: &mut Value| {
                i["os"].as_object_mut().unwrap().remove("version");
            },
            |v: &Value| v["os"].clone(),
            json!({"type": "iOS"})
        );
        set_then!(
            "test_sql_inject",
            |i: &mut Value| i["display"]["size"] = json!("0' 9.7\""),
            |v: &Value| v["display"]["size"].clone(),
            json!("0' 9.7\"")
        );
        ck.eq_rb("test_set_same_value", 1usize, |tx| {
            let p = one(tx)?;
            p.set(|p| p.info = p.info.clone())?;
            tx.flush()?;
            Ok(select!(p for p in Product).fetch(tx)?.len())
        });
        ck.eq_rb("test_optimistic_check", "name3".to_string(), |tx| {
            let p = one(tx)?;
            p.set(|p| p.info.as_mut().unwrap()["foo"] = json!("bar"))?;
            tx.flush()?;
            p.set(|p| p.name = "name2".into())?;
            tx.flush()?;
            p.set(|p| p.name = "name3".into())?;
            tx.flush()?;
            select!(p.name for p in Product if p.info.get("foo") == json!("bar")).one(tx)
        });
        // test_len: `len(p.tags)`, `len(p.info['colors'])`: no spelling in Colt (3 in PonyORM).
        ck.eq("test_equal_str", 1usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("name") == json!("Apple iPad Air 2"))
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_equal_str as_str", 1usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("name").as_str() == "Apple iPad Air 2")
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_equal_string_attr", 1usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("name").as_str() == p.name)
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_composite_param", Some("Wi-Fi".to_string()), |tx| {
            let key = "models";
            let index = 0;
            select!(p.info.get(key).get(index).get("name").as_str() for p in Product).one(tx)
        });
        ck.eq("test_composite_param_in_condition", 1usize, |tx| {
            let key = "models";
            let index = 0;
            Ok(select!(p for p in Product if p.info.get(key).get(index).get("name") == json!("Wi-Fi")).fetch(tx)?.len())
        });
        ck.eq("test_equal_json_1", 1usize, |tx| {
            Ok(select!(p for p in Product if p.info.get("os") == json!({"type": "iOS", "version": "8"})).fetch(tx)?.len())
        });
        ck.eq("test_equal_json key order", 1usize, |tx| {
            Ok(select!(p for p in Product if p.info.get("os") == json!({"version": "8", "type": "iOS"})).fetch(tx)?.len())
        });
        ck.eq("test_ne_json_1 != {}", 1usize, |tx| {
            Ok(select!(p for p in Product if p.info.get("os") != json!({}))
                .fetch(tx)?
                .len())
        });
        ck.eq("test_ne_json_1 != same", 0usize, |tx| {
            Ok(select!(p for p in Product if p.info.get("os") != json!({"type": "iOS", "version": "8"})).fetch(tx)?.len())
        });
        ck.eq("test_equal_list_1", 1usize, |tx| {
            let colors = json!(["Gold", "Silver", "Space Gray"]);
            Ok(
                select!(p for p in Product if p.info.get("colors") == colors)
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_equal_list_3 != [Gold]", 1usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("colors") != json!(["Gold"]))
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_equal_empty_list_2", 0usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("colors") == json!([]))
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_ne_empty_list", 1usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("colors") != json!([]))
                    .fetch(tx)?
                    .len(),
            )
        });
        // test_in_dict / test_not_in_dict: `'resolution' in p.info['display']`: a key's
        // presence; Colt's nearest spelling is `get(..).is_some()`.
        ck.eq("test_in_dict (get.is_some)", 1usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("display").get("resolution").is_some())
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_not_in_dict resolution", 0usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("display").get("resolution").is_none())
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_not_in_dict xyz", 1usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("display").get("xyz").is_none())
                    .fetch(tx)?
                    .len(),
            )
        });
        // `'videoUrl' in p.info` is true in PonyORM (the key is there, its value null).
        ck.eq(
            "p key with a null value is present (get.is_some)",
            1usize,
            |tx| {
                Ok(
                    select!(p for p in Product if p.info.get("videoUrl").is_some())
                        .fetch(tx)?
                        .len(),
                )
            },
        );
        // test_in_list / test_not_in_list / test_var_in_json (`'Gold' in p.info['colors']`):
        // no spelling in Colt.
        ck.eq("test_int_compare ==", 1usize, |tx| Ok(select!(p for p in Product if p.info.get("display").get("resolution").get(0).as_i64() == 2048).fetch(tx)?.len()));
        ck.eq("test_int_compare !=", 0usize, |tx| Ok(select!(p for p in Product if p.info.get("display").get("resolution").get(0).as_i64() != 2048).fetch(tx)?.len()));
        ck.eq("test_int_compare <", 0usize, |tx| Ok(select!(p for p in Product if p.info.get("display").get("resolution").get(0).as_i64() < 2048).fetch(tx)?.len()));
        ck.eq("test_int_compare <=", 1usize, |tx| Ok(select!(p for p in Product if p.info.get("display").get("resolution").get(0).as_i64() <= 2048).fetch(tx)?.len()));
        ck.eq("test_int_compare >", 0usize, |tx| Ok(select!(p for p in Product if p.info.get("display").get("resolution").get(0).as_i64() > 2048).fetch(tx)?.len()));
        ck.eq("test_int_compare >=", 1usize, |tx| Ok(select!(p for p in Product if p.info.get("display").get("resolution").get(0).as_i64() >= 2048).fetch(tx)?.len()));
        ck.eq("test_int_compare == json", 1usize, |tx| Ok(select!(p for p in Product if p.info.get("display").get("resolution").get(0) == json!(2048)).fetch(tx)?.len()));
        ck.eq("test_float_compare > 9.5", 1usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("display").get("size").as_f64() > 9.5)
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_float_compare < 9.8", 1usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("display").get("size").as_f64() < 9.8)
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_float_compare < 9.5", 0usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("display").get("size").as_f64() < 9.5)
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_float_compare > 9.8", 0usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("display").get("size").as_f64() > 9.8)
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_float_compare == 9.7", 1usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("display").get("size").as_f64() == 9.7)
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_str_compare ==", 1usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("ram").as_str() == "8GB")
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_str_compare !=", 0usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("ram").as_str() != "8GB")
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_str_compare < 9GB", 1usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("ram").as_str() < "9GB")
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_str_compare > 7GB", 1usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("ram").as_str() > "7GB")
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_str_compare > 9GB", 0usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("ram").as_str() > "9GB")
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_str_compare < 7GB", 0usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("ram").as_str() < "7GB")
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_bool_compare mt == true", 1usize, |tx| Ok(select!(p for p in Product if p.info.get("display").get("multi-touch").as_bool() == Some(true)).fetch(tx)?.len()));
        ck.eq("test_bool_compare mt == json true", 1usize, |tx| Ok(select!(p for p in Product if p.info.get("display").get("multi-touch") == json!(true)).fetch(tx)?.len()));
        ck.eq("test_bool_compare mt == false", 0usize, |tx| Ok(select!(p for p in Product if p.info.get("display").get("multi-touch").as_bool() == Some(false)).fetch(tx)?.len()));
        ck.eq("test_bool_compare disc == false", 1usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("discontinued").as_bool() == Some(false))
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_bool_compare disc == true", 0usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("discontinued").as_bool() == Some(true))
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_bool_compare disc == json false", 1usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("discontinued") == json!(false))
                    .fetch(tx)?
                    .len(),
            )
        });
        // test_none_compare: `p.info['videoUrl'] is None` holds in PonyORM (JSON null);
        // Colt's `== json!(null)` says the same.
        ck.eq("test_none_compare == json null", 1usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("videoUrl") == json!(null))
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.doc("test_none_compare is_none", 1usize, 0usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("videoUrl").is_none())
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("test_none_for_nonexistent_path", 1usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("some_attr").is_none())
                    .fetch(tx)?
                    .len(),
            )
        });
        // test_str_cast: coalesce(str(p.name), 'empty'); test_int_cast: int(p.info['os']['version'])
        // (a JSON string "8" cast to 8): no spelling in Colt (`as_i64` of a string is None).
        ck.eq("test_avg", Some(9.7), |tx| {
            select!(avg(p.info.get("display").get("size").as_f64()) for p in Product).one(tx)
        });
        // ---- probes: serde_json's answers, the same on both backends ----
        ck.eq(
            "p as_f64 of an integer member (serde: Some(2048.0))",
            Some(2048.0),
            |tx| {
                select!(p.info.get("display").get("resolution").get(0).as_f64() for p in Product)
                    .one(tx)
            },
        );
        ck.eq("p as_i64 of a float member", None, |tx| {
            select!(p.info.get("display").get("size").as_i64() for p in Product).one(tx)
        });
        ck.eq("p as_i64 of true", None, |tx| {
            select!(p.info.get("display").get("multi-touch").as_i64() for p in Product).one(tx)
        });
        ck.eq("p as_f64 of false", None, |tx| {
            select!(p.info.get("discontinued").as_f64() for p in Product).one(tx)
        });
        ck.eq("p as_str of a number", None, |tx| {
            select!(p.info.get("display").get("size").as_str() for p in Product).one(tx)
        });
        ck.eq("p as_str of null", None, |tx| {
            select!(p.info.get("videoUrl").as_str() for p in Product).one(tx)
        });
        ck.eq("p as_bool of null", None, |tx| {
            select!(p.info.get("videoUrl").as_bool() for p in Product).one(tx)
        });
        ck.eq("p as_str of a list", None, |tx| {
            select!(p.info.get("colors").as_str() for p in Product).one(tx)
        });
        ck.eq(
            "p non-ascii member",
            Some("\u{0442}\u{0435}\u{0441}\u{0442}".to_string()),
            |tx| select!(p.info.get("non-ascii-attr").as_str() for p in Product).one(tx),
        );
        ck.eq("p get(-1) of colors", Some(json!("Space Gray")), |tx| {
            select!(p.info.get("colors").get(-1) for p in Product).one(tx)
        });
        ck.eq("p get(3) past the end", None, |tx| {
            select!(p.info.get("colors").get(3) for p in Product).one(tx)
        });
        ck.eq("p get(-4) before the start", None, |tx| {
            select!(p.info.get("colors").get(-4) for p in Product).one(tx)
        });
        ck.eq("p models[1].weight as_i64", Some(444), |tx| {
            select!(p.info.get("models").get(1).get("weight").as_i64() for p in Product).one(tx)
        });
        ck.eq("p models[0].width as_f64", Some(169.5), |tx| {
            select!(p.info.get("models").get(0).get("width").as_f64() for p in Product).one(tx)
        });
        ck.eq("p sum weight", Some(881), |tx| {
            select!(sum(p.info.get("models").get(0).get("weight").as_i64() + p.info.get("models").get(1).get("weight").as_i64()) for p in Product).one(tx)
        });
        ck.eq("p tags get(0) == param", 1usize, |tx| {
            let t = json!("Tablets");
            Ok(select!(p for p in Product if p.tags.get(0) == t)
                .fetch(tx)?
                .len())
        });
        ck.eq("p info.get(string of digits) on an array", None, |tx| {
            select!(p.info.get("colors").get("0") for p in Product).one(tx)
        });
        ck.eq("p get(0) on an object", None, |tx| {
            select!(p.info.get("os").get(0) for p in Product).one(tx)
        });
        // Several products.
        ck.db.transaction(|tx| {
            Product::build().name("P2").info(Some(json!({"display": {"size": 10, "resolution": [1, 2]}, "ram": "16GB", "videoUrl": "u", "n": 1.0, "b": 1}))).insert(tx)?;
            Product::build().name("P3").info(Some(json!({}))).tags(Some(json!([]))).insert(tx)?;
            Product::build().name("P4").info(Some(json!([1, "x", null, true]))).tags(Some(json!({"a": null}))).insert(tx)?;
            Product::build().name("P5").insert(tx)?;
            Ok(())
        })?;
        ck.eq(
            "p2 size of each (JSON)",
            vec![
                ("Apple iPad Air 2".to_string(), Some(json!(9.7))),
                ("P2".into(), Some(json!(10))),
                ("P3".into(), None),
                ("P4".into(), None),
                ("P5".into(), None),
            ],
            |tx| {
                Ok(sorted_by_name(
                    select!((p.name, p.info.get("display").get("size")) for p in Product)
                        .fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "p2 size > 9.5 (as_f64, an integer 10 is 10.0)",
            sv(&["Apple iPad Air 2", "P2"]),
            |tx| {
                Ok(names(
                    select!(p for p in Product if p.info.get("display").get("size").as_f64() > 9.5)
                        .fetch(tx)?,
                ))
            },
        );
        ck.eq("p2 videoUrl == null", sv(&["Apple iPad Air 2"]), |tx| {
            Ok(names(
                select!(p for p in Product if p.info.get("videoUrl") == json!(null)).fetch(tx)?,
            ))
        });
        ck.eq(
            "p2 videoUrl is_none (missing)",
            sv(&["P3", "P4", "P5"]),
            |tx| {
                Ok(names(
                    select!(p for p in Product if p.info.get("videoUrl").is_none()).fetch(tx)?,
                ))
            },
        );
        ck.eq("p2 videoUrl != null (skips missing)", sv(&["P2"]), |tx| {
            Ok(names(
                select!(p for p in Product if p.info.get("videoUrl") != json!(null)).fetch(tx)?,
            ))
        });
        ck.eq("p2 ram < 9GB", sv(&["Apple iPad Air 2", "P2"]), |tx| {
            Ok(names(
                select!(p for p in Product if p.info.get("ram").as_str() < "9GB").fetch(tx)?,
            ))
        });
        ck.eq("p2 avg size as_f64 (9.7, 10)", Some(9.85), |tx| {
            select!(avg(p.info.get("display").get("size").as_f64()) for p in Product).one(tx)
        });
        ck.eq("p2 sum res0 as_i64", Some(2049), |tx| {
            select!(sum(p.info.get("display").get("resolution").get(0).as_i64()) for p in Product)
                .one(tx)
        });
        ck.eq(
            "p2 n == json 1 (1.0 is not 1)",
            Vec::<String>::new(),
            |tx| {
                Ok(names(
                    select!(p for p in Product if p.info.get("n") == json!(1)).fetch(tx)?,
                ))
            },
        );
        ck.eq("p2 n == json 1.0", sv(&["P2"]), |tx| {
            Ok(names(
                select!(p for p in Product if p.info.get("n") == json!(1.0)).fetch(tx)?,
            ))
        });
        ck.eq(
            "p2 n as_i64 (1.0: None)",
            vec![("P2".to_string(), None)],
            |tx| {
                Ok(sorted(
                    select!((p.name, p.info.get("n").as_i64()) for p in Product if p.name == "P2")
                        .fetch(tx)?,
                ))
            },
        );
        ck.eq("p2 n as_f64 ", vec![("P2".to_string(), Some(1.0))], |tx| {
            select!((p.name, p.info.get("n").as_f64()) for p in Product if p.name == "P2").fetch(tx)
        });
        ck.eq(
            "p2 b as_bool (1: None)",
            vec![("P2".to_string(), None)],
            |tx| {
                Ok(sorted(
                    select!((p.name, p.info.get("b").as_bool()) for p in Product if p.name == "P2")
                        .fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "p2 b == json true (1 is not true)",
            Vec::<String>::new(),
            |tx| {
                Ok(names(
                    select!(p for p in Product if p.info.get("b") == json!(true)).fetch(tx)?,
                ))
            },
        );
        ck.eq("p2 P4 items", (Some(json!(1)), Some(json!("x")), Some(json!(null)), Some(json!(true)), Some(json!(true)), Some(json!(1))), |tx| {
            select!((p.info.get(0), p.info.get(1), p.info.get(2), p.info.get(3), p.info.get(-1), p.info.get(-4)) for p in Product if p.name == "P4").one(tx)
        });
        ck.eq("p2 P4 as_* of items", (Some(1), None, None, Some(true), None, Some("x".to_string())), |tx| {
            select!((p.info.get(0).as_i64(), p.info.get(3).as_i64(), p.info.get(2).as_bool(), p.info.get(3).as_bool(), p.info.get(0).as_bool(), p.info.get(1).as_str()) for p in Product if p.name == "P4").one(tx)
        });
        ck.eq("p2 tags is_none (SQL NULL)", sv(&["P2", "P5"]), |tx| {
            Ok(names(
                select!(p for p in Product if p.tags.is_none()).fetch(tx)?,
            ))
        });
        ck.eq("p2 tags == json []", sv(&["P3"]), |tx| {
            Ok(names(
                select!(p for p in Product if p.tags == json!([])).fetch(tx)?,
            ))
        });
        ck.eq("p2 tags.get(a) == null", sv(&["P4"]), |tx| {
            Ok(names(
                select!(p for p in Product if p.tags.get("a") == json!(null)).fetch(tx)?,
            ))
        });
        ck.eq(
            "p2 tags.get(a).is_some() (null member)",
            sv(&["P4"]),
            |tx| {
                Ok(names(
                    select!(p for p in Product if p.tags.get("a").is_some()).fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "p2 group by ram",
            vec![
                (None, 3i64),
                (Some("16GB".to_string()), 1),
                (Some("8GB".to_string()), 1),
            ],
            |tx| {
                Ok(sorted(
                    select!((p.info.get("ram").as_str(), count(p)) for p in Product).fetch(tx)?,
                ))
            },
        );
        ck.eq("p2 distinct size JSON", 3usize, |tx| {
            Ok(select!(p.info.get("display").get("size") for p in Product)
                .fetch(tx)?
                .len())
        });
        ck.eq("p2 count_distinct info.get(videoUrl)", 2i64, |tx| {
            select!(count_distinct(p.info.get("videoUrl")) for p in Product).one(tx)
        });
        ck.eq(
            "p2 count info.get(videoUrl) (null counts: it is a value)",
            2i64,
            |tx| select!(count(p.info.get("videoUrl")) for p in Product).one(tx),
        );
        ck.eq("p2 order by size as_f64 desc", sv(&["P2", "Apple iPad Air 2"]), |tx| {
            Ok(select!((p for p in Product if p.info.get("display").get("size").is_some()).order_by(|p| desc(p.info.get("display").get("size").as_f64()))).fetch(tx)?.iter().map(|p| p.name()).collect::<Vec<_>>())
        });
        ck.eq(
            "p2 list of documents contains member",
            sv(&["Apple iPad Air 2", "P2"]),
            |tx| {
                let rams = vec![json!("8GB"), json!("16GB")];
                Ok(names(
                    select!(p for p in Product if rams.contains(&p.info.get("ram"))).fetch(tx)?,
                ))
            },
        );
        ck.eq("p2 info.get(ram).as_str().unwrap_or", sv(&["P3", "P4", "P5"]), |tx| {
            Ok(names(select!(p for p in Product if p.info.get("ram").as_str().unwrap_or("none".to_string()) == "none").fetch(tx)?))
        });

        ck.db.transaction(|tx| {
            Product::build().name("P6").info(Some(json!({"big": u64::MAX, "neg": i64::MIN, "huge": 1.5e300, "k$[0]": 1, "k.\"x\"": 2, "": 3}))).insert(tx)?;
            Ok(())
        })?;
        ck.eq("p3 big u64 as_i64 / as_f64", (None, Some(u64::MAX as f64)), |tx| {
            select!((p.info.get("big").as_i64(), p.info.get("big").as_f64()) for p in Product if p.name == "P6").one(tx)
        });
        ck.eq("p3 big u64 as JSON", Some(json!(u64::MAX)), |tx| {
            select!(p.info.get("big") for p in Product if p.name == "P6").one(tx)
        });
        ck.eq("p3 big == json u64::MAX", 1usize, |tx| {
            Ok(
                select!(p for p in Product if p.info.get("big") == json!(u64::MAX))
                    .fetch(tx)?
                    .len(),
            )
        });
        ck.eq("p3 i64::MIN as_i64", Some(i64::MIN), |tx| {
            select!(p.info.get("neg").as_i64() for p in Product if p.name == "P6").one(tx)
        });
        ck.eq("p3 huge as_f64", Some(1.5e300), |tx| {
            select!(p.info.get("huge").as_f64() for p in Product if p.name == "P6").one(tx)
        });
        ck.eq("p3 odd keys", (Some(1), Some(2), Some(3)), |tx| {
            select!((p.info.get("k$[0]").as_i64(), p.info.get("k.\"x\"").as_i64(), p.info.get("").as_i64()) for p in Product if p.name == "P6").one(tx)
        });
        ck.eq("p3 odd keys as params", (Some(1), Some(2), Some(3)), |tx| {
            let (a, b, c) = ("k$[0]".to_string(), "k.\"x\"", String::new());
            select!((p.info.get(a).as_i64(), p.info.get(b).as_i64(), p.info.get(c).as_i64()) for p in Product if p.name == "P6").one(tx)
        });
        Ok(())
    }
    fn sorted_by_name(mut v: Vec<(String, Option<Value>)>) -> Vec<(String, Option<Value>)> {
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }
}

// ---------------------------------------------------------------- test_deduplication.py
mod dedup {
    use super::*;

    #[derive(Entity, Debug, Clone)]
    pub struct A {
        #[colt(primary_key)]
        pub id: i64,
        pub x: bool,
        pub y: f64,
    }

    pub fn run(ck: &mut Ck) -> colt::Result<()> {
        ck.db.bind(schema![A])?;
        ck.db.create_tables()?;
        ck.db.transaction(|tx| {
            A::build().id(1).x(false).y(3.0).insert(tx)?;
            A::build().id(2).x(true).y(4.0).insert(tx)?;
            A::build().id(3).x(false).y(1.0).insert(tx)?;
            Ok(())
        })?;
        ck.eq("test_1 get 2 then 1", (1, true), |tx| {
            let a2 = select!(a for a in A if a.id == 2).one(tx)?;
            let a1 = select!(a for a in A if a.id == 1).one(tx)?;
            Ok((a1.id(), a2.x()))
        });
        ck.eq("test_2 get 3 then 1 (tx.get)", (1, 3), |tx| {
            let a3 = tx.get::<A>(3)?;
            let a1 = tx.get::<A>(1)?;
            Ok((a1.unwrap().id(), a3.unwrap().id()))
        });
        ck.eq(
            "test_3 order_by(-1)",
            vec![(3, false, 1.0), (2, true, 4.0), (1, false, 3.0)],
            |tx| select!((A.order_by(|a| desc(a.id))).map(|a| (a.id, a.x, a.y))).fetch(tx),
        );
        ck.eq("p order by y", vec![3, 1, 2], |tx| {
            Ok(select!(A.order_by(|a| a.y))
                .fetch(tx)?
                .iter()
                .map(|a| a.id())
                .collect::<Vec<_>>())
        });
        ck.eq("p distinct x", vec![false, true], |tx| {
            Ok(sorted(select!(a.x for a in A).fetch(tx)?))
        });
        ck.eq(
            "p group x, sum y",
            vec![(false, Some(4.0)), (true, Some(4.0))],
            |tx| {
                let mut v = select!((a.x, sum(a.y)) for a in A).fetch(tx)?;
                v.sort_by_key(|a| a.0);
                Ok(v)
            },
        );
        Ok(())
    }
}

// ---------------------------------------------------------------- test_select_from_select_queries.py (rest)
mod sfs3 {
    use super::*;

    #[derive(Entity, Debug, Clone)]
    #[colt(table = "group")]
    pub struct Group {
        #[colt(primary_key)]
        pub number: i64,
        pub major: String,
        pub students: Set<Student>,
    }

    #[derive(Entity, Debug, Clone)]
    pub struct Student {
        #[colt(primary_key)]
        pub id: i64,
        pub first_name: String,
        pub last_name: String,
        pub age: i64,
        pub group: Ref<Group>,
        pub scholarship: i64,
    }

    /// PonyORM's `Course` with its composite key (no many-to-many: Colt refuses one with a
    /// composite key at bind).
    #[derive(Entity, Debug, Clone)]
    pub struct Course {
        #[colt(primary_key)]
        pub name: String,
        #[colt(primary_key)]
        pub semester: i64,
        pub credits: i64,
    }

    #[hybrid]
    impl Student {
        fn full_name(&self) -> String {
            self.first_name.clone() + " " + &self.last_name
        }
    }

    pub fn run(ck: &mut Ck) -> colt::Result<()> {
        ck.db.bind(schema![Group, Student, Course])?;
        ck.db.create_tables()?;
        ck.db.transaction(|tx| {
            let g1 = Group::build()
                .number(123)
                .major("Computer Science")
                .insert(tx)?;
            let g2 = Group::build()
                .number(456)
                .major("Graphic Design")
                .insert(tx)?;
            for (id, f, l, age, g, sch) in [
                (1, "John", "Smith", 20, &g1, 0),
                (2, "Alex", "Green", 24, &g1, 100),
                (3, "Mary", "White", 23, &g1, 500),
                (4, "John", "Brown", 20, &g2, 400),
                (5, "Bruce", "Lee", 22, &g2, 300),
            ] {
                Student::build()
                    .id(id)
                    .first_name(f)
                    .last_name(l)
                    .age(age)
                    .group(g)
                    .scholarship(sch)
                    .insert(tx)?;
            }
            Course::build()
                .name("Math")
                .semester(1)
                .credits(10)
                .insert(tx)?;
            Course::build()
                .name("Computer Science")
                .semester(1)
                .credits(20)
                .insert(tx)?;
            Course::build()
                .name("3D Modeling")
                .semester(2)
                .credits(15)
                .insert(tx)?;
            Ok(())
        })?;
        // test_3 / test_5 / test_13 / test_17..20 / test_46 select a new projection from a
        // query value (documented: issue 14); test_4 refines a query of values (a compile
        // error); test_9 joins a query value with a second generator (a compile error: "a query
        // value can only be the only generator"); test_15 refines a left_join query (a compile
        // error: its rows are Option<Obj<_>>); test_39 tests a tuple's membership in a query of
        // tuples (a compile error: "a tuple cannot use query variables in a condition"); test_45
        // refines a limited query (documented InvalidQuery).
        ck.eq(
            "test_3 (refine, then project in Rust)",
            sv(&["Alex", "Bruce", "John"]),
            |tx| {
                let q = select!(s for s in Student if s.scholarship > 0);
                let mut v: Vec<String> = select!(x for x in q if x.scholarship < 500)
                    .fetch(tx)?
                    .iter()
                    .map(|s| s.first_name())
                    .collect();
                v.sort();
                v.dedup();
                Ok(v)
            },
        );
        ck.eq("test_5 hybrid full_name (one select)", sv(&["Alex Green", "Bruce Lee", "John Brown"]), |tx| {
            Ok(sorted(select!(x.full_name() for x in Student if x.scholarship > 0 && x.scholarship < 500).fetch(tx)?))
        });
        ck.eq("test_6 hybrid full_name starts_with", sv(&["John Brown", "John Smith"]), |tx| {
            Ok(sorted(select!(s.full_name() for s in Student if s.scholarship < 500 && s.full_name().starts_with("J")).fetch(tx)?))
        });
        ck.eq("test_9 (one select: x, s both Student)", sv(&["Alex", "Bruce", "John"]), |tx| {
            Ok(sorted(select!(x.first_name for x in Student for s in Student if x.scholarship > 0 && x.scholarship < s.scholarship).fetch(tx)?))
        });
        ck.eq("test_13 (one select)", sv(&["Bruce Lee", "Mary White"]), |tx| {
            Ok(sorted(select!(s.full_name() for s in Student if s.scholarship > 0 && s.age < 24 && s.full_name().contains("e")).fetch(tx)?))
        });
        ck.eq(
            "test_14 composite key: x for x in q if ..",
            vec![("Math".to_string(), 1)],
            |tx| {
                let q = select!(c for c in Course if c.semester == 1);
                Ok(sorted(
                    select!(x for x in q if x.name.starts_with("M"))
                        .fetch(tx)?
                        .iter()
                        .map(|c| (c.name(), c.semester()))
                        .collect(),
                ))
            },
        );
        ck.eq("test_15 (one select, inner)", sv(&["Mary White"]), |tx| {
            Ok(sorted(select!(s.full_name() for g in Group for s in g.students if g.number == 123 && s.scholarship > 0 && s.scholarship > 100).fetch(tx)?))
        });
        ck.eq(
            "test_17 grouped query's major",
            sv(&["Computer Science"]),
            |tx| {
                let q = select!(g for g in Group if count(g.students) > 2);
                Ok(sorted(q.fetch(tx)?.iter().map(|g| g.major()).collect()))
            },
        );
        ck.eq("test_19 (one select)", vec![("Computer Science".to_string(), "john".to_string())], |tx| {
            Ok(sorted(select!((g.major, s.first_name.to_lowercase()) for g in Group for s in g.students if g.number == 123 && s.first_name.to_lowercase().starts_with("j")).fetch(tx)?))
        });
        ck.eq("test_20 (one select, sub-query as membership)", sv(&["JOHN"]), |tx| {
            let young = select!(s for s in Student if s.age < 22);
            Ok(sorted(select!(x.first_name.to_uppercase() for g in Group for x in Student if young.contains(&x) && x.group == g && g.number == 123 && x.first_name.starts_with("J")).fetch(tx)?))
        });
        ck.eq("test_39 (as two conditions)", vec![1], |tx| {
            let q = select!(s for s in Student if s.scholarship > 0);
            Ok(sorted(
                select!(s.id for s in Student if !q.contains(&s)).fetch(tx)?,
            ))
        });
        ck.eq("test_45 (offsets and limits added up by hand)", sv(&["Brown"]), |tx| {
            // q: order by first_name, id; offset 1 limit 3 -> Bruce(5), John(1), John(4);
            // q2: age > 18, limit 2 offset 1 -> John(1), John(4); q3: limit 2 offset 1 -> John(4).
            // A second `.offset`/`.limit` replaces the first in Colt (see finding_*), so
            // the composition is written as one: offset 3, limit 1.
            let q = select!((s for s in Student if s.age > 18).order_by(|s| (s.first_name, s.id)).offset(3).limit(1));
            Ok(q.fetch(tx)?.iter().map(|s| s.last_name()).collect())
        });
        ck.eq("test_45 refining a limited query is InvalidQuery", true, |tx| {
            let q = select!((s for s in Student).order_by(|s| (s.first_name, s.id)).offset(1).limit(3));
            Ok(matches!(select!(s for s in q if s.age > 18).fetch(tx), Err(colt::Error::InvalidQuery(..))))
        });
        ck.eq(
            "test_46 (c, count(c.students)) ordered",
            vec![("3D Modeling".to_string(), 15i64)],
            |tx| {
                // Courses have no students here; the shape: order by credits desc, name; offset 1 limit 1.
                select!((Course.order_by(|c| (desc(c.credits), c.name)))
                    .map(|c| (c.name, c.credits))
                    .offset(1)
                    .limit(1))
                .fetch(tx)
            },
        );
        Ok(())
    }
}

// ---------------------------------------------------------------- test_declarative_join_optimization.py
mod jo {
    use super::*;
    use chrono::NaiveDate;

    #[derive(Entity, Debug, Clone)]
    pub struct Department {
        #[colt(primary_key)]
        pub id: i64,
        pub name: String,
        pub groups: Set<Group>,
        pub courses: Set<Course>,
    }
    #[derive(Entity, Debug, Clone)]
    #[colt(table = "group")]
    pub struct Group {
        #[colt(primary_key)]
        pub number: i64,
        pub dept: Ref<Department>,
        pub major: String,
        pub students: Set<Student>,
    }
    #[derive(Entity, Debug, Clone)]
    #[colt(unique(name, semester))]
    pub struct Course {
        #[colt(primary_key, auto)]
        pub id: i64,
        pub name: String,
        pub dept: Ref<Department>,
        pub semester: i64,
        pub credits: i64,
        pub students: Set<Student>,
    }
    #[derive(Entity, Debug, Clone)]
    pub struct Student {
        #[colt(primary_key)]
        pub id: i64,
        pub name: String,
        pub dob: NaiveDate,
        pub picture: Option<Vec<u8>>,
        pub gpa: f64,
        pub group: Ref<Group>,
        pub courses: Set<Course>,
    }
    fn ids(v: Vec<Obj<Student>>) -> Vec<i64> {
        sorted(v.iter().map(|s| s.id()).collect())
    }

    pub fn run(ck: &mut Ck) -> colt::Result<()> {
        ck.db.bind(schema![Department, Group, Course, Student])?;
        ck.db.create_tables()?;
        ck.db.transaction(|tx| {
            let d1 = Department::build().id(1).name("D1").insert(tx)?;
            let d2 = Department::build().id(2).name("D2").insert(tx)?;
            let d3 = Department::build().id(3).name("D3").insert(tx)?;
            let g1 = Group::build()
                .number(1)
                .dept(&d1)
                .major("Math")
                .insert(tx)?;
            let g2 = Group::build().number(2).dept(&d2).major("1").insert(tx)?;
            let g3 = Group::build().number(3).dept(&d3).major("Art").insert(tx)?;
            let mut c = std::collections::HashMap::new();
            for (n, dep, sem, cr) in [
                ("A", &d1, 1, 5),
                ("B", &d1, 3, 4),
                ("C", &d2, 2, 6),
                ("D", &d2, 4, 7),
                ("E", &d1, 2, 3),
            ] {
                c.insert(
                    n,
                    Course::build()
                        .name(n)
                        .dept(dep)
                        .semester(sem)
                        .credits(cr)
                        .insert(tx)?,
                );
            }
            let dob = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
            for (id, gpa, g, cs) in [
                (1, 3.5, &g1, vec!["A", "B", "E"]),
                (2, 2.0, &g1, vec!["A"]),
                (3, 4.0, &g2, vec!["C", "D", "A"]),
                (4, 1.0, &g2, vec![]),
                (5, 0.5, &g3, vec!["B"]),
            ] {
                let s = Student::build()
                    .id(id)
                    .name(format!("S{id}"))
                    .dob(dob)
                    .gpa(gpa)
                    .group(g)
                    .insert(tx)?;
                for n in cs {
                    s.courses().add(tx, &c[n])?;
                }
            }
            Ok(())
        })?;
        ck.eq("test1 count(s.courses) > 2", vec![1, 3], |tx| {
            Ok(ids(
                select!(s for s in Student if count(s.courses) > 2).fetch(tx)?
            ))
        });
        ck.eq("test2 max(s.courses.semester) > 2", vec![1, 3, 5], |tx| {
            Ok(ids(
                select!(s for s in Student if max(s.courses.semester) > 2).fetch(tx)?,
            ))
        });
        ck.eq("test4 sum(g.students.gpa) > 5", vec![1], |tx| {
            Ok(sorted(
                select!(g.number for g in Group if sum(g.students.gpa) > 5.0).fetch(tx)?,
            ))
        });
        ck.eq("test4b sum(g.students.gpa) < 5", vec![3], |tx| {
            Ok(sorted(
                select!(g.number for g in Group if sum(g.students.gpa) < 5.0).fetch(tx)?,
            ))
        });
        ck.eq(
            "test5 s.group.number == 1 || s.group.major == 1",
            vec![1, 2, 3, 4],
            |tx| {
                Ok(ids(
                    select!(s for s in Student if s.group.number == 1 || s.group.major == "1")
                        .fetch(tx)?,
                ))
            },
        );
        ck.eq("test7 sum(c.credits for c in Course if s.group.dept == c.dept) > 10", vec![1, 2, 3, 4], |tx| {
            Ok(ids(select!(s for s in Student if sum(c.credits for c in Course if s.group.dept == c.dept) > 10).fetch(tx)?))
        });
        ck.doc("test7 values", vec![(1, Some(12)), (2, Some(12)), (3, Some(13)), (4, Some(13)), (5, Some(0))], vec![(1, Some(12)), (2, Some(12)), (3, Some(13)), (4, Some(13)), (5, None)], |tx| {
            Ok(sorted(select!((s.id, sum(c.credits for c in Course if s.group.dept == c.dept)) for s in Student).fetch(tx)?))
        });
        ck.eq("p max(s.courses.credits) > 5", vec![3], |tx| {
            Ok(ids(
                select!(s for s in Student if max(s.courses.credits) > 5).fetch(tx)?,
            ))
        });
        ck.eq(
            "p avg gpa per dept (group -> students)",
            vec![
                ("D1".to_string(), Some(2.75)),
                ("D2".into(), Some(2.5)),
                ("D3".into(), Some(0.5)),
            ],
            |tx| {
                let mut v = select!((g.dept.name, avg(g.students.gpa)) for g in Group).fetch(tx)?;
                v.sort_by(|a, b| a.0.cmp(&b.0));
                Ok(v)
            },
        );
        ck.eq(
            "p count(d.groups.students)",
            vec![("D1".to_string(), 2i64), ("D2".into(), 2), ("D3".into(), 1)],
            |tx| {
                Ok(sorted(
                    select!((d.name, count(d.groups.students)) for d in Department).fetch(tx)?,
                ))
            },
        );
        ck.doc(
            "p sum(d.courses.credits)",
            vec![
                ("D1".to_string(), Some(12i64)),
                ("D2".into(), Some(13)),
                ("D3".into(), Some(0)),
            ],
            vec![
                ("D1".to_string(), Some(12i64)),
                ("D2".into(), Some(13)),
                ("D3".into(), None),
            ],
            |tx| {
                Ok(sorted(
                    select!((d.name, sum(d.courses.credits)) for d in Department).fetch(tx)?,
                ))
            },
        );
        ck.eq("p count(c for c in s.courses if c.dept == s.group.dept)", vec![(1, 3i64), (2, 1), (3, 2), (4, 0), (5, 0)], |tx| {
            Ok(sorted(select!((s.id, count(c for c in s.courses if c.dept == s.group.dept)) for s in Student).fetch(tx)?))
        });
        Ok(())
    }
}

// ---------------------------------------------------------------- test_inner_join_syntax.py
mod ij {
    use super::*;

    #[derive(Entity, Debug, Clone)]
    pub struct Genre {
        #[colt(primary_key, auto)]
        pub id: i64,
        pub name: Option<String>,
        pub artists: Set<Artist>,
        pub favorite: Option<bool>,
        pub index: Option<i64>,
    }
    #[derive(Entity, Debug, Clone)]
    pub struct Hobby {
        #[colt(primary_key, auto)]
        pub id: i64,
        pub name: String,
        pub artists: Set<Artist>,
    }
    #[derive(Entity, Debug, Clone)]
    pub struct Artist {
        #[colt(primary_key, auto)]
        pub id: i64,
        pub name: String,
        pub age: Option<i64>,
        pub hobbies: Set<Hobby>,
        pub genres: Set<Genre>,
    }

    pub fn run(ck: &mut Ck) -> colt::Result<()> {
        ck.db.bind(schema![Genre, Hobby, Artist])?;
        ck.db.create_tables()?;
        ck.db.transaction(|tx| {
            let pop = Genre::build().name(Some("pop".to_string())).insert(tx)?;
            let rock = Genre::build().name(Some("rock".to_string())).insert(tx)?;
            let jazz = Genre::build()
                .name(Some("jazz".to_string()))
                .favorite(Some(true))
                .index(Some(3))
                .insert(tx)?;
            let sia = Artist::build().name("Sia").age(Some(40)).insert(tx)?;
            sia.genres().add(tx, &pop)?;
            sia.genres().add(tx, &rock)?;
            let gaga = Artist::build().name("Lady GaGa").age(Some(30)).insert(tx)?;
            gaga.genres().add(tx, &pop)?;
            let sting = Artist::build().name("Sting").insert(tx)?;
            sting.genres().add(tx, &jazz)?;
            let h = Hobby::build().name("golf").insert(tx)?;
            let ann = Artist::build().name("Ann").age(Some(50)).insert(tx)?;
            ann.hobbies().add(tx, &h)?;
            Ok(())
        })?;
        ck.eq("test_join_1", vec![1, 2, 3], |tx| {
            Ok(sorted(
                select!(g.id for g in Genre for a in g.artists if a.name.starts_with("S"))
                    .fetch(tx)?,
            ))
        });
        ck.eq("test_join_2 JOIN(a in g.artists)", vec![1, 2, 3], |tx| {
            Ok(sorted(select!(g.id for g in Genre for a in Artist if g.artists.contains(&a) && a.name.starts_with("S")).fetch(tx)?))
        });
        ck.eq("test_join_3", vec![1, 2, 3], |tx| {
            Ok(sorted(select!(g.id for g in Genre for x in Artist for a in Artist if g.artists.contains(&a) && a.name.starts_with("S") && g.id == x.id).fetch(tx)?))
        });
        ck.eq("test_join_4", vec![1, 2, 3], |tx| {
            Ok(sorted(select!(g.id for g in Genre for a in Artist for x in Artist if g.artists.contains(&a) && a.name.starts_with("S") && g.id == x.id).fetch(tx)?))
        });
        ck.eq(
            "p count(a) per genre",
            vec![
                (Some("jazz".to_string()), 1i64),
                (Some("pop".into()), 2),
                (Some("rock".into()), 1),
            ],
            |tx| {
                Ok(sorted(
                    select!((g.name, count(a)) for g in Genre for a in g.artists).fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "p count(g.artists)",
            vec![
                (Some("jazz".to_string()), 1i64),
                (Some("pop".into()), 2),
                (Some("rock".into()), 1),
            ],
            |tx| {
                Ok(sorted(
                    select!((g.name, count(g.artists)) for g in Genre).fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "p genres of S artists",
            vec![
                Some("jazz".to_string()),
                Some("pop".into()),
                Some("rock".into()),
            ],
            |tx| {
                Ok(sorted(
                    select!(g.name for a in Artist if a.name.starts_with("S") for g in a.genres)
                        .fetch(tx)?,
                ))
            },
        );
        ck.doc(
            "p not favorite",
            vec![Some("pop".to_string()), Some("rock".into())],
            vec![],
            |tx| {
                Ok(sorted(
                    select!(g.name for g in Genre if !g.favorite).fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "p not favorite (is_none_or)",
            vec![Some("pop".to_string()), Some("rock".into())],
            |tx| {
                Ok(sorted(
                    select!(g.name for g in Genre if g.favorite.is_none_or(|f| !f)).fetch(tx)?,
                ))
            },
        );
        ck.eq("p artists without genres", sv(&["Ann"]), |tx| {
            Ok(sorted(
                select!(a.name for a in Artist if a.genres.is_empty()).fetch(tx)?,
            ))
        });
        ck.eq(
            "p age is None or exists(hobbies)",
            sv(&["Ann", "Sting"]),
            |tx| {
                Ok(sorted(
                    select!(a.name for a in Artist if a.age.is_none() || exists(a.hobbies))
                        .fetch(tx)?,
                ))
            },
        );
        ck.doc(
            "p sum(g.artists.age)",
            vec![
                (Some("jazz".to_string()), Some(0i64)),
                (Some("pop".into()), Some(70)),
                (Some("rock".into()), Some(40)),
            ],
            vec![
                (Some("jazz".to_string()), None),
                (Some("pop".into()), Some(70)),
                (Some("rock".into()), Some(40)),
            ],
            |tx| {
                Ok(sorted(
                    select!((g.name, sum(g.artists.age)) for g in Genre).fetch(tx)?,
                ))
            },
        );
        ck.eq("p avg age in pop", Some(35.0), |tx| {
            select!(avg(a.age) for g in Genre for a in g.artists if g.name == "pop").one(tx)
        });
        Ok(())
    }
}

// ---------------------------------------------------------------- test_prefetching.py
mod pf {
    use super::*;
    use chrono::NaiveDate;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    #[derive(Entity, Debug, Clone)]
    pub struct Student {
        #[colt(primary_key)]
        pub id: i64,
        pub name: String,
        pub scholarship: Option<i64>,
        #[colt(sql_type = "NUMERIC(3,1)")]
        pub gpa: Option<Decimal>,
        pub dob: Option<NaiveDate>,
        pub group: Ref<Group>,
        pub courses: Set<Course>,
        pub mentor: Option<Ref<Teacher>>,
        pub biography: Option<String>,
    }
    #[derive(Entity, Debug, Clone)]
    #[colt(table = "group")]
    pub struct Group {
        #[colt(primary_key)]
        pub number: i64,
        pub major: String,
        pub students: Set<Student>,
    }
    #[derive(Entity, Debug, Clone)]
    pub struct Course {
        #[colt(primary_key, auto)]
        pub id: i64,
        #[colt(unique)]
        pub name: String,
        pub students: Set<Student>,
    }
    #[derive(Entity, Debug, Clone)]
    pub struct Teacher {
        #[colt(primary_key, auto)]
        pub id: i64,
        pub name: String,
        pub students: Set<Student>,
    }
    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    pub fn run(ck: &mut Ck) -> colt::Result<()> {
        ck.db.bind(schema![Student, Group, Course, Teacher])?;
        ck.db.create_tables()?;
        ck.db.transaction(|tx| {
            let g1 = Group::build().number(1).major("Math").insert(tx)?;
            let g2 = Group::build()
                .number(2)
                .major("Computer Science")
                .insert(tx)?;
            let c1 = Course::build().name("Math").insert(tx)?;
            let c2 = Course::build().name("Physics").insert(tx)?;
            let c3 = Course::build().name("Computer Science").insert(tx)?;
            let t1 = Teacher::build().name("T1").insert(tx)?;
            let t2 = Teacher::build().name("T2").insert(tx)?;
            let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
            let rows: Vec<(
                i64,
                &Obj<Group>,
                &str,
                Option<i64>,
                Option<NaiveDate>,
                Option<&str>,
                Vec<&Obj<Course>>,
                Option<&Obj<Teacher>>,
            )> = vec![
                (
                    1,
                    &g1,
                    "3.1",
                    None,
                    None,
                    Some("S1 bio"),
                    vec![&c1, &c2],
                    Some(&t1),
                ),
                (
                    2,
                    &g1,
                    "4.2",
                    Some(100),
                    d(2000, 1, 1),
                    Some("S2 bio"),
                    vec![],
                    None,
                ),
                (
                    3,
                    &g1,
                    "4.7",
                    Some(200),
                    d(2001, 1, 2),
                    None,
                    vec![&c2, &c3],
                    None,
                ),
                (
                    4,
                    &g2,
                    "3.2",
                    None,
                    None,
                    Some("S4 bio"),
                    vec![&c1, &c3],
                    Some(&t2),
                ),
                (
                    5,
                    &g2,
                    "4.5",
                    None,
                    None,
                    Some("S5 bio"),
                    vec![&c1, &c3],
                    None,
                ),
            ];
            for (id, g, gpa, sch, dob, bio, cs, mentor) in rows {
                let s = Student::build()
                    .id(id)
                    .name(format!("S{id}"))
                    .group(g)
                    .gpa(Some(dec(gpa)))
                    .scholarship(sch)
                    .dob(dob)
                    .biography(bio.map(|b| b.to_string()))
                    .mentor(mentor)
                    .insert(tx)?;
                for c in cs {
                    s.courses().add(tx, c)?;
                }
            }
            Ok(())
        })?;
        ck.eq("test_1 first().group.major", "Math".to_string(), |tx| {
            let s1 = select!(s for s in Student).first(tx)?.unwrap();
            Ok(s1.group().get(tx)?.major())
        });
        ck.eq(
            "test_3/4 prefetch group, read after the transaction",
            "Math".to_string(),
            |tx| {
                let s1 = select!(s for s in Student)
                    .prefetch(|s| s.group())
                    .first(tx)?
                    .unwrap();
                let g = s1.group().get(tx)?;
                let before = tx.statements_executed();
                let m = g.major();
                assert_eq!(tx.statements_executed(), before);
                Ok(m)
            },
        );
        ck.eq(
            "test_6/7 first() of (name, group)",
            ("S1".to_string(), 1),
            |tx| {
                let (n, g) = select!((s.name, s.group) for s in Student)
                    .first(tx)?
                    .unwrap();
                Ok((n, g.key()))
            },
        );
        ck.eq("test_10 prefetch courses", sv(&["Math", "Physics"]), |tx| {
            let s1 = select!(s for s in Student)
                .prefetch(|s| s.courses())
                .first(tx)?
                .unwrap();
            let before = tx.statements_executed();
            let v = sorted(s1.courses().fetch(tx)?.iter().map(|c| c.name()).collect());
            assert_eq!(tx.statements_executed(), before, "prefetched");
            Ok(v)
        });
        ck.eq("test_12 biography", Some("S1 bio".to_string()), |tx| {
            Ok(select!(s for s in Student).first(tx)?.unwrap().biography())
        });
        ck.eq(
            "test_13 groups, students, biography: at most PonyORM's 8 statements",
            (true, 5),
            |tx| {
                let before = tx.statements_executed();
                let mut n = 0;
                for g in select!(g for g in Group).fetch(tx)? {
                    for s in g.students().fetch(tx)? {
                        let _ = s.biography();
                        n += 1;
                    }
                }
                Ok((tx.statements_executed() - before <= 8, n))
            },
        );
        ck.eq("test_14/15 prefetch students: 2 statements", (2, 5), |tx| {
            let before = tx.statements_executed();
            let mut n = 0;
            for g in select!(g for g in Group)
                .prefetch(|g| g.students())
                .fetch(tx)?
            {
                for s in g.students().fetch(tx)? {
                    let _ = s.biography();
                    n += 1;
                }
            }
            Ok((tx.statements_executed() - before, n))
        });
        ck.eq(
            "test_16 courses prefetch students (m2m): at most 3",
            (true, 8),
            |tx| {
                let before = tx.statements_executed();
                let mut n = 0;
                for c in select!(c for c in Course)
                    .prefetch(|c| c.students())
                    .fetch(tx)?
                {
                    n += c.students().fetch(tx)?.len();
                }
                Ok((tx.statements_executed() - before <= 3, n))
            },
        );
        ck.eq(
            "test_17 courses, students, their group's major: at most 4",
            (true, sv(&["Computer Science", "Math"])),
            |tx| {
                let before = tx.statements_executed();
                let mut majors = vec![];
                for c in select!(c for c in Course)
                    .prefetch(|c| c.students().with(|s| s.group()))
                    .fetch(tx)?
                {
                    for s in c.students().fetch(tx)? {
                        majors.push(s.group().get(tx)?.major());
                    }
                }
                majors.sort();
                majors.dedup();
                Ok((tx.statements_executed() - before <= 4, majors))
            },
        );
        ck.eq(
            "test_19 groups, students, mentors: 3 statements",
            (3, sv(&["T1", "T2"])),
            |tx| {
                let before = tx.statements_executed();
                let mut mentors = vec![];
                for g in select!(g for g in Group)
                    .prefetch(|g| g.students().with(|s| s.mentor()))
                    .fetch(tx)?
                {
                    for s in g.students().fetch(tx)? {
                        if let Some(m) = s.mentor() {
                            mentors.push(m.get(tx)?.name());
                        }
                    }
                }
                mentors.sort();
                Ok((tx.statements_executed() - before, mentors))
            },
        );
        // Probes over the same data (PonyORM's answers from running them).
        ck.eq("p avg gpa (decimal)", Some(dec("3.94")), |tx| {
            select!(avg(s.gpa) for s in Student).one(tx)
        });
        ck.eq("p sum gpa (decimal)", Some(dec("19.7")), |tx| {
            select!(sum(s.gpa) for s in Student).one(tx)
        });
        ck.eq(
            "p avg gpa per group",
            vec![(1, Some(dec("4.0"))), (2, Some(dec("3.85")))],
            |tx| {
                Ok(sorted(
                    select!((s.group.number, avg(s.gpa)) for s in Student).fetch(tx)?,
                ))
            },
        );
        ck.eq("p biography missing", sv(&["S3"]), |tx| {
            Ok(sorted(
                select!(s.name for s in Student if s.biography.is_none()).fetch(tx)?,
            ))
        });
        // PonyORM's plain select joins an Optional reference with INNER JOIN (students
        // without a mentor are left out; `left_join(..)` keeps them); Colt's navigation through
        // an `Option<Ref>` is a LEFT JOIN.
        ck.doc(
            "p (name, mentor.name)",
            vec![
                ("S1".to_string(), Some("T1".to_string())),
                ("S4".into(), Some("T2".into())),
            ],
            vec![
                ("S1".to_string(), Some("T1".to_string())),
                ("S2".into(), None),
                ("S3".into(), None),
                ("S4".into(), Some("T2".into())),
                ("S5".into(), None),
            ],
            |tx| {
                Ok(sorted(
                    select!((s.name, s.mentor.name) for s in Student).fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "p count(s.courses)",
            vec![
                ("S1".to_string(), 2i64),
                ("S2".into(), 0),
                ("S3".into(), 2),
                ("S4".into(), 2),
                ("S5".into(), 2),
            ],
            |tx| {
                Ok(sorted(
                    select!((s.name, count(s.courses)) for s in Student).fetch(tx)?,
                ))
            },
        );
        ck.eq("p students of Math with gpa > 3.15", sv(&["S4", "S5"]), |tx| {
            let x = dec("3.15");
            Ok(sorted(select!(s.name for c in Course if c.name == "Math" for s in c.students if s.gpa > x).fetch(tx)?))
        });
        ck.doc(
            "p sum(g.students.scholarship)",
            vec![(1, Some(300i64)), (2, Some(0))],
            vec![(1, Some(300i64)), (2, None)],
            |tx| {
                Ok(sorted(
                    select!((g.number, sum(g.students.scholarship)) for g in Group).fetch(tx)?,
                ))
            },
        );
        ck.eq("p max dob", NaiveDate::from_ymd_opt(2001, 1, 2), |tx| {
            select!(max(s.dob) for s in Student).one(tx)
        });
        ck.eq("p teachers with students of group 2", sv(&["T2"]), |tx| {
            Ok(sorted(
                select!(t.name for t in Teacher for s in t.students if s.group.number == 2)
                    .fetch(tx)?,
            ))
        });
        ck.eq("p gpa == 4.5", sv(&["S5"]), |tx| {
            let x = dec("4.5");
            Ok(sorted(
                select!(s.name for s in Student if s.gpa == x).fetch(tx)?,
            ))
        });
        ck.eq("p gpa * 2 > 9", sv(&["S3"]), |tx| {
            Ok(sorted(
                select!(s.name for s in Student if s.gpa * 2 > 9).fetch(tx)?,
            ))
        });
        Ok(())
    }
}

// ---------------------------------------------------------------- test_collections.py (model1)
mod coll {
    use super::*;

    #[derive(Entity, Debug, Clone)]
    #[colt(table = "Students")]
    pub struct Student {
        #[colt(primary_key)]
        pub record: i64,
        #[colt(column = "fio")]
        pub name: String,
        pub group: Ref<Group>,
        #[colt(default = 0)]
        pub scholarship: i64,
        pub marks: Set<Mark>,
    }
    #[derive(Entity, Debug, Clone)]
    #[colt(table = "Groups")]
    pub struct Group {
        #[colt(primary_key)]
        pub number: String,
        pub department: i64,
        pub students: Set<Student>,
        pub subjects: Set<Subject>,
    }
    #[derive(Entity, Debug, Clone)]
    #[colt(table = "Subjects")]
    pub struct Subject {
        #[colt(primary_key)]
        pub name: String,
        pub groups: Set<Group>,
        pub marks: Set<Mark>,
    }
    #[derive(Entity, Debug, Clone)]
    #[colt(table = "Exams")]
    pub struct Mark {
        #[colt(primary_key, column = "student")]
        pub student: Ref<Student>,
        #[colt(primary_key, column = "subject")]
        pub subject: Ref<Subject>,
        pub value: i64,
    }

    fn group(tx: &Transaction, n: &str) -> colt::Result<Obj<Group>> {
        Ok(tx.get::<Group>(n.to_string())?.unwrap())
    }

    pub fn run(ck: &mut Ck) -> colt::Result<()> {
        ck.db.bind(schema![Student, Group, Subject, Mark])?;
        ck.db.create_tables()?;
        ck.db.transaction(|tx| {
            let physics = Subject::build().name("Physics").insert(tx)?;
            let chemistry = Subject::build().name("Chemistry").insert(tx)?;
            let math = Subject::build().name("Math").insert(tx)?;
            let g3132 = Group::build().number("3132").department(33).insert(tx)?;
            let g4145 = Group::build().number("4145").department(44).insert(tx)?;
            Group::build().number("4146").department(44).insert(tx)?;
            for s in [&physics, &math] {
                g3132.subjects().add(tx, s)?;
            }
            for s in [&physics, &chemistry, &math] {
                g4145.subjects().add(tx, s)?;
            }
            let st = |r, n: &str, g: &Obj<Group>, sch| {
                Student::build()
                    .record(r)
                    .name(n)
                    .group(g)
                    .scholarship(sch)
                    .insert(tx)
            };
            let s101 = st(101, "Bob", &g4145, 0)?;
            let s102 = st(102, "Joe", &g4145, 800)?;
            let s103 = st(103, "Alex", &g4145, 0)?;
            st(104, "Brad", &g3132, 500)?;
            st(105, "John", &g3132, 1000)?;
            for (s, sub, v) in [
                (&s101, &physics, 4),
                (&s101, &math, 3),
                (&s102, &chemistry, 5),
                (&s103, &physics, 2),
                (&s103, &chemistry, 4),
            ] {
                Mark::build().student(s).subject(sub).value(v).insert(tx)?;
            }
            Ok(())
        })?;
        ck.eq("test_setwrapper_len", 3, |tx| {
            group(tx, "4145")?.students().count(tx)
        });
        ck.eq("test_setwrapper_nonzero", (false, 3), |tx| {
            let g = group(tx, "4145")?;
            Ok((g.students().is_empty(tx)?, g.students().count(tx)?))
        });
        ck.eq_rb("test_collection_create_one2many_1", 3, |tx| {
            let g = group(tx, "3132")?;
            Student::build()
                .record(106)
                .name("Mike")
                .scholarship(200)
                .group(&g)
                .insert(tx)?;
            tx.flush()?;
            g.students().count(tx)
        });
        ck.eq_rb(
            "test_collection_create_one2many_3 (record 105 taken)",
            true,
            |tx| {
                let g = group(tx, "3132")?;
                let r = Student::build()
                    .record(105)
                    .name("Mike")
                    .scholarship(200)
                    .group(&g)
                    .insert(tx);
                Ok(matches!(
                    r,
                    Err(colt::Error::Constraint {
                        kind: colt::ConstraintKind::Unique,
                        ..
                    })
                ))
            },
        );
        ck.eq_rb("test_collection_create_many2many_1", 3, |tx| {
            let g = group(tx, "3132")?;
            let b = Subject::build().name("Biology").insert(tx)?;
            g.subjects().add(tx, &b)?;
            tx.flush()?;
            g.subjects().count(tx)
        });
        ck.eq_rb(
            "test_collection_create_many2many_3 (Math taken)",
            true,
            |tx| {
                let r = Subject::build().name("Math").insert(tx);
                Ok(matches!(
                    r,
                    Err(colt::Error::Constraint {
                        kind: colt::ConstraintKind::Unique,
                        ..
                    })
                ))
            },
        );
        // Probes (PonyORM's answers: the model1 data, PonyORM run over it).
        ck.eq(
            "p count(g.students) per group (4146: 0)",
            vec![
                ("3132".to_string(), 2i64),
                ("4145".into(), 3),
                ("4146".into(), 0),
            ],
            |tx| {
                Ok(sorted(
                    select!((g.number, count(g.students)) for g in Group).fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "p avg(s.marks.value) per student",
            vec![
                (101, Some(3.5)),
                (102, Some(5.0)),
                (103, Some(3.0)),
                (104, None),
                (105, None),
            ],
            |tx| {
                let mut v = select!((s.record, avg(s.marks.value)) for s in Student).fetch(tx)?;
                v.sort_by_key(|a| a.0);
                Ok(v)
            },
        );
        // PonyORM 0.7.20 fails this one with an AssertionError in add_tableref (its bug); the answer by the data.
        ck.eq("p subjects of groups of students with a mark 5", vec!["Chemistry".to_string(), "Math".into(), "Physics".into()], |tx| {
            Ok(sorted(select!(sub.name for s in Student if exists(m for m in s.marks if m.value == 5) for sub in s.group.subjects).fetch(tx)?))
        });
        ck.eq(
            "p marks of Physics, names",
            vec![("Alex".to_string(), 2), ("Bob".into(), 4)],
            |tx| {
                Ok(sorted(
                    select!((m.student.name, m.value) for m in Mark if m.subject.name == "Physics")
                        .fetch(tx)?,
                ))
            },
        );
        ck.eq("p groups with a subject nobody has a mark in", vec!["3132".to_string()], |tx| {
            Ok(sorted(select!(g.number for g in Group for sub in g.subjects if sub.marks.is_empty() || !exists(m for m in sub.marks if m.student.group == g)).fetch(tx)?))
        });
        Ok(())
    }
}

// ---------------------------------------------------------------- test_bug_170/182/331/386.py
mod bugs {
    use super::*;

    #[derive(Entity, Debug, Clone)]
    #[colt(unique(id, name))]
    pub struct Person {
        #[colt(primary_key, auto)]
        pub id: i64,
        pub name: String,
    }
    #[derive(Entity, Debug, Clone)]
    pub struct User {
        #[colt(primary_key, auto)]
        pub id: i64,
        pub name: String,
        pub servers: Set<Server>,
    }
    #[derive(Entity, Debug, Clone)]
    pub struct Server {
        #[colt(primary_key, auto)]
        pub id: i64,
        pub name: String,
        pub user: Option<Ref<User>>,
    }
    #[derive(Entity, Debug, Clone)]
    pub struct Member {
        #[colt(primary_key, auto)]
        pub id: i64,
        pub name: String,
        pub team: Option<Ref<Team>>,
    }
    #[derive(Entity, Debug, Clone)]
    pub struct Team {
        #[colt(primary_key)]
        pub title: String,
        pub persons: Set<Member>,
    }

    pub fn run(ck: &mut Ck) -> colt::Result<()> {
        ck.db.bind(schema![Person, User, Server, Member, Team])?;
        ck.db.create_tables()?;
        ck.eq(
            "bug_170 composite_key(id, name) with an auto id",
            vec![1, 2],
            |tx| {
                let a = Person::build().name("John").insert(tx)?;
                let b = Person::build().name("Mike").insert(tx)?;
                Ok(vec![a.id(), b.id()])
            },
        );
        ck.eq(
            "bug_182 left_join((s.name, s.user.name)) has a None user",
            (3, true),
            |tx| {
                let alex = User::build().name("Alex").insert(tx)?;
                let john = User::build().name("John").insert(tx)?;
                Server::build()
                    .name("s1.example.com")
                    .user(Some(&alex))
                    .insert(tx)?;
                Server::build()
                    .name("s2.example.com")
                    .user(Some(&john))
                    .insert(tx)?;
                Server::build().name("free.example.com").insert(tx)?;
                let rows = select!((s.name, s.user.name) for s in Server).fetch(tx)?;
                Ok((rows.len(), rows.iter().any(|(_, u)| u.is_none())))
            },
        );
        // PonyORM's plain `select` (an INNER JOIN) has the two servers with a user; in
        // Colt, as docs/semantics.md says, `is_some()` keeps those.
        ck.eq(
            "bug_182 (s.name, s.user.name) if s.user.is_some()",
            2,
            |tx| {
                let rows =
                    select!((s.name, s.user.name) for s in Server if s.user.is_some()).fetch(tx)?;
                Ok(rows.len())
            },
        );
        ck.eq("bug_331 len(group) = len(group.persons)", (3, 2), |tx| {
            let ps: Vec<_> = ["Alex", "Brad", "Chad", "Dylan", "Ethan"]
                .iter()
                .map(|n| Member::build().name(*n).insert(tx))
                .collect::<colt::Result<_>>()?;
            let g1 = Team::build().title("Foxes").insert(tx)?;
            let g2 = Team::build().title("Gorillas").insert(tx)?;
            for p in &ps[..3] {
                g1.persons().add(tx, p)?;
            }
            for p in &ps[3..] {
                g2.persons().add(tx, p)?;
            }
            tx.flush()?;
            let f = tx.get::<Team>("Foxes".to_string())?.unwrap();
            let g = tx.get::<Team>("Gorillas".to_string())?.unwrap();
            Ok((f.persons().count(tx)?, g.persons().count(tx)?))
        });
        ck.eq("bug_386 delete a new object, then exists", false, |tx| {
            let a = Person::build().name("John2").insert(tx)?;
            a.delete(tx)?;
            select!(p for p in Person if p.name == "Mike2").exists(tx)
        });
        ck.eq("bug_386 the deleted one is gone", 0, |tx| {
            let a = Person::build().name("John3").insert(tx)?;
            a.delete(tx)?;
            Ok(select!(p for p in Person if p.name == "John3")
                .fetch(tx)?
                .len())
        });
        Ok(())
    }
}

#[test]
fn pony_suite3_review() {
    all_backends(|backend| {
        run_modules(
            backend,
            &[
                ("dt", dt::run),
                ("js", js::run),
                ("dedup", dedup::run),
                ("sfs3", sfs3::run),
                ("jo", jo::run),
                ("ij", ij::run),
                ("pf", pf::run),
                ("coll", coll::run),
                ("bugs", bugs::run),
            ],
        );
        Ok(())
    });
}
