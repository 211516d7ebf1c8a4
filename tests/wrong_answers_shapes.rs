//! Query shapes that returned wrong rows without an error, found by a review of the plan's
//! scopes, counts and orders. Each test failed before its fix, on both backends.

mod common;

use colt::prelude::*;
use common::all_backends;

#[derive(Entity, Debug, Clone)]
struct Shelf {
    #[colt(primary_key, auto)]
    id: i64,
    name: String,
    items: Set<Item>,
}

#[derive(Entity, Debug, Clone)]
struct Item {
    #[colt(primary_key, auto)]
    id: i64,
    name: String,
    shelf: Ref<Shelf>,
    kind: Ref<Kind>,
    labels: Set<Label>,
}

#[derive(Entity, Debug, Clone)]
struct Label {
    #[colt(primary_key)]
    name: String,
    items: Set<Item>,
}

/// A key declared after another column.
#[derive(Entity, Debug, Clone)]
struct Kind {
    title: String,
    #[colt(primary_key)]
    code: i64,
    items: Set<Item>,
}

/// Shelf "Books": Dune (labels a, b, kind 2), Emma (label c, kind 2), Odd (no label, kind 1).
fn shelves(backend: &common::Backend) -> colt::Result<Database> {
    let db = backend.open();
    db.bind(schema![Shelf, Item, Label, Kind])?;
    db.create_tables()?;
    db.transaction(|tx| {
        let books = Shelf::build().name("Books").insert(tx)?;
        let zine = Kind::build().code(1).title("b-zine").insert(tx)?;
        let novel = Kind::build().code(2).title("a-novel").insert(tx)?;
        let labels: Vec<Obj<Label>> = ["a", "b", "c"]
            .iter()
            .map(|n| Label::build().name(*n).insert(tx))
            .collect::<colt::Result<_>>()?;
        for (name, kind, with) in [
            ("Dune", &novel, &labels[..2]),
            ("Emma", &novel, &labels[2..]),
            ("Odd", &zine, &labels[..0]),
        ] {
            let item = Item::build()
                .name(name)
                .shelf(&books)
                .kind(kind)
                .insert(tx)?;
            for l in with {
                item.labels().add(tx, l)?;
            }
        }
        Ok(())
    })?;
    Ok(db)
}

/// An aggregate of a collection's aggregate (`sum(count(i.labels))`) aggregates over the
/// rows: it became a sub-query of its own (each item's count summed once per label: 4, 1
/// and NULL, in three rows), and the sub-comprehension spelling was an SQL error.
#[test]
fn an_aggregate_of_a_collections_count_is_one_aggregate() {
    all_backends(|backend| {
        let db = shelves(backend)?;
        db.transaction(|tx| {
            let rows = select!((s.name, sum(count(i.labels))) for s in Shelf for i in s.items)
                .fetch(tx)?;
            assert_eq!(rows, [("Books".to_string(), Some(3))], "{}", backend.name);
            let most = select!((s.name, max(count(i.labels))) for s in Shelf for i in s.items)
                .fetch(tx)?;
            assert_eq!(most, [("Books".to_string(), Some(2))], "{}", backend.name);
            let sub = select!((s.name, sum(count(i.labels) for i in s.items)) for s in Shelf)
                .fetch(tx)?;
            assert_eq!(sub, [("Books".to_string(), Some(3))], "{}", backend.name);
            let big = select!(s.name for s in Shelf for i in s.items if sum(count(i.labels)) > 2)
                .fetch(tx)?;
            assert_eq!(big, ["Books"], "{}", backend.name);
            Ok(())
        })
    });
}

/// `count` of a reference counts the distinct objects it names, at the top level as in a
/// collection path: two items of one kind counted 2 (the path said 1).
#[test]
fn count_of_a_reference_counts_objects() {
    all_backends(|backend| {
        let db = shelves(backend)?;
        db.transaction(|tx| {
            let top = select!((s.name, count(i.kind)) for s in Shelf for i in s.items).fetch(tx)?;
            let path = select!((s.name, count(s.items.kind)) for s in Shelf).fetch(tx)?;
            assert_eq!(top, [("Books".to_string(), 2)], "{}", backend.name);
            assert_eq!(top, path, "{}", backend.name);
            Ok(())
        })
    });
}

