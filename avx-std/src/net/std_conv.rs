//! Moving sockets between std (or crates built on it, such as socket2) and avx: `from_std`
//! takes ownership of an open std socket, `into_std` hands one back deregistered.

use avx_core::RawSource;
use avx_os::net::Socket;
#[cfg(unix)]
use std::os::fd::{FromRawFd, IntoRawFd};
#[cfg(windows)]
use std::os::windows::io::{FromRawSocket, IntoRawSocket};

/// The socket of a std type, which the caller has made nonblocking.
#[cfg(unix)]
pub(crate) fn from_std(socket: impl IntoRawFd) -> Socket {
    // SAFETY: `into_raw_fd` gives up std's ownership of an open descriptor; the new `Socket`
    // is its only owner.
    unsafe { Socket::from_raw(RawSource(socket.into_raw_fd() as usize)) }
}

/// A std type owning `socket`.
#[cfg(unix)]
pub(crate) fn into_std<T: FromRawFd>(socket: Socket) -> T {
    // SAFETY: `into_raw` gives up the `Socket`'s ownership of an open descriptor of the
    // kind `T` wraps (the caller pairs the types); `T` becomes its only owner.
    unsafe { T::from_raw_fd(socket.into_raw().0 as i32) }
}

/// The socket of a std type, which the caller has made nonblocking.
#[cfg(windows)]
pub(crate) fn from_std(socket: impl IntoRawSocket) -> Socket {
    // SAFETY: `into_raw_socket` gives up std's ownership of an open socket; the new `Socket`
    // is its only owner.
    unsafe { Socket::from_raw(RawSource(socket.into_raw_socket() as usize)) }
}

/// A std type owning `socket`.
#[cfg(windows)]
pub(crate) fn into_std<T: FromRawSocket>(socket: Socket) -> T {
    // SAFETY: as for Unix: the `Socket` gives up its open socket and `T` becomes its owner.
    unsafe { T::from_raw_socket(socket.into_raw().0 as u64) }
}
