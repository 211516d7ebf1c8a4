use colt::prelude::*;

// One mistake in the derive (`uniqe`) is one error: the struct's other uses (a query, the
// builder, a schema) stay quiet instead of each saying "`Product` is not a Colt entity".
#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(uniqe)]
    pub name: String,
    pub price: i64,
}

fn main() -> colt::Result<()> {
    let db = Database::open("sqlite::memory:")?;
    db.bind(colt::schema![Product])?;
    let tx = db.begin()?;
    let _ = select!(p.name for p in Product if p.price > 10).fetch(&tx)?;
    let _ = Product::build().name("Tea").price(5).insert(&tx)?;
    Ok(())
}
