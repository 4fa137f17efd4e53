//! Catching Unix signals: `catch` installs the one handler (async-signal-safe: an atomic flag
//! per signal, then one `write` to the wake pipe); reactors watch duplicates of the read end.

use core::ffi::c_void;
use core::fmt;
use core::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use crate::fd::{pipe, OwnedFd};
use crate::sys::os::signal as sys;
use crate::sys::Errno;

#[cfg(any(target_os = "macos", target_os = "freebsd"))]
pub use sys::SIGINFO;
pub use sys::{
    NSIG, SIGALRM, SIGCHLD, SIGFPE, SIGHUP, SIGILL, SIGINT, SIGIO, SIGKILL, SIGPIPE, SIGQUIT, SIGSEGV, SIGSTOP,
    SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH,
};
#[cfg(target_os = "linux")]
pub use sys::{SIGRTMAX, SIGRTMIN};

/// Why [`catch`] refused a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatchError {
    /// Not a signal number of this system.
    Invalid(i32),
    /// A signal whose default action must stay, with the reason.
    Forbidden(i32, &'static str),
    /// The system refused to install the handler (or to create the wake pipe).
    Os(Errno),
}

impl fmt::Display for CatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CatchError::Invalid(n) => write!(f, "{n} is not a signal number here (valid: 1 to {})", NSIG - 1),
            CatchError::Forbidden(n, why) => write!(f, "signal {n} cannot be handled: {why}"),
            CatchError::Os(e) => write!(f, "installing the signal handler failed: {e}"),
        }
    }
}

/// Set by the handler, taken by [`drain_pending`].
static PENDING: [AtomicBool; NSIG] = [const { AtomicBool::new(false) }; NSIG];
/// The wake pipe's write end, for the handler (-1 until the pipe exists).
static WAKE_WRITE: AtomicI32 = AtomicI32::new(-1);

struct Catcher {
    /// `(read end, write end)`. The read end is never read: reactors get duplicates. Keeping
    /// it open means the handler's write can never raise `SIGPIPE`.
    wake: Option<(OwnedFd, OwnedFd)>,
    caught: [bool; NSIG],
}

static CATCHER: spin::Mutex<Catcher> = spin::Mutex::new(Catcher { wake: None, caught: [false; NSIG] });

impl Catcher {
    fn wake_read_end(&mut self) -> Result<&OwnedFd, Errno> {
        if self.wake.is_none() {
            let (read, write) = pipe()?;
            WAKE_WRITE.store(write.as_raw(), Ordering::Release);
            self.wake = Some((read, write));
        }
        Ok(&self.wake.as_ref().expect("created above").0)
    }
}

/// Whether `signum` can be caught; the reason if not.
pub fn check(signum: i32) -> Result<(), CatchError> {
    if signum <= 0 || signum as usize >= NSIG {
        return Err(CatchError::Invalid(signum));
    }
    let reason = match signum {
        SIGKILL | SIGSTOP => "SIGKILL and SIGSTOP are never delivered to a handler",
        SIGSEGV | SIGILL | SIGFPE => "it reports a fault in the thread that raised it, which must not resume",
        #[cfg(target_os = "linux")]
        32 | 33 => "the C library's threads use it (the first real-time signal for programs is 34)",
        _ => return Ok(()),
    };
    Err(CatchError::Forbidden(signum, reason))
}

/// Installs the handler for `signum` (once; later calls only check). From then on, for the
/// life of the process, `signum` no longer has its default action: each delivery marks it
/// pending and makes the wake pipe readable.
pub fn catch(signum: i32) -> Result<(), CatchError> {
    check(signum)?;
    let mut catcher = CATCHER.lock();
    catcher.wake_read_end().map_err(CatchError::Os)?;
    if !catcher.caught[signum as usize] {
        // SAFETY: `on_signal` only touches atomics and makes one write(2) call.
        unsafe { sys::set_handler(signum, on_signal) }.map_err(CatchError::Os)?;
        catcher.caught[signum as usize] = true;
    }
    Ok(())
}

