//! A connected stream socket (TCP or Unix): connecting, reading, writing, shutting down, and
//! the owned read/write halves that let two tasks use one stream without a lock.

use crate::io::registration::{os_error, Source};
use avx_core::io::{AsyncRead, AsyncWrite, ReadBuf};
use avx_core::Interest;
use avx_os::net::{Addr, Domain, Shutdown, Socket, Type};
use avx_os::Errno;
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

/// The shared core of `TcpStream` and `UnixStream`.
pub struct Stream {
    source: Source,
}

impl Stream {
    pub(crate) fn from_socket(socket: Socket) -> io::Result<Stream> {
        Ok(Stream { source: Source::new(socket)? })
    }

    /// Connects a new socket of `domain` to `addr`, waiting for the handshake to finish.
    pub(crate) async fn connect(domain: Domain, addr: &Addr) -> io::Result<Stream> {
        Stream::connect_socket(Socket::new(domain, Type::Stream).map_err(os_error)?, addr).await
    }

    /// Connects `socket` (new, perhaps bound) to `addr`.
    pub(crate) async fn connect_socket(socket: Socket, addr: &Addr) -> io::Result<Stream> {
        let in_progress = match socket.connect(addr) {
            Ok(()) => false,
            Err(e) if e.is_in_progress() => true,
            Err(e) => return Err(os_error(e)),
        };
        let stream = Stream::from_socket(socket)?;
        if in_progress {
            poll_fn(|cx| stream.poll_connected(cx)).await?;
        }
        Ok(stream)
    }

    /// Ready once the nonblocking connect has succeeded or failed.
    fn poll_connected(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            let event = ready!(self.source.poll_ready(cx, Interest::WRITABLE))?;
            let socket = self.source.socket();
            if let Some(error) = socket.take_error().map_err(os_error)? {
                return Poll::Ready(Err(os_error(error)));
            }
            match socket.peer_addr() {
                Ok(_) => return Poll::Ready(Ok(())),
                // Writability from before the handshake finished: keep waiting.
                Err(Errno::ENOTCONN) => self.source.clear_readiness(event),
                Err(e) => return Poll::Ready(Err(os_error(e))),
            }
        }
    }

    pub(crate) fn socket(&self) -> &Socket {
        self.source.socket()
    }

    pub(crate) fn into_socket(self) -> Socket {
        self.source.into_socket()
    }

    pub(crate) fn poll_read(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        // Zeroes only memory the caller handed over uninitialised (none for `read(&mut [u8])`).
        let dst = buf.initialize_unfilled();
        let n = ready!(self.source.poll_transfer(cx, Interest::READABLE, dst.len(), |s| s.read(dst)))?;
        buf.advance(n);
        Poll::Ready(Ok(()))
    }

    pub(crate) fn poll_write(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.source.poll_transfer(cx, Interest::WRITABLE, buf.len(), |s| s.write(buf))
    }

    pub(crate) fn shutdown_write(&self) -> io::Result<()> {
        match self.socket().shutdown(Shutdown::Write) {
            // The peer already closed the connection: the write side is shut either way.
            Ok(()) | Err(Errno::ENOTCONN) => Ok(()),
            Err(e) => Err(os_error(e)),
        }
    }

    /// Reads without consuming: the next `read` returns the same bytes.
    pub(crate) async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.source.io(Interest::READABLE, |s| s.peek(buf)).await
    }

    pub(crate) async fn ready(&self, interest: Interest) -> io::Result<()> {
        self.source.ready(interest).await
    }

    pub(crate) fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.source.try_io(Interest::READABLE, |s| s.read(buf))
    }

    pub(crate) fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.source.try_io(Interest::WRITABLE, |s| s.write(buf))
    }
}

/// The methods `TcpStream` and `UnixStream` share, on a type with a `stream: Stream` field.
macro_rules! impl_stream_methods {
    ($ty:ident) => {
        impl $ty {
            /// Reads without consuming: the next read returns the same bytes.
            pub async fn peek(&self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.stream.peek(buf).await
            }

            /// Waits until the stream is readable (data, end of stream or an error), for use
            /// with [`Self::try_read`].
            pub async fn readable(&self) -> std::io::Result<()> {
                self.stream.ready(avx_core::Interest::READABLE).await
            }

            /// Waits until the stream is writable, for use with [`Self::try_write`].
            pub async fn writable(&self) -> std::io::Result<()> {
                self.stream.ready(avx_core::Interest::WRITABLE).await
            }

            /// Reads what is available now without waiting; `WouldBlock` if nothing is.
            pub fn try_read(&self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.stream.try_read(buf)
            }

            /// Writes what fits now without waiting; `WouldBlock` if nothing does.
            pub fn try_write(&self, buf: &[u8]) -> std::io::Result<usize> {
                self.stream.try_write(buf)
            }

            /// Splits into a read half and a write half that can move to different tasks.
            pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
                crate::net::stream::into_split(self)
            }
        }
    };
}
pub(crate) use impl_stream_methods;

