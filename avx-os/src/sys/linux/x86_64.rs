//! x86_64 Linux system call entry (`syscall` instruction) and the call numbers avx uses.
//! Arguments go in rdi, rsi, rdx, r10, r8, r9; rcx and r11 are clobbered by the CPU.

use core::arch::asm;

/// System call numbers for x86_64.
#[allow(missing_docs)]
pub mod nr {
    pub const READ: usize = 0;
    pub const WRITE: usize = 1;
    pub const CLOSE: usize = 3;
    pub const FUTEX: usize = 202;
    pub const CLOCK_GETTIME: usize = 228;
    pub const READV: usize = 19;
    pub const WRITEV: usize = 20;
    pub const SOCKET: usize = 41;
    pub const CONNECT: usize = 42;
    pub const SENDTO: usize = 44;
    pub const RECVFROM: usize = 45;
    pub const SHUTDOWN: usize = 48;
    pub const BIND: usize = 49;
    pub const LISTEN: usize = 50;
    pub const GETSOCKNAME: usize = 51;
    pub const GETPEERNAME: usize = 52;
    pub const SOCKETPAIR: usize = 53;
    pub const SETSOCKOPT: usize = 54;
    pub const GETSOCKOPT: usize = 55;
    pub const EPOLL_CTL: usize = 233;
    pub const EPOLL_PWAIT: usize = 281;
    pub const ACCEPT4: usize = 288;
    pub const EPOLL_CREATE1: usize = 291;
    pub const PRLIMIT64: usize = 302;
    pub const EVENTFD2: usize = 290;
    pub const FCNTL: usize = 72;
    pub const PIPE2: usize = 293;
    pub const RT_SIGACTION: usize = 13;
    pub const RT_SIGPROCMASK: usize = 14;
    pub const RT_SIGRETURN: usize = 15;
    pub const KILL: usize = 62;
    pub const WAITID: usize = 247;
    pub const PIDFD_SEND_SIGNAL: usize = 424;
    pub const PIDFD_OPEN: usize = 434;
}

// The `sa_restorer` every signal handler returns to: x86_64's kernel builds no return path
// of its own (`SA_RESTORER` is mandatory), so, as in libc, a two-instruction stub re-enters
// it through `rt_sigreturn` with the stack exactly as the handler's `ret` left it.
core::arch::global_asm!(
    ".pushsection .text.avx_os_restore_rt,\"ax\",@progbits",
    ".p2align 4",
    ".globl avx_os_restore_rt",
    ".hidden avx_os_restore_rt",
    ".type avx_os_restore_rt,@function",
    "avx_os_restore_rt:",
    "mov eax, {nr}",
    "syscall",
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
    // SAFETY: the caller guarantees the call is valid; the asm follows the x86_64 syscall ABI.
    unsafe {
        asm!("syscall", inlateout("rax") n as isize => ret, in("rdi") a1,
             lateout("rcx") _, lateout("r11") _, options(nostack));
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
        asm!("syscall", inlateout("rax") n as isize => ret, in("rdi") a1, in("rsi") a2,
             lateout("rcx") _, lateout("r11") _, options(nostack));
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
        asm!("syscall", inlateout("rax") n as isize => ret, in("rdi") a1, in("rsi") a2,
             in("rdx") a3, lateout("rcx") _, lateout("r11") _, options(nostack));
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
        asm!("syscall", inlateout("rax") n as isize => ret, in("rdi") a1, in("rsi") a2,
             in("rdx") a3, in("r10") a4, lateout("rcx") _, lateout("r11") _, options(nostack));
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
        asm!("syscall", inlateout("rax") n as isize => ret, in("rdi") a1, in("rsi") a2,
             in("rdx") a3, in("r10") a4, in("r8") a5, lateout("rcx") _, lateout("r11") _,
             options(nostack));
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
        asm!("syscall", inlateout("rax") n as isize => ret, in("rdi") a1, in("rsi") a2,
             in("rdx") a3, in("r10") a4, in("r8") a5, in("r9") a6, lateout("rcx") _,
             lateout("r11") _, options(nostack));
    }
    ret
}
