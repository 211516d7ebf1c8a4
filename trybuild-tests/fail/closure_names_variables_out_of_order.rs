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
    // One argument named as another position's variable (`b` would be the client).
    let _b = select!((b for c in Client for b in c.bills).filter(|b, _c| b.id >= 2));
    // Other names, over a query that returns its variables out of generator order.
    let _c = select!(((b, c) for c in Client for b in c.bills).order_by(|x, y| x.id));
    // In `.set` too.
    let _d = select!((b for c in Client for b in c.bills).set(|b, c| b.amount = 0));
    // In generator order, or naming at least one variable in its place: accepted.
    let _e = select!(((b, c) for c in Client for b in c.bills).filter(|c, b| b.id >= 2));
    let _f = select!(((c, b) for c in Client for b in c.bills).filter(|x, y| y.id >= 2));
    let _g = select!(((b, c) for c in Client for b in c.bills).order_by(|c, _b| c.name));
    let _h = select!(((b, c) for c in Client for b in c.bills).order_by(|_c, bill| bill.id));
}
// mistakes: 4
