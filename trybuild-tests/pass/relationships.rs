//! The relationship forms of SPEC §2 and §4 keep compiling.
use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Category {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    #[colt(cascade_delete)]
    pub products: Set<Product>,
}

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub price: i64,
    pub category: Ref<Category>,
    pub tags: Set<Tag>,
    #[colt(reverse = "reports")]
    pub manager: Option<Ref<Product>>,
    #[colt(reverse = "manager")]
    pub reports: Set<Product>,
}

#[derive(Entity, Debug, Clone)]
pub struct Tag {
    #[colt(primary_key)]
    pub name: String,
    pub products: Set<Product>,
}

fn main() {
    let books: Option<Obj<Category>> = None;
    let _: Query<String> = select!(p.name for p in Product if p.category.name == "Books");
    let _: Query<(String, Obj<Category>)> = select!((p.name, p.category) for p in Product);
    let _: Query<Option<Obj<Product>>> = select!(p.manager for p in Product);
    let _: Query<Option<String>> = select!(p.manager.name for p in Product);
    let _ = select!(p for p in Product for c in Category if p.category == c);
    let _ = select!(p for p in Product if p.category == books);
    let _ = select!(t.name for p in Product for t in p.tags);
    let _: Query<(String, i64, Option<i64>)> =
        select!((c.name, count(c.products), sum(c.products.price)) for c in Category);
    let _ = select!(c for c in Category if c.products.is_empty() || exists(p for p in c.products if p.price > 1));
    let _ = select!(c for c in Category if c.products.price.contains(&5) && c.products.tags.name.contains(&"x"));
    let _ = select!(p for p in Product if (c for c in Category if c.name.starts_with("B")).contains(&p.category));
    let _: Query<(String, Option<i64>)> = select!((c.name, sum(p.price for p in c.products if p.price > 10)) for c in Category);
}
