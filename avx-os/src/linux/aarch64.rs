//! The aarch64 Linux system call convention (`svc 0`; number in x8, arguments in x0–x5,
//! result in x0) and the call numbers avx uses.

use core::arch::asm;

/// System call numbers (include/uapi/asm-generic/unistd.h).
pub(crate) mod nr {
    pub(crate) const FUTEX: usize = 98;
}

/// # Safety
/// See [`super::syscall`].
#[inline]
pub(super) unsafe fn syscall6(number: usize, args: [usize; 6]) -> isize {
    let ret: isize;
    // SAFETY: the caller guarantees the arguments are valid for this call; the asm follows
    // the kernel's convention (x0 carries the first argument in and the result out).
    unsafe {
        asm!(
            "svc 0",
            in("x8") number,
            inlateout("x0") args[0] as isize => ret,
            in("x1") args[1],
            in("x2") args[2],
            in("x3") args[3],
            in("x4") args[4],
            in("x5") args[5],
            options(nostack),
        );
    }
    ret
}
