//! `AsyncReadExt`: `read`, `read_exact`, `read_to_end`, `read_to_string` as futures that
//! return `std::io::Result`, for every `AsyncRead`.

use avx_core::io::AsyncRead;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::task::Poll;

/// Chunk by which `read_to_end` grows its buffer when it is full.
const GROW_BY: usize = 8 * 1024;

/// Reading helpers for every [`AsyncRead`].
pub trait AsyncReadExt: AsyncRead {
    /// Reads some bytes into `buf`; `Ok(0)` means end of stream (or an empty `buf`).
    ///
    /// Cancel safe: if dropped before completion no bytes were read.
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_read(cx, buf).map_err(io::Error::from))
    }

    /// Fills all of `buf`; `UnexpectedEof` if the stream ends first.
    ///
    /// Not cancel safe: bytes read before a drop are lost to the caller.
    fn read_exact<'a>(&'a mut self, buf: &'a mut [u8]) -> impl Future<Output = io::Result<()>> + 'a
    where
        Self: Unpin,
    {
        let mut filled = 0;
        poll_fn(move |cx| {
            while filled < buf.len() {
                match Pin::new(&mut *self).poll_read(cx, &mut buf[filled..]) {
                    Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::UnexpectedEof.into())),
                    Poll::Ready(Ok(n)) => filled += n,
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e.into())),
                    Poll::Pending => return Poll::Pending,
                }
            }
            Poll::Ready(Ok(()))
        })
    }

    /// Reads until end of stream, appending to `buf`; returns how many bytes were appended.
    fn read_to_end<'a>(&'a mut self, buf: &'a mut Vec<u8>) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        let start = buf.len();
        poll_fn(move |cx| loop {
            if buf.len() == buf.capacity() {
                buf.reserve(GROW_BY);
            }
            let len = buf.len();
            buf.resize(buf.capacity(), 0);
            let polled = Pin::new(&mut *self).poll_read(cx, &mut buf[len..]);
            let read = match &polled {
                Poll::Ready(Ok(n)) => *n,
                _ => 0,
            };
            buf.truncate(len + read);
            match polled {
                Poll::Ready(Ok(0)) => return Poll::Ready(Ok(buf.len() - start)),
                Poll::Ready(Ok(_)) => {}
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e.into())),
                Poll::Pending => return Poll::Pending,
            }
        })
    }

    /// Reads until end of stream and appends the text to `buf`. If the bytes are not UTF-8
    /// the error is `InvalidData` and `buf` is left as it was.
    fn read_to_string<'a>(&'a mut self, buf: &'a mut String) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        async move {
            let mut bytes = Vec::new();
            self.read_to_end(&mut bytes).await?;
            let text = String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            buf.push_str(&text);
            Ok(text.len())
        }
    }
}

impl<R: AsyncRead + ?Sized> AsyncReadExt for R {}
