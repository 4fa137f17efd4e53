//! mini_redis built on tokio, for the `redis-benchmark` comparison in BENCHMARKS.md: the very
//! source of avx's example (`examples/mini_redis/`), with `rt` naming tokio instead of avx_std.

#[path = "../../../examples/mini_redis/mod.rs"]
mod mini_redis;

/// The runtime the server's source names: tokio.
use tokio as rt;

fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:6379".to_owned());
    rt::runtime::Runtime::new()?.block_on(async {
        let listener = rt::net::TcpListener::bind(addr.as_str()).await?;
        println!("mini_redis (tokio) listening on {}", listener.local_addr()?);
        mini_redis::serve(listener, mini_redis::Config::default()).await;
        Ok(())
    })
}
