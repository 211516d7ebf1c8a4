//! A review's probes of collection aggregates over groups (`plan/collection_groups.rs`),
//! parameters that hold one value (`plan/group_keys.rs`) and guarded conditions, each
//! query's answer computed in Rust over the same data. (The first five failed on the first
//! version of the grouping: an owner a reference reaches, or one beside another generator,
//! kept its per-owner value, a key that split the groups.)

#![allow(clippy::type_complexity)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use colt::prelude::*;
use colt::Error;
use common::all_backends;

#[derive(Entity, Debug, Clone)]
struct Team {
    #[colt(primary_key)]
    id: i64,
    name: String,
    members: Set<Buyer>,
}

#[derive(Entity, Debug, Clone)]
struct Buyer {
    #[colt(primary_key)]
    id: i64,
    country: String,
    #[colt(unique)]
    email: String,
    #[colt(unique)]
    nick: Option<String>,
    bonus: i64,
    team: Option<Ref<Team>>,
    orders: Set<Purchase>,
    labels: Set<Label>,
}

#[derive(Entity, Debug, Clone)]
struct Purchase {
    #[colt(primary_key)]
    id: i64,
    buyer: Ref<Buyer>,
    total: i64,
    weight: f64,
    note: Option<String>,
    product: Option<Ref<Good>>,
    lines: Set<Line>,
}

#[derive(Entity, Debug, Clone)]
struct Line {
    #[colt(primary_key)]
    id: i64,
    purchase: Ref<Purchase>,
    quantity: i64,
}

#[derive(Entity, Debug, Clone)]
struct Label {
    #[colt(primary_key)]
    name: String,
    buyers: Set<Buyer>,
}

#[derive(Entity, Debug, Clone)]
struct Good {
    #[colt(primary_key)]
    id: i64,
    name: String,
    purchases: Set<Purchase>,
}

// (id, country, email, nick, bonus, team)
const BUYERS: [(i64, &str, &str, Option<&str>, i64, Option<i64>); 6] = [
    (1, "USA", "a@x", Some("al"), 5, Some(1)),
    (2, "USA", "b@x", None, 5, Some(1)),
    (3, "USA", "c@x", None, 7, Some(2)),
    (4, "Chile", "d@x", Some("do"), 1, Some(2)),
    (5, "Peru", "e@x", None, 2, None),
    (6, "Chile", "f@x", Some("fi"), 1, None),
];
// (id, buyer, total, weight, note, product)
const PURCHASES: [(i64, i64, i64, f64, Option<&str>, Option<i64>); 7] = [
    (1, 1, 10, 1.5, Some("n1"), Some(1)),
    (2, 2, 20, 2.5, None, Some(1)),
    (3, 2, 5, 0.5, Some("n3"), Some(2)),
    (4, 4, 7, 1.0, None, None),
    (5, 4, 7, 3.0, Some("n5"), Some(2)),
    (6, 6, 3, 2.0, None, Some(1)),
    (7, 3, 11, 4.0, Some("n7"), None),
];
const LINES: [(i64, i64, i64); 5] = [(1, 1, 3), (2, 2, 1), (3, 2, 4), (4, 4, 2), (5, 7, 9)];
// (label, buyers)
const LABELS: [(&str, &[i64]); 3] = [("red", &[1, 2, 4]), ("blue", &[1]), ("green", &[6])];

fn open(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Team, Buyer, Purchase, Line, Label, Good])?;
    db.create_tables()?;
    db.transaction(|tx| {
        let t1 = Team::build().id(1).name("t1").insert(tx)?;
        let t2 = Team::build().id(2).name("t2").insert(tx)?;
        let g1 = Good::build().id(1).name("pen").insert(tx)?;
        let g2 = Good::build().id(2).name("ink").insert(tx)?;
        let mut buyers = BTreeMap::new();
        for (id, country, email, nick, bonus, team) in BUYERS {
            let team = match team {
                Some(1) => Some(Ref::from(&t1)),
                Some(_) => Some(Ref::from(&t2)),
                None => None,
            };
            let b = Buyer::build()
                .id(id)
                .country(country)
                .email(email)
                .nick(nick.map(str::to_string))
                .bonus(bonus)
                .team(team)
                .insert(tx)?;
            buyers.insert(id, b);
        }
        let mut purchases = BTreeMap::new();
        for (id, buyer, total, weight, note, product) in PURCHASES {
            let product = match product {
                Some(1) => Some(Ref::from(&g1)),
                Some(_) => Some(Ref::from(&g2)),
                None => None,
            };
            let p = Purchase::build()
                .id(id)
                .buyer(&buyers[&buyer])
                .total(total)
                .weight(weight)
                .note(note.map(str::to_string))
                .product(product)
                .insert(tx)?;
            purchases.insert(id, p);
        }
        for (id, purchase, quantity) in LINES {
            Line::build()
                .id(id)
                .purchase(&purchases[&purchase])
                .quantity(quantity)
                .insert(tx)?;
        }
        for (name, who) in LABELS {
            let l = Label::build().name(name).insert(tx)?;
            for b in who {
                buyers[b].labels().add(tx, &l)?;
            }
        }
        Ok(())
    })?;
    Ok(db)
}

