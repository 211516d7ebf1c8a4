//! References to entities with a composite primary key: a `Ref<Line>` to a line keyed by
//! (order, number) is two columns, `line_order` and `line_no`; joins, navigation, the
//! collection on the other side, cascades and optimistic checks use both, on both backends.
//!
//! The rows are chosen so that a join or a filter on the first key column alone gives wrong
//! rows: lines (1, 1), (1, 2) and (2, 1) share their parts.

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
struct Order {
    #[colt(primary_key)]
    id: i64,
    customer: String,
    lines: Set<Line>,
}

#[derive(Entity, Debug, Clone)]
struct Line {
    #[colt(primary_key)]
    order: Ref<Order>,
    #[colt(primary_key)]
    no: i32,
    product: String,
    qty: i64,
    #[colt(cascade_delete)]
    shipments: Set<Shipment>,
    refunds: Set<Refund>,
}

#[derive(Entity, Debug, Clone)]
struct Shipment {
    #[colt(primary_key, auto)]
    id: i64,
    line: Ref<Line>,
    carrier: String,
}

#[derive(Entity, Debug, Clone)]
struct Refund {
    #[colt(primary_key, auto)]
    id: i64,
    line: Option<Ref<Line>>,
    reason: String,
}

fn line_key(order: i64, no: i32) -> (Ref<Order>, i32) {
    (Ref::new(order), no)
}

/// Orders 1 and 2; lines (1, 1) "pen" ×1, (1, 2) "ink" ×5, (2, 1) "pad" ×2; shipments
/// "post" → (1, 2), "rail" → (2, 1), "ship" → (1, 1); a return of (1, 2) and one of nothing.
fn fill(db: &Database) -> colt::Result<()> {
    db.bind(schema![Order, Line, Shipment, Refund])?;
    db.create_tables()?;
    db.transaction(|tx| {
        let o1 = Order::build().id(1).customer("ann").insert(tx)?;
        let o2 = Order::build().id(2).customer("bob").insert(tx)?;
        let pen = Line::build()
            .order(&o1)
            .no(1)
            .product("pen")
            .qty(1)
            .insert(tx)?;
        let ink = Line::build()
            .order(&o1)
            .no(2)
            .product("ink")
            .qty(5)
            .insert(tx)?;
        let pad = Line::build()
            .order(&o2)
            .no(1)
            .product("pad")
            .qty(2)
            .insert(tx)?;
        Shipment::build().line(&ink).carrier("post").insert(tx)?;
        Shipment::build().line(&pad).carrier("rail").insert(tx)?;
        Shipment::build().line(&pen).carrier("ship").insert(tx)?;
        Refund::build()
            .line(Ref::from(&ink))
            .reason("leaks")
            .insert(tx)?;
        Refund::build().reason("lost").insert(tx)?;
        Ok(())
    })
}

#[test]
fn a_reference_to_a_composite_key_is_one_column_per_key_column() -> colt::Result<()> {
    let cols: Vec<&str> = Shipment::meta().columns.iter().map(|c| c.name).collect();
    assert_eq!(cols, ["id", "line_order", "line_no", "carrier"]);
    assert_eq!(Shipment::meta().relations[0].column, Some(1));
    assert_eq!(<Line as Entity>::KEY_WIDTH, 2);
    let ret: Vec<(&str, bool)> = Refund::meta()
        .columns
        .iter()
        .map(|c| (c.name, c.nullable))
        .collect();
    assert_eq!(
        ret,
        [
            ("id", false),
            ("line_order", true),
            ("line_no", true),
            ("reason", false)
        ]
    );
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        fill(&db)?;
        db.check_tables()?;
        db.transaction(|tx| {
            let s = select!(s for s in Shipment if s.carrier == "post").one(tx)?;
            assert_eq!(s.line(), Ref::new(line_key(1, 2)));
            let line = s.line().get(tx)?;
            assert_eq!((line.product(), line.qty()), ("ink".to_string(), 5));
            // Stored as two columns, readable by other programs.
            let raw = tx.query_sql::<(i64, i64)>(
                "SELECT line_order, line_no FROM shipment ORDER BY id",
                &[],
            )?;
            assert_eq!(raw, [(1, 2), (2, 1), (1, 1)]);
            Ok(())
        })
    })
}

