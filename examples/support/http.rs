//! The request framing and connection loop shared by the `http_hello` servers (avx's example
//! and the tokio and smol versions in the benchmarks), so all three do exactly the same work.

/// The fixed response, with keep-alive (HTTP/1.1's default).
pub const RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!";

/// What the bytes received so far contain.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// A whole request of this many bytes (header and body); answer it and drop them.
    Request { len: usize, close: bool },
    /// The request is not complete yet: read more.
    Incomplete,
    /// Not HTTP, or a header larger than we accept: close the connection.
    Invalid,
}

const MAX_HEADER: usize = 16 * 1024;

/// Parses the first request in `buf`.
pub fn parse(buf: &[u8]) -> Parsed {
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return if buf.len() > MAX_HEADER { Parsed::Invalid } else { Parsed::Incomplete };
    };
    let Ok(head) = std::str::from_utf8(&buf[..end]) else { return Parsed::Invalid };
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    if !request_line.ends_with("HTTP/1.1") && !request_line.ends_with("HTTP/1.0") {
        return Parsed::Invalid;
    }
    let mut body = 0;
    let mut close = request_line.ends_with("HTTP/1.0");
    for line in lines {
        let Some((name, value)) = line.split_once(':') else { return Parsed::Invalid };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            let Ok(n) = value.parse::<usize>() else { return Parsed::Invalid };
            body = n;
        } else if name.eq_ignore_ascii_case("connection") {
            close = value.eq_ignore_ascii_case("close");
        }
    }
    let len = end + 4 + body;
    if buf.len() < len {
        return Parsed::Incomplete;
    }
    Parsed::Request { len, close }
}

/// Answers every complete request at the front of `buf` into `out`, removing them from
/// `buf`. Returns `false` when the connection should close after `out` is written.
pub fn answer_all(buf: &mut Vec<u8>, out: &mut Vec<u8>) -> bool {
    let mut consumed = 0;
    let keep_open = loop {
        match parse(&buf[consumed..]) {
            Parsed::Request { len, close } => {
                out.extend_from_slice(RESPONSE);
                consumed += len;
                if close {
                    break false;
                }
            }
            Parsed::Incomplete => break true,
            Parsed::Invalid => break false,
        }
    };
    buf.drain(..consumed);
    keep_open
}

/// Defines `async fn connection(stream)`: read requests, answer every complete one, until the
/// peer closes. The caller brings its runtime's `AsyncReadExt`/`AsyncWriteExt` into scope.
macro_rules! connection_loop {
    ($stream:ty) => {
        async fn connection(mut stream: $stream) -> std::io::Result<()> {
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
    };
}
pub(crate) use connection_loop;
