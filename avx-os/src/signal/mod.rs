//! Signals for an event loop. Unix: one process-wide handler marks the signal and writes a
//! byte to a wake pipe the reactor watches. Windows: console control events to a callback.

#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;

#[cfg(unix)]
pub use unix::*;
#[cfg(windows)]
pub use windows::*;
