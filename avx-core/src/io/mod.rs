//! Readiness I/O without std: `AsyncRead`/`AsyncWrite` and the glue that turns a reactor's
//! readiness event into a woken task.

mod error;
mod ready;
mod scheduled;
mod traits;

pub use error::{Error, ErrorKind};
pub use ready::Ready;
pub use scheduled::{DriverGone, ReadyEvent, ScheduledIo};
pub use traits::{AsyncRead, AsyncWrite};