fn buyers_of(country: &str) -> Vec<i64> {
    BUYERS
        .iter()
        .filter(|b| b.1 == country)
        .map(|b| b.0)
        .collect()
}
fn countries() -> BTreeSet<&'static str> {
    BUYERS.iter().map(|b| b.1).collect()
}
fn labels_of(buyer: i64) -> Vec<&'static str> {
    LABELS
        .iter()
        .filter(|l| l.1.contains(&buyer))
        .map(|l| l.0)
        .collect()
}
fn team_members(team: Option<i64>) -> Vec<i64> {
    match team {
        None => vec![],
        Some(t) => BUYERS
            .iter()
            .filter(|b| b.5 == Some(t))
            .map(|b| b.0)
            .collect(),
    }
}

/// Lifted count of objects of a collection through an optional reference (`c.team.members`)
/// beside another aggregate: distinct members of the group's teams.
#[test]
fn lift_through_option_owner() {
    all_backends(|backend| {
        let db = open(backend)?;
        db.transaction(|tx| {
            let b = backend.name;
            let got = common::sorted(
                select!((c.country, count(c), count(c.team.members)) for c in Buyer).fetch(tx)?,
            );
            let want: Vec<_> = countries()
                .into_iter()
                .map(|k| {
                    let bs = buyers_of(k);
                    let members: BTreeSet<i64> = bs
                        .iter()
                        .flat_map(|id| team_members(BUYERS.iter().find(|x| x.0 == *id).unwrap().5))
                        .collect();
                    (k.to_string(), bs.len() as i64, members.len() as i64)
                })
                .collect();
            assert_eq!(got, want, "{b}");
            Ok(())
        })
    })
}

/// Without another aggregate: the same aggregate through an optional owner.
#[test]
fn option_owner_alone() {
    all_backends(|backend| {
        let db = open(backend)?;
        db.transaction(|tx| {
            let b = backend.name;
            let got = select!((c.country, count(c.team.members)) for c in Buyer).fetch(tx);
            let want: Vec<_> = countries()
                .into_iter()
                .map(|k| {
                    let members: BTreeSet<i64> = buyers_of(k)
                        .iter()
                        .flat_map(|id| team_members(BUYERS.iter().find(|x| x.0 == *id).unwrap().5))
                        .collect();
                    (k.to_string(), members.len() as i64)
                })
                .collect();
            match got {
                Ok(rows) => assert_eq!(common::sorted(rows), want, "{b}"),
                Err(e) => panic!("{b}: {e}"),
            }
            Ok(())
        })
    })
}

/// `.count()`, `first()`, `limit` of a grouped collection aggregate.
#[test]
fn grouped_counts_first_limit() {
    all_backends(|backend| {
        let db = open(backend)?;
        db.transaction(|tx| {
            let b = backend.name;
            let n = select!((c.country, count(c.orders)) for c in Buyer).count(tx)?;
            assert_eq!(n, countries().len() as i64, "{b} count");
            let n = select!((c.country, count(c.labels)) for c in Buyer).count(tx)?;
            assert_eq!(n, countries().len() as i64, "{b} count lifted");
            let n = select!(count(c.orders) for c in Buyer).count(tx)?;
            assert_eq!(n, 1, "{b} count of one");
            let first = select!(((c.country, count(c.orders)) for c in Buyer).order_by(|c| desc(count(c.orders)))).first(tx)?;
            assert_eq!(first, Some(("USA".to_string(), 4)), "{b} first");
            let lim = select!(((c.country, count(c.labels)) for c in Buyer).order_by(|c| (desc(count(c.labels)), c.country))).limit(2).fetch(tx)?;
            // USA: red, blue = 2; Chile: red, green = 2; Peru 0
            assert_eq!(lim, [("Chile".to_string(), 2), ("USA".to_string(), 2)], "{b} limit");
            let exists = select!((c.country, count(c.orders)) for c in Buyer if c.id > 100).exists(tx)?;
            assert!(!exists, "{b}");
            Ok(())
        })
    })
}

