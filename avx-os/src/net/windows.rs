//! `Socket` on Windows: a nonblocking, non-inheritable WinSock socket; no Unix-domain sockets
//! (`Domain::Unix` and `Addr::Unix` are `EINVAL`). Would-block results re-arm the reactor.
//!
//! The IOCP reactor emulates edge-triggered readiness, so every operation after which avx-std
//! waits for a new edge tells it to watch that direction again (`reactor::iocp::rearm`): one
//! that would block, a short stream transfer (avx-std takes it as "drained"), and a peer
//! address asked for before the connection is up.

use alloc::vec::Vec;

use avx_core::{AsSource, BorrowedSource, Interest, RawSource};

use super::{Addr, Domain, Shutdown, Type};
use crate::reactor::iocp_rearm;
use crate::sys::sockaddr::{SockAddr, SockAddrBuf, AF_INET, AF_INET6};
use crate::sys::windows::net::{self as sys, RawSocket};
use crate::sys::Errno;

/// An owned nonblocking socket; closed on drop.
#[derive(Debug)]
pub struct Socket {
    socket: RawSocket,
}

fn encode(addr: &Addr) -> Result<SockAddrBuf, Errno> {
    match addr {
        Addr::Inet(a) => Ok(SockAddrBuf::from_inet(a)),
        Addr::Unix(_) => Err(Errno::EINVAL),
    }
}

fn decode(buf: &SockAddrBuf) -> Result<Addr, Errno> {
    match buf.decode()? {
        SockAddr::Inet(a) => Ok(Addr::Inet(a)),
        SockAddr::Unix(path) => Ok(Addr::Unix(Vec::from(path))),
        SockAddr::Unnamed => Ok(Addr::Unix(Vec::new())),
    }
}

impl Socket {
    /// A new nonblocking socket.
    pub fn new(domain: Domain, ty: Type) -> Result<Socket, Errno> {
        let family = match domain {
            Domain::V4 => AF_INET,
            Domain::V6 => AF_INET6,
            Domain::Unix => return Err(Errno::EINVAL),
        };
        let ty = match ty {
            Type::Stream => sys::SOCK_STREAM,
            Type::Datagram => sys::SOCK_DGRAM,
        };
        Ok(Socket { socket: sys::socket(family, ty)? })
    }

    /// Takes ownership of an open socket, e.g. one made with std or another library. The caller
    /// makes it nonblocking first.
    ///
    /// # Safety
    /// `raw` must be an open socket that nothing else closes: this `Socket` closes it on drop.
    pub unsafe fn from_raw(raw: RawSource) -> Socket {
        Socket { socket: raw.0 }
    }

    /// Gives up ownership without closing: the caller now owns the socket.
    pub fn into_raw(self) -> RawSource {
        let raw = self.raw();
        core::mem::forget(self);
        raw
    }

    /// The socket handle's number, the key of the reactor's re-arm table.
    fn raw(&self) -> RawSource {
        RawSource(self.socket)
    }

    /// Passes `result` through; a would-block re-arms the reactor for `interest`.
    fn rearm_on_block<T>(&self, interest: Interest, result: Result<T, Errno>) -> Result<T, Errno> {
        if result.as_ref().is_err_and(|e| e.is_would_block()) {
            iocp_rearm(self.raw(), interest);
        }
        result
    }

    /// As [`Socket::rearm_on_block`] for a stream transfer of `len` bytes, also re-arming
    /// after a short one.
    fn rearm_on_short(&self, interest: Interest, len: usize, result: Result<usize, Errno>) -> Result<usize, Errno> {
        if matches!(result, Ok(n) if n > 0 && n < len) {
            iocp_rearm(self.raw(), interest);
        }
        self.rearm_on_block(interest, result)
    }

    /// Binds to `addr`.
    pub fn bind(&self, addr: &Addr) -> Result<(), Errno> {
        sys::bind(self.socket, &encode(addr)?)
    }

    /// Starts listening with room for `backlog` pending connections.
    pub fn listen(&self, backlog: i32) -> Result<(), Errno> {
        sys::listen(self.socket, backlog)
    }

    /// Accepts a pending connection as a new nonblocking socket (`EAGAIN` if none).
    pub fn accept(&self) -> Result<(Socket, Addr), Errno> {
        let (socket, addr) = self.rearm_on_block(Interest::READABLE, sys::accept(self.socket))?;
        let socket = Socket { socket };
        Ok((socket, decode(&addr)?))
    }

