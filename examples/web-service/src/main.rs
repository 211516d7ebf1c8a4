//! `cargo run -p colt-example-web` serves on 127.0.0.1:3000 (or the address in
//! `COLT_WEB_ADDR`), with a SQLite file `shop-web.db` (or the URL in `COLT_DATABASE_URL`).
//!
//! ```sh
//! curl localhost:3000/products
//! curl -X POST localhost:3000/orders -H 'content-type: application/json' \
//!      -d '{"product_id": 1, "quantity": 2}'
//! ```

use colt::prelude::*;
use colt_example_web::{app, open, Product};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("COLT_DATABASE_URL")
        .unwrap_or_else(|_| "sqlite:shop-web.db?mode=rwc&journal_mode=wal".to_string());
    let db = open(&url)?;
    let seed = db.clone();
    tokio::task::spawn_blocking(move || {
        seed.transaction(|tx| {
            if select!(p for p in Product).count(tx)? == 0 {
                Product::build()
                    .name("Tea")
                    .price(300)
                    .stock(10)
                    .insert(tx)?;
                Product::build()
                    .name("Cup")
                    .price(900)
                    .stock(2)
                    .insert(tx)?;
            }
            Ok(())
        })
    })
    .await??;
    let addr = std::env::var("COLT_WEB_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_string());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("serving on http://{addr}");
    axum::serve(listener, app(db)).await?;
    Ok(())
}
