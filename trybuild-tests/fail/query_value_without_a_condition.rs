use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Product {
    #[colt(primary_key)]
    id: i64,
    price: i64,
}

fn main() {
    let prices = select!(p.price for p in Product);
    // Selecting from a query value refines it; without a condition there is nothing to refine.
    let _ = select!(x as f64 for x in prices);
}
