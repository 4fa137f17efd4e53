//! `CachePadded`: keeps a hot atomic on its own cache line, so a field written by one side of
//! a queue does not slow down the other side's field (false sharing).

use core::ops::Deref;

/// `T` aligned (and so padded) to the cache-line size that matters on the target: 128 bytes
/// where adjacent lines are prefetched in pairs (x86_64, aarch64), 32 on 32-bit Arm cores,
/// 64 elsewhere.
#[cfg_attr(any(target_arch = "x86_64", target_arch = "aarch64"), repr(align(128)))]
#[cfg_attr(not(any(target_arch = "x86_64", target_arch = "aarch64", target_arch = "arm")), repr(align(64)))]
#[cfg_attr(target_arch = "arm", repr(align(32)))]
#[derive(Debug, Default)]
pub(crate) struct CachePadded<T>(pub(crate) T);

impl<T> Deref for CachePadded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}
