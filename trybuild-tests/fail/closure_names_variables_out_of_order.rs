use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Client {
    #[colt(primary_key)]
    pub id: i64,
    pub name: String,
    pub bills: Set<Bill>,
}

#[derive(Entity, Debug, Clone)]
pub struct Bill {
    #[colt(primary_key)]
    pub id: i64,
    pub amount: i64,
    pub client: Ref<Client>,
}

fn main() {
    // Named as the query returns them, not in generator order.
    let _a = select!(((b, c) for c in Client for b in c.bills).filter(|b, c| b.id >= 2));
    // Other names, over a query that returns its variables out of generator order.
    let _b = select!(((b, c) for c in Client for b in c.bills).order_by(|x, y| x.id));
    // In generator order: accepted.
    let _c = select!(((b, c) for c in Client for b in c.bills).filter(|c, b| b.id >= 2));
    let _d = select!(((c, b) for c in Client for b in c.bills).filter(|x, y| y.id >= 2));
}
// mistakes: 2
