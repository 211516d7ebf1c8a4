use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Event {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub at: std::time::Duration,
}

fn main() {}
