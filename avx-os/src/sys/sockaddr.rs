//! Encoding `core::net` addresses and Unix paths into the OS's `sockaddr_*` bytes and back.
//! `SockAddrBuf` is big enough for any family (it mirrors `sockaddr_storage`).
//!
//! The layouts agree everywhere but in the header: Linux and Windows start with a 16-bit
//! family, the BSDs with a length byte and a family byte. Only Linux has abstract names.

use core::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use super::Errno;

/// `AF_UNIX`.
pub const AF_UNIX: u16 = 1;
/// `AF_INET`.
pub const AF_INET: u16 = 2;
/// `AF_INET6`.
#[cfg(target_os = "linux")]
pub const AF_INET6: u16 = 10;
/// `AF_INET6`.
#[cfg(target_os = "macos")]
pub const AF_INET6: u16 = 30;
/// `AF_INET6`.
#[cfg(target_os = "freebsd")]
pub const AF_INET6: u16 = 28;
/// `AF_INET6`.
#[cfg(windows)]
pub const AF_INET6: u16 = 23;

#[cfg(any(target_os = "macos", target_os = "freebsd"))]
const SUN_PATH_LEN: usize = 104;
#[cfg(not(any(target_os = "macos", target_os = "freebsd")))]
const SUN_PATH_LEN: usize = 108;
/// Whether a path starting with a 0 byte names an abstract socket.
const ABSTRACT_NAMES: bool = cfg!(target_os = "linux");
const BSD_HEADER: bool = cfg!(any(target_os = "macos", target_os = "freebsd"));

/// Writes the family header of an address `len` bytes long.
fn write_header(bytes: &mut [u8], family: u16, len: usize) {
    if BSD_HEADER {
        bytes[0] = len as u8;
        bytes[1] = family as u8;
    } else {
        bytes[0..2].copy_from_slice(&family.to_ne_bytes());
    }
}

fn read_family(bytes: &[u8]) -> u16 {
    if BSD_HEADER {
        u16::from(bytes[1])
    } else {
        u16::from_ne_bytes([bytes[0], bytes[1]])
    }
}

/// Storage for any socket address, with the length the kernel uses.
#[repr(C, align(8))]
#[derive(Clone, Copy)]
pub struct SockAddrBuf {
    /// Raw bytes in kernel layout.
    pub bytes: [u8; 128],
    /// How many bytes are meaningful.
    pub len: u32,
}

impl Default for SockAddrBuf {
    fn default() -> Self {
        SockAddrBuf { bytes: [0; 128], len: 128 }
    }
}

/// A decoded socket address: IP or Unix path (`Unnamed` for an unbound Unix socket).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SockAddr<'a> {
    /// IPv4 or IPv6.
    Inet(SocketAddr),
    /// A Unix path (bytes without the trailing NUL); abstract names start with a 0 byte.
    Unix(&'a [u8]),
    /// An unbound Unix socket.
    Unnamed,
}

impl SockAddrBuf {
    /// Encodes an IP socket address (`sockaddr_in` / `sockaddr_in6`, ports in network order).
    pub fn from_inet(addr: &SocketAddr) -> SockAddrBuf {
        let mut b = SockAddrBuf::default();
        match addr {
            SocketAddr::V4(a) => {
                write_header(&mut b.bytes, AF_INET, 16);
                b.bytes[2..4].copy_from_slice(&a.port().to_be_bytes());
                b.bytes[4..8].copy_from_slice(&a.ip().octets());
                b.len = 16;
            }
            SocketAddr::V6(a) => {
                write_header(&mut b.bytes, AF_INET6, 28);
                b.bytes[2..4].copy_from_slice(&a.port().to_be_bytes());
                b.bytes[4..8].copy_from_slice(&a.flowinfo().to_be_bytes());
                b.bytes[8..24].copy_from_slice(&a.ip().octets());
                b.bytes[24..28].copy_from_slice(&a.scope_id().to_ne_bytes());
                b.len = 28;
            }
        }
        b
    }

