//! A Redis-compatible server on avx (RESP2: PING, ECHO, GET, SET with EX/PX/NX/XX, DEL, EXISTS,
//! INCR, EXPIRE, TTL, DBSIZE, PUBLISH, SUBSCRIBE, UNSUBSCRIBE, QUIT), for `redis-cli` and
//! `redis-benchmark`. Its limits and memory bounds: `mini_redis/mod.rs`.
//!
//! ```text
//! cargo run --release --example mini_redis -- 127.0.0.1:6379
//! redis-cli -p 6379 set greeting hello ex 60
//! ```

#[path = "mini_redis/mod.rs"]
mod mini_redis;

/// The runtime the server's source names (`rt::net`, `rt::spawn`, ...): avx.
use avx_std as rt;

use std::process::ExitCode;

fn main() -> ExitCode {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:6379".to_owned());
    let result = rt::run(async {
        let listener = rt::net::TcpListener::bind(addr.as_str()).await?;
        println!("mini_redis (avx) listening on {}", listener.local_addr()?);
        mini_redis::serve(listener, mini_redis::Config::default()).await;
        std::io::Result::Ok(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mini_redis: {addr}: {e}");
            ExitCode::FAILURE
        }
    }
}
