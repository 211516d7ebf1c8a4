use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Order {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(cascade_delete)]
    pub customer: Ref<Customer>,
}

#[derive(Entity, Debug, Clone)]
pub struct Customer {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub orders: Set<Order>,
}

fn main() {}
