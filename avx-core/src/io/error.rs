//! A small no_std I/O error: a kind (names mirror `std::io::ErrorKind`) plus the raw OS code.
//! avx-std turns it into `std::io::Error` (via `from_raw_os_error` when `raw_os_error` is set).

use core::fmt;

/// What went wrong, in the categories of `std::io::ErrorKind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The operation would block; wait for readiness.
    WouldBlock,
    /// The peer refused the connection.
    ConnectionRefused,
    /// The peer reset the connection.
    ConnectionReset,
    /// The connection was aborted.
    ConnectionAborted,
    /// The socket is not connected.
    NotConnected,
    /// The address is in use.
    AddrInUse,
    /// The address is not available.
    AddrNotAvailable,
    /// Writing to a closed pipe or socket.
    BrokenPipe,
    /// An argument was invalid.
    InvalidInput,
    /// The operation timed out.
    TimedOut,
    /// The operation was interrupted.
    Interrupted,
    /// A write returned zero bytes.
    WriteZero,
    /// End of file before the expected amount of data.
    UnexpectedEof,
    /// The reactor driving this source has shut down.
    DriverGone,
    /// Anything else.
    Other,
}

/// An I/O error: a kind and, when it came from the OS, the raw error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    raw_os_error: Option<i32>,
}

impl Error {
    /// An error of `kind` not tied to an OS code.
    pub const fn new(kind: ErrorKind) -> Error {
        Error { kind, raw_os_error: None }
    }

    /// An error from an OS code, with its kind already classified by the platform layer.
    pub const fn from_os(kind: ErrorKind, code: i32) -> Error {
        Error { kind, raw_os_error: Some(code) }
    }

    /// The category.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The OS error code, if any.
    pub const fn raw_os_error(&self) -> Option<i32> {
        self.raw_os_error
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error::new(kind)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.raw_os_error {
            Some(code) => write!(f, "{:?} (os error {code})", self.kind),
            None => write!(f, "{:?}", self.kind),
        }
    }
}

#[cfg(feature = "std")]
mod std_conversions {
    use super::{Error, ErrorKind};
    use std::io;

    impl ErrorKind {
        fn to_std(self) -> io::ErrorKind {
            match self {
                ErrorKind::WouldBlock => io::ErrorKind::WouldBlock,
                ErrorKind::ConnectionRefused => io::ErrorKind::ConnectionRefused,
                ErrorKind::ConnectionReset => io::ErrorKind::ConnectionReset,
                ErrorKind::ConnectionAborted => io::ErrorKind::ConnectionAborted,
                ErrorKind::NotConnected => io::ErrorKind::NotConnected,
                ErrorKind::AddrInUse => io::ErrorKind::AddrInUse,
                ErrorKind::AddrNotAvailable => io::ErrorKind::AddrNotAvailable,
                ErrorKind::BrokenPipe => io::ErrorKind::BrokenPipe,
                ErrorKind::InvalidInput => io::ErrorKind::InvalidInput,
                ErrorKind::TimedOut => io::ErrorKind::TimedOut,
                ErrorKind::Interrupted => io::ErrorKind::Interrupted,
                ErrorKind::WriteZero => io::ErrorKind::WriteZero,
                ErrorKind::UnexpectedEof => io::ErrorKind::UnexpectedEof,
                ErrorKind::DriverGone | ErrorKind::Other => io::ErrorKind::Other,
            }
        }

        fn from_std(kind: io::ErrorKind) -> ErrorKind {
            match kind {
                io::ErrorKind::WouldBlock => ErrorKind::WouldBlock,
                io::ErrorKind::ConnectionRefused => ErrorKind::ConnectionRefused,
                io::ErrorKind::ConnectionReset => ErrorKind::ConnectionReset,
                io::ErrorKind::ConnectionAborted => ErrorKind::ConnectionAborted,
                io::ErrorKind::NotConnected => ErrorKind::NotConnected,
                io::ErrorKind::AddrInUse => ErrorKind::AddrInUse,
                io::ErrorKind::AddrNotAvailable => ErrorKind::AddrNotAvailable,
                io::ErrorKind::BrokenPipe => ErrorKind::BrokenPipe,
                io::ErrorKind::InvalidInput => ErrorKind::InvalidInput,
                io::ErrorKind::TimedOut => ErrorKind::TimedOut,
                io::ErrorKind::Interrupted => ErrorKind::Interrupted,
                io::ErrorKind::WriteZero => ErrorKind::WriteZero,
                io::ErrorKind::UnexpectedEof => ErrorKind::UnexpectedEof,
                _ => ErrorKind::Other,
            }
        }
    }

    /// OS errors keep their code (so the message and kind are the platform's own); the rest
    /// keep their kind, with a message for the runtime-specific one.
    impl From<Error> for io::Error {
        fn from(error: Error) -> io::Error {
            match (error.raw_os_error, error.kind) {
                (Some(code), _) => io::Error::from_raw_os_error(code),
                (None, ErrorKind::DriverGone) => io::Error::other(
                    "the avx runtime this I/O source was registered with has shut down; \
                     no readiness will arrive any more",
                ),
                (None, kind) => io::Error::from(kind.to_std()),
            }
        }
    }

    /// For `AsyncRead`/`AsyncWrite` implementations built on std I/O.
    impl From<io::Error> for Error {
        fn from(error: io::Error) -> Error {
            let kind = ErrorKind::from_std(error.kind());
            match error.raw_os_error() {
                Some(code) => Error::from_os(kind, code),
                None => Error::new(kind),
            }
        }
    }
}
