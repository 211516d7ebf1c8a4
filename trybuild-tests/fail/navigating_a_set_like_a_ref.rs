use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Category {
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
    pub category: Ref<Category>,
}

fn main() {
    let _q = select!(c for c in Category if c.products.name == "Dune");
}
