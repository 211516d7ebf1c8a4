use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_ky, auto)]
    pub id: i64,
    #[colt(uniqe)]
    pub name: String,
}

fn main() {}

// mistakes: 2