/// A new descriptor for the read end of the wake pipe (nonblocking, close-on-exec): each
/// caught delivery writes one byte. Readers drain it, then call [`drain_pending`].
pub fn wake_receiver() -> Result<OwnedFd, Errno> {
    CATCHER.lock().wake_read_end()?.try_clone()
}

/// Calls `f` with each signal delivered since it was last taken, and clears it. Deliveries
/// of one signal in between are coalesced into one.
pub fn drain_pending(mut f: impl FnMut(i32)) {
    for (signum, flag) in PENDING.iter().enumerate() {
        if flag.load(Ordering::Relaxed) && flag.swap(false, Ordering::Acquire) {
            f(signum as i32);
        }
    }
}

/// Blocks (`true`) or unblocks `signum` for the calling thread only; returns whether it was
/// blocked. The process still receives the signal on threads that do not block it.
pub fn set_blocked(signum: i32, blocked: bool) -> Result<bool, CatchError> {
    if signum <= 0 || signum as usize >= NSIG {
        return Err(CatchError::Invalid(signum));
    }
    let how = if blocked { sys::SIG_BLOCK } else { sys::SIG_UNBLOCK };
    sys::set_thread_mask(how, signum).map_err(CatchError::Os)
}

/// The handler: async-signal-safe work only (an atomic store, one system call), no panics.
extern "C" fn on_signal(signum: i32, _info: *mut c_void, _context: *mut c_void) {
    if let Some(flag) = usize::try_from(signum).ok().and_then(|n| PENDING.get(n)) {
        flag.store(true, Ordering::Release);
    }
    let fd = WAKE_WRITE.load(Ordering::Acquire);
    if fd >= 0 {
        // A full pipe already holds a wake-up; nothing else can fail on a pipe whose read
        // end stays open.
        sys::write_from_handler(fd, signum as u8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process;

    #[test]
    fn a_delivered_signal_wakes_the_pipe_and_is_pending_once() {
        catch(SIGUSR2).unwrap();
        let receiver = wake_receiver().unwrap();
        process::kill(std::process::id(), SIGUSR2).unwrap();
        let mut byte = [0u8; 1];
        // The handler may run on another thread of this process, a moment later.
        let mut spins = 0u64;
        while receiver.read(&mut byte) == Err(Errno::EAGAIN) {
            spins += 1;
            assert!(spins < 1 << 32, "the handler never wrote to the wake pipe");
            std::thread::yield_now();
        }
        assert_eq!(byte[0], SIGUSR2 as u8);
        let mut seen = std::vec::Vec::new();
        drain_pending(|n| seen.push(n));
        assert!(seen.contains(&SIGUSR2));
        seen.clear();
        drain_pending(|n| seen.push(n));
        assert!(!seen.contains(&SIGUSR2), "taken once");
    }

    #[test]
    fn uncatchable_and_invalid_numbers_are_refused_with_a_reason() {
        assert!(matches!(catch(SIGKILL), Err(CatchError::Forbidden(SIGKILL, _))));
        assert!(matches!(catch(SIGSTOP), Err(CatchError::Forbidden(SIGSTOP, _))));
        assert!(matches!(catch(SIGSEGV), Err(CatchError::Forbidden(SIGSEGV, _))));
        assert_eq!(catch(0), Err(CatchError::Invalid(0)));
        assert_eq!(catch(-1), Err(CatchError::Invalid(-1)));
        assert_eq!(catch(NSIG as i32), Err(CatchError::Invalid(NSIG as i32)));
        let message = std::format!("{}", catch(SIGKILL).unwrap_err());
        assert!(message.contains("never delivered"), "{message}");
    }

    #[test]
    fn the_thread_mask_can_block_and_unblock() {
        assert!(!set_blocked(SIGWINCH, true).unwrap());
        assert!(set_blocked(SIGWINCH, false).unwrap());
        assert_eq!(set_blocked(0, true), Err(CatchError::Invalid(0)));
    }
}
