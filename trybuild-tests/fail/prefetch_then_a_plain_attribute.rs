use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Customer {
    #[colt(primary_key)]
    id: i64,
    name: String,
    invoices: Set<Invoice>,
}

#[derive(Entity, Debug, Clone)]
struct Invoice {
    #[colt(primary_key)]
    id: i64,
    total: i64,
    customer: Ref<Customer>,
}

fn main() {
    // A path goes on `.with` a collection or a reference, not an attribute.
    let _ = select!(c for c in Customer).prefetch(|c| c.invoices().with(|i| i.total()));
}
