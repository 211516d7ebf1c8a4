//! A collection's aggregate selected beside values several owners share
//! (`(c.country, count(c.orders))`) aggregates the members of the group's owners, as
//! PonyORM's does. Colt gave a row per owner, then `DISTINCT` (equal counts of one country
//! merged), and beside another aggregate split the groups by the per-owner value. (Found by
//! a review porting PonyORM's queries; each case is checked against the same answer worked
//! out in Rust.)

mod common;

use std::collections::BTreeMap;

use colt::prelude::*;
use colt::Error;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
struct Buyer {
    #[colt(primary_key)]
    id: i64,
    country: String,
    orders: Set<Purchase>,
    labels: Set<Label>,
}

#[derive(Entity, Debug, Clone)]
struct Purchase {
    #[colt(primary_key)]
    id: i64,
    buyer: Ref<Buyer>,
    total: i64,
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

/// Buyers (id, country), purchases (id, buyer, total), lines (id, purchase, quantity).
const BUYERS: [(i64, &str); 5] = [
    (1, "USA"),
    (2, "USA"),
    (3, "USA"),
    (4, "Chile"),
    (5, "Peru"),
];
const PURCHASES: [(i64, i64, i64); 5] = [(1, 1, 10), (2, 2, 20), (3, 2, 5), (4, 4, 7), (5, 4, 7)];
const LINES: [(i64, i64, i64); 4] = [(1, 1, 3), (2, 2, 1), (3, 2, 4), (4, 4, 2)];

fn open(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Buyer, Purchase, Line, Label])?;
    db.create_tables()?;
    db.transaction(|tx| {
        let mut buyers = BTreeMap::new();
        for (id, country) in BUYERS {
            buyers.insert(id, Buyer::build().id(id).country(country).insert(tx)?);
        }
        let mut purchases = BTreeMap::new();
        for (id, buyer, total) in PURCHASES {
            let p = Purchase::build()
                .id(id)
                .buyer(&buyers[&buyer])
                .total(total)
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
        let red = Label::build().name("red").insert(tx)?;
        buyers[&1].labels().add(tx, &red)?;
        buyers[&2].labels().add(tx, &red)?;
        Ok(())
    })?;
    Ok(db)
}

/// Per country: (buyers, purchases, sum of totals, min total, max total, lines).
type Country = (i64, i64, Option<i64>, Option<i64>, Option<i64>, i64);

fn by_country() -> BTreeMap<&'static str, Country> {
    let mut out = BTreeMap::new();
    for (buyer, country) in BUYERS {
        let e = out.entry(country).or_insert((0, 0, None, None, None, 0));
        e.0 += 1;
        for (purchase, _, total) in PURCHASES.iter().filter(|p| p.1 == buyer) {
            e.1 += 1;
            e.2 = Some(e.2.unwrap_or(0) + total);
            e.3 = Some(e.3.map_or(*total, |m: i64| m.min(*total)));
            e.4 = Some(e.4.map_or(*total, |m: i64| m.max(*total)));
            e.5 += LINES.iter().filter(|l| l.1 == *purchase).count() as i64;
        }
    }
    out
}

