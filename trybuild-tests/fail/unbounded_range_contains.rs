use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub price: i64,
}

fn main() {
    // A range with no bound holds every value: said at the range.
    let _q = select!(p.name for p in Product if (..).contains(&p.price));
    // Bounds of another type than the value: one mistake each, said at each bound.
    let _r = select!(p.name for p in Product if ("a"..="z").contains(&p.price));
}
// mistakes: 3
