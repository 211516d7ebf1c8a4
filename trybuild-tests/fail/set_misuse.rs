use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Shelf {
    #[colt(primary_key)]
    id: i64,
    name: String,
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
    // Text into an integer attribute.
    let _ = select!(Item.set(|i| i.price = "free"));
    // A path through a reference: set that object instead.
    let _ = select!(Item.set(|i| i.shelf.name = "x"));
    // Not an assignment.
    let _ = select!(Item.set(|i| i.price * 2));
}

fn null_into_a_required_attribute() {
    let _ = select!(Item.set(|i| i.price = None));
}

fn assigned_twice() {
    let _ = select!(Item.set(|i| {
        i.price = 100;
        i.price += 1;
    }));
}

// mistakes: 5
