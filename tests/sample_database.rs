//! A database made by another tool, in the style of the well-known music-store sample
//! (issue 13): PascalCase tables and `ArtistId`-style keys, `NUMERIC(10,2)` prices, `DATETIME`
//! text, `NVARCHAR`, a link table with a composite key, an employee hierarchy. Colt maps it
//! with `rename_all` and a few attributes, `check_tables` accepts it, and the usual
//! questions are one statement each.
#![cfg(feature = "chrono")]

mod common;

use chrono::{NaiveDate, NaiveDateTime};
use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
#[colt(rename_all = "PascalCase")]
struct Artist {
    #[colt(primary_key)]
    artist_id: i64,
    name: Option<String>,
    albums: Set<Album>,
}

#[derive(Entity, Debug, Clone)]
#[colt(rename_all = "PascalCase")]
struct Album {
    #[colt(primary_key)]
    album_id: i64,
    title: String,
    #[colt(column = "ArtistId")]
    artist: Ref<Artist>,
    tracks: Set<Track>,
}

#[derive(Entity, Debug, Clone)]
#[colt(rename_all = "PascalCase")]
struct Track {
    #[colt(primary_key)]
    track_id: i64,
    name: String,
    #[colt(column = "AlbumId")]
    album: Option<Ref<Album>>,
    unit_price: f64,
    lines: Set<InvoiceLine>,
    playlists: Set<Playlist>,
}

#[derive(Entity, Debug, Clone)]
#[colt(rename_all = "PascalCase")]
struct Playlist {
    #[colt(primary_key)]
    playlist_id: i64,
    name: Option<String>,
    #[colt(
        table = "PlaylistTrack",
        column = "PlaylistId",
        reverse_column = "TrackId"
    )]
    tracks: Set<Track>,
}

#[derive(Entity, Debug, Clone)]
#[colt(rename_all = "PascalCase")]
struct Employee {
    #[colt(primary_key)]
    employee_id: i64,
    last_name: String,
    #[colt(column = "ReportsTo", reverse = "reports")]
    reports_to: Option<Ref<Employee>>,
    #[colt(reverse = "reports_to")]
    reports: Set<Employee>,
    customers: Set<Customer>,
}

#[derive(Entity, Debug, Clone)]
#[colt(rename_all = "PascalCase")]
struct Customer {
    #[colt(primary_key)]
    customer_id: i64,
    last_name: String,
    country: Option<String>,
    #[colt(column = "SupportRepId")]
    support_rep: Option<Ref<Employee>>,
    invoices: Set<Invoice>,
}

#[derive(Entity, Debug, Clone)]
#[colt(rename_all = "PascalCase")]
struct Invoice {
    #[colt(primary_key)]
    invoice_id: i64,
    #[colt(column = "CustomerId")]
    customer: Ref<Customer>,
    invoice_date: NaiveDateTime,
    total: f64,
    lines: Set<InvoiceLine>,
}

#[derive(Entity, Debug, Clone)]
#[colt(rename_all = "PascalCase")]
struct InvoiceLine {
    #[colt(primary_key)]
    invoice_line_id: i64,
    #[colt(column = "InvoiceId")]
    invoice: Ref<Invoice>,
    #[colt(column = "TrackId")]
    track: Ref<Track>,
    unit_price: f64,
    quantity: i64,
}