/// Lift beside min/max/distinct aggregates of the owner itself.
#[test]
fn lift_beside_owner_aggregates() {
    all_backends(|backend| {
        let db = open(backend)?;
        db.transaction(|tx| {
            let b = backend.name;
            let got = common::sorted(
                select!((c.country, count(c.labels), max(c.bonus), min(c.bonus), count_distinct(c.bonus), sum_distinct(c.bonus)) for c in Buyer)
                    .fetch(tx)?,
            );
            let want: Vec<_> = countries()
                .into_iter()
                .map(|k| {
                    let bs: Vec<_> = BUYERS.iter().filter(|x| x.1 == k).collect();
                    let labels: BTreeSet<&str> = bs.iter().flat_map(|x| labels_of(x.0)).collect();
                    let bon: BTreeSet<i64> = bs.iter().map(|x| x.4).collect();
                    (
                        k.to_string(),
                        labels.len() as i64,
                        bs.iter().map(|x| x.4).max(),
                        bs.iter().map(|x| x.4).min(),
                        bon.len() as i64,
                        Some(bon.iter().sum::<i64>()),
                    )
                })
                .collect();
            assert_eq!(got, want, "{b}");
            // HAVING count(c) beside a lift.
            let having = common::sorted(
                select!((c.country, count(c.labels)) for c in Buyer if count(c) > 1).fetch(tx)?,
            );
            assert_eq!(having, [("Chile".to_string(), 2), ("USA".to_string(), 2)], "{b} having");
            Ok(())
        })
    })
}

/// A lifted count through a reference (`c.orders.product`) and a lift whose owner is
/// reached through a reference (`p.buyer.labels`).
#[test]
fn lift_paths_through_references() {
    all_backends(|backend| {
        let db = open(backend)?;
        db.transaction(|tx| {
            let b = backend.name;
            let got = common::sorted(
                select!((c.country, count(c), count(c.orders.product)) for c in Buyer).fetch(tx)?,
            );
            let want: Vec<_> = countries()
                .into_iter()
                .map(|k| {
                    let bs = buyers_of(k);
                    let goods: BTreeSet<i64> = PURCHASES
                        .iter()
                        .filter(|p| bs.contains(&p.1))
                        .filter_map(|p| p.5)
                        .collect();
                    (k.to_string(), bs.len() as i64, goods.len() as i64)
                })
                .collect();
            assert_eq!(got, want, "{b} products");
            let got = common::sorted(
                select!((p.total, count(p), count(p.buyer.labels)) for p in Purchase).fetch(tx)?,
            );
            let mut want = BTreeMap::new();
            for p in PURCHASES {
                let e = want.entry(p.2).or_insert((0i64, BTreeSet::new()));
                e.0 += 1;
                e.1.extend(labels_of(p.1));
            }
            let want: Vec<_> = want
                .into_iter()
                .map(|(t, (n, l))| (t, n, l.len() as i64))
                .collect();
            assert_eq!(got, want, "{b} owner through a reference");
            Ok(())
        })
    })
}

/// Entity projection + lift (two generators, aggregated).
#[test]
fn entity_projection_and_lift() {
    all_backends(|backend| {
        let db = open(backend)?;
        db.transaction(|tx| {
            let b = backend.name;
            let rows = select!((t, count(c), count(c.labels)) for t in Team for c in t.members)
                .fetch(tx)?;
            let got: Vec<_> =
                common::sorted(rows.into_iter().map(|(t, n, l)| (t.id(), n, l)).collect());
            let want: Vec<_> = [1i64, 2]
                .iter()
                .map(|&t| {
                    let ms = team_members(Some(t));
                    let ls: BTreeSet<&str> = ms.iter().flat_map(|m| labels_of(*m)).collect();
                    (t, ms.len() as i64, ls.len() as i64)
                })
                .collect();
            assert_eq!(got, want, "{b}");
            Ok(())
        })
    })
}

/// Two lifted collections (cross product) beside max of a member attribute.
#[test]
fn two_lifts_and_max() {
    all_backends(|backend| {
        let db = open(backend)?;
        db.transaction(|tx| {
            let b = backend.name;
            let got = common::sorted(
                select!((c.country, count(c.labels), count(c.orders.product), max(c.orders.total), count_distinct(c.orders.total)) for c in Buyer).fetch(tx)?,
            );
            let want: Vec<_> = countries()
                .into_iter()
                .map(|k| {
                    let bs = buyers_of(k);
                    let ls: BTreeSet<&str> = bs.iter().flat_map(|m| labels_of(*m)).collect();
                    let ps: Vec<_> = PURCHASES.iter().filter(|p| bs.contains(&p.1)).collect();
                    let goods: BTreeSet<i64> = ps.iter().filter_map(|p| p.5).collect();
                    let totals: BTreeSet<i64> = ps.iter().map(|p| p.2).collect();
                    (
                        k.to_string(),
                        ls.len() as i64,
                        goods.len() as i64,
                        ps.iter().map(|p| p.2).max(),
                        totals.len() as i64,
                    )
                })
                .collect();
            assert_eq!(got, want, "{b}");
            Ok(())
        })
    })
}

