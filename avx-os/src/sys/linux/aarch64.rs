//! aarch64 Linux system call entry (`svc 0`) and the call numbers avx uses.
//! The number goes in x8, arguments in x0..x5, the result comes back in x0.

use core::arch::asm;

/// System call numbers for aarch64 (the generic table).
#[allow(missing_docs)]
pub mod nr {
    pub const READ: usize = 63;
    pub const WRITE: usize = 64;
    pub const CLOSE: usize = 57;
    pub const FUTEX: usize = 98;
    pub const CLOCK_GETTIME: usize = 113;
    pub const EVENTFD2: usize = 19;
}

/// One-argument system call.
///
/// # Safety
/// `n` and the argument must form a call whose pointer arguments are valid for the kernel.
pub unsafe fn syscall1(n: usize, a1: usize) -> isize {
    let ret: isize;
    // SAFETY: the caller guarantees the call is valid; the asm follows the aarch64 syscall ABI.
    unsafe {
        asm!("svc 0", in("x8") n, inlateout("x0") a1 as isize => ret, options(nostack));
    }
    ret
}

/// Two-argument system call.
///
/// # Safety
/// As [`syscall1`].
pub unsafe fn syscall2(n: usize, a1: usize, a2: usize) -> isize {
    let ret: isize;
    // SAFETY: as syscall1.
    unsafe {
        asm!("svc 0", in("x8") n, inlateout("x0") a1 as isize => ret, in("x1") a2,
             options(nostack));
    }
    ret
}

/// Three-argument system call.
///
/// # Safety
/// As [`syscall1`].
pub unsafe fn syscall3(n: usize, a1: usize, a2: usize, a3: usize) -> isize {
    let ret: isize;
    // SAFETY: as syscall1.
    unsafe {
        asm!("svc 0", in("x8") n, inlateout("x0") a1 as isize => ret, in("x1") a2, in("x2") a3,
             options(nostack));
    }
    ret
}

/// Four-argument system call.
///
/// # Safety
/// As [`syscall1`].
pub unsafe fn syscall4(n: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> isize {
    let ret: isize;
    // SAFETY: as syscall1.
    unsafe {
        asm!("svc 0", in("x8") n, inlateout("x0") a1 as isize => ret, in("x1") a2, in("x2") a3,
             in("x3") a4, options(nostack));
    }
    ret
}
