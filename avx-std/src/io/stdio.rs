//! `stdin`, `stdout`, `stderr`: the process's standard streams as async readers and writers,
//! their blocking reads and writes done on the blocking pool.

use super::blocking::{Blocking, PoolObject, DEFAULT_MAX_BUF};
use avx_core::io::{AsyncRead, AsyncWrite, ReadBuf};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

// Standard streams are never read ahead (the bytes could not be given back to the process's
// other readers), and their flush matters (std's stdout buffers lines).
impl PoolObject for io::Stdin {}
impl PoolObject for io::Stdout {}
impl PoolObject for io::Stderr {}

/// The process's standard input; see [`stdin`].
#[derive(Debug)]
pub struct Stdin {
    inner: Blocking<io::Stdin>,
}

/// The process's standard output; see [`stdout`]. Writes are not buffered beyond one call,
/// but each completes in the background: flush to learn that it reached the OS.
#[derive(Debug)]
pub struct Stdout {
    inner: Blocking<io::Stdout>,
}

/// The process's standard error; see [`stderr`].
#[derive(Debug)]
pub struct Stderr {
    inner: Blocking<io::Stderr>,
}

/// A handle to standard input. Reading it blocks a pool thread until input arrives, so a read
/// that is never satisfied keeps that thread (and a runtime shutdown waits for it).
pub fn stdin() -> Stdin {
    Stdin { inner: Blocking::new(Arc::new(io::stdin())) }
}

/// A handle to standard output.
pub fn stdout() -> Stdout {
    Stdout { inner: Blocking::new(Arc::new(io::stdout())) }
}

/// A handle to standard error.
pub fn stderr() -> Stderr {
    Stderr { inner: Blocking::new(Arc::new(io::stderr())) }
}

impl AsyncRead for Stdin {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.inner.poll_read(cx, buf, DEFAULT_MAX_BUF)
    }
}

/// Both output streams forward to their blocking adapter.
macro_rules! output_stream {
    ($($ty:ty),*) => {$(
        impl AsyncWrite for $ty {
            fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
                self.inner.poll_write(cx, buf, DEFAULT_MAX_BUF)
            }

            fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.inner.poll_flush(cx)
            }

            fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.inner.poll_flush(cx)
            }
        }
    )*};
}

output_stream!(Stdout, Stderr);

#[cfg(unix)]
mod raw {
    //! The raw descriptors, as std's standard streams offer them.
    use super::{Stderr, Stdin, Stdout};
    use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, RawFd};

    macro_rules! raw_fd {
        ($($ty:ty => $std:path),*) => {$(
            impl AsRawFd for $ty {
                fn as_raw_fd(&self) -> RawFd {
                    $std().as_raw_fd()
                }
            }

            impl AsFd for $ty {
                fn as_fd(&self) -> BorrowedFd<'_> {
                    // SAFETY: the standard descriptors stay open for the life of the process.
                    unsafe { BorrowedFd::borrow_raw(self.as_raw_fd()) }
                }
            }
        )*};
    }

    raw_fd!(Stdin => std::io::stdin, Stdout => std::io::stdout, Stderr => std::io::stderr);
}
