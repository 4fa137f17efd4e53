//! Socket calls through the C library, with the same names and signatures as Linux's
//! `sys::linux::net` so that `net::unix` serves both. Every socket is nonblocking and
//! close-on-exec; on macOS it also has `SO_NOSIGPIPE`, on FreeBSD writes pass `MSG_NOSIGNAL`.
//!
//! macOS has no `SOCK_NONBLOCK`/`SOCK_CLOEXEC`/`accept4`: the flags are set with `fcntl` right
//! after creation, so a `fork`+`exec` racing on another thread could inherit the descriptor.

use core::ffi::{c_int, c_void};

use super::{check, close, retry_eintr, Errno};
use crate::sys::sockaddr::SockAddrBuf;

/// `SOCK_STREAM`.
pub const SOCK_STREAM: i32 = 1;
/// `SOCK_DGRAM`.
pub const SOCK_DGRAM: i32 = 2;
/// `SOL_SOCKET`.
pub const SOL_SOCKET: i32 = 0xffff;
/// `SO_REUSEADDR`.
pub const SO_REUSEADDR: i32 = 0x0004;
/// `SO_ERROR`.
pub const SO_ERROR: i32 = 0x1007;
/// `IPPROTO_TCP`.
pub const IPPROTO_TCP: i32 = 6;
/// `TCP_NODELAY`.
pub const TCP_NODELAY: i32 = 1;
/// `MSG_PEEK`.
pub const MSG_PEEK: i32 = 2;
/// `SHUT_RD`.
pub const SHUT_RD: i32 = 0;
/// `SHUT_WR`.
pub const SHUT_WR: i32 = 1;
/// `SHUT_RDWR`.
pub const SHUT_RDWR: i32 = 2;

#[cfg(target_os = "freebsd")]
const SOCK_NONBLOCK: i32 = 0x2000_0000;
#[cfg(target_os = "freebsd")]
const SOCK_CLOEXEC: i32 = 0x1000_0000;
#[cfg(target_os = "freebsd")]
const MSG_NOSIGNAL: i32 = 0x0002_0000;
#[cfg(target_os = "macos")]
const MSG_NOSIGNAL: i32 = 0;

extern "C" {
    #[link_name = "socket"]
    fn c_socket(domain: c_int, ty: c_int, protocol: c_int) -> c_int;
    #[link_name = "socketpair"]
    fn c_socketpair(domain: c_int, ty: c_int, protocol: c_int, fds: *mut c_int) -> c_int;
    #[link_name = "bind"]
    fn c_bind(fd: c_int, addr: *const u8, len: u32) -> c_int;
    #[link_name = "listen"]
    fn c_listen(fd: c_int, backlog: c_int) -> c_int;
    #[cfg(target_os = "macos")]
    #[link_name = "accept"]
    fn c_accept(fd: c_int, addr: *mut u8, len: *mut u32) -> c_int;
    #[cfg(target_os = "freebsd")]
    #[link_name = "accept4"]
    fn c_accept4(fd: c_int, addr: *mut u8, len: *mut u32, flags: c_int) -> c_int;
    #[link_name = "connect"]
    fn c_connect(fd: c_int, addr: *const u8, len: u32) -> c_int;
    #[link_name = "getsockname"]
    fn c_getsockname(fd: c_int, addr: *mut u8, len: *mut u32) -> c_int;
    #[link_name = "getpeername"]
    fn c_getpeername(fd: c_int, addr: *mut u8, len: *mut u32) -> c_int;
    #[link_name = "setsockopt"]
    fn c_setsockopt(fd: c_int, level: c_int, name: c_int, value: *const c_void, len: u32) -> c_int;
    #[link_name = "getsockopt"]
    fn c_getsockopt(fd: c_int, level: c_int, name: c_int, value: *mut c_void, len: *mut u32) -> c_int;
    #[link_name = "shutdown"]
    fn c_shutdown(fd: c_int, how: c_int) -> c_int;
    #[link_name = "sendto"]
    fn c_sendto(fd: c_int, buf: *const u8, len: usize, flags: c_int, addr: *const u8, addr_len: u32) -> isize;
    #[link_name = "recvfrom"]
    fn c_recvfrom(fd: c_int, buf: *mut u8, len: usize, flags: c_int, addr: *mut u8, addr_len: *mut u32) -> isize;
}

