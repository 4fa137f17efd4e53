//! TCP: `TcpListener` accepts connections, `TcpStream` is one connection (readable, writable,
//! splittable into owned halves for a reader task and a writer task).

use super::addr::{first_success, resolve, ToSocketAddrs};
use super::listener::Acceptor;
use super::std_conv;
use super::stream::{self, impl_stream_io, impl_stream_methods, AsStream, Stream};
use crate::io::registration::os_error;
use avx_os::net::{Addr, Domain};
use std::fmt;
use std::io;
use std::net::SocketAddr;

/// The reading half of a [`TcpStream`] from [`TcpStream::into_split`].
pub type OwnedReadHalf = stream::OwnedReadHalf<TcpStream>;
/// The writing half of a [`TcpStream`] from [`TcpStream::into_split`].
pub type OwnedWriteHalf = stream::OwnedWriteHalf<TcpStream>;
/// The halves given back by a failed [`OwnedReadHalf::reunite`].
pub type ReuniteError = stream::ReuniteError<TcpStream>;

/// A TCP socket listening for connections.
pub struct TcpListener {
    pub(super) acceptor: Acceptor,
}

/// One TCP connection.
pub struct TcpStream {
    pub(super) stream: Stream,
}

pub(crate) fn inet(addr: Addr) -> io::Result<SocketAddr> {
    addr.as_inet().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "not an IP socket address"))
}

impl TcpListener {
    /// Binds to `addr` (the first of its addresses that works) and starts listening with the
    /// largest backlog the kernel allows (see [`super::TcpSocket::listen`] to choose one).
    /// Port 0 picks a free port; see [`TcpListener::local_addr`]. A port already in use gives
    /// `AddrInUse`.
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
        first_success(resolve(addr).await?, |addr| async move {
            let acceptor = Acceptor::bind(Domain::for_addr(&addr), &Addr::Inet(addr))?;
            Ok(TcpListener { acceptor })
        })
        .await
    }

    /// Waits for the next connection. If the process is out of file descriptors (`EMFILE`)
    /// the error is returned and later calls retry at a bounded rate, so an accept loop that
    /// logs and continues does not spin the CPU.
    ///
    /// Cancel safe: a connection is never accepted and then dropped.
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (socket, addr) = self.acceptor.accept().await?;
        Ok((TcpStream { stream: Stream::from_socket(socket)? }, inet(addr)?))
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        inet(self.acceptor.socket().local_addr().map_err(os_error)?)
    }

    /// Takes over a listening std socket (e.g. one configured with socket2). Needs a
    /// current runtime.
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        listener.set_nonblocking(true)?;
        Ok(TcpListener { acceptor: Acceptor::from_socket(std_conv::from_std(listener))? })
    }

    /// Hands the socket back to std, deregistered (still nonblocking).
    pub fn into_std(self) -> io::Result<std::net::TcpListener> {
        Ok(std_conv::into_std(self.acceptor.into_socket()))
    }
}

impl TcpStream {
    /// Connects to `addr` (each of its addresses in turn). A closed port gives
    /// `ConnectionRefused`.
    pub async fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        first_success(resolve(addr).await?, |addr| async move {
            let stream = Stream::connect(Domain::for_addr(&addr), &Addr::Inet(addr)).await?;
            Ok(TcpStream { stream })
        })
        .await
    }

    /// Takes over a connected std stream. Needs a current runtime.
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        stream.set_nonblocking(true)?;
        Ok(TcpStream { stream: Stream::from_socket(std_conv::from_std(stream))? })
    }

    /// Hands the connection back to std, deregistered (still nonblocking).
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        Ok(std_conv::into_std(self.stream.into_socket()))
    }

    /// The address of the peer.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        inet(self.stream.socket().peer_addr().map_err(os_error)?)
    }

    /// The local address of this end.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        inet(self.stream.socket().local_addr().map_err(os_error)?)
    }

    /// Sends small writes at once (`true`) instead of coalescing them (Nagle's algorithm).
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.stream.socket().set_nodelay(nodelay).map_err(os_error)
    }

    /// Whether Nagle's algorithm is off.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.stream.socket().nodelay().map_err(os_error)
    }
}

impl AsStream for TcpStream {
    fn stream(&self) -> &Stream {
        &self.stream
    }
}

impl_stream_io!(TcpStream);
impl_stream_methods!(TcpStream);
impl_stream_io!(&TcpStream);

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpListener").field("local_addr", &self.local_addr().ok()).finish()
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpStream")
            .field("local_addr", &self.local_addr().ok())
            .field("peer_addr", &self.peer_addr().ok())
            .finish()
    }
}
