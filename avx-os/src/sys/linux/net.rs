//! Socket system calls: create, bind, listen, accept, connect, send/recv, options, addresses.
//! Sockets are always created `SOCK_NONBLOCK | SOCK_CLOEXEC`; nonblocking calls are not retried.

use super::sockaddr::SockAddrBuf;
use super::{arch, check, nr, retry_eintr, Errno};

/// `SOCK_STREAM`.
pub const SOCK_STREAM: i32 = 1;
/// `SOCK_DGRAM`.
pub const SOCK_DGRAM: i32 = 2;
const SOCK_NONBLOCK: i32 = 0o4000;
const SOCK_CLOEXEC: i32 = 0o2000000;

/// `SOL_SOCKET`.
pub const SOL_SOCKET: i32 = 1;
/// `SO_REUSEADDR`.
pub const SO_REUSEADDR: i32 = 2;
/// `SO_ERROR`.
pub const SO_ERROR: i32 = 4;
/// `IPPROTO_TCP`.
pub const IPPROTO_TCP: i32 = 6;
/// `TCP_NODELAY`.
pub const TCP_NODELAY: i32 = 1;
/// `IPPROTO_IPV6`.
pub const IPPROTO_IPV6: i32 = 41;
/// `IPV6_V6ONLY`.
pub const IPV6_V6ONLY: i32 = 26;
/// `MSG_PEEK`.
pub const MSG_PEEK: i32 = 2;
/// `MSG_NOSIGNAL`: no `SIGPIPE` when writing to a closed stream.
pub const MSG_NOSIGNAL: i32 = 0x4000;

/// `shutdown(2)` directions.
pub const SHUT_RD: i32 = 0;
/// Shut the write side.
pub const SHUT_WR: i32 = 1;
/// Shut both sides.
pub const SHUT_RDWR: i32 = 2;

/// `socket(2)` with `SOCK_NONBLOCK | SOCK_CLOEXEC` added to `ty`.
pub(crate) fn socket(family: u16, ty: i32, protocol: i32) -> Result<usize, Errno> {
    let ty = (ty | SOCK_NONBLOCK | SOCK_CLOEXEC) as usize;
    // SAFETY: no pointer arguments.
    check(unsafe { arch::syscall3(nr::SOCKET, family as usize, ty, protocol as usize) })
}

/// `socketpair(2)` (nonblocking, close-on-exec).
pub(crate) fn socketpair(family: u16, ty: i32) -> Result<[i32; 2], Errno> {
    let mut fds = [0i32; 2];
    let ty = (ty | SOCK_NONBLOCK | SOCK_CLOEXEC) as usize;
    // SAFETY: `fds` is a writable int[2].
    check(unsafe { arch::syscall4(nr::SOCKETPAIR, family as usize, ty, 0, fds.as_mut_ptr() as usize) })?;
    Ok(fds)
}

/// `bind(2)`.
pub(crate) fn bind(fd: i32, addr: &SockAddrBuf) -> Result<usize, Errno> {
    // SAFETY: `addr.bytes` holds `addr.len` (<= 128) initialised bytes.
    check(unsafe { arch::syscall3(nr::BIND, fd as usize, addr.bytes.as_ptr() as usize, addr.len as usize) })
}

/// `listen(2)`.
pub(crate) fn listen(fd: i32, backlog: i32) -> Result<usize, Errno> {
    // SAFETY: no pointer arguments.
    check(unsafe { arch::syscall2(nr::LISTEN, fd as usize, backlog as usize) })
}

/// `accept4(2)` with `SOCK_NONBLOCK | SOCK_CLOEXEC`; returns the new fd and the peer address.
/// Retried on `EINTR`; `EAGAIN` means "wait for readiness".
pub(crate) fn accept4(fd: i32) -> Result<(i32, SockAddrBuf), Errno> {
    let mut addr = SockAddrBuf::default();
    let new = retry_eintr(|| {
        addr.len = addr.bytes.len() as u32;
        // SAFETY: `addr.bytes` is writable for `addr.len` bytes and `addr.len` is a writable u32.
        check(unsafe {
            arch::syscall4(
                nr::ACCEPT4,
                fd as usize,
                addr.bytes.as_mut_ptr() as usize,
                &mut addr.len as *mut u32 as usize,
                (SOCK_NONBLOCK | SOCK_CLOEXEC) as usize,
            )
        })
    })?;
    Ok((new as i32, addr))
}

/// `connect(2)`. On a nonblocking socket `EINPROGRESS` means "wait for writability, then read
/// `SO_ERROR`". `EINTR` is mapped to `EINPROGRESS` (the connect continues in the background).
pub(crate) fn connect(fd: i32, addr: &SockAddrBuf) -> Result<usize, Errno> {
    // SAFETY: `addr.bytes` holds `addr.len` initialised bytes.
    let r = check(unsafe { arch::syscall3(nr::CONNECT, fd as usize, addr.bytes.as_ptr() as usize, addr.len as usize) });
    match r {
        Err(Errno::EINTR) => Err(Errno::EINPROGRESS),
        other => other,
    }
}