#[test]
fn navigation_joins_on_every_key_column() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        fill(&db)?;
        db.transaction(|tx| {
            let mut by_product =
                select!((s.carrier, s.line.product) for s in Shipment).fetch(tx)?;
            by_product.sort();
            assert_eq!(
                by_product,
                [
                    ("post".to_string(), "ink".to_string()),
                    ("rail".to_string(), "pad".to_string()),
                    ("ship".to_string(), "pen".to_string()),
                ]
            );
            let big = select!(s.carrier for s in Shipment if s.line.qty > 1).fetch(tx)?;
            let mut big = big;
            big.sort();
            assert_eq!(big, ["post", "rail"]);
            let ann = select!((s.carrier for s in Shipment if s.line.order.customer == "ann")
                .order_by(|s| s.line.no))
            .fetch(tx)?;
            assert_eq!(ann, ["ship", "post"]);
            // An optional reference: a LEFT JOIN on both columns.
            let mut refunds = select!((r.reason, r.line.product) for r in Refund).fetch(tx)?;
            refunds.sort();
            assert_eq!(
                refunds,
                [
                    ("leaks".to_string(), Some("ink".to_string())),
                    ("lost".to_string(), None)
                ]
            );
            Ok(())
        })
    })
}

#[test]
fn the_collection_of_a_composite_key_owner() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        fill(&db)?;
        db.transaction(|tx| {
            let ink = tx
                .get::<Line>(line_key(1, 2))?
                .ok_or(colt::Error::NotFound {
                    entity: "Line".into(),
                    key: None,
                })?;
            let pen = tx
                .get::<Line>(line_key(1, 1))?
                .ok_or(colt::Error::NotFound {
                    entity: "Line".into(),
                    key: None,
                })?;
            let carriers: Vec<String> = ink
                .shipments()
                .fetch(tx)?
                .iter()
                .map(|s| s.carrier())
                .collect();
            assert_eq!(carriers, ["post"]);
            assert_eq!(ink.shipments().count(tx)?, 1);
            let rail = select!(s for s in Shipment if s.carrier == "rail").one(tx)?;
            let post = select!(s for s in Shipment if s.carrier == "post").one(tx)?;
            assert!(!ink.shipments().contains(tx, &rail)?);
            assert!(ink.shipments().contains(tx, &post)?);
            // In queries: a sub-query correlated on both columns.
            let mut counts = select!((l.product, count(l.shipments)) for l in Line).fetch(tx)?;
            counts.sort();
            assert_eq!(
                counts,
                [
                    ("ink".to_string(), 1),
                    ("pad".to_string(), 1),
                    ("pen".to_string(), 1)
                ]
            );
            let mut pairs =
                select!((l.product, s.carrier) for l in Line for s in l.shipments).fetch(tx)?;
            pairs.sort();
            assert_eq!(
                pairs,
                [
                    ("ink".to_string(), "post".to_string()),
                    ("pad".to_string(), "rail".to_string()),
                    ("pen".to_string(), "ship".to_string()),
                ]
            );
            // Adding to the optional side sets both columns; removing clears both.
            let lost = select!(r for r in Refund if r.reason == "lost").one(tx)?;
            pen.refunds().add(tx, &lost)?;
            assert_eq!(lost.line(), Some(Ref::new(line_key(1, 1))));
            assert_eq!(pen.refunds().count(tx)?, 1);
            let leaks = select!(r for r in Refund if r.reason == "leaks").one(tx)?;
            ink.refunds().remove(tx, &leaks)?;
            assert_eq!(leaks.line(), None);
            assert_eq!(ink.refunds().count(tx)?, 0);
            Ok(())
        })?;
        db.transaction(|tx| {
            let raw = tx.query_sql::<(String, Option<i64>, Option<i64>)>(
                "SELECT reason, line_order, line_no FROM refund ORDER BY id",
                &[],
            )?;
            assert_eq!(
                raw,
                [
                    ("leaks".to_string(), None, None),
                    ("lost".to_string(), Some(1), Some(1))
                ]
            );
            Ok(())
        })
    })
}

#[test]
fn deleting_a_composite_key_owner_follows_both_columns() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        fill(&db)?;
        db.transaction(|tx| {
            let ret = select!(r for r in Refund if r.reason == "leaks").one(tx)?;
            let ink = ret.line().ok_or(colt::Error::NotFound {
                entity: "Line".into(),
                key: None,
            })?;
            ink.get(tx)?.delete(tx)?;
            // The cascade took the shipment of (1, 2) only; the optional reference is unset.
            let mut left = select!(s.carrier for s in Shipment).fetch(tx)?;
            left.sort();
            assert_eq!(left, ["rail", "ship"]);
            assert_eq!(ret.line(), None);
            Ok(())
        })?;
        db.transaction(|tx| {
            let raw = tx.query_sql::<(String, Option<i64>)>(
                "SELECT reason, line_no FROM refund ORDER BY id",
                &[],
            )?;
            assert_eq!(
                raw,
                [("leaks".to_string(), None), ("lost".to_string(), None)]
            );
            let lines = select!(l.product for l in Line).count(tx)?;
            assert_eq!(lines, 2);
            Ok(())
        })
    })
}

