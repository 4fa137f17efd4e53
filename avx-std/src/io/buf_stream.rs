//! `BufStream`: a read buffer and a write buffer around one read-write stream
//! (a `BufReader` over a `BufWriter`).

use super::{BufReader, BufWriter};
use avx_core::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf, SeekFrom};
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Buffers both directions of a stream. Flush before dropping it: unflushed writes are lost.
#[derive(Debug)]
pub struct BufStream<RW> {
    inner: BufReader<BufWriter<RW>>,
}

impl<RW: AsyncRead + AsyncWrite> BufStream<RW> {
    /// Wraps `stream` with 8 KiB buffers.
    pub fn new(stream: RW) -> BufStream<RW> {
        BufStream { inner: BufReader::new(BufWriter::new(stream)) }
    }

    /// Wraps `stream` with buffers of the given sizes.
    ///
    /// # Panics
    /// If `reader_capacity` is zero.
    #[track_caller]
    pub fn with_capacity(reader_capacity: usize, writer_capacity: usize, stream: RW) -> BufStream<RW> {
        BufStream {
            inner: BufReader::with_capacity(reader_capacity, BufWriter::with_capacity(writer_capacity, stream)),
        }
    }
}

impl<RW> BufStream<RW> {
    /// The wrapped stream.
    pub fn get_ref(&self) -> &RW {
        self.inner.get_ref().get_ref()
    }

    /// The wrapped stream, mutably.
    pub fn get_mut(&mut self) -> &mut RW {
        self.inner.get_mut().get_mut()
    }

    /// The wrapped stream, pinned.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut RW> {
        self.project().get_pin_mut().get_pin_mut()
    }

    /// The wrapped stream; buffered bytes in either direction are lost.
    pub fn into_inner(self) -> RW {
        self.inner.into_inner().into_inner()
    }

    fn project(self: Pin<&mut Self>) -> Pin<&mut BufReader<BufWriter<RW>>> {
        // SAFETY: `inner` is structurally pinned: moved out only by `into_inner` (by value),
        // no `Drop` impl, and `BufStream` is `Unpin` only when `RW` is.
        unsafe { self.map_unchecked_mut(|this| &mut this.inner) }
    }
}

impl<RW> From<BufReader<BufWriter<RW>>> for BufStream<RW> {
    fn from(inner: BufReader<BufWriter<RW>>) -> BufStream<RW> {
        BufStream { inner }
    }
}

impl<RW: AsyncRead + AsyncWrite> AsyncRead for BufStream<RW> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.project().poll_read(cx, buf)
    }
}

impl<RW: AsyncRead + AsyncWrite> AsyncBufRead for BufStream<RW> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.project().poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.project().consume(amt)
    }
}

impl<RW: AsyncRead + AsyncWrite> AsyncWrite for BufStream<RW> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.project().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.project().poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().poll_shutdown(cx)
    }
}

/// Seeks flush the write buffer first and account for the read buffer.
impl<RW: AsyncRead + AsyncWrite + AsyncSeek> AsyncSeek for BufStream<RW> {
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()> {
        self.project().start_seek(position)
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        self.project().poll_complete(cx)
    }
}
