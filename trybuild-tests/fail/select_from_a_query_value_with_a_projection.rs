use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Product {
    #[colt(primary_key, auto)]
    id: i64,
    name: String,
    price: i64,
}

fn main() {
    let cheap = select!(p for p in Product if p.price < 10);
    // A query value's rows can be refined, not given a new projection (yet).
    let _ = select!(p.name for p in cheap if p.price > 1);
}
