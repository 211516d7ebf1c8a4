use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub price: i64,
}

fn main() {
    let _q = select!(Product.order_by(|p| desc(count(p))));
    // An attribute, not a collection: the query's own rows again.
    let _r = select!(Product.order_by(|p| max(p.price)));
}
// mistakes: 2
