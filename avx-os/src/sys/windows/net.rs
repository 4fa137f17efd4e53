//! WinSock (ws2_32) calls for `net::windows`: startup, socket creation (not inheritable,
//! nonblocking through `FIONBIO`), addresses, options and data transfer. Errors: `WSAGetLastError`.

use core::ffi::{c_int, c_void};
use core::ptr;

use super::Errno;
use crate::sys::sockaddr::SockAddrBuf;

/// A WinSock socket handle.
pub type RawSocket = usize;
const INVALID_SOCKET: RawSocket = usize::MAX;
const SOCKET_ERROR: c_int = -1;

/// `SOCK_STREAM`.
pub const SOCK_STREAM: c_int = 1;
/// `SOCK_DGRAM`.
pub const SOCK_DGRAM: c_int = 2;
/// `SOL_SOCKET`.
pub const SOL_SOCKET: c_int = 0xffff;
/// `SO_ERROR`.
pub const SO_ERROR: c_int = 0x1007;
/// `IPPROTO_TCP`.
pub const IPPROTO_TCP: c_int = 6;
/// `TCP_NODELAY`.
pub const TCP_NODELAY: c_int = 1;
/// `MSG_PEEK`.
pub const MSG_PEEK: c_int = 2;
/// `SD_RECEIVE`.
pub const SD_RECEIVE: c_int = 0;
/// `SD_SEND`.
pub const SD_SEND: c_int = 1;
/// `SD_BOTH`.
pub const SD_BOTH: c_int = 2;

const FIONBIO: i32 = 0x8004_667e_u32 as i32;
const WSA_FLAG_OVERLAPPED: u32 = 0x01;
const WSA_FLAG_NO_HANDLE_INHERIT: u32 = 0x80;

/// `WSADATA`, large enough for either layout (it is only written, never read).
#[repr(C, align(8))]
struct WsaData([u8; 512]);

#[link(name = "ws2_32")]
extern "system" {
    fn WSAStartup(version: u16, data: *mut WsaData) -> c_int;
    fn WSAGetLastError() -> c_int;
    fn WSASocketW(af: c_int, ty: c_int, protocol: c_int, info: *const c_void, group: u32, flags: u32) -> RawSocket;
    fn ioctlsocket(s: RawSocket, cmd: i32, arg: *mut u32) -> c_int;
    fn closesocket(s: RawSocket) -> c_int;
    #[link_name = "bind"]
    fn ws_bind(s: RawSocket, addr: *const u8, len: c_int) -> c_int;
    #[link_name = "listen"]
    fn ws_listen(s: RawSocket, backlog: c_int) -> c_int;
    #[link_name = "accept"]
    fn ws_accept(s: RawSocket, addr: *mut u8, len: *mut c_int) -> RawSocket;
    #[link_name = "connect"]
    fn ws_connect(s: RawSocket, addr: *const u8, len: c_int) -> c_int;
    #[link_name = "getsockname"]
    fn ws_getsockname(s: RawSocket, addr: *mut u8, len: *mut c_int) -> c_int;
    #[link_name = "getpeername"]
    fn ws_getpeername(s: RawSocket, addr: *mut u8, len: *mut c_int) -> c_int;
    #[link_name = "setsockopt"]
    fn ws_setsockopt(s: RawSocket, level: c_int, name: c_int, value: *const u8, len: c_int) -> c_int;
    #[link_name = "getsockopt"]
    fn ws_getsockopt(s: RawSocket, level: c_int, name: c_int, value: *mut u8, len: *mut c_int) -> c_int;
    #[link_name = "shutdown"]
    fn ws_shutdown(s: RawSocket, how: c_int) -> c_int;
    #[link_name = "send"]
    fn ws_send(s: RawSocket, buf: *const u8, len: c_int, flags: c_int) -> c_int;
    #[link_name = "recv"]
    fn ws_recv(s: RawSocket, buf: *mut u8, len: c_int, flags: c_int) -> c_int;
    #[link_name = "sendto"]
    fn ws_sendto(s: RawSocket, buf: *const u8, len: c_int, flags: c_int, to: *const u8, to_len: c_int) -> c_int;
    #[link_name = "recvfrom"]
    fn ws_recvfrom(s: RawSocket, buf: *mut u8, len: c_int, flags: c_int, from: *mut u8, from_len: *mut c_int) -> c_int;
}

