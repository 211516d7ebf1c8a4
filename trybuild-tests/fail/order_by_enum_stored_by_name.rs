use colt::prelude::*;

#[derive(Value, Debug, Clone, Copy, PartialEq, PartialOrd)]
enum Status {
    Open,
    Closed,
}

#[derive(Entity, Debug, Clone)]
struct Ticket {
    #[colt(primary_key, auto)]
    id: i64,
    status: Status,
    previous: Option<Status>,
}

fn main() {
    // SQL would order the names (`closed` before `open`), Rust the variants.
    let _ = select!((t for t in Ticket).order_by(|t| t.status));
}

fn optional() {
    let _ = select!((t for t in Ticket).order_by(|t| desc(t.previous)));
}

// mistakes: 2
