//! A loaded collection and a trigger of another table that adds, moves or deletes its
//! members (an `AFTER INSERT ON orders` trigger writing `line`): the collection, loaded
//! before the write, kept its old members for the rest of the transaction, a wrong answer
//! on both backends. An object's write to a table with triggers (or rules) now makes the
//! transaction's loaded collections read again, as raw SQL does.

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
#[colt(table = "cart")]
struct Cart {
    #[colt(primary_key)]
    id: i64,
    lines: Set<Line>,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "line")]
struct Line {
    #[colt(primary_key, auto)]
    id: i64,
    label: String,
    cart: Ref<Cart>,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "orders")]
struct Order {
    #[colt(primary_key)]
    id: i64,
    cart: i64,
    note: String,
}

/// An order adds a line "shipping" to its cart; an order noted "clear" deletes the cart's
/// other lines.
fn triggers(backend: &common::Backend, tx: &Transaction) -> colt::Result<()> {
    if backend.is_postgres() {
        tx.execute_sql(
            "CREATE FUNCTION order_lines() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF NEW.note = 'clear' THEN DELETE FROM line WHERE cart = NEW.cart; \
             ELSE INSERT INTO line (label, cart) VALUES ('shipping', NEW.cart); END IF; \
             RETURN NEW; END $$",
            &[],
        )?;
        tx.execute_sql(
            "CREATE TRIGGER order_lines AFTER INSERT ON orders \
             FOR EACH ROW EXECUTE FUNCTION order_lines()",
            &[],
        )?;
    } else {
        tx.execute_sql(
            "CREATE TRIGGER order_lines AFTER INSERT ON orders BEGIN \
             DELETE FROM line WHERE cart = NEW.cart AND NEW.note = 'clear'; \
             INSERT INTO line (label, cart) SELECT 'shipping', NEW.cart WHERE NEW.note <> 'clear'; \
             END",
            &[],
        )?;
    }
    Ok(())
}

/// A fresh database with cart 1 holding a line "tea", `prepare` run first in its
/// transaction (the triggers).
fn cart_with_tea(
    backend: &common::Backend,
    prepare: impl FnOnce(&Transaction) -> colt::Result<()>,
) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Cart, Line, Order])?;
    db.create_tables()?;
    db.transaction(|tx| {
        prepare(tx)?;
        let cart = Cart::build().id(1).insert(tx)?;
        Line::build().label("tea").cart(&cart).insert(tx)?;
        Ok(())
    })?;
    Ok(db)
}

fn labels(cart: &Obj<Cart>, tx: &Transaction) -> colt::Result<Vec<String>> {
    let mut out: Vec<String> = cart.lines().fetch(tx)?.iter().map(|l| l.label()).collect();
    out.sort();
    Ok(out)
}

#[test]
fn a_collection_loaded_before_a_trigger_adds_members_sees_them() -> colt::Result<()> {
    each_backend(|backend| {
        let db = cart_with_tea(backend, |tx| triggers(backend, tx))?;
        db.transaction(|tx| {
            let cart = tx.get_or_err::<Cart>(1)?;
            assert_eq!(labels(&cart, tx)?, ["tea"]);
            Order::build().id(1).cart(1).note("ship").insert(tx)?;
            assert_eq!(labels(&cart, tx)?, ["shipping", "tea"], "{}", backend.name);
            assert_eq!(cart.lines().count(tx)?, 2, "{}", backend.name);
            Order::build().id(2).cart(1).note("clear").insert(tx)?;
            assert!(labels(&cart, tx)?.is_empty(), "{}", backend.name);
            Ok(())
        })
    })
}

/// A table without triggers leaves loaded collections as they are (no statement more).
#[test]
fn a_write_to_a_table_without_triggers_keeps_loaded_collections() -> colt::Result<()> {
    each_backend(|backend| {
        let db = cart_with_tea(backend, |_| Ok(()))?;
        db.transaction(|tx| {
            let cart = tx.get_or_err::<Cart>(1)?;
            assert_eq!(labels(&cart, tx)?, ["tea"]);
            Order::build().id(1).cart(1).note("ship").insert(tx)?;
            Order::build().id(2).cart(1).note("ship").insert(tx)?;
            tx.flush()?;
            let before = tx.statements_executed();
            assert_eq!(labels(&cart, tx)?, ["tea"]);
            assert_eq!(tx.statements_executed(), before, "{}", backend.name);
            Ok(())
        })
    })
}