/// `first()` of a query of distinct objects is the first by primary key, also when the key
/// is not the entity's first column (it was ordered by the first column, `title`).
#[test]
fn first_of_distinct_objects_is_by_key() {
    all_backends(|backend| {
        let db = shelves(backend)?;
        db.transaction(|tx| {
            let first = select!(k for k in Kind for i in k.items).first(tx)?;
            assert_eq!(first.map(|k| k.code()), Some(1), "{}", backend.name);
            Ok(())
        })
    });
}

/// `first()` of a query without `distinct` is the first of what it returns, as with it
/// (PonyORM orders `first` by the result): it was ordered by every variable's key in
/// generator order, the first kind's item (Odd, 3) rather than the first item (Dune, 1).
#[test]
fn first_without_distinct_is_the_first_returned_object() {
    all_backends(|backend| {
        let db = shelves(backend)?;
        db.transaction(|tx| {
            let q = select!(i for k in Kind for i in k.items);
            let distinct = q.clone().first(tx)?.map(|i| i.id());
            let all = q.without_distinct().first(tx)?.map(|i| i.id());
            assert_eq!(distinct, Some(1), "{}", backend.name);
            assert_eq!(all, Some(1), "{}", backend.name);
            let pairs = select!((i.name, k.title) for k in Kind for i in k.items)
                .without_distinct()
                .first(tx)?;
            assert_eq!(
                pairs,
                Some(("Dune".to_string(), "a-novel".to_string())),
                "{}",
                backend.name
            );
            Ok(())
        })
    });
}

/// Ordering a query that does not aggregate by an aggregate of a collection of each row
/// (PonyORM's "customers by their number of orders") compiles, as a sub-query per row: the
/// macro refused it as an aggregate of the query's own rows (a refinement took it).
#[test]
fn ordering_by_a_collections_aggregate_needs_no_groups() {
    all_backends(|backend| {
        let db = shelves(backend)?;
        db.transaction(|tx| {
            let by_count = select!(Item.order_by(|i| (desc(count(i.labels)), i.name)))
                .fetch(tx)?
                .iter()
                .map(|i| i.name())
                .collect::<Vec<_>>();
            assert_eq!(by_count, ["Dune", "Emma", "Odd"], "{}", backend.name);
            let by_sub =
                select!((i.name for i in Item).order_by(|i| desc(max(l.name for l in i.labels))))
                    .fetch(tx)?;
            assert_eq!(by_sub, ["Emma", "Dune", "Odd"], "{}", backend.name);
            Ok(())
        })
    });
}

/// `distinct()` on a grouped query ordered by an aggregate it does not select: PostgreSQL
/// refused `SELECT DISTINCT .. ORDER BY max(..)` (SQLite answered); a grouped query's rows
/// are distinct already, and the `DISTINCT` is left out.
#[test]
fn a_distinct_grouped_query_orders_by_an_unselected_aggregate() {
    all_backends(|backend| {
        let db = shelves(backend)?;
        db.transaction(|tx| {
            let rows = select!(((i.kind.title, count(i)) for i in Item)
                .order_by(|i| desc(max(i.id))))
            .distinct()
            .fetch(tx)?;
            assert_eq!(
                rows,
                [("b-zine".to_string(), 1), ("a-novel".to_string(), 2)],
                "{}",
                backend.name
            );
            Ok(())
        })
    });
}

/// `is_empty()` of a text inside an aggregate of a sub-comprehension was taken for the
/// sub-comprehension's own emptiness (`NOT EXISTS (SELECT 1 FROM item ..)`): a sum over the
/// items named "" counted the shelf's items. It is Rust's `String::is_empty` (`= ''`), there
/// and at the top (where it was an error).
#[test]
fn is_empty_of_a_text_is_the_texts() {
    all_backends(|backend| {
        let db = shelves(backend)?;
        db.transaction(|tx| {
            Item::build()
                .name("")
                .shelf(Ref::<Shelf>::new(1))
                .kind(Ref::<Kind>::new(1))
                .insert(tx)?;
            let unnamed =
                select!(sum(if i.name.is_empty() { 1 } else { 0 } for i in s.items) for s in Shelf)
                    .fetch(tx)?;
            assert_eq!(unnamed, [Some(1)]);
            let top = select!(i.name for i in Item if !i.name.is_empty()).fetch(tx)?;
            assert_eq!(common::sorted(top), ["Dune", "Emma", "Odd"]);
            let empty_shelves = select!(s.id for s in Shelf if s.items.is_empty()).fetch(tx)?;
            assert!(empty_shelves.is_empty());
            let with_items = select!(s.id for s in Shelf if exists(s.items)).fetch(tx)?;
            assert_eq!(with_items, [1]);
            Ok(())
        })
    });
}

