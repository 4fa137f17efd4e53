//! `Socket` on Linux, macOS and FreeBSD: a nonblocking, close-on-exec descriptor. Writes never
//! raise `SIGPIPE` (`MSG_NOSIGNAL`, or `SO_NOSIGPIPE` on macOS): a closed peer is `EPIPE`.

use alloc::vec::Vec;

use avx_core::{AsSource, BorrowedSource, RawSource};

use super::{Addr, Domain, Shutdown, Type};
use crate::fd::OwnedFd;
use crate::sys::os::net as sys;
use crate::sys::sockaddr::{SockAddr, SockAddrBuf, AF_INET, AF_INET6, AF_UNIX};
use crate::sys::Errno;

/// An owned nonblocking socket; closed on drop.
#[derive(Debug)]
pub struct Socket {
    owned: OwnedFd,
}

fn family(domain: Domain) -> u16 {
    match domain {
        Domain::V4 => AF_INET,
        Domain::V6 => AF_INET6,
        Domain::Unix => AF_UNIX,
    }
}

fn sock_type(ty: Type) -> i32 {
    match ty {
        Type::Stream => sys::SOCK_STREAM,
        Type::Datagram => sys::SOCK_DGRAM,
    }
}

fn encode(addr: &Addr) -> Result<SockAddrBuf, Errno> {
    match addr {
        Addr::Inet(a) => Ok(SockAddrBuf::from_inet(a)),
        Addr::Unix(path) => SockAddrBuf::from_unix_path(path),
    }
}

fn decode(buf: &SockAddrBuf) -> Result<Addr, Errno> {
    Ok(match buf.decode()? {
        SockAddr::Inet(a) => Addr::Inet(a),
        SockAddr::Unix(path) => Addr::Unix(Vec::from(path)),
        SockAddr::Unnamed => Addr::Unix(Vec::new()),
    })
}

fn as_bool(value: i32) -> bool {
    value != 0
}

impl Socket {
    /// Wraps a descriptor this crate just created.
    fn owning(fd: i32) -> Socket {
        // SAFETY: `fd` was just returned by the kernel and nothing else has seen it.
        Socket { owned: unsafe { OwnedFd::from_raw(fd) } }
    }

    fn fd(&self) -> i32 {
        self.owned.as_raw()
    }

    /// A new nonblocking socket.
    pub fn new(domain: Domain, ty: Type) -> Result<Socket, Errno> {
        let fd = sys::socket(family(domain), sock_type(ty), 0)?;
        Ok(Socket::owning(fd as i32))
    }

    /// A connected pair of Unix-domain sockets.
    pub fn pair(ty: Type) -> Result<(Socket, Socket), Errno> {
        let [a, b] = sys::socketpair(AF_UNIX, sock_type(ty))?;
        Ok((Socket::owning(a), Socket::owning(b)))
    }

    /// Takes ownership of an open socket, e.g. one made with std or another library. The caller
    /// makes it nonblocking first.
    ///
    /// # Safety
    /// `raw` must be an open socket that nothing else closes: this `Socket` closes it on drop.
    pub unsafe fn from_raw(raw: RawSource) -> Socket {
        // SAFETY: the caller hands over an open socket nobody else closes.
        Socket { owned: unsafe { OwnedFd::from_raw(raw.0 as i32) } }
    }

    /// Gives up ownership without closing: the caller now owns the socket.
    pub fn into_raw(self) -> RawSource {
        RawSource(self.owned.into_raw() as usize)
    }

    /// Binds to `addr`.
    pub fn bind(&self, addr: &Addr) -> Result<(), Errno> {
        sys::bind(self.fd(), &encode(addr)?).map(drop)
    }

    /// Starts listening with room for `backlog` pending connections.
    pub fn listen(&self, backlog: i32) -> Result<(), Errno> {
        sys::listen(self.fd(), backlog).map(drop)
    }

    /// Accepts a pending connection as a new nonblocking socket (`EAGAIN` if none).
    pub fn accept(&self) -> Result<(Socket, Addr), Errno> {
        let (fd, addr) = sys::accept4(self.fd())?;
        let socket = Socket::owning(fd);
        Ok((socket, decode(&addr)?))
    }

    /// Starts connecting; an error with [`Errno::is_in_progress`] means "wait until writable,
    /// then read [`Socket::take_error`]".
    pub fn connect(&self, addr: &Addr) -> Result<(), Errno> {
        sys::connect(self.fd(), &encode(addr)?).map(drop)
    }

    /// Reads and clears the pending error (`SO_ERROR`).
    pub fn take_error(&self) -> Result<Option<Errno>, Errno> {
        let code = sys::getsockopt_int(self.fd(), sys::SOL_SOCKET, sys::SO_ERROR)?;
        Ok((code != 0).then_some(Errno(code)))
    }

