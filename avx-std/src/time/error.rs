//! Error types of the time module, as Tokio's `tokio::time::error`: [`Elapsed`] from a
//! timeout, and [`Error`], the timer error kinds Tokio's API names.

pub use avx_core::time::Elapsed;

use std::fmt;

/// A timer error, with Tokio's three kinds. avx's timers return none of them today (a timer
/// never runs out of capacity, deadlines are capped, and timers keep working after their
/// runtime shut down); the type exists so code that matches on it compiles.
#[derive(Debug, Clone, Copy)]
pub struct Error(Kind);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Shutdown,
    AtCapacity,
    Invalid,
}

impl Error {
    /// The timer's runtime is shut down.
    pub fn shutdown() -> Error {
        Error(Kind::Shutdown)
    }

    /// Whether the runtime is shut down.
    pub fn is_shutdown(&self) -> bool {
        self.0 == Kind::Shutdown
    }

    /// The timer has no room for another entry.
    pub fn at_capacity() -> Error {
        Error(Kind::AtCapacity)
    }

    /// Whether the timer had no room for another entry.
    pub fn is_at_capacity(&self) -> bool {
        self.0 == Kind::AtCapacity
    }

    /// The duration is beyond what the timer supports.
    pub fn invalid() -> Error {
        Error(Kind::Invalid)
    }

    /// Whether the duration was beyond what the timer supports.
    pub fn is_invalid(&self) -> bool {
        self.0 == Kind::Invalid
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Kind::Shutdown => "timer error: the runtime is shut down",
            Kind::AtCapacity => "timer error: no room for another timer",
            Kind::Invalid => "timer error: the duration is beyond the timer's range",
        })
    }
}

impl std::error::Error for Error {}