/// A sub-comprehension whose value reads none of its own variables (`sum(1 for i in s.items
/// if ..)`) was taken for an aggregate of the enclosing query: its rows and its condition
/// were never asked, one per shelf. Refused, with the spelling that works.
#[test]
fn a_sub_comprehension_that_reads_none_of_its_variables_is_refused() {
    all_backends(|backend| {
        let db = shelves(backend)?;
        db.transaction(|tx| {
            let ones = select!((s.id, sum(1 for i in s.items if i.name != "Odd")) for s in Shelf).fetch(tx);
            assert!(
                matches!(&ones, Err(Error::InvalidQuery(m)) if m.contains("none of its own variables")),
                "{ones:?}"
            );
            let shelves = select!((s.id, count(s for i in s.items if i.name != "Odd")) for s in Shelf).fetch(tx);
            assert!(matches!(&shelves, Err(Error::InvalidQuery(_))), "{shelves:?}");
            let counted = select!((s.id, count(i for i in s.items if i.name != "Odd")) for s in Shelf).fetch(tx)?;
            assert_eq!(counted, [(1, 2)]);
            Ok(())
        })
    });
}

/// A generator over a path through a collection to a many-to-many one (`for l in
/// s.items.labels`) gave a label once per item that carries it: the path's items table
/// repeats rows, and a result is a set.
#[test]
fn a_generator_over_a_collection_path_gives_each_pair_once() {
    all_backends(|backend| {
        let db = shelves(backend)?;
        db.transaction(|tx| {
            let emma = select!(i for i in Item if i.name == "Emma").one(tx)?;
            let a = select!(l for l in Label if l.name == "a").one(tx)?;
            emma.labels().add(tx, &a)?;
            let pairs =
                select!((s.name, l.name) for s in Shelf for l in s.items.labels).fetch(tx)?;
            assert_eq!(
                common::sorted(pairs),
                [
                    ("Books".to_string(), "a".to_string()),
                    ("Books".to_string(), "b".to_string()),
                    ("Books".to_string(), "c".to_string())
                ]
            );
            let n = select!((s, l) for s in Shelf for l in s.items.labels).count(tx)?;
            assert_eq!(n, 3);
            Ok(())
        })
    });
}

/// An aggregate over a sub-comprehension read only through the condition of a sub-query
/// inside its value (`sum(count(k for k in Kind if i.kind == k) for i in s.items)`) was an
/// aggregate of the enclosing query: an SQL error. It is the sub-comprehension's.
#[test]
fn an_aggregate_of_a_sub_query_correlated_by_its_condition() {
    all_backends(|backend| {
        let db = shelves(backend)?;
        db.transaction(|tx| {
            let kinds = select!((s.name, sum(count(k for k in Kind if i.kind == k) for i in s.items)) for s in Shelf)
                .fetch(tx)?;
            assert_eq!(kinds, [("Books".to_string(), Some(3))]);
            Ok(())
        })
    });
}

/// An ordering that aggregates a query whose values do not (a refinement's
/// `order_by(|i| desc(max(i.id)))`) is refused with what to write instead (it was the
/// backend's error, or on SQLite one group of the whole query for some shapes).
#[test]
fn an_aggregate_ordering_of_a_query_that_does_not_aggregate_is_refused() {
    all_backends(|backend| {
        let db = shelves(backend)?;
        db.transaction(|tx| {
            let q = select!(i for i in Item);
            let ordered = select!(q.order_by(|i| desc(max(i.id)))).fetch(tx);
            assert!(
                matches!(&ordered, Err(Error::InvalidQuery(m)) if m.contains("ordering aggregates")),
                "{ordered:?}"
            );
            Ok(())
        })
    });
}