/// Counts of values, averages of floats, through a reference-followed group key.
#[test]
fn sums_of_counts_values_and_averages() {
    all_backends(|backend| {
        let db = open(backend)?;
        db.transaction(|tx| {
            let b = backend.name;
            let got = select!((c.country, count(c.orders.note), avg(c.orders.weight), sum(c.orders.lines.quantity)) for c in Buyer).fetch(tx)?;
            let mut got = got;
            got.sort_by(|a, b| a.0.cmp(&b.0));
            let want: Vec<_> = countries()
                .into_iter()
                .map(|k| {
                    let bs = buyers_of(k);
                    let ps: Vec<_> = PURCHASES.iter().filter(|p| bs.contains(&p.1)).collect();
                    let notes = ps.iter().filter(|p| p.4.is_some()).count() as i64;
                    let avg = if ps.is_empty() {
                        None
                    } else {
                        Some(ps.iter().map(|p| p.3).sum::<f64>() / ps.len() as f64)
                    };
                    let q: Vec<i64> = LINES
                        .iter()
                        .filter(|l| ps.iter().any(|p| p.0 == l.1))
                        .map(|l| l.2)
                        .collect();
                    (k.to_string(), notes, avg, if q.is_empty() { None } else { Some(q.iter().sum::<i64>()) })
                })
                .collect();
            assert_eq!(got, want, "{b}");
            // Grouped by a reference-followed value (NULL team a group).
            let mut got = select!((c.team.name, count(c.orders), sum(c.orders.total)) for c in Buyer).fetch(tx)?;
            got.sort();
            let mut want = BTreeMap::new();
            for bu in BUYERS {
                let name = bu.5.map(|t| format!("t{t}"));
                let e = want.entry(name).or_insert((0i64, None::<i64>));
                for p in PURCHASES.iter().filter(|p| p.1 == bu.0) {
                    e.0 += 1;
                    e.1 = Some(e.1.unwrap_or(0) + p.2);
                }
            }
            let want: Vec<_> = want.into_iter().map(|(k, (n, s))| (k, n, s)).collect();
            assert_eq!(got, want, "{b} team");
            Ok(())
        })
    })
}

/// A sub-comprehension's aggregate (each owner's value) in a query that aggregates, without
/// the owner's key, would be a group key splitting the groups: refused.
#[test]
fn sub_comprehension_beside_grouped_aggregate() {
    all_backends(|backend| {
        let db = open(backend)?;
        db.transaction(|tx| {
            let b = backend.name;
            let beside = select!((c.country, count(c.orders), count(o for o in c.orders if o.total > 6)) for c in Buyer).fetch(tx);
            assert!(matches!(&beside, Err(Error::InvalidQuery(m)) if m.contains("sub-comprehension")), "{b}: {beside:?}");
            let lifted = select!((c.country, count(c.labels), count(o for o in c.orders if o.total > 6)) for c in Buyer).fetch(tx);
            assert!(matches!(&lifted, Err(Error::InvalidQuery(m)) if m.contains("sub-comprehension")), "{b}: {lifted:?}");
            let grouped = select!((c.country, count(c), count(o for o in c.orders if o.total > 6)) for c in Buyer).fetch(tx);
            assert!(matches!(&grouped, Err(Error::InvalidQuery(m)) if m.contains("sub-comprehension")), "{b}: {grouped:?}");
            Ok(())
        })
    })
}

/// Shapes a grouped query refuses: a value beside the aggregate that is not grouped, an
/// ordering by one; and one it answers: a test of the group's count.
#[test]
fn shapes_a_grouped_query_refuses() {
    all_backends(|backend| {
        let db = open(backend)?;
        db.transaction(|tx| {
            let b = backend.name;
            let mixed = select!((c.country, count(c.orders) + c.bonus) for c in Buyer).fetch(tx);
            assert!(
                matches!(&mixed, Err(Error::InvalidQuery(_))),
                "{b}: {mixed:?}"
            );
            let by_id =
                select!(((c.country, count(c.orders)) for c in Buyer).order_by(|c| c.id)).fetch(tx);
            assert!(
                matches!(&by_id, Err(Error::InvalidQuery(_))),
                "{b}: {by_id:?}"
            );
            let own =
                select!((c.email, c.bonus, count(c)) for c in Buyer if count(c) > 0).fetch(tx);
            assert!(
                matches!(&own, Err(Error::InvalidQuery(m)) if m.contains("own rows")),
                "{b}: {own:?}"
            );
            let test =
                common::sorted(select!((c.country, count(c.orders) > 1) for c in Buyer).fetch(tx)?);
            let want: Vec<_> = countries()
                .into_iter()
                .map(|k| {
                    let bs = buyers_of(k);
                    let n = PURCHASES.iter().filter(|p| bs.contains(&p.1)).count();
                    (k.to_string(), n > 1)
                })
                .collect();
            assert_eq!(test, want, "{b}");
            Ok(())
        })
    })
}

