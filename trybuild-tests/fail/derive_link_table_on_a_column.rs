use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Track {
    #[colt(primary_key)]
    id: i64,
    // `table` and `reverse_column` name a many-to-many's link table: not on a column.
    #[colt(table = "PlaylistTrack", reverse_column = "TrackId")]
    name: String,
    #[colt(sql_type = "TEXT")]
    playlists: Set<Playlist>,
}

#[derive(Entity, Debug, Clone)]
struct Playlist {
    #[colt(primary_key)]
    id: i64,
    tracks: Set<Track>,
}

fn main() {}

// mistakes: 3
