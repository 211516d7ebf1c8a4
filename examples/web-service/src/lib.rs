//! A small web service on SQLite: products and orders over HTTP (axum), each request in a
//! Colt transaction.
//!
//! # The async story
//!
//! A [`colt::Transaction`] is not `Send`: it holds the identity map and a connection for one
//! thread, and its objects are `Rc`-like handles. A handler therefore does not hold one across
//! an `.await`; it hands the whole unit of work to a blocking thread with
//! [`tokio::task::spawn_blocking`], and awaits the result:
//!
//! ```ignore
//! let db = state.db.clone(); // `Database` is Send + Sync and cheap to clone
//! let outcome = tokio::task::spawn_blocking(move || db.try_transaction(|tx| { .. })).await;
//! ```
//!
//! The transaction runs whole on one thread (as Colt's do everywhere); the async runtime's
//! threads stay free while it waits for SQLite or PostgreSQL. `colt-bench --only
//! blocking_task` measures what the hand-off costs per request.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use colt::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Entity, Debug, Clone)]
pub struct Product {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(unique)]
    pub name: String,
    pub price: i64,
    pub stock: i32,
    pub orders: Set<Order>,
}

#[derive(Entity, Debug, Clone)]
pub struct Order {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub product: Ref<Product>,
    pub quantity: i32,
}

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    pub db: Database,
}

/// A product, as the service shows it.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct ProductView {
    pub id: i64,
    pub name: String,
    pub price: i64,
    pub stock: i32,
}

/// An order to place.
#[derive(Debug, Serialize, Deserialize)]
pub struct NewOrder {
    pub product_id: i64,
    pub quantity: i32,
}

/// A placed order.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct OrderView {
    pub id: i64,
    pub product_id: i64,
    pub quantity: i32,
    pub stock_left: i32,
}

/// The application's errors: Colt's, and its own.
#[derive(Debug)]
pub enum AppError {
    Db(colt::Error),
    NoSuchProduct(i64),
    OutOfStock {
        left: i32,
    },
    BadQuantity,
    /// The blocking task panicked or was cancelled.
    Task,
}

impl From<colt::Error> for AppError {
    fn from(e: colt::Error) -> Self {
        AppError::Db(e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            AppError::NoSuchProduct(id) => (StatusCode::NOT_FOUND, format!("no product {id}")),
            AppError::OutOfStock { left } => {
                (StatusCode::CONFLICT, format!("out of stock: {left} left"))
            }
            AppError::BadQuantity => (StatusCode::BAD_REQUEST, "quantity must be positive".into()),
            AppError::Db(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
            AppError::Task => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the request failed".into(),
            ),
        };
        (status, message).into_response()
    }
}

/// Runs `work` on a blocking thread and awaits it: how an async handler runs a transaction.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| AppError::Task)?
}

/// The service's routes.
pub fn app(db: Database) -> Router {
    Router::new()
        .route("/products", get(list_products))
        .route("/products/{id}", get(product))
        .route("/orders", post(place_order))
        .with_state(AppState { db })
}

/// Opens (or creates) the database and its tables.
///
/// # Errors
/// Colt's, when the database cannot be opened or its tables made.
pub fn open(url: &str) -> colt::Result<Database> {
    let db = Database::open(url)?;
    db.bind(schema![Product, Order])?;
    db.create_tables()?;
    Ok(db)
}

fn view(p: &Obj<Product>) -> ProductView {
    ProductView {
        id: p.id(),
        name: p.name(),
        price: p.price(),
        stock: p.stock(),
    }
}

async fn list_products(State(s): State<AppState>) -> Result<Json<Vec<ProductView>>, AppError> {
    let db = s.db.clone();
    let products = blocking(move || {
        db.try_transaction(|tx| {
            let all = select!((p for p in Product).order_by(|p| p.name)).fetch(tx)?;
            Ok(all.iter().map(view).collect())
        })
    })
    .await?;
    Ok(Json(products))
}

async fn product(
    State(s): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<ProductView>, AppError> {
    let db = s.db.clone();
    let found = blocking(move || {
        db.try_transaction(|tx| {
            let p = tx.get::<Product>(id)?.ok_or(AppError::NoSuchProduct(id))?;
            Ok(view(&p))
        })
    })
    .await?;
    Ok(Json(found))
}

/// Takes the stock and records the order in one transaction: an order that would oversell
/// is refused (and nothing is written); two requests racing for the last item are serialized
/// by the optimistic check and retried.
async fn place_order(
    State(s): State<AppState>,
    Json(order): Json<NewOrder>,
) -> Result<(StatusCode, Json<OrderView>), AppError> {
    if order.quantity <= 0 {
        return Err(AppError::BadQuantity);
    }
    let db = s.db.clone();
    let placed = blocking(move || {
        db.try_transaction_with_retry(10, |tx| {
            let product = tx
                .get::<Product>(order.product_id)?
                .ok_or(AppError::NoSuchProduct(order.product_id))?;
            let left = product.stock() - order.quantity;
            if left < 0 {
                return Err(AppError::OutOfStock {
                    left: product.stock(),
                });
            }
            product.set(|p| p.stock = left)?;
            let placed = Order::build()
                .product(&product)
                .quantity(order.quantity)
                .insert(tx)?;
            Ok(OrderView {
                id: placed.id(),
                product_id: product.id(),
                quantity: order.quantity,
                stock_left: left,
            })
        })
    })
    .await?;
    Ok((StatusCode::CREATED, Json(placed)))
}
