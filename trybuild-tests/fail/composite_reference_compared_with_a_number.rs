use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Line {
    #[colt(primary_key)]
    order: i64,
    #[colt(primary_key)]
    no: i32,
    notes: Set<Note>,
    drafts: Set<Draft>,
}

#[derive(Entity, Debug, Clone)]
struct Note {
    #[colt(primary_key)]
    id: i64,
    line: Ref<Line>,
}

#[derive(Entity, Debug, Clone)]
struct Draft {
    #[colt(primary_key)]
    id: i64,
    line: Option<Ref<Line>>,
}

fn main() {
    let order = 7_i64;
    // A reference to a composite key is several columns, never one number.
    let _ = select!(n for n in Note if n.line == order);
    let line: Option<Ref<Line>> = None;
    // Nor is an optional one a parameter.
    let _ = select!(d for d in Draft if d.line == line);
}
// mistakes: 2
