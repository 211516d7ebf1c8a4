//! Cycles of references a database declares NOT NULL (Sakila's stores and staff): `bind`
//! refuses a cycle of `Ref`s (no row of it could be inserted first) and asks for one
//! `Option<Ref<..>>`; `check_tables` takes an `Option` on a NOT NULL column that lies on
//! such a cycle (it refused it, so that no mapping passed both: a review exploring Sakila
//! found it), and still refuses an `Option` on a NOT NULL column elsewhere.

mod common;

use colt::prelude::*;
use common::each_backend;

/// Sakila's stores and staff: one `Option`, on the manager.
#[derive(Entity, Debug, Clone)]
#[colt(table = "store")]
struct Store {
    #[colt(primary_key)]
    store_id: i64,
    #[colt(column = "manager_staff_id", reverse = "managed")]
    manager: Option<Ref<Staff>>,
    #[colt(reverse = "store")]
    staff: Set<Staff>,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "staff")]
struct Staff {
    #[colt(primary_key)]
    staff_id: i64,
    name: String,
    #[colt(column = "store_id", reverse = "staff")]
    store: Ref<Store>,
    #[colt(reverse = "manager")]
    managed: Set<Store>,
    #[colt(column = "mentor_id")]
    mentor: Option<Ref<Mentor>>,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "mentor")]
struct Mentor {
    #[colt(primary_key)]
    mentor_id: i64,
    staff: Set<Staff>,
}

#[test]
fn a_cycle_of_not_null_references_maps_with_one_option() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            tx.execute_sql("CREATE TABLE mentor (mentor_id BIGINT PRIMARY KEY)", &[])?;
            tx.execute_sql(
                "CREATE TABLE store (store_id BIGINT PRIMARY KEY, manager_staff_id BIGINT NOT NULL)",
                &[],
            )?;
            tx.execute_sql(
                "CREATE TABLE staff (staff_id BIGINT PRIMARY KEY, name TEXT NOT NULL,
                     store_id BIGINT NOT NULL REFERENCES store (store_id),
                     mentor_id BIGINT REFERENCES mentor (mentor_id))",
                &[],
            )?;
            tx.execute_sql("INSERT INTO mentor VALUES (1)", &[])?;
            tx.execute_sql("INSERT INTO store VALUES (1, 10), (2, 20)", &[])?;
            tx.execute_sql(
                "INSERT INTO staff VALUES (10, 'Mike', 1, 1), (20, 'Jon', 2, NULL), (30, 'Ann', 1, NULL)",
                &[],
            )?;
            Ok(())
        })?;
        db.bind(schema![Store, Staff, Mentor])?;
        db.check_tables()?;
        db.transaction(|tx| {
            let managers =
                select!(((s.store_id, s.manager.name) for s in Store).order_by(|s| s.store_id))
                    .fetch(tx)?;
            assert_eq!(
                managers,
                [(1, Some("Mike".to_string())), (2, Some("Jon".to_string()))]
            );
            let at_mikes = select!((st.name for st in Staff if st.store.manager.name == "Mike")
                .order_by(|st| st.name))
            .fetch(tx)?;
            assert_eq!(at_mikes, ["Ann", "Mike"]);
            Ok(())
        })
    })?;
    // Elsewhere an `Option` on a NOT NULL column is still reported.
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            tx.execute_sql("CREATE TABLE mentor (mentor_id BIGINT PRIMARY KEY)", &[])?;
            tx.execute_sql(
                "CREATE TABLE store (store_id BIGINT PRIMARY KEY, manager_staff_id BIGINT NOT NULL)",
                &[],
            )?;
            tx.execute_sql(
                "CREATE TABLE staff (staff_id BIGINT PRIMARY KEY, name TEXT NOT NULL,
                     store_id BIGINT NOT NULL, mentor_id BIGINT NOT NULL)",
                &[],
            )?;
            Ok(())
        })?;
        db.bind(schema![Store, Staff, Mentor])?;
        let e = db.check_tables().unwrap_err().to_string();
        assert!(e.contains("staff.mentor_id"), "{e}");
        assert!(!e.contains("manager_staff_id"), "{e}");
        Ok(())
    })
}

mod tree {
    use colt::prelude::*;

    /// `parent_id` is NOT NULL in the database (a root refers to itself).
    #[derive(Entity, Debug, Clone)]
    #[colt(table = "node")]
    pub struct Node {
        #[colt(primary_key)]
        pub id: i64,
        #[colt(column = "parent_id", reverse = "children")]
        pub parent: Option<Ref<Node>>,
        #[colt(reverse = "parent")]
        pub children: Set<Node>,
    }
}

#[test]
fn an_optional_self_reference_on_a_not_null_column_is_still_reported() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            tx.execute_sql(
                "CREATE TABLE node (id BIGINT PRIMARY KEY,
                     parent_id BIGINT NOT NULL REFERENCES node (id))",
                &[],
            )?;
            Ok(())
        })?;
        db.bind(schema![tree::Node])?;
        let r = db.check_tables();
        assert!(
            r.as_ref()
                .is_err_and(|e| e.to_string().contains("parent_id")),
            "check_tables: {r:?}"
        );
        Ok(())
    })
}

mod cycles {
    use colt::prelude::*;

    /// a.b_id, b.owner_id, b.c_id, c.a_id: all NOT NULL. Two cycles: a -> b -> a and
    /// a -> b -> c -> a, each with an `Option`.
    #[derive(Entity, Debug, Clone)]
    #[colt(table = "a")]
    pub struct A {
        #[colt(primary_key)]
        pub id: i64,
        #[colt(column = "b_id", reverse = "a")]
        pub b: Option<Ref<B>>,
        #[colt(reverse = "owner")]
        pub owned: Set<B>,
        pub cs: Set<C>,
    }

    #[derive(Entity, Debug, Clone)]
    #[colt(table = "b")]
    pub struct B {
        #[colt(primary_key)]
        pub id: i64,
        #[colt(column = "owner_id", reverse = "owned")]
        pub owner: Option<Ref<A>>,
        #[colt(column = "c_id")]
        pub c: Ref<C>,
        #[colt(reverse = "b")]
        pub a: Set<A>,
    }

    #[derive(Entity, Debug, Clone)]
    #[colt(table = "c")]
    pub struct C {
        #[colt(primary_key)]
        pub id: i64,
        #[colt(column = "a_id")]
        pub a: Ref<A>,
        pub bs: Set<B>,
    }
}

/// Each `Option` lies on a cycle of references the database declares NOT NULL: both pass,
/// though `b.owner` reaches back only through `a.b`, an `Option` itself (the check followed
/// `Ref`s only, and refused it: a review found it).
#[test]
fn options_closing_overlapping_not_null_cycles_all_pass_check_tables() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            tx.execute_sql(
                "CREATE TABLE a (id BIGINT PRIMARY KEY, b_id BIGINT NOT NULL)",
                &[],
            )?;
            tx.execute_sql(
                "CREATE TABLE c (id BIGINT PRIMARY KEY, a_id BIGINT NOT NULL REFERENCES a (id))",
                &[],
            )?;
            tx.execute_sql(
                "CREATE TABLE b (id BIGINT PRIMARY KEY,
                     owner_id BIGINT NOT NULL REFERENCES a (id),
                     c_id BIGINT NOT NULL REFERENCES c (id))",
                &[],
            )?;
            Ok(())
        })?;
        db.bind(schema![cycles::A, cycles::B, cycles::C])?;
        db.check_tables()?;
        Ok(())
    })
}
