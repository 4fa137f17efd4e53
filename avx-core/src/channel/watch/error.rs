//! Errors of the watch channel: a send without receivers returns the value; waiting for a
//! change fails once the sender is gone.

use core::fmt;

/// No receiver exists; the value comes back (the same error as every channel's).
pub use crate::channel::mpsc::error::SendError;

/// The sender dropped.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub struct RecvError(pub(super) ());

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("channel closed")
    }
}

impl core::error::Error for RecvError {}