/// Unique nullable column does not name a row: DISTINCT stays.
#[test]
fn unique_columns_and_distinct() {
    all_backends(|backend| {
        let db = open(backend)?;
        db.transaction(|tx| {
            let b = backend.name;
            let nicks = select!(c.nick for c in Buyer).fetch(tx)?;
            let want: BTreeSet<Option<String>> =
                BUYERS.iter().map(|x| x.3.map(str::to_string)).collect();
            assert_eq!(
                common::sorted(nicks),
                want.into_iter().collect::<Vec<_>>(),
                "{b}"
            );
            let emails = select!(c.email for c in Buyer for o in c.orders).fetch(tx)?;
            let want: BTreeSet<String> = PURCHASES
                .iter()
                .map(|p| BUYERS.iter().find(|x| x.0 == p.1).unwrap().2.to_string())
                .collect();
            assert_eq!(
                common::sorted(emails),
                want.into_iter().collect::<Vec<_>>(),
                "{b}"
            );
            // Left join: a buyer without orders, email selected with the order's id.
            let rows = select!(left_join((c.email, o.total) for c in Buyer for o in c.orders))
                .fetch(tx)?;
            let mut want = BTreeSet::new();
            for bu in BUYERS {
                let ps: Vec<_> = PURCHASES.iter().filter(|p| p.1 == bu.0).collect();
                if ps.is_empty() {
                    want.insert((bu.2.to_string(), None));
                }
                for p in ps {
                    want.insert((bu.2.to_string(), Some(p.2)));
                }
            }
            assert_eq!(
                common::sorted(rows),
                want.into_iter().collect::<Vec<_>>(),
                "{b} left"
            );
            // Grouping by a unique column: one group per buyer.
            let rows =
                select!((c.email, sum(o.total)) for c in Buyer for o in c.orders).fetch(tx)?;
            let mut want = BTreeMap::new();
            for p in PURCHASES {
                *want
                    .entry(BUYERS.iter().find(|x| x.0 == p.1).unwrap().2.to_string())
                    .or_insert(0) += p.2;
            }
            let want: Vec<_> = want.into_iter().map(|(k, v)| (k, Some(v))).collect();
            assert_eq!(common::sorted(rows), want, "{b} grouped by email");
            // The unique column of the left-joined side.
            let rows =
                select!(left_join((o.id, count(c)) for c in Buyer for o in c.orders)).fetch(tx)?;
            let mut want = BTreeMap::new();
            for bu in BUYERS {
                let ps: Vec<_> = PURCHASES.iter().filter(|p| p.1 == bu.0).collect();
                if ps.is_empty() {
                    *want.entry(None).or_insert(0) += 1;
                }
                for p in ps {
                    *want.entry(Some(p.0)).or_insert(0) += 1;
                }
            }
            let want: Vec<_> = want.into_iter().collect();
            assert_eq!(common::sorted(rows), want, "{b} left grouped");
            Ok(())
        })
    })
}

/// Two generators, aggregated: max of the owner's collection beside count(p); and a lifted
/// count beside count(p) with owners of different label counts in one group.
#[test]
fn two_generators_max_and_lift() {
    all_backends(|backend| {
        let db = open(backend)?;
        db.transaction(|tx| {
            let b = backend.name;
            let got = common::sorted(
                select!((c.country, count(p), max(c.orders.total)) for c in Buyer for p in c.orders).fetch(tx)?,
            );
            let mut want = BTreeMap::new();
            for p in PURCHASES {
                let k = BUYERS.iter().find(|x| x.0 == p.1).unwrap().1;
                let e = want.entry(k.to_string()).or_insert((0i64, None::<i64>));
                e.0 += 1;
                e.1 = Some(e.1.map_or(p.2, |m: i64| m.max(p.2)));
            }
            let want: Vec<_> = want.into_iter().map(|(k, (n, m))| (k, n, m)).collect();
            assert_eq!(got, want, "{b} max");
            let got = common::sorted(
                select!((c.country, count(p), count(c.labels)) for c in Buyer for p in c.orders).fetch(tx)?,
            );
            let mut want = BTreeMap::new();
            for p in PURCHASES {
                let k = BUYERS.iter().find(|x| x.0 == p.1).unwrap().1;
                let e = want.entry(k.to_string()).or_insert((0i64, BTreeSet::new()));
                e.0 += 1;
                e.1.extend(labels_of(p.1));
            }
            let want: Vec<_> = want.into_iter().map(|(k, (n, l))| (k, n, l.len() as i64)).collect();
            assert_eq!(got, want, "{b} lift");
            Ok(())
        })
    })
}

