// mistakes: 2
use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub price: i64,
}

fn main() {
    let _top_in_stock = select!(Product.order_by(|p| desc(p.price)).limit(2).filter(|p| p.price > 1));
    let _by_name = select!((p for p in Product).page(2, 10).order_by(|p| p.name));
}
