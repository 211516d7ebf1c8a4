use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Person {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    #[colt(reverse = "friends")]
    pub friends: Set<Person>,
}

fn main() {}
