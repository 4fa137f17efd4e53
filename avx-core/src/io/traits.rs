//! `AsyncRead` / `AsyncWrite`: poll-based byte streams that need no std.
//! Plain slices for buffers and the crate's concrete `io::Error`, so trait objects work.

use core::pin::Pin;
use core::task::{Context, Poll};

use super::Error;

/// A source of bytes that can be read without blocking.
pub trait AsyncRead {
    /// Reads into `buf`; `Ready(Ok(0))` with a non-empty `buf` means end of stream.
    /// Returns `Pending` (and arranges a wake-up) when no data is available yet.
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<Result<usize, Error>>;
}

/// A sink of bytes that can be written without blocking.
pub trait AsyncWrite {
    /// Writes some of `buf`, returning how many bytes were accepted.
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<Result<usize, Error>>;

    /// Flushes buffered data to the underlying sink.
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>>;

    /// Flushes and closes the write side (a TCP `FIN`).
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>>;
}

impl<T: AsyncRead + Unpin + ?Sized> AsyncRead for &mut T {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<Result<usize, Error>> {
        Pin::new(&mut **self).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin + ?Sized> AsyncWrite for &mut T {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<Result<usize, Error>> {
        Pin::new(&mut **self).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Pin::new(&mut **self).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Pin::new(&mut **self).poll_shutdown(cx)
    }
}