/// A grouped query ordered by a sub-query whose value reads an attribute neither grouped
/// nor aggregated (`sum(k.code - i.id for k in Kind if k.code == 2)`, grouped by `i.kind`)
/// read it from an arbitrary row of each group on SQLite (PostgreSQL refused): refused on
/// both.
#[test]
fn a_grouped_querys_sub_query_value_reads_only_grouped_attributes() {
    all_backends(|backend| {
        let db = shelves(backend)?;
        db.transaction(|tx| {
            let odd = select!(((i.kind, count(i)) for i in Item)
                .order_by(|i| sum(k.code - i.id for k in Kind if k.code == 2)))
            .fetch(tx);
            assert!(
                matches!(&odd, Err(Error::InvalidQuery(m)) if m.contains("neither selected")),
                "{odd:?}"
            );
            Ok(())
        })
    });
}

#[derive(Entity, Debug, Clone)]
struct Lot {
    #[colt(primary_key)]
    id: i64,
    group: String,
    price: i64,
    weight: Option<f64>,
}

/// A DISTINCT query ordered by two attributes it does not select orders each value by its
/// first row in that order, as PonyORM's does. Each attribute was its own `MIN`: group A's
/// least price (1) beside its least weight (0.0, from another row) came before group B's
/// first row (1, 5.0). (Found by a review.)
#[test]
fn distinct_values_ordered_by_two_unselected_attributes_follow_their_first_row() {
    all_backends(|backend| {
        let db = backend.open();
        db.bind(schema![Lot])?;
        db.create_tables()?;
        db.transaction(|tx| {
            for (id, group, price, weight) in [
                (1, "A", 1, Some(9.0)),
                (2, "A", 5, Some(0.0)),
                (3, "B", 1, Some(5.0)),
                (4, "C", 1, None),
                (5, "C", 0, Some(100.0)),
                (6, "D", 2, None),
            ] {
                Lot::build()
                    .id(id)
                    .group(group)
                    .price(price)
                    .weight(weight)
                    .insert(tx)?;
            }
            Ok(())
        })?;
        db.transaction(|tx| {
            let b = backend.name;
            // Rows by (price, weight), NULLs first: C(0), C(1, NULL), B(1, 5), A(1, 9), A(5), D.
            let q = select!((l.group for l in Lot).order_by(|l| (l.price, l.weight)));
            assert_eq!(q.fetch(tx)?, ["C", "B", "A", "D"], "{b}");
            assert_eq!(q.clone().limit(2).offset(1).fetch(tx)?, ["B", "A"], "{b}");
            assert_eq!(q.first(tx)?.as_deref(), Some("C"), "{b}");
            // Descending weight (NULLs last), then price: A(0.0 .. 9.0) has 9.0 first.
            let q = select!((l.group for l in Lot).order_by(|l| (desc(l.weight), l.price)));
            assert_eq!(q.fetch(tx)?, ["C", "A", "B", "D"], "{b}");
            // Weight (NULLs first), then descending price: D(NULL, 2), C(NULL, 1), A(0.0)...
            let q = select!((l.group for l in Lot).order_by(|l| (l.weight, desc(l.price))));
            assert_eq!(q.fetch(tx)?, ["D", "C", "A", "B"], "{b}");
            // An outer value in the order (a parameter written twice), and a page of it.
            // Rows by (|price - 4|, weight): A(5, 0.0), D(2), C/B/A(1)...
            let target = 4;
            let q = select!((l.group for l in Lot)
                .order_by(|l| ((l.price - target).abs(), l.weight))
                .limit(2));
            assert_eq!(q.fetch(tx)?, ["A", "D"], "{b}");
            // Selected and unselected attributes mixed.
            let q = select!(((l.group, l.price > 0) for l in Lot)
                .order_by(|l| (l.price > 0, l.weight, l.price)));
            assert_eq!(
                q.fetch(tx)?,
                [
                    ("C".to_string(), false),
                    ("C".to_string(), true),
                    ("D".to_string(), true),
                    ("A".to_string(), true),
                    ("B".to_string(), true),
                ],
                "{b}"
            );
            Ok(())
        })
    });
}

