//! `Errno`: the kernel's error number as a typed value, with names for the common codes.
//! `raw()` feeds `std::io::Error::from_raw_os_error` in avx-std.

use core::fmt;

/// A Linux error number (positive, e.g. `EAGAIN` = 11).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Errno(pub i32);

macro_rules! errnos {
    ($($name:ident = $val:expr, $msg:expr;)*) => {
        impl Errno {
            $(#[doc = $msg] pub const $name: Errno = Errno($val);)*

            /// The symbolic name (`"EAGAIN"`), if this is a code avx names.
            pub fn name(self) -> Option<&'static str> {
                match self.0 { $($val => Some(stringify!($name)),)* _ => None }
            }

            fn message(self) -> Option<&'static str> {
                match self.0 { $($val => Some($msg),)* _ => None }
            }
        }
    };
}

errnos! {
    EPERM = 1, "operation not permitted";
    ENOENT = 2, "no such file or directory";
    EINTR = 4, "interrupted system call";
    EBADF = 9, "bad file descriptor";
    EAGAIN = 11, "resource temporarily unavailable";
    ENOMEM = 12, "out of memory";
    EACCES = 13, "permission denied";
    EFAULT = 14, "bad address";
    EINVAL = 22, "invalid argument";
    ENFILE = 23, "too many open files in system";
    EMFILE = 24, "too many open files";
    EPIPE = 32, "broken pipe";
    ENOSYS = 38, "function not implemented";
    ENOTSOCK = 88, "not a socket";
    EADDRINUSE = 98, "address in use";
    EADDRNOTAVAIL = 99, "address not available";
    ENETUNREACH = 101, "network unreachable";
    ECONNABORTED = 103, "connection aborted";
    ECONNRESET = 104, "connection reset by peer";
    ENOTCONN = 107, "not connected";
    ETIMEDOUT = 110, "timed out";
    ECONNREFUSED = 111, "connection refused";
    EHOSTUNREACH = 113, "host unreachable";
    EALREADY = 114, "operation already in progress";
    EINPROGRESS = 115, "operation in progress";
}

impl Errno {
    /// `EWOULDBLOCK` is `EAGAIN` on Linux.
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

/// Classifies the code for avx-core's `io::Error` (the code itself is kept).
impl From<Errno> for avx_core::io::Error {
    fn from(errno: Errno) -> avx_core::io::Error {
        use avx_core::io::ErrorKind as K;
        let kind = match errno {
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
        avx_core::io::Error::from_os(kind, errno.0)
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
        assert_eq!(Errno(11), Errno::EAGAIN);
        assert_eq!(format!("{:?}", Errno::ECONNREFUSED), "ECONNREFUSED");
        assert_eq!(format!("{}", Errno(111)), "connection refused (os error 111)");
        assert_eq!(format!("{:?}", Errno(9999)), "Errno(9999)");
        assert!(Errno::EAGAIN.is_would_block());
        assert!(!Errno::EPIPE.is_would_block());
    }
}
