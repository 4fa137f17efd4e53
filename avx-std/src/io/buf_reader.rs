//! `BufReader`: adds a read buffer to any `AsyncRead`, so small reads and line parsing do
//! not cost a system call each; reads larger than the buffer bypass it. Seeks account for it.

use avx_core::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf, SeekFrom};
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pub(crate) const DEFAULT_CAPACITY: usize = 8 * 1024;

/// A buffering wrapper around a reader (writes pass straight through).
#[derive(Debug)]
pub struct BufReader<R> {
    inner: R,
    state: Buffer,
}

/// Everything but the reader: the bytes and how far they are consumed.
#[derive(Debug)]
struct Buffer {
    buf: Box<[u8]>,
    pos: usize,
    filled: usize,
    seek: SeekState,
}

/// Where a seek through the buffer stands; the inner seek starts in `poll_complete`.
#[derive(Debug, Clone, Copy)]
enum SeekState {
    /// No seek started: `poll_complete` reports the inner position.
    Idle,
    /// `start_seek` was called with this target.
    Start(SeekFrom),
    /// A relative seek did not fit in one `i64` with the buffered bytes: the inner reader is
    /// being moved back over them first, then by this offset.
    ThenBy(i64),
    /// The inner seek is under way.
    Pending,
}

impl<R: AsyncRead> BufReader<R> {
    /// Wraps `inner` with an 8 KiB buffer.
    pub fn new(inner: R) -> BufReader<R> {
        BufReader::with_capacity(DEFAULT_CAPACITY, inner)
    }

    /// Wraps `inner` with a buffer of `capacity` bytes.
    ///
    /// # Panics
    /// If `capacity` is zero (nothing could ever be buffered).
    #[track_caller]
    pub fn with_capacity(capacity: usize, inner: R) -> BufReader<R> {
        assert!(capacity > 0, "BufReader: capacity must be greater than zero");
        let buf = vec![0; capacity].into_boxed_slice();
        BufReader { inner, state: Buffer { buf, pos: 0, filled: 0, seek: SeekState::Idle } }
    }
}

impl<R> BufReader<R> {
    /// The wrapped reader.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The wrapped reader, mutably (reading from it directly skips buffered bytes).
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The wrapped reader, pinned.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.project().0
    }

    /// The bytes read from the inner reader but not yet consumed.
    pub fn buffer(&self) -> &[u8] {
        &self.state.buf[self.state.pos..self.state.filled]
    }

    /// The wrapped reader; buffered bytes are lost.
    pub fn into_inner(self) -> R {
        self.inner
    }

    fn project(self: Pin<&mut Self>) -> (Pin<&mut R>, &mut Buffer) {
        // SAFETY: `inner` is structurally pinned: it is never moved out of a pinned
        // `BufReader` (only `into_inner`, which takes `self` by value, moves it), `BufReader`
        // has no `Drop` impl, and it is `Unpin` only when `R` is. `state` is not pinned.
        unsafe {
            let this = self.get_unchecked_mut();
            (Pin::new_unchecked(&mut this.inner), &mut this.state)
        }
    }
}

impl Buffer {
    fn discard(&mut self) {
        self.pos = 0;
        self.filled = 0;
    }
}

impl<R: AsyncRead> AsyncRead for BufReader<R> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, out: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let (inner, this) = self.project();
        if this.pos == this.filled && out.remaining() >= this.buf.len() {
            // Nothing buffered and a large read: skip the copy.
            this.discard();
            return inner.poll_read(cx, out);
        }
        let available = ready!(fill(inner, this, cx))?;
        let n = available.len().min(out.remaining());
        out.put_slice(&available[..n]);
        this.pos += n;
        Poll::Ready(Ok(()))
    }
}

/// Refills the buffer if it is empty; the unconsumed bytes.
fn fill<'a, R: AsyncRead>(
    inner: Pin<&mut R>,
    this: &'a mut Buffer,
    cx: &mut Context<'_>,
) -> Poll<io::Result<&'a [u8]>> {
    if this.pos == this.filled {
        let mut buf = ReadBuf::new(&mut this.buf);
        ready!(inner.poll_read(cx, &mut buf))?;
        this.filled = buf.filled().len();
        this.pos = 0;
    }
    Poll::Ready(Ok(&this.buf[this.pos..this.filled]))
}

impl<R: AsyncRead> AsyncBufRead for BufReader<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let (inner, this) = self.project();
        fill(inner, this, cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let (_, this) = self.project();
        this.pos = (this.pos + amt).min(this.filled);
    }
}

impl<R: AsyncRead + AsyncSeek> AsyncSeek for BufReader<R> {
    /// Seeks relative to the logical position (the inner position less the buffered bytes).
    /// The buffer is discarded when the inner seek starts.
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()> {
        self.project().1.seek = SeekState::Start(position);
        Ok(())
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let (mut inner, this) = self.project();
        loop {
            match this.seek {
                SeekState::Idle => {
                    let position = ready!(inner.as_mut().poll_complete(cx))?;
                    let buffered = (this.filled - this.pos) as u64;
                    return Poll::Ready(Ok(position.saturating_sub(buffered)));
                }
                SeekState::Start(SeekFrom::Current(offset)) => {
                    let buffered = (this.filled - this.pos) as i64;
                    match offset.checked_sub(buffered) {
                        Some(relative) => {
                            start_inner(inner.as_mut(), this, SeekFrom::Current(relative), SeekState::Pending)?
                        }
                        None => {
                            start_inner(inner.as_mut(), this, SeekFrom::Current(-buffered), SeekState::ThenBy(offset))?
                        }
                    }
                }
                SeekState::Start(target) => start_inner(inner.as_mut(), this, target, SeekState::Pending)?,
                SeekState::ThenBy(offset) => {
                    ready!(inner.as_mut().poll_complete(cx)).inspect_err(|_| this.seek = SeekState::Idle)?;
                    start_inner(inner.as_mut(), this, SeekFrom::Current(offset), SeekState::Pending)?;
                }
                SeekState::Pending => {
                    let done = ready!(inner.as_mut().poll_complete(cx));
                    this.seek = SeekState::Idle;
                    return Poll::Ready(done);
                }
            }
        }
    }
}

/// Starts the inner seek to `target`, discarding the buffer; `next` is the state after it.
fn start_inner<R: AsyncSeek>(
    inner: Pin<&mut R>,
    this: &mut Buffer,
    target: SeekFrom,
    next: SeekState,
) -> io::Result<()> {
    this.discard();
    match inner.start_seek(target) {
        Ok(()) => {
            this.seek = next;
            Ok(())
        }
        Err(e) => {
            this.seek = SeekState::Idle;
            Err(e)
        }
    }
}

impl<R: AsyncWrite> AsyncWrite for BufReader<R> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.get_pin_mut().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_pin_mut().poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_shutdown(cx)
    }
}
