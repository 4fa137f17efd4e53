//! Hostile and careless clients: malformed RESP, a bulk announced as 4 GiB, unterminated and
//! endless requests, 10,000 pipelined commands, a client that never reads its replies. Each
//! gets an error or a close, the server's memory stays bounded, and other clients are served.

use super::client::{encode, Client, Reply};
use super::{int, memory_heavy, mini_redis, rt, with_server};
use avx_std::io::{AsyncReadExt, AsyncWriteExt};
use std::io;
use std::time::Duration;

async fn assert_pong(addr: std::net::SocketAddr) {
    assert_eq!(Client::connect(addr).await.call(&["PING"]).await, Reply::Simple("PONG".into()));
}

#[test]
fn malformed_resp_gets_a_protocol_error_then_a_close() {
    let cases: &[(&[u8], &str)] = &[
        (b"*x\r\n", "ERR Protocol error: invalid multibulk length"),
        (b"*1\r\n$y\r\n", "ERR Protocol error: invalid bulk length"),
        (b"*1\r\n:5\r\n", "ERR Protocol error: expected '$', got ':'"),
        (b"*1\r\n$4\r\nPINGPONG\r\n", "ERR Protocol error: bulk string not followed by CRLF"),
        (b"*2\r\n$-7\r\n", "ERR Protocol error: invalid bulk length"),
    ];
    with_server(Default::default(), |addr| async move {
        for (input, error) in cases {
            let mut c = Client::connect(addr).await;
            // A good request first: its reply comes before the error.
            c.send(&["PING"]).await;
            c.send_raw(input).await;
            assert_eq!(c.reply().await, Reply::Simple("PONG".into()));
            assert_eq!(c.reply().await, Reply::Error(error.to_string()), "for {:?}", input.escape_ascii().to_string());
            c.assert_closed().await;
        }
        assert_pong(addr).await;
    });
}

