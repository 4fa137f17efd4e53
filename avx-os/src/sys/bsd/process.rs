//! Process calls through the C library: `waitpid` without blocking, and `kill`.

use core::ffi::c_int;

use super::{check, retry_eintr, Errno};

const WNOHANG: c_int = 1;

extern "C" {
    #[link_name = "waitpid"]
    fn c_waitpid(pid: c_int, status: *mut c_int, options: c_int) -> c_int;
    #[link_name = "kill"]
    fn c_kill(pid: c_int, signum: c_int) -> c_int;
}

/// `waitpid(pid, WNOHANG)`: reaps the child if it has terminated and returns its status
/// word; `Ok(None)` while it runs.
pub(crate) fn waitpid_nohang(pid: i32) -> Result<Option<i32>, Errno> {
    let mut status: c_int = 0;
    // SAFETY: `status` is a writable int for the call.
    let reaped = retry_eintr(|| check(unsafe { c_waitpid(pid, &mut status, WNOHANG) } as isize))?;
    Ok((reaped != 0).then_some(status))
}

/// `kill(pid, signum)`.
pub(crate) fn kill(pid: i32, signum: i32) -> Result<(), Errno> {
    // SAFETY: no pointer arguments.
    check(unsafe { c_kill(pid, signum) } as isize).map(drop)
}
