use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub price: i64,
    pub description: Option<String>,
}

fn main() {
    let _q = select!(p for p in Product if p.name.repeat(2) == "x");
}
