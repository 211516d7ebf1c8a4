use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Product {
    #[colt(primary_key)]
    id: i64,
    name: String,
    price: i64,
}

fn main() {
    // Two mistakes: each reported on its own token, neither hiding the other.
    let _ = select!(p for p in Product if p.price.squared() > 1 && p.name.shout() == "x");
}

// mistakes: 2