#[test]
fn a_collection_aggregate_beside_shared_values_aggregates_the_group() -> colt::Result<()> {
    each_backend(|backend| {
        let db = open(backend)?;
        let want = by_country();
        db.transaction(|tx| {
            let b = backend.name;
            let mut counts = select!((c.country, count(c.orders)) for c in Buyer).fetch(tx)?;
            counts.sort();
            let expected: Vec<_> = want.iter().map(|(k, v)| (k.to_string(), v.1)).collect();
            assert_eq!(counts, expected, "{b}");

            let mut sums = select!((c.country, sum(c.orders.total), min(c.orders.total), max(c.orders.total)) for c in Buyer)
                .fetch(tx)?;
            sums.sort();
            let expected: Vec<_> = want.iter().map(|(k, v)| (k.to_string(), v.2, v.3, v.4)).collect();
            assert_eq!(sums, expected, "{b}");

            // An average: of every member of the group's owners (none: `None`).
            let mut averages = select!((c.country, avg(c.orders.total)) for c in Buyer).fetch(tx)?;
            averages.sort_by(|a, b| a.0.cmp(&b.0));
            let expected: Vec<_> = want
                .iter()
                .map(|(k, v)| (k.to_string(), v.2.map(|s| s as f64 / v.1 as f64)))
                .collect();
            assert_eq!(averages, expected, "{b}");

            // Beside another aggregate: the groups stay whole.
            let mut both = select!((c.country, count(c), count(c.orders)) for c in Buyer).fetch(tx)?;
            both.sort();
            let expected: Vec<_> = want.iter().map(|(k, v)| (k.to_string(), v.0, v.1)).collect();
            assert_eq!(both, expected, "{b}");

            // Through two collections, and in a value.
            let mut lines = select!((c.country, count(c.orders.lines), count(c.orders) * 10) for c in Buyer)
                .fetch(tx)?;
            lines.sort();
            let expected: Vec<_> = want.iter().map(|(k, v)| (k.to_string(), v.5, v.1 * 10)).collect();
            assert_eq!(lines, expected, "{b}");

            // Ordered by it: the groups' counts.
            let ordered = select!(((c.country, count(c.orders)) for c in Buyer)
                .order_by(|c| (desc(count(c.orders)), c.country)))
            .fetch(tx)?;
            let mut expected: Vec<_> = want.iter().map(|(k, v)| (k.to_string(), v.1)).collect();
            expected.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            assert_eq!(ordered, expected, "{b}");

            // Without other values: of every owner the query keeps, one row (as PonyORM's),
            // also of none.
            let all = select!(count(c.orders) for c in Buyer).one(tx)?;
            assert_eq!(all, PURCHASES.len() as i64, "{b}");
            let none = select!((count(c.orders), sum(c.orders.total), avg(c.orders.total)) for c in Buyer if c.id > 99)
                .one(tx)?;
            assert_eq!(none, (0, None, None), "{b}");
            let usa = select!(sum(c.orders.total) for c in Buyer if c.country == "USA").one(tx)?;
            assert_eq!(usa, Some(35), "{b}");

            // Members two owners share (a many-to-many collection), and distinct values:
            // counted once a group; an average of distinct values.
            let mut labels = select!((c.country, count(c.labels), count(c), count_distinct(c.orders.total)) for c in Buyer)
                .fetch(tx)?;
            labels.sort();
            assert_eq!(
                labels,
                [
                    ("Chile".to_string(), 0, 1, 1),
                    ("Peru".to_string(), 0, 1, 0),
                    ("USA".to_string(), 1, 3, 3)
                ],
                "{b}"
            );
            let mut distinct = select!((c.country, avg_distinct(c.orders.total)) for c in Buyer).fetch(tx)?;
            distinct.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(
                distinct,
                [
                    ("Chile".to_string(), Some(7.0)),
                    ("Peru".to_string(), None),
                    ("USA".to_string(), Some(35.0 / 3.0))
                ],
                "{b}"
            );
            // A count of members beside another joined collection is joined too (the owners'
            // counts would add up the repeated rows).
            let beside = common::sorted(
                select!((c.country, count(c.orders.lines), count(c.labels)) for c in Buyer).fetch(tx)?,
            );
            let expected: Vec<_> = want
                .iter()
                .map(|(k, v)| (k.to_string(), v.5, i64::from(*k == "USA")))
                .collect();
            assert_eq!(beside, expected, "{b}");
            let repeated = select!((c.country, count(p), count(c.labels)) for c in Buyer for p in c.orders)
                .fetch(tx)?;
            assert_eq!(
                common::sorted(repeated),
                [("Chile".to_string(), 2, 0), ("USA".to_string(), 3, 1)],
                "{b}"
            );

            // A condition tests each owner, before grouping.
            let mut kept = select!((c.country, count(c.orders)) for c in Buyer if count(c.orders) > 1)
                .fetch(tx)?;
            kept.sort();
            assert_eq!(kept, [("Chile".to_string(), 2), ("USA".to_string(), 2)], "{b}");
            Ok(())
        })
    })
}

