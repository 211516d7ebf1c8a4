use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Shelf {
    #[colt(primary_key)]
    id: i64,
    limit: Option<i64>,
    items: Set<Item>,
}

#[derive(Entity, Debug, Clone)]
struct Item {
    #[colt(primary_key)]
    id: i64,
    shelf: Ref<Shelf>,
    price: i64,
}

fn main() {
    let v = 0;
    // `v` inside the sub-comprehension would be this Rust `v`, not the matched value.
    let _ = select!(match s.limit {
        Some(v) => count(i for i in s.items if i.price < v),
        _ => -1,
    } for s in Shelf);
    let _ = v;
}
