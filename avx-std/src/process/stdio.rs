//! `ChildStdin`, `ChildStdout`, `ChildStderr`: the parent's ends of a child's piped stdio as
//! nonblocking pipes registered with the reactor (no blocking pool involved).

use crate::io::registration::Source;
use avx_core::io::{AsyncRead, AsyncWrite, ReadBuf};
use avx_core::Interest;
use avx_os::fd::OwnedFd;
use std::fmt;
use std::io;
use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, RawFd};
use std::pin::Pin;
use std::process::Stdio;
use std::task::{ready, Context, Poll};

/// One registered pipe end.
struct Pipe {
    source: Source<OwnedFd>,
}

impl Pipe {
    /// Takes over a std pipe end: made nonblocking and registered with the current runtime
    /// (panics outside one).
    #[track_caller]
    fn new(std: impl IntoRawFd) -> io::Result<Pipe> {
        // SAFETY: `into_raw_fd` gave up the open descriptor; this value owns it from here.
        let fd = unsafe { OwnedFd::from_raw(std.into_raw_fd()) };
        fd.set_nonblocking(true).map_err(io::Error::from)?;
        Ok(Pipe { source: Source::new(fd)? })
    }

    fn poll_read(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let dst = buf.initialize_unfilled();
        let n = ready!(self.source.poll_transfer(cx, Interest::READABLE, dst.len(), |fd| fd.read(dst)))?;
        buf.advance(n);
        Poll::Ready(Ok(()))
    }

    fn poll_write(&self, cx: &mut Context<'_>, src: &[u8]) -> Poll<io::Result<usize>> {
        self.source.poll_transfer(cx, Interest::WRITABLE, src.len(), |fd| fd.write(src))
    }

    /// Deregisters and hands the descriptor over in blocking mode, as a child expects it.
    fn into_owned_fd(self) -> io::Result<std::os::fd::OwnedFd> {
        let fd = self.source.into_socket();
        fd.set_nonblocking(false).map_err(io::Error::from)?;
        // SAFETY: `into_raw` gave up the open descriptor; the std value owns it from here.
        Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd.into_raw()) })
    }

    fn as_raw_fd(&self) -> RawFd {
        self.source.socket().as_raw()
    }
}

/// The three ends, written once: construction from std's, descriptor access, conversion back.
macro_rules! pipe_end {
    ($($(#[$doc:meta])* $name:ident($std:ty);)*) => {$(
        $(#[$doc])*
        pub struct $name {
            pipe: Pipe,
        }

        impl $name {
            /// Takes over std's pipe end (made nonblocking, registered with the current
            /// runtime).
            ///
            /// # Panics
            /// Outside a runtime, as Tokio does.
            #[track_caller]
            pub fn from_std(std: $std) -> io::Result<$name> {
                Pipe::new(std).map(|pipe| $name { pipe })
            }

            /// The descriptor, deregistered and back in blocking mode.
            pub fn into_owned_fd(self) -> io::Result<std::os::fd::OwnedFd> {
                self.pipe.into_owned_fd()
            }
        }

        impl TryFrom<$name> for Stdio {
            type Error = io::Error;

            /// For another child's stdio (the descriptor goes back to blocking mode).
            fn try_from(end: $name) -> io::Result<Stdio> {
                end.into_owned_fd().map(Stdio::from)
            }
        }

        impl AsRawFd for $name {
            fn as_raw_fd(&self) -> RawFd {
                self.pipe.as_raw_fd()
            }
        }

        impl AsFd for $name {
            fn as_fd(&self) -> BorrowedFd<'_> {
                // SAFETY: the descriptor stays open while `self` is borrowed: only dropping
                // (or converting) `self` closes or releases it.
                unsafe { BorrowedFd::borrow_raw(self.as_raw_fd()) }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name)).field("fd", &self.as_raw_fd()).finish()
            }
        }
    )*};
}

pipe_end! {
    /// The parent's end of a child's piped standard input: an `AsyncWrite`. Dropping it
    /// closes the pipe, so the child reads the end of its input ([`super::Child::wait`]
    /// drops it first).
    ChildStdin(std::process::ChildStdin);
    /// The parent's end of a child's piped standard output: an `AsyncRead`.
    ChildStdout(std::process::ChildStdout);
    /// The parent's end of a child's piped standard error: an `AsyncRead`.
    ChildStderr(std::process::ChildStderr);
}

impl AsyncWrite for ChildStdin {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, src: &[u8]) -> Poll<io::Result<usize>> {
        self.pipe.poll_write(cx, src)
    }

    /// A pipe keeps no buffer on this side: nothing to flush.
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// As Tokio: nothing happens (drop the handle to close the pipe).
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for ChildStdout {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.pipe.poll_read(cx, buf)
    }
}

impl AsyncRead for ChildStderr {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.pipe.poll_read(cx, buf)
    }
}
