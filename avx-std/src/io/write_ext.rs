//! `AsyncWriteExt`: `write`, `write_all`, `flush`, `shutdown` as futures that return
//! `std::io::Result`, for every `AsyncWrite`.

use avx_core::io::AsyncWrite;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::task::Poll;

/// Writing helpers for every [`AsyncWrite`].
pub trait AsyncWriteExt: AsyncWrite {
    /// Writes some of `buf`; returns how many bytes were accepted.
    ///
    /// Cancel safe: if dropped before completion nothing was written.
    fn write<'a>(&'a mut self, buf: &'a [u8]) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_write(cx, buf).map_err(io::Error::from))
    }

    /// Writes all of `buf`; `WriteZero` if the sink stops accepting bytes.
    ///
    /// Not cancel safe: a prefix may have been written before a drop.
    fn write_all<'a>(&'a mut self, buf: &'a [u8]) -> impl Future<Output = io::Result<()>> + 'a
    where
        Self: Unpin,
    {
        let mut written = 0;
        poll_fn(move |cx| {
            while written < buf.len() {
                match Pin::new(&mut *self).poll_write(cx, &buf[written..]) {
                    Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                    Poll::Ready(Ok(n)) => written += n,
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e.into())),
                    Poll::Pending => return Poll::Pending,
                }
            }
            Poll::Ready(Ok(()))
        })
    }

    /// Flushes buffered data to the underlying sink.
    fn flush(&mut self) -> impl Future<Output = io::Result<()>> + '_
    where
        Self: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_flush(cx).map_err(io::Error::from))
    }

    /// Flushes, then closes the write side (a TCP `FIN`: the peer reads end of stream).
    fn shutdown(&mut self) -> impl Future<Output = io::Result<()>> + '_
    where
        Self: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_shutdown(cx).map_err(io::Error::from))
    }
}

impl<W: AsyncWrite + ?Sized> AsyncWriteExt for W {}