fn name_call(n: usize, fd: i32) -> Result<SockAddrBuf, Errno> {
    let mut addr = SockAddrBuf::default();
    // SAFETY: `addr.bytes` is writable for `addr.len` bytes and `addr.len` is a writable u32.
    check(unsafe {
        arch::syscall3(n, fd as usize, addr.bytes.as_mut_ptr() as usize, &mut addr.len as *mut u32 as usize)
    })?;
    Ok(addr)
}

/// `getsockname(2)`.
pub(crate) fn getsockname(fd: i32) -> Result<SockAddrBuf, Errno> {
    name_call(nr::GETSOCKNAME, fd)
}

/// `getpeername(2)`.
pub(crate) fn getpeername(fd: i32) -> Result<SockAddrBuf, Errno> {
    name_call(nr::GETPEERNAME, fd)
}

/// `setsockopt(2)` with an `int` value.
pub(crate) fn setsockopt_int(fd: i32, level: i32, name: i32, value: i32) -> Result<usize, Errno> {
    // SAFETY: `value` is a readable int of the length passed.
    check(unsafe {
        arch::syscall5(nr::SETSOCKOPT, fd as usize, level as usize, name as usize, &value as *const i32 as usize, 4)
    })
}

/// `getsockopt(2)` for an `int` value.
pub(crate) fn getsockopt_int(fd: i32, level: i32, name: i32) -> Result<i32, Errno> {
    let mut value = 0i32;
    let mut len = 4u32;
    // SAFETY: `value` is a writable int and `len` a writable u32 holding its size.
    check(unsafe {
        arch::syscall5(
            nr::GETSOCKOPT,
            fd as usize,
            level as usize,
            name as usize,
            &mut value as *mut i32 as usize,
            &mut len as *mut u32 as usize,
        )
    })?;
    Ok(value)
}

/// `shutdown(2)`.
pub(crate) fn shutdown(fd: i32, how: i32) -> Result<usize, Errno> {
    // SAFETY: no pointer arguments.
    check(unsafe { arch::syscall2(nr::SHUTDOWN, fd as usize, how as usize) })
}

/// `sendto(2)`; `addr` `None` for a connected socket. `MSG_NOSIGNAL` is always added.
pub(crate) fn sendto(fd: i32, buf: &[u8], flags: i32, addr: Option<&SockAddrBuf>) -> Result<usize, Errno> {
    let (ap, al) = addr.map_or((0, 0), |a| (a.bytes.as_ptr() as usize, a.len as usize));
    retry_eintr(|| {
        // SAFETY: `buf` is readable for its length; `ap` is null or points at `al` bytes.
        check(unsafe {
            arch::syscall6(
                nr::SENDTO,
                fd as usize,
                buf.as_ptr() as usize,
                buf.len(),
                (flags | MSG_NOSIGNAL) as usize,
                ap,
                al,
            )
        })
    })
}

/// `recvfrom(2)`: returns the byte count and the sender address (`len` 0 if none was given).
/// Use `flags = MSG_PEEK` to peek.
pub(crate) fn recvfrom(fd: i32, buf: &mut [u8], flags: i32) -> Result<(usize, SockAddrBuf), Errno> {
    let mut addr = SockAddrBuf::default();
    let n = retry_eintr(|| {
        addr.len = addr.bytes.len() as u32;
        // SAFETY: `buf` is writable for its length; `addr` as in accept4.
        check(unsafe {
            arch::syscall6(
                nr::RECVFROM,
                fd as usize,
                buf.as_mut_ptr() as usize,
                buf.len(),
                flags as usize,
                addr.bytes.as_mut_ptr() as usize,
                &mut addr.len as *mut u32 as usize,
            )
        })
    })?;
    Ok((n, addr))
}

/// `recv(2)` (a `recvfrom` without the address), e.g. with `MSG_PEEK`.
pub(crate) fn recv(fd: i32, buf: &mut [u8], flags: i32) -> Result<usize, Errno> {
    retry_eintr(|| {
        // SAFETY: `buf` is writable for its length; null address pointers are allowed.
        check(unsafe {
            arch::syscall6(nr::RECVFROM, fd as usize, buf.as_mut_ptr() as usize, buf.len(), flags as usize, 0, 0)
        })
    })
}

/// `RLIMIT_NOFILE`, for [`prlimit`].
pub const RLIMIT_NOFILE: u32 = 7;

/// The kernel's `struct rlimit64`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rlimit {
    /// Soft limit.
    pub cur: u64,
    /// Hard limit.
    pub max: u64,
}

