//! `TcpSocket`: a TCP socket not yet listening or connected, for the settings that must come
//! first — address reuse, binding a client to a local address, the listen backlog.

use super::listener::Acceptor;
use super::stream::Stream;
use super::tcp::inet;
use super::{TcpListener, TcpStream};
use crate::io::registration::os_error;
use avx_os::net::{Addr, Domain, Socket, Type};
use std::fmt;
use std::io;
use std::net::SocketAddr;

/// A TCP socket before `listen` or `connect`.
pub struct TcpSocket {
    socket: Socket,
}

impl TcpSocket {
    /// A new IPv4 TCP socket.
    pub fn new_v4() -> io::Result<TcpSocket> {
        TcpSocket::new(Domain::V4)
    }

    /// A new IPv6 TCP socket.
    pub fn new_v6() -> io::Result<TcpSocket> {
        TcpSocket::new(Domain::V6)
    }

    fn new(domain: Domain) -> io::Result<TcpSocket> {
        Ok(TcpSocket { socket: Socket::new(domain, Type::Stream).map_err(os_error)? })
    }

    /// Allows binding to an address whose old connections are still in `TIME_WAIT`.
    pub fn set_reuseaddr(&self, reuse: bool) -> io::Result<()> {
        self.socket.set_reuse_address(reuse).map_err(os_error)
    }

    /// Turns Nagle's algorithm off (`true`) for the connection this socket will make.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.socket.set_nodelay(nodelay).map_err(os_error)
    }

    /// Binds to a local address (port 0 picks a free one).
    pub fn bind(&self, addr: SocketAddr) -> io::Result<()> {
        self.socket.bind(&Addr::Inet(addr)).map_err(os_error)
    }

    /// The local address (after `bind`).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        inet(self.socket.local_addr().map_err(os_error)?)
    }

    /// Starts listening with room for `backlog` connections the server has not accepted yet
    /// (the kernel caps it at its own maximum). Needs a current runtime.
    pub fn listen(self, backlog: u32) -> io::Result<TcpListener> {
        let backlog = i32::try_from(backlog).unwrap_or(i32::MAX);
        Ok(TcpListener { acceptor: Acceptor::listen(self.socket, backlog)? })
    }

    /// Connects to `addr`. Needs a current runtime.
    pub async fn connect(self, addr: SocketAddr) -> io::Result<TcpStream> {
        Ok(TcpStream { stream: Stream::connect_socket(self.socket, &Addr::Inet(addr)).await? })
    }
}

impl fmt::Debug for TcpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpSocket").field("local_addr", &self.local_addr().ok()).finish()
    }
}