    /// Encodes a Unix path; `EINVAL` if it does not fit or contains a NUL (abstract names,
    /// on Linux, start with a 0 byte and may contain NULs after it).
    pub fn from_unix_path(path: &[u8]) -> Result<SockAddrBuf, Errno> {
        let abstract_name = ABSTRACT_NAMES && path.first() == Some(&0);
        if path.len() >= SUN_PATH_LEN || (!abstract_name && path.contains(&0)) {
            return Err(Errno::EINVAL);
        }
        let mut b = SockAddrBuf::default();
        let len = 2 + path.len() + usize::from(!abstract_name);
        write_header(&mut b.bytes, AF_UNIX, len);
        b.bytes[2..2 + path.len()].copy_from_slice(path);
        b.len = len as u32;
        Ok(b)
    }

    /// Decodes what the kernel wrote; `EINVAL` for an unknown family or short length.
    pub fn decode(&self) -> Result<SockAddr<'_>, Errno> {
        let len = (self.len as usize).min(self.bytes.len());
        if len < 2 {
            return if len == 0 { Ok(SockAddr::Unnamed) } else { Err(Errno::EINVAL) };
        }
        let family = read_family(&self.bytes);
        let port = u16::from_be_bytes([self.bytes[2], self.bytes[3]]);
        match family {
            AF_INET if len >= 16 => {
                let ip = Ipv4Addr::new(self.bytes[4], self.bytes[5], self.bytes[6], self.bytes[7]);
                Ok(SockAddr::Inet(SocketAddr::V4(SocketAddrV4::new(ip, port))))
            }
            AF_INET6 if len >= 28 => {
                let mut ip = [0u8; 16];
                ip.copy_from_slice(&self.bytes[8..24]);
                let flow = u32::from_be_bytes([self.bytes[4], self.bytes[5], self.bytes[6], self.bytes[7]]);
                let scope = u32::from_ne_bytes([self.bytes[24], self.bytes[25], self.bytes[26], self.bytes[27]]);
                Ok(SockAddr::Inet(SocketAddr::V6(SocketAddrV6::new(Ipv6Addr::from(ip), port, flow, scope))))
            }
            AF_UNIX => {
                let path = &self.bytes[2..len];
                let path = if ABSTRACT_NAMES && path.first() == Some(&0) {
                    path
                } else {
                    // BSDs report an unbound socket as an all-zero path.
                    let end = path.iter().position(|&c| c == 0).unwrap_or(path.len());
                    &path[..end]
                };
                Ok(if path.is_empty() { SockAddr::Unnamed } else { SockAddr::Unix(path) })
            }
            _ => Err(Errno::EINVAL),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_round_trips_with_port_in_network_order() {
        let a: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let b = SockAddrBuf::from_inet(&a);
        assert_eq!(b.len, 16);
        assert_eq!(&b.bytes[2..8], &[0x1f, 0x90, 127, 0, 0, 1]);
        assert_eq!(b.decode(), Ok(SockAddr::Inet(a)));
    }

    #[test]
    fn ipv6_round_trips_with_flow_and_scope() {
        let a = SocketAddr::V6(SocketAddrV6::new("fe80::1".parse().unwrap(), 443, 7, 3));
        let b = SockAddrBuf::from_inet(&a);
        assert_eq!(b.len, 28);
        assert_eq!(b.decode(), Ok(SockAddr::Inet(a)));
    }

    #[test]
    fn unix_paths_round_trip_and_bad_ones_are_rejected() {
        let b = SockAddrBuf::from_unix_path(b"/tmp/x.sock").unwrap();
        assert_eq!(b.len, 2 + 11 + 1);
        assert_eq!(b.decode(), Ok(SockAddr::Unix(b"/tmp/x.sock")));
        if ABSTRACT_NAMES {
            let abs = SockAddrBuf::from_unix_path(b"\0name").unwrap();
            assert_eq!(abs.decode(), Ok(SockAddr::Unix(b"\0name")));
        }
        assert_eq!(SockAddrBuf::from_unix_path(b"a\0b").err(), Some(Errno::EINVAL));
        assert_eq!(SockAddrBuf::from_unix_path(&[b'a'; 200]).err(), Some(Errno::EINVAL));
        let mut bytes = [0u8; 128];
        write_header(&mut bytes, AF_UNIX, 2);
        let unnamed = SockAddrBuf { bytes, len: 2 };
        assert_eq!(unnamed.decode(), Ok(SockAddr::Unnamed));
    }
}
