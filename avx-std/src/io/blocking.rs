//! `Blocking`: `AsyncRead`/`AsyncWrite` over a blocking std reader or writer, one operation at a
//! time on the blocking pool with an owned buffer (reads fill ahead, writes complete behind).

use crate::task::{spawn_blocking, JoinHandle};
use avx_core::io::{AsyncRead, AsyncWrite, ReadBuf};
use std::future::Future;
use std::io::{self, Read, Write};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The most one pool round trip moves.
const MAX_BUF: usize = 2 * 1024 * 1024;

/// A blocking `T` driven from async code.
#[derive(Debug)]
pub(crate) struct Blocking<T> {
    state: State<T>,
    /// A write went out since the last flush.
    needs_flush: bool,
    /// The buffer holds the result of a pool read not yet fully handed out.
    read_ahead: bool,
}

#[derive(Debug)]
enum State<T> {
    /// The object and its buffer are here; `buf[pos..]` holds bytes read ahead.
    Idle(Option<(T, Vec<u8>, usize)>),
    /// An operation is running on the pool; it hands both back.
    Busy(JoinHandle<(io::Result<()>, T, Vec<u8>)>),
}

impl<T: Send + 'static> Blocking<T> {
    pub(crate) fn new(inner: T) -> Blocking<T> {
        Blocking { state: State::Idle(Some((inner, Vec::new(), 0))), needs_flush: false, read_ahead: false }
    }

    /// Waits for the running operation; its result.
    fn poll_settle(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let State::Busy(job) = &mut self.state {
            let (result, inner, buf) = ready!(Pin::new(job).poll(cx)).map_err(io::Error::other)?;
            self.state = State::Idle(Some((inner, buf, 0)));
            if result.is_err() {
                self.read_ahead = false;
            }
            return Poll::Ready(result);
        }
        Poll::Ready(Ok(()))
    }

    fn start(&mut self, op: impl FnOnce(&mut T, &mut Vec<u8>) -> io::Result<()> + Send + 'static) {
        let State::Idle(idle) = &mut self.state else { unreachable!("start while busy") };
        let (mut inner, mut buf, _) = idle.take().expect("the idle state holds the object");
        self.state = State::Busy(spawn_blocking(move || {
            let result = op(&mut inner, &mut buf);
            (result, inner, buf)
        }));
    }

    fn idle(&mut self) -> &mut (T, Vec<u8>, usize) {
        match &mut self.state {
            State::Idle(Some(idle)) => idle,
            _ => unreachable!("settled state is idle"),
        }
    }
}

impl<T: Read + Send + Unpin + 'static> AsyncRead for Blocking<T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, dst: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            ready!(this.poll_settle(cx))?;
            let read_ahead = this.read_ahead;
            let (_, buf, pos) = this.idle();
            if read_ahead || dst.remaining() == 0 {
                // What the last pool read brought (nothing at all: end of stream).
                let n = (buf.len() - *pos).min(dst.remaining());
                dst.put_slice(&buf[*pos..*pos + n]);
                *pos += n;
                this.read_ahead = *pos < buf.len();
                return Poll::Ready(Ok(()));
            }
            let want = dst.remaining().min(MAX_BUF);
            this.start(move |inner, buf| {
                buf.resize(want, 0);
                let read = loop {
                    match inner.read(buf) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        other => break other,
                    }
                };
                buf.truncate(*read.as_ref().unwrap_or(&0));
                read.map(drop)
            });
            this.read_ahead = true;
        }
    }
}

impl<T: Write + Send + Unpin + 'static> AsyncWrite for Blocking<T> {
    /// Takes the bytes into the buffer and writes them on the pool; an error of that write is
    /// reported by the next call.
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, src: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_settle(cx))?;
        let n = src.len().min(MAX_BUF);
        let (_, buf, _) = this.idle();
        buf.clear();
        buf.extend_from_slice(&src[..n]);
        this.start(|inner, buf| {
            let written = inner.write_all(buf);
            buf.clear();
            written
        });
        this.needs_flush = true;
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_settle(cx))?;
        if this.needs_flush {
            this.needs_flush = false;
            this.start(|inner, _| inner.flush());
            ready!(this.poll_settle(cx))?;
        }
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}
