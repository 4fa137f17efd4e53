//! An echo server on avx. `--clients N` also drives N clients against it, checks every byte
//! that comes back, prints the round trips per second and exits: avx doing real I/O in one command.
//!
//! ```text
//! cargo run --release --example echo -- --clients 50           # self-test, then exit
//! cargo run --release --example echo -- --addr 127.0.0.1:7878  # serve until interrupted
//! ```

use avx_std::io::{self, AsyncReadExt, AsyncWriteExt};
use avx_std::net::{TcpListener, TcpStream};
use avx_std::task::JoinSet;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Instant;

struct Options {
    addr: String,
    clients: Option<usize>,
    round_trips: usize,
    size: usize,
}

const USAGE: &str = "usage: echo [--addr HOST:PORT] [--clients N [--round-trips M] [--size BYTES]]";

fn parse_args() -> Result<Options, String> {
    let mut options = Options { addr: String::new(), clients: None, round_trips: 2_000, size: 64 };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |v: String| v.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--addr" => options.addr = value()?,
            "--clients" => options.clients = Some(number(value()?)?),
            "--round-trips" => options.round_trips = number(value()?)?,
            "--size" => options.size = number(value()?)?.max(1),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if options.addr.is_empty() {
        // Self-test on a free port; a plain server on a well-known one.
        options.addr = if options.clients.is_some() { "127.0.0.1:0" } else { "127.0.0.1:7878" }.to_owned();
    }
    Ok(options)
}

/// Serves every connection: whatever arrives is sent back, until the peer closes.
async fn serve(listener: TcpListener) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                avx_std::spawn(async move {
                    let _ = stream.set_nodelay(true);
                    let (mut rd, mut wr) = stream.into_split();
                    // A peer that resets mid-stream just ends its own connection.
                    let _ = io::copy(&mut rd, &mut wr).await;
                });
            }
            // E.g. out of descriptors: accept backs off by itself, so log and go on.
            Err(e) => eprintln!("accept: {e}"),
        }
    }
}

/// One client: `round_trips` times, send `size` bytes and check the echo matches.
async fn client(addr: SocketAddr, id: usize, round_trips: usize, size: usize) -> io::Result<()> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let mut message: Vec<u8> = (0..size).map(|i| (i + id) as u8).collect();
    let mut back = vec![0u8; size];
    for round in 0..round_trips {
        message[0] = round as u8;
        stream.write_all(&message).await?;
        stream.read_exact(&mut back).await?;
        if back != message {
            return Err(io::Error::new(io::ErrorKind::InvalidData, format!("client {id}: echo differs")));
        }
    }
    Ok(())
}

async fn self_test(listener: TcpListener, options: &Options, clients: usize) -> io::Result<()> {
    let addr = listener.local_addr()?;
    avx_std::spawn(serve(listener));
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for id in 0..clients {
        tasks.spawn(client(addr, id, options.round_trips, options.size));
    }
    while let Some(done) = tasks.join_next().await {
        done.map_err(io::Error::other)??;
    }
    let elapsed = started.elapsed();
    let total = clients * options.round_trips;
    println!(
        "{clients} clients x {} round trips of {} bytes: all {total} echoes verified in {elapsed:.2?} ({:.0} round trips/s)",
        options.round_trips,
        options.size,
        total as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("echo: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = avx_std::run(async {
        let listener = TcpListener::bind(options.addr.as_str()).await?;
        match options.clients {
            Some(clients) => self_test(listener, &options, clients).await,
            None => {
                println!("echo server listening on {}", listener.local_addr()?);
                serve(listener).await;
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("echo: {e}");
            ExitCode::FAILURE
        }
    }
}
