use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Note {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub body: String,
    pub meta: serde_json::Value,
}

fn main() {
    // `.get` reads a member of a JSON attribute; `body` is text.
    let _q = select!(n.id for n in Note if n.body.get("title") == serde_json::json!("x"));
}
