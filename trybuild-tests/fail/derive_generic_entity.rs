use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Boxed<T> {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub value: T,
}

fn main() {}
