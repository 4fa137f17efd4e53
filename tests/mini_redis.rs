//! mini_redis driven over loopback on avx: the commands, deadlines and pub/sub as clients see
//! them. This binary also runs the server modules' unit tests (parser, keyspace, commands);
//! the hostile clients (bad RESP, huge sizes, pipelining, no reading) are in `mini_redis/abuse.rs`.

#[path = "../examples/mini_redis/mod.rs"]
mod mini_redis;

/// The runtime the server's source names: avx.
use avx_std as rt;

#[path = "mini_redis/abuse.rs"]
mod abuse;
#[path = "mini_redis/client.rs"]
mod client;

use client::{Client, Reply};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// Starts a server with `config` on a free port, runs `test` against it, and fails instead
/// of hanging if the test does not finish within a minute.
fn with_server<F: Future<Output = ()>>(config: mini_redis::Config, test: impl FnOnce(SocketAddr) -> F) {
    let runtime = rt::Runtime::builder().worker_threads(2).build().expect("runtime builds");
    runtime.block_on(async {
        let listener = rt::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        rt::spawn(mini_redis::serve(listener, config));
        rt::time::timeout(Duration::from_secs(60), test(addr)).await.expect("the test hung");
    });
}

/// Held by the tests that allocate many megabytes, so that the one measuring this process's
/// resident memory sees only its own server's.
fn memory_heavy() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(PoisonError::into_inner)
}

fn int(n: i64) -> Reply {
    Reply::Integer(n)
}

#[test]
fn strings_counters_and_keys() {
    with_server(Default::default(), |addr| async move {
        let mut c = Client::connect(addr).await;
        assert_eq!(c.call(&["PING"]).await, Reply::Simple("PONG".into()));
        assert_eq!(c.call(&["ECHO", "hi there"]).await, Reply::bulk("hi there"));
        assert_eq!(c.call(&["GET", "k"]).await, Reply::Null);
        assert_eq!(c.call(&["SET", "k", "v"]).await, Reply::ok());
        assert_eq!(c.call(&["GET", "k"]).await, Reply::bulk("v"));
        assert_eq!(c.call(&["SET", "k", "w", "NX"]).await, Reply::Null);
        assert_eq!(c.call(&["INCR", "n"]).await, int(1));
        assert_eq!(c.call(&["INCR", "n"]).await, int(2));
        assert_eq!(c.call(&["EXISTS", "k", "n", "zz"]).await, int(2));
        assert_eq!(c.call(&["DEL", "k", "zz"]).await, int(1));
        assert_eq!(c.call(&["TTL", "n"]).await, int(-1));
        assert_eq!(c.call(&["TTL", "k"]).await, int(-2));
        assert_eq!(c.call(&["EXPIRE", "n", "100"]).await, int(1));
        assert_eq!(c.call(&["TTL", "n"]).await, int(100));
        assert!(matches!(c.call(&["NOPE"]).await, Reply::Error(e) if e.starts_with("ERR unknown command")));

        // Another connection sees the same keyspace.
        let mut other = Client::connect(addr).await;
        assert_eq!(other.call(&["GET", "n"]).await, Reply::bulk("2"));
        assert_eq!(other.call(&["QUIT"]).await, Reply::ok());
        other.assert_closed().await;
    });
}

