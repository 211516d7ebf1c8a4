use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub price: i64,
    pub description: Option<String>,
}

// Another entity with a field of the same name: the error still names the field plainly.
#[derive(Entity, Debug, Clone)]
pub struct Offer {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub price: i64,
}

fn main() {
    let db = Database::open("sqlite::memory:").unwrap();
    let tx = db.begin().unwrap();
    let _ = Product::build().name("Tea").insert(&tx);
    let _ = Offer::build().insert(&tx);
}

// mistakes: 2
