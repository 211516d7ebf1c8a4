use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Tag {
    #[colt(primary_key, auto)]
    pub name: String,
}

fn main() {}
