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
    pub lines: Set<Line>,
}

#[derive(Entity, Debug, Clone)]
pub struct Line {
    #[colt(primary_key)]
    pub id: i64,
    pub bill: Ref<Bill>,
}

fn main() {
    // Named as the query returns them, not in generator order.
    let _a = select!(((b, c) for c in Client for b in c.bills).filter(|b, c| b.id >= 2));
    // One argument named as another position's variable (`b` would be the client).
    let _b = select!((b for c in Client for b in c.bills).filter(|b, _c| b.id >= 2));
    // Other names, over a query that returns its variables out of generator order.
    let _c = select!(((b, c) for c in Client for b in c.bills).order_by(|x, y| x.id));
    // Three variables: `l` named in its place settles nothing (the projection does not move
    // it); `x` and `y` are still ambiguous.
    let _i = select!(((b, a, l) for a in Client for b in a.bills for l in b.lines)
        .filter(|x, y, l| x.id > 1));
    // In `.set` too.
    let _d = select!((b for c in Client for b in c.bills).set(|b, c| b.amount = 0));
    // In generator order, or naming at least one variable in its place: accepted.
    let _e = select!(((b, c) for c in Client for b in c.bills).filter(|c, b| b.id >= 2));
    let _f = select!(((c, b) for c in Client for b in c.bills).filter(|x, y| y.id >= 2));
    let _g = select!(((b, c) for c in Client for b in c.bills).order_by(|c, _b| c.name));
    let _h = select!(((b, c) for c in Client for b in c.bills).order_by(|_c, bill| bill.id));
    // A variable named with an underscore is named so.
    let _j = select!(((b, _c) for _c in Client for b in _c.bills).filter(|_c, b| b.id > 1));
}
// mistakes: 5
