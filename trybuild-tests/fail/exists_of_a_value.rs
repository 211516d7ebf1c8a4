use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Team {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub players: Set<Player>,
}

#[derive(Entity, Debug, Clone)]
pub struct Player {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub login: Option<String>,
    pub team: Ref<Team>,
}

fn main() {
    // `exists(value for ..)` tests the value on each row: a value that is not a `bool` is
    // said at the value (PonyORM's truthiness of a text has no Rust spelling).
    let _q = select!(t for t in Team if exists(p.login for p in t.players));
}

fn a_reference() {
    // A reference as the value: said at it too, not inside Colt.
    let _q = select!(t for t in Team if exists(p.team for p in t.players));
}

// mistakes: 2
