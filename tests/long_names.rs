//! Names PostgreSQL cuts: it keeps the first 63 bytes of a table or column name, in every
//! statement alike, and its catalogue holds the cut name. (Found by a review.)

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
struct Meter {
    #[colt(primary_key)]
    id: i64,
    #[colt(column = "reading_of_the_primary_electricity_meter_in_the_basement_in_kwh_x")]
    reading: i64,
}

/// `check_tables` looked the long name up whole in the catalogue, which holds it cut, and
/// said the column did not exist. It compares the cut name now; the rest worked already.
#[test]
fn check_tables_finds_a_name_postgresql_cut() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Meter])?;
        db.create_tables()?;
        db.check_tables()?;
        db.transaction(|tx| {
            Meter::build().id(1).reading(5).insert(tx)?;
            Ok(())
        })?;
        let r = db.transaction(|tx| Ok(tx.get_or_err::<Meter>(1)?.reading()))?;
        assert_eq!(r, 5);
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
struct Customer {
    #[colt(primary_key)]
    id: i64,
    name: String,
    orders: Set<Order>,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "orders")]
struct Order {
    #[colt(primary_key)]
    id: i64,
    customer: Ref<Customer>,
}

/// PostgreSQL: Colt's aliases are made of the query's names (`{variable}_{field}`, `_2` for
/// another one): two longer than 63 bytes that shared their first 63 named one table, so a
/// collection's sub-query compared each row with itself and counted every order. Aliases
/// are cut short now. (Found by a review.)
#[test]
fn a_long_variable_name_counts_the_right_rows() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Customer, Order])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let ann = Customer::build().id(1).name("ann").insert(tx)?;
            Customer::build().id(2).name("bob").insert(tx)?;
            Order::build().id(10).customer(&ann).insert(tx)?;
            Order::build().id(11).customer(&ann).insert(tx)?;
            Ok(())
        })?;
        let counts = db.transaction(|tx| {
            select!(((the_customer_whose_orders_we_are_counting_in_this_rather_long_query.name,
                      count(the_customer_whose_orders_we_are_counting_in_this_rather_long_query.orders))
                for the_customer_whose_orders_we_are_counting_in_this_rather_long_query in Customer)
                .order_by(|c| c.name))
            .fetch(tx)
        })?;
        assert_eq!(
            counts,
            [("ann".to_string(), 2), ("bob".to_string(), 0)],
            "{}",
            backend.name
        );
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "measurements_of_the_primary_electricity_meter_in_the_basement_of_a_first")]
struct FirstMeter {
    #[colt(primary_key)]
    id: i64,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "measurements_of_the_primary_electricity_meter_in_the_basement_of_a_second")]
struct SecondMeter {
    #[colt(primary_key)]
    id: i64,
}

/// Two table names alike in their first 63 bytes are one table to PostgreSQL: the second
/// `CREATE TABLE IF NOT EXISTS` did nothing, and both entities read and wrote one table.
/// Refused at bind, as two entities on one table are. (Found by a review.)
#[test]
fn two_names_postgresql_cuts_alike_are_refused() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        let bound = db.bind(schema![FirstMeter, SecondMeter]);
        assert!(
            matches!(&bound, Err(colt::Error::SchemaMismatch(m)) if m.contains("both use table")),
            "{}: {bound:?}",
            backend.name
        );
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
struct Panel {
    #[colt(primary_key)]
    id: i64,
    readings: Set<Reading>,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "readings_of_the_primary_electricity_meter_in_the_basement_of_the_house")]
struct Reading {
    #[colt(primary_key)]
    id: i64,
    panel: Ref<Panel>,
}

/// A required reference of a table whose name PostgreSQL cuts: `check_tables` read its
/// foreign keys under the whole name, found none, and refused the schema `create_tables`
/// had just made. (Found by a review of the reference checks.)
#[test]
fn check_tables_finds_the_foreign_keys_of_a_name_postgresql_cut() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Panel, Reading])?;
        db.create_tables()?;
        db.check_tables()
    })
}
