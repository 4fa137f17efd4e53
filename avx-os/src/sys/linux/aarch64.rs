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
    pub const READV: usize = 65;
    pub const WRITEV: usize = 66;
    pub const SOCKET: usize = 198;
    pub const SOCKETPAIR: usize = 199;
    pub const BIND: usize = 200;
    pub const LISTEN: usize = 201;
    pub const CONNECT: usize = 203;
    pub const GETSOCKNAME: usize = 204;
    pub const GETPEERNAME: usize = 205;
    pub const SENDTO: usize = 206;
    pub const RECVFROM: usize = 207;
    pub const SETSOCKOPT: usize = 208;
    pub const GETSOCKOPT: usize = 209;
    pub const SHUTDOWN: usize = 210;
    pub const ACCEPT4: usize = 242;
    pub const EPOLL_CREATE1: usize = 20;
    pub const EPOLL_CTL: usize = 21;
    pub const EPOLL_PWAIT: usize = 22;
    pub const PRLIMIT64: usize = 261;
    pub const EVENTFD2: usize = 19;
    pub const FCNTL: usize = 25;
    pub const PIPE2: usize = 59;
    pub const RT_SIGACTION: usize = 134;
    pub const RT_SIGPROCMASK: usize = 135;
    pub const RT_SIGRETURN: usize = 139;
    pub const KILL: usize = 129;
    pub const WAITID: usize = 95;
    pub const PIDFD_SEND_SIGNAL: usize = 424;
    pub const PIDFD_OPEN: usize = 434;
}

// The `sa_restorer` every signal handler returns to (`x30` holds it when the handler runs):
// as in libc, a two-instruction stub that re-enters the kernel through `rt_sigreturn`. arm64
// would fall back to the vDSO's copy, but naming our own keeps both architectures alike.
core::arch::global_asm!(
    ".pushsection .text.avx_os_restore_rt,\"ax\",%progbits",
    ".p2align 2",
    ".globl avx_os_restore_rt",
    ".hidden avx_os_restore_rt",
    ".type avx_os_restore_rt,%function",
    "avx_os_restore_rt:",
    "mov x8, #{nr}",
    "svc #0",
    ".size avx_os_restore_rt, . - avx_os_restore_rt",
    ".popsection",
    nr = const nr::RT_SIGRETURN,
);

extern "C" {
    /// The stub above; never called from Rust, only its address is handed to the kernel.
    fn avx_os_restore_rt();
}

/// The address of the signal return stub, for `sa_restorer`.
pub(crate) fn signal_restorer() -> usize {
    avx_os_restore_rt as *const () as usize
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

/// Five-argument system call.
///
/// # Safety
/// As [`syscall1`].
pub unsafe fn syscall5(n: usize, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize) -> isize {
    let ret: isize;
    // SAFETY: as syscall1.
    unsafe {
        asm!("svc 0", in("x8") n, inlateout("x0") a1 as isize => ret, in("x1") a2, in("x2") a3,
             in("x3") a4, in("x4") a5, options(nostack));
    }
    ret
}

/// Six-argument system call.
///
/// # Safety
/// As [`syscall1`].
pub unsafe fn syscall6(n: usize, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize, a6: usize) -> isize {
    let ret: isize;
    // SAFETY: as syscall1.
    unsafe {
        asm!("svc 0", in("x8") n, inlateout("x0") a1 as isize => ret, in("x1") a2, in("x2") a3,
             in("x3") a4, in("x4") a5, in("x5") a6, options(nostack));
    }
    ret
}
