use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Note {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub meta: serde_json::Value,
}

fn main() {
    // SQLite orders JSON as text, PostgreSQL as `jsonb`: order by a value read from it.
    let _q = select!((n.id for n in Note).order_by(|n| n.meta.get("rank")));
}
