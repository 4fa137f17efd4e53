//! A thousand concurrent loopback connections to an echo server each get back exactly the
//! bytes they sent, and every descriptor is closed afterwards. Its own test binary, so that
//! no other test opens descriptors while they are counted.

use avx_std::io::{self, AsyncReadExt, AsyncWriteExt};
use avx_std::net::{TcpListener, TcpStream};
use avx_std::task::JoinSet;
use avx_std::Runtime;
use std::net::SocketAddr;

fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").expect("procfs").count()
}

/// Deterministic bytes for client `seed`: a length up to 64 KiB and xorshift contents.
fn payload(seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let len = (next() % (64 * 1024 + 1)) as usize;
    (0..len).map(|_| next() as u8).collect()
}

/// Echoes every connection until its peer closes the write side.
async fn echo_server(listener: TcpListener, connections: usize) {
    let mut conns = JoinSet::new();
    for _ in 0..connections {
        let (stream, _) = listener.accept().await.expect("accept");
        conns.spawn(async move {
            let (mut rd, mut wr) = stream.into_split();
            io::copy(&mut rd, &mut wr).await.expect("echo");
        });
    }
    while let Some(done) = conns.join_next().await {
        done.expect("echo task");
    }
}

/// Sends `data` from one task while reading the echo in another; returns what came back.
async fn echo_round_trip(addr: SocketAddr, data: Vec<u8>) -> io::Result<Vec<u8>> {
    let stream = TcpStream::connect(addr).await?;
    let (mut rd, mut wr) = stream.into_split();
    let writer = avx_std::spawn(async move {
        wr.write_all(&data).await?;
        wr.shutdown().await
    });
    let mut back = Vec::new();
    rd.read_to_end(&mut back).await?;
    writer.await.expect("writer task")?;
    Ok(back)
}

#[test]
fn thousand_concurrent_echo_connections_get_their_bytes_back_and_release_descriptors() {
    const CLIENTS: u64 = 1000;
    let rt = Runtime::builder().worker_threads(2).build().unwrap();
    let before = open_descriptors();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = avx_std::spawn(echo_server(listener, CLIENTS as usize));
        let mut clients = JoinSet::new();
        for seed in 0..CLIENTS {
            clients.spawn(async move {
                let sent = payload(seed);
                let back = echo_round_trip(addr, sent.clone()).await.expect("round trip");
                assert!(back == sent, "client {seed}: {} bytes sent, {} came back differently", sent.len(), back.len());
            });
        }
        while let Some(done) = clients.join_next().await {
            done.expect("client task");
        }
        server.await.expect("server task");
    });
    assert_eq!(open_descriptors(), before, "every socket's descriptor is closed");
}
