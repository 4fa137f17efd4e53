//! kqueue(2)/kevent(2): the `struct kevent` of each system (FreeBSD 12+ appends `ext[4]`)
//! and the flags avx's reactor uses. Read/write filters and result flags: `reactor::kevent_ready`.

use core::ffi::{c_int, c_void};

use super::{check, close, set_cloexec, Errno, Timespec};

/// `EV_ADD`: add (or modify) the event.
pub const EV_ADD: u16 = 0x0001;
/// `EV_DELETE`: remove the event.
pub const EV_DELETE: u16 = 0x0002;
/// `EV_CLEAR`: reset the state after delivery (edge-triggered).
pub const EV_CLEAR: u16 = 0x0020;
/// `EV_RECEIPT`: report every change's result instead of draining pending events.
pub const EV_RECEIPT: u16 = 0x0040;
/// `EVFILT_USER`: an event triggered by the program itself.
#[cfg(target_os = "macos")]
pub const EVFILT_USER: i16 = -10;
/// `EVFILT_USER`: an event triggered by the program itself.
#[cfg(target_os = "freebsd")]
pub const EVFILT_USER: i16 = -11;
/// `NOTE_TRIGGER`: fire an `EVFILT_USER` event.
pub const NOTE_TRIGGER: u32 = 0x0100_0000;

/// The C `struct kevent`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct Kevent {
    /// The identifier (a file descriptor for read/write filters).
    pub ident: usize,
    /// `EVFILT_*`.
    pub filter: i16,
    /// `EV_*`.
    pub flags: u16,
    /// Filter-specific flags (`NOTE_*`; at EOF the socket error).
    pub fflags: u32,
    /// Filter-specific data (an errno for `EV_ERROR`).
    #[cfg(target_os = "macos")]
    pub data: isize,
    /// Filter-specific data (an errno for `EV_ERROR`).
    #[cfg(target_os = "freebsd")]
    pub data: i64,
    /// Opaque user data, returned with the event (avx stores the token).
    pub udata: *mut c_void,
    /// Extensions (FreeBSD 12 and later).
    #[cfg(target_os = "freebsd")]
    pub ext: [u64; 4],
}

impl Kevent {
    /// A change record for `ident`/`filter` with `flags`, carrying `udata`.
    pub fn new(ident: usize, filter: i16, flags: u16, fflags: u32, udata: usize) -> Kevent {
        Kevent { udata: udata as *mut c_void, ident, filter, flags, fflags, ..Kevent::default() }
    }
}

impl Default for Kevent {
    fn default() -> Kevent {
        Kevent {
            ident: 0,
            filter: 0,
            flags: 0,
            fflags: 0,
            data: 0,
            udata: core::ptr::null_mut(),
            #[cfg(target_os = "freebsd")]
            ext: [0; 4],
        }
    }
}

// SAFETY: `udata` is an opaque integer (a token) that is never dereferenced.
unsafe impl Send for Kevent {}

extern "C" {
    #[link_name = "kqueue"]
    fn c_kqueue() -> c_int;
    #[link_name = "kevent"]
    fn c_kevent(
        kq: c_int,
        changes: *const Kevent,
        nchanges: c_int,
        events: *mut Kevent,
        nevents: c_int,
        timeout: *const Timespec,
    ) -> c_int;
}

/// A new kqueue with close-on-exec set.
pub fn kqueue() -> Result<i32, Errno> {
    // SAFETY: no arguments.
    let kq = check(unsafe { c_kqueue() } as isize)? as i32;
    if let Err(e) = set_cloexec(kq) {
        let _ = close(kq);
        return Err(e);
    }
    Ok(kq)
}

/// `kevent(2)`: applies `changes`, then waits up to `timeout` (`None`: forever) for events
/// stored into `events`. `EINTR` is reported as zero events so a timeout is never extended.
pub fn kevent(kq: i32, changes: &[Kevent], events: &mut [Kevent], timeout: Option<&Timespec>) -> Result<usize, Errno> {
    let nchanges = c_int::try_from(changes.len()).map_err(|_| Errno::EINVAL)?;
    let nevents = c_int::try_from(events.len()).unwrap_or(c_int::MAX);
    let ts = timeout.map_or(core::ptr::null(), |t| t as *const Timespec);
    // SAFETY: `changes` is readable and `events` writable for the counts passed; `ts` is null
    // or points at a timespec alive for the call.
    let r = check(unsafe { c_kevent(kq, changes.as_ptr(), nchanges, events.as_mut_ptr(), nevents, ts) } as isize);
    match r {
        Err(Errno::EINTR) => Ok(0),
        other => other,
    }
}