#[derive(Entity, Debug, Clone)]
struct Sale {
    #[colt(primary_key)]
    id: i64,
    qty: i64,
    price: i64,
    name: String,
    w: f32,
}

fn sales(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Sale])?;
    db.create_tables()?;
    db.transaction(|tx| {
        for (id, qty, price, name, w) in SALES {
            Sale::build()
                .id(id)
                .qty(qty)
                .price(price)
                .name(name)
                .w(w)
                .insert(tx)?;
        }
        Ok(())
    })?;
    Ok(db)
}
const SALES: [(i64, i64, i64, &str, f32); 7] = [
    (1, 1, 10, "ab", 0.1),
    (2, 2, 20, "ac", 0.2),
    (3, 3, 30, "b%", 0.3),
    (4, 4, 40, "ab", 1.1),
    (5, 5, 50, "x_", 0.1),
    (6, 7, 5, "ab", 0.7),
    (7, 9, 1, "zz", 2.2),
];

/// Parameters dropped after a key reading: later parameters, HAVING, f32, like, lists and
/// query values keep their values.
#[test]
fn same_params_numbering() {
    all_backends(|backend| {
        let db = sales(backend)?;
        db.transaction(|tx| {
            let b = backend.name;
            let k = 3;
            let lo = 2;
            // (Literals: an outer variable written twice is two values, and its grouped
            // ordering refused.)
            let got = select!(((s.qty % 3, count(s), sum(s.price * 2)) for s in Sale if s.qty >= lo && (s.qty % 3 == 1 || count(s) > 1) && sum(s.price) > 5)
                .order_by(|s| (s.qty % 3, desc(sum(s.price * 3)))))
            .fetch(tx)?;
            let mut want = BTreeMap::new();
            for s in SALES.iter().filter(|s| s.1 >= lo) {
                let e = want.entry(s.1 % k).or_insert((0i64, 0i64));
                e.0 += 1;
                e.1 += s.2;
            }
            let want: Vec<_> = want
                .into_iter()
                .filter(|(key, (n, sum))| (*key == 1 || *n > 1) && *sum > 5)
                .map(|(key, (n, sum))| (key, n, Some(sum * 2)))
                .collect();
            assert_eq!(got, want, "{b} having/order");
            // Literal keys with strings / like patterns, f32, list.
            let ids = [1i64, 2, 3, 4, 6, 7];
            let got = select!(((s.name.starts_with("a"), s.w > 0.15, count(s)) for s in Sale if ids.contains(&s.id) && s.w < 2.0 && s.name != "a")
                .order_by(|s| (s.name.starts_with("a"), desc(s.w > 0.15))))
            .fetch(tx)?;
            let mut want = BTreeMap::new();
            for s in SALES.iter().filter(|s| ids.contains(&s.0) && s.4 < 2.0 && s.3 != "a") {
                *want.entry((s.3.starts_with('a'), std::cmp::Reverse(s.4 > 0.15))).or_insert(0i64) += 1;
            }
            let want: Vec<_> = want.into_iter().map(|((a, std::cmp::Reverse(w)), n)| (a, w, n)).collect();
            assert_eq!(got, want, "{b} text/f32/list");
            // A query value inside, before and after the dropped parameter.
            let big = select!(t.id for t in Sale if t.price > 4);
            let small = select!(t.id for t in Sale if t.qty < 8);
            let got = select!(((s.qty % 2, count(s)) for s in Sale if big.contains(&s.id) && small.contains(&s.id) && s.qty != 100)
                .order_by(|s| desc(s.qty % 2)))
            .fetch(tx)?;
            let mut want = BTreeMap::new();
            for s in SALES.iter().filter(|s| s.2 > 4 && s.1 < 8) {
                *want.entry(std::cmp::Reverse(s.1 % 2)).or_insert(0i64) += 1;
            }
            let want: Vec<_> = want.into_iter().map(|(std::cmp::Reverse(k), n)| (k, n)).collect();
            assert_eq!(got, want, "{b} query values");
            // Refinement of a query value, then a grouped use.
            let base = select!(Sale.filter(|s| s.qty > 1));
            let refined = select!(base.filter(|s| s.qty % 2 == 1 && s.price > 2));
            let got = common::sorted(refined.fetch(tx)?.iter().map(|s| s.id()).collect());
            let want: Vec<i64> = SALES.iter().filter(|s| s.1 > 1 && s.1 % 2 == 1 && s.2 > 2).map(|s| s.0).collect();
            assert_eq!(got, want, "{b} refined");
            Ok(())
        })
    })
}

