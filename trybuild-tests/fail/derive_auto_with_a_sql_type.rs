// An `auto` key with a `sql_type`: `create_tables` would make a column the database does
// not fill in (SQLite refuses AUTOINCREMENT on a BIGINT key; PostgreSQL's column would have
// no default), so it is refused on the type.
use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Ticket {
    #[colt(primary_key, auto, sql_type = "BIGINT")]
    id: i64,
    name: String,
}

fn main() {}
