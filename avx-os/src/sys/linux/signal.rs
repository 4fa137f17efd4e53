//! Signals: the numbers, `rt_sigaction` (every handler returns through the `sa_restorer`
//! stub in `arch`, as with libc) and `rt_sigprocmask`. x86_64 and aarch64 share all of it.

use core::ffi::c_void;

use super::{arch, check, nr, Errno};

/// Hang-up of the controlling terminal.
pub const SIGHUP: i32 = 1;
/// Interrupt from the keyboard (Ctrl-C).
pub const SIGINT: i32 = 2;
/// Quit from the keyboard.
pub const SIGQUIT: i32 = 3;
/// Illegal instruction.
pub const SIGILL: i32 = 4;
/// Floating-point exception.
pub const SIGFPE: i32 = 8;
/// Kill (cannot be caught).
pub const SIGKILL: i32 = 9;
/// User-defined signal 1.
pub const SIGUSR1: i32 = 10;
/// Invalid memory reference.
pub const SIGSEGV: i32 = 11;
/// User-defined signal 2.
pub const SIGUSR2: i32 = 12;
/// Write to a pipe with no reader.
pub const SIGPIPE: i32 = 13;
/// Timer signal from `alarm`.
pub const SIGALRM: i32 = 14;
/// Termination request.
pub const SIGTERM: i32 = 15;
/// A child stopped or terminated.
pub const SIGCHLD: i32 = 17;
/// Stop (cannot be caught).
pub const SIGSTOP: i32 = 19;
/// Window size change.
pub const SIGWINCH: i32 = 28;
/// I/O now possible.
pub const SIGIO: i32 = 29;
/// The first real-time signal the kernel offers; 32 and 33 are taken by the C library's threads.
pub const SIGRTMIN: i32 = 32;
/// The last real-time signal.
pub const SIGRTMAX: i32 = 64;
/// One more than the largest signal number.
pub const NSIG: usize = 65;

const SA_SIGINFO: u64 = 0x4;
const SA_RESTORER: u64 = 0x0400_0000;
const SA_ONSTACK: u64 = 0x0800_0000;
const SA_RESTART: u64 = 0x1000_0000;

/// `how` for [`set_thread_mask`]: add the signal to the mask.
pub(crate) const SIG_BLOCK: i32 = 0;
/// `how` for [`set_thread_mask`]: remove the signal from the mask.
pub(crate) const SIG_UNBLOCK: i32 = 1;

/// A three-argument handler (`SA_SIGINFO`): signal number, `siginfo_t *`, `ucontext_t *`.
pub(crate) type Handler = extern "C" fn(i32, *mut c_void, *mut c_void);

/// The kernel's `struct sigaction` (not libc's: the mask comes last and is 64 bits).
#[repr(C)]
struct KernelSigaction {
    handler: usize,
    flags: u64,
    restorer: usize,
    mask: u64,
}

/// The signal set holding just `signum` (valid numbers are `1..NSIG`).
fn sigset(signum: i32) -> u64 {
    1u64 << (signum - 1)
}

/// Installs `handler` for `signum`: with siginfo, interrupted system calls restarted, run on
/// the alternate signal stack if the thread has one, every signal blocked meanwhile (so a
/// burst of different signals runs the handlers one after another instead of nesting their
/// frames on that small stack).
///
/// # Safety
/// `handler` runs at any instruction of any thread: it may only do async-signal-safe work
/// (atomics, raw system calls) and must not unwind.
pub(crate) unsafe fn set_handler(signum: i32, handler: Handler) -> Result<(), Errno> {
    let action = KernelSigaction {
        handler: handler as usize,
        flags: SA_SIGINFO | SA_RESTART | SA_ONSTACK | SA_RESTORER,
        restorer: arch::signal_restorer(),
        mask: u64::MAX,
    };
    // SAFETY: `action` is a valid kernel sigaction alive for the call; the old action is not
    // asked for (null); the set size is the kernel's 8 bytes. The caller vouches for `handler`.
    check(unsafe {
        arch::syscall4(nr::RT_SIGACTION, signum as usize, &action as *const KernelSigaction as usize, 0, 8)
    })
    .map(drop)
}

/// Adds `signum` to (`SIG_BLOCK`) or removes it from (`SIG_UNBLOCK`) the calling thread's
/// mask with `rt_sigprocmask`; returns whether it was blocked before.
pub(crate) fn set_thread_mask(how: i32, signum: i32) -> Result<bool, Errno> {
    let set = sigset(signum);
    let mut old = 0u64;
    // SAFETY: `set` is readable and `old` writable, 8 bytes each, for the call.
    check(unsafe {
        arch::syscall4(nr::RT_SIGPROCMASK, how as usize, &set as *const u64 as usize, &mut old as *mut u64 as usize, 8)
    })?;
    Ok(old & set != 0)
}

/// One `write(2)` of `byte` to `fd` from inside a signal handler: a single system call, no
/// retry, and (being a raw call) it leaves the C library's `errno` alone.
pub(crate) fn write_from_handler(fd: i32, byte: u8) {
    // SAFETY: the pointer/length pair describes `byte`, readable for the call.
    let _ = unsafe { arch::syscall3(nr::WRITE, fd as usize, &byte as *const u8 as usize, 1) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_signal_number_is_einval() {
        extern "C" fn ignore(_: i32, _: *mut c_void, _: *mut c_void) {}
        // SAFETY: the handler does nothing at all; the call fails before installing it anyway.
        assert_eq!(unsafe { set_handler(SIGKILL, ignore) }, Err(Errno::EINVAL));
        // SAFETY: as above.
        assert_eq!(unsafe { set_handler(NSIG as i32, ignore) }, Err(Errno::EINVAL));
    }
}
