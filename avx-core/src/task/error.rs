//! `JoinError`: why a task produced no output — it was cancelled (aborted or the runtime
//! shut down) or its future panicked, in which case the panic payload is kept.

use super::Id;
use alloc::boxed::Box;
use core::any::Any;
use core::fmt;

/// A task did not run to completion.
pub struct JoinError {
    id: Id,
    repr: Repr,
}

enum Repr {
    Cancelled,
    /// The payload is only reachable through `&mut`/by value, which makes sharing a
    /// `&JoinError` across threads sound even though the payload is not `Sync`.
    Panic(Box<dyn Any + Send + 'static>),
}

// SAFETY: the only non-Sync part, the panic payload, is never reachable through `&JoinError`.
unsafe impl Sync for JoinError {}

impl JoinError {
    pub(crate) fn cancelled(id: Id) -> JoinError {
        JoinError { id, repr: Repr::Cancelled }
    }

    pub(crate) fn panic(id: Id, payload: Box<dyn Any + Send + 'static>) -> JoinError {
        JoinError { id, repr: Repr::Panic(payload) }
    }

    /// The task was aborted, or the runtime shut down before it finished.
    pub fn is_cancelled(&self) -> bool {
        matches!(self.repr, Repr::Cancelled)
    }

    /// The task's future (or its `Drop`) panicked.
    pub fn is_panic(&self) -> bool {
        matches!(self.repr, Repr::Panic(_))
    }

    /// The panic payload, for `std::panic::resume_unwind`.
    ///
    /// # Panics
    /// If the error is a cancellation; check [`JoinError::is_panic`] or use `try_into_panic`.
    #[track_caller]
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        match self.try_into_panic() {
            Ok(payload) => payload,
            Err(_) => panic!("JoinError::into_panic on a cancelled task"),
        }
    }

    /// The panic payload, or the error itself if it is a cancellation.
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        match self.repr {
            Repr::Panic(payload) => Ok(payload),
            Repr::Cancelled => Err(self),
        }
    }

    /// The id of the task that failed.
    pub fn id(&self) -> Id {
        self.id
    }
}

/// The panic message, when the payload is a string (as `panic!` with a message makes it).
fn panic_message(payload: &(dyn Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<&'static str>()
        .copied()
        .or_else(|| payload.downcast_ref::<alloc::string::String>().map(|s| s.as_str()))
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Cancelled => write!(f, "task {} was cancelled", self.id),
            Repr::Panic(payload) => match panic_message(payload.as_ref()) {
                Some(message) => write!(f, "task {} panicked with message {message:?}", self.id),
                None => write!(f, "task {} panicked", self.id),
            },
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Cancelled => write!(f, "JoinError::Cancelled({:?})", self.id),
            Repr::Panic(payload) => match panic_message(payload.as_ref()) {
                Some(message) => write!(f, "JoinError::Panic({:?}, {message:?}, ...)", self.id),
                None => write!(f, "JoinError::Panic({:?}, ...)", self.id),
            },
        }
    }
}

impl core::error::Error for JoinError {}

/// For `?` on a task's result in a function returning `io::Result` (as Tokio offers): the
/// error's kind is `Other`, and it keeps the `JoinError` as its source.
#[cfg(feature = "std")]
impl From<JoinError> for std::io::Error {
    fn from(error: JoinError) -> std::io::Error {
        std::io::Error::other(error)
    }
}
