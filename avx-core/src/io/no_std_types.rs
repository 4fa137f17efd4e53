//! Stand-ins for `std::io::{Error, ErrorKind, IoSlice, SeekFrom}` when avx-core is built without
//! `std`. Their API is a strict subset of std's, so code written against them still compiles
//! when another crate in the graph turns `std` on and the names become std's own types.

use core::fmt;
use core::ops::Deref;

/// What went wrong, in the categories (and with the names) of `std::io::ErrorKind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An entity was not found.
    NotFound,
    /// The operation lacked the necessary privileges.
    PermissionDenied,
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
    /// An entity already exists.
    AlreadyExists,
    /// The operation would block; wait for readiness.
    WouldBlock,
    /// An argument was invalid.
    InvalidInput,
    /// Data was not valid for the operation.
    InvalidData,
    /// The operation timed out.
    TimedOut,
    /// A write returned zero bytes.
    WriteZero,
    /// The operation was interrupted.
    Interrupted,
    /// The operation is not supported here.
    Unsupported,
    /// End of file before the expected amount of data.
    UnexpectedEof,
    /// An allocation failed.
    OutOfMemory,
    /// Anything else.
    Other,
}

/// An I/O error: a kind, plus either the raw OS code it came from or a static message.
pub struct Error {
    kind: ErrorKind,
    detail: Detail,
}

enum Detail {
    None,
    Os(i32),
    Message(&'static str),
}

impl Error {
    /// An error of `kind` carrying `message` (std's `Error::new` accepts a `&'static str` too).
    pub fn new(kind: ErrorKind, message: &'static str) -> Error {
        Error { kind, detail: Detail::Message(message) }
    }

    /// An `ErrorKind::Other` error carrying `message`.
    pub fn other(message: &'static str) -> Error {
        Error::new(ErrorKind::Other, message)
    }

    /// The category.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The OS error code, if the error came from the OS.
    pub fn raw_os_error(&self) -> Option<i32> {
        match self.detail {
            Detail::Os(code) => Some(code),
            _ => None,
        }
    }
}

/// An error from an OS code whose kind the platform layer has classified; see
/// [`crate::io::os_error`].
pub(super) fn from_os(kind: ErrorKind, code: i32) -> Error {
    Error { kind, detail: Detail::Os(code) }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error { kind, detail: Detail::None }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Error");
        s.field("kind", &self.kind);
        match self.detail {
            Detail::None => {}
            Detail::Os(code) => {
                s.field("code", &code);
            }
            Detail::Message(message) => {
                s.field("message", &message);
            }
        }
        s.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.detail {
            Detail::None => write!(f, "{:?}", self.kind),
            Detail::Os(code) => write!(f, "{:?} (os error {code})", self.kind),
            Detail::Message(message) => f.write_str(message),
        }
    }
}

impl core::error::Error for Error {}

/// A buffer for vectored writes (std's `IoSlice` without std).
#[derive(Clone, Copy, Debug)]
pub struct IoSlice<'a>(&'a [u8]);

impl<'a> IoSlice<'a> {
    /// Wraps `buf`.
    pub fn new(buf: &'a [u8]) -> IoSlice<'a> {
        IoSlice(buf)
    }
}

impl Deref for IoSlice<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.0
    }
}

/// Where a seek is measured from (std's `SeekFrom` without std).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeekFrom {
    /// Bytes from the start.
    Start(u64),
    /// Bytes from the end (may be negative).
    End(i64),
    /// Bytes from the current position (may be negative).
    Current(i64),
}