#[test]
fn pointing_a_reference_elsewhere_writes_both_columns() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        fill(&db)?;
        db.transaction(|tx| {
            let rail = select!(s for s in Shipment if s.carrier == "rail").one(tx)?;
            rail.set(|s| s.line = Ref::new(line_key(1, 1)))?;
            Ok(())
        })?;
        db.transaction(|tx| {
            let mut pen =
                select!(s.carrier for s in Shipment if s.line.product == "pen").fetch(tx)?;
            pen.sort();
            assert_eq!(pen, ["rail", "ship"]);
            Ok(())
        })
    })
}

#[test]
fn a_row_with_half_a_reference_is_an_error() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        fill(&db)?;
        db.transaction(|tx| {
            tx.execute_sql("UPDATE refund SET line_no = NULL WHERE reason = 'leaks'", &[])?;
            let err = select!(r for r in Refund if r.reason == "leaks").one(tx);
            assert!(
                matches!(err, Err(colt::Error::Decode { ref column, .. }) if column == "refund.line"),
                "{err:?}"
            );
            Ok(())
        })
    })
}

#[derive(Entity, Debug, Clone)]
struct Basket {
    #[colt(primary_key)]
    id: i64,
    items: Set<Item>,
}

/// A composite key whose first column is not the reference to the owner.
#[derive(Entity, Debug, Clone)]
struct Item {
    #[colt(primary_key)]
    shelf: i32,
    #[colt(primary_key)]
    slot: i32,
    basket: Ref<Basket>,
}

#[test]
fn membership_of_a_composite_key_member_checks_its_whole_key() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Basket, Item])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let one = Basket::build().id(1).insert(tx)?;
            let two = Basket::build().id(2).insert(tx)?;
            Item::build().shelf(1).slot(1).basket(&one).insert(tx)?;
            let other = Item::build().shelf(1).slot(2).basket(&two).insert(tx)?;
            // Shelf 1 has an item of basket 1, but not this one.
            assert!(!one.items().contains(tx, &other)?);
            assert!(two.items().contains(tx, &other)?);
            Ok(())
        })
    })
}

#[derive(Entity, Debug, Clone)]
#[colt(rename_all = "PascalCase")]
struct Pack {
    #[colt(primary_key)]
    depot: String,
    #[colt(primary_key)]
    number: i32,
    notes: Set<PackNote>,
}

/// A table another tool created: the reference's columns are named one by one.
#[derive(Entity, Debug, Clone)]
#[colt(rename_all = "PascalCase")]
struct PackNote {
    #[colt(primary_key)]
    id: i64,
    #[colt(columns("PackDepot", "PackNo"))]
    pack: Option<Ref<Pack>>,
    text: String,
}

#[test]
fn a_table_colt_did_not_create_names_each_column() -> colt::Result<()> {
    let cols: Vec<&str> = PackNote::meta().columns.iter().map(|c| c.name).collect();
    assert_eq!(cols, ["Id", "PackDepot", "PackNo", "Text"]);
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            tx.execute_sql(
                r#"CREATE TABLE "Pack" ("Depot" VARCHAR(20) NOT NULL, "Number" INTEGER NOT NULL, PRIMARY KEY ("Depot", "Number"))"#,
                &[],
            )?;
            tx.execute_sql(
                r#"CREATE TABLE "PackNote" ("Id" BIGINT PRIMARY KEY, "PackDepot" VARCHAR(20), "PackNo" INTEGER, "Text" TEXT NOT NULL, FOREIGN KEY ("PackDepot", "PackNo") REFERENCES "Pack" ("Depot", "Number"))"#,
                &[],
            )?;
            tx.execute_sql(
                r#"INSERT INTO "Pack" VALUES ('north', 1), ('north', 2), ('south', 1)"#,
                &[],
            )?;
            tx.execute_sql(
                r#"INSERT INTO "PackNote" VALUES (1, 'north', 2, 'fragile'), (2, 'south', 1, 'late'), (3, NULL, NULL, 'loose')"#,
                &[],
            )?;
            Ok(())
        })?;
        db.bind(schema![Pack, PackNote])?;
        db.check_tables()?;
        db.transaction(|tx| {
            let mut notes = select!((n.text, n.pack.number) for n in PackNote if n.pack.depot == "north" || n.pack.depot.is_none()).fetch(tx)?;
            notes.sort();
            assert_eq!(
                notes,
                [("fragile".to_string(), Some(2)), ("loose".to_string(), None)]
            );
            let north2 = tx
                .get::<Pack>(("north".to_string(), 2))?
                .ok_or(colt::Error::NotFound { entity: "Pack".into(), key: None })?;
            let texts: Vec<String> = north2.notes().fetch(tx)?.iter().map(|n| n.text()).collect();
            assert_eq!(texts, ["fragile"]);
            let loose = select!(n for n in PackNote if n.text == "loose").one(tx)?;
            north2.notes().add(tx, &loose)?;
            assert_eq!(north2.notes().count(tx)?, 2);
            Ok(())
        })
    })
}

