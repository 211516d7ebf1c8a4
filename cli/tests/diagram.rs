//! `colt diagram URL` on both backends, against golden files: tables with their columns,
//! types and keys, an edge per foreign key with its cardinality (a required reference is
//! exactly one, an optional one zero or one, a unique one one-to-one), the link table as a
//! many-to-many edge; Mermaid and DOT; SVG through Graphviz when it is installed, a clear
//! error when it is not. `COLT_BLESS=1` rewrites the golden files (review the diff).

mod common;

use std::path::Path;

use colt_runtime::Database;
use common::{backends, colt_err, colt_ok, colt_with_path, fresh, load, Scratch};

fn golden(name: &str, actual: &str) {
    let path = Path::new("tests/golden").join(name);
    if std::env::var_os("COLT_BLESS").is_some() {
        std::fs::write(&path, actual).expect("bless");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no golden file {} (run with COLT_BLESS=1)", path.display()));
    assert_eq!(
        actual,
        expected,
        "{} differs (COLT_BLESS=1 rewrites it)",
        path.display()
    );
}

#[test]
fn diagrams_match_their_golden_files() {
    for backend in backends() {
        let scratch = Scratch::new("diagram");
        let db = fresh(backend, scratch.path());
        load(&db.url, &format!("music.{backend}.sql"));
        let mermaid = colt_ok(scratch.path(), &["diagram", &db.url]);
        golden(&format!("music.{backend}.mmd"), &mermaid);
        for edge in [
            "Artist ||--o{ Album : \"ArtistId\"",
            "Employee |o--o{ Employee : \"ReportsTo\"",
            "Album |o--o{ Track : \"AlbumId\"",
            "Playlist }o--o{ Track : \"PlaylistTrack\"",
        ] {
            assert!(
                mermaid.contains(edge),
                "[{backend}] no `{edge}` in\n{mermaid}"
            );
        }
        assert!(
            !mermaid.contains("PlaylistTrack {"),
            "a link table is an edge, not a box"
        );
        let file = scratch.path().join("music.dot");
        colt_ok(
            scratch.path(),
            &[
                "diagram",
                &db.url,
                "--format",
                "dot",
                "--out",
                file.to_str().expect("utf-8"),
            ],
        );
        let dot = std::fs::read_to_string(&file).expect("written");
        golden(&format!("music.{backend}.dot"), &dot);
    }
}

#[test]
fn a_one_to_one_reference_is_drawn_so() {
    let scratch = Scratch::new("diagram-one");
    let db = fresh("sqlite", scratch.path());
    let live = Database::open(&db.url).expect("open");
    live.transaction(|tx| {
        tx.execute_sql("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT NOT NULL)", &[])?;
        tx.execute_sql(
            "CREATE TABLE passport (id INTEGER PRIMARY KEY, owner INTEGER NOT NULL UNIQUE REFERENCES person (id))",
            &[],
        )
    })
    .expect("schema");
    let mermaid = colt_ok(scratch.path(), &["diagram", &db.url]);
    assert!(
        mermaid.contains("person ||--o| passport : \"owner\""),
        "{mermaid}"
    );
    assert!(mermaid.contains("INTEGER owner FK, UK"), "{mermaid}");
}

#[test]
fn svg_needs_graphviz_and_says_so() {
    let scratch = Scratch::new("diagram-svg");
    let db = fresh("sqlite", scratch.path());
    load(&db.url, "music.sqlite.sql");
    let without = colt_with_path(
        scratch.path(),
        &["diagram", &db.url, "--format", "svg"],
        Some("/nonexistent"),
    );
    assert_eq!(without.code, Some(1));
    assert!(
        without
            .stderr
            .contains("`--format svg` draws with Graphviz's `dot`, which is not installed"),
        "{}",
        without.stderr
    );
    let has_dot = std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("dot").is_file()));
    if has_dot {
        let svg = colt_ok(scratch.path(), &["diagram", &db.url, "--format", "svg"]);
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{svg}");
        assert!(svg.contains("PlaylistTrack"), "the link's label is drawn");
    }
    let err = colt_err(scratch.path(), &["diagram", "sqlite:nowhere.db"]);
    assert!(err.contains("no SQLite database at `nowhere.db`"), "{err}");
    let usage = common::colt(scratch.path(), &["diagram", &db.url, "--format", "png"]);
    assert_eq!(usage.code, Some(2), "{}", usage.stderr);
}
