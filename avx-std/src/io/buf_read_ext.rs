//! `AsyncBufReadExt`: Tokio's buffered-reading helpers (`read_until`, `read_line`, `split`,
//! `fill_buf`, `consume`, `lines`) for every `AsyncBufRead`.

use super::text::AppendText;
use super::{Lines, Split};
use avx_core::io::AsyncBufRead;
use std::future::{poll_fn, Future};
use std::io;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Appends to `buf` up to and including `delimiter` (or to end of stream), adding the bytes
/// taken to `*read` as they move, so a cancelled or failed call loses nothing. `Interrupted`
/// is retried.
pub(crate) fn poll_read_until<R: AsyncBufRead + ?Sized>(
    mut reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    delimiter: u8,
    buf: &mut Vec<u8>,
    read: &mut usize,
) -> Poll<io::Result<usize>> {
    loop {
        let available = match ready!(reader.as_mut().poll_fill_buf(cx)) {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Poll::Ready(Err(e)),
        };
        let (taken, done) = match memchr(delimiter, available) {
            Some(i) => (i + 1, true),
            None => (available.len(), available.is_empty()),
        };
        buf.extend_from_slice(&available[..taken]);
        reader.as_mut().consume(taken);
        *read += taken;
        if done {
            return Poll::Ready(Ok(std::mem::take(read)));
        }
    }
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

/// Buffered-reading helpers for every [`AsyncBufRead`], as in Tokio.
pub trait AsyncBufReadExt: AsyncBufRead {
    /// Appends bytes to `buf` up to and including `delimiter` (or to end of stream); returns
    /// how many were appended (0 at end of stream).
    ///
    /// Cancel safe in the sense that bytes already taken are in `buf`: calling it again with
    /// the same `buf` continues the same segment.
    fn read_until<'a>(&'a mut self, delimiter: u8, buf: &'a mut Vec<u8>) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        async move {
            let mut read = 0;
            poll_fn(|cx| poll_read_until(Pin::new(&mut *self), cx, delimiter, buf, &mut read)).await
        }
    }

    /// Appends one line, including its `\n`, to `buf`; returns its length in bytes (0 at end
    /// of stream). If the line is not UTF-8 the error is `InvalidData` and `buf` is unchanged;
    /// after an I/O error `buf` keeps what was read if it is valid text.
    fn read_line<'a>(&'a mut self, buf: &'a mut String) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        async move {
            let mut text = AppendText::new(buf);
            let read = self.read_until(b'\n', text.bytes()).await;
            text.finish(read, true)
        }
    }

    /// The segments of this reader separated by `delimiter` (without it).
    fn split(self, delimiter: u8) -> Split<Self>
    where
        Self: Sized,
    {
        Split::new(self, delimiter)
    }

    /// The buffered bytes, reading more if the buffer is empty (empty at end of stream).
    fn fill_buf(&mut self) -> impl Future<Output = io::Result<&[u8]>> + '_
    where
        Self: Unpin,
    {
        FillBuf { reader: Some(self), _pinned: PhantomPinned }
    }

    /// Marks `amt` buffered bytes as read.
    fn consume(&mut self, amt: usize)
    where
        Self: Unpin,
    {
        Pin::new(self).consume(amt)
    }

    /// The lines of this reader, without their `\n` or `\r\n` endings.
    fn lines(self) -> Lines<Self>
    where
        Self: Sized,
    {
        Lines::new(self)
    }
}

impl<R: AsyncBufRead + ?Sized> AsyncBufReadExt for R {}

/// The future of [`AsyncBufReadExt::fill_buf`]: it hands out a borrow of the reader's buffer
/// for the reader's whole borrow, so it gives the reader up when it completes.
struct FillBuf<'a, R: ?Sized> {
    reader: Option<&'a mut R>,
    _pinned: PhantomPinned,
}

impl<'a, R: AsyncBufRead + Unpin + ?Sized> Future for FillBuf<'a, R> {
    type Output = io::Result<&'a [u8]>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: nothing is pinned structurally here (`reader` is a plain reference that is
        // only taken out and put back), so moving out of the projection is fine.
        let this = unsafe { self.get_unchecked_mut() };
        let reader: *mut R = this.reader.take().expect("FillBuf polled after completion");
        // SAFETY: `reader` came from a `&'a mut R` that this future gave up above, so this is
        // the only reference to it. When the poll is ready, the returned slice keeps that
        // exclusive borrow for `'a` and the reader is never touched again by this future.
        // When it is pending, the slice does not exist and the reference is put back.
        match Pin::new(unsafe { &mut *reader }).poll_fill_buf(cx) {
            Poll::Ready(result) => Poll::Ready(result),
            Poll::Pending => {
                // SAFETY: see above; no borrow from the pending poll is alive.
                this.reader = Some(unsafe { &mut *reader });
                Poll::Pending
            }
        }
    }
}
