//! Child processes on Unix: reaping without blocking (`waitid` on Linux, `waitpid`
//! elsewhere), `kill`, and on Linux 5.3+ `Pidfd`, a descriptor readable once the child exits.

#[cfg(target_os = "linux")]
use avx_core::{AsSource, BorrowedSource};

#[cfg(target_os = "linux")]
use crate::fd::OwnedFd;
#[cfg(any(target_os = "macos", target_os = "freebsd"))]
use crate::sys::bsd::process as sys;
#[cfg(target_os = "linux")]
use crate::sys::linux::process as sys;
use crate::sys::Errno;

/// How a reaped child ended, as the `waitpid` status word (std's `ExitStatusExt::from_raw`
/// takes it as is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitStatus(i32);

impl WaitStatus {
    /// The raw status word.
    pub fn into_raw(self) -> i32 {
        self.0
    }

    /// The exit code, if the child exited rather than being killed.
    pub fn code(self) -> Option<i32> {
        (self.0 & 0x7f == 0).then_some((self.0 >> 8) & 0xff)
    }

    /// The signal that killed the child, if one did.
    pub fn signal(self) -> Option<i32> {
        let signum = self.0 & 0x7f;
        (signum != 0 && signum != 0x7f).then_some(signum)
    }
}

/// A positive process id as the kernel's `pid_t`: 0 and ids beyond `i32::MAX` would mean
/// "a process group" or "every process" to `kill` and `waitpid`, so they are `EINVAL`.
fn pid_t(pid: u32) -> Result<i32, Errno> {
    match i32::try_from(pid) {
        Ok(pid) if pid > 0 => Ok(pid),
        _ => Err(Errno::EINVAL),
    }
}

/// Reaps child `pid` if it has terminated; `Ok(None)` while it runs, `ECHILD` if it is not
/// (or no longer) a child of this process.
pub fn try_wait(pid: u32) -> Result<Option<WaitStatus>, Errno> {
    let pid = pid_t(pid)?;
    #[cfg(target_os = "linux")]
    let status = sys::waitid_nohang(sys::P_PID, pid as u32)?;
    #[cfg(any(target_os = "macos", target_os = "freebsd"))]
    let status = sys::waitpid_nohang(pid)?;
    Ok(status.map(WaitStatus))
}

/// Sends `signum` to process `pid` (`ESRCH` if there is none; a child that exited but is not
/// reaped yet still accepts it).
pub fn kill(pid: u32, signum: i32) -> Result<(), Errno> {
    sys::kill(pid_t(pid)?, signum)
}

/// A process descriptor (Linux 5.3+): names one process for good, even after its id is
/// reused, and the reactor sees it readable once the process has exited.
#[cfg(target_os = "linux")]
#[derive(Debug)]
pub struct Pidfd {
    fd: OwnedFd,
    pid: u32,
}

#[cfg(target_os = "linux")]
impl Pidfd {
    /// Opens a descriptor for `pid`, which must be alive or not yet reaped. `ENOSYS` before
    /// Linux 5.3 (and where seccomp filters forbid it).
    pub fn open(pid: u32) -> Result<Pidfd, Errno> {
        let fd = sys::pidfd_open(pid_t(pid)?)?;
        // SAFETY: pidfd_open just returned the descriptor; nothing else has seen it.
        Ok(Pidfd { fd: unsafe { OwnedFd::from_raw(fd) }, pid })
    }

    /// The process id it was opened for.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// A second descriptor for the same process (close-on-exec).
    pub fn try_clone(&self) -> Result<Pidfd, Errno> {
        Ok(Pidfd { fd: self.fd.try_clone()?, pid: self.pid })
    }

    /// Reaps the process if it has terminated, like [`try_wait`]. Linux 5.3 has pidfds but
    /// not `waitid(P_PIDFD)` (5.4): there the id is used, still safe from reuse because an
    /// unreaped child keeps its id.
    pub fn try_wait(&self) -> Result<Option<WaitStatus>, Errno> {
        let status = match sys::waitid_nohang(sys::P_PIDFD, self.fd.as_raw() as u32) {
            Err(Errno::EINVAL) => sys::waitid_nohang(sys::P_PID, self.pid)?,
            other => other?,
        };
        Ok(status.map(WaitStatus))
    }

    /// Sends `signum` to the process (`ESRCH` once it has been reaped).
    pub fn send_signal(&self, signum: i32) -> Result<(), Errno> {
        sys::pidfd_send_signal(self.fd.as_raw(), signum)
    }
}

#[cfg(target_os = "linux")]
impl AsSource for Pidfd {
    fn as_source(&self) -> BorrowedSource<'_> {
        self.fd.as_source()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signal::SIGKILL;

    /// Starts `sh -c script`; the tests reap it through this module, not std.
    fn spawn(script: &str) -> u32 {
        std::process::Command::new("sh").args(["-c", script]).spawn().expect("sh").id()
    }

    /// Polls `try_wait` until the child is reaped (bounded: a child that never ends fails).
    fn reap(mut try_wait: impl FnMut() -> Result<Option<WaitStatus>, Errno>) -> WaitStatus {
        for _ in 0..100_000 {
            if let Some(status) = try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(core::time::Duration::from_micros(100));
        }
        panic!("the child was never reaped");
    }

    #[test]
    fn exit_codes_and_killing_signals_are_reported() {
        let child = spawn("exit 3");
        let status = reap(|| try_wait(child));
        assert_eq!((status.code(), status.signal()), (Some(3), None));
        assert_eq!(try_wait(child), Err(Errno::ECHILD), "reaped once");

        let child = spawn("sleep 30");
        assert_eq!(try_wait(child), Ok(None));
        kill(child, SIGKILL).unwrap();
        let status = reap(|| try_wait(child));
        assert_eq!((status.code(), status.signal()), (None, Some(SIGKILL)));
    }

    #[test]
    fn pids_that_name_groups_are_refused() {
        assert_eq!(kill(0, SIGKILL), Err(Errno::EINVAL));
        assert_eq!(kill(u32::MAX, SIGKILL), Err(Errno::EINVAL));
        assert_eq!(try_wait(0), Err(Errno::EINVAL));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_pidfd_signals_and_reaps_its_process() {
        let child = spawn("sleep 30");
        let pidfd = match Pidfd::open(child) {
            Err(Errno::ENOSYS) => {
                kill(child, SIGKILL).unwrap();
                reap(|| try_wait(child));
                return; // kernel before 5.3
            }
            other => other.unwrap(),
        };
        assert_eq!(pidfd.pid(), child);
        assert_eq!(pidfd.try_wait(), Ok(None));
        pidfd.send_signal(SIGKILL).unwrap();
        let status = reap(|| pidfd.try_wait());
        assert_eq!(status.signal(), Some(SIGKILL));
        assert_eq!(pidfd.send_signal(SIGKILL), Err(Errno::ESRCH), "gone once reaped");
    }
}
