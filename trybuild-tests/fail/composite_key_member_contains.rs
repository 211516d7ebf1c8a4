use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Basket {
    #[colt(primary_key)]
    id: i64,
    items: Set<Item>,
}

#[derive(Entity, Debug, Clone)]
struct Item {
    #[colt(primary_key)]
    shelf: i32,
    #[colt(primary_key)]
    slot: i32,
    basket: Ref<Basket>,
}

fn main() {
    // An item's key is two columns: membership by key is not one value's test.
    let _ = select!((b.id, i.slot) for b in Basket for i in Item if b.items.contains(i));
}
