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