#[test]
fn keys_expire_by_themselves_at_their_deadline() {
    with_server(Default::default(), |addr| async move {
        let mut c = Client::connect(addr).await;
        assert_eq!(c.call(&["SET", "short", "v", "PX", "30"]).await, Reply::ok());
        assert_eq!(c.call(&["SET", "long", "v", "EX", "1000"]).await, Reply::ok());
        assert_eq!(c.call(&["SET", "later", "v"]).await, Reply::ok());
        assert_eq!(c.call(&["EXPIRE", "later", "1"]).await, int(1));
        rt::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(c.call(&["GET", "short"]).await, Reply::Null, "past its deadline");
        // Nothing touches `later`: the expiry task's timer must remove it (DBSIZE counts
        // keys not yet removed).
        while c.call(&["DBSIZE"]).await != int(1) {
            rt::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(c.call(&["GET", "long"]).await, Reply::bulk("v"));
    });
}

#[test]
fn publish_reaches_subscribers_until_they_unsubscribe() {
    with_server(Default::default(), |addr| async move {
        let (mut sub, mut publisher) = (Client::connect(addr).await, Client::connect(addr).await);
        sub.send(&["SUBSCRIBE", "news", "sport"]).await;
        assert_eq!(sub.reply().await, Reply::push("subscribe", "news", int(1)));
        assert_eq!(sub.reply().await, Reply::push("subscribe", "sport", int(2)));
        assert_eq!(publisher.call(&["PUBLISH", "news", "hello"]).await, int(1));
        assert_eq!(publisher.call(&["PUBLISH", "weather", "rain"]).await, int(0), "nobody listens");
        assert_eq!(sub.reply().await, Reply::push("message", "news", Reply::bulk("hello")));

        // Subscribed, only the pub/sub commands, PING and QUIT run.
        assert!(matches!(sub.call(&["GET", "k"]).await, Reply::Error(e) if e.contains("Can't execute 'get'")));
        assert_eq!(sub.call(&["PING"]).await, Reply::Array(vec![Reply::bulk("pong"), Reply::bulk("")]));

        // A second subscriber to the same channel.
        let mut second = Client::connect(addr).await;
        assert_eq!(second.call(&["SUBSCRIBE", "sport"]).await, Reply::push("subscribe", "sport", int(1)));
        assert_eq!(publisher.call(&["PUBLISH", "sport", "goal"]).await, int(2));
        assert_eq!(sub.reply().await, Reply::push("message", "sport", Reply::bulk("goal")));
        assert_eq!(second.reply().await, Reply::push("message", "sport", Reply::bulk("goal")));

        assert_eq!(sub.call(&["UNSUBSCRIBE", "news"]).await, Reply::push("unsubscribe", "news", int(1)));
        assert_eq!(publisher.call(&["PUBLISH", "news", "again"]).await, int(0), "the channel is gone");
        assert_eq!(sub.call(&["UNSUBSCRIBE"]).await, Reply::push("unsubscribe", "sport", int(0)));
        assert_eq!(publisher.call(&["PUBLISH", "sport", "late"]).await, int(1), "only the second subscriber");
        assert_eq!(second.reply().await, Reply::push("message", "sport", Reply::bulk("late")));

        // Back in normal mode.
        assert_eq!(sub.call(&["SET", "k", "v"]).await, Reply::ok());
        assert_eq!(
            sub.call(&["UNSUBSCRIBE"]).await,
            Reply::Array(vec![Reply::bulk("unsubscribe"), Reply::Null, int(0)])
        );
    });
}

#[test]
fn a_subscriber_that_falls_behind_is_told_and_disconnected() {
    let _quiet = memory_heavy();
    with_server(Default::default(), |addr| async move {
        let (mut sub, mut publisher) = (Client::connect(addr).await, Client::connect(addr).await);
        assert_eq!(sub.call(&["SUBSCRIBE", "firehose"]).await, Reply::push("subscribe", "firehose", int(1)));
        // While `sub` reads nothing, four times the messages a channel keeps, 64 MiB in all:
        // more than the kernel's socket buffers hold.
        let sent = 4 * mini_redis::pubsub::CHANNEL_CAPACITY;
        let payload = "x".repeat((64 << 20) / sent);
        for _ in 0..sent {
            assert_eq!(publisher.call(&["PUBLISH", "firehose", &payload]).await, int(1));
        }
        let mut messages = 0;
        let error = loop {
            match sub.reply().await {
                Reply::Array(_) => messages += 1,
                Reply::Error(e) => break e,
                other => panic!("unexpected {other:?}"),
            }
        };
        assert!(error.contains("fell behind"), "{error}");
        assert!(messages < sent, "{messages} messages: some were dropped");
        sub.assert_closed().await;
        assert_eq!(publisher.call(&["PUBLISH", "firehose", "x"]).await, int(0), "the lagging subscriber is gone");
    });
}

#[test]
fn connections_beyond_max_clients_are_refused_until_one_leaves() {
    with_server(mini_redis::Config { max_clients: 2 }, |addr| async move {
        let mut first = Client::connect(addr).await;
        let mut second = Client::connect(addr).await;
        assert_eq!(first.call(&["PING"]).await, Reply::Simple("PONG".into()));
        assert_eq!(second.call(&["PING"]).await, Reply::Simple("PONG".into()));
        let mut third = Client::connect(addr).await;
        assert_eq!(third.reply().await, Reply::Error("ERR max number of clients reached".into()));
        third.assert_closed().await;
        drop(first);
        // The slot frees when the server has seen the close; until then, refusals.
        loop {
            let mut again = Client::connect(addr).await;
            again.send(&["PING"]).await;
            if again.reply().await == Reply::Simple("PONG".into()) {
                break;
            }
            rt::time::sleep(Duration::from_millis(10)).await;
        }
    });
}
