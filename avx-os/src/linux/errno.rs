//! `Errno`: the error number a failed system call returns, with names for the common ones,
//! so avx-std can turn it into `std::io::Error::from_raw_os_error`.

use core::fmt;

/// A Linux error number.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Errno(pub i32);

impl Errno {
    /// Interrupted system call.
    pub const EINTR: Errno = Errno(4);
    /// Bad file descriptor.
    pub const EBADF: Errno = Errno(9);
    /// Try again (would block).
    pub const EAGAIN: Errno = Errno(11);
    /// Invalid argument.
    pub const EINVAL: Errno = Errno(22);
    /// Too many open files in the process.
    pub const EMFILE: Errno = Errno(24);
    /// Operation timed out.
    pub const ETIMEDOUT: Errno = Errno(110);

    /// The raw number, for `std::io::Error::from_raw_os_error`.
    pub fn raw(self) -> i32 {
        self.0
    }

    fn name(self) -> Option<&'static str> {
        Some(match self {
            Errno::EINTR => "EINTR",
            Errno::EBADF => "EBADF",
            Errno::EAGAIN => "EAGAIN",
            Errno::EINVAL => "EINVAL",
            Errno::EMFILE => "EMFILE",
            Errno::ETIMEDOUT => "ETIMEDOUT",
            _ => return None,
        })
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", self.0),
            None => write!(f, "Errno({})", self.0),
        }
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl core::error::Error for Errno {}
