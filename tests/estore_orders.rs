//! PonyORM's estore queries ported to Colt, of orders, and probes of the shapes around them,
//! each compared with the answer computed in plain Rust over the same data. (Written by a
//! review.)
#![cfg(all(feature = "decimal", feature = "chrono"))]
#![allow(clippy::type_complexity)]

mod common;
mod estore;

use colt::prelude::*;
use common::all_backends;
use estore::*;

#[test]
fn estore_orders() {
    all_backends(|backend| {
        let db = backend.open();
        let m = model();
        seed(&db, &m)?;
        let mut ck = Checks {
            db: &db,
            fails: vec![],
        };
        let oids = |v: Vec<Obj<Order>>| sorted(v.iter().map(|o| o.key()).collect::<Vec<i64>>());
        let item_sum = |o: i64| -> Option<Decimal> {
            let it = m.items_of(o);
            if it.is_empty() {
                None
            } else {
                Some(it.iter().map(|i| i.price * Decimal::from(i.quantity)).sum())
            }
        };

        // 22/23 avg/sum of all orders
        let total: Decimal = m.orders.iter().map(|o| o.total).sum();
        ck.eq("23 sum(o.total_price)", Some(total), |tx| {
            select!(sum(o.total_price) for o in Order).one(tx)
        });
        ck.eq(
            "22 avg(o.total_price)",
            Some((total / Decimal::from(m.orders.len())).round_dp(10)),
            |tx| {
                Ok(select!(avg(o.total_price) for o in Order)
                    .one(tx)?
                    .map(|x: Decimal| x.round_dp(10)))
            },
        );

        // 30. income by month, ordered
        let mut bym: BTreeMap<(i32, u32), Decimal> = BTreeMap::new();
        for o in &m.orders {
            use chrono::Datelike;
            *bym.entry((o.created.year(), o.created.month()))
                .or_default() += o.total;
        }
        ck.eq(
            "30 income by month",
            bym.iter().map(|((y, mo), t)| (*y, *mo as i32, Some(*t))).collect::<Vec<_>>(),
            |tx| {
                select!(((o.date_created.year(), o.date_created.month(), sum(o.total_price)) for o in Order)
                    .order_by(|o| (o.date_created.year(), o.date_created.month())))
                .fetch(tx)
            },
        );

        // 31. customers with an order above the average order
        let avg_total = total / Decimal::from(m.orders.len());
        let above = ss(m
            .customers
            .iter()
            .filter(|c| m.orders_of(c.id).iter().any(|o| o.total > avg_total))
            .map(|c| c.name));
        ck.eq("31 above avg (outer value)", above.clone(), |tx| {
            let x = select!(avg(o.total_price) for o in Order).one(tx)?;
            Ok(names_of(
                select!(c for c in Customer for o in c.orders if o.total_price > x).fetch(tx)?,
            ))
        });
        ck.eq("31b above avg (nested)", above.clone(), |tx| {
            Ok(names_of(
                select!(c for c in Customer for o in c.orders if o.total_price > avg(o2.total_price for o2 in Order)).fetch(tx)?,
            ))
        });

        // 33. o.customer.name.startswith('A')
        ck.eq(
            "33 customer name starts with A",
            sorted(
                m.orders
                    .iter()
                    .filter(|o| m.customer(o.customer).name.starts_with('A'))
                    .map(|o| o.id)
                    .collect::<Vec<_>>(),
            ),
            |tx| {
                Ok(oids(
                    select!(o for o in Order if o.customer.name.starts_with("A")).fetch(tx)?,
                ))
            },
        );

        // 50. order totals vs item sums
        ck.eq(
            "50 item sum per order",
            m.orders.iter().map(|o| (o.id, item_sum(o.id))).collect::<Vec<_>>(),
            |tx| {
                let v = select!(((o.id, sum(i.price * i.quantity for i in o.items)) for o in Order).order_by(|o| o.id)).fetch(tx)?;
                Ok(v.into_iter().map(|(id, x)| (id, x.map(|x: Decimal| x.normalize()))).collect())
            },
        );
        ck.eq(
            "50b total != item sum",
            m.orders.iter().filter(|o| item_sum(o.id).is_some_and(|s| s != o.total)).map(|o| o.id).collect::<Vec<_>>(),
            |tx| Ok(oids(select!(o for o in Order if o.total_price != sum(i.price * i.quantity for i in o.items)).fetch(tx)?)),
        );
        ck.eq(
            "50c total != item sum via collection path",
            m.orders.iter().filter(|o| item_sum(o.id).is_some_and(|s| s != o.total)).map(|o| o.id).collect::<Vec<_>>(),
            |tx| Ok(oids(select!(o for o in Order if o.total_price != sum(i.price * i.quantity for i in o.items).unwrap_or(Decimal::ZERO) && exists(o.items)).fetch(tx)?)),
        );

        // 51. count(o for o in Order if o.date_shipped is None)
        ck.eq(
            "51 unshipped",
            m.orders.iter().filter(|o| o.shipped.is_none()).count() as i64,
            |tx| select!(count(o) for o in Order if o.date_shipped.is_none()).one(tx),
        );
        let none_dt: Option<NaiveDateTime> = None;
        ck.eq(
            "51b == outer None",
            m.orders.iter().filter(|o| o.shipped.is_none()).count() as i64,
            |tx| select!(count(o) for o in Order if o.date_shipped == none_dt).one(tx),
        );
        ck.eq(
            "51c count(o.date_shipped)",
            m.orders.iter().filter(|o| o.shipped.is_some()).count() as i64,
            |tx| select!(count(o.date_shipped) for o in Order).one(tx),
        );

        // 52. year == 2024 and month == 2
        use chrono::{Datelike, Timelike};
        ck.eq(
            "52 February 2024",
            m.orders.iter().filter(|o| o.created.year() == 2024 && o.created.month() == 2).map(|o| o.id).collect::<Vec<_>>(),
            |tx| Ok(oids(select!(o for o in Order if o.date_created.year() == 2024 && o.date_created.month() == 2).fetch(tx)?)),
        );
        ck.eq(
            "52b shipped in 2025 (Option date part)",
            m.orders
                .iter()
                .filter(|o| o.shipped.is_some_and(|s| s.year() == 2025))
                .map(|o| o.id)
                .collect::<Vec<_>>(),
            |tx| {
                Ok(oids(
                    select!(o for o in Order if o.date_shipped.year() == 2025).fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "52c hour of created >= 12",
            m.orders
                .iter()
                .filter(|o| o.created.hour() >= 12)
                .map(|o| o.id)
                .collect::<Vec<_>>(),
            |tx| {
                Ok(oids(
                    select!(o for o in Order if o.date_created.hour() >= 12).fetch(tx)?,
                ))
            },
        );

        // 53. min/max dates
        ck.eq(
            "53 min created, max shipped",
            (
                m.orders.iter().map(|o| o.created).min(),
                m.orders.iter().filter_map(|o| o.shipped).max(),
            ),
            |tx| select!((min(o.date_created), max(o.date_shipped)) for o in Order).one(tx),
        );
        // shipped more than a day after created? compare Option datetime with datetime attribute
        ck.eq(
            "53b shipped > created",
            m.orders
                .iter()
                .filter(|o| o.shipped.is_some_and(|s| s > o.created))
                .map(|o| o.id)
                .collect::<Vec<_>>(),
            |tx| {
                Ok(oids(
                    select!(o for o in Order if o.date_shipped > o.date_created).fetch(tx)?,
                ))
            },
        );
        let cut = dt("2024-02-11 12:00:00");
        ck.eq(
            "53c created >= outer datetime",
            m.orders
                .iter()
                .filter(|o| o.created >= cut)
                .map(|o| o.id)
                .collect::<Vec<_>>(),
            |tx| {
                Ok(oids(
                    select!(o for o in Order if o.date_created >= cut).fetch(tx)?,
                ))
            },
        );

        // 62. discount is None or discount < 10
        ck.eq(
            "62 discount is None or < 10",
            m.orders
                .iter()
                .filter(|o| o.discount.is_none_or(|d| d < 10))
                .map(|o| o.id)
                .collect::<Vec<_>>(),
            |tx| {
                Ok(oids(
                    select!(o for o in Order if o.discount.is_none_or(|d| d < 10)).fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "62b discount == None || discount < 10",
            m.orders
                .iter()
                .filter(|o| o.discount.is_none_or(|d| d < 10))
                .map(|o| o.id)
                .collect::<Vec<_>>(),
            |tx| {
                Ok(oids(
                    select!(o for o in Order if o.discount.is_none() || o.discount < 10)
                        .fetch(tx)?,
                ))
            },
        );
        // 63. sum(discount.unwrap_or(0)), sum(discount), count(discount), count_distinct(discount)
        let ds: Vec<i64> = m.orders.iter().filter_map(|o| o.discount).collect();
        ck.eq(
            "63 discount aggregates",
            (Some(ds.iter().sum::<i64>()), Some(ds.iter().sum::<i64>()), ds.len() as i64, ds.iter().collect::<BTreeSet<_>>().len() as i64, Some(ds.iter().sum::<i64>() as f64 / ds.len() as f64)),
            |tx| select!((sum(o.discount.unwrap_or(0)), sum(o.discount), count(o.discount), count_distinct(o.discount), avg(o.discount)) for o in Order).one(tx),
        );
        // list of Options containing None
        let want_d = [Some(10), None];
        ck.eq(
            "63b discount in [10, None]",
            m.orders
                .iter()
                .filter(|o| want_d.contains(&o.discount))
                .map(|o| o.id)
                .collect::<Vec<_>>(),
            |tx| {
                Ok(oids(
                    select!(o for o in Order if want_d.contains(&o.discount)).fetch(tx)?,
                ))
            },
        );
        // group by an Option value
        let mut byd: BTreeMap<Option<i64>, i64> = BTreeMap::new();
        for o in &m.orders {
            *byd.entry(o.discount).or_default() += 1;
        }
        ck.eq(
            "63c count per discount (NULL group)",
            byd.into_iter().collect::<Vec<_>>(),
            |tx| {
                Ok(sorted(
                    select!((o.discount, count(o)) for o in Order).fetch(tx)?,
                ))
            },
        );
        // ordering by an Option: NULLs first asc
        let mut od: Vec<(Option<i64>, i64)> = m.orders.iter().map(|o| (o.discount, o.id)).collect();
        od.sort();
        ck.eq(
            "63d order by discount, id",
            od.iter().map(|x| x.1).collect::<Vec<_>>(),
            |tx| {
                Ok(select!((o for o in Order).order_by(|o| (o.discount, o.id)))
                    .fetch(tx)?
                    .iter()
                    .map(|o| o.key())
                    .collect())
            },
        );

        // 64. per-state stats
        let mut bys: BTreeMap<String, (i64, Decimal, Decimal)> = BTreeMap::new();
        for o in &m.orders {
            let e = bys
                .entry(s(o.state))
                .or_insert((0, Decimal::ZERO, Decimal::MIN));
            e.0 += 1;
            e.1 += o.total;
            e.2 = e.2.max(o.total);
        }
        ck.eq(
            "64 per-state count/sum/max",
            bys.into_iter().map(|(k, (n, t, mx))| (k, n, Some(t), Some(mx))).collect::<Vec<_>>(),
            |tx| {
                let v = select!((o.state, count(o), sum(o.total_price), max(o.total_price)) for o in Order).fetch(tx)?;
                Ok(sorted(v.into_iter().map(|(a, b, c, d): (String, i64, Option<Decimal>, Option<Decimal>)| (a, b, c.map(|x| x.normalize()), d.map(|x| x.normalize()))).collect::<Vec<_>>())
                    .into_iter().collect())
            },
        );

        // 74/80. count and sum of orders of USA customers
        let usa: Vec<&MOrder> = m
            .orders
            .iter()
            .filter(|o| m.customer(o.customer).country == "USA")
            .collect();
        ck.eq("74 count USA orders", usa.len() as i64, |tx| {
            select!(count(o) for o in Order if o.customer.country == "USA").one(tx)
        });
        ck.eq(
            "80 sum USA orders",
            Some(usa.iter().map(|o| o.total).sum::<Decimal>()),
            |tx| select!(sum(o.total_price) for o in Order if o.customer.country == "USA").one(tx),
        );
        // HAVING on a grouped navigation
        let mut byc: BTreeMap<String, Decimal> = BTreeMap::new();
        for o in &m.orders {
            *byc.entry(s(m.customer(o.customer).country)).or_default() += o.total;
        }
        ck.eq(
            "80b countries with revenue > 500",
            byc.iter().filter(|x| *x.1 > d("500")).map(|(k, v)| (k.clone(), Some(*v))).collect::<Vec<_>>(),
            |tx| {
                Ok(sorted(
                    select!((o.customer.country, sum(o.total_price)) for o in Order if sum(o.total_price) > 500).fetch(tx)?,
                ))
            },
        );

        // 27. customers who ordered several different tablets
        let tablets_of = |c: i64| -> BTreeSet<i64> {
            m.items_of_customer(c)
                .iter()
                .map(|i| i.product)
                .filter(|p| m.product(*p).cats.contains(&1))
                .collect()
        };
        ck.eq(
            "27 several different tablets",
            ss(m.customers
                .iter()
                .filter(|c| tablets_of(c.id).len() > 1)
                .map(|c| c.name)),
            |tx| {
                Ok(names_of(
                    select!(c for c in Customer for o in c.orders for i in o.items
                        if i.product.categories.name.contains(&"Tablets") && count(i.product) > 1)
                    .fetch(tx)?,
                ))
            },
        );
        // 28. (c, cat.name, count(p)) with count(p) > 1
        let mut ccp: BTreeMap<(String, String), BTreeSet<i64>> = BTreeMap::new();
        for i in &m.items {
            let c = m.customer(m.order(i.order).customer);
            for cat in &m.product(i.product).cats {
                ccp.entry((s(c.name), s(m.cat_name(*cat))))
                    .or_default()
                    .insert(i.product);
            }
        }
        ck.eq(
            "28 several products per category per customer",
            ccp.iter().filter(|x| x.1.len() > 1).map(|((a, b), v)| (a.clone(), b.clone(), v.len() as i64)).collect::<Vec<_>>(),
            |tx| {
                Ok(sorted(
                    select!((c.name, cat.name, count(i.product)) for c in Customer for o in c.orders for i in o.items
                        for cat in i.product.categories if count(i.product) > 1)
                    .fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "28b all (customer, category, count(product))",
            ccp.iter().map(|((a, b), v)| (a.clone(), b.clone(), v.len() as i64)).collect::<Vec<_>>(),
            |tx| {
                Ok(sorted(
                    select!((c.name, cat.name, count(i.product)) for c in Customer for o in c.orders for i in o.items
                        for cat in i.product.categories)
                    .fetch(tx)?,
                ))
            },
        );

        // count(o for o in c.orders if o.state == 'SHIPPED') >= 1 ; sum(i.quantity for i in o.items if i.price > 100)
        ck.eq(
            "sub-count shipped per customer",
            sorted(m.customers.iter().map(|c| (s(c.name), m.orders_of(c.id).iter().filter(|o| o.state == "SHIPPED").count() as i64)).collect::<Vec<_>>()),
            |tx| Ok(sorted(select!((c.name, count(o for o in c.orders if o.state == "SHIPPED")) for c in Customer).fetch(tx)?)),
        );
        ck.eq(
            "sub-sum qty of items priced > 100 per order",
            m.orders.iter().map(|o| {
                let it: Vec<&MItem> = m.items_of(o.id).into_iter().filter(|i| i.price > d("100")).collect();
                (o.id, if it.is_empty() { None } else { Some(it.iter().map(|i| i.quantity as i64).sum::<i64>()) })
            }).collect::<Vec<_>>(),
            |tx| {
                let v = select!(((o.id, sum(i.quantity for i in o.items if i.price > 100)) for o in Order).order_by(|o| o.id)).fetch(tx)?;
                Ok(v.into_iter().map(|(a, b)| (a, b.map(|b| b as i64))).collect())
            },
        );
        ck.eq(
            "max line value per order",
            m.orders.iter().map(|o| (o.id, m.items_of(o.id).iter().map(|i| i.price * Decimal::from(i.quantity)).max().map(|x| x.normalize()))).collect::<Vec<_>>(),
            |tx| {
                let v = select!(((o.id, max(i.price * i.quantity for i in o.items)) for o in Order).order_by(|o| o.id)).fetch(tx)?;
                Ok(v.into_iter().map(|(a, b)| (a, b.map(|b: Decimal| b.normalize()))).collect())
            },
        );
        // every order shipped (incl. customers with no orders)
        ck.eq(
            "all orders shipped",
            ss(m.customers.iter().filter(|c| m.orders_of(c.id).iter().all(|o| o.shipped.is_some())).map(|c| c.name)),
            |tx| Ok(names_of(select!(c for c in Customer if !exists(o for o in c.orders if o.date_shipped.is_none())).fetch(tx)?)),
        );
        // exists(i for i in o.items if i.quantity > 10)
        ck.eq(
            "exists big item",
            m.orders
                .iter()
                .filter(|o| m.items_of(o.id).iter().any(|i| i.quantity > 10))
                .map(|o| o.id)
                .collect::<Vec<_>>(),
            |tx| {
                Ok(oids(
                    select!(o for o in Order if exists(i for i in o.items if i.quantity > 10))
                        .fetch(tx)?,
                ))
            },
        );
        // o.items.product.contains(&p)
        ck.eq(
            "order items contain Kindle",
            m.orders
                .iter()
                .filter(|o| m.items_of(o.id).iter().any(|i| i.product == 3))
                .map(|o| o.id)
                .collect::<Vec<_>>(),
            |tx| {
                let kindle = tx.get_or_err::<Product>(3)?;
                Ok(oids(
                    select!(o for o in Order if o.items.product.contains(&kindle)).fetch(tx)?,
                ))
            },
        );
        // (o.id, len(o.items))
        ck.eq(
            "len(o.items)",
            m.orders
                .iter()
                .map(|o| (o.id, m.items_of(o.id).len() as i64))
                .collect::<Vec<_>>(),
            |tx| select!(((o.id, count(o.items)) for o in Order).order_by(|o| o.id)).fetch(tx),
        );
        // select distinct customers of big orders (Ref projection)
        ck.eq(
            "customers of orders over 500",
            ss(m.orders
                .iter()
                .filter(|o| o.total > d("500"))
                .map(|o| m.customer(o.customer).name)
                .collect::<BTreeSet<_>>()),
            |tx| {
                Ok(names_of(
                    select!(o.customer for o in Order if o.total_price > 500).fetch(tx)?,
                ))
            },
        );
        // count of distinct customers via count(o.customer)
        ck.eq(
            "count(o.customer) of shipped orders",
            m.orders
                .iter()
                .filter(|o| o.state == "SHIPPED")
                .map(|o| o.customer)
                .collect::<BTreeSet<_>>()
                .len() as i64,
            |tx| select!(count(o.customer) for o in Order if o.state == "SHIPPED").one(tx),
        );
        ck.eq(
            "count_distinct(o.customer.country) of orders",
            m.orders
                .iter()
                .map(|o| m.customer(o.customer).country)
                .collect::<BTreeSet<_>>()
                .len() as i64,
            |tx| select!(count_distinct(o.customer.country) for o in Order).one(tx),
        );

        // refinement chain: q.filter(..).order_by(..)[:2]
        let mut big: Vec<&MOrder> = m
            .orders
            .iter()
            .filter(|o| o.total > d("100") && m.customer(o.customer).country == "USA")
            .collect();
        big.sort_by_key(|o| std::cmp::Reverse(o.total));
        ck.eq(
            "refined query",
            big.iter().take(2).map(|o| o.id).collect::<Vec<_>>(),
            |tx| {
                let q = select!(o for o in Order);
                let q = select!(q.filter(|o| o.total_price > 100));
                let q = select!(q.filter(|o| o.customer.country == "USA"));
                let q = select!(q.order_by(|o| desc(o.total_price)));
                Ok(q.limit(2).fetch(tx)?.iter().map(|o| o.key()).collect())
            },
        );
        // page of orders by created desc
        let mut bc: Vec<&MOrder> = m.orders.iter().collect();
        bc.sort_by_key(|o| std::cmp::Reverse(o.created));
        ck.eq(
            "page(2, 3) by created desc",
            bc[3..6].iter().map(|o| o.id).collect::<Vec<_>>(),
            |tx| {
                Ok(
                    select!((o for o in Order).order_by(|o| desc(o.date_created)))
                        .page(2, 3)
                        .fetch(tx)?
                        .iter()
                        .map(|o| o.key())
                        .collect(),
                )
            },
        );
        // order by shipped desc (NULLs last), then id
        let mut bs: Vec<(Option<NaiveDateTime>, i64)> =
            m.orders.iter().map(|o| (o.shipped, o.id)).collect();
        bs.sort_by(|a, b| match (a.0, b.0) {
            (Some(x), Some(y)) => y.cmp(&x).then(a.1.cmp(&b.1)),
            (None, None) => a.1.cmp(&b.1),
            (None, _) => std::cmp::Ordering::Greater,
            (_, None) => std::cmp::Ordering::Less,
        });
        ck.eq(
            "order by desc shipped",
            bs.iter().map(|x| x.1).collect::<Vec<_>>(),
            |tx| {
                Ok(
                    select!((o for o in Order).order_by(|o| (desc(o.date_shipped), o.id)))
                        .fetch(tx)?
                        .iter()
                        .map(|o| o.key())
                        .collect(),
                )
            },
        );
        // distinct (state, discount) pairs incl NULL
        ck.eq(
            "distinct (state, discount)",
            m.orders
                .iter()
                .map(|o| (s(o.state), o.discount))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>(),
            |tx| {
                Ok(sorted(
                    select!((o.state, o.discount) for o in Order).fetch(tx)?,
                ))
            },
        );
        // group by year
        let mut byy: BTreeMap<i32, i64> = BTreeMap::new();
        for o in &m.orders {
            *byy.entry(o.created.year()).or_default() += 1;
        }
        ck.eq(
            "orders per year",
            byy.into_iter().collect::<Vec<_>>(),
            |tx| {
                Ok(sorted(
                    select!((o.date_created.year(), count(o)) for o in Order).fetch(tx)?,
                ))
            },
        );
        // discount arithmetic with NULL: total - discount
        ck.eq(
            "total_price - discount (Option)",
            m.orders
                .iter()
                .map(|o| {
                    (
                        o.id,
                        o.discount.map(|x| (o.total - Decimal::from(x)).normalize()),
                    )
                })
                .collect::<Vec<_>>(),
            |tx| {
                let v =
                    select!(((o.id, o.total_price - o.discount) for o in Order).order_by(|o| o.id))
                        .fetch(tx)?;
                Ok(v.into_iter()
                    .map(|(a, b)| (a, b.map(|b: Decimal| b.normalize())))
                    .collect())
            },
        );
        // left join with condition on member
        ck.eq(
            "left join (c.name, o.id) for USA",
            sorted(
                m.customers
                    .iter()
                    .filter(|c| c.country == "USA")
                    .flat_map(|c| {
                        let os = m.orders_of(c.id);
                        if os.is_empty() { vec![(s(c.name), None)] } else { os.iter().map(|o| (s(c.name), Some(o.id))).collect() }
                    })
                    .collect::<Vec<_>>(),
            ),
            |tx| Ok(sorted(select!(left_join((c.name, o.id) for c in Customer if c.country == "USA" for o in c.orders)).fetch(tx)?)),
        );

        ck.finish();
        Ok(())
    });
}

#[test]
fn estore_probes() {
    all_backends(|backend| {
        let db = backend.open();
        let m = model();
        seed(&db, &m)?;
        let mut ck = Checks {
            db: &db,
            fails: vec![],
        };
        let oids = |v: Vec<Obj<Order>>| sorted(v.iter().map(|o| o.key()).collect::<Vec<i64>>());

        // counts through two collections
        ck.eq(
            "P1 count(c.orders.items), count(c.orders.items.product)",
            sorted(m.customers.iter().map(|c| {
                let it = m.items_of_customer(c.id);
                (s(c.name), it.len() as i64, it.iter().map(|i| i.product).collect::<BTreeSet<_>>().len() as i64)
            }).collect::<Vec<_>>()),
            |tx| Ok(sorted(select!((c.name, count(c.orders.items), count(c.orders.items.product)) for c in Customer).fetch(tx)?)),
        );
        // many-to-many lifting: products sharing a category with p (incl. itself)
        ck.eq(
            "P2 count(p.categories.products)",
            sorted(
                m.products
                    .iter()
                    .map(|p| {
                        let n = m
                            .products
                            .iter()
                            .filter(|q| q.cats.iter().any(|c| p.cats.contains(c)))
                            .count() as i64;
                        (s(p.name), n)
                    })
                    .collect::<Vec<_>>(),
            ),
            |tx| {
                Ok(sorted(
                    select!((p.name, count(p.categories.products)) for p in Product).fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "P3 four hops: c.orders.items.product.categories.name contains Tablets",
            ss(m.customers.iter().filter(|c| m.items_of_customer(c.id).iter().any(|i| m.product(i.product).cats.contains(&1))).map(|c| c.name)),
            |tx| Ok(names_of(select!(c for c in Customer if c.orders.items.product.categories.name.contains(&"Tablets")).fetch(tx)?)),
        );
        ck.eq(
            "P4 NOT Tablets in c.orders.items.product.categories.name",
            ss(m.customers.iter().filter(|c| !m.items_of_customer(c.id).iter().any(|i| m.product(i.product).cats.contains(&1))).map(|c| c.name)),
            |tx| Ok(names_of(select!(c for c in Customer if !c.orders.items.product.categories.name.contains(&"Tablets")).fetch(tx)?)),
        );
        // negated membership over a collection path whose members hold NULLs
        ck.eq(
            "P5 not 10 in c.orders.discount",
            ss(m.customers
                .iter()
                .filter(|c| !m.orders_of(c.id).iter().any(|o| o.discount == Some(10)))
                .map(|c| c.name)),
            |tx| {
                Ok(names_of(
                    select!(c for c in Customer if !c.orders.discount.contains(&10)).fetch(tx)?,
                ))
            },
        );
        // grouping by an object from a reference
        ck.eq(
            "P6 (o.customer, sum(o.total_price))",
            sorted(
                m.customers
                    .iter()
                    .filter(|c| !m.orders_of(c.id).is_empty())
                    .map(|c| {
                        (
                            s(c.name),
                            Some(
                                m.orders_of(c.id)
                                    .iter()
                                    .map(|o| o.total)
                                    .sum::<Decimal>()
                                    .normalize(),
                            ),
                        )
                    })
                    .collect::<Vec<_>>(),
            ),
            |tx| {
                let v = select!((o.customer, sum(o.total_price)) for o in Order).fetch(tx)?;
                Ok(sorted(
                    v.into_iter()
                        .map(|(c, t)| (c.name(), t.map(|t: Decimal| t.normalize())))
                        .collect(),
                ))
            },
        );
        // ordered by an aggregate with limit
        let mut rev: Vec<(String, Decimal)> = m
            .customers
            .iter()
            .filter(|c| !m.orders_of(c.id).is_empty())
            .map(|c| {
                (
                    s(c.name),
                    m.orders_of(c.id).iter().map(|o| o.total).sum::<Decimal>(),
                )
            })
            .collect();
        rev.sort_by_key(|x| std::cmp::Reverse(x.1));
        ck.eq("P7 top-2 by revenue", rev.iter().take(2).map(|x| x.0.clone()).collect::<Vec<_>>(), |tx| {
            let v = select!(((o.customer.name, sum(o.total_price)) for o in Order).order_by(|o| desc(sum(o.total_price))).limit(2)).fetch(tx)?;
            Ok(v.into_iter().map(|x| x.0).collect())
        });
        // aggregate arithmetic
        ck.eq(
            "P8 sum/count per state",
            {
                let mut g: BTreeMap<String, Vec<Decimal>> = BTreeMap::new();
                for o in &m.orders { g.entry(s(o.state)).or_default().push(o.total); }
                g.into_iter().map(|(k, v)| (k, (v.iter().sum::<Decimal>() / Decimal::from(v.len())).round_dp(6))).collect::<Vec<_>>()
            },
            |tx| {
                let v = select!((o.state, sum(o.total_price).unwrap_or(Decimal::ZERO) / count(o)) for o in Order).fetch(tx)?;
                Ok(sorted(v.into_iter().map(|(k, x): (String, Decimal)| (k, x.round_dp(6))).collect()))
            },
        );
        // decimal × int in a condition
        ck.eq(
            "P9 stock value > 1000",
            ss(m.products
                .iter()
                .filter(|p| p.price * Decimal::from(p.quantity) > d("1000"))
                .map(|p| p.name)),
            |tx| {
                Ok(pnames(
                    select!(p for p in Product if p.price * p.quantity > 1000).fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "P9b stock value",
            sorted(
                m.products
                    .iter()
                    .map(|p| (s(p.name), (p.price * Decimal::from(p.quantity)).normalize()))
                    .collect::<Vec<_>>(),
            ),
            |tx| {
                Ok(sorted(
                    select!((p.name, p.price * p.quantity) for p in Product)
                        .fetch(tx)?
                        .into_iter()
                        .map(|(a, b): (String, Decimal)| (a, b.normalize()))
                        .collect(),
                ))
            },
        );
        // text
        ck.eq(
            "P10 concat name + country",
            sorted(
                m.customers
                    .iter()
                    .map(|c| format!("{} ({})", c.name, c.country))
                    .collect::<Vec<_>>(),
            ),
            |tx| {
                Ok(sorted(
                    select!(c.name + " (" + &c.country + ")" for c in Customer).fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "P11 min/max name (byte order)",
            (
                m.customers.iter().map(|c| s(c.name)).min(),
                m.customers.iter().map(|c| s(c.name)).max(),
            ),
            |tx| select!((min(c.name), max(c.name)) for c in Customer).one(tx),
        );
        ck.eq(
            "P12 name > B",
            ss(m.customers.iter().filter(|c| c.name > "B").map(|c| c.name)),
            |tx| {
                Ok(names_of(
                    select!(c for c in Customer if c.name > "B").fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "P13 len(name) bytes",
            sorted(
                m.customers
                    .iter()
                    .map(|c| (s(c.name), c.name.len() as i64))
                    .collect::<Vec<_>>(),
            ),
            |tx| {
                Ok(sorted(
                    select!((c.name, c.name.len()) for c in Customer)
                        .fetch(tx)?
                        .into_iter()
                        .collect(),
                ))
            },
        );
        ck.eq(
            "P14 email like",
            ss(m.customers
                .iter()
                .filter(|c| c.email.starts_with('a') && c.email.ends_with("@x.org"))
                .map(|c| c.name)),
            |tx| {
                Ok(names_of(
                    select!(c for c in Customer if c.email.like("a%@x.org")).fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "P15 replace",
            sorted(
                m.customers
                    .iter()
                    .map(|c| c.name.replace("a", "4"))
                    .collect::<Vec<_>>(),
            ),
            |tx| {
                Ok(sorted(
                    select!(c.name.replace("a", "4") for c in Customer)
                        .without_distinct()
                        .fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "P16 address contains country (Option text test)",
            ss(m.customers
                .iter()
                .filter(|c| c.address.is_some_and(|a| a.contains("St")))
                .map(|c| c.name)),
            |tx| {
                Ok(names_of(
                    select!(c for c in Customer if c.address.contains("St")).fetch(tx)?,
                ))
            },
        );
        // casts and rounding
        ck.eq(
            "P17 price as i64 (truncation)",
            sorted(
                m.products
                    .iter()
                    .map(|p| {
                        (
                            s(p.name),
                            p.price.trunc().to_string().parse::<i64>().unwrap(),
                        )
                    })
                    .collect::<Vec<_>>(),
            ),
            |tx| {
                Ok(sorted(
                    select!((p.name, p.price as i64) for p in Product).fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "P18 price as f64",
            sorted(
                m.products
                    .iter()
                    .map(|p| {
                        (
                            s(p.name),
                            p.price.to_string().parse::<f64>().unwrap().to_bits(),
                        )
                    })
                    .collect::<Vec<_>>(),
            ),
            |tx| {
                Ok(sorted(
                    select!((p.name, p.price as f64) for p in Product)
                        .fetch(tx)?
                        .into_iter()
                        .map(|(a, b)| (a, b.to_bits()))
                        .collect(),
                ))
            },
        );
        ck.eq(
            "P20 rating.round()",
            sorted_f(
                m.products
                    .iter()
                    .map(|p| (s(p.name), p.rating.map(|r| r.round())))
                    .collect::<Vec<_>>(),
            ),
            |tx| {
                Ok(sorted_f(
                    select!((p.name, p.rating.round()) for p in Product).fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "P21 quantity / 3 and % 3 (negative)",
            sorted(
                m.products
                    .iter()
                    .map(|p| (s(p.name), p.quantity / 3, p.quantity % 3))
                    .collect::<Vec<_>>(),
            ),
            |tx| {
                Ok(sorted(
                    select!((p.name, p.quantity / 3, p.quantity % 3) for p in Product).fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "P22 sum/avg quantity",
            (
                Some(m.products.iter().map(|p| p.quantity as i64).sum::<i64>()),
                Some(
                    m.products.iter().map(|p| p.quantity as f64).sum::<f64>()
                        / m.products.len() as f64,
                ),
            ),
            |tx| {
                let (a, b) =
                    select!((sum(p.quantity), avg(p.quantity)) for p in Product).one(tx)?;
                Ok((a.map(|a| a as i64), b))
            },
        );
        // decimal vs float literal, int list
        ck.eq(
            "P23 price > 99.5 / == 99.5",
            (
                ss(m.products
                    .iter()
                    .filter(|p| p.price > d("99.5"))
                    .map(|p| p.name)),
                ss(m.products
                    .iter()
                    .filter(|p| p.price == d("99.5"))
                    .map(|p| p.name)),
            ),
            |tx| {
                Ok((
                    pnames(select!(p for p in Product if p.price > 99.5).fetch(tx)?),
                    pnames(select!(p for p in Product if p.price == 99.5).fetch(tx)?),
                ))
            },
        );
        let il = vec![12i64, 25];
        ck.eq(
            "P24 price in int list",
            ss(m.products
                .iter()
                .filter(|p| p.price == d("12") || p.price == d("25"))
                .map(|p| p.name)),
            |tx| {
                Ok(pnames(
                    select!(p for p in Product if il.contains(&p.price)).fetch(tx)?,
                ))
            },
        );
        let dl = vec![d("99.50"), d("-5")];
        ck.eq(
            "P24b price in decimal list",
            ss(m.products
                .iter()
                .filter(|p| dl.contains(&p.price))
                .map(|p| p.name)),
            |tx| {
                Ok(pnames(
                    select!(p for p in Product if dl.contains(&p.price)).fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "P25 price in select(i.price for i in OrderItem)",
            ss(m.products
                .iter()
                .filter(|p| m.items.iter().any(|i| i.price == p.price))
                .map(|p| p.name)),
            |tx| {
                let ps = select!(i.price for i in OrderItem);
                Ok(pnames(
                    select!(p for p in Product if ps.contains(&p.price)).fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "P25b price sold at a different price",
            ss(m.products.iter().filter(|p| m.items.iter().any(|i| i.product == p.id && i.price != p.price)).map(|p| p.name)),
            |tx| Ok(pnames(select!(p for p in Product if exists(i for i in p.order_items if i.price != p.price)).fetch(tx)?)),
        );
        // if/match
        ck.eq(
            "P26 sum(if shipped {total} else {0})",
            Some(m.orders.iter().filter(|o| o.state == "SHIPPED").map(|o| o.total).sum::<Decimal>()),
            |tx| select!(sum(if o.state == "SHIPPED" { o.total_price } else { Decimal::ZERO }) for o in Order).one(tx),
        );
        ck.eq(
            "P27 match state",
            sorted(m.orders.iter().map(|o| (o.id, match o.state { "SHIPPED" | "DELIVERED" => 1i64, "CREATED" => 2, _ => 3 })).collect::<Vec<_>>()),
            |tx| Ok(sorted(select!((o.id, match o.state { "SHIPPED" | "DELIVERED" => 1, "CREATED" => 2, _ => 3 }) for o in Order).fetch(tx)?)),
        );
        ck.eq(
            "P27b match discount",
            sorted(m.orders.iter().map(|o| (o.id, match o.discount { None => -1i64, Some(0) => 0, Some(1..=10) => 1, Some(v) => v })).collect::<Vec<_>>()),
            |tx| Ok(sorted(select!((o.id, match o.discount { None => -1, Some(0) => 0, Some(1..=10) => 1, Some(v) => v }) for o in Order).fetch(tx)?)),
        );
        // nested sub-comprehensions, multi-generator sub-comprehension
        ck.eq(
            "P28 exists(o .. if exists(i .. if qty > 10))",
            ss(m.customers.iter().filter(|c| m.items_of_customer(c.id).iter().any(|i| i.quantity > 10)).map(|c| c.name)),
            |tx| Ok(names_of(select!(c for c in Customer if exists(o for o in c.orders if exists(i for i in o.items if i.quantity > 10))).fetch(tx)?)),
        );
        ck.eq(
            "P29 sum(i.quantity for o in c.orders for i in o.items)",
            sorted(m.customers.iter().map(|c| { let it = m.items_of_customer(c.id); (s(c.name), if it.is_empty() { None } else { Some(it.iter().map(|i| i.quantity as i64).sum::<i64>()) }) }).collect::<Vec<_>>()),
            |tx| Ok(sorted(select!((c.name, sum(i.quantity for o in c.orders for i in o.items)) for c in Customer).fetch(tx)?.into_iter().map(|(a, b)| (a, b.map(|b| b as i64))).collect())),
        );
        ck.eq(
            "P30 count(i for o in c.orders for i in o.items if i.price > 100)",
            sorted(m.customers.iter().map(|c| (s(c.name), m.items_of_customer(c.id).iter().filter(|i| i.price > d("100")).count() as i64)).collect::<Vec<_>>()),
            |tx| Ok(sorted(select!((c.name, count(i for o in c.orders for i in o.items if i.price > 100)) for c in Customer).fetch(tx)?)),
        );
        // reference comparisons in a cross join
        ck.eq(
            "P31 (c, p) with p in c.cart_items.product",
            sorted(m.carts.iter().map(|x| (s(m.customer(x.customer).name), s(m.product(x.product).name))).collect::<BTreeSet<_>>().into_iter().collect::<Vec<_>>()),
            |tx| Ok(sorted(select!((c.name, p.name) for c in Customer for p in Product if c.cart_items.product.contains(&p)).fetch(tx)?)),
        );
        ck.eq(
            "P32 o.customer == c cross join",
            sorted(
                m.orders
                    .iter()
                    .map(|o| (s(m.customer(o.customer).name), o.id))
                    .collect::<Vec<_>>(),
            ),
            |tx| {
                Ok(sorted(
                    select!((c.name, o.id) for c in Customer for o in Order if o.customer == c)
                        .fetch(tx)?,
                ))
            },
        );
        // count() rows, count(c) distinct in a join
        ck.eq(
            "P33 count() vs count(c) over c.orders join",
            (
                m.orders.len() as i64,
                m.customers
                    .iter()
                    .filter(|c| !m.orders_of(c.id).is_empty())
                    .count() as i64,
            ),
            |tx| select!((count(), count(c)) for c in Customer for o in c.orders).one(tx),
        );
        // terminals
        ck.eq(
            "P34 grouped q.count()",
            m.customers
                .iter()
                .map(|c| c.country)
                .collect::<BTreeSet<_>>()
                .len() as u64,
            |tx| Ok(select!((c.country, count(c)) for c in Customer).count(tx)? as u64),
        );
        ck.eq("P35 limit(3).count()", 3u64, |tx| {
            Ok(select!(c for c in Customer).limit(3).count(tx)? as u64)
        });
        ck.eq(
            "P36 page(3,3).count()",
            (m.customers.len() - 6) as u64,
            |tx| {
                Ok(select!((c for c in Customer).order_by(|c| c.name))
                    .page(3, 3)
                    .count(tx)? as u64)
            },
        );
        ck.eq("P37 offset past end exists", false, |tx| {
            select!(c for c in Customer).offset(100).exists(tx)
        });
        ck.eq("P38 grouped HAVING exists", false, |tx| {
            select!((c.country, count(c)) for c in Customer if count(c) > 5).exists(tx)
        });
        ck.eq("P39 first of grouped", Some((s("Austria"), 1i64)), |tx| {
            select!((c.country, count(c)) for c in Customer).first(tx)
        });
        ck.eq(
            "P40 first of distinct values with limit",
            Some(s("Austria")),
            |tx| select!(c.country for c in Customer).limit(3).first(tx),
        );
        ck.eq("P41 one on multiple", "MultipleFound", |tx| {
            Ok(
                match select!(c for c in Customer if c.country == "USA").one(tx) {
                    Err(Error::MultipleFound) => "MultipleFound",
                    Err(_) => "other error",
                    Ok(_) => "ok",
                },
            )
        });
        ck.eq("P42 q.count() of distinct values with limit", 2u64, |tx| {
            Ok(select!(c.country for c in Customer).limit(2).count(tx)? as u64)
        });
        ck.eq(
            "P43 count of without_distinct values",
            m.customers.len() as u64,
            |tx| {
                Ok(select!(c.country for c in Customer)
                    .without_distinct()
                    .count(tx)? as u64)
            },
        );
        // group_concat over a collection path
        ck.eq(
            "P44 group_concat of order states per customer (sub-comprehension)",
            sorted(
                m.customers
                    .iter()
                    .map(|c| {
                        let mut st: Vec<String> =
                            m.orders_of(c.id).iter().map(|o| s(o.state)).collect();
                        st.sort();
                        (s(c.name), st)
                    })
                    .collect::<Vec<_>>(),
            ),
            |tx| {
                let v = select!((c.name, group_concat(c.orders.state, ",")) for c in Customer)
                    .fetch(tx)?;
                Ok(sorted(
                    v.into_iter()
                        .map(|(n, g)| {
                            (
                                n,
                                sorted(
                                    g.map(|g| g.split(',').map(s).collect::<Vec<_>>())
                                        .unwrap_or_default(),
                                ),
                            )
                        })
                        .collect(),
                ))
            },
        );
        // min over a collection of dates
        ck.eq(
            "P45 min(c.orders.date_created)",
            sorted(
                m.customers
                    .iter()
                    .map(|c| (s(c.name), m.orders_of(c.id).iter().map(|o| o.created).min()))
                    .collect::<Vec<_>>(),
            ),
            |tx| {
                Ok(sorted(
                    select!((c.name, min(c.orders.date_created)) for c in Customer).fetch(tx)?,
                ))
            },
        );
        // sum over a collection with a negative
        ck.eq(
            "P46 sum(o.items.price) per order (incl. negative)",
            m.orders
                .iter()
                .map(|o| {
                    let it = m.items_of(o.id);
                    (
                        o.id,
                        if it.is_empty() {
                            None
                        } else {
                            Some(it.iter().map(|i| i.price).sum::<Decimal>().normalize())
                        },
                    )
                })
                .collect::<Vec<_>>(),
            |tx| {
                Ok(
                    select!(((o.id, sum(o.items.price)) for o in Order).order_by(|o| o.id))
                        .fetch(tx)?
                        .into_iter()
                        .map(|(a, b)| (a, b.map(|b: Decimal| b.normalize())))
                        .collect(),
                )
            },
        );
        // order_by a collection aggregate on the value side, with ties, distinct country
        ck.eq(
            "P47 customers ordered by count(c.orders) desc, name",
            {
                let mut v: Vec<(i64, &str)> = m
                    .customers
                    .iter()
                    .map(|c| (m.orders_of(c.id).len() as i64, c.name))
                    .collect();
                v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
                v.into_iter().map(|x| s(x.1)).collect::<Vec<_>>()
            },
            |tx| {
                select!(Customer
                    .order_by(|c| (desc(count(c.orders)), c.name))
                    .map(|c| c.name))
                .fetch(tx)
            },
        );
        ck.eq(
            "P48 distinct countries ordered by name length? (order by unselected value)",
            {
                let mut v: Vec<(i64, String)> =
                    m.customers.iter().map(|c| (c.id, s(c.country))).collect();
                v.sort();
                let mut seen = BTreeSet::new();
                v.into_iter()
                    .filter(|x| seen.insert(x.1.clone()))
                    .map(|x| x.1)
                    .collect::<Vec<_>>()
            },
            |tx| select!((c.country for c in Customer).order_by(|c| c.id)).fetch(tx),
        );
        // refinement with a collection aggregate
        ck.eq(
            "P49 refine by count(c.orders)",
            ss(m.customers
                .iter()
                .filter(|c| c.country == "USA" && !m.orders_of(c.id).is_empty())
                .map(|c| c.name)),
            |tx| {
                let q = select!(c for c in Customer if c.country == "USA");
                Ok(names_of(
                    select!(q.filter(|c| count(c.orders) >= 1)).fetch(tx)?,
                ))
            },
        );
        // unwrap_or on rating; is_some_and
        ck.eq(
            "P50 rating.unwrap_or(0.0) >= 0",
            ss(m.products
                .iter()
                .filter(|p| p.rating.unwrap_or(0.0) >= 0.0)
                .map(|p| p.name)),
            |tx| {
                Ok(pnames(
                    select!(p for p in Product if p.rating.unwrap_or(0.0) >= 0.0).fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "P51 avg(rating) per category (NULLs skipped)",
            sorted_f(
                m.cats
                    .iter()
                    .filter(|(id, _)| m.products.iter().any(|p| p.cats.contains(id)))
                    .map(|(id, n)| {
                        let rs: Vec<f64> = m
                            .products
                            .iter()
                            .filter(|p| p.cats.contains(id))
                            .filter_map(|p| p.rating)
                            .collect();
                        (
                            s(n),
                            if rs.is_empty() {
                                None
                            } else {
                                Some(rs.iter().sum::<f64>() / rs.len() as f64)
                            },
                        )
                    })
                    .collect(),
            ),
            |tx| {
                Ok(sorted_f(
                    select!((c.name, avg(p.rating)) for c in Category for p in c.products)
                        .fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "P52 avg(c.products.rating) per category (collection)",
            sorted_f(
                m.cats
                    .iter()
                    .map(|(id, n)| {
                        let rs: Vec<f64> = m
                            .products
                            .iter()
                            .filter(|p| p.cats.contains(id))
                            .filter_map(|p| p.rating)
                            .collect();
                        (
                            s(n),
                            if rs.is_empty() {
                                None
                            } else {
                                Some(rs.iter().sum::<f64>() / rs.len() as f64)
                            },
                        )
                    })
                    .collect(),
            ),
            |tx| {
                Ok(sorted_f(
                    select!((c.name, avg(c.products.rating)) for c in Category).fetch(tx)?,
                ))
            },
        );
        // orders of customers with a cart item (semi-join through two relations)
        ck.eq(
            "P53 orders whose customer has a cart",
            m.orders
                .iter()
                .filter(|o| m.carts.iter().any(|x| x.customer == o.customer))
                .map(|o| o.id)
                .collect::<Vec<_>>(),
            |tx| {
                Ok(oids(
                    select!(o for o in Order if exists(o.customer.cart_items)).fetch(tx)?,
                ))
            },
        );
        ck.eq(
            "P54 count(o.customer.orders) per order",
            m.orders
                .iter()
                .map(|o| (o.id, m.orders_of(o.customer).len() as i64))
                .collect::<Vec<_>>(),
            |tx| {
                select!(((o.id, count(o.customer.orders)) for o in Order).order_by(|o| o.id))
                    .fetch(tx)
            },
        );
        ck.finish();
        Ok(())
    });
}
