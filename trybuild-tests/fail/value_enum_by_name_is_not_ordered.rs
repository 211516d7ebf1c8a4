use colt::prelude::*;

#[derive(Value, Debug, Clone, Copy, PartialEq)]
enum Status {
    Open,
    Closed,
}

#[derive(Entity, Debug, Clone)]
struct Ticket {
    #[colt(primary_key, auto)]
    id: i64,
    status: Status,
}

fn main() {
    let _ = select!(t for t in Ticket if t.status < Status::Closed);
}

fn greatest() {
    let _ = select!(max(t.status) for t in Ticket);
}

// mistakes: 2
