//! Buffered reading: the `AsyncBufRead` trait, `read_until`/`read_line`, and `Lines`, a
//! cancel-safe iterator-like reader of text lines.

use super::CoreError;
use avx_core::io::AsyncRead;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A reader with an internal buffer that can be inspected before it is consumed.
pub trait AsyncBufRead: AsyncRead {
    /// Returns the buffered bytes, reading more when the buffer is empty; an empty slice
    /// means end of stream.
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<&[u8], CoreError>>;

    /// Marks `amt` bytes of the buffer as read.
    fn consume(self: Pin<&mut Self>, amt: usize);
}

/// Line and delimiter reading for every [`AsyncBufRead`].
pub trait AsyncBufReadExt: AsyncBufRead {
    /// Appends bytes to `buf` up to and including `delimiter` (or to end of stream); returns
    /// how many were appended (0 at end of stream).
    ///
    /// Cancel safe in the sense that bytes already taken are in `buf`, so calling it again with
    /// the same `buf` continues the same line.
    fn read_until<'a>(&'a mut self, delimiter: u8, buf: &'a mut Vec<u8>) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        let mut appended = 0;
        poll_fn(move |cx| loop {
            let available = match Pin::new(&mut *self).poll_fill_buf(cx) {
                Poll::Ready(Ok(bytes)) => bytes,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e.into())),
                Poll::Pending => return Poll::Pending,
            };
            let (taken, done) = match available.iter().position(|&b| b == delimiter) {
                Some(i) => (i + 1, true),
                None => (available.len(), available.is_empty()),
            };
            buf.extend_from_slice(&available[..taken]);
            Pin::new(&mut *self).consume(taken);
            appended += taken;
            if done {
                return Poll::Ready(Ok(appended));
            }
        })
    }

    /// Appends one line, including its `\n`, to `buf`; returns its length in bytes (0 at end
    /// of stream). `InvalidData` if the line is not UTF-8 (then `buf` is unchanged).
    fn read_line<'a>(&'a mut self, buf: &'a mut String) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        async move {
            let mut bytes = Vec::new();
            let n = self.read_until(b'\n', &mut bytes).await?;
            buf.push_str(&into_utf8(bytes)?);
            Ok(n)
        }
    }

    /// The lines of this reader, without their `\n` or `\r\n` endings.
    fn lines(self) -> Lines<Self>
    where
        Self: Sized,
    {
        Lines { reader: self, pending: Vec::new() }
    }
}

impl<R: AsyncBufRead + ?Sized> AsyncBufReadExt for R {}

fn into_utf8(bytes: Vec<u8>) -> io::Result<String> {
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Reads a stream line by line; made by [`AsyncBufReadExt::lines`].
#[derive(Debug)]
pub struct Lines<R> {
    reader: R,
    /// Bytes of a line whose end has not arrived yet (kept across cancelled calls).
    pending: Vec<u8>,
}

impl<R: AsyncBufRead + Unpin> Lines<R> {
    /// The next line, or `None` at end of stream. A last line without `\n` is returned too.
    ///
    /// Cancel safe: a partly read line is kept and completed by the next call.
    pub async fn next_line(&mut self) -> io::Result<Option<String>> {
        self.reader.read_until(b'\n', &mut self.pending).await?;
        if self.pending.is_empty() {
            return Ok(None);
        }
        let mut line = std::mem::take(&mut self.pending);
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        into_utf8(line).map(Some)
    }

    /// The underlying reader (bytes of an unfinished line stay in `Lines`).
    pub fn into_inner(self) -> R {
        self.reader
    }
}
