//! The only contact with the kernel: `_start`, raw x86_64 Linux system calls, a signal
//! trampoline, and the memory routines a libc would otherwise provide.

use core::arch::{asm, global_asm};
use core::fmt;
use core::sync::atomic::AtomicU32;
use core::time::Duration;

const SYS_WRITE: usize = 1;
const SYS_RT_SIGACTION: usize = 13;
const SYS_SETITIMER: usize = 38;
const SYS_FUTEX: usize = 202;
const SYS_CLOCK_GETTIME: usize = 228;
const SYS_EXIT_GROUP: usize = 231;
const FUTEX_WAIT_PRIVATE: usize = 128;
const FUTEX_WAKE_PRIVATE: usize = 129;
const CLOCK_MONOTONIC: usize = 1;
const ITIMER_REAL: usize = 0;
const SIGALRM: usize = 14;
const SA_RESTORER: u64 = 0x0400_0000;

// The kernel enters at `_start` with the stack pointer on `argc`; align it as the ABI wants
// and call into Rust, which never returns (it ends with `exit_group`).
global_asm!(
    ".globl _start",
    "_start:",
    "xor ebp, ebp",
    "and rsp, -16",
    "call {main}",
    "ud2",
    // Signal handlers return here; the kernel restores the interrupted context.
    ".globl avx_sigreturn",
    "avx_sigreturn:",
    "mov eax, 15",
    "syscall",
    main = sym crate::start,
);

extern "C" {
    fn avx_sigreturn();
}

/// A raw system call with up to four arguments; returns the kernel's value (`-errno` on error).
///
/// # Safety
/// The arguments must be valid for system call `n` (pointers to memory it may read or write).
unsafe fn syscall4(n: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> isize {
    let ret: isize;
    // SAFETY: the x86_64 Linux system call convention: number in rax, arguments in rdi, rsi,
    // rdx, r10; the kernel clobbers rcx and r11 only. The caller vouches for the arguments.
    unsafe {
        asm!("syscall", inlateout("rax") n as isize => ret, in("rdi") a1, in("rsi") a2, in("rdx") a3,
             in("r10") a4, lateout("rcx") _, lateout("r11") _, options(nostack));
    }
    ret
}

#[repr(C)]
struct Timespec {
    secs: i64,
    nanos: i64,
}

impl Timespec {
    fn from(d: Duration) -> Timespec {
        Timespec { secs: i64::try_from(d.as_secs()).unwrap_or(i64::MAX), nanos: i64::from(d.subsec_nanos()) }
    }
}

/// Ends the process with `code`.
pub fn exit(code: i32) -> ! {
    // SAFETY: exit_group takes a plain integer and does not return.
    unsafe { syscall4(SYS_EXIT_GROUP, code as usize, 0, 0, 0) };
    unreachable!("exit_group returned")
}

/// Nanoseconds of CLOCK_MONOTONIC.
pub fn monotonic_nanos() -> u64 {
    let mut ts = Timespec { secs: 0, nanos: 0 };
    // SAFETY: clock_gettime writes one timespec to the pointer we pass, which is ours.
    let ret = unsafe { syscall4(SYS_CLOCK_GETTIME, CLOCK_MONOTONIC, &mut ts as *mut Timespec as usize, 0, 0) };
    assert_eq!(ret, 0, "clock_gettime(CLOCK_MONOTONIC) failed");
    (ts.secs as u64).saturating_mul(1_000_000_000).saturating_add(ts.nanos as u64)
}

/// Sleeps while `*word == expected`, for at most `timeout`; returns early on a wake, a signal,
/// or if the word already differs (the kernel compares and sleeps atomically).
pub fn futex_wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    let ts = timeout.map(Timespec::from);
    let ts_ptr = ts.as_ref().map_or(0, |ts| ts as *const Timespec as usize);
    // SAFETY: FUTEX_WAIT reads the aligned u32 behind `word` and the optional timespec, both
    // live for the call. Every outcome (woken, EAGAIN, EINTR, ETIMEDOUT) is a valid return.
    unsafe { syscall4(SYS_FUTEX, word.as_ptr() as usize, FUTEX_WAIT_PRIVATE, expected as usize, ts_ptr) };
}

/// Wakes one thread sleeping in [`futex_wait`] on `word`. Async-signal-safe.
pub fn futex_wake(word: &AtomicU32) {
    // SAFETY: FUTEX_WAKE only uses the address of `word` as a key.
    unsafe { syscall4(SYS_FUTEX, word.as_ptr() as usize, FUTEX_WAKE_PRIVATE, 1, 0) };
}

#[repr(C)]
struct SigAction {
    handler: usize,
    flags: u64,
    restorer: usize,
    mask: u64,
}

#[repr(C)]
struct ITimerVal {
    interval: Timeval,
    value: Timeval,
}

#[repr(C)]
struct Timeval {
    secs: i64,
    micros: i64,
}

