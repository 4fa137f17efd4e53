//! `copy`, `copy_buf`, `copy_bidirectional`: move every byte from readers to writers until end
//! of stream, flushing whenever the reader has nothing more for now; proxies are built on them.

use avx_core::coop;
use avx_core::io::{AsyncBufRead, AsyncRead, AsyncWrite, ReadBuf};
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The buffer size `copy` and `copy_bidirectional` use.
const DEFAULT_BUF_SIZE: usize = 8 * 1024;

/// One direction of a copy: a buffer, what of it is still to be written, and the totals.
struct Transfer {
    buf: Box<[u8]>,
    pos: usize,
    filled: usize,
    reader_done: bool,
    needs_flush: bool,
    copied: u64,
}

impl Transfer {
    fn new(size: usize) -> Transfer {
        Transfer {
            buf: vec![0; size].into_boxed_slice(),
            pos: 0,
            filled: 0,
            reader_done: false,
            needs_flush: false,
            copied: 0,
        }
    }

    /// Copies until the reader's end, then flushes; the number of bytes copied.
    fn poll_copy<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
    ) -> Poll<io::Result<u64>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        loop {
            ready!(coop::poll_proceed(cx));
            if self.pos == self.filled && !self.reader_done {
                let mut buf = ReadBuf::new(&mut self.buf);
                match reader.as_mut().poll_read(cx, &mut buf) {
                    Poll::Ready(Ok(())) => {
                        self.filled = buf.filled().len();
                        self.pos = 0;
                        self.reader_done = self.filled == 0;
                    }
                    Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => {
                        // Nothing more for now: push what was written on before waiting.
                        if self.needs_flush {
                            ready!(writer.as_mut().poll_flush(cx))?;
                            self.needs_flush = false;
                        }
                        return Poll::Pending;
                    }
                }
            }
            while self.pos < self.filled {
                match ready!(writer.as_mut().poll_write(cx, &self.buf[self.pos..self.filled])) {
                    Ok(0) => return Poll::Ready(Err(write_zero())),
                    Ok(n) => {
                        self.pos += n;
                        self.copied += n as u64;
                        self.needs_flush = true;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Poll::Ready(Err(e)),
                }
            }
            if self.reader_done {
                ready!(writer.as_mut().poll_flush(cx))?;
                self.needs_flush = false;
                return Poll::Ready(Ok(self.copied));
            }
        }
    }
}

fn write_zero() -> io::Error {
    io::Error::new(io::ErrorKind::WriteZero, "write zero byte into writer")
}

/// Copies all of `reader` into `writer`, then flushes it; the number of bytes copied.
/// `Interrupted` errors are retried.
pub async fn copy<R, W>(reader: &mut R, writer: &mut W) -> io::Result<u64>
where
    R: AsyncRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    let mut transfer = Transfer::new(DEFAULT_BUF_SIZE);
    poll_fn(|cx| transfer.poll_copy(cx, Pin::new(&mut *reader), Pin::new(&mut *writer))).await
}

/// Copies all of `reader` into `writer` through the reader's own buffer (no second buffer),
/// then flushes; the number of bytes copied.
pub async fn copy_buf<R, W>(reader: &mut R, writer: &mut W) -> io::Result<u64>
where
    R: AsyncBufRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    let mut copied = 0u64;
    poll_fn(|cx| loop {
        ready!(coop::poll_proceed(cx));
        let available = match Pin::new(&mut *reader).poll_fill_buf(cx) {
            Poll::Ready(Ok(bytes)) => bytes,
            Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => {
                ready!(Pin::new(&mut *writer).poll_flush(cx))?;
                return Poll::Pending;
            }
        };
        if available.is_empty() {
            ready!(Pin::new(&mut *writer).poll_flush(cx))?;
            return Poll::Ready(Ok(copied));
        }
        let n = match ready!(Pin::new(&mut *writer).poll_write(cx, available)) {
            Ok(0) => return Poll::Ready(Err(write_zero())),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Poll::Ready(Err(e)),
        };
        Pin::new(&mut *reader).consume(n);
        copied += n as u64;
    })
    .await
}

/// Copies `a` to `b` and `b` to `a` at the same time; each direction shuts its writer down
/// when its reader ends. Returns `(a to b, b to a)` byte counts once both are done, or the
/// first error.
pub async fn copy_bidirectional<A, B>(a: &mut A, b: &mut B) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    copy_bidirectional_with_sizes(a, b, DEFAULT_BUF_SIZE, DEFAULT_BUF_SIZE).await
}

/// [`copy_bidirectional`] with chosen buffer sizes per direction.
///
/// # Panics
/// If either size is zero.
pub async fn copy_bidirectional_with_sizes<A, B>(
    a: &mut A,
    b: &mut B,
    a_to_b_buf_size: usize,
    b_to_a_buf_size: usize,
) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    assert!(a_to_b_buf_size > 0, "`a_to_b_buf_size` must be greater than 0");
    assert!(b_to_a_buf_size > 0, "`b_to_a_buf_size` must be greater than 0");
    let mut a_to_b = Direction::Copying(Transfer::new(a_to_b_buf_size));
    let mut b_to_a = Direction::Copying(Transfer::new(b_to_a_buf_size));
    poll_fn(|cx| {
        let forward = a_to_b.poll(cx, &mut *a, &mut *b)?;
        let backward = b_to_a.poll(cx, &mut *b, &mut *a)?;
        let (Poll::Ready(forward), Poll::Ready(backward)) = (forward, backward) else { return Poll::Pending };
        Poll::Ready(Ok((forward, backward)))
    })
    .await
}

/// One direction of `copy_bidirectional`.
enum Direction {
    Copying(Transfer),
    ShuttingDown(u64),
    Done(u64),
}

impl Direction {
    fn poll<R, W>(&mut self, cx: &mut Context<'_>, reader: &mut R, writer: &mut W) -> Poll<io::Result<u64>>
    where
        R: AsyncRead + Unpin + ?Sized,
        W: AsyncWrite + Unpin + ?Sized,
    {
        loop {
            match self {
                Direction::Copying(transfer) => {
                    let copied = ready!(transfer.poll_copy(cx, Pin::new(&mut *reader), Pin::new(&mut *writer)))?;
                    *self = Direction::ShuttingDown(copied);
                }
                Direction::ShuttingDown(copied) => {
                    ready!(Pin::new(&mut *writer).poll_shutdown(cx))?;
                    *self = Direction::Done(*copied);
                }
                Direction::Done(copied) => return Poll::Ready(Ok(*copied)),
            }
        }
    }
}
