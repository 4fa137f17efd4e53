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