#[derive(Entity, Debug, Clone)]
struct Ratio {
    #[colt(primary_key)]
    id: i64,
    x: i64,
    d: i64,
    od: Option<i64>,
    flag: Option<bool>,
}

const RATIOS: [(i64, i64, i64, Option<i64>, Option<bool>); 8] = [
    (1, 10, 0, None, None),
    (2, 10, 2, Some(2), Some(true)),
    (3, 10, 20, Some(0), Some(false)),
    (4, -4, 0, Some(5), None),
    (5, 9, 3, None, Some(true)),
    (6, 0, 1, Some(1), Some(false)),
    (7, 6, -2, Some(-3), None),
    (8, 100, 7, Some(0), Some(true)),
];

fn ratios(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Ratio])?;
    db.create_tables()?;
    db.transaction(|tx| {
        for (id, x, d, od, flag) in RATIOS {
            Ratio::build()
                .id(id)
                .x(x)
                .d(d)
                .od(od)
                .flag(flag)
                .insert(tx)?;
        }
        Ok(())
    })?;
    Ok(db)
}

/// Guarded conditions with NULLs, OR, NOT, lists.
#[test]
fn guarded_conditions() {
    all_backends(|backend| {
        let db = ratios(backend)?;
        db.transaction(|tx| {
            let b = backend.name;
            let ids = |f: &dyn Fn(&(i64, i64, i64, Option<i64>, Option<bool>)) -> bool| -> Vec<i64> {
                RATIOS.iter().filter(|r| f(r)).map(|r| r.0).collect()
            };
            let got = common::sorted(select!(r.id for r in Ratio if r.d != 0 && !(r.x / r.d > 1)).fetch(tx)?);
            assert_eq!(got, ids(&|r| r.2 != 0 && r.1 / r.2 <= 1), "{b} not");
            let got = common::sorted(select!(r.id for r in Ratio if r.d != 0 && (r.x / r.d > 1 || r.x == 0) && r.id > 1).fetch(tx)?);
            assert_eq!(got, ids(&|r| r.2 != 0 && (r.1 / r.2 > 1 || r.1 == 0) && r.0 > 1), "{b} or");
            let got = common::sorted(select!(r.id for r in Ratio if r.d != 0 && r.x % r.d == 0 || r.id == 1).fetch(tx)?);
            assert_eq!(got, ids(&|r| r.2 != 0 && r.1 % r.2 == 0 || r.0 == 1), "{b} single or");
            let got = common::sorted(select!(r.id for r in Ratio if r.flag == Some(true) && r.d != 0 && r.x / r.d >= 3).fetch(tx)?);
            assert_eq!(got, ids(&|r| r.4 == Some(true) && r.2 != 0 && r.1 / r.2 >= 3), "{b} nullable guard");
            let none: Vec<i64> = vec![];
            let got = common::sorted(select!(r.id for r in Ratio if !none.contains(&r.id) && r.d != 0 && r.x % r.d == 0).fetch(tx)?);
            assert_eq!(got, ids(&|r| r.2 != 0 && r.1 % r.2 == 0), "{b} empty list");
            let got = common::sorted(select!(r.id for r in Ratio if r.d != 0 && r.x / r.d > 0 && r.x % r.d == 0 && r.id < 8).fetch(tx)?);
            assert_eq!(got, ids(&|r| r.2 != 0 && r.1 / r.2 > 0 && r.1 % r.2 == 0 && r.0 < 8), "{b} chain");
            // In a sub-query, and in a count of a sub-comprehension.
            let got = select!(count(s for s in Ratio if s.d != 0 && s.x / s.d > 1) for r in Ratio if r.id == 1).one(tx)?;
            assert_eq!(got, ids(&|r| r.2 != 0 && r.1 / r.2 > 1).len() as i64, "{b} sub");
            Ok(())
        })
    })
}

#[derive(Entity, Debug, Clone)]
struct Store {
    #[colt(primary_key)]
    region: String,
    #[colt(primary_key)]
    num: i64,
    city: String,
    items: Set<Item>,
}

#[derive(Entity, Debug, Clone)]
struct Item {
    #[colt(primary_key)]
    id: i64,
    store: Ref<Store>,
    small: i16,
    mid: i32,
    f: f32,
    o: Option<i32>,
}

const STORES: [(&str, i64, &str); 4] = [("n", 1, "A"), ("n", 2, "B"), ("s", 1, "A"), ("s", 2, "C")];
// (id, region, num, small, mid, f, o)
const ITEMS: [(i64, &str, i64, i16, i32, f32, Option<i32>); 6] = [
    (1, "n", 1, 1, 100, 0.5, Some(1)),
    (2, "n", 1, 2, 200, 1.5, None),
    (3, "n", 2, 3, 300, 2.5, Some(3)),
    (4, "s", 1, 4, 400, 0.25, Some(4)),
    (5, "s", 1, 5, 500, 0.75, None),
    (6, "s", 1, 6, 600, 1.0, Some(6)),
];