fn last_error() -> Errno {
    // SAFETY: no arguments; reads thread-local state.
    Errno(unsafe { WSAGetLastError() })
}

/// `Ok` for a non-negative result, the WinSock error otherwise.
fn check(ret: c_int) -> Result<usize, Errno> {
    if ret == SOCKET_ERROR {
        Err(last_error())
    } else {
        Ok(ret as usize)
    }
}

/// A buffer length as WinSock's `int` (longer buffers are used in part, as a short transfer).
fn len(buf: &[u8]) -> c_int {
    c_int::try_from(buf.len()).unwrap_or(c_int::MAX)
}

/// Starts WinSock 2.2 once per process (it is never shut down).
fn startup() -> Result<(), Errno> {
    static STARTED: spin::Once<Result<(), Errno>> = spin::Once::new();
    *STARTED.call_once(|| {
        let mut data = WsaData([0; 512]);
        // SAFETY: `data` is writable and larger than `WSADATA`.
        match unsafe { WSAStartup(0x0202, &mut data) } {
            0 => Ok(()),
            code => Err(Errno(code)),
        }
    })
}

fn set_nonblocking(s: RawSocket) -> Result<(), Errno> {
    let mut on = 1u32;
    // SAFETY: `on` is a writable u32, the argument FIONBIO expects.
    check(unsafe { ioctlsocket(s, FIONBIO, &mut on) }).map(drop)
}

/// Takes ownership of a fresh socket: makes it nonblocking or closes it.
fn adopt(s: RawSocket) -> Result<RawSocket, Errno> {
    if s == INVALID_SOCKET {
        return Err(last_error());
    }
    match set_nonblocking(s) {
        Ok(()) => Ok(s),
        Err(e) => {
            close(s);
            Err(e)
        }
    }
}

/// A new nonblocking, non-inheritable socket.
pub(crate) fn socket(family: u16, ty: c_int) -> Result<RawSocket, Errno> {
    startup()?;
    let flags = WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT;
    // SAFETY: no protocol info, no group; no pointers are dereferenced.
    adopt(unsafe { WSASocketW(c_int::from(family), ty, 0, ptr::null(), 0, flags) })
}

/// `closesocket` (errors are not actionable: the handle is gone either way).
pub(crate) fn close(s: RawSocket) {
    // SAFETY: no pointers.
    let _ = unsafe { closesocket(s) };
}

/// `bind`.
pub(crate) fn bind(s: RawSocket, addr: &SockAddrBuf) -> Result<(), Errno> {
    // SAFETY: `addr.bytes` holds `addr.len` initialised bytes.
    check(unsafe { ws_bind(s, addr.bytes.as_ptr(), addr.len as c_int) }).map(drop)
}

/// `listen`.
pub(crate) fn listen(s: RawSocket, backlog: c_int) -> Result<(), Errno> {
    // SAFETY: no pointers.
    check(unsafe { ws_listen(s, backlog) }).map(drop)
}

/// `accept`, returning a nonblocking socket and the peer address.
pub(crate) fn accept(s: RawSocket) -> Result<(RawSocket, SockAddrBuf), Errno> {
    let mut addr = SockAddrBuf::default();
    let mut addr_len = addr.bytes.len() as c_int;
    // SAFETY: `addr.bytes` is writable for `addr_len` bytes; `addr_len` is a writable int.
    let new = adopt(unsafe { ws_accept(s, addr.bytes.as_mut_ptr(), &mut addr_len) })?;
    addr.len = addr_len as u32;
    Ok((new, addr))
}