#[derive(Entity, Debug, Clone)]
struct Token {
    #[colt(primary_key)]
    id: i64,
    name: String,
    flag: bool,
    data: Vec<u8>,
}

/// Distinct values ordered by one value they do not select take each group's first value
/// in the order by the type's `MIN`/`MAX`, which PostgreSQL has not for `boolean` or
/// `bytea` (an error where SQLite answered); `max` of bytes likewise.
#[test]
fn distinct_values_order_by_booleans_and_bytes_on_both_backends() {
    all_backends(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Token])?;
        db.create_tables()?;
        db.transaction(|tx| {
            for (id, name, flag, data) in
                [(1, "a", true, 2u8), (2, "b", false, 1), (3, "b", false, 3)]
            {
                Token::build()
                    .id(id)
                    .name(name)
                    .flag(flag)
                    .data(vec![data])
                    .insert(tx)?;
            }
            let by_flag = select!((t.name for t in Token).order_by(|t| desc(t.flag))).fetch(tx)?;
            assert_eq!(by_flag, ["a", "b"]);
            let by_flag = select!((t.name for t in Token).order_by(|t| t.flag)).fetch(tx)?;
            assert_eq!(by_flag, ["b", "a"]);
            let by_data = select!((t.name for t in Token).order_by(|t| t.data)).fetch(tx)?;
            assert_eq!(by_data, ["b", "a"]);
            let by_data = select!((t.name for t in Token).order_by(|t| desc(t.data))).fetch(tx)?;
            assert_eq!(by_data, ["b", "a"]);
            assert_eq!(select!(max(t.data) for t in Token).one(tx)?, Some(vec![3]));
            assert_eq!(select!(min(t.data) for t in Token).one(tx)?, Some(vec![1]));
            Ok(())
        })
    });
}

/// `select!(p for p in Product if p.price > avg(p.price))` grouped the products by
/// themselves, one row each, and so returned no row: a compile error now (trybuild
/// `condition_aggregates_the_query_own_rows`). The spelling it points to, an aggregate of all
/// rows through a sub-comprehension, gives the products above the average. (Found by a
/// review.)
#[test]
fn a_condition_compares_with_the_average_of_all_rows_through_a_sub_comprehension() {
    all_backends(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            let prices = select!(p.price for p in common::Product).fetch(tx)?;
            let mean = prices.iter().sum::<i64>() as f64 / prices.len() as f64;
            let above = select!((p.price for p in common::Product
                if p.price as f64 > avg(q.price for q in common::Product))
                .order_by(|p| p.price))
            .fetch(tx)?;
            let want: Vec<i64> =
                common::sorted(prices.into_iter().filter(|&x| x as f64 > mean).collect());
            assert!(!want.is_empty());
            assert_eq!(above, want, "{}", backend.name);
            Ok(())
        })
    });
}

/// A refinement's condition that aggregates the query's own rows (`q.filter(|i| count(i) >
/// 1)` of a query of whole items) grouped the items by themselves, one row each: `count(i) >
/// 1` returned no row, `count(i) == 1` every row, `i.id > avg(i.id)` no row. The
/// comprehension spelling is a compile error; the refinement is refused when it runs, with
/// the spelling to use. A collection's aggregate stays a condition of each row. (Found by a
/// review.)
#[test]
fn a_refinement_condition_aggregating_the_query_own_rows_is_refused() {
    all_backends(|backend| {
        let db = shelves(backend)?;
        db.transaction(|tx| {
            let q = select!(i for i in Item);
            let more = select!(q.filter(|i| count(i) > 1)).fetch(tx);
            let one = select!(q.filter(|i| count(i) == 1)).fetch(tx);
            let above = select!(q.filter(|i| i.id as f64 > avg(i.id))).fetch(tx);
            let chained = select!(i for i in q if count(i) > 1).fetch(tx);
            for (what, r) in [
                ("more", &more),
                ("one", &one),
                ("above", &above),
                ("chained", &chained),
            ] {
                assert!(
                    matches!(r, Err(Error::InvalidQuery(m)) if m.contains("own rows")),
                    "{what} {}: {:?}",
                    backend.name,
                    r.as_ref().map(|v| v.len())
                );
            }
            let labelled = select!(q.filter(|i| count(i.labels) > 1)).fetch(tx)?;
            assert_eq!(labelled.len(), 1, "{}", backend.name);
            Ok(())
        })
    });
}

