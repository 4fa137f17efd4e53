//! `http_hello` written on tokio, for the `wrk` comparison in BENCHMARKS.md: the same
//! request framing (`examples/support/http.rs`) and the same loop as avx's example.

#[path = "../../../examples/support/http.rs"]
mod http;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn connection(mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut received = Vec::with_capacity(4096);
    let mut chunk = vec![0u8; 4096];
    let mut out = Vec::with_capacity(4096);
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        received.extend_from_slice(&chunk[..n]);
        let keep_open = http::answer_all(&mut received, &mut out);
        stream.write_all(&out).await?;
        out.clear();
        if !keep_open {
            return Ok(());
        }
    }
}

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
