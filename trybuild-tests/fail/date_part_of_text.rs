use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Invoice {
    #[colt(primary_key, auto)]
    id: i64,
    // A date kept as text: no date parts in queries.
    issued: String,
}

fn main() {
    let _ = select!(i for i in Invoice if i.issued.year() == 2024);
}
