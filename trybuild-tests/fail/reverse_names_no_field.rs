use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Employee {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(reverse = "reprts")]
    pub manager: Option<Ref<Employee>>,
    pub reports: Set<Employee>,
}

fn main() {}

// mistakes: 2
