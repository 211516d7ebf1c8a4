use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Shelf {
    #[colt(primary_key)]
    id: i64,
    items: Set<Item>,
}

#[derive(Entity, Debug, Clone)]
struct Item {
    #[colt(primary_key)]
    id: i64,
    shelf: Option<Ref<Shelf>>,
    price: i64,
}

fn main() {
    // A bulk `set` of a reference (the loaded collections would not follow): said at the
    // attribute, not inside Colt.
    let _ = select!((i for i in Item if i.price > 10).set(|i| i.shelf = None));
}

fn to_an_object(s: Obj<Shelf>) {
    let _ = select!(Item.set(|i| i.shelf = s));
}

// mistakes: 2