/// Creation flags for `socket`/`socketpair`: atomic on FreeBSD.
#[cfg(target_os = "freebsd")]
fn creation_flags(ty: i32) -> i32 {
    ty | SOCK_NONBLOCK | SOCK_CLOEXEC
}

/// Creation flags for `socket`/`socketpair`: none on macOS, see [`prepare`].
#[cfg(target_os = "macos")]
fn creation_flags(ty: i32) -> i32 {
    ty
}

/// Makes a new descriptor nonblocking, close-on-exec and `SIGPIPE`-free (macOS), closing it
/// on failure.
#[cfg(target_os = "macos")]
fn prepare(fd: i32) -> Result<i32, Errno> {
    const SO_NOSIGPIPE: i32 = 0x1022;
    let setup = || -> Result<(), Errno> {
        super::set_cloexec_nonblocking(fd)?;
        setsockopt_int(fd, SOL_SOCKET, SO_NOSIGPIPE, 1).map(drop)
    };
    match setup() {
        Ok(()) => Ok(fd),
        Err(e) => {
            let _ = close(fd);
            Err(e)
        }
    }
}

/// Nothing to do on FreeBSD: the flags were given at creation.
#[cfg(target_os = "freebsd")]
fn prepare(fd: i32) -> Result<i32, Errno> {
    Ok(fd)
}

/// `socket(2)`, nonblocking and close-on-exec.
pub(crate) fn socket(family: u16, ty: i32, protocol: i32) -> Result<usize, Errno> {
    // SAFETY: no pointer arguments.
    let fd = check(unsafe { c_socket(c_int::from(family), creation_flags(ty), protocol) } as isize)?;
    prepare(fd as i32).map(|fd| fd as usize)
}

/// `socketpair(2)` (nonblocking, close-on-exec).
pub(crate) fn socketpair(family: u16, ty: i32) -> Result<[i32; 2], Errno> {
    let mut fds = [0i32; 2];
    // SAFETY: `fds` is a writable int[2].
    check(unsafe { c_socketpair(c_int::from(family), creation_flags(ty), 0, fds.as_mut_ptr()) } as isize)?;
    let a = prepare(fds[0]).inspect_err(|_| {
        let _ = close(fds[1]);
    })?;
    let b = prepare(fds[1]).inspect_err(|_| {
        let _ = close(a);
    })?;
    Ok([a, b])
}

/// `bind(2)`.
pub(crate) fn bind(fd: i32, addr: &SockAddrBuf) -> Result<usize, Errno> {
    // SAFETY: `addr.bytes` holds `addr.len` (<= 128) initialised bytes.
    check(unsafe { c_bind(fd, addr.bytes.as_ptr(), addr.len) } as isize)
}

/// `listen(2)`.
pub(crate) fn listen(fd: i32, backlog: i32) -> Result<usize, Errno> {
    // SAFETY: no pointer arguments.
    check(unsafe { c_listen(fd, backlog) } as isize)
}

/// Accepts a connection as a nonblocking, close-on-exec socket; returns it and the peer
/// address. Retried on `EINTR`; `EAGAIN` means "wait for readiness".
pub(crate) fn accept4(fd: i32) -> Result<(i32, SockAddrBuf), Errno> {
    let mut addr = SockAddrBuf::default();
    let new = retry_eintr(|| {
        addr.len = addr.bytes.len() as u32;
        let (buf, len) = (addr.bytes.as_mut_ptr(), &mut addr.len as *mut u32);
        // SAFETY: `buf` is writable for `len` bytes and `len` is a writable u32.
        #[cfg(target_os = "freebsd")]
        let r = unsafe { c_accept4(fd, buf, len, SOCK_NONBLOCK | SOCK_CLOEXEC) };
        // SAFETY: as above.
        #[cfg(target_os = "macos")]
        let r = unsafe { c_accept(fd, buf, len) };
        check(r as isize)
    })?;
    Ok((prepare(new as i32)?, addr))
}

