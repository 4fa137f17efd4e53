//! Readiness I/O without std: `AsyncRead`/`AsyncWrite` and the glue that turns a reactor's
//! readiness event into a woken task.

/// Readiness state and wakers of one registered I/O source (filled in by the reactor work).
#[derive(Debug, Default)]
pub struct ScheduledIo {}
