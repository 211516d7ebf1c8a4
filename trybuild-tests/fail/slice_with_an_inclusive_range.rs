use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
}

fn main() {
    // Byte positions are half-open, as Rust's: `..=2` is refused.
    let _q = select!(&p.name[..=2] for p in Product);
}
