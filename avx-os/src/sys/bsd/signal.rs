//! Signals through the C library: the numbers (shared by macOS and FreeBSD), `sigaction` and
//! `pthread_sigmask`, each system's `struct sigaction` and `sigset_t` written out.

use core::ffi::{c_int, c_void};

use super::{__error, c_write, check, Errno};

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
/// Invalid memory reference.
pub const SIGSEGV: i32 = 11;
/// Write to a pipe with no reader.
pub const SIGPIPE: i32 = 13;
/// Timer signal from `alarm`.
pub const SIGALRM: i32 = 14;
/// Termination request.
pub const SIGTERM: i32 = 15;
/// Stop (cannot be caught).
pub const SIGSTOP: i32 = 17;
/// A child stopped or terminated.
pub const SIGCHLD: i32 = 20;
/// I/O now possible.
pub const SIGIO: i32 = 23;
/// Window size change.
pub const SIGWINCH: i32 = 28;
/// Status request from the keyboard (Ctrl-T).
pub const SIGINFO: i32 = 29;
/// User-defined signal 1.
pub const SIGUSR1: i32 = 30;
/// User-defined signal 2.
pub const SIGUSR2: i32 = 31;
/// One more than the largest signal number.
#[cfg(target_os = "macos")]
pub const NSIG: usize = 32;
/// One more than the largest signal number (real-time signals end at 126).
#[cfg(target_os = "freebsd")]
pub const NSIG: usize = 128;

const SA_ONSTACK: c_int = 0x0001;
const SA_RESTART: c_int = 0x0002;
const SA_SIGINFO: c_int = 0x0040;

/// `how` for [`sigprocmask`]: add the set to the mask.
pub(crate) const SIG_BLOCK: i32 = 1;
/// `how` for [`sigprocmask`]: remove the set from the mask.
pub(crate) const SIG_UNBLOCK: i32 = 2;

/// A three-argument handler (`SA_SIGINFO`): signal number, `siginfo_t *`, `ucontext_t *`.
pub(crate) type Handler = extern "C" fn(i32, *mut c_void, *mut c_void);

/// The C `sigset_t`: one bit per signal, `signum - 1`.
#[cfg(target_os = "macos")]
type SigSet = u32;
/// The C `sigset_t`: one bit per signal, `signum - 1`, in four words.
#[cfg(target_os = "freebsd")]
type SigSet = [u32; 4];

/// The C `struct sigaction`.
#[cfg(target_os = "macos")]
#[repr(C)]
struct Sigaction {
    handler: usize,
    mask: SigSet,
    flags: c_int,
}

/// The C `struct sigaction`.
#[cfg(target_os = "freebsd")]
#[repr(C)]
struct Sigaction {
    handler: usize,
    flags: c_int,
    mask: SigSet,
}

extern "C" {
    #[link_name = "sigaction"]
    fn c_sigaction(signum: c_int, action: *const Sigaction, old: *mut Sigaction) -> c_int;
    #[link_name = "pthread_sigmask"]
    fn c_pthread_sigmask(how: c_int, set: *const SigSet, old: *mut SigSet) -> c_int;
}

/// The signal set holding just `signum` (valid numbers are `1..NSIG`).
#[cfg(target_os = "macos")]
fn sigset(signum: i32) -> SigSet {
    1 << (signum - 1)
}

/// The signal set holding just `signum` (valid numbers are `1..NSIG`).
#[cfg(target_os = "freebsd")]
fn sigset(signum: i32) -> SigSet {
    let bit = (signum - 1) as usize;
    let mut set = [0; 4];
    set[bit / 32] = 1 << (bit % 32);
    set
}

/// Installs `handler` for `signum`: with siginfo, interrupted system calls restarted, run on
/// the alternate signal stack if the thread has one, every signal blocked meanwhile (so a
/// burst of different signals runs the handlers one after another instead of nesting their
/// frames on that small stack).
///
/// # Safety
/// `handler` runs at any instruction of any thread: it may only do async-signal-safe work
/// and must not unwind.
pub(crate) unsafe fn set_handler(signum: i32, handler: Handler) -> Result<(), Errno> {
    #[cfg(target_os = "macos")]
    let mask = u32::MAX;
    #[cfg(target_os = "freebsd")]
    let mask = [u32::MAX; 4];
    let action = Sigaction { handler: handler as usize, mask, flags: SA_SIGINFO | SA_RESTART | SA_ONSTACK };
    // SAFETY: `action` is a valid sigaction alive for the call; the old one is not asked
    // for. The caller vouches for `handler`.
    check(unsafe { c_sigaction(signum, &action, core::ptr::null_mut()) } as isize).map(drop)
}

/// Adds `signum` to (`SIG_BLOCK`) or removes it from (`SIG_UNBLOCK`) the calling thread's
/// mask; returns whether it was blocked before.
pub(crate) fn set_thread_mask(how: i32, signum: i32) -> Result<bool, Errno> {
    let set = sigset(signum);
    let mut old = SigSet::default();
    // SAFETY: `set` is readable and `old` writable for the call.
    match unsafe { c_pthread_sigmask(how, &set, &mut old) } {
        0 => {}
        code => return Err(Errno(code)), // pthread functions return the error instead of setting errno
    }
    #[cfg(target_os = "macos")]
    let was = old & set != 0;
    #[cfg(target_os = "freebsd")]
    let was = old.iter().zip(set).any(|(o, s)| o & s != 0);
    Ok(was)
}

/// One `write(2)` of `byte` to `fd` from inside a signal handler, keeping the interrupted
/// code's `errno` (the C library's `write` sets it on failure).
pub(crate) fn write_from_handler(fd: i32, byte: u8) {
    // SAFETY: `__error` returns the calling thread's errno slot; `byte` is readable for the
    // call. Both calls are async-signal-safe.
    unsafe {
        let saved = *__error();
        let _ = c_write(fd, &byte, 1);
        *__error() = saved;
    }
}
