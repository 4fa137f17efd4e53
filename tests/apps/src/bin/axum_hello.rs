//! axum's hello world as its users write it, plus an echo route: the application is Tokio
//! code from crates.io; run.py builds it on Tokio and on avx.

use axum::routing::{get, post};
use axum::Router;

#[tokio::main]
async fn main() {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:0".to_string());
    let app = Router::new()
        .route("/", get(|| async { "Hello, World!" }))
        .route("/echo", post(|body: String| async move { body }));
    let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
    println!("listening on {}", listener.local_addr().expect("local address"));
    axum::serve(listener, app).await.expect("serve");
}
