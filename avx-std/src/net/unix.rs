//! Unix-domain stream sockets: `UnixListener` and `UnixStream`, addressed by filesystem
//! paths (or unnamed, for `pair`), with the same reading, writing and splitting as TCP.

use super::listener::Acceptor;
use super::stream::{self, impl_stream_io, impl_stream_methods, AsStream, Stream};
use crate::io::registration::os_error;
use avx_os::net::{Addr, Domain, Socket, Type};
use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// The reading half of a [`UnixStream`] from [`UnixStream::into_split`].
pub type OwnedReadHalf = stream::OwnedReadHalf<UnixStream>;
/// The writing half of a [`UnixStream`] from [`UnixStream::into_split`].
pub type OwnedWriteHalf = stream::OwnedWriteHalf<UnixStream>;

/// The address of a Unix-domain socket: a path, or unnamed.
#[derive(Clone, PartialEq, Eq)]
pub struct SocketAddr {
    path: Vec<u8>,
}

impl SocketAddr {
    fn from_os(addr: Addr) -> io::Result<SocketAddr> {
        match addr {
            Addr::Unix(path) => Ok(SocketAddr { path }),
            Addr::Inet(_) => Err(io::Error::new(io::ErrorKind::InvalidData, "not a Unix socket address")),
        }
    }

    /// Whether the socket has no name (an unbound socket, or one end of a `pair`).
    pub fn is_unnamed(&self) -> bool {
        self.path.is_empty()
    }

    /// The filesystem path, if the socket is bound to one.
    pub fn as_pathname(&self) -> Option<&Path> {
        (!self.path.is_empty() && self.path[0] != 0).then(|| Path::new(OsStr::from_bytes(&self.path)))
    }
}

impl fmt::Debug for SocketAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_pathname() {
            Some(path) => write!(f, "{path:?} (pathname)"),
            None if self.is_unnamed() => f.write_str("(unnamed)"),
            None => write!(f, "{:?} (abstract)", String::from_utf8_lossy(&self.path[1..])),
        }
    }
}

fn path_addr(path: &Path) -> Addr {
    Addr::Unix(path.as_os_str().as_bytes().to_vec())
}

/// A Unix-domain socket listening for connections.
pub struct UnixListener {
    acceptor: Acceptor,
}

/// One Unix-domain stream connection.
pub struct UnixStream {
    stream: Stream,
}

impl UnixListener {
    /// Binds to `path` (which must not exist yet) and listens. Needs a current runtime.
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixListener> {
        Ok(UnixListener { acceptor: Acceptor::bind(Domain::Unix, &path_addr(path.as_ref()))? })
    }

    /// Waits for the next connection (backs off on descriptor exhaustion like
    /// [`super::TcpListener::accept`]).
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        let (socket, addr) = self.acceptor.accept().await?;
        Ok((UnixStream { stream: Stream::from_socket(socket)? }, SocketAddr::from_os(addr)?))
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        SocketAddr::from_os(self.acceptor.socket().local_addr().map_err(os_error)?)
    }
}

impl UnixStream {
    /// Connects to the socket at `path`.
    pub async fn connect(path: impl AsRef<Path>) -> io::Result<UnixStream> {
        Ok(UnixStream { stream: Stream::connect(Domain::Unix, &path_addr(path.as_ref())).await? })
    }

    /// A connected pair of unnamed sockets. Needs a current runtime.
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = Socket::pair(Type::Stream).map_err(os_error)?;
        Ok((UnixStream { stream: Stream::from_socket(a)? }, UnixStream { stream: Stream::from_socket(b)? }))
    }

    /// The local address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        SocketAddr::from_os(self.stream.socket().local_addr().map_err(os_error)?)
    }

    /// The peer's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        SocketAddr::from_os(self.stream.socket().peer_addr().map_err(os_error)?)
    }
}

impl AsStream for UnixStream {
    fn stream(&self) -> &Stream {
        &self.stream
    }
}

impl_stream_io!(UnixStream);
impl_stream_methods!(UnixStream);
impl_stream_io!(&UnixStream);

impl fmt::Debug for UnixListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixListener").field("local_addr", &self.local_addr().ok()).finish()
    }
}

impl fmt::Debug for UnixStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixStream").field("peer_addr", &self.peer_addr().ok()).finish()
    }
}
