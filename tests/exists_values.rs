//! `exists(value for s in ..)`: the value, unless it is the variable itself, is a condition
//! on each row, as PonyORM reads it (its `test_exists.py` and
//! `test_declarative_query_set_monad.py`). Colt dropped it: `exists(s.graduated for s in
//! g.students)` was `exists(g.students)` (wrong rows), and a value holding a literal failed
//! with a parameter count error. A sub-comprehension used as a condition (`if (s.age < 23
//! for s in g.students)`, an operand of `&&`, `||` or `!`) is the same test, as in PonyORM (it
//! failed when it ran, with a message that did not fit).

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
#[colt(table = "group")]
pub struct Group {
    #[colt(primary_key)]
    pub id: i64,
    pub students: Set<Student>,
}

#[derive(Entity, Debug, Clone)]
pub struct Student {
    #[colt(primary_key)]
    pub id: i64,
    pub first_name: String,
    pub login: Option<String>,
    pub graduated: Option<bool>,
    pub age: i64,
    pub scholarship: i64,
    pub group: Ref<Group>,
}

fn school(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Group, Student])?;
    db.create_tables()?;
    db.transaction(|tx| {
        let g1 = Group::build().id(1).insert(tx)?;
        let g2 = Group::build().id(2).insert(tx)?;
        Group::build().id(3).insert(tx)?;
        for (id, name, login, graduated, age, scholarship, g) in [
            (1, "Mashu", Some("Shielder"), Some(false), 20, 0, &g1),
            (2, "Okita", Some("Sakura"), Some(false), 23, 100, &g1),
            (3, "Francis", None, Some(true), 23, 500, &g2),
            (4, "Oda", None, Some(true), 30, 0, &g2),
            (5, "William", None, None, 25, 0, &g2),
        ] {
            Student::build()
                .id(id)
                .first_name(name)
                .login(login.map(String::from))
                .graduated(graduated)
                .age(age)
                .scholarship(scholarship)
                .group(g)
                .insert(tx)?;
        }
        Ok(())
    })?;
    Ok(db)
}

fn ids(groups: Vec<Obj<Group>>) -> Vec<i64> {
    let mut v: Vec<i64> = groups.iter().map(|g| g.id()).collect();
    v.sort();
    v
}

#[test]
fn a_sub_comprehensions_value_is_a_condition_of_exists() -> colt::Result<()> {
    each_backend(|backend| {
        let db = school(backend)?;
        db.transaction(|tx| {
            let q = select!(g for g in Group if exists(s.scholarship < s.age for s in g.students));
            assert_eq!(ids(q.fetch(tx)?), [1, 2]);
            let q = select!(g for g in Group if exists(s.scholarship > s.age for s in g.students));
            assert_eq!(ids(q.fetch(tx)?), [1, 2]);
            let q = select!(g for g in Group if exists(s.scholarship > 200 for s in g.students));
            assert_eq!(ids(q.fetch(tx)?), [2]);
            // A literal in the value (it was a parameter count error).
            let q = select!(g for g in Group if exists(s.age < 23 for s in g.students));
            assert_eq!(ids(q.fetch(tx)?), [1]);
            // An `Option<bool>` value: NULL is no row.
            let q = select!(g for g in Group if exists(s.graduated for s in g.students));
            assert_eq!(ids(q.fetch(tx)?), [2]);
            let q = select!(g for g in Group if !exists(!s.graduated for s in g.students));
            assert_eq!(ids(q.fetch(tx)?), [2, 3]);
            // With the comprehension's own condition, and an outer value.
            let who = "Okita";
            let q = select!(g for g in Group
                if exists(s.login.is_some() for s in g.students if s.first_name != who));
            assert_eq!(ids(q.fetch(tx)?), [1]);
            // Over a whole entity, correlated by the value.
            let q = select!(s.id for s in Student
                if exists(t.age == s.age && t.id != s.id for t in Student));
            let mut r = q.fetch(tx)?;
            r.sort();
            assert_eq!(r, [2, 3]);
            // The variable itself is the rows, as before.
            let q = select!(g for g in Group if exists(s for s in g.students if s.age > 24));
            assert_eq!(ids(q.fetch(tx)?), [2]);
            Ok(())
        })
    })
}

