//! Nonblocking sockets behind one platform-neutral API: `Socket` and its owned `Addr`.
//! avx-std's `net` types are thin async wrappers over these; one backend per OS family (Unix, Windows).

use alloc::vec::Vec;
use core::net::SocketAddr;

#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;

#[cfg(unix)]
pub use unix::Socket;
#[cfg(windows)]
pub use windows::Socket;

/// The address family of a new socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// IPv4.
    V4,
    /// IPv6.
    V6,
    /// Unix-domain (local) sockets.
    Unix,
}

impl Domain {
    /// The family an IP address needs.
    pub fn for_addr(addr: &SocketAddr) -> Domain {
        match addr {
            SocketAddr::V4(_) => Domain::V4,
            SocketAddr::V6(_) => Domain::V6,
        }
    }
}

/// The kind of socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// A connected byte stream (TCP, Unix stream).
    Stream,
    /// Datagrams (UDP, Unix datagram).
    Datagram,
}

/// Which direction `Socket::shutdown` closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shutdown {
    /// No more reads.
    Read,
    /// No more writes (sends a TCP `FIN`).
    Write,
    /// Both.
    Both,
}

/// A socket address owned by the caller: an IP address and port, or a Unix path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Addr {
    /// IPv4 or IPv6 address and port.
    Inet(SocketAddr),
    /// A Unix path as bytes (abstract names start with a 0 byte); empty for an unbound socket.
    Unix(Vec<u8>),
}

impl Addr {
    /// The IP address, if this is one.
    pub fn as_inet(&self) -> Option<SocketAddr> {
        match self {
            Addr::Inet(addr) => Some(*addr),
            Addr::Unix(_) => None,
        }
    }
}

impl From<SocketAddr> for Addr {
    fn from(addr: SocketAddr) -> Addr {
        Addr::Inet(addr)
    }
}
