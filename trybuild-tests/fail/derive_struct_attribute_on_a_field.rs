use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Note {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(table = "notes")]
    pub text: String,
}

fn main() {}
