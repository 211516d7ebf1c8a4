//! A `bool` test that reads a NULL (`e.bonus > 0` for a NULL `bonus`) is `false` where it
//! is selected, as a condition takes it (docs/semantics.md, "Functions"). Where it was
//! ordered by, aggregated or assigned by a bulk `set`, it was SQL's NULL instead, a wrong
//! answer on both backends (found by a review of the twenty-first session):
//! - an ordering by it sorted the NULL rows before the `false` ones, so rows ordered by
//!   what they select came back unsorted by it;
//! - `count_distinct` and `min` skipped them (1 and `Some(true)` where the values selected
//!   are `true` and `false`);
//! - `.set(|e| e.flag = e.bonus > 0)` stored NULL in an `Option<bool>` (and failed on a NOT
//!   NULL `bool`).

mod common;

use colt::prelude::*;
use common::{each_backend, Backend};

#[derive(Entity, Debug, Clone)]
#[colt(table = "team")]
struct Team {
    #[colt(primary_key)]
    id: i64,
    members: Set<Emp>,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "emp")]
struct Emp {
    #[colt(primary_key)]
    id: i64,
    bonus: Option<i64>,
    active: bool,
    flag: Option<bool>,
    team: Ref<Team>,
}

/// bonus: 1 → 10, 2 → NULL, 3 → 0, 4 → -2, 5 → NULL; team 1: 1, 2; team 2: 3, 4, 5.
fn staff(backend: &Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Team, Emp])?;
    db.create_tables()?;
    db.transaction(|tx| {
        let teams = [
            Team::build().id(1).insert(tx)?,
            Team::build().id(2).insert(tx)?,
        ];
        for (id, bonus) in [
            (1, Some(10)),
            (2, None),
            (3, Some(0)),
            (4, Some(-2)),
            (5, None),
        ] {
            Emp::build()
                .id(id)
                .bonus(bonus)
                .active(true)
                .flag(None)
                .team(&teams[usize::from(id > 2)])
                .insert(tx)?;
        }
        Ok(())
    })?;
    Ok(db)
}

#[test]
fn an_ordering_by_a_test_sorts_its_nulls_as_false() -> colt::Result<()> {
    each_backend(|backend| {
        let db = staff(backend)?;
        db.transaction(|tx| {
            let rows =
                select!(((e.bonus > 0, e.id) for e in Emp).order_by(|e| (e.bonus > 0, e.id)))
                    .fetch(tx)?;
            assert_eq!(
                rows,
                [(false, 2), (false, 3), (false, 4), (false, 5), (true, 1)],
                "{}",
                backend.name
            );
            let ids =
                select!((e.id for e in Emp).order_by(|e| (!(e.bonus > 0), e.id))).fetch(tx)?;
            assert_eq!(ids, [1, 2, 5, 3, 4], "{}", backend.name);
            let ids =
                select!((e.id for e in Emp).order_by(|e| (desc(e.bonus > 0), e.id))).fetch(tx)?;
            assert_eq!(ids, [1, 2, 3, 4, 5], "{}", backend.name);
            // Grouped by the test and ordered by it: one group of `false`.
            let groups = select!(((e.bonus > 0, count(e)) for e in Emp).order_by(|e| e.bonus > 0))
                .fetch(tx)?;
            assert_eq!(groups, [(false, 4), (true, 1)], "{}", backend.name);
            Ok(())
        })
    })
}

#[test]
fn an_aggregate_of_a_test_counts_its_nulls_as_false() -> colt::Result<()> {
    each_backend(|backend| {
        let db = staff(backend)?;
        db.transaction(|tx| {
            let n = select!(count_distinct(e.bonus > 0) for e in Emp if e.id <= 2).one(tx)?;
            assert_eq!(n, 2, "{}", backend.name);
            let m = select!(min(e.bonus > 0) for e in Emp if e.id <= 2).one(tx)?;
            assert_eq!(m, Some(false), "{}", backend.name);
            let m = select!(max(!(e.bonus > 0)) for e in Emp if e.id <= 2).one(tx)?;
            assert_eq!(m, Some(false), "{}", backend.name);
            // (It counted only the rows whose test read no NULL: fewer than its distinct
            // values.)
            let n = select!(count(e.bonus > 0) for e in Emp if e.id <= 2).one(tx)?;
            assert_eq!(n, 2, "{}", backend.name);
            Ok(())
        })
    })
}

/// A sub-comprehension's values are what it would select: its team's test of Bob's NULL
/// bonus was no value, and `.contains(&false)` did not find team 1.
#[test]
fn a_sub_comprehension_of_tests_holds_their_nulls_as_false() -> colt::Result<()> {
    each_backend(|backend| {
        let db = staff(backend)?;
        db.transaction(|tx| {
            let no = false;
            let teams =
                select!((t.id for t in Team if (e.bonus > 0 for e in t.members).contains(&no))
                .order_by(|t| t.id))
                .fetch(tx)?;
            assert_eq!(teams, [1, 2], "{}", backend.name);
            Ok(())
        })
    })
}

#[test]
fn a_bulk_set_of_a_test_stores_its_nulls_as_false() -> colt::Result<()> {
    each_backend(|backend| {
        let db = staff(backend)?;
        db.transaction(|tx| {
            let n =
                select!((e for e in Emp if e.id <= 2).set(|e| e.flag = e.bonus > 0)).update(tx)?;
            assert_eq!(n, 2);
            let n = select!((e for e in Emp if e.id <= 2).set(|e| e.active = e.bonus > 0))
                .update(tx)?;
            assert_eq!(n, 2);
            Ok(())
        })?;
        db.transaction(|tx| {
            let rows =
                select!(((e.id, e.flag, e.active) for e in Emp if e.id <= 2).order_by(|e| e.id))
                    .fetch(tx)?;
            assert_eq!(
                rows,
                [(1, Some(true), true), (2, Some(false), false)],
                "{}",
                backend.name
            );
            Ok(())
        })
    })
}
