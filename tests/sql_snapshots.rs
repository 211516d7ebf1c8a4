//! The SQL Colt renders, pinned per dialect (insta snapshots in `tests/snapshots/`): every
//! kind of query and every statement about objects and relationships, so that a change of
//! rendered SQL shows in review. After a deliberate change: `INSTA_UPDATE=always cargo test
//! --test sql_snapshots`, then review the diff of `tests/snapshots/`.

use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Category {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(unique)]
    pub name: String,
    pub products: Set<Product>,
}

#[derive(Entity, Debug, Clone)]
pub struct Supplier {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub products: Set<Product>,
}

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub price: i64,
    pub weight: f32,
    pub discount: Option<i64>,
    pub category: Ref<Category>,
    pub supplier: Option<Ref<Supplier>>,
    pub tags: Set<Tag>,
}

#[derive(Entity, Debug, Clone)]
pub struct Tag {
    #[colt(primary_key)]
    pub name: String,
    pub products: Set<Product>,
}

#[derive(Entity, Debug, Clone)]
pub struct Person {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub passport: Option<Ref<Passport>>,
}

#[derive(Entity, Debug, Clone)]
pub struct Passport {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub number: String,
    pub person: Ref<Person>,
}

/// Every statement Colt writes about an entity, in both dialects.
fn statements(meta: &'static colt::EntityMeta) -> String {
    both(|d| {
        colt::__private::statements_of(meta, d)
            .into_iter()
            .map(|(what, sql)| format!("{what}: {sql}"))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// Both dialects of one statement, for one snapshot.
fn both(render: impl Fn(Dialect) -> String) -> String {
    format!(
        "-- sqlite\n{}\n-- postgres\n{}\n",
        render(Dialect::Sqlite),
        render(Dialect::Postgres)
    )
}

#[test]
fn queries() {
    let max = 500;
    let ids = vec![1i64, 2];
    let maybe: Vec<Option<i64>> = vec![None, Some(100)];
    let some: Option<i64> = Some(10);
    let word = "tea";
    let light = 0.5f64;

    insta::assert_snapshot!(
        "filter_order_limit",
        both(|d| select!((p for p in Product if p.price < max)
            .order_by(|p| (desc(p.price), p.name)))
        .limit(10)
        .offset(5)
        .sql(d))
    );
    insta::assert_snapshot!(
        "navigation_inner_and_left",
        both(
            |d| select!((p.name, p.category.name, p.supplier.name) for p in Product
            if p.category.name == "Books")
            .sql(d)
        )
    );
    insta::assert_snapshot!(
        "navigation_to_the_key_is_not_joined",
        both(|d| select!(p.name for p in Product if p.category.id == 1).sql(d))
    );
    insta::assert_snapshot!(
        "group_by_having",
        both(
            |d| select!((p.category, count(p), sum(p.price), avg(p.price)) for p in Product
            if count(p) > 1)
            .sql(d)
        )
    );
    insta::assert_snapshot!(
        "sibling_aggregates_over_a_collection_path",
        both(|d| {
            select!((c.name, count(c.products), count(c.products.tags), sum(c.products.price))
            for c in Category
            if count(c.products) >= 2 && exists(c.products.tags))
            .sql(d)
        })
    );
    insta::assert_snapshot!(
        "sub_comprehensions",
        both(|d| select!(c.name for c in Category
            if exists(p for p in c.products if p.price > max)
            && !(p.name for p in c.products if p.price > max).contains(&c.name)
            && max < sum(p.price for p in c.products if p.name.contains(word)))
        .sql(d))
    );
    insta::assert_snapshot!(
        "generator_over_collections",
        both(
            |d| select!((c.name, t.name) for c in Category for p in c.products for t in p.tags)
                .sql(d)
        )
    );
    insta::assert_snapshot!(
        "membership_and_option_parameters",
        both(|d| select!(p.name for p in Product
            if ids.contains(&p.id) && maybe.contains(&p.discount) && p.discount == some
            && !(p.discount != some))
        .sql(d))
    );
    insta::assert_snapshot!(
        "text_arithmetic_and_f32",
        both(|d| select!(p.name for p in Product
            if p.name.starts_with(word) && p.name.ends_with(word) && p.name.to_lowercase().len() > 3
            && p.price / 2 % 3 == 1 && -p.price < 0 && p.weight < light && !p.name.contains(word))
        .sql(d))
    );
    insta::assert_snapshot!(
        "distinct_ordered_by_an_unselected_attribute",
        both(|d| select!((p.category.name for p in Product).order_by(|p| p.price)).sql(d))
    );
    insta::assert_snapshot!(
        "distinct_ordered_by_two_unselected_attributes",
        both(|d| select!((p.category.name for p in Product)
            .order_by(|p| (p.price, desc(p.weight))))
        .sql(d))
    );
    insta::assert_snapshot!(
        "count_and_first",
        both(|d| {
            let q = select!(p for p in Product if p.price > max).distinct();
            format!(
                "{}\n{}",
                q.count_sql(d),
                select!(p.name for p in Product).count_sql(d)
            )
        })
    );
    insta::assert_snapshot!(
        "for_update",
        both(|d| select!(p for p in Product if p.price > max)
            .for_update()
            .sql(d))
    );
    insta::assert_snapshot!(
        "bulk_delete",
        both(|d| select!(p for p in Product
            if p.category.name == "Tea" && p.tags.is_empty())
        .delete_sql(d))
    );
    insta::assert_snapshot!(
        "bulk_delete_distinct_limited",
        both(
            |d| select!((p for p in Product for t in p.tags if p.price > max && t.name != "x")
            .order_by(|p, _t| p.price)
            .limit(2))
            .delete_sql(d)
        )
    );
    insta::assert_snapshot!(
        "bulk_update_grouped",
        both(
            |d| select!((p for p in Product for t in p.tags if p.price > max && count(t) > 1)
            .set(|p, _t| p.price = p.price + 1))
            .update_sql(d)
        )
    );
    insta::assert_snapshot!(
        "one_to_one_reverse_side",
        both(
            |d| select!((p.name, p.passport.number) for p in Person if p.passport.is_none()).sql(d)
        )
    );
    insta::assert_snapshot!(
        "refinement",
        both(|d| {
            let q = select!(p for p in Product if p.price > max);
            let low = 10;
            select!(q.filter(|p| p.price < max * 2 && p.category.name != "x" && p.price > low))
                .sql(d)
        })
    );
}

/// Every statement Colt writes about objects and relationships of each entity.
/// The rest of the language (issue 14): mixed numbers, casts, functions, conditionals,
/// text, distinct aggregates, NULL placement.
#[test]
fn language() {
    let half = 0.5f64;
    insta::assert_snapshot!(
        "bulk_update",
        both(|d| select!(Product
            .filter(|p| p.price < 500 && p.category.name == "tea")
            .set(|p| {
                p.price = p.price * 2;
                p.discount = None
            }))
        .update_sql(d))
    );
    insta::assert_snapshot!(
        "match",
        both(|d| select!(match p.discount {
            None => 0,
            Some(1..=5) | Some(10) => 1,
            Some(_) if p.price > half => 2,
            _ => 3,
        } for p in Product)
        .sql(d))
    );
    insta::assert_snapshot!(
        "option_tests",
        both(|d| select!(p.id for p in Product
            if p.discount.is_some_and(|x| x > 10) || p.discount.is_none_or(|x| x < half))
        .sql(d))
    );
    insta::assert_snapshot!(
        "numbers_casts_and_functions",
        both(
            |d| select!((p.price * p.weight, p.price as f64 / 4, p.weight as i64,
            p.weight.abs(), p.weight.round()) for p in Product if p.price > half)
            .sql(d)
        )
    );
    insta::assert_snapshot!(
        "left_join",
        both(
            |d| select!(left_join((c.name, p.name, t.name) for c in Category
            for p in c.products for t in p.tags))
            .sql(d)
        )
    );
    insta::assert_snapshot!(
        "nulls_placement_and_random_order",
        both(|d| select!((p for p in Product)
            .order_by(|p| (nulls_last(p.discount), nulls_first(desc(p.weight)), random())))
        .sql(d))
    );
    insta::assert_snapshot!(
        "conditionals",
        both(|d| select!((p.discount.unwrap_or(0),
            if p.price > 100 { "dear" } else if p.price > 10 { "fair" } else { "cheap" })
            for p in Product)
        .sql(d))
    );
    insta::assert_snapshot!(
        "text_functions",
        both(|d| {
            select!((p.name + " #" + &p.category.name, p.name.trim_start(),
            p.name.trim_end(), p.name.replace("a", "b"), &p.name[1..3], &p.name[2..]) for p in Product
            if p.name.like("T%"))
            .sql(d)
        })
    );
    insta::assert_snapshot!(
        "distinct_aggregates_and_nulls_placement",
        both(
            |d| select!(((p.category, count_distinct(p.price), sum_distinct(p.price),
            avg_distinct(p.price), group_concat(p.name, ", ")) for p in Product)
            .order_by(|p| nulls_first(desc(sum_distinct(p.price)))))
            .sql(d)
        )
    );
}

#[test]
fn statements_about_objects() {
    let entities = [
        ("category", <Category as colt::Entity>::meta()),
        ("product", <Product as colt::Entity>::meta()),
        ("tag", <Tag as colt::Entity>::meta()),
        ("person", <Person as colt::Entity>::meta()),
        ("passport", <Passport as colt::Entity>::meta()),
    ];
    // Pairing is worked out against bound entities.
    let db = Database::open("sqlite::memory:").expect("open");
    db.bind(schema![Category, Supplier, Product, Tag, Person, Passport])
        .expect("bind");
    for (name, meta) in entities {
        insta::assert_snapshot!(format!("statements_{name}"), statements(meta));
    }
}

#[derive(Entity, Debug, Clone)]
pub struct Line {
    #[colt(primary_key)]
    pub order_id: i64,
    #[colt(primary_key)]
    pub no: i32,
    pub qty: i64,
    #[colt(cascade_delete)]
    pub shipments: Set<Shipment>,
}

#[derive(Entity, Debug, Clone)]
pub struct Shipment {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub line: Ref<Line>,
    pub carrier: String,
}

#[test]
fn composite_references() {
    insta::assert_snapshot!(
        "composite_reference_join",
        both(|d| select!(s.carrier for s in Shipment if s.line.qty > 1).sql(d))
    );
    insta::assert_snapshot!(
        "composite_reference_collection",
        both(|d| select!((l.no, count(l.shipments)) for l in Line).sql(d))
    );
    let db = Database::open("sqlite::memory:").expect("open");
    db.bind(schema![Line, Shipment]).expect("bind");
    for (name, meta) in [
        ("line", <Line as colt::Entity>::meta()),
        ("shipment", <Shipment as colt::Entity>::meta()),
    ] {
        insta::assert_snapshot!(format!("statements_{name}"), statements(meta));
    }
}

#[test]
fn query_values() {
    let min = 10;
    let pricey =
        select!((p.category.id for p in Product if p.price > min).order_by(|p| desc(p.price)))
            .limit(3);
    let name = "tea";
    insta::assert_snapshot!(
        "query_value_in_a_query",
        both(
            |d| select!(c.name for c in Category if c.name != name && pricey.contains(&c.id))
                .sql(d)
        )
    );
}

#[hybrid]
impl Product {
    #[allow(clippy::nonminimal_bool)]
    fn is_cheap(&self) -> bool {
        self.price < 100 && self.name != "it's" && true
    }

    fn light(&self) -> bool {
        self.weight < 0.1
    }
}

#[test]
fn hybrid_methods() {
    insta::assert_snapshot!(
        "hybrid_method",
        both(|d| select!(p.name for p in Product if p.is_cheap() || p.light()).sql(d))
    );
}
