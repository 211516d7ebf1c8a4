use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(unique)]
    pub name: String,
    pub price: i64,
    pub description: Option<String>,
    #[colt(default = 5)]
    pub stock: i32,
}

fn main() -> colt::Result<()> {
    let db = Database::open("sqlite::memory:")?;
    db.bind(schema![Product])?;
    db.create_tables()?;
    db.transaction(|tx| {
        Product::build().name("Tea").price(300).insert(tx)?;
        Product::build()
            .name("Cup")
            .price(900)
            .description("blue")
            .insert(tx)?;
        let max = 500;
        let q = select!(p.name for p in Product if p.price < max);
        println!("{}", q.sql(Dialect::Sqlite));
        println!("{:?}", q.fetch(tx)?);
        let q = select!(Product
            .filter(|p| p.description.is_some())
            .map(|p| (p.name, p.price)));
        println!("{}", q.sql(Dialect::Sqlite));
        println!("{:?}", q.fetch(tx)?);
        let q = select!((p for p in Product if p.price > 10).order_by(|p| desc(p.price)).limit(1));
        println!("{} {:?}", q.sql(Dialect::Postgres), q.fetch(tx)?);
        let ids = vec![1i64, 2];
        let q = select!(p for p in Product if ids.contains(&p.id) && p.name.starts_with("T"));
        println!("{} {:?}", q.sql(Dialect::Sqlite), q.fetch(tx)?);
        let q = select!(sum(p.price) for p in Product);
        println!("{} {:?}", q.sql(Dialect::Sqlite), q.one(tx)?);
        let mut q = select!(p for p in Product if p.price > 0);
        q = select!(q.filter(|p| p.price < 1000));
        println!("{} {:?}", q.sql(Dialect::Sqlite), q.count(tx)?);
        Ok(())
    })
}
