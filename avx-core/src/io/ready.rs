//! `Ready`: the readiness bits a reactor reports for one source.
//! Readable/writable are cleared when consumed; closed and error bits stick.

use core::fmt;
use core::ops::{BitOr, BitOrAssign};

use crate::park::Interest;

/// A set of readiness flags.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Ready(u8);

impl Ready {
    /// Nothing is ready.
    pub const EMPTY: Ready = Ready(0);
    /// Data can be read.
    pub const READABLE: Ready = Ready(0b0_0001);
    /// Data can be written.
    pub const WRITABLE: Ready = Ready(0b0_0010);
    /// The peer closed its write side: reads return end of file.
    pub const READ_CLOSED: Ready = Ready(0b0_0100);
    /// Our write side is closed (peer gone): writes fail.
    pub const WRITE_CLOSED: Ready = Ready(0b0_1000);
    /// An error is pending on the source.
    pub const ERROR: Ready = Ready(0b1_0000);
    pub(crate) const ALL_BITS: usize = 0b1_1111;

    /// The readiness that satisfies a wait for `interest`.
    pub const fn for_interest(interest: Interest) -> Ready {
        let mut bits = Self::ERROR.0;
        if interest.is_readable() {
            bits |= Self::READABLE.0 | Self::READ_CLOSED.0;
        }
        if interest.is_writable() {
            bits |= Self::WRITABLE.0 | Self::WRITE_CLOSED.0;
        }
        Ready(bits)
    }

    /// Whether no flag is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether every flag of `other` is set in `self`.
    pub const fn contains(self, other: Ready) -> bool {
        self.0 & other.0 == other.0
    }

    /// Flags set in both.
    pub const fn intersection(self, other: Ready) -> Ready {
        Ready(self.0 & other.0)
    }

    /// Whether the source is readable or its read side closed.
    pub const fn is_readable(self) -> bool {
        self.0 & (Self::READABLE.0 | Self::READ_CLOSED.0) != 0
    }

    /// Whether the source is writable or its write side closed.
    pub const fn is_writable(self) -> bool {
        self.0 & (Self::WRITABLE.0 | Self::WRITE_CLOSED.0) != 0
    }

    pub(crate) const fn from_bits(bits: usize) -> Ready {
        Ready((bits & Self::ALL_BITS) as u8)
    }

    pub(crate) const fn bits(self) -> usize {
        self.0 as usize
    }
}

impl BitOr for Ready {
    type Output = Ready;
    fn bitor(self, rhs: Ready) -> Ready {
        Ready(self.0 | rhs.0)
    }
}

impl BitOrAssign for Ready {
    fn bitor_assign(&mut self, rhs: Ready) {
        self.0 |= rhs.0;
    }
}

impl fmt::Debug for Ready {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [
            (Self::READABLE, "READABLE"),
            (Self::WRITABLE, "WRITABLE"),
            (Self::READ_CLOSED, "READ_CLOSED"),
            (Self::WRITE_CLOSED, "WRITE_CLOSED"),
            (Self::ERROR, "ERROR"),
        ];
        let mut first = true;
        for (flag, name) in names {
            if self.contains(flag) {
                if !first {
                    f.write_str(" | ")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        if first {
            f.write_str("(empty)")?;
        }
        Ok(())
    }
}
