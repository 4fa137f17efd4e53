//! Integration tests of avx-std's networking: a thousand concurrent echo connections, UDP and
//! Unix sockets, buffered and split I/O, and the faults a server meets (refused, in use, reset).

use avx_std::io::{self, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, BufWriter};
use avx_std::net::{TcpListener, TcpStream, UdpSocket, UnixListener, UnixStream};
use avx_std::task::JoinSet;
use avx_std::Runtime;

fn runtime() -> Runtime {
    Runtime::builder().worker_threads(2).build().expect("runtime builds")
}

#[test]
fn connecting_to_a_closed_port_is_refused() {
    runtime().block_on(async {
        let port = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
        let error = TcpStream::connect(port).await.expect_err("nobody listens there");
        assert_eq!(error.kind(), io::ErrorKind::ConnectionRefused);
    });
}

#[test]
fn binding_a_port_in_use_fails_with_addr_in_use() {
    runtime().block_on(async {
        let first = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let error = TcpListener::bind(first.local_addr().unwrap()).await.expect_err("port is taken");
        assert_eq!(error.kind(), io::ErrorKind::AddrInUse);
    });
}

#[test]
fn a_reset_peer_gives_an_error_and_the_runtime_goes_on() {
    runtime().block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (server_side, _) = listener.accept().await.unwrap();
        client.write_all(b"unread").await.unwrap();
        // Give the bytes time to land in the server's receive buffer, then close it unread:
        // the kernel answers with a reset instead of a FIN.
        let mut probe = [0u8; 6];
        assert_eq!(server_side.peek(&mut probe).await.unwrap(), 6);
        drop(server_side);
        let mut buf = [0u8; 16];
        let error = client.read(&mut buf).await.expect_err("the peer reset the connection");
        assert_eq!(error.kind(), io::ErrorKind::ConnectionReset);
        // The listener still serves.
        let again = TcpStream::connect(listener.local_addr().unwrap()).await;
        assert!(again.is_ok());
    });
}

#[test]
fn half_close_reads_end_of_stream_and_the_other_direction_still_works() {
    runtime().block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (mut server, peer) = listener.accept().await.unwrap();
        assert_eq!(peer, client.local_addr().unwrap());
        assert_eq!(server.peer_addr().unwrap(), client.local_addr().unwrap());
        client.set_nodelay(true).unwrap();
        assert!(client.nodelay().unwrap());
        client.write_all(b"question").await.unwrap();
        client.shutdown().await.unwrap();
        let mut got = String::new();
        server.read_to_string(&mut got).await.unwrap();
        assert_eq!(got, "question");
        let mut buf = [0u8; 4];
        assert_eq!(server.read(&mut buf).await.unwrap(), 0, "reads after end of stream return 0");
        server.write_all(b"answer").await.unwrap();
        drop(server);
        let mut answer = Vec::new();
        client.read_to_end(&mut answer).await.unwrap();
        assert_eq!(answer, b"answer");
    });
}

#[test]
fn udp_round_trips_to_an_address_and_to_a_connected_peer() {
    runtime().block_on(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());
        assert_eq!(a.send_to(b"ping", b_addr).await.unwrap(), 4);
        let mut buf = [0u8; 64];
        let (n, from) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"ping"[..], a_addr));
        b.connect(a_addr).await.unwrap();
        assert_eq!(b.peer_addr().unwrap(), a_addr);
        b.send(b"pong").await.unwrap();
        let (n, from) = a.recv_from(&mut buf).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"pong"[..], b_addr));
        a.connect(b_addr).await.unwrap();
        a.send(b"again").await.unwrap();
        assert_eq!(b.recv(&mut buf).await.unwrap(), 5);
    });
}

