use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Note {
    pub id: i64,
    pub text: String,
}

fn main() {}
