use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub price: i64,
}

fn main() {
    // Grouped by the products themselves, one row each: each compared with itself.
    let _q = select!(p for p in Product if p.price > avg(p.price));
    let _r = select!(Product.filter(|p| count(p) > 1));
    // The overall average, through a sub-comprehension, is fine.
    let _s = select!(p for p in Product if p.price > avg(q.price for q in Product));
}
// mistakes: 2
