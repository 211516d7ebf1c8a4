use colt::prelude::*;

#[derive(Value, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd)]
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

/// An entity keyed by such an enum: a reference to it orders by the key.
#[derive(Entity, Debug, Clone)]
struct Stage {
    #[colt(primary_key)]
    status: Status,
    tasks: Set<Task>,
}

#[derive(Entity, Debug, Clone)]
struct Task {
    #[colt(primary_key, auto)]
    id: i64,
    stage: Ref<Stage>,
}

fn by_reference() {
    let _ = select!((t for t in Task).order_by(|t| t.stage));
}

fn optional() {
    let _ = select!((t for t in Ticket).order_by(|t| desc(t.previous)));
}

// mistakes: 3
