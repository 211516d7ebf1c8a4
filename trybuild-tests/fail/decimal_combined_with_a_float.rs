use colt::prelude::*;
use rust_decimal::Decimal;

#[derive(Entity, Debug, Clone)]
pub struct Line {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub price: Decimal,
    pub weight: f64,
}

fn main() {
    // A decimal times a binary float would not be exact: refused.
    let _q = select!(l.price * l.weight for l in Line);
}