/// `prlimit64(2)` on the calling process: sets `new` if given, returns the old limit.
pub fn prlimit(resource: u32, new: Option<&Rlimit>) -> Result<Rlimit, Errno> {
    let mut old = Rlimit::default();
    let np = new.map_or(0, |r| r as *const Rlimit as usize);
    // SAFETY: `np` is null or a readable rlimit64; `old` is writable.
    check(unsafe { arch::syscall4(nr::PRLIMIT64, 0, resource as usize, np, &mut old as *mut Rlimit as usize) })?;
    Ok(old)
}

/// The kernel's `struct iovec`, layout-compatible with `std::io::IoSlice`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct IoVec {
    /// Start of the buffer.
    pub base: *mut u8,
    /// Its length.
    pub len: usize,
}

/// `readv(2)`.
///
/// # Safety
/// `fd` must be an open descriptor the caller owns or borrows from its owner, and every
/// `IoVec` must describe memory writable for its length for the duration of the call.
pub unsafe fn readv(fd: i32, iov: &[IoVec]) -> Result<usize, Errno> {
    retry_eintr(|| {
        // SAFETY: the caller guarantees every iovec is writable.
        check(unsafe { arch::syscall3(nr::READV, fd as usize, iov.as_ptr() as usize, iov.len()) })
    })
}

/// `writev(2)`.
///
/// # Safety
/// `fd` must be an open descriptor the caller owns or borrows from its owner, and every
/// `IoVec` must describe memory readable for its length for the duration of the call.
pub unsafe fn writev(fd: i32, iov: &[IoVec]) -> Result<usize, Errno> {
    retry_eintr(|| {
        // SAFETY: the caller guarantees every iovec is readable.
        check(unsafe { arch::syscall3(nr::WRITEV, fd as usize, iov.as_ptr() as usize, iov.len()) })
    })
}

#[cfg(test)]
mod tests {
    use super::super::sockaddr::{SockAddr, AF_INET, AF_UNIX};
    use super::super::{close, read, write};
    use super::*;

    #[test]
    fn tcp_loopback_connect_refused_and_accept() {
        let l = socket(AF_INET, SOCK_STREAM, 0).unwrap() as i32;
        setsockopt_int(l, SOL_SOCKET, SO_REUSEADDR, 1).unwrap();
        bind(l, &SockAddrBuf::from_inet(&"127.0.0.1:0".parse().unwrap())).unwrap();
        listen(l, 16).unwrap();
        let local = getsockname(l).unwrap();
        let SockAddr::Inet(addr) = local.decode().unwrap() else { panic!("not inet") };
        assert_ne!(addr.port(), 0);
        assert_eq!(accept4(l).err(), Some(Errno::EAGAIN));
        let c = socket(AF_INET, SOCK_STREAM, 0).unwrap() as i32;
        match connect(c, &local) {
            Ok(_) | Err(Errno::EINPROGRESS) => {}
            Err(e) => panic!("connect: {e}"),
        }
        setsockopt_int(c, IPPROTO_TCP, TCP_NODELAY, 1).unwrap();
        assert_eq!(getsockopt_int(c, IPPROTO_TCP, TCP_NODELAY).unwrap(), 1);
        close(c).unwrap();
        close(l).unwrap();
    }

    #[test]
    fn socketpair_peek_then_read_and_shutdown_gives_eof() {
        let [a, b] = socketpair(AF_UNIX, SOCK_STREAM).unwrap();
        assert_eq!(sendto(a, b"hello", 0, None), Ok(5));
        let mut buf = [0u8; 8];
        assert_eq!(recv(b, &mut buf, MSG_PEEK), Ok(5));
        assert_eq!(read(b, &mut buf), Ok(5));
        assert_eq!(&buf[..5], b"hello");
        shutdown(a, SHUT_WR).unwrap();
        assert_eq!(read(b, &mut buf), Ok(0));
        assert_eq!(write(b, b"x").map(|_| ()), Ok(()));
        close(a).unwrap();
        close(b).unwrap();
    }

    #[test]
    fn udp_round_trip_reports_the_sender() {
        let any = SockAddrBuf::from_inet(&"127.0.0.1:0".parse().unwrap());
        let s = socket(AF_INET, SOCK_DGRAM, 0).unwrap() as i32;
        let r = socket(AF_INET, SOCK_DGRAM, 0).unwrap() as i32;
        bind(s, &any).unwrap();
        bind(r, &any).unwrap();
        let raddr = getsockname(r).unwrap();
        assert_eq!(sendto(s, b"ping", 0, Some(&raddr)), Ok(4));
        let mut buf = [0u8; 16];
        let (n, from) = recvfrom(r, &mut buf, 0).unwrap();
        assert_eq!(&buf[..n], b"ping");
        assert_eq!(from.decode(), getsockname(s).unwrap().decode());
        close(s).unwrap();
        close(r).unwrap();
    }

    #[test]
    fn nofile_limit_can_be_read() {
        let lim = prlimit(RLIMIT_NOFILE, None).unwrap();
        assert!(lim.cur <= lim.max);
    }
}
