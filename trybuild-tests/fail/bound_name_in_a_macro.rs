use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Item {
    #[colt(primary_key)]
    id: i64,
    discount: Option<i64>,
    size: Option<i64>,
}

fn main() {
    let d = 0;
    let v = 0;
    // Inside `matches!`, `d` and `v` would be these Rust variables, not the tested values:
    // the query would compare 0 with 10 and 20 and silently keep no row.
    let _ = select!(i for i in Item if i.discount.is_some_and(|d| matches!(d, 10 | 20)));
    let _ = select!(match i.size {
        Some(v) if matches!(v, 1..=5) => 1,
        _ => 0,
    } for i in Item);
    let _ = (d, v);
}

// mistakes: 2
