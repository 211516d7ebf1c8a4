// `%` of floats: SQLite truncates both sides to integers, PostgreSQL has no such operator.
use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Reading {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub value: f64,
}

fn main() {
    let _q = select!(r.value % 2.0 for r in Reading);
}