    /// Starts connecting; an error with [`Errno::is_in_progress`] means "wait until writable,
    /// then read [`Socket::take_error`]" (WinSock's `WSAEWOULDBLOCK` is reported that way).
    pub fn connect(&self, addr: &Addr) -> Result<(), Errno> {
        match self.rearm_on_block(Interest::WRITABLE, sys::connect(self.socket, &encode(addr)?)) {
            Err(Errno::EAGAIN) => Err(Errno::EINPROGRESS),
            other => other,
        }
    }

    /// Reads and clears the pending error (`SO_ERROR`).
    pub fn take_error(&self) -> Result<Option<Errno>, Errno> {
        let code = sys::getsockopt_int(self.socket, sys::SOL_SOCKET, sys::SO_ERROR)?;
        Ok((code != 0).then_some(Errno(code)))
    }

    /// Reads into `buf` (`Ok(0)`: the peer closed its write side).
    pub fn read(&self, buf: &mut [u8]) -> Result<usize, Errno> {
        self.rearm_on_short(Interest::READABLE, buf.len(), sys::recv(self.socket, buf, 0))
    }

    /// Writes from `buf` (connected sockets). Windows has no `SIGPIPE`.
    pub fn write(&self, buf: &[u8]) -> Result<usize, Errno> {
        self.rearm_on_short(Interest::WRITABLE, buf.len(), sys::send(self.socket, buf))
    }

    /// Reads without consuming.
    pub fn peek(&self, buf: &mut [u8]) -> Result<usize, Errno> {
        self.rearm_on_block(Interest::READABLE, sys::recv(self.socket, buf, sys::MSG_PEEK))
    }

    /// Sends a datagram to `addr`.
    pub fn send_to(&self, buf: &[u8], addr: &Addr) -> Result<usize, Errno> {
        self.rearm_on_block(Interest::WRITABLE, sys::sendto(self.socket, buf, &encode(addr)?))
    }

    /// Receives a datagram and its sender.
    pub fn recv_from(&self, buf: &mut [u8]) -> Result<(usize, Addr), Errno> {
        let (n, addr) = self.rearm_on_block(Interest::READABLE, sys::recvfrom(self.socket, buf))?;
        Ok((n, decode(&addr)?))
    }

    /// Closes one or both directions.
    pub fn shutdown(&self, how: Shutdown) -> Result<(), Errno> {
        let how = match how {
            Shutdown::Read => sys::SD_RECEIVE,
            Shutdown::Write => sys::SD_SEND,
            Shutdown::Both => sys::SD_BOTH,
        };
        sys::shutdown(self.socket, how)
    }

    /// Turns Nagle's algorithm off (`true`) or on.
    pub fn set_nodelay(&self, nodelay: bool) -> Result<(), Errno> {
        sys::setsockopt_int(self.socket, sys::IPPROTO_TCP, sys::TCP_NODELAY, i32::from(nodelay))
    }

    /// Whether Nagle's algorithm is off.
    pub fn nodelay(&self) -> Result<bool, Errno> {
        sys::getsockopt_int(self.socket, sys::IPPROTO_TCP, sys::TCP_NODELAY).map(|v| v != 0)
    }

    /// Does nothing on Windows: WinSock's `SO_REUSEADDR` means something else there (a second
    /// socket may take over a port in use), which a server must not ask for by accident.
    pub fn set_reuse_address(&self, _reuse: bool) -> Result<(), Errno> {
        Ok(())
    }

    /// The address this socket is bound to.
    pub fn local_addr(&self) -> Result<Addr, Errno> {
        decode(&sys::address(self.socket, false)?)
    }

    /// The address of the connected peer (`ENOTCONN` while a connect is still in progress).
    pub fn peer_addr(&self) -> Result<Addr, Errno> {
        match sys::address(self.socket, true) {
            Ok(addr) => decode(&addr),
            Err(Errno::ENOTCONN) => {
                iocp_rearm(self.raw(), Interest::WRITABLE);
                Err(Errno::ENOTCONN)
            }
            Err(e) => Err(e),
        }
    }
}

impl AsSource for Socket {
    fn as_source(&self) -> BorrowedSource<'_> {
        // SAFETY: the socket stays open while `self` is borrowed: only `Drop` closes it.
        unsafe { BorrowedSource::borrow_raw(self.raw()) }
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        sys::close(self.socket);
    }
}
