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
    line: Ref<Line>,
}

fn main() {
    let line: Ref<Line> = Ref::new((1, 2));
    // A reference to a composite key is several columns: compare its attributes instead.
    let _ = select!(n for n in Note if n.line == line);
}
