//! `Take`: a reader limited to a number of bytes of another (`AsyncReadExt::take`).

use avx_core::io::{AsyncBufRead, AsyncRead, ReadBuf};
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Yields at most `limit` bytes of the inner reader, then end of stream.
#[derive(Debug)]
pub struct Take<R> {
    inner: R,
    limit: u64,
}

impl<R> Take<R> {
    pub(crate) fn new(inner: R, limit: u64) -> Take<R> {
        Take { inner, limit }
    }

    /// How many more bytes may be read.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Changes how many more bytes may be read.
    pub fn set_limit(&mut self, limit: u64) {
        self.limit = limit;
    }

    /// The inner reader.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The inner reader, mutably.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The inner reader, pinned.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.project().0
    }

    /// The inner reader.
    pub fn into_inner(self) -> R {
        self.inner
    }

    fn project(self: Pin<&mut Self>) -> (Pin<&mut R>, &mut u64) {
        // SAFETY: `inner` is structurally pinned (moved out only by `into_inner`, which takes
        // `self` by value; no `Drop` impl; `Take` is `Unpin` only when `R` is); `limit` is not.
        unsafe {
            let this = self.get_unchecked_mut();
            (Pin::new_unchecked(&mut this.inner), &mut this.limit)
        }
    }
}

impl<R: AsyncRead> AsyncRead for Take<R> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let (inner, limit) = self.project();
        if *limit == 0 {
            return Poll::Ready(Ok(()));
        }
        let allowed = usize::try_from(*limit).unwrap_or(usize::MAX);
        let mut part = buf.take(allowed);
        let start = part.filled().as_ptr();
        ready!(inner.poll_read(cx, &mut part))?;
        assert_eq!(start, part.filled().as_ptr(), "AsyncRead::poll_read replaced the ReadBuf it was given");
        let n = part.filled().len();
        // SAFETY: the inner reader filled (initialised) `n` bytes of `buf`'s unfilled part
        // through `part`, which views exactly that memory (checked above).
        unsafe { buf.assume_init(n) };
        buf.advance(n);
        *limit -= n as u64;
        Poll::Ready(Ok(()))
    }
}

impl<R: AsyncBufRead> AsyncBufRead for Take<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let (inner, limit) = self.project();
        if *limit == 0 {
            return Poll::Ready(Ok(&[]));
        }
        let available = ready!(inner.poll_fill_buf(cx))?;
        let n = usize::try_from(*limit).unwrap_or(usize::MAX).min(available.len());
        Poll::Ready(Ok(&available[..n]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let (inner, limit) = self.project();
        let amt = usize::try_from(*limit).unwrap_or(usize::MAX).min(amt);
        *limit -= amt as u64;
        inner.consume(amt);
    }
}
