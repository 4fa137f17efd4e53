//! A minimal HTTP/1.1 server on avx: keep-alive connections (pipelining too), one fixed
//! "Hello, world!" response. The server `wrk` measures in BENCHMARKS.md.
//!
//! ```text
//! cargo run --release --example http_hello -- 127.0.0.1:8080
//! ```

#[path = "support/http.rs"]
mod http;

use avx_std::io::{AsyncReadExt, AsyncWriteExt};
use avx_std::net::{TcpListener, TcpStream};

http::connection_loop!(TcpStream);

fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    avx_std::run(async {
        let listener = TcpListener::bind(addr.as_str()).await?;
        println!("http_hello (avx) listening on http://{}", listener.local_addr()?);
        loop {
            match listener.accept().await {
                Ok((stream, _)) => drop(avx_std::spawn(connection(stream))),
                Err(e) => eprintln!("accept: {e}"),
            }
        }
    })
}
