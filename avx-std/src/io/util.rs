//! `empty`, `sink` and `repeat`: a reader at end of stream, a writer that discards, and a reader
//! of one byte forever. Each spends cooperative budget, so a loop over them still yields.

use avx_core::coop;
use avx_core::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf, SeekFrom};
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Always at end of stream; accepts and discards writes; every seek lands on 0.
#[derive(Debug, Default, Clone, Copy)]
pub struct Empty {
    _private: (),
}

/// A reader at end of stream (and a writer that discards what it is given).
pub fn empty() -> Empty {
    Empty { _private: () }
}

/// Accepts and discards everything written.
#[derive(Debug, Default, Clone, Copy)]
pub struct Sink {
    _private: (),
}

/// A writer that discards what it is given.
pub fn sink() -> Sink {
    Sink { _private: () }
}

/// Yields the same byte forever.
#[derive(Debug, Clone, Copy)]
pub struct Repeat {
    byte: u8,
}

/// A reader that yields `byte` endlessly.
pub fn repeat(byte: u8) -> Repeat {
    Repeat { byte }
}

impl AsyncRead for Empty {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, _: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        ready!(coop::poll_proceed(cx));
        Poll::Ready(Ok(()))
    }
}

impl AsyncBufRead for Empty {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        ready!(coop::poll_proceed(cx));
        Poll::Ready(Ok(&[]))
    }

    fn consume(self: Pin<&mut Self>, _: usize) {}
}

impl AsyncSeek for Empty {
    fn start_seek(self: Pin<&mut Self>, _: SeekFrom) -> io::Result<()> {
        Ok(())
    }

    fn poll_complete(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<u64>> {
        Poll::Ready(Ok(0))
    }
}

/// Both `Empty` and `Sink` take every write whole and keep nothing.
macro_rules! discarding_writer {
    ($($ty:ty),*) => {$(
        impl AsyncWrite for $ty {
            fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
                ready!(coop::poll_proceed(cx));
                Poll::Ready(Ok(buf.len()))
            }

            fn poll_write_vectored(self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[IoSlice<'_>]) -> Poll<io::Result<usize>> {
                ready!(coop::poll_proceed(cx));
                Poll::Ready(Ok(bufs.iter().map(|b| b.len()).sum()))
            }

            fn is_write_vectored(&self) -> bool {
                true
            }

            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                ready!(coop::poll_proceed(cx));
                Poll::Ready(Ok(()))
            }

            fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                ready!(coop::poll_proceed(cx));
                Poll::Ready(Ok(()))
            }
        }
    )*};
}

discarding_writer!(Empty, Sink);

impl AsyncRead for Repeat {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        ready!(coop::poll_proceed(cx));
        let byte = self.byte;
        buf.initialize_unfilled().fill(byte);
        let n = buf.remaining();
        buf.advance(n);
        Poll::Ready(Ok(()))
    }
}
