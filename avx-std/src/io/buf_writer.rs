//! `BufWriter`: collects small writes into one buffer and hands them to the inner writer in
//! large chunks. Call `flush` (or `shutdown`) before dropping it: unflushed bytes are lost.

use super::buf_reader::DEFAULT_CAPACITY;
use avx_core::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf, SeekFrom};
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// A buffering wrapper around a writer (reads pass straight through).
#[derive(Debug)]
pub struct BufWriter<W> {
    inner: W,
    state: Pending,
}

/// The bytes not yet handed to the writer: `buf[written..]`.
#[derive(Debug)]
struct Pending {
    buf: Vec<u8>,
    written: usize,
    /// A seek waits for the buffer to drain before it starts.
    seek: Option<SeekFrom>,
}

impl<W: AsyncWrite> BufWriter<W> {
    /// Wraps `inner` with an 8 KiB buffer.
    pub fn new(inner: W) -> BufWriter<W> {
        BufWriter::with_capacity(DEFAULT_CAPACITY, inner)
    }

    /// Wraps `inner` with a buffer of `capacity` bytes.
    pub fn with_capacity(capacity: usize, inner: W) -> BufWriter<W> {
        BufWriter { inner, state: Pending { buf: Vec::with_capacity(capacity), written: 0, seek: None } }
    }
}

impl<W> BufWriter<W> {
    /// The wrapped writer.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The wrapped writer, mutably (writing to it directly overtakes buffered bytes).
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// The wrapped writer, pinned.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut W> {
        self.project().0
    }

    /// The bytes buffered but not yet written.
    pub fn buffer(&self) -> &[u8] {
        &self.state.buf[self.state.written..]
    }

    /// The wrapped writer; buffered bytes are lost.
    pub fn into_inner(self) -> W {
        self.inner
    }

    fn project(self: Pin<&mut Self>) -> (Pin<&mut W>, &mut Pending) {
        // SAFETY: `inner` is structurally pinned: only `into_inner` (by value) moves it out,
        // there is no `Drop` impl, and `BufWriter` is `Unpin` only when `W` is. `state` is not.
        unsafe {
            let this = self.get_unchecked_mut();
            (Pin::new_unchecked(&mut this.inner), &mut this.state)
        }
    }
}

impl Pending {
    /// Writes out the whole buffer; `Interrupted` is retried, a zero-length write is `WriteZero`.
    fn poll_drain<W: AsyncWrite>(&mut self, mut inner: Pin<&mut W>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.buf.len() {
            match ready!(inner.as_mut().poll_write(cx, &self.buf[self.written..])) {
                Ok(0) => {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "failed to write the buffered data",
                    )))
                }
                Ok(n) => self.written += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
        self.buf.clear();
        self.written = 0;
        Poll::Ready(Ok(()))
    }

    fn spare(&self) -> usize {
        self.buf.capacity() - self.buf.len()
    }
}

impl<W: AsyncWrite> AsyncWrite for BufWriter<W> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let (mut inner, state) = self.project();
        if data.len() > state.spare() {
            ready!(state.poll_drain(inner.as_mut(), cx))?;
        }
        if data.len() >= state.buf.capacity() {
            return inner.poll_write(cx, data);
        }
        state.buf.extend_from_slice(data);
        Poll::Ready(Ok(data.len()))
    }

    /// With a vectored writer beneath, a total at least the buffer's size goes straight to it;
    /// otherwise whole slices are buffered while they fit.
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let (mut inner, state) = self.project();
        if inner.is_write_vectored() {
            let total = bufs.iter().fold(0usize, |sum, b| sum.saturating_add(b.len()));
            if total > state.spare() {
                ready!(state.poll_drain(inner.as_mut(), cx))?;
            }
            if total >= state.buf.capacity() {
                return inner.poll_write_vectored(cx, bufs);
            }
            bufs.iter().for_each(|b| state.buf.extend_from_slice(b));
            return Poll::Ready(Ok(total));
        }
        let mut slices = bufs.iter().filter(|b| !b.is_empty());
        let Some(first) = slices.next() else { return Poll::Ready(Ok(0)) };
        if first.len() > state.spare() {
            ready!(state.poll_drain(inner.as_mut(), cx))?;
        }
        if first.len() >= state.buf.capacity() {
            return inner.poll_write(cx, first);
        }
        state.buf.extend_from_slice(first);
        let mut total = first.len();
        for b in slices {
            if b.len() > state.spare() {
                break;
            }
            state.buf.extend_from_slice(b);
            total += b.len();
        }
        Poll::Ready(Ok(total))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let (mut inner, state) = self.project();
        ready!(state.poll_drain(inner.as_mut(), cx))?;
        inner.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let (mut inner, state) = self.project();
        ready!(state.poll_drain(inner.as_mut(), cx))?;
        inner.poll_shutdown(cx)
    }
}

/// A seek first writes out the buffer, so the position it starts from is the logical one.
impl<W: AsyncWrite + AsyncSeek> AsyncSeek for BufWriter<W> {
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()> {
        self.project().1.seek = Some(position);
        Ok(())
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let (mut inner, state) = self.project();
        if let Some(position) = state.seek {
            ready!(state.poll_drain(inner.as_mut(), cx))?;
            state.seek = None;
            inner.as_mut().start_seek(position)?;
        }
        inner.poll_complete(cx)
    }
}

impl<W: AsyncRead> AsyncRead for BufWriter<W> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_read(cx, buf)
    }
}

impl<W: AsyncBufRead> AsyncBufRead for BufWriter<W> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.get_pin_mut().poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.get_pin_mut().consume(amt)
    }
}
