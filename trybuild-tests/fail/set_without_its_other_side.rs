use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Employee {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub reports: Set<Employee>,
}

fn main() {}
