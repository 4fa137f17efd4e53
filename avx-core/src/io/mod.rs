//! Readiness I/O without std: the `AsyncRead`/`AsyncWrite`/`AsyncBufRead`/`AsyncSeek` traits
//! in Tokio's shape, `ReadBuf`, and the glue that turns a reactor event into a woken task.
//!
//! With the `std` feature, [`Error`], [`ErrorKind`], [`IoSlice`] and [`SeekFrom`] are std's own
//! types, so implementations written for `std::io::Error` compile unchanged and no conversion
//! happens anywhere; without it they are small stand-ins with a subset of std's API.

mod impls;
#[cfg(not(feature = "std"))]
mod no_std_types;
mod read_buf;
mod ready;
mod scheduled;
mod traits;

#[cfg(not(feature = "std"))]
pub use no_std_types::{Error, ErrorKind, IoSlice, SeekFrom};
pub use read_buf::ReadBuf;
pub use ready::Ready;
pub use scheduled::{DriverGone, ReadyEvent, ScheduledIo};
#[cfg(feature = "std")]
pub use std::io::{Error, ErrorKind, IoSlice, SeekFrom};
pub use traits::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite};

/// `Result` with this module's [`Error`].
pub type Result<T> = core::result::Result<T, Error>;

/// The error for an OS error `code` that the platform layer classified as `kind`. With std the
/// code alone decides (std classifies it, and its message is the OS's); without std the kind is
/// kept beside the code.
pub fn os_error(kind: ErrorKind, code: i32) -> Error {
    #[cfg(feature = "std")]
    {
        let _ = kind;
        Error::from_raw_os_error(code)
    }
    #[cfg(not(feature = "std"))]
    {
        no_std_types::from_os(kind, code)
    }
}

const DRIVER_GONE: &str =
    "the avx runtime this I/O source was registered with has shut down; no readiness will arrive any more";

/// The error an I/O source reports once the reactor it was registered with has shut down.
/// With std it carries [`DriverGone`] (`get_ref()` downcasts to it), so callers can tell it
/// from other errors without comparing messages.
pub fn driver_gone() -> Error {
    #[cfg(feature = "std")]
    {
        Error::other(DriverGone)
    }
    #[cfg(not(feature = "std"))]
    {
        Error::other(DRIVER_GONE)
    }
}

impl core::fmt::Display for DriverGone {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(DRIVER_GONE)
    }
}

impl core::error::Error for DriverGone {}

impl From<DriverGone> for Error {
    fn from(_: DriverGone) -> Error {
        driver_gone()
    }
}