/// Implements `AsyncRead`/`AsyncWrite` for a type whose `stream()` is a [`Stream`].
macro_rules! impl_stream_io {
    ($ty:ty) => {
        impl avx_core::io::AsyncRead for $ty {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut avx_core::io::ReadBuf<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.stream().poll_read(cx, buf)
            }
        }

        impl avx_core::io::AsyncWrite for $ty {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<Result<usize, std::io::Error>> {
                self.stream().poll_write(cx, buf)
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
            ) -> std::task::Poll<Result<(), std::io::Error>> {
                std::task::Poll::Ready(Ok(()))
            }

            fn poll_shutdown(
                self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
            ) -> std::task::Poll<Result<(), std::io::Error>> {
                std::task::Poll::Ready(self.stream().shutdown_write())
            }
        }
    };
}
pub(crate) use impl_stream_io;

/// Gives the generic halves access to the stream inside a `TcpStream`/`UnixStream`.
pub trait AsStream {
    #[doc(hidden)]
    fn stream(&self) -> &Stream;
}

/// The reading half of a stream from `into_split`; usable from another task than the writer.
pub struct OwnedReadHalf<S> {
    inner: Arc<S>,
}

/// The writing half of a stream from `into_split`. Dropping it shuts the write side down
/// (the peer reads end of stream), as `shutdown` would.
pub struct OwnedWriteHalf<S: AsStream> {
    inner: Arc<S>,
    shut_down: bool,
}

/// Splits `stream` into owned halves (no lock: reads and writes wait on separate wakers).
pub(crate) fn into_split<S: AsStream>(stream: S) -> (OwnedReadHalf<S>, OwnedWriteHalf<S>) {
    let inner = Arc::new(stream);
    (OwnedReadHalf { inner: inner.clone() }, OwnedWriteHalf { inner, shut_down: false })
}

/// Returned by `reunite` when the halves come from different streams.
#[derive(Debug)]
pub struct ReuniteError<S: AsStream>(pub OwnedReadHalf<S>, pub OwnedWriteHalf<S>);

impl<S: AsStream> fmt::Display for ReuniteError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tried to reunite halves that are not from the same stream")
    }
}

impl<S: AsStream + fmt::Debug> std::error::Error for ReuniteError<S> {}

impl<S: AsStream> OwnedReadHalf<S> {
    /// Puts the halves back together into the original stream.
    pub fn reunite(self, write: OwnedWriteHalf<S>) -> Result<S, ReuniteError<S>> {
        if !Arc::ptr_eq(&self.inner, &write.inner) {
            return Err(ReuniteError(self, write));
        }
        let mut write = write;
        write.shut_down = true; // reuniting must not shut the stream down
        drop(write);
        Arc::try_unwrap(self.inner).map_err(|_| unreachable!("the write half was just dropped"))
    }

    /// Reads without consuming.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.stream().peek(buf).await
    }
}

impl<S: AsStream> OwnedWriteHalf<S> {
    /// Shuts the write side down now (also done on drop).
    pub fn shutdown_now(&mut self) -> io::Result<()> {
        self.shut_down = true;
        self.inner.stream().shutdown_write()
    }
}

impl<S: AsStream> Drop for OwnedWriteHalf<S> {
    fn drop(&mut self) {
        if !self.shut_down {
            let _ = self.inner.stream().shutdown_write();
        }
    }
}

impl<S: AsStream> AsRef<S> for OwnedReadHalf<S> {
    fn as_ref(&self) -> &S {
        &self.inner
    }
}

impl<S: AsStream> AsRef<S> for OwnedWriteHalf<S> {
    fn as_ref(&self) -> &S {
        &self.inner
    }
}

impl<S: AsStream + fmt::Debug> fmt::Debug for OwnedReadHalf<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OwnedReadHalf").field(&self.inner).finish()
    }
}

impl<S: AsStream + fmt::Debug> fmt::Debug for OwnedWriteHalf<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OwnedWriteHalf").field(&self.inner).finish()
    }
}

impl<S: AsStream> AsyncRead for OwnedReadHalf<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.inner.stream().poll_read(cx, buf)
    }
}

impl<S: AsStream> AsyncWrite for OwnedWriteHalf<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<Result<usize, io::Error>> {
        self.inner.stream().poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), io::Error>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), io::Error>> {
        self.shut_down = true;
        Poll::Ready(self.inner.stream().shutdown_write())
    }
}