/// `connect`; a pending connect is `EAGAIN` (`WSAEWOULDBLOCK`), as WinSock reports it.
pub(crate) fn connect(s: RawSocket, addr: &SockAddrBuf) -> Result<(), Errno> {
    // SAFETY: `addr.bytes` holds `addr.len` initialised bytes.
    check(unsafe { ws_connect(s, addr.bytes.as_ptr(), addr.len as c_int) }).map(drop)
}

/// `getsockname` (`peer: false`) or `getpeername` (`peer: true`).
pub(crate) fn address(s: RawSocket, peer: bool) -> Result<SockAddrBuf, Errno> {
    let mut addr = SockAddrBuf::default();
    let mut addr_len = addr.bytes.len() as c_int;
    let call = if peer { ws_getpeername } else { ws_getsockname };
    // SAFETY: `addr.bytes` is writable for `addr_len` bytes; `addr_len` is a writable int.
    check(unsafe { call(s, addr.bytes.as_mut_ptr(), &mut addr_len) })?;
    addr.len = addr_len as u32;
    Ok(addr)
}

/// `setsockopt` with an `int` (`BOOL`/`DWORD`) value.
pub(crate) fn setsockopt_int(s: RawSocket, level: c_int, name: c_int, value: c_int) -> Result<(), Errno> {
    // SAFETY: `value` is a readable int of the length passed.
    check(unsafe { ws_setsockopt(s, level, name, (&value as *const c_int).cast(), 4) }).map(drop)
}

/// `getsockopt` for an `int` value.
pub(crate) fn getsockopt_int(s: RawSocket, level: c_int, name: c_int) -> Result<c_int, Errno> {
    let mut value: c_int = 0;
    let mut value_len: c_int = 4;
    // SAFETY: `value` is a writable int and `value_len` holds its size.
    check(unsafe { ws_getsockopt(s, level, name, (&mut value as *mut c_int).cast(), &mut value_len) })?;
    Ok(value)
}

/// `shutdown`.
pub(crate) fn shutdown(s: RawSocket, how: c_int) -> Result<(), Errno> {
    // SAFETY: no pointers.
    check(unsafe { ws_shutdown(s, how) }).map(drop)
}

/// `send` (connected sockets).
pub(crate) fn send(s: RawSocket, buf: &[u8]) -> Result<usize, Errno> {
    // SAFETY: `buf` is readable for the length passed.
    check(unsafe { ws_send(s, buf.as_ptr(), len(buf), 0) })
}

/// `recv` with `flags` (0 or `MSG_PEEK`).
pub(crate) fn recv(s: RawSocket, buf: &mut [u8], flags: c_int) -> Result<usize, Errno> {
    // SAFETY: `buf` is writable for the length passed.
    check(unsafe { ws_recv(s, buf.as_mut_ptr(), len(buf), flags) })
}

/// `sendto`.
pub(crate) fn sendto(s: RawSocket, buf: &[u8], addr: &SockAddrBuf) -> Result<usize, Errno> {
    // SAFETY: `buf` is readable for the length passed; `addr.bytes` holds `addr.len` bytes.
    check(unsafe { ws_sendto(s, buf.as_ptr(), len(buf), 0, addr.bytes.as_ptr(), addr.len as c_int) })
}

/// `recvfrom`, returning the byte count and the sender.
pub(crate) fn recvfrom(s: RawSocket, buf: &mut [u8]) -> Result<(usize, SockAddrBuf), Errno> {
    let mut addr = SockAddrBuf::default();
    let mut addr_len = addr.bytes.len() as c_int;
    // SAFETY: `buf` and `addr.bytes` are writable for the lengths passed.
    let n = check(unsafe { ws_recvfrom(s, buf.as_mut_ptr(), len(buf), 0, addr.bytes.as_mut_ptr(), &mut addr_len) })?;
    addr.len = addr_len as u32;
    Ok((n, addr))
}
