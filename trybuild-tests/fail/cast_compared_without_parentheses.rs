use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub price: i64,
    pub in_stock: bool,
    pub description: Option<String>,
}

#[derive(Entity, Debug, Clone)]
pub struct Customer {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub country: String,
}


fn main() {
    // Rust reads `f64 < 3.0` as a type with generic arguments: the cast needs parentheses.
    let _q = select!(p for p in Product if p.price as f64 < 3.0);
}
