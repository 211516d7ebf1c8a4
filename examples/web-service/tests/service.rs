//! The service through its router (no network): listing, placing orders, refusals, and no
//! overselling when many requests race for the same stock.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use colt::prelude::*;
use colt_example_web::{app, open, OrderView, Product, ProductView};
use tower::ServiceExt;

async fn call(db: &Database, method: &str, uri: &str, body: Option<&str>) -> (StatusCode, Vec<u8>) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .expect("a request");
    let response = app(db.clone()).oneshot(request).await.expect("a response");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body");
    (status, bytes.to_vec())
}

fn shop(name: &str) -> Database {
    let path = std::env::temp_dir().join(format!("colt-web-{name}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let db = open(&format!(
        "sqlite:{}?mode=rwc&journal_mode=wal",
        path.display()
    ))
    .expect("db");
    db.transaction(|tx| {
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
        Ok(())
    })
    .expect("seed");
    db
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn orders_take_stock_and_refusals_write_nothing() {
    let db = shop("orders");
    let (status, body) = call(&db, "GET", "/products", None).await;
    assert_eq!(status, StatusCode::OK);
    let products: Vec<ProductView> = serde_json::from_slice(&body).expect("json");
    assert_eq!(
        products.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["Cup", "Tea"]
    );

    let (status, body) = call(
        &db,
        "POST",
        "/orders",
        Some(r#"{"product_id": 1, "quantity": 3}"#),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&body)
    );
    let order: OrderView = serde_json::from_slice(&body).expect("json");
    assert_eq!(order.stock_left, 7);

    let (status, body) = call(
        &db,
        "POST",
        "/orders",
        Some(r#"{"product_id": 2, "quantity": 5}"#),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "{}",
        String::from_utf8_lossy(&body)
    );
    let (status, _) = call(
        &db,
        "POST",
        "/orders",
        Some(r#"{"product_id": 9, "quantity": 1}"#),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(&db, "GET", "/products/1", None).await;
    assert_eq!(status, StatusCode::OK);
    let orders = db
        .transaction(|tx| select!(o for o in colt_example_web::Order).count(tx))
        .expect("count");
    assert_eq!(orders, 1, "refused orders wrote nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_orders_never_oversell() {
    let db = shop("race");
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                call(
                    &db,
                    "POST",
                    "/orders",
                    Some(r#"{"product_id": 2, "quantity": 1}"#),
                )
                .await
                .0
            })
        })
        .collect();
    let mut placed = 0;
    for t in tasks {
        match t.await.expect("task") {
            StatusCode::CREATED => placed += 1,
            StatusCode::CONFLICT => {}
            other => panic!("{other}"),
        }
    }
    assert_eq!(placed, 2, "two cups in stock");
    let stock = db
        .transaction(|tx| select!(p.stock for p in Product if p.id == 2).one(tx))
        .expect("stock");
    assert_eq!(stock, 0);
}