#[derive(Entity, Debug, Clone)]
struct Crate {
    #[colt(primary_key)]
    id: i64,
    // `line: Ref<Line>` is the columns `line_order` and `line_no`: this field clashes.
    line: Ref<Line>,
    line_no: i32,
}

#[test]
fn a_field_on_a_reference_column_is_refused_at_bind() -> colt::Result<()> {
    let db = Database::open("sqlite::memory:")?;
    let err = db.bind(schema![Order, Line, Shipment, Refund, Crate]);
    assert!(
        matches!(&err, Err(colt::Error::SchemaMismatch(m)) if m.contains("`Crate.line` and `Crate.line_no` both map to the column `line_no`")),
        "{err:?}"
    );
    Ok(())
}

/// A key of two text columns, whose parts may hold any character.
#[derive(Entity, Debug, Clone)]
struct Label {
    #[colt(primary_key)]
    left: String,
    #[colt(primary_key)]
    right: String,
}

/// `count` of objects with a composite key counts distinct keys, never their parts joined
/// into one text: `("a\u{1f}", "b")` and `("a", "\u{1f}b")` were counted once.
#[test]
fn counting_composite_keys_never_merges_two_keys() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Label, Basket, Item])?;
        db.create_tables()?;
        db.transaction(|tx| {
            Label::build().left("a\u{1f}").right("b").insert(tx)?;
            Label::build().left("a").right("\u{1f}b").insert(tx)?;
            Label::build().left("a").right("").insert(tx)?;
            Label::build().left("a\u{1f}").right("").insert(tx)?;
            Basket::build().id(1).insert(tx)?;
            Basket::build().id(2).insert(tx)?;
            let n = select!(count(l) for l in Label for b in Basket).one(tx)?;
            assert_eq!(n, 4, "{}", backend.name);
            Ok(())
        })
    })
}

/// A reference to a composite key followed to its row gives one row per owner, as one to a
/// one-column key does: the query is not made DISTINCT, so `for_update()` locks its rows.
/// It was counted as a collection that may repeat rows (DISTINCT, and `for_update()` was
/// `InvalidQuery`). (Found by a review.)
#[test]
fn a_composite_reference_followed_does_not_make_a_query_distinct() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        fill(&db)?;
        db.transaction(|tx| {
            let q = select!((s for s in Shipment if s.line.qty > 1).order_by(|s| s.id));
            for d in [Dialect::Sqlite, Dialect::Postgres] {
                let sql = q.sql(d);
                assert!(!sql.contains("DISTINCT"), "{sql}");
            }
            let locked: Vec<String> = q
                .for_update()
                .fetch(tx)?
                .iter()
                .map(|s| s.carrier())
                .collect();
            assert_eq!(locked, ["post", "rail"], "{}", backend.name);
            // The collection side still repeats its owner's rows.
            let q = select!(l for l in Line for s in l.shipments if s.carrier != "x");
            assert!(q.sql(Dialect::Sqlite).contains("DISTINCT"));
            Ok(())
        })
    })
}

/// A delete followed through rows not loaded: the loaded objects referring to composite
/// rows that were not loaded were read again, whether those rows were gone or not, and took
/// without a check the reference another transaction had given their rows since (value and
/// snapshot), so a later write overwrote that change (PostgreSQL). Only the referrers of
/// rows that are gone are read again now, as for one-column keys.
#[test]
fn an_unrelated_delete_leaves_composite_references_as_read() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        fill(&db)?;
        db.transaction(|tx| {
            Order::build().id(3).customer("cy").insert(tx)?;
            Ok(())
        })?;
        let tx = db.begin()?;
        let post = select!(s for s in Shipment if s.carrier == "post").one(&tx)?;
        assert_eq!(post.line().key().1, 2);
        if backend.is_postgres() {
            db.transaction(|other| {
                other.execute_sql(
                    "UPDATE shipment SET line_order = 2, line_no = 1 WHERE carrier = 'post'",
                    &[],
                )?;
                Ok(())
            })?;
        }
        tx.get_or_err::<Order>(3)?.delete(&tx)?;
        tx.flush()?;
        assert_eq!(post.line().key().1, 2, "what the transaction read");
        post.set(|s| s.carrier = "air".into())?;
        let committed = tx.commit();
        if backend.is_postgres() {
            assert!(
                matches!(committed, Err(colt::Error::UnrepeatableRead { .. })),
                "{committed:?}"
            );
        } else {
            committed?;
        }
        Ok(())
    })
}
