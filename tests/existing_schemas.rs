//! Mapping schemas Colt did not create (issue 13): case conventions of other tools, on both
//! backends.

mod common;

use colt::prelude::*;
use common::each_backend;

/// Tables and columns in PascalCase, as many sample databases have them.
#[derive(Entity, Debug, Clone)]
#[colt(rename_all = "PascalCase")]
struct MediaType {
    #[colt(primary_key)]
    media_type_id: i64,
    name: Option<String>,
    lines: Set<InvoiceLine>,
}

#[derive(Entity, Debug, Clone)]
#[colt(rename_all = "PascalCase")]
struct InvoiceLine {
    #[colt(primary_key)]
    invoice_line_id: i64,
    unit_price: f64,
    quantity: i64,
    // An exception keeps its own name.
    #[colt(column = "media")]
    media_type: Ref<MediaType>,
}

/// `rename_all` names the table after the struct and each column after its field, in the
/// convention given; `column` still wins; queries, inserts and `check_tables` use the names.
#[test]
fn rename_all_maps_a_pascal_case_schema() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            tx.execute_sql(
                r#"CREATE TABLE "MediaType" ("MediaTypeId" INTEGER PRIMARY KEY, "Name" VARCHAR(120))"#,
                &[],
            )?;
            tx.execute_sql(
                r#"CREATE TABLE "InvoiceLine" (
                    "InvoiceLineId" INTEGER PRIMARY KEY,
                    "UnitPrice" DOUBLE PRECISION NOT NULL,
                    "Quantity" INTEGER NOT NULL,
                    "media" INTEGER NOT NULL REFERENCES "MediaType" ("MediaTypeId"))"#,
                &[],
            )?;
            tx.execute_sql(
                r#"INSERT INTO "MediaType" VALUES (1, 'MPEG audio'), (2, 'AAC audio')"#,
                &[],
            )?;
            Ok(())
        })?;
        db.bind(schema![MediaType, InvoiceLine])?;
        db.check_tables()?;
        db.transaction(|tx| {
            for (id, price, quantity, media) in [(1, 0.99, 2, 1), (2, 1.99, 1, 2), (3, 0.99, 5, 1)]
            {
                InvoiceLine::build()
                    .invoice_line_id(id)
                    .unit_price(price)
                    .quantity(quantity)
                    .media_type(Ref::new(media))
                    .insert(tx)?;
            }
            Ok(())
        })?;
        let sold = db.transaction(|tx| {
            select!(((l.media_type.name, sum(l.quantity)) for l in InvoiceLine)
                .order_by(|l| l.media_type.name))
            .fetch(tx)
        })?;
        assert_eq!(
            sold,
            [
                (Some("AAC audio".to_string()), Some(1)),
                (Some("MPEG audio".to_string()), Some(7))
            ]
        );
        let sql = select!(l for l in InvoiceLine if l.unit_price < 1.0).sql(db.dialect());
        assert!(sql.contains(r#""InvoiceLine""#), "{sql}");
        assert!(sql.contains(r#""UnitPrice""#), "{sql}");
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
#[colt(rename_all = "PascalCase")]
struct Track {
    #[colt(primary_key)]
    track_id: i64,
    name: String,
    unit_price: f64,
    milliseconds: i64,
    released: String,
    explicit: bool,
}

/// The declared types other tools write pass `check_tables` by each backend's rules: on
/// SQLite by type affinity (`NVARCHAR(120)` is text, `NUMERIC(10,2)` holds reals,
/// `DATETIME` holds ISO text), on PostgreSQL by the exact types (`varchar`, `numeric`); and
/// a column that does not suit its field is still reported, saying what would.
#[test]
fn declared_types_of_other_tools_pass_check_tables() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        let released = if backend.is_postgres() {
            "VARCHAR(30)"
        } else {
            "DATETIME"
        };
        db.transaction(|tx| {
            tx.execute_sql(
                &format!(
                    r#"CREATE TABLE "Track" (
                        "TrackId" INTEGER PRIMARY KEY NOT NULL,
                        "Name" NVARCHAR(200) NOT NULL,
                        "UnitPrice" NUMERIC(10,2) NOT NULL,
                        "Milliseconds" INTEGER NOT NULL,
                        "Released" {released} NOT NULL,
                        "Explicit" BOOLEAN NOT NULL)"#
                )
                .replace("NVARCHAR", if backend.is_postgres() { "VARCHAR" } else { "NVARCHAR" }),
                &[],
            )?;
            tx.execute_sql(
                r#"INSERT INTO "Track" VALUES (1, 'For Those About To Rock', 0.99, 343719, '2024-01-31 10:00:00', false)"#,
                &[],
            )?;
            Ok(())
        })?;
        db.bind(schema![Track])?;
        db.check_tables()?;
        let t = db.transaction(|tx| select!(t for t in Track).one(tx).map(|t| t.get().clone()))?;
        assert_eq!((t.unit_price, t.milliseconds), (0.99, 343_719));
        assert_eq!(t.released, "2024-01-31 10:00:00");
        assert!(!t.explicit);
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "Track", rename_all = "PascalCase")]
struct TrackAsNumbers {
    #[colt(primary_key)]
    track_id: i64,
    name: i64,
}

#[test]
fn a_declared_type_that_does_not_suit_its_field_is_reported() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.transaction(|tx| {
            tx.execute_sql(
                r#"CREATE TABLE "Track" ("TrackId" INTEGER PRIMARY KEY, "Name" VARCHAR(200))"#,
                &[],
            )
        })?;
        db.bind(schema![TrackAsNumbers])?;
        match db.check_tables() {
            Err(Error::SchemaMismatch(message)) => {
                assert!(message.contains("Track.Name"), "{message}");
                assert!(message.contains("TrackAsNumbers::name"), "{message}");
                assert!(message.contains("INT"), "{message}");
            }
            other => panic!("expected a schema mismatch, got {other:?}"),
        }
        Ok(())
    })
}

#[derive(Entity, Debug, Clone)]
struct Price {
    #[colt(primary_key, auto)]
    id: i64,
    #[colt(sql_type = "NUMERIC(10,2)")]
    amount: f64,
}

/// `sql_type` sets the type `create_tables` writes, and `check_tables` accepts it.
#[test]
fn sql_type_sets_the_declared_type() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Price])?;
        db.create_tables()?;
        db.check_tables()?;
        let declared: Vec<String> = db.transaction(|tx| {
            if backend.is_postgres() {
                tx.query_sql(
                    "SELECT format_type(atttypid, atttypmod) FROM pg_attribute \
                     WHERE attrelid = 'price'::regclass AND attname = 'amount'",
                    &[],
                )
            } else {
                tx.query_sql(
                    "SELECT type FROM pragma_table_info('price') WHERE name = 'amount'",
                    &[],
                )
            }
        })?;
        assert_eq!(declared[0].to_ascii_uppercase(), "NUMERIC(10,2)");
        db.transaction(|tx| {
            Price::build().amount(19.99).insert(tx)?;
            assert_eq!(select!(p.amount for p in Price).one(tx)?, 19.99);
            Ok(())
        })
    })
}
