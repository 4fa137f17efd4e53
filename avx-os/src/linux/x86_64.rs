//! The x86_64 Linux system call convention (`syscall`; number in rax, arguments in rdi,
//! rsi, rdx, r10, r8, r9; rcx and r11 clobbered) and the call numbers avx uses.

use core::arch::asm;

/// System call numbers (arch/x86/entry/syscalls/syscall_64.tbl).
pub(crate) mod nr {
    pub(crate) const FUTEX: usize = 202;
}

/// # Safety
/// See [`super::syscall`].
#[inline]
pub(super) unsafe fn syscall6(number: usize, args: [usize; 6]) -> isize {
    let ret: isize;
    // SAFETY: the caller guarantees the arguments are valid for this call; the asm follows
    // the kernel's convention and declares every register the instruction clobbers.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") number as isize => ret,
            in("rdi") args[0],
            in("rsi") args[1],
            in("rdx") args[2],
            in("r10") args[3],
            in("r8") args[4],
            in("r9") args[5],
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
    ret
}