/// The same aggregate of the query's own rows in the spellings the macro does not see whole:
/// a tuple that selects each variable's key (`(i.id, i.name)`), an object with another value,
/// or a second variable whose rows repeat each item (`for j in Item`, grouped by `i`): the
/// groups held one row, or one item, each, and `i.id > avg(i.id)` returned no row,
/// `count(i) == 1` every row. Refused when they run; grouped queries whose groups hold
/// several rows still answer. (Found by a review.)
#[test]
fn a_condition_aggregating_the_query_own_rows_in_other_spellings_is_refused() {
    all_backends(|backend| {
        let db = shelves(backend)?;
        db.transaction(|tx| {
            let tuple = select!((i.id, i.name) for i in Item if i.id as f64 > avg(i.id)).fetch(tx);
            let with_object =
                select!((i, i.name) for i in Item if i.id as f64 > avg(i.id)).fetch(tx);
            let counted = select!((i.id, i.name) for i in Item if count(i) == 1).fetch(tx);
            let repeated =
                select!(i for i in Item for j in Item if i.id as f64 > avg(i.id)).fetch(tx);
            let through_reference =
                select!((i.id, i.kind.title) for i in Item if max(i.kind.code) > 1).fetch(tx);
            for (what, r) in [
                ("tuple", tuple.as_ref().map(Vec::len)),
                ("with_object", with_object.as_ref().map(Vec::len)),
                ("counted", counted.as_ref().map(Vec::len)),
                ("repeated", repeated.as_ref().map(Vec::len)),
                (
                    "through_reference",
                    through_reference.as_ref().map(Vec::len),
                ),
            ] {
                assert!(
                    matches!(&r, Err(Error::InvalidQuery(m)) if m.contains("own rows")),
                    "{what} {}: {r:?}",
                    backend.name
                );
            }
            // A row fixed by its selected key fixes the row it belongs to: one (kind, item)
            // pair a group (a review of the check).
            let pairs =
                select!((i.id, i.name) for k in Kind for i in k.items if count(k) == 1).fetch(tx);
            let pairs_avg = select!((i.id, i.name) for k in Kind for i in k.items
                if max(k.code) as f64 > avg(k.code))
            .fetch(tx);
            // Beside another test in the same condition too.
            let either = select!((k.code, k.title) for k in Kind for i in k.items
                if count(i) > 5 || max(k.code) as f64 > avg(k.code))
            .fetch(tx);
            for (what, r) in [
                ("pairs", &pairs),
                ("pairs_avg", &pairs_avg),
                ("either", &either),
            ] {
                assert!(
                    matches!(r, Err(Error::InvalidQuery(m)) if m.contains("own rows")),
                    "{what} {}: {:?}",
                    backend.name,
                    r.as_ref().map(Vec::len)
                );
            }
            // Groups of several rows: the aggregate is of the group, also beside an aggregate
            // of values the grouping fixes (`max(k.code)` is the kind's own code).
            let busy = select!((k.code, count(i)) for k in Kind for i in k.items
                if count(i) > max(k.code))
            .fetch(tx)?;
            assert_eq!(busy, Vec::<(i64, i64)>::new(), "{}", backend.name);
            let one_more = select!((k.code, count(i)) for k in Kind for i in k.items
                if count(i) >= max(k.code))
            .fetch(tx)?;
            assert_eq!(
                common::sorted(one_more),
                [(1, 1), (2, 2)],
                "{}",
                backend.name
            );
            let kinds =
                select!((i.kind.title, count(i)) for i in Item if count(i) > 1).fetch(tx)?;
            assert_eq!(kinds, [("a-novel".to_string(), 2)], "{}", backend.name);
            let labelled = select!(
                (i.name, count(l)) for i in Item for l in i.labels if count(l) > 1
            )
            .fetch(tx)?;
            assert_eq!(labelled, [("Dune".to_string(), 2)], "{}", backend.name);
            Ok(())
        })
    });
}
