//! UDP: `UdpSocket` sends and receives datagrams, to any address or (after `connect`) to one
//! peer. All methods take `&self`, so one socket can be shared by several tasks in an `Arc`.

use super::addr::{first_success, resolve, ToSocketAddrs};
use super::std_conv;
use super::tcp::inet;
use crate::io::registration::{os_error, Source};
use avx_core::Interest;
use avx_os::net::{Addr, Domain, Socket, Type};
use std::fmt;
use std::io;
use std::net::SocketAddr;

/// A UDP socket.
pub struct UdpSocket {
    source: Source,
}

impl UdpSocket {
    /// Binds to `addr` (port 0 picks a free port).
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<UdpSocket> {
        first_success(resolve(addr).await?, |addr| async move {
            let socket = Socket::new(Domain::for_addr(&addr), Type::Datagram).map_err(os_error)?;
            socket.bind(&Addr::Inet(addr)).map_err(os_error)?;
            Ok(UdpSocket { source: Source::new(socket)? })
        })
        .await
    }

    /// Sets the default peer for `send`/`recv` and filters out datagrams from anyone else.
    pub async fn connect<A: ToSocketAddrs>(&self, addr: A) -> io::Result<()> {
        first_success(resolve(addr).await?, |addr| async move {
            self.source.socket().connect(&Addr::Inet(addr)).map_err(os_error)
        })
        .await
    }

    /// Sends one datagram to `target`; returns the bytes sent.
    ///
    /// Cancel safe: a dropped call sent nothing.
    pub async fn send_to<A: ToSocketAddrs>(&self, buf: &[u8], target: A) -> io::Result<usize> {
        let addr = Addr::Inet(resolve(target).await?[0]);
        self.source.io(Interest::WRITABLE, |s| s.send_to(buf, &addr)).await
    }

    /// Receives one datagram into `buf` (truncated if larger) and returns its length and sender.
    ///
    /// Cancel safe: a dropped call received nothing.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, addr) = self.source.io(Interest::READABLE, |s| s.recv_from(buf)).await?;
        Ok((n, inet(addr)?))
    }

    /// Sends one datagram to the connected peer.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.source.io(Interest::WRITABLE, |s| s.write(buf)).await
    }

    /// Receives one datagram from the connected peer.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.source.io(Interest::READABLE, |s| s.read(buf)).await
    }

    /// Takes over a bound std UDP socket. Needs a current runtime.
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        socket.set_nonblocking(true)?;
        Ok(UdpSocket { source: Source::new(std_conv::from_std(socket))? })
    }

    /// Hands the socket back to std, deregistered (still nonblocking).
    pub fn into_std(self) -> io::Result<std::net::UdpSocket> {
        Ok(std_conv::into_std(self.source.into_socket()))
    }

    /// The address the socket is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        inet(self.source.socket().local_addr().map_err(os_error)?)
    }

    /// The connected peer's address (`NotConnected` if `connect` was not called).
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        inet(self.source.socket().peer_addr().map_err(os_error)?)
    }
}

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UdpSocket").field("local_addr", &self.local_addr().ok()).finish()
    }
}
