//! Every query form of SPEC §4 that this version supports keeps compiling.
use colt::prelude::*;
use std::collections::HashSet;

#[derive(Entity, Debug, Clone)]
pub struct Category {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(unique)]
    pub name: String,
}

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub price: i64,
    pub description: Option<String>,
    pub category_id: i64,
    pub rating: Option<f64>,
}

fn cheap(max: i64) -> Query<Obj<Product>> {
    select!(p for p in Product if p.price <= max)
}

fn main() {
    let max = 10;
    let word = String::from("tea");
    let ids = vec![1i64, 2];
    let set: HashSet<String> = HashSet::new();
    let none: Option<i64> = None;
    let _: Query<Obj<Product>> = select!(p for p in Product if p.price < max && p.name == "Books");
    let _: Query<(String, String)> =
        select!((p.name, c.name) for p in Product for c in Category if p.category_id == c.id);
    let _: Query<(String, i64)> = select!(Product.filter(|p| p.price < max).map(|p| (p.name, p.price)));
    let _ = select!((p for p in Product if p.price > 10).order_by(|p| (desc(p.price), p.name)).limit(10));
    let _ = select!(Product.filter(|p| p.price > 10).order_by(|p| desc(p.price)).offset(20).limit(10).distinct());
    let _ = select!(Product.without_distinct());
    let _ = select!(p for p in Product if p.description.is_none() || p.description == None);
    let _ = select!(p for p in Product if p.name.starts_with(&word) && p.name.ends_with("x") && p.name.contains(word.as_str()));
    let _ = select!(p for p in Product if p.name.to_lowercase().trim().len() > 3 && p.name.to_uppercase() != "X");
    let _ = select!(p for p in Product if ids.contains(&p.id) && !set.contains(&p.name) && word.contains(&p.name));
    let _ = select!(p for p in Product if p.rating > 2.5 && p.price % 2 == 0 && -p.price < 0 && p.category_id == none);
    let _: Query<i64> = select!(count(p) for p in Product);
    let _: Query<Option<i64>> = select!(sum(p.price) for p in Product);
    let _: Query<Option<f64>> = select!(avg(p.price) for p in Product);
    let _: Query<(Option<String>, Option<f64>)> = select!(Product.map(|p| (min(p.name), max(p.rating))));
    let _: Query<(i64, i64)> = select!((p.category_id, count()) for p in Product if count() > 1);
    let mut q = cheap(5);
    q = select!(q.filter(|p| p.name.contains(&word)));
    q = select!(q.order_by(|p| p.name));
    let _ = select!(cheap(3).filter(|x| x.price > 1));
    let _ = q.page(2, 10).sql(Dialect::Postgres);
}