#[test]
fn many_tasks_waiting_on_one_shared_udp_socket_all_receive() {
    runtime().block_on(async {
        let server = std::sync::Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
        let addr = server.local_addr().unwrap();
        let mut receivers = JoinSet::new();
        for _ in 0..4 {
            let server = server.clone();
            receivers.spawn(async move {
                let mut buf = [0u8; 8];
                server.recv_from(&mut buf).await.unwrap().0
            });
        }
        let client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        for _ in 0..4 {
            avx_std::task::yield_now().await;
            client.send_to(b"x", addr).await.unwrap();
        }
        let mut received = 0;
        while let Some(n) = receivers.join_next().await {
            received += n.unwrap();
        }
        assert_eq!(received, 4);
    });
}

#[test]
fn unix_listener_and_stream_echo_through_a_path() {
    let dir = std::env::temp_dir().join(format!("avx-unix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("echo.sock");
    let _ = std::fs::remove_file(&path);
    runtime().block_on(async {
        let listener = UnixListener::bind(&path).unwrap();
        assert_eq!(listener.local_addr().unwrap().as_pathname(), Some(path.as_path()));
        let server = avx_std::spawn(async move {
            let (stream, peer) = listener.accept().await.unwrap();
            assert!(peer.is_unnamed());
            let (mut rd, mut wr) = stream.into_split();
            io::copy(&mut rd, &mut wr).await.unwrap()
        });
        let mut client = UnixStream::connect(&path).await.unwrap();
        client.write_all(b"over unix").await.unwrap();
        client.shutdown().await.unwrap();
        let mut back = String::new();
        client.read_to_string(&mut back).await.unwrap();
        assert_eq!(back, "over unix");
        assert_eq!(server.await.unwrap(), 9);
    });
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn connecting_to_a_missing_unix_path_fails_clearly() {
    runtime().block_on(async {
        let error = UnixStream::connect("/nonexistent/avx.sock").await.expect_err("no such socket");
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
    });
}

#[test]
fn buffered_lines_and_generic_split_over_a_unix_pair() {
    runtime().block_on(async {
        let (left, right) = UnixStream::pair().unwrap();
        let (_, write) = io::split(left);
        let writer = avx_std::spawn(async move {
            let mut out = BufWriter::new(write);
            for i in 0..1000 {
                out.write_all(format!("line {i}\r\n").as_bytes()).await.unwrap();
            }
            out.write_all(b"last without newline").await.unwrap();
            out.flush().await.unwrap();
        });
        let reader = avx_std::spawn(async move {
            let mut lines = BufReader::new(right).lines();
            let mut got = Vec::new();
            while let Some(line) = lines.next_line().await.unwrap() {
                got.push(line);
            }
            got
        });
        writer.await.unwrap(); // the write half (the only owner of `left`) is dropped: EOF
        let got = reader.await.unwrap();
        assert_eq!(got.len(), 1001);
        assert_eq!(got[0], "line 0");
        assert_eq!(got[999], "line 999");
        assert_eq!(got[1000], "last without newline");
    });
}

#[test]
fn read_exact_reports_an_early_end_of_stream() {
    runtime().block_on(async {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        a.write_all(b"abc").await.unwrap();
        drop(a);
        let mut buf = [0u8; 8];
        let error = b.read_exact(&mut buf).await.expect_err("only 3 of 8 bytes exist");
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
    });
}

#[test]
fn a_socket_that_outlives_its_runtime_errors_instead_of_hanging() {
    let socket = runtime().block_on(async { UdpSocket::bind("127.0.0.1:0").await.unwrap() });
    // The first runtime is gone; waiting on its reactor must fail at once.
    runtime().block_on(async {
        let mut buf = [0u8; 4];
        let error = socket.recv_from(&mut buf).await.expect_err("its reactor has shut down");
        assert!(error.to_string().contains("shut down"), "{error}");
    });
}

#[test]
#[should_panic(expected = "there is no avx runtime on this thread")]
fn sockets_need_a_runtime_and_say_so() {
    // A programming error, reported as Tokio reports it: a panic (whose text starts with
    // Tokio's words, which code written for Tokio matches on) naming what to do.
    let _ = UnixStream::pair();
}

#[path = "../examples/support/http.rs"]
mod http;

http::connection_loop!(TcpStream);

#[test]
fn http_hello_answers_pipelined_keep_alive_requests_and_honours_connection_close() {
    runtime().block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = avx_std::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            connection(stream).await
        });
        let mut client = TcpStream::connect(addr).await.unwrap();
        let get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        let post = "POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
        let close = "GET / HTTP/1.1\r\nConnection: close\r\n\r\n";
        // Three requests, the second split across writes, in one connection.
        client.write_all(format!("{get}{}", &post[..10]).as_bytes()).await.unwrap();
        avx_std::task::yield_now().await;
        client.write_all(format!("{}{close}", &post[10..]).as_bytes()).await.unwrap();
        let mut answers = Vec::new();
        client.read_to_end(&mut answers).await.unwrap();
        assert_eq!(answers, http::RESPONSE.repeat(3), "three answers, then the server closed");
        server.await.unwrap().unwrap();
    });
}