#[test]
fn a_bulk_announced_as_4_gib_is_refused_before_any_of_it_arrives() {
    with_server(Default::default(), |addr| async move {
        let mut c = Client::connect(addr).await;
        c.send_raw(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4294967296\r\n").await;
        assert_eq!(c.reply().await, Reply::Error("ERR Protocol error: invalid bulk length".into()));
        c.assert_closed().await;
        let mut check = Client::connect(addr).await;
        assert_eq!(check.call(&["EXISTS", "k"]).await, int(0));
    });
}

#[test]
fn an_unterminated_request_waits_for_the_rest_and_ends_with_its_client() {
    with_server(Default::default(), |addr| async move {
        // Byte by byte, a request still completes.
        let mut slow = Client::connect(addr).await;
        for byte in encode(&["SET", "k", "slowly"]) {
            slow.send_raw(&[byte]).await;
        }
        assert_eq!(slow.reply().await, Reply::ok());

        // Half an array: the server waits without blocking anyone else...
        let mut half = Client::connect(addr).await;
        half.send_raw(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nab").await;
        assert_pong(addr).await;
        // ...and when the client closes its side, the server closes without running it.
        half.stream.shutdown().await.unwrap();
        half.assert_closed().await;
        let mut check = Client::connect(addr).await;
        assert_eq!(check.call(&["GET", "k"]).await, Reply::bulk("slowly"));
    });
}

#[test]
fn endless_headers_lines_and_arrays_are_cut_at_their_limits() {
    let _quiet = memory_heavy();
    with_server(Default::default(), |addr| async move {
        let mut digits = Client::connect(addr).await;
        digits.send_raw(format!("*{}", "9".repeat(100)).as_bytes()).await;
        assert_eq!(digits.reply().await, Reply::Error("ERR Protocol error: invalid multibulk length".into()));
        digits.assert_closed().await;

        let mut line = Client::connect(addr).await;
        line.send_raw(&vec![b'a'; mini_redis::resp::MAX_INLINE]).await;
        assert_eq!(line.reply().await, Reply::Error("ERR Protocol error: too big inline request".into()));
        line.assert_closed().await;

        // An array of the most elements allowed, each the largest bulk allowed, never ends:
        // the server refuses it once it fills the input limit, however much more is sent.
        let endless = Client::connect(addr).await;
        let (mut rd, mut wr) = endless.stream.into_split();
        let writer = rt::spawn(async move {
            let element = format!("${}\r\n{}\r\n", mini_redis::resp::MAX_BULK, "e".repeat(mini_redis::resp::MAX_BULK));
            wr.write_all(format!("*{}\r\n", mini_redis::resp::MAX_ARGS).as_bytes()).await?;
            loop {
                wr.write_all(element.as_bytes()).await?;
            }
            #[allow(unreachable_code)]
            io::Result::Ok(())
        });
        let mut reply = Vec::new();
        rd.read_to_end(&mut reply)
            .await
            .or_else(|e| if e.kind() == io::ErrorKind::ConnectionReset { Ok(0) } else { Err(e) })
            .unwrap();
        let expected =
            format!("-ERR Protocol error: request larger than {} bytes\r\n", mini_redis::connection::MAX_INPUT);
        assert_eq!(String::from_utf8_lossy(&reply), expected);
        assert!(writer.await.unwrap().is_err(), "the writer stops when the server closes");
        assert_pong(addr).await;
    });
}

#[test]
fn ten_thousand_pipelined_commands_are_answered_in_order() {
    let _quiet = memory_heavy();
    with_server(Default::default(), |addr| async move {
        let mut request = Vec::new();
        for i in 0..10_000 {
            match i % 4 {
                0 => request.extend_from_slice(&encode(&["INCR", "counter"])),
                1 => request.extend_from_slice(&encode(&["SET", &format!("key{i}"), &i.to_string()])),
                2 => request.extend_from_slice(format!("GET key{}\r\n", i - 1).as_bytes()),
                _ => request.extend_from_slice(b"PING\r\n"),
            }
        }
        let (rd, mut wr) = Client::connect(addr).await.stream.into_split();
        // Written from another task, as the replies must be read while the requests go out.
        let writer = rt::spawn(async move { wr.write_all(&request).await.map(|()| wr) });
        let mut c = Client::new(rd);
        for i in 0..10_000 {
            let expected = match i % 4 {
                0 => int(i / 4 + 1),
                1 => Reply::ok(),
                2 => Reply::bulk(&(i - 1).to_string()),
                _ => Reply::Simple("PONG".into()),
            };
            assert_eq!(c.reply().await, expected, "reply {i}");
        }
        drop(writer.await.unwrap().unwrap());
    });
}

/// This process's resident memory, from procfs.
fn resident_bytes() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("procfs");
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("VmRSS in /proc/self/status");
    let kib: usize = line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("VmRSS in kB");
    kib * 1024
}

#[test]
fn a_client_that_never_reads_its_replies_stops_being_read() {
    let _quiet = memory_heavy();
    with_server(Default::default(), |addr| async move {
        let mut c = Client::connect(addr).await;
        assert_eq!(c.call(&["SET", "big", &"v".repeat(1 << 20)]).await, Reply::ok());
        let before = resident_bytes();
        // GETs of the 1 MiB value, never reading the replies, until the server takes no more
        // (no progress for three waits in a row).
        let requests = b"GET big\r\n".repeat(1000);
        let (mut sent, mut waits_without_progress) = (0, 0);
        while waits_without_progress < 3 {
            match c.stream.try_write(&requests) {
                Ok(n) => (sent, waits_without_progress) = (sent + n, 0),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if rt::time::timeout(Duration::from_millis(200), c.stream.writable()).await.is_err() {
                        waits_without_progress += 1;
                    }
                }
                Err(e) => panic!("writing requests: {e}"),
            }
        }
        let grown = resident_bytes().saturating_sub(before);
        let gets = sent / 9;
        assert!(gets >= 10_000, "only {gets} GETs were accepted before the server stopped reading");
        // Buffered, they would be {gets} MiB of replies.
        assert!(grown < 256 << 20, "resident memory grew {} MiB for {gets} GETs never read", grown >> 20);
        // Others are served meanwhile, and the stuck connection goes with its client.
        assert_pong(addr).await;
        drop(c);
        assert_pong(addr).await;
    });
}
