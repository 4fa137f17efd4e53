//! `Errno`: the platform's error number as a typed value (an errno on Unix, a Win32/WinSock
//! code on Windows). Each platform lists its numbers with `errnos!`; the names are the same.

use core::fmt;

/// An OS error number (`raw()` feeds `std::io::Error::from_raw_os_error` in avx-std).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Errno(pub i32);

/// Declares the named codes of one platform: `NAME = number, "message";`.
macro_rules! errnos {
    ($($name:ident = $val:expr, $msg:expr;)*) => {
        impl $crate::sys::Errno {
            $(#[doc = $msg] pub const $name: $crate::sys::Errno = $crate::sys::Errno($val);)*

            /// The symbolic name (`"EAGAIN"`), if this is a code avx names.
            pub fn name(self) -> Option<&'static str> {
                match self.0 { $($val => Some(stringify!($name)),)* _ => None }
            }

            pub(crate) fn message(self) -> Option<&'static str> {
                match self.0 { $($val => Some($msg),)* _ => None }
            }
        }
    };
}
pub(crate) use errnos;

impl Errno {
    /// `EWOULDBLOCK` is `EAGAIN` on every supported platform (`WSAEWOULDBLOCK` on Windows).
    pub const EWOULDBLOCK: Errno = Errno::EAGAIN;

    /// The raw positive number, for `std::io::Error::from_raw_os_error`.
    pub fn raw(self) -> i32 {
        self.0
    }

    /// Whether a nonblocking operation should wait for readiness and retry.
    pub fn is_would_block(self) -> bool {
        self == Errno::EAGAIN || self == Errno::EINPROGRESS
    }

    /// Whether a nonblocking `connect` has started and completes in the background.
    pub fn is_in_progress(self) -> bool {
        self == Errno::EINPROGRESS
    }
}

/// Classifies the code for avx-core's `io::Error` (the code itself is kept; under std, std's
/// own classification of the code applies, which agrees with this one).
impl From<Errno> for avx_core::io::Error {
    fn from(errno: Errno) -> avx_core::io::Error {
        use avx_core::io::ErrorKind as K;
        let kind = match errno {
            Errno::ENOENT => K::NotFound,
            Errno::EPERM | Errno::EACCES => K::PermissionDenied,
            Errno::ENOMEM => K::OutOfMemory,
            Errno::ENOSYS => K::Unsupported,
            Errno::EAGAIN => K::WouldBlock,
            Errno::ECONNREFUSED => K::ConnectionRefused,
            Errno::ECONNRESET => K::ConnectionReset,
            Errno::ECONNABORTED => K::ConnectionAborted,
            Errno::ENOTCONN => K::NotConnected,
            Errno::EADDRINUSE => K::AddrInUse,
            Errno::EADDRNOTAVAIL => K::AddrNotAvailable,
            Errno::EPIPE => K::BrokenPipe,
            Errno::EINVAL => K::InvalidInput,
            Errno::ETIMEDOUT => K::TimedOut,
            Errno::EINTR => K::Interrupted,
            _ => K::Other,
        };
        avx_core::io::os_error(kind, errno.0)
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "Errno({})", self.0),
        }
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.message() {
            Some(m) => write!(f, "{m} (os error {})", self.0),
            None => write!(f, "os error {}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;

    #[test]
    fn names_and_messages_match_the_code() {
        assert_eq!(format!("{:?}", Errno::ECONNREFUSED), "ECONNREFUSED");
        let refused = Errno::ECONNREFUSED.raw();
        assert_eq!(format!("{}", Errno(refused)), format!("connection refused (os error {refused})"));
        assert_eq!(format!("{:?}", Errno(99_999)), "Errno(99999)");
        assert!(Errno::EAGAIN.is_would_block());
        assert!(Errno::EINPROGRESS.is_in_progress());
        assert!(!Errno::EPIPE.is_would_block());
    }

    #[test]
    fn kinds_follow_the_code() {
        use avx_core::io::{Error, ErrorKind};
        assert_eq!(Error::from(Errno::ECONNRESET).kind(), ErrorKind::ConnectionReset);
        assert_eq!(Error::from(Errno::EAGAIN).raw_os_error(), Some(Errno::EAGAIN.raw()));
        assert_eq!(Error::from(Errno::ENOENT).kind(), ErrorKind::NotFound);
        assert_eq!(Error::from(Errno::ENOSYS).kind(), ErrorKind::Unsupported);
    }
}