/// The schema and rows, as the other tool's script has them (in each backend's dialect).
fn sample(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    let (text, datetime) = if backend.is_postgres() {
        ("VARCHAR", "TIMESTAMP")
    } else {
        ("NVARCHAR", "DATETIME")
    };
    let script = [
        format!(r#"CREATE TABLE "Artist" ("ArtistId" INTEGER NOT NULL PRIMARY KEY, "Name" {text}(120))"#),
        format!(r#"CREATE TABLE "Album" ("AlbumId" INTEGER NOT NULL PRIMARY KEY, "Title" {text}(160) NOT NULL, "ArtistId" INTEGER NOT NULL REFERENCES "Artist" ("ArtistId"))"#),
        format!(r#"CREATE TABLE "Track" ("TrackId" INTEGER NOT NULL PRIMARY KEY, "Name" {text}(200) NOT NULL, "AlbumId" INTEGER REFERENCES "Album" ("AlbumId"), "UnitPrice" NUMERIC(10,2) NOT NULL)"#),
        format!(r#"CREATE TABLE "Playlist" ("PlaylistId" INTEGER NOT NULL PRIMARY KEY, "Name" {text}(120))"#),
        r#"CREATE TABLE "PlaylistTrack" ("PlaylistId" INTEGER NOT NULL REFERENCES "Playlist" ("PlaylistId"), "TrackId" INTEGER NOT NULL REFERENCES "Track" ("TrackId"), CONSTRAINT "PK_PlaylistTrack" PRIMARY KEY ("PlaylistId", "TrackId"))"#.to_string(),
        format!(r#"CREATE TABLE "Employee" ("EmployeeId" INTEGER NOT NULL PRIMARY KEY, "LastName" {text}(20) NOT NULL, "ReportsTo" INTEGER REFERENCES "Employee" ("EmployeeId"))"#),
        format!(r#"CREATE TABLE "Customer" ("CustomerId" INTEGER NOT NULL PRIMARY KEY, "LastName" {text}(20) NOT NULL, "Country" {text}(40), "SupportRepId" INTEGER REFERENCES "Employee" ("EmployeeId"))"#),
        format!(r#"CREATE TABLE "Invoice" ("InvoiceId" INTEGER NOT NULL PRIMARY KEY, "CustomerId" INTEGER NOT NULL REFERENCES "Customer" ("CustomerId"), "InvoiceDate" {datetime} NOT NULL, "Total" NUMERIC(10,2) NOT NULL)"#),
        r#"CREATE TABLE "InvoiceLine" ("InvoiceLineId" INTEGER NOT NULL PRIMARY KEY, "InvoiceId" INTEGER NOT NULL REFERENCES "Invoice" ("InvoiceId"), "TrackId" INTEGER NOT NULL REFERENCES "Track" ("TrackId"), "UnitPrice" NUMERIC(10,2) NOT NULL, "Quantity" INTEGER NOT NULL)"#.to_string(),
        r#"INSERT INTO "Artist" VALUES (1, 'AC/DC'), (2, 'Accept'), (3, 'Aerosmith')"#.to_string(),
        r#"INSERT INTO "Album" VALUES (1, 'For Those About To Rock', 1), (2, 'Balls to the Wall', 2), (3, 'Big Ones', 3)"#.to_string(),
        r#"INSERT INTO "Track" VALUES (1, 'For Those About To Rock', 1, 0.99), (2, 'Balls to the Wall', 2, 0.99), (3, 'Fast As a Shark', 2, 1.99), (4, 'Walk On Water', 3, 0.99), (5, 'Untitled', NULL, 0.99)"#.to_string(),
        r#"INSERT INTO "Playlist" VALUES (1, 'Music'), (2, 'Heavy'), (3, 'Empty')"#.to_string(),
        r#"INSERT INTO "PlaylistTrack" VALUES (1, 1), (1, 2), (1, 4), (2, 2), (2, 3)"#.to_string(),
        r#"INSERT INTO "Employee" VALUES (1, 'Adams', NULL), (2, 'Edwards', 1), (3, 'Peacock', 2), (4, 'Park', 2)"#.to_string(),
        r#"INSERT INTO "Customer" VALUES (1, 'Gonçalves', 'Brazil', 3), (2, 'Köhler', 'Germany', 4), (3, 'Tremblay', 'Canada', 3)"#.to_string(),
        r#"INSERT INTO "Invoice" VALUES (1, 2, '2009-01-01 00:00:00', 1.98), (2, 1, '2009-01-11 00:00:00', 3.96), (3, 3, '2009-02-01 00:00:00', 5.94), (4, 2, '2009-02-15 00:00:00', 0.99)"#.to_string(),
        r#"INSERT INTO "InvoiceLine" VALUES (1, 1, 1, 0.99, 1), (2, 1, 2, 0.99, 1), (3, 2, 3, 1.99, 2), (4, 3, 4, 0.99, 6), (5, 4, 2, 0.99, 1)"#.to_string(),
    ];
    db.transaction(|tx| {
        for sql in &script {
            tx.execute_sql(sql, &[])?;
        }
        Ok(())
    })?;
    db.bind(schema![
        Artist,
        Album,
        Track,
        Playlist,
        Employee,
        Customer,
        Invoice,
        InvoiceLine
    ])?;
    db.check_tables()?;
    Ok(db)
}

/// Each question runs exactly one statement.
fn one_statement<R>(
    tx: &Transaction,
    question: impl FnOnce() -> colt::Result<R>,
) -> colt::Result<R> {
    let before = tx.statements_executed();
    let answer = question()?;
    assert_eq!(tx.statements_executed() - before, 1, "one statement");
    Ok(answer)
}

#[test]
fn the_sample_database_answers_in_one_statement_each() -> colt::Result<()> {
    each_backend(|backend| {
        let db = sample(backend)?;
        db.transaction(|tx| {
            // Revenue per month.
            let mut revenue = one_statement(tx, || {
                select!((i.invoice_date.year(), i.invoice_date.month(), sum(i.total))
                    for i in Invoice)
                .fetch(tx)
            })?;
            revenue.sort_by_key(|(y, m, _)| (*y, *m));
            let rounded: Vec<(i32, i32, i64)> = revenue
                .iter()
                .map(|(y, m, s)| (*y, *m, (s.unwrap_or(0.0) * 100.0).round() as i64))
                .collect();
            assert_eq!(rounded, [(2009, 1, 594), (2009, 2, 693)]);

            // Top two artists by quantity sold.
            let top = one_statement(tx, || {
                select!(((l.track.album.artist.name, sum(l.quantity)) for l in InvoiceLine)
                    .order_by(|l| desc(sum(l.quantity)))
                    .limit(2))
                .fetch(tx)
            })?;
            assert_eq!(
                top,
                [(Some("Aerosmith".to_string()), Some(6)), (Some("Accept".to_string()), Some(4))]
            );

            // Many-to-many: playlists with a track by Accept, and track counts.
            let heavy = one_statement(tx, || {
                select!(p.name for p in Playlist
                    if exists(t for t in p.tracks if t.album.artist.name == Some("Accept".to_string())))
                .fetch(tx)
            })?;
            assert_eq!(common::sorted(heavy), [Some("Heavy".to_string()), Some("Music".to_string())]);
            let sizes = one_statement(tx, || {
                select!((p.name, count(p.tracks)) for p in Playlist).fetch(tx)
            })?;
            assert_eq!(
                common::sorted(sizes),
                [
                    (Some("Empty".to_string()), 0),
                    (Some("Heavy".to_string()), 2),
                    (Some("Music".to_string()), 3)
                ]
            );

            // The hierarchy: whose customers bought in February, by their manager.
            let managers = one_statement(tx, || {
                select!(c.support_rep.reports_to.last_name for c in Customer
                    if exists(i for i in c.invoices if i.invoice_date.month() == 2))
                .fetch(tx)
            })?;
            assert_eq!(managers, [Some("Edwards".to_string())]);

            // Dates compare with outer values; exact prices from NUMERIC(10,2).
            let since = NaiveDate::from_ymd_opt(2009, 1, 10)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .expect("a date");
            let later = one_statement(tx, || {
                select!(i.invoice_id for i in Invoice if i.invoice_date >= since).fetch(tx)
            })?;
            assert_eq!(common::sorted(later), [2, 3, 4]);
            let dear = one_statement(tx, || {
                select!(t.name for t in Track if t.unit_price > 1.0).fetch(tx)
            })?;
            assert_eq!(dear, ["Fast As a Shark"]);
            Ok(())
        })
    })
}
