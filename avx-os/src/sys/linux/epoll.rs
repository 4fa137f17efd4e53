//! epoll(7) wrappers: create, control and wait, plus the kernel's `epoll_event` layout.
//! x86_64 packs the struct to 12 bytes; other architectures use natural alignment.

use super::{arch, check, nr, Errno};

/// `EPOLLIN`: readable.
pub const EPOLLIN: u32 = 0x001;
/// `EPOLLPRI`: urgent data.
pub const EPOLLPRI: u32 = 0x002;
/// `EPOLLOUT`: writable.
pub const EPOLLOUT: u32 = 0x004;
/// `EPOLLERR`: error condition.
pub const EPOLLERR: u32 = 0x008;
/// `EPOLLHUP`: hang-up (both directions closed).
pub const EPOLLHUP: u32 = 0x010;
/// `EPOLLRDHUP`: the peer closed its write side.
pub const EPOLLRDHUP: u32 = 0x2000;
/// `EPOLLET`: edge-triggered.
pub const EPOLLET: u32 = 1 << 31;
/// `EPOLL_CLOEXEC` flag for [`epoll_create1`].
pub const EPOLL_CLOEXEC: i32 = 0o2000000;

/// `EPOLL_CTL_ADD`.
pub const EPOLL_CTL_ADD: i32 = 1;
/// `EPOLL_CTL_DEL`.
pub const EPOLL_CTL_DEL: i32 = 2;
/// `EPOLL_CTL_MOD`.
pub const EPOLL_CTL_MOD: i32 = 3;

/// The kernel's `struct epoll_event`.
#[repr(C)]
#[cfg_attr(target_arch = "x86_64", repr(packed))]
#[derive(Clone, Copy, Default)]
pub struct EpollEvent {
    /// Event mask (`EPOLLIN | ...`).
    pub events: u32,
    /// User data: avx stores the registration token here.
    pub data: u64,
}

/// `epoll_create1(2)`.
pub fn epoll_create1(flags: i32) -> Result<usize, Errno> {
    // SAFETY: no pointer arguments.
    check(unsafe { arch::syscall1(nr::EPOLL_CREATE1, flags as usize) })
}

/// `epoll_ctl(2)`; `event` may be `None` for `EPOLL_CTL_DEL`.
pub fn epoll_ctl(epfd: i32, op: i32, fd: i32, event: Option<&EpollEvent>) -> Result<usize, Errno> {
    let ptr = event.map_or(0, |e| e as *const EpollEvent as usize);
    // SAFETY: `ptr` is null or points at a live epoll_event the kernel only reads.
    check(unsafe { arch::syscall4(nr::EPOLL_CTL, epfd as usize, op as usize, fd as usize, ptr) })
}

/// `epoll_pwait(2)` without a signal mask; `timeout_ms` of -1 blocks. `EINTR` is reported as
/// zero events (the caller re-checks its state) so a timeout is never silently extended.
pub fn epoll_pwait(epfd: i32, events: &mut [EpollEvent], timeout_ms: i32) -> Result<usize, Errno> {
    let max = events.len().min(i32::MAX as usize);
    // SAFETY: `events` is writable for `max` entries; a null sigmask means "no change".
    let r = check(unsafe {
        arch::syscall6(
            nr::EPOLL_PWAIT,
            epfd as usize,
            events.as_mut_ptr() as usize,
            max,
            timeout_ms as isize as usize,
            0,
            8,
        )
    });
    match r {
        Err(Errno::EINTR) => Ok(0),
        other => other,
    }
}
