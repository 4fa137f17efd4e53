//! I/O completion ports: create, associate a handle, dequeue completions in batches and post
//! a packet (the reactor's wake-up).

use core::ptr;

use super::{check_bool, last_error, Errno, Handle, INVALID_HANDLE_VALUE};

/// `WAIT_TIMEOUT`: `GetQueuedCompletionStatusEx` returned without a packet.
const WAIT_TIMEOUT: u32 = 258;
/// `FILE_SKIP_SET_EVENT_ON_HANDLE`: completions do not signal the file handle itself.
pub const FILE_SKIP_SET_EVENT_ON_HANDLE: u8 = 2;

/// `OVERLAPPED_ENTRY`: one dequeued completion packet.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct OverlappedEntry {
    /// The key the handle was associated with (or that the poster chose).
    pub completion_key: usize,
    /// The `OVERLAPPED` pointer (for NT calls: their `ApcContext`), as an integer.
    pub overlapped: usize,
    /// Reserved (the NT status of the operation).
    pub internal: usize,
    /// Bytes transferred.
    pub bytes_transferred: u32,
}

#[link(name = "kernel32")]
extern "system" {
    fn CreateIoCompletionPort(file: Handle, existing: Handle, key: usize, threads: u32) -> Handle;
    fn GetQueuedCompletionStatusEx(
        port: Handle,
        entries: *mut OverlappedEntry,
        count: u32,
        removed: *mut u32,
        millis: u32,
        alertable: i32,
    ) -> i32;
    fn PostQueuedCompletionStatus(port: Handle, bytes: u32, key: usize, overlapped: *mut u8) -> i32;
    fn SetFileCompletionNotificationModes(file: Handle, flags: u8) -> i32;
}

/// A new completion port (any number of threads may dequeue).
pub fn create_port() -> Result<Handle, Errno> {
    // SAFETY: no pointers; INVALID_HANDLE_VALUE with a null port means "create a port".
    let port = unsafe { CreateIoCompletionPort(INVALID_HANDLE_VALUE, 0, 0, 0) };
    if port == 0 {
        Err(last_error())
    } else {
        Ok(port)
    }
}

/// Associates `file` with `port`: its completions are queued there with `key`.
pub fn associate(port: Handle, file: Handle, key: usize) -> Result<(), Errno> {
    // SAFETY: no pointers; bad handles are reported as errors.
    let r = unsafe { CreateIoCompletionPort(file, port, key, 0) };
    if r == 0 {
        Err(last_error())
    } else {
        Ok(())
    }
}

/// `SetFileCompletionNotificationModes`.
pub fn set_notification_modes(file: Handle, flags: u8) -> Result<(), Errno> {
    // SAFETY: no pointers.
    check_bool(unsafe { SetFileCompletionNotificationModes(file, flags) })
}

/// Dequeues up to `entries.len()` packets, waiting up to `millis`; a timeout is zero packets.
pub fn dequeue(port: Handle, entries: &mut [OverlappedEntry], millis: u32) -> Result<usize, Errno> {
    let count = u32::try_from(entries.len()).unwrap_or(u32::MAX);
    let mut removed = 0u32;
    // SAFETY: `entries` is writable for `count` entries and `removed` is a writable u32.
    let ok = unsafe { GetQueuedCompletionStatusEx(port, entries.as_mut_ptr(), count, &mut removed, millis, 0) };
    if ok != 0 {
        return Ok(removed as usize);
    }
    match last_error() {
        Errno(code) if code as u32 == WAIT_TIMEOUT => Ok(0),
        other => Err(other),
    }
}

/// Queues a packet with `key` and no `OVERLAPPED`.
pub fn post(port: Handle, key: usize) -> Result<(), Errno> {
    // SAFETY: a null OVERLAPPED is allowed; the packet only carries the key.
    check_bool(unsafe { PostQueuedCompletionStatus(port, 0, key, ptr::null_mut()) })
}
