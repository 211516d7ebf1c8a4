use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub price: i64,
    pub categories: Set<Category>,
}

#[derive(Entity, Debug, Clone)]
pub struct Category {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub products: Set<Product>,
}

fn main() {
    // The arguments are the variables in generator order: `a` is the product.
    let _q = select!((p for p in Product for c in p.categories)
        .filter(|a: &Category, b: &Product| a.name == "x" && b.price > 1));
    let _r = select!(Product.filter(|p: &Category| p.name == "x"));
    // Annotations that name the variables' own entities are fine.
    let _s = select!(Product.filter(|p: &Product| p.price > 1));
}
// mistakes: 2