/// Calls `handler` on every SIGALRM and arms the interval timer to raise one every `period`:
/// the program's stand-in for a periodic timer interrupt.
pub fn start_alarm(handler: extern "C" fn(i32), period: Duration) {
    let action = SigAction {
        handler: handler as *const () as usize,
        flags: SA_RESTORER,
        restorer: avx_sigreturn as *const () as usize,
        mask: 0,
    };
    // SAFETY: rt_sigaction reads one kernel `sigaction` (the layout above) with an 8-byte mask;
    // the restorer issues rt_sigreturn, as the kernel requires.
    let ret = unsafe { syscall4(SYS_RT_SIGACTION, SIGALRM, &action as *const SigAction as usize, 0, 8) };
    assert_eq!(ret, 0, "rt_sigaction(SIGALRM) failed");
    let tick = Timeval { secs: 0, micros: i64::from(period.subsec_micros()).max(1) };
    let timer = ITimerVal { interval: Timeval { ..tick }, value: tick };
    // SAFETY: setitimer reads one itimerval; the old value pointer is null.
    let ret = unsafe { syscall4(SYS_SETITIMER, ITIMER_REAL, &timer as *const ITimerVal as usize, 0, 0) };
    assert_eq!(ret, 0, "setitimer(ITIMER_REAL) failed");
}

/// Stops the interval timer.
pub fn stop_alarm() {
    let off = ITimerVal { interval: Timeval { secs: 0, micros: 0 }, value: Timeval { secs: 0, micros: 0 } };
    // SAFETY: as in `start_alarm`; a zero value disarms the timer.
    unsafe { syscall4(SYS_SETITIMER, ITIMER_REAL, &off as *const ITimerVal as usize, 0, 0) };
}

/// Standard output (`fd` 1) or error (`fd` 2) as a `fmt::Write`.
pub struct Fd(pub usize);

impl fmt::Write for Fd {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut rest = s.as_bytes();
        while !rest.is_empty() {
            // SAFETY: write reads `rest.len()` bytes from a live slice.
            let n = unsafe { syscall4(SYS_WRITE, self.0, rest.as_ptr() as usize, rest.len(), 0) };
            match n {
                n if n > 0 => rest = &rest[n as usize..],
                -4 => continue, // EINTR: the alarm signal interrupted the write
                _ => return Err(fmt::Error),
            }
        }
        Ok(())
    }
}

// The memory routines the compiler calls. A libc provides them on Linux; here `rep movsb` and
// `rep stosb` do (no loops the optimiser could turn back into calls to these very functions).
// On bare-metal targets compiler_builtins provides them.
#[cfg(target_os = "linux")]
mod mem {
    use core::arch::asm;

    /// # Safety
    /// `dst` and `src` are valid for `n` bytes and do not overlap.
    #[no_mangle]
    pub unsafe extern "C" fn memcpy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
        // SAFETY: copies `n` bytes forward; the caller guarantees both ranges.
        unsafe {
            asm!("rep movsb", inout("rcx") n => _, inout("rdi") dst => _, inout("rsi") src => _, options(nostack, preserves_flags))
        };
        dst
    }

    /// # Safety
    /// `dst` and `src` are valid for `n` bytes; they may overlap.
    #[no_mangle]
    pub unsafe extern "C" fn memmove(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
        if (dst as usize).wrapping_sub(src as usize) >= n {
            // SAFETY: `dst` is not inside `src..src + n`, so a forward copy reads each byte
            // before it is overwritten.
            return unsafe { memcpy(dst, src, n) };
        }
        // SAFETY: backward copy (direction flag set, restored) from the last byte of each range.
        unsafe {
            asm!("std", "rep movsb", "cld", inout("rcx") n => _, inout("rdi") dst.add(n - 1) => _,
                 inout("rsi") src.add(n - 1) => _, options(nostack));
        }
        dst
    }

    /// # Safety
    /// `dst` is valid for `n` bytes.
    #[no_mangle]
    pub unsafe extern "C" fn memset(dst: *mut u8, byte: i32, n: usize) -> *mut u8 {
        // SAFETY: stores `n` bytes forward; the caller guarantees the range.
        unsafe {
            asm!("rep stosb", inout("rcx") n => _, inout("rdi") dst => _, in("al") byte as u8, options(nostack, preserves_flags))
        };
        dst
    }

    /// # Safety
    /// `a` and `b` are valid for `n` bytes.
    #[no_mangle]
    pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
        for i in 0..n {
            // SAFETY: `i < n`, inside both ranges (caller's guarantee).
            let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
            if x != y {
                return i32::from(x) - i32::from(y);
            }
        }
        0
    }

    /// Named by the unwind tables of the precompiled `core`/`alloc` (built for unwinding);
    /// with `panic = "abort"` nothing unwinds, so it is never called.
    #[no_mangle]
    pub extern "C" fn rust_eh_personality() {
        crate::sys::exit(134)
    }

    /// # Safety
    /// `a` and `b` are valid for `n` bytes.
    #[no_mangle]
    pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
        // SAFETY: same contract as memcmp.
        unsafe { memcmp(a, b, n) }
    }
}
