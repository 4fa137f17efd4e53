//! `http_hello` written on smol (an executor on one thread per CPU), for the `wrk` comparison
//! in BENCHMARKS.md: the same request framing and loop as avx's example.

#[path = "../../../examples/support/http.rs"]
mod http;

use smol::io::{AsyncReadExt, AsyncWriteExt};
use smol::net::{TcpListener, TcpStream};
use std::sync::Arc;

http::connection_loop!(TcpStream);

fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let executor = Arc::new(smol::Executor::new());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    for _ in 1..threads {
        let executor = executor.clone();
        std::thread::spawn(move || smol::block_on(executor.run(smol::future::pending::<()>())));
    }
    smol::block_on(executor.run(async {
        let listener = TcpListener::bind(addr.as_str()).await?;
        println!("http_hello (smol) listening on http://{}", listener.local_addr()?);
        loop {
            match listener.accept().await {
                Ok((stream, _)) => executor.spawn(connection(stream)).detach(),
                Err(e) => eprintln!("accept: {e}"),
            }
        }
    }))
}
