use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Note {
    #[colt(primary_key)]
    id: i64,
    #[colt(columns("A", "B"))]
    text: String,
}

fn main() {}