#[test]
fn http_framing_rejects_garbage_and_waits_for_incomplete_requests() {
    assert_eq!(http::parse(b"GET / HTTP/1.1\r\nHost: x\r\n"), http::Parsed::Incomplete);
    assert_eq!(http::parse(b"NOT HTTP\r\n\r\n"), http::Parsed::Invalid);
    assert_eq!(http::parse(b"GET / HTTP/1.1\r\nContent-Length: zz\r\n\r\n"), http::Parsed::Invalid);
    assert_eq!(http::parse(b"GET / HTTP/1.0\r\n\r\n"), http::Parsed::Request { len: 18, close: true });
}

#[test]
fn tcp_socket_sets_the_backlog_and_binds_a_client_to_a_chosen_address() {
    use avx_std::net::TcpSocket;
    runtime().block_on(async {
        let server = TcpSocket::new_v4().unwrap();
        server.set_reuseaddr(true).unwrap();
        server.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = server.listen(16).unwrap();
        let addr = listener.local_addr().unwrap();
        let client = TcpSocket::new_v4().unwrap();
        client.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let client_addr = client.local_addr().unwrap();
        let stream = client.connect(addr).await.unwrap();
        assert_eq!(stream.local_addr().unwrap(), client_addr);
        let (_, peer) = listener.accept().await.unwrap();
        assert_eq!(peer, client_addr);
    });
}

#[test]
fn readiness_api_waits_then_try_read_and_try_write_do_not() {
    runtime().block_on(async {
        let (a, b) = UnixStream::pair().unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(b.try_read(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        let reader = avx_std::spawn(async move {
            b.readable().await.unwrap();
            let n = b.try_read(&mut buf).unwrap();
            buf[..n].to_vec()
        });
        a.writable().await.unwrap();
        assert_eq!(a.try_write(b"ready").unwrap(), 5);
        assert_eq!(reader.await.unwrap(), b"ready");
    });
}

#[test]
fn sockets_move_between_std_and_avx_both_ways() {
    runtime().block_on(async {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let listener = TcpListener::from_std(std_listener).unwrap();
        let addr = listener.local_addr().unwrap();
        let std_client = std::net::TcpStream::connect(addr).unwrap();
        let mut client = TcpStream::from_std(std_client).unwrap();
        let (server_side, _) = listener.accept().await.unwrap();
        client.write_all(b"from std").await.unwrap();
        // Back to std: deregistered, still nonblocking, and the bytes are there.
        let std_server = server_side.into_std().unwrap();
        std_server.set_nonblocking(false).unwrap();
        let mut got = [0u8; 8];
        std::io::Read::read_exact(&mut &std_server, &mut got).unwrap();
        assert_eq!(&got, b"from std");
        assert_eq!(listener.into_std().unwrap().local_addr().unwrap(), addr);

        let udp = UdpSocket::from_std(std::net::UdpSocket::bind("127.0.0.1:0").unwrap()).unwrap();
        let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        peer.send_to(b"dgram", udp.local_addr().unwrap()).unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(udp.recv_from(&mut buf).await.unwrap(), (5, peer.local_addr().unwrap()));
        assert_eq!(udp.into_std().unwrap().local_addr().unwrap().ip(), peer.local_addr().unwrap().ip());
    });
}
