//! TCP echo over loopback: 50 connections × 2,000 round trips of 64 bytes, on avx, tokio and
//! smol (2 workers each) in one process and one run. One macro body serves all three runtimes.

use criterion::{criterion_group, criterion_main, Criterion};
use std::net::SocketAddr;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::time::Duration;

mod common;
use common::{Avx, Rt, SmolRuntime, Tokio};

const CONNECTIONS: usize = 50;
const ROUND_TRIPS: usize = 2_000;
const MESSAGE: usize = 64;

/// The echo server and clients, written once against a runtime's `net` and `io` modules.
macro_rules! echo_workload {
    ($module:ident, $net:path, $io:path) => {
        mod $module {
            use super::*;
            use $io::{AsyncReadExt, AsyncWriteExt};
            use $net::{TcpListener, TcpStream};

            /// Starts a server that echoes every connection; returns its address.
            pub async fn start_server<R: Rt>(rt: R) -> SocketAddr {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                let addr = listener.local_addr().expect("local addr");
                let spawner = rt.clone();
                rt.spawn(async move {
                    while let Ok((mut stream, _)) = listener.accept().await {
                        stream.set_nodelay(true).expect("nodelay");
                        spawner.spawn(async move {
                            let mut buf = [0u8; 4096];
                            loop {
                                match stream.read(&mut buf).await {
                                    Ok(0) | Err(_) => return,
                                    Ok(n) => stream.write_all(&buf[..n]).await.expect("echo"),
                                }
                            }
                        });
                    }
                });
                addr
            }

            /// Runs the clients; each signals `done` after its last verified round trip.
            pub fn clients<R: Rt>(rt: &R, addr: SocketAddr, done: &SyncSender<()>) {
                for id in 0..CONNECTIONS {
                    let done = done.clone();
                    rt.spawn(async move {
                        let mut stream = TcpStream::connect(addr).await.expect("connect");
                        stream.set_nodelay(true).expect("nodelay");
                        let message = [id as u8; MESSAGE];
                        let mut back = [0u8; MESSAGE];
                        for _ in 0..ROUND_TRIPS {
                            stream.write_all(&message).await.expect("write");
                            stream.read_exact(&mut back).await.expect("read");
                            assert_eq!(back, message);
                        }
                        done.send(()).unwrap();
                    });
                }
            }
        }
    };
}

echo_workload!(on_avx, avx_std::net, avx_std::io);
echo_workload!(on_tokio, tokio::net, tokio::io);
echo_workload!(on_smol, smol::net, smol::io);

/// Times one full run of the clients against a server already listening at `addr`.
fn measure(c: &mut Criterion, runtime: &str, mut run_clients: impl FnMut(&SyncSender<()>)) {
    let mut group = c.benchmark_group("tcp_echo");
    group.sample_size(10).measurement_time(Duration::from_secs(15));
    group.bench_function(runtime, |b| {
        b.iter(|| {
            let (done, finished) = sync_channel(CONNECTIONS);
            run_clients(&done);
            for _ in 0..CONNECTIONS {
                finished.recv().expect("a client failed");
            }
        })
    });
    group.finish();
}

fn tcp_echo(c: &mut Criterion) {
    let avx = common::avx_runtime();
    let rt = Avx(avx.handle().clone());
    let addr = avx.block_on(on_avx::start_server(rt.clone()));
    measure(c, "avx", |done| on_avx::clients(&rt, addr, done));
    drop(avx);

    let tokio = common::tokio_runtime();
    let rt = Tokio(tokio.handle().clone());
    let addr = tokio.block_on(on_tokio::start_server(rt.clone()));
    measure(c, "tokio", |done| on_tokio::clients(&rt, addr, done));
    drop(tokio);

    let smol = SmolRuntime::new();
    let rt = smol.rt.clone();
    let addr = smol::block_on(on_smol::start_server(rt.clone()));
    measure(c, "smol", |done| on_smol::clients(&rt, addr, done));
}

criterion_group!(benches, tcp_echo);
criterion_main!(benches);