#[test]
fn a_row_per_owner_and_sub_comprehensions_stay_per_row() -> colt::Result<()> {
    each_backend(|backend| {
        let db = open(backend)?;
        db.transaction(|tx| {
            let b = backend.name;
            // The owner's key selected: one row per owner.
            let mut per_buyer =
                select!((c.id, c.country, count(c.orders)) for c in Buyer).fetch(tx)?;
            per_buyer.sort();
            let expected: Vec<_> = BUYERS
                .iter()
                .map(|(id, country)| {
                    let n = PURCHASES.iter().filter(|p| p.1 == *id).count() as i64;
                    (*id, country.to_string(), n)
                })
                .collect();
            assert_eq!(per_buyer, expected, "{b}");
            // A sub-comprehension: each row's value, distinct (as PonyORM gives it).
            let mut sub =
                select!((c.country, count(o for o in c.orders if o.total > 6)) for c in Buyer)
                    .fetch(tx)?;
            sub.sort();
            assert_eq!(
                sub,
                [
                    ("Chile".to_string(), 2),
                    ("Peru".to_string(), 0),
                    ("USA".to_string(), 0),
                    ("USA".to_string(), 1)
                ],
                "{b}"
            );
            Ok(())
        })
    })
}

/// Where the group's answer cannot be made of the owners' (an average, a distinct
/// aggregate, members two owners share), the query is refused, never answered per owner.
#[test]
fn aggregates_the_group_cannot_be_made_of_are_refused() -> colt::Result<()> {
    each_backend(|backend| {
        let db = open(backend)?;
        db.transaction(|tx| {
            let b = backend.name;
            // Values (not objects) two owners' members share: each member's counts once.
            let values = select!((c.country, count(c.labels.name)) for c in Buyer).fetch(tx);
            assert!(
                matches!(&values, Err(Error::InvalidQuery(m)) if m.contains("range over the collection")),
                "{b}: {values:?}"
            );
            // A sum beside members counted distinct (the joined members would repeat its rows).
            let summed = select!((c.country, count(c.labels), sum(c.orders.total)) for c in Buyer).fetch(tx);
            assert!(matches!(&summed, Err(Error::InvalidQuery(_))), "{b}: {summed:?}");
            let rows = select!((c.country, count(c.labels), count()) for c in Buyer).fetch(tx);
            assert!(matches!(&rows, Err(Error::InvalidQuery(_))), "{b}: {rows:?}");
            // An aggregate over the joined rows needs the only join.
            let two = select!((c.country, group_concat(c.labels.name, ","), count(c.orders.lines)) for c in Buyer)
                .fetch(tx);
            assert!(matches!(&two, Err(Error::InvalidQuery(_))), "{b}: {two:?}");
            // Another generator repeats owners: a sum of theirs, beside an aggregate, refused.
            let repeated = select!((c.country, count(p), sum(c.orders.total)) for c in Buyer for p in c.orders)
                .fetch(tx);
            assert!(matches!(&repeated, Err(Error::InvalidQuery(_))), "{b}: {repeated:?}");
            // The spelling the message gives works.
            let mut ranged = select!((c.country, avg(o.total)) for c in Buyer for o in c.orders).fetch(tx)?;
            ranged.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(
                ranged,
                [("Chile".to_string(), Some(7.0)), ("USA".to_string(), Some(35.0 / 3.0))],
                "{b}"
            );
            Ok(())
        })
    })
}

#[derive(Entity, Debug, Clone)]
struct Member {
    #[colt(primary_key)]
    id: i64,
    #[colt(unique)]
    email: String,
    score: i64,
}

/// A `unique` column without NULLs names its row as the key does: a condition of a query
/// grouped by it that aggregates the query's own rows compares each row with itself, and
/// is refused as for the key (it returned no row: `score > avg(score)` in groups of one);
/// a grouped query by it is one row per member.
#[test]
fn a_unique_column_names_its_row() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Member])?;
        db.create_tables()?;
        db.transaction(|tx| {
            for (id, email, score) in [(1, "a@x", 1), (2, "b@x", 5), (3, "c@x", 9)] {
                Member::build()
                    .id(id)
                    .email(email)
                    .score(score)
                    .insert(tx)?;
            }
            Ok(())
        })?;
        db.transaction(|tx| {
            let b = backend.name;
            let own = select!((m.email, m.score) for m in Member if m.score as f64 > avg(m.score))
                .fetch(tx);
            assert!(
                matches!(&own, Err(Error::InvalidQuery(m)) if m.contains("own rows")),
                "{b}: {own:?}"
            );
            let above = select!((m.email, m.score) for m in Member
                if m.score as f64 > avg(n.score for n in Member))
            .fetch(tx)?;
            assert_eq!(above, [("c@x".to_string(), 9)], "{b}");
            Ok(())
        })
    })
}
