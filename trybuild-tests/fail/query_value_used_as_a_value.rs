use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Product {
    #[colt(primary_key)]
    id: i64,
    name: String,
    price: i64,
}

fn main() {
    let cheap = select!(p for p in Product if p.price < 10);
    // A query value is not one value: each use is one error, at the value.
    let _ = select!(p for p in Product if p.name.starts_with(cheap));
    let _ = select!(p for p in Product if p.name == cheap);
    let _ = select!(p for p in Product if p.price as f64 > cheap as f64);
    let _ = select!((p.name, cheap) for p in Product);
}
// mistakes: 4
