//! A small RESP2 client for the mini_redis tests: requests encoded as arrays (or sent raw),
//! replies parsed from what the server sends, and end of stream observed.

use avx_std::io::{self, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use avx_std::net::TcpStream;
use std::net::SocketAddr;

/// A parsed reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Simple(String),
    Error(String),
    Integer(i64),
    Bulk(Vec<u8>),
    Null,
    Array(Vec<Reply>),
}

impl Reply {
    pub fn bulk(text: &str) -> Reply {
        Reply::Bulk(text.as_bytes().to_vec())
    }

    pub fn ok() -> Reply {
        Reply::Simple("OK".to_owned())
    }

    /// A (un)subscribe confirmation or a message push: `[a, b, c]` of bulks or an integer.
    pub fn push(kind: &str, channel: &str, last: Reply) -> Reply {
        Reply::Array(vec![Reply::bulk(kind), Reply::bulk(channel), last])
    }
}

/// A connection (or its read half alone) and the bytes received but not yet parsed.
pub struct Client<S = TcpStream> {
    pub stream: S,
    received: Vec<u8>,
}

impl Client {
    pub async fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).await.expect("connect to mini_redis");
        stream.set_nodelay(true).unwrap();
        Client::new(stream)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    /// Sends `args` as one RESP array.
    pub async fn send(&mut self, args: &[&str]) {
        self.send_raw(&encode(args)).await;
    }

    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.expect("send to mini_redis");
    }

    /// Sends `args` and returns the reply.
    pub async fn call(&mut self, args: &[&str]) -> Reply {
        self.send(args).await;
        self.reply().await
    }
}

impl<S: AsyncRead + Unpin> Client<S> {
    pub fn new(stream: S) -> Self {
        Client { stream, received: Vec::new() }
    }

    /// The next reply, reading as much as it takes.
    pub async fn reply(&mut self) -> Reply {
        loop {
            if let Some((reply, len)) = parse(&self.received) {
                self.received.drain(..len);
                return reply;
            }
            let mut chunk = vec![0u8; 64 * 1024];
            let n = self.stream.read(&mut chunk).await.expect("read a reply");
            assert!(
                n > 0,
                "the server closed before a whole reply; got {:?}",
                self.received.escape_ascii().to_string()
            );
            self.received.extend_from_slice(&chunk[..n]);
        }
    }

    /// Asserts the server closes the connection with nothing more to say (a reset after its
    /// last reply counts as closed too).
    pub async fn assert_closed(&mut self) {
        let mut rest = std::mem::take(&mut self.received);
        let mut chunk = [0u8; 4096];
        loop {
            match self.stream.read(&mut chunk).await {
                Ok(0) => break,
                Ok(n) => rest.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => break,
                Err(e) => panic!("reading the end: {e}"),
            }
        }
        assert!(rest.is_empty(), "expected the end of the stream, got {:?}", rest.escape_ascii().to_string());
    }
}

/// `args` as a RESP array of bulk strings.
pub fn encode(args: &[&str]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for arg in args {
        out.extend_from_slice(format!("${}\r\n{arg}\r\n", arg.len()).as_bytes());
    }
    out
}

/// The first whole reply in `buf` and its length.
fn parse(buf: &[u8]) -> Option<(Reply, usize)> {
    let line_end = buf.windows(2).position(|w| w == b"\r\n")?;
    let line = std::str::from_utf8(&buf[1..line_end]).expect("a reply's header is text");
    let after = line_end + 2;
    let reply = match buf[0] {
        b'+' => Reply::Simple(line.to_owned()),
        b'-' => Reply::Error(line.to_owned()),
        b':' => Reply::Integer(line.parse().expect("an integer reply")),
        b'$' if line == "-1" => Reply::Null,
        b'$' => {
            let len: usize = line.parse().expect("a bulk length");
            let bytes = buf.get(after..after + len + 2)?;
            return Some((Reply::Bulk(bytes[..len].to_vec()), after + len + 2));
        }
        b'*' => {
            let count: usize = line.parse().expect("an array length");
            let (mut items, mut pos) = (Vec::new(), after);
            for _ in 0..count {
                let (item, len) = parse(&buf[pos..])?;
                items.push(item);
                pos += len;
            }
            return Some((Reply::Array(items), pos));
        }
        other => panic!("not a RESP2 reply: starts with {:?}", other as char),
    };
    Some((reply, after))
}
