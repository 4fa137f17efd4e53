//! Process calls: `pidfd_open` (Linux 5.3), `waitid` by pid or pidfd (5.4) without blocking,
//! `kill` and `pidfd_send_signal` (5.1).

use super::{arch, check, nr, retry_eintr, Errno};

/// `idtype_t` for [`waitid_nohang`]: `id` is a process id.
pub(crate) const P_PID: usize = 1;
/// `idtype_t` for [`waitid_nohang`]: `id` is a pidfd.
pub(crate) const P_PIDFD: usize = 3;

const WNOHANG: usize = 1;
const WEXITED: usize = 4;

const CLD_EXITED: i32 = 1;
const CLD_KILLED: i32 = 2;
const CLD_DUMPED: i32 = 3;

/// The start of the kernel's 128-byte `siginfo_t` as `waitid` fills it for a child.
#[repr(C, align(8))]
struct ChildInfo {
    signo: i32,
    errno: i32,
    code: i32,
    _pad: i32,
    pid: i32,
    uid: u32,
    status: i32,
    _rest: [u32; 25],
}

/// `pidfd_open(pid, 0)`: a close-on-exec descriptor that becomes readable when `pid` exits.
pub(crate) fn pidfd_open(pid: i32) -> Result<i32, Errno> {
    // SAFETY: no pointer arguments.
    check(unsafe { arch::syscall2(nr::PIDFD_OPEN, pid as usize, 0) }).map(|fd| fd as i32)
}

/// `pidfd_send_signal(pidfd, signum, NULL, 0)`.
pub(crate) fn pidfd_send_signal(pidfd: i32, signum: i32) -> Result<(), Errno> {
    // SAFETY: a null siginfo asks the kernel to fill in the usual `kill` one.
    check(unsafe { arch::syscall4(nr::PIDFD_SEND_SIGNAL, pidfd as usize, signum as usize, 0, 0) }).map(drop)
}

/// `kill(pid, signum)`.
pub(crate) fn kill(pid: i32, signum: i32) -> Result<(), Errno> {
    // SAFETY: no pointer arguments.
    check(unsafe { arch::syscall2(nr::KILL, pid as isize as usize, signum as usize) }).map(drop)
}

/// `waitid(idtype, id, WEXITED | WNOHANG)`: reaps the child if it has terminated and returns
/// its `waitpid`-style status word; `Ok(None)` while it runs.
pub(crate) fn waitid_nohang(idtype: usize, id: u32) -> Result<Option<i32>, Errno> {
    // Zeroed: with WNOHANG and nothing to report the kernel leaves `pid` at 0.
    let mut info = ChildInfo { signo: 0, errno: 0, code: 0, _pad: 0, pid: 0, uid: 0, status: 0, _rest: [0; 25] };
    retry_eintr(|| {
        // SAFETY: `info` is a writable 128-byte siginfo_t; a null rusage is allowed.
        check(unsafe {
            arch::syscall5(nr::WAITID, idtype, id as usize, &mut info as *mut ChildInfo as usize, WEXITED | WNOHANG, 0)
        })
    })?;
    if info.pid == 0 {
        return Ok(None);
    }
    Ok(Some(match info.code {
        CLD_EXITED => (info.status & 0xff) << 8,
        CLD_KILLED => info.status & 0x7f,
        CLD_DUMPED => (info.status & 0x7f) | 0x80,
        // WEXITED reports nothing else; keep the raw number rather than invent a status.
        _ => info.status,
    }))
}
