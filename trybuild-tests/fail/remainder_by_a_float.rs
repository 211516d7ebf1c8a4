use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub stock: i64,
}

fn main() {
    // `%` takes integers on both sides (SQLite would truncate 2.5 to 2).
    let _q = select!(p.id for p in Product if p.stock % 2.5 == 1);
}
