//! `AsyncRead`, `AsyncWrite`, `AsyncBufRead`, `AsyncSeek`: poll-based byte streams in the
//! shape Tokio's users already implement, over this crate's `io::Error` (std's under `std`).

use core::pin::Pin;
use core::task::{Context, Poll};

use super::{Error, IoSlice, ReadBuf, SeekFrom};

/// A source of bytes that can be read without blocking.
pub trait AsyncRead {
    /// Reads into the unfilled part of `buf`, advancing its filled count. Filling nothing
    /// while `buf` had room means end of stream. Returns `Pending` (and arranges a wake-up)
    /// when no data is available yet.
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<Result<(), Error>>;
}

/// A sink of bytes that can be written without blocking.
pub trait AsyncWrite {
    /// Writes some of `buf`, returning how many bytes were accepted (0 only for an empty
    /// `buf` or a sink that can take no more).
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<Result<usize, Error>>;

    /// Flushes buffered data to the underlying sink.
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>>;

    /// Flushes and closes the write side (a TCP `FIN`).
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>>;

    /// Writes from several buffers in order; by default the first non-empty one only.
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<Result<usize, Error>> {
        let first = bufs.iter().find(|b| !b.is_empty()).map_or(&[][..], |b| &**b);
        self.poll_write(cx, first)
    }

    /// Whether `poll_write_vectored` writes from more than one buffer at a time.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

/// A reader with an internal buffer that can be inspected before it is consumed.
pub trait AsyncBufRead: AsyncRead {
    /// Returns the buffered bytes, reading more when the buffer is empty; an empty slice
    /// means end of stream.
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<&[u8], Error>>;

    /// Marks `amt` bytes of the buffer as read.
    fn consume(self: Pin<&mut Self>, amt: usize);
}

/// A stream with a cursor that can be moved, in two steps: start the seek, then poll it.
pub trait AsyncSeek {
    /// Starts moving the cursor to `position`. An error if a seek is already in progress.
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> Result<(), Error>;

    /// Completes the seek started last (or reports the current position if none is pending),
    /// returning the new position from the start of the stream.
    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<u64, Error>>;
}
