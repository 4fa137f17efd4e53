//! `http_hello` written on tokio, for the `wrk` comparison in BENCHMARKS.md: the same
//! request framing (`examples/support/http.rs`) and the same loop as avx's example.

#[path = "../../../examples/support/http.rs"]
mod http;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

http::connection_loop!(TcpStream);

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let listener = TcpListener::bind(addr.as_str()).await?;
    println!("http_hello (tokio) listening on http://{}", listener.local_addr()?);
    loop {
        match listener.accept().await {
            Ok((stream, _)) => drop(tokio::spawn(connection(stream))),
            Err(e) => eprintln!("accept: {e}"),
        }
    }
}
