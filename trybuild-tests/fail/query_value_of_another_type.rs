use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Product {
    #[colt(primary_key, auto)]
    id: i64,
    name: String,
    price: i64,
}

fn main() {
    let names = select!(p.name for p in Product);
    // A query of names cannot hold a price.
    let _ = select!(p for p in Product if names.contains(&p.price));
}
