//! `OwnedFd`: a Unix file descriptor with one owner, closed on drop; the only way code outside
//! this crate reaches a descriptor's system calls. `pipe()` makes a nonblocking pair of them.

use core::fmt;

use avx_core::{AsSource, BorrowedSource, RawSource};

use crate::sys::os::{self as sys, F_DUPFD_CLOEXEC, F_GETFL, F_SETFL, O_NONBLOCK};
use crate::sys::Errno;

/// An open file descriptor owned by this value (a pipe end, a process descriptor, a socket).
pub struct OwnedFd {
    /// Invariant: open, and closed by nobody but this value's `Drop`.
    fd: i32,
}

impl OwnedFd {
    /// Takes ownership of an open descriptor, e.g. one std gave up with `into_raw_fd`.
    ///
    /// # Safety
    /// `fd` must be open and owned by nobody else: this value reads, writes and closes it.
    pub unsafe fn from_raw(fd: i32) -> OwnedFd {
        OwnedFd { fd }
    }

    /// Gives up ownership without closing; the caller now owns the descriptor.
    pub fn into_raw(self) -> i32 {
        let fd = self.fd;
        core::mem::forget(self);
        fd
    }

    /// The descriptor's number (using it for I/O is up to `unsafe` code that owns it).
    pub fn as_raw(&self) -> i32 {
        self.fd
    }

    /// `read(2)`: `Ok(0)` at end of file, `EAGAIN` when nonblocking and nothing is there.
    pub fn read(&self, buf: &mut [u8]) -> Result<usize, Errno> {
        sys::read(self.fd, buf)
    }

    /// `write(2)`: `EAGAIN` when nonblocking and there is no room.
    pub fn write(&self, buf: &[u8]) -> Result<usize, Errno> {
        sys::write(self.fd, buf)
    }

    /// Sets or clears `O_NONBLOCK` (shared with every duplicate of the descriptor).
    pub fn set_nonblocking(&self, nonblocking: bool) -> Result<(), Errno> {
        let flags = sys::fcntl(self.fd, F_GETFL, 0)?;
        let wanted = if nonblocking { flags | O_NONBLOCK } else { flags & !O_NONBLOCK };
        if wanted != flags {
            sys::fcntl(self.fd, F_SETFL, wanted)?;
        }
        Ok(())
    }

    /// A second descriptor for the same open file (offset and status flags are shared),
    /// close-on-exec.
    pub fn try_clone(&self) -> Result<OwnedFd, Errno> {
        let fd = sys::fcntl(self.fd, F_DUPFD_CLOEXEC, 0)?;
        Ok(OwnedFd { fd: fd as i32 })
    }
}

impl AsSource for OwnedFd {
    fn as_source(&self) -> BorrowedSource<'_> {
        // SAFETY: the descriptor stays open while `self` is borrowed: only `Drop` closes it.
        unsafe { BorrowedSource::borrow_raw(RawSource(self.fd as usize)) }
    }
}

impl Drop for OwnedFd {
    fn drop(&mut self) {
        // Nothing useful can be done about a failed close; the descriptor is released anyway.
        let _ = sys::close(self.fd);
    }
}

impl fmt::Debug for OwnedFd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OwnedFd").field(&self.fd).finish()
    }
}

/// A new pipe, both ends nonblocking and close-on-exec: `(read end, write end)`.
pub fn pipe() -> Result<(OwnedFd, OwnedFd), Errno> {
    let [read, write] = sys::pipe()?;
    Ok((OwnedFd { fd: read }, OwnedFd { fd: write }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pipe_carries_bytes_and_reports_eof_once_the_writer_is_gone() {
        let (read, write) = pipe().unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(read.read(&mut buf), Err(Errno::EAGAIN), "nonblocking from the start");
        assert_eq!(write.write(b"abc"), Ok(3));
        assert_eq!(read.read(&mut buf), Ok(3));
        assert_eq!(&buf[..3], b"abc");
        drop(write);
        assert_eq!(read.read(&mut buf), Ok(0));
    }

    #[test]
    fn a_clone_shares_the_pipe_and_outlives_the_original() {
        let (read, write) = pipe().unwrap();
        let clone = read.try_clone().unwrap();
        assert_ne!(clone.as_raw(), read.as_raw());
        drop(read);
        write.write(b"x").unwrap();
        let mut buf = [0u8; 1];
        assert_eq!(clone.read(&mut buf), Ok(1));
    }

    #[test]
    fn nonblocking_can_be_switched_off_and_on() {
        let (read, _write) = pipe().unwrap();
        read.set_nonblocking(false).unwrap();
        assert_eq!(sys::fcntl(read.as_raw(), F_GETFL, 0).unwrap() & O_NONBLOCK, 0);
        read.set_nonblocking(true).unwrap();
        assert_eq!(read.read(&mut [0u8; 1]), Err(Errno::EAGAIN));
    }

    #[test]
    fn into_raw_keeps_the_descriptor_open() {
        let (read, write) = pipe().unwrap();
        let raw = write.into_raw();
        // SAFETY: `raw` was just given up by its owner and nothing else holds it.
        let write = unsafe { OwnedFd::from_raw(raw) };
        assert_eq!(write.write(b"y"), Ok(1));
        assert_eq!(read.read(&mut [0u8; 1]), Ok(1));
    }
}
