//! `Lines` and `Split`: cancel-safe readers of text lines and of delimited byte segments,
//! built by `AsyncBufReadExt::lines` and `AsyncBufReadExt::split`.

use super::buf_read_ext::poll_read_until;
use avx_core::io::AsyncBufRead;
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Reads a stream line by line.
#[derive(Debug)]
pub struct Lines<R> {
    inner: Segments<R>,
}

/// Reads a stream as segments separated by a delimiter byte.
#[derive(Debug)]
pub struct Split<R> {
    inner: Segments<R>,
    delimiter: u8,
}

/// The reader and the bytes of a segment whose end has not arrived yet (kept across
/// cancelled or failed calls, so nothing is lost).
#[derive(Debug)]
struct Segments<R> {
    reader: R,
    pending: Vec<u8>,
    read: usize,
}

impl<R> Segments<R> {
    fn new(reader: R) -> Segments<R> {
        Segments { reader, pending: Vec::new(), read: 0 }
    }

    fn project(self: Pin<&mut Self>) -> (Pin<&mut R>, &mut Vec<u8>, &mut usize) {
        // SAFETY: `reader` is structurally pinned: it is moved out only by `into_inner`
        // (by value), there is no `Drop` impl, and the wrappers are `Unpin` only when `R` is.
        unsafe {
            let this = self.get_unchecked_mut();
            (Pin::new_unchecked(&mut this.reader), &mut this.pending, &mut this.read)
        }
    }
}

impl<R: AsyncBufRead> Segments<R> {
    /// The next segment up to `delimiter` (with it), or `None` at end of stream.
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>, delimiter: u8) -> Poll<io::Result<Option<Vec<u8>>>> {
        let (reader, pending, read) = self.project();
        ready!(poll_read_until(reader, cx, delimiter, pending, read))?;
        if pending.is_empty() {
            return Poll::Ready(Ok(None));
        }
        Poll::Ready(Ok(Some(std::mem::take(pending))))
    }
}

impl<R> Lines<R> {
    pub(crate) fn new(reader: R) -> Lines<R> {
        Lines { inner: Segments::new(reader) }
    }

    /// The underlying reader.
    pub fn get_ref(&self) -> &R {
        &self.inner.reader
    }

    /// The underlying reader, mutably.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner.reader
    }

    /// The underlying reader (bytes of an unfinished line stay in `Lines`).
    pub fn into_inner(self) -> R {
        self.inner.reader
    }

    fn project(self: Pin<&mut Self>) -> Pin<&mut Segments<R>> {
        // SAFETY: `inner` is structurally pinned (see `Segments::project`).
        unsafe { self.map_unchecked_mut(|this| &mut this.inner) }
    }
}

impl<R: AsyncBufRead + Unpin> Lines<R> {
    /// The next line, or `None` at end of stream. A last line without `\n` is returned too.
    /// A line that is not UTF-8 is an `InvalidData` error (carrying its bytes), reported once.
    ///
    /// Cancel safe: a partly read line is kept and completed by the next call.
    pub async fn next_line(&mut self) -> io::Result<Option<String>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next_line(cx)).await
    }
}

impl<R: AsyncBufRead> Lines<R> {
    /// Polls for the next line (see [`Lines::next_line`]).
    pub fn poll_next_line(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<Option<String>>> {
        let Some(mut line) = ready!(self.project().poll_next(cx, b'\n'))? else { return Poll::Ready(Ok(None)) };
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        Poll::Ready(String::from_utf8(line).map(Some).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e)))
    }
}

impl<R> Split<R> {
    pub(crate) fn new(reader: R, delimiter: u8) -> Split<R> {
        Split { inner: Segments::new(reader), delimiter }
    }

    fn project(self: Pin<&mut Self>) -> (Pin<&mut Segments<R>>, u8) {
        let delimiter = self.delimiter;
        // SAFETY: `inner` is structurally pinned (see `Segments::project`).
        (unsafe { self.map_unchecked_mut(|this| &mut this.inner) }, delimiter)
    }
}

impl<R: AsyncBufRead + Unpin> Split<R> {
    /// The next segment without its delimiter, or `None` at end of stream.
    ///
    /// Cancel safe: a partly read segment is kept and completed by the next call.
    pub async fn next_segment(&mut self) -> io::Result<Option<Vec<u8>>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next_segment(cx)).await
    }
}

impl<R: AsyncBufRead> Split<R> {
    /// Polls for the next segment (see [`Split::next_segment`]).
    pub fn poll_next_segment(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<Option<Vec<u8>>>> {
        let (inner, delimiter) = self.project();
        let Some(mut segment) = ready!(inner.poll_next(cx, delimiter))? else { return Poll::Ready(Ok(None)) };
        if segment.last() == Some(&delimiter) {
            segment.pop();
        }
        Poll::Ready(Ok(Some(segment)))
    }
}
