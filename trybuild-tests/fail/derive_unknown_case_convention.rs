use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
#[colt(rename_all = "Pascalcase")]
struct Album {
    #[colt(primary_key)]
    album_id: i64,
}

fn main() {}
