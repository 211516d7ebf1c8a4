//! Names PostgreSQL would cut: it keeps the first 63 bytes of a table or column name, so a
//! longer one in Colt's statements names something else in its catalogue (`check_tables`
//! reported the table missing; `colt migrate diff` dropped the column and added it again,
//! empty). Refused at bind on PostgreSQL; SQLite keeps long names. (Found by a review.)

mod common;

use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
struct Meter {
    #[colt(primary_key)]
    id: i64,
    #[colt(column = "reading_of_the_primary_electricity_meter_in_the_basement_in_kwh_x")]
    reading: i64,
}

#[test]
fn a_name_postgresql_would_cut_is_refused_there() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        let bound = db.bind(schema![Meter]);
        if backend.is_postgres() {
            assert!(
                matches!(&bound, Err(colt::Error::SchemaMismatch(m)) if m.contains("65 bytes long")),
                "{bound:?}"
            );
            return Ok(());
        }
        bound?;
        db.create_tables()?;
        db.check_tables()?;
        db.transaction(|tx| {
            Meter::build().id(1).reading(5).insert(tx)?;
            Ok(())
        })?;
        let r = db.transaction(|tx| Ok(tx.get_or_err::<Meter>(1)?.reading()))?;
        assert_eq!(r, 5);
        Ok(())
    })
}
