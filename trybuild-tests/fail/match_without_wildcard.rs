use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Sale {
    #[colt(primary_key)]
    id: i64,
    quantity: i64,
}

fn main() {
    // No `_` arm: the database may hold a value no arm names.
    let _ = select!(match s.quantity { 1 => "one", 2 => "two" } for s in Sale);
    // A binding before the last arm.
    let _ = select!(match s.quantity { n => 0, _ => 1 } for s in Sale);
}

// mistakes: 2
