use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Product {
    #[colt(primary_key)]
    id: i64,
    name: String,
    price: i64,
}

fn main() {
    // The scrutinee is tested by every arm: its mistake is reported once.
    let _ = select!(match p.name.trimm() { "a" => 1, "b" => 2, "c" => 3, _ => 0 } for p in Product);
}