/// `.is_empty()` is Rust's: whether there is no row, whatever the values (a list of `false`s
/// is not empty); `!exists(..)` is PonyORM's test of the values.
#[test]
fn is_empty_of_a_sub_comprehension_is_of_its_rows() -> colt::Result<()> {
    each_backend(|backend| {
        let db = school(backend)?;
        db.transaction(|tx| {
            let q = select!(g for g in Group if (s.age > 24 for s in g.students).is_empty());
            assert_eq!(ids(q.fetch(tx)?), [3]);
            // The values are not computed (a scholarship of 0 divides by zero).
            let q = select!(g for g in Group
                if (s.age / s.scholarship > 1 for s in g.students).is_empty());
            assert_eq!(ids(q.fetch(tx)?), [3]);
            let q = select!(g for g in Group if !exists(s.age > 24 for s in g.students));
            assert_eq!(ids(q.fetch(tx)?), [1, 3]);
            // A value that is another query's test: its parameters are read too (it was a
            // parameter count error).
            let older = select!(s for s in Student if s.age > 24);
            let q = select!(g for g in Group
                if (older.contains(&s) for s in g.students).is_empty());
            assert_eq!(ids(q.fetch(tx)?), [3]);
            let q = select!(g for g in Group if exists(older.contains(&s) for s in g.students));
            assert_eq!(ids(q.fetch(tx)?), [2]);
            // One whose only parameter is its limit (a review found it left out).
            let oldest = select!((s for s in Student).order_by(|s| desc(s.age))).limit(2);
            let q = select!(g for g in Group if exists(oldest.contains(&s) for s in g.students));
            assert_eq!(ids(q.fetch(tx)?), [2]);
            let q = select!(g for g in Group
                if (oldest.contains(&s) for s in g.students).is_empty());
            assert_eq!(ids(q.fetch(tx)?), [3]);
            Ok(())
        })
    })
}

#[test]
fn a_sub_comprehension_as_a_condition_is_exists() -> colt::Result<()> {
    each_backend(|backend| {
        let db = school(backend)?;
        db.transaction(|tx| {
            let q = select!(g for g in Group if (s.age < 23 for s in g.students));
            assert_eq!(ids(q.fetch(tx)?), [1]);
            let q = select!(g for g in Group if (s for s in g.students if s.age > 24));
            assert_eq!(ids(q.fetch(tx)?), [2]);
            let q = select!(g for g in Group
                if g.id > 1 && (s.scholarship > 0 for s in g.students));
            assert_eq!(ids(q.fetch(tx)?), [2]);
            let q = select!(g for g in Group
                if g.id == 3 || (s.graduated == Some(false) for s in g.students));
            assert_eq!(ids(q.fetch(tx)?), [1, 3]);
            let q = select!(g for g in Group if !(s.age < 23 for s in g.students));
            assert_eq!(ids(q.fetch(tx)?), [2, 3]);
            let q = select!(Group.filter(|g| (s.age >= 30 for s in g.students)));
            assert_eq!(ids(q.fetch(tx)?), [2]);
            // An outer `bool` as the value: a condition too.
            let (yes, no) = (true, false);
            let q = select!(g for g in Group if exists(yes for s in g.students));
            assert_eq!(ids(q.fetch(tx)?), [1, 2]);
            let q = select!(g for g in Group if exists(no for s in g.students));
            assert_eq!(ids(q.fetch(tx)?), Vec::<i64>::new());
            // A sub-comprehension as the value tested: an `exists` inside.
            let q = select!(g for g in Group
                if exists((t.age > s.age + 6 for t in g.students) for s in g.students));
            assert_eq!(ids(q.fetch(tx)?), [2]);
            // `.clone()` is the value itself, where it stands: objects stay objects.
            let owners: Vec<Obj<Group>> =
                select!(s.group.clone() for s in Student if s.age > 24).fetch(tx)?;
            assert_eq!(ids(owners), [2]);
            Ok(())
        })
    })
}
