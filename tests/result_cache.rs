//! The result cache against what the transaction has seen since: a kept result is not served
//! once an object in it took another value from its row. (Found by a review.)

mod common;

use colt::prelude::*;
use common::each_backend;

/// A query kept its result (`price > 1000`: Dune); another transaction lowered Dune's
/// price; a later query read Dune's row again, so the object says 500; the first query,
/// run again, served its kept result, an object whose own price fails its condition.
#[test]
fn a_kept_result_is_not_served_after_its_objects_took_new_values() -> colt::Result<()> {
    each_backend(|backend| {
        let db = common::fill_shop(Database::open(&backend.fresh_url())?);
        let tx = db.begin()?;
        let pricey = || select!((p for p in common::Product if p.price > 1000).order_by(|p| p.id));
        let before = pricey().fetch(&tx)?;
        let dune = before
            .iter()
            .find(|p| p.name() == "Dune")
            .cloned()
            .expect("Dune is over 1000");
        let id = dune.key();
        db.transaction(|other| {
            other
                .get_or_err::<common::Product>(id)?
                .set(|p| p.price = 500)
        })?;
        let again = select!(p for p in common::Product if p.id == id).one(&tx)?;
        assert!(Obj::ptr_eq(&again, &dune));
        assert_eq!(
            dune.price(),
            500,
            "an attribute not read takes the row's value"
        );
        let after = pricey().fetch(&tx)?;
        assert!(
            after.iter().all(|p| p.price() > 1000),
            "{}: {:?}",
            backend.name,
            after
                .iter()
                .map(|p| (p.name(), p.price()))
                .collect::<Vec<_>>()
        );
        assert_eq!(after.len(), before.len() - 1);
        Ok(())
    })
}