/// `connect(2)`. `EINPROGRESS` means "wait for writability, then read `SO_ERROR`"; `EINTR`
/// is mapped to `EINPROGRESS` (the connect continues in the background).
pub(crate) fn connect(fd: i32, addr: &SockAddrBuf) -> Result<usize, Errno> {
    // SAFETY: `addr.bytes` holds `addr.len` initialised bytes.
    match check(unsafe { c_connect(fd, addr.bytes.as_ptr(), addr.len) } as isize) {
        Err(Errno::EINTR) => Err(Errno::EINPROGRESS),
        other => other,
    }
}

/// `getsockname(2)`.
pub(crate) fn getsockname(fd: i32) -> Result<SockAddrBuf, Errno> {
    let mut addr = SockAddrBuf::default();
    // SAFETY: `addr.bytes` is writable for `addr.len` bytes and `addr.len` is a writable u32.
    check(unsafe { c_getsockname(fd, addr.bytes.as_mut_ptr(), &mut addr.len) } as isize)?;
    Ok(addr)
}

/// `getpeername(2)`.
pub(crate) fn getpeername(fd: i32) -> Result<SockAddrBuf, Errno> {
    let mut addr = SockAddrBuf::default();
    // SAFETY: as in `getsockname`.
    check(unsafe { c_getpeername(fd, addr.bytes.as_mut_ptr(), &mut addr.len) } as isize)?;
    Ok(addr)
}

/// `setsockopt(2)` with an `int` value.
pub(crate) fn setsockopt_int(fd: i32, level: i32, name: i32, value: i32) -> Result<usize, Errno> {
    // SAFETY: `value` is a readable int of the length passed.
    check(unsafe { c_setsockopt(fd, level, name, (&value as *const i32).cast(), 4) } as isize)
}

/// `getsockopt(2)` for an `int` value.
pub(crate) fn getsockopt_int(fd: i32, level: i32, name: i32) -> Result<i32, Errno> {
    let mut value = 0i32;
    let mut len = 4u32;
    // SAFETY: `value` is a writable int and `len` a writable u32 holding its size.
    check(unsafe { c_getsockopt(fd, level, name, (&mut value as *mut i32).cast(), &mut len) } as isize)?;
    Ok(value)
}

/// `shutdown(2)`.
pub(crate) fn shutdown(fd: i32, how: i32) -> Result<usize, Errno> {
    // SAFETY: no pointer arguments.
    check(unsafe { c_shutdown(fd, how) } as isize)
}

/// `sendto(2)`; `addr` `None` for a connected socket. `MSG_NOSIGNAL` is added on FreeBSD.
pub(crate) fn sendto(fd: i32, buf: &[u8], flags: i32, addr: Option<&SockAddrBuf>) -> Result<usize, Errno> {
    let (ap, al) = addr.map_or((core::ptr::null(), 0), |a| (a.bytes.as_ptr(), a.len));
    // SAFETY: `buf` is readable for its length; `ap` is null or points at `al` bytes.
    retry_eintr(|| check(unsafe { c_sendto(fd, buf.as_ptr(), buf.len(), flags | MSG_NOSIGNAL, ap, al) }))
}

/// `recvfrom(2)`: returns the byte count and the sender address (`len` 0 if none was given).
pub(crate) fn recvfrom(fd: i32, buf: &mut [u8], flags: i32) -> Result<(usize, SockAddrBuf), Errno> {
    let mut addr = SockAddrBuf::default();
    let n = retry_eintr(|| {
        addr.len = addr.bytes.len() as u32;
        // SAFETY: `buf` is writable for its length; `addr` as in `accept4`.
        check(unsafe { c_recvfrom(fd, buf.as_mut_ptr(), buf.len(), flags, addr.bytes.as_mut_ptr(), &mut addr.len) })
    })?;
    Ok((n, addr))
}

/// `recv(2)` (a `recvfrom` without the address), e.g. with `MSG_PEEK`.
pub(crate) fn recv(fd: i32, buf: &mut [u8], flags: i32) -> Result<usize, Errno> {
    let (null, no_len) = (core::ptr::null_mut(), core::ptr::null_mut());
    // SAFETY: `buf` is writable for its length; null address pointers are allowed.
    retry_eintr(|| check(unsafe { c_recvfrom(fd, buf.as_mut_ptr(), buf.len(), flags, null, no_len) }))
}