    /// Reads into `buf` (`Ok(0)`: the peer closed its write side).
    pub fn read(&self, buf: &mut [u8]) -> Result<usize, Errno> {
        // `recv` rather than `read`: the socket call skips the file layer's bookkeeping
        // (fsnotify, position checks), measurably cheaper per request.
        sys::recv(self.fd(), buf, 0)
    }

    /// Writes from `buf` (connected sockets).
    pub fn write(&self, buf: &[u8]) -> Result<usize, Errno> {
        sys::sendto(self.fd(), buf, 0, None)
    }

    /// Reads without consuming.
    pub fn peek(&self, buf: &mut [u8]) -> Result<usize, Errno> {
        sys::recv(self.fd(), buf, sys::MSG_PEEK)
    }

    /// Sends a datagram to `addr`.
    pub fn send_to(&self, buf: &[u8], addr: &Addr) -> Result<usize, Errno> {
        sys::sendto(self.fd(), buf, 0, Some(&encode(addr)?))
    }

    /// Receives a datagram and its sender.
    pub fn recv_from(&self, buf: &mut [u8]) -> Result<(usize, Addr), Errno> {
        let (n, addr) = sys::recvfrom(self.fd(), buf, 0)?;
        Ok((n, decode(&addr)?))
    }

    /// Closes one or both directions.
    pub fn shutdown(&self, how: Shutdown) -> Result<(), Errno> {
        let how = match how {
            Shutdown::Read => sys::SHUT_RD,
            Shutdown::Write => sys::SHUT_WR,
            Shutdown::Both => sys::SHUT_RDWR,
        };
        sys::shutdown(self.fd(), how).map(drop)
    }

    /// Turns Nagle's algorithm off (`true`) or on.
    pub fn set_nodelay(&self, nodelay: bool) -> Result<(), Errno> {
        sys::setsockopt_int(self.fd(), sys::IPPROTO_TCP, sys::TCP_NODELAY, i32::from(nodelay)).map(drop)
    }

    /// Whether Nagle's algorithm is off.
    pub fn nodelay(&self) -> Result<bool, Errno> {
        sys::getsockopt_int(self.fd(), sys::IPPROTO_TCP, sys::TCP_NODELAY).map(as_bool)
    }

    /// Allows binding to an address in `TIME_WAIT` (servers set this before `bind`).
    pub fn set_reuse_address(&self, reuse: bool) -> Result<(), Errno> {
        sys::setsockopt_int(self.fd(), sys::SOL_SOCKET, sys::SO_REUSEADDR, i32::from(reuse)).map(drop)
    }

    /// The address this socket is bound to.
    pub fn local_addr(&self) -> Result<Addr, Errno> {
        decode(&sys::getsockname(self.fd())?)
    }

    /// The address of the connected peer.
    pub fn peer_addr(&self) -> Result<Addr, Errno> {
        decode(&sys::getpeername(self.fd())?)
    }
}

impl AsSource for Socket {
    fn as_source(&self) -> BorrowedSource<'_> {
        self.owned.as_source()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback() -> Addr {
        Addr::Inet("127.0.0.1:0".parse().unwrap())
    }

    #[test]
    fn connect_to_a_closed_port_reports_refused_through_take_error() {
        let listener = Socket::new(Domain::V4, Type::Stream).unwrap();
        listener.bind(&loopback()).unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener); // the port is now closed
        let client = Socket::new(Domain::V4, Type::Stream).unwrap();
        let refused = match client.connect(&addr) {
            Err(e) if e.is_in_progress() => loop {
                if let Some(e) = client.take_error().unwrap() {
                    break e;
                }
                std::thread::yield_now();
            },
            Err(e) => e,
            Ok(()) => panic!("connected to a closed port"),
        };
        assert_eq!(refused, Errno::ECONNREFUSED);
    }

    #[test]
    fn unix_pair_carries_bytes_and_reports_unnamed_addresses() {
        let (a, b) = Socket::pair(Type::Stream).unwrap();
        assert_eq!(a.write(b"ping"), Ok(4));
        let mut buf = [0u8; 8];
        assert_eq!(b.peek(&mut buf), Ok(4));
        assert_eq!(b.read(&mut buf), Ok(4));
        assert_eq!(&buf[..4], b"ping");
        assert_eq!(a.local_addr(), Ok(Addr::Unix(Vec::new())));
        a.shutdown(Shutdown::Write).unwrap();
        assert_eq!(b.read(&mut buf), Ok(0));
        drop(b);
        assert_eq!(a.read(&mut buf), Ok(0));
    }
}
