use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Shelf {
    #[colt(primary_key)]
    id: i64,
    items: Set<Item>,
    lines: Set<Line>,
}

#[derive(Entity, Debug, Clone)]
struct Line {
    #[colt(primary_key)]
    shelf: Ref<Shelf>,
    #[colt(primary_key)]
    no: i32,
    refunds: Set<Refund>,
}

#[derive(Entity, Debug, Clone)]
struct Refund {
    #[colt(primary_key)]
    id: i64,
    line: Option<Ref<Line>>,
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

fn a_composite_reference() {
    // A reference to an entity with a composite key: the same one error.
    let _ = select!(Refund.set(|r| r.line = None));
}

// mistakes: 3
