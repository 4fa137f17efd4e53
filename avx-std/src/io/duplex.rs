//! In-memory byte pipes: `simplex` (one direction) and `duplex` (a connected pair), bounded
//! buffers with back-pressure, for tests and for plumbing between tasks without a socket.

use super::split::{split, ReadHalf, WriteHalf};
use avx_core::coop;
use avx_core::io::{AsyncRead, AsyncWrite, ReadBuf};
use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{ready, Context, Poll, Waker};

/// A one-way pipe holding at most `max_buf_size` unread bytes: what is written is read back.
#[derive(Debug)]
pub struct SimplexStream {
    buffer: VecDeque<u8>,
    max_buf_size: usize,
    /// The writer shut down or went away: reads end once the buffer is empty.
    write_closed: bool,
    /// The reader went away: writes fail with `BrokenPipe`.
    read_closed: bool,
    reader: Option<Waker>,
    writer: Option<Waker>,
}

/// Wakers to wake and to drop once the pipe's lock is released (either may run user code
/// that touches the pipe again, for instance by dropping the other end).
#[must_use]
#[derive(Default)]
struct Deferred {
    wake: Option<Waker>,
    replaced: Option<Waker>,
}

impl Deferred {
    fn run(self) {
        drop(self.replaced);
        if let Some(waker) = self.wake {
            waker.wake();
        }
    }
}

/// Stores `cx`'s waker in `slot`, handing back the one it replaces.
fn park(slot: &mut Option<Waker>, cx: &Context<'_>) -> Deferred {
    let replaced = match slot {
        Some(current) if current.will_wake(cx.waker()) => None,
        _ => slot.replace(cx.waker().clone()),
    };
    Deferred { wake: None, replaced }
}

impl SimplexStream {
    /// A pipe buffering up to `max_buf_size` bytes, not split into halves.
    ///
    /// # Panics
    /// If `max_buf_size` is zero (no byte could ever pass).
    #[track_caller]
    pub fn new_unsplit(max_buf_size: usize) -> SimplexStream {
        assert!(max_buf_size > 0, "an in-memory pipe needs a max_buf_size greater than zero");
        SimplexStream {
            buffer: VecDeque::new(),
            max_buf_size,
            write_closed: false,
            read_closed: false,
            reader: None,
            writer: None,
        }
    }

    fn read(&mut self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> (Poll<io::Result<()>>, Deferred) {
        if buf.remaining() == 0 {
            return (Poll::Ready(Ok(())), Deferred::default());
        }
        if self.buffer.is_empty() {
            if self.write_closed {
                return (Poll::Ready(Ok(())), Deferred::default());
            }
            return (Poll::Pending, park(&mut self.reader, cx));
        }
        let n = buf.remaining().min(self.buffer.len());
        let (front, back) = self.buffer.as_slices();
        let from_front = n.min(front.len());
        buf.put_slice(&front[..from_front]);
        buf.put_slice(&back[..n - from_front]);
        self.buffer.drain(..n);
        (Poll::Ready(Ok(())), Deferred { wake: self.writer.take(), replaced: None })
    }

    fn write(&mut self, cx: &mut Context<'_>, bufs: &[IoSlice<'_>]) -> (Poll<io::Result<usize>>, Deferred) {
        if self.read_closed {
            return (Poll::Ready(Err(io::ErrorKind::BrokenPipe.into())), Deferred::default());
        }
        if bufs.iter().all(|b| b.is_empty()) {
            return (Poll::Ready(Ok(0)), Deferred::default());
        }
        let mut room = self.max_buf_size - self.buffer.len();
        if room == 0 {
            return (Poll::Pending, park(&mut self.writer, cx));
        }
        let mut written = 0;
        for b in bufs {
            let n = room.min(b.len());
            self.buffer.extend(&b[..n]);
            written += n;
            room -= n;
            if room == 0 {
                break;
            }
        }
        (Poll::Ready(Ok(written)), Deferred { wake: self.reader.take(), replaced: None })
    }

    fn close_write(&mut self) -> Deferred {
        self.write_closed = true;
        Deferred { wake: self.reader.take(), replaced: None }
    }

    fn close_read(&mut self) -> Deferred {
        self.read_closed = true;
        Deferred { wake: self.writer.take(), replaced: None }
    }
}

/// Runs one pipe operation, spending a unit of the task's cooperative budget first, and the
/// deferred wake-ups after.
fn budgeted<T>(cx: &mut Context<'_>, op: impl FnOnce(&mut Context<'_>) -> (Poll<T>, Deferred)) -> Poll<T> {
    ready!(coop::poll_proceed(cx));
    let (poll, deferred) = op(cx);
    deferred.run();
    poll
}

impl AsyncRead for SimplexStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        budgeted(cx, |cx| self.get_mut().read(cx, buf))
    }
}

impl AsyncWrite for SimplexStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        budgeted(cx, |cx| self.get_mut().write(cx, &[IoSlice::new(buf)]))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        budgeted(cx, |cx| self.get_mut().write(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().close_write().run();
        Poll::Ready(Ok(()))
    }
}

/// A one-way pipe split into its two ends.
///
/// # Panics
/// If `max_buf_size` is zero.
#[track_caller]
pub fn simplex(max_buf_size: usize) -> (ReadHalf<SimplexStream>, WriteHalf<SimplexStream>) {
    split(SimplexStream::new_unsplit(max_buf_size))
}

/// One end of a bidirectional in-memory pipe made by [`duplex`]. Dropping it closes both
/// directions: the peer reads end of stream, and its writes fail with `BrokenPipe`.
#[derive(Debug)]
pub struct DuplexStream {
    read: Arc<Mutex<SimplexStream>>,
    write: Arc<Mutex<SimplexStream>>,
}

/// Two connected ends; each direction buffers up to `max_buf_size` bytes.
///
/// # Panics
/// If `max_buf_size` is zero.
#[track_caller]
pub fn duplex(max_buf_size: usize) -> (DuplexStream, DuplexStream) {
    let one = Arc::new(Mutex::new(SimplexStream::new_unsplit(max_buf_size)));
    let two = Arc::new(Mutex::new(SimplexStream::new_unsplit(max_buf_size)));
    (DuplexStream { read: one.clone(), write: two.clone() }, DuplexStream { read: two, write: one })
}

fn lock(pipe: &Mutex<SimplexStream>) -> MutexGuard<'_, SimplexStream> {
    // The pipe's state is consistent after every operation, so a poisoned lock is usable.
    pipe.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

// Each operation below returns its deferred wake-ups from a closure whose lock guard is a
// temporary of the closure's last expression, so the lock is released before they run.

impl AsyncRead for DuplexStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        budgeted(cx, |cx| lock(&self.read).read(cx, buf))
    }
}

impl AsyncWrite for DuplexStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        budgeted(cx, |cx| lock(&self.write).write(cx, &[IoSlice::new(buf)]))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        budgeted(cx, |cx| lock(&self.write).write(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        let deferred = lock(&self.write).close_write();
        deferred.run();
        Poll::Ready(Ok(()))
    }
}

impl Drop for DuplexStream {
    fn drop(&mut self) {
        let deferred = lock(&self.write).close_write();
        deferred.run();
        let deferred = lock(&self.read).close_read();
        deferred.run();
    }
}
