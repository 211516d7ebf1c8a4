//! A `String` attribute on a SQLite column another tool declared with a type SQLite gives
//! NUMERIC affinity (`DATETIME`, `DATE`), as Django's and Rails' schemas have, and as `colt
//! inspect` maps them. SQLite applies the column's affinity to what it is compared with: a
//! bound `"2025"` became the number 2025, which every text sorts after, so `p.created <
//! "2025"` found no row where Rust's `<` on the same strings finds them all (found by a
//! review of the twenty-second session). With the column's `sql_type` said, such a column
//! compares in order as the text it holds, byte for byte, as Rust does (equality, ordering
//! and grouping were right: its values are text; a value of digits only is kept there as a
//! number, which `check_tables` reports).

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
#[colt(table = "post")]
struct Post {
    #[colt(primary_key)]
    id: i64,
    #[colt(sql_type = "datetime")]
    created: String,
    #[colt(sql_type = "date")]
    day: Option<String>,
}

#[test]
fn text_in_a_date_named_column_compares_as_text() -> colt::Result<()> {
    each_backend(|backend| {
        if backend.is_postgres() {
            return Ok(()); // (PostgreSQL's `timestamp` holds no `String`.)
        }
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            // As another program made and filled it.
            tx.execute_sql(
                "CREATE TABLE post (id INTEGER PRIMARY KEY, created datetime NOT NULL, day date)",
                &[],
            )?;
            tx.execute_sql(
                "INSERT INTO post VALUES (1, '2024-01-31 10:00:00', '2024-01-31'), \
                 (2, '2026-05-01 08:00:00', '2026-05-01'), (3, '2024-12-31 23:59:59', NULL)",
                &[],
            )?;
            Ok(())
        })?;
        db.bind(schema![Post])?;
        db.check_tables()?;
        db.transaction(|tx| {
            let all = select!((p for p in Post).order_by(|p| p.id)).fetch(tx)?;
            let rows: Vec<(i64, String, Option<String>)> =
                all.iter().map(|p| (p.id(), p.created(), p.day())).collect();
            let year = "2025".to_string();
            // What Rust's comparisons on the strings read give.
            let before: Vec<i64> = rows
                .iter()
                .filter(|(_, c, _)| *c < year)
                .map(|r| r.0)
                .collect();
            assert_eq!(before, [1, 3]);
            let found =
                select!((p.id for p in Post if p.created < year).order_by(|p| p.id)).fetch(tx)?;
            assert_eq!(found, before, "{}", backend.name);
            let found = select!((p.id for p in Post if p.created >= "2024" && p.created < "2025")
                .order_by(|p| p.id))
            .fetch(tx)?;
            assert_eq!(found, [1, 3], "{}", backend.name);
            let bound = Some("2025".to_string());
            let found =
                select!((p.id for p in Post if p.day < bound).order_by(|p| p.id)).fetch(tx)?;
            assert_eq!(found, [1], "{}", backend.name);
            // Ordered as Rust orders the strings.
            let mut expected = rows.clone();
            expected.sort_by(|a, b| a.1.cmp(&b.1));
            let ordered = select!((p.id for p in Post).order_by(|p| desc(p.created))).fetch(tx)?;
            let expected_desc: Vec<i64> = expected.iter().rev().map(|r| r.0).collect();
            assert_eq!(ordered, expected_desc, "{}", backend.name);
            let latest = select!(max(p.created) for p in Post).one(tx)?;
            assert_eq!(latest, Some("2026-05-01 08:00:00".to_string()));
            // Equal to a text that looks like a number, and to one that does not.
            let found = select!(p.id for p in Post if p.created == "2026").fetch(tx)?;
            assert!(found.is_empty(), "{}", backend.name);
            let found =
                select!(p.id for p in Post if p.created == "2024-01-31 10:00:00").fetch(tx)?;
            assert_eq!(found, [1], "{}", backend.name);
            // Written by a bulk update, by an object, and grouped.
            let n = select!(Post
                .filter(|p| p.created < "2025")
                .set(|p| p.created = p.created.clone() + "Z"))
            .update(tx)?;
            assert_eq!(n, 2, "{}", backend.name);
            let three = tx.get_or_err::<Post>(3)?;
            assert_eq!(three.created(), "2024-12-31 23:59:59Z");
            let one = tx.get_or_err::<Post>(1)?;
            one.set(|p| p.created = "2023-06-01 00:00:00".to_string())?;
            let mut by_day = select!((p.day, count(p)) for p in Post).fetch(tx)?;
            by_day.sort();
            assert_eq!(
                by_day,
                [
                    (None, 1),
                    (Some("2024-01-31".to_string()), 1),
                    (Some("2026-05-01".to_string()), 1)
                ],
                "{}",
                backend.name
            );
            let first = select!(min(p.created) for p in Post).one(tx)?;
            assert_eq!(first, Some("2023-06-01 00:00:00".to_string()));
            Ok(())
        })
    })
}
