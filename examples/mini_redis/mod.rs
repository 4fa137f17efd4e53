//! mini_redis: a RESP2 server (strings with deadlines, counters, pub/sub), written once to the
//! Tokio API names that `crate::rt` provides: avx_std in the example, tokio in the benchmark twin.
//!
//! Memory, per connection: the input buffer is 16 KiB and grows only for one request that
//! needs it, up to `MAX_INPUT` (8 MiB + 64 KiB: a SET of a `MAX_BULK` = 4 MiB key and value),
//! shrinking back after; argument ranges up to `MAX_ARGS` (65,536) × 16 B; replies wait until
//! `FLUSH_AT` (16 KiB) plus one reply (at most a 4 MiB value) before they are written, and
//! while the client does not read them the connection stops reading too (its replies wait in
//! the kernel's socket buffers, not here); up to `MAX_SUBSCRIPTIONS` (1,024) subscriptions.
//! Each channel with subscribers keeps at most `CHANNEL_CAPACITY` (64) messages. At most
//! `Config::max_clients` (10,000) connections. The keyspace holds what clients store, as
//! Redis without `maxmemory`. A request over a limit is answered with an error and the
//! connection closed.

pub mod command;
pub mod connection;
pub mod db;
pub mod pubsub;
pub mod resp;

use crate::rt;
use crate::rt::io::AsyncWriteExt;
use crate::rt::net::{TcpListener, TcpStream};
use crate::rt::sync::Notify;
use db::Db;
use pubsub::Channels;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The server's settings.
pub struct Config {
    /// Connections beyond this get an error and are closed (Redis's `maxclients`).
    pub max_clients: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config { max_clients: 10_000 }
    }
}

/// The state every connection shares.
struct Shared {
    db: Mutex<Db>,
    channels: Arc<Channels>,
    /// Told when a key got a deadline earlier than every other.
    deadline_moved: Notify,
    clients: AtomicUsize,
    config: Config,
}

/// The most expired keys removed under one hold of the keyspace lock.
const PURGE_BATCH: usize = 1024;

/// Serves clients from `listener` until dropped.
pub async fn serve(listener: TcpListener, config: Config) {
    let shared = Arc::new(Shared {
        db: Mutex::new(Db::default()),
        channels: Arc::default(),
        deadline_moved: Notify::new(),
        clients: AtomicUsize::new(0),
        config,
    });
    rt::join!(expire_keys(&shared), accept_clients(&listener, &shared));
}

async fn accept_clients(listener: &TcpListener, shared: &Arc<Shared>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => drop(rt::spawn(client(stream, shared.clone()))),
            Err(e) => {
                // Out of descriptors, say: wait for connections to end rather than spin.
                eprintln!("mini_redis: accept: {e}");
                rt::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

async fn client(mut stream: TcpStream, shared: Arc<Shared>) {
    let Some(_slot) = ClientSlot::take(&shared) else {
        let _ = stream.write_all(b"-ERR max number of clients reached\r\n").await;
        return;
    };
    // A client that resets or breaks the protocol only ends its own connection.
    let _ = connection::run(stream, &shared).await;
}

/// One of `max_clients` connection slots, held while the connection is served.
struct ClientSlot<'a>(&'a Shared);

impl<'a> ClientSlot<'a> {
    fn take(shared: &'a Shared) -> Option<Self> {
        let taken = shared.clients.fetch_add(1, Ordering::Relaxed);
        let slot = ClientSlot(shared);
        (taken < shared.config.max_clients).then_some(slot)
    }
}

impl Drop for ClientSlot<'_> {
    fn drop(&mut self) {
        self.0.clients.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Removes keys as their deadlines pass: sleeps until the earliest one, or until a request
/// sets an earlier one.
async fn expire_keys(shared: &Shared) {
    loop {
        let next = shared.db.lock().unwrap_or_else(PoisonError::into_inner).purge_expired(Instant::now(), PURGE_BATCH);
        let moved = shared.deadline_moved.notified();
        match next {
            Some(at) => {
                rt::select! {
                    () = rt::time::sleep(at.saturating_duration_since(Instant::now())) => {}
                    () = moved => {}
                }
            }
            None => moved.await,
        }
    }
}
