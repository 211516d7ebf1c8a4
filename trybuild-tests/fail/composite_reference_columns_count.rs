use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Line {
    #[colt(primary_key)]
    order: i64,
    #[colt(primary_key)]
    no: i32,
    notes: Set<Note>,
}

#[derive(Entity, Debug, Clone)]
struct Note {
    #[colt(primary_key)]
    id: i64,
    // The key of `Line` has two columns: one name is not enough.
    #[colt(columns("LineId"))]
    line: Ref<Line>,
}

fn main() {}