/// A trigger made by raw SQL inside the transaction, after a write to its table found none:
/// the answer is asked again (it was kept for the transaction, and the collection missed
/// the trigger's line).
#[test]
fn a_trigger_made_inside_the_transaction_is_seen() -> colt::Result<()> {
    each_backend(|backend| {
        let db = cart_with_tea(backend, |_| Ok(()))?;
        db.transaction(|tx| {
            let cart = tx.get_or_err::<Cart>(1)?;
            assert_eq!(labels(&cart, tx)?, ["tea"]);
            Order::build().id(1).cart(1).note("x").insert(tx)?;
            tx.flush()?;
            triggers(backend, tx)?;
            assert_eq!(labels(&cart, tx)?, ["tea"]);
            Order::build().id(2).cart(1).note("ship").insert(tx)?;
            assert_eq!(labels(&cart, tx)?, ["shipping", "tea"], "{}", backend.name);
            Ok(())
        })
    })
}

/// A trigger dropped inside a savepoint that rolls back is back: so is the answer.
#[test]
fn a_trigger_a_rolled_back_savepoint_dropped_is_seen() -> colt::Result<()> {
    each_backend(|backend| {
        let db = cart_with_tea(backend, |tx| triggers(backend, tx))?;
        db.transaction(|tx| {
            let cart = tx.get_or_err::<Cart>(1)?;
            assert_eq!(labels(&cart, tx)?, ["tea"]);
            let undone: colt::Result<()> = tx.savepoint(|tx| {
                let drop = if backend.is_postgres() {
                    "DROP TRIGGER order_lines ON orders"
                } else {
                    "DROP TRIGGER order_lines"
                };
                tx.execute_sql(drop, &[])?;
                Order::build().id(1).cart(1).note("x").insert(tx)?;
                tx.flush()?;
                Err(Error::InvalidQuery("undo".into()))
            });
            assert!(undone.is_err());
            assert_eq!(labels(&cart, tx)?, ["tea"]);
            Order::build().id(2).cart(1).note("ship").insert(tx)?;
            assert_eq!(labels(&cart, tx)?, ["shipping", "tea"], "{}", backend.name);
            Ok(())
        })
    })
}

/// PostgreSQL: `orders` partitioned, the trigger on its partition (where a row inserted
/// into `orders` goes): the table itself has none, and the collection kept its old members.
#[test]
fn a_trigger_on_a_partition_is_seen() -> colt::Result<()> {
    each_backend(|backend| {
        if !backend.is_postgres() {
            return Ok(());
        }
        let db = cart_with_tea(backend, |tx| {
            tx.execute_sql("DROP TABLE orders", &[])?;
            tx.execute_sql(
                "CREATE TABLE orders (id BIGINT PRIMARY KEY, cart BIGINT NOT NULL, \
                 note TEXT NOT NULL) PARTITION BY RANGE (id)",
                &[],
            )?;
            tx.execute_sql(
                "CREATE TABLE orders_low PARTITION OF orders FOR VALUES FROM (0) TO (1000)",
                &[],
            )?;
            triggers(backend, tx)?;
            tx.execute_sql("DROP TRIGGER order_lines ON orders", &[])?;
            tx.execute_sql(
                "CREATE TRIGGER order_lines AFTER INSERT ON orders_low \
                 FOR EACH ROW EXECUTE FUNCTION order_lines()",
                &[],
            )?;
            Ok(())
        })?;
        db.transaction(|tx| {
            let cart = tx.get_or_err::<Cart>(1)?;
            assert_eq!(labels(&cart, tx)?, ["tea"]);
            Order::build().id(1).cart(1).note("ship").insert(tx)?;
            assert_eq!(labels(&cart, tx)?, ["shipping", "tea"]);
            Ok(())
        })
    })
}