#[test]
fn composite_owner_and_numeric_types() {
    all_backends(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Store, Item])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let mut stores = BTreeMap::new();
            for (r, n, c) in STORES {
                stores.insert((r, n), Store::build().region(r).num(n).city(c).insert(tx)?);
            }
            for (id, r, n, small, mid, f, o) in ITEMS {
                Item::build()
                    .id(id)
                    .store(&stores[&(r, n)])
                    .small(small)
                    .mid(mid)
                    .f(f)
                    .o(o)
                    .insert(tx)?;
            }
            Ok(())
        })?;
        db.transaction(|tx| {
            let b = backend.name;
            let got = common::sorted(
                select!((s.city, count(s.items), sum(s.items.small), sum(s.items.mid), count(s.items.o), max(s.items.o)) for s in Store).fetch(tx)?,
            );
            let mut want = BTreeMap::new();
            for (r, n, c) in STORES {
                let e = want.entry(c.to_string()).or_insert((0i64, None::<i64>, None::<i64>, 0i64, None::<i32>));
                for it in ITEMS.iter().filter(|i| i.1 == r && i.2 == n) {
                    e.0 += 1;
                    e.1 = Some(e.1.unwrap_or(0) + it.3 as i64);
                    e.2 = Some(e.2.unwrap_or(0) + it.4 as i64);
                    e.3 += it.6.is_some() as i64;
                    if let Some(o) = it.6 {
                        e.4 = Some(e.4.map_or(o, |m| m.max(o)));
                    }
                }
            }
            let want: Vec<_> = want.into_iter().map(|(k, v)| (k, v.0, v.1, v.2, v.3, v.4)).collect();
            assert_eq!(format!("{got:?}"), format!("{want:?}"), "{b}");
            let got = common::sorted(select!((s.city, count(s), count(s.items)) for s in Store).fetch(tx)?);
            let mut want = BTreeMap::new();
            for (r, n, c) in STORES {
                let e = want.entry(c.to_string()).or_insert((0i64, 0i64));
                e.0 += 1;
                e.1 += ITEMS.iter().filter(|i| i.1 == r && i.2 == n).count() as i64;
            }
            let want: Vec<_> = want.into_iter().map(|(k, (s, i))| (k, s, i)).collect();
            assert_eq!(got, want, "{b}");
            Ok(())
        })
    })
}

#[test]
fn lift_ordered_by_itself() {
    all_backends(|backend| {
        let db = open(backend)?;
        db.transaction(|tx| {
            let b = backend.name;
            let got = select!(((c.country, count(c.labels)) for c in Buyer).order_by(|c| (desc(count(c.labels)), c.country))).fetch(tx)?;
            assert_eq!(got, [("Chile".to_string(), 2), ("USA".to_string(), 2), ("Peru".to_string(), 0)], "{b}");
            let got = select!(((c.country, max(c.orders.total)) for c in Buyer).order_by(|c| desc(min(c.orders.total)))).fetch(tx)?;
            // min per country: USA 5, Chile 3, Peru None (last when descending)
            assert_eq!(got, [("USA".to_string(), Some(20)), ("Chile".to_string(), Some(7)), ("Peru".to_string(), None)], "{b} min order");
            let all = select!(count(c.labels) for c in Buyer).one(tx)?;
            assert_eq!(all, 3, "{b} all");
            let got = select!((c.country, count(c.labels)) for c in Buyer).first(tx)?;
            assert_eq!(got, Some(("Chile".to_string(), 2)), "{b} first");
            Ok(())
        })
    })
}

#[test]
fn left_join_owner_lift() {
    all_backends(|backend| {
        let db = open(backend)?;
        db.transaction(|tx| {
            let b = backend.name;
            let got = common::sorted(select!(left_join((c.country, count(o), max(o.lines.quantity)) for c in Buyer for o in c.orders)).fetch(tx)?);
            let want: Vec<_> = countries()
                .into_iter()
                .map(|k| {
                    let bs = buyers_of(k);
                    let ps: Vec<i64> = PURCHASES.iter().filter(|p| bs.contains(&p.1)).map(|p| p.0).collect();
                    let q = LINES.iter().filter(|l| ps.contains(&l.1)).map(|l| l.2).max();
                    (k.to_string(), ps.len() as i64, q)
                })
                .collect();
            assert_eq!(got, want, "{b}");
            Ok(())
        })
    })
}
