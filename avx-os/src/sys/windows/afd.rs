//! The Ancillary Function Driver (AFD, the kernel side of WinSock) used for readiness: open
//! `\Device\Afd`, submit `IOCTL_AFD_POLL` for a socket's base handle, cancel it.

use core::ffi::c_void;
use core::ptr;

use super::{Errno, Handle};

/// `IOCTL_AFD_POLL`.
const IOCTL_AFD_POLL: u32 = 0x0001_2024;
/// `STATUS_PENDING`: the request was queued and will complete through the port.
pub const STATUS_PENDING: i32 = 0x0000_0103;
/// `STATUS_CANCELLED`: the request was cancelled.
pub const STATUS_CANCELLED: i32 = 0xC000_0120_u32 as i32;
/// `SIO_BASE_HANDLE`: the provider's base socket under any layered service providers.
const SIO_BASE_HANDLE: u32 = 0x4800_0022;
const SYNCHRONIZE: u32 = 0x0010_0000;
const FILE_SHARE_READ: u32 = 1;
const FILE_SHARE_WRITE: u32 = 2;
const FILE_OPEN: u32 = 1;

/// `IO_STATUS_BLOCK`: where the kernel writes a request's final status.
#[repr(C)]
#[derive(Debug, Default)]
pub struct IoStatusBlock {
    /// `NTSTATUS` in the low 32 bits (a union with a pointer).
    pub status: usize,
    /// Request-specific information.
    pub information: usize,
}

impl IoStatusBlock {
    /// The `NTSTATUS`.
    pub fn status(&self) -> i32 {
        self.status as u32 as i32
    }
}

/// `AFD_POLL_HANDLE_INFO`.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub struct AfdPollHandleInfo {
    /// The base socket handle.
    pub handle: Handle,
    /// In: the events to wait for; out: the events that happened.
    pub events: u32,
    /// Per-handle status.
    pub status: i32,
}

/// `AFD_POLL_INFO` for one socket.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub struct AfdPollInfo {
    /// Absolute expiry in 100 ns units; `i64::MAX`: never.
    pub timeout: i64,
    /// How many entries of `handles` are used (in and out).
    pub number_of_handles: u32,
    /// Non-zero: replace other polls on the same sockets.
    pub exclusive: u32,
    /// The one socket.
    pub handles: [AfdPollHandleInfo; 1],
}

#[repr(C)]
struct UnicodeString {
    length: u16,
    maximum_length: u16,
    buffer: *const u16,
}

#[repr(C)]
struct ObjectAttributes {
    length: u32,
    root_directory: Handle,
    object_name: *const UnicodeString,
    attributes: u32,
    security_descriptor: *const c_void,
    security_quality_of_service: *const c_void,
}

#[link(name = "ntdll")]
extern "system" {
    fn NtCreateFile(
        handle: *mut Handle,
        access: u32,
        attributes: *const ObjectAttributes,
        iosb: *mut IoStatusBlock,
        allocation_size: *const i64,
        file_attributes: u32,
        share: u32,
        disposition: u32,
        options: u32,
        ea: *const c_void,
        ea_length: u32,
    ) -> i32;
    fn NtDeviceIoControlFile(
        handle: Handle,
        event: Handle,
        apc_routine: *const c_void,
        apc_context: *const c_void,
        iosb: *mut IoStatusBlock,
        code: u32,
        input: *const c_void,
        input_length: u32,
        output: *mut c_void,
        output_length: u32,
    ) -> i32;
    fn NtCancelIoFileEx(handle: Handle, request: *mut IoStatusBlock, iosb: *mut IoStatusBlock) -> i32;
    fn RtlNtStatusToDosError(status: i32) -> u32;
}

#[link(name = "ws2_32")]
extern "system" {
    fn WSAIoctl(
        socket: usize,
        code: u32,
        input: *const c_void,
        input_length: u32,
        output: *mut c_void,
        output_length: u32,
        returned: *mut u32,
        overlapped: *mut c_void,
        completion: *const c_void,
    ) -> i32;
    fn WSAGetLastError() -> i32;
}

/// The Win32 error for an `NTSTATUS`.
pub fn errno_from_status(status: i32) -> Errno {
    // SAFETY: pure translation, no pointers.
    Errno(unsafe { RtlNtStatusToDosError(status) } as i32)
}

/// Opens a handle to the AFD device (to be associated with a completion port).
pub fn open_device() -> Result<Handle, Errno> {
    const NAME: &[u8] = b"\\Device\\Afd\\avx";
    let mut wide = [0u16; NAME.len()];
    for (w, b) in wide.iter_mut().zip(NAME) {
        *w = u16::from(*b);
    }
    let bytes = (wide.len() * 2) as u16;
    let name = UnicodeString { length: bytes, maximum_length: bytes, buffer: wide.as_ptr() };
    let attributes = ObjectAttributes {
        length: core::mem::size_of::<ObjectAttributes>() as u32,
        root_directory: 0,
        object_name: &name,
        attributes: 0,
        security_descriptor: ptr::null(),
        security_quality_of_service: ptr::null(),
    };
    let mut handle: Handle = 0;
    let mut iosb = IoStatusBlock::default();
    // SAFETY: every pointer refers to a local that outlives the call; `name.buffer` holds
    // `name.length` bytes.
    let status = unsafe {
        NtCreateFile(
            &mut handle,
            SYNCHRONIZE,
            &attributes,
            &mut iosb,
            ptr::null(),
            0,
            FILE_SHARE_READ | FILE_SHARE_WRITE,
            FILE_OPEN,
            0,
            ptr::null(),
            0,
        )
    };
    if status < 0 {
        Err(errno_from_status(status))
    } else {
        Ok(handle)
    }
}

/// Submits a poll on the AFD `device`. On `Ok` (complete or `STATUS_PENDING`) a completion
/// packet carrying `context` will be queued on the device's port.
///
/// # Safety
/// `iosb` and `info` must stay valid and unmoved until that completion has been dequeued.
pub unsafe fn poll(
    device: Handle,
    iosb: *mut IoStatusBlock,
    info: *mut AfdPollInfo,
    context: *const c_void,
) -> Result<(), Errno> {
    let size = core::mem::size_of::<AfdPollInfo>() as u32;
    // SAFETY: the caller keeps `iosb` and `info` alive until completion; the same buffer is
    // the input and the output, as the AFD poll protocol expects.
    let status = unsafe {
        NtDeviceIoControlFile(
            device,
            0,
            ptr::null(),
            context,
            iosb,
            IOCTL_AFD_POLL,
            info.cast(),
            size,
            info.cast(),
            size,
        )
    };
    if status >= 0 {
        Ok(())
    } else {
        Err(errno_from_status(status))
    }
}

/// Asks the kernel to cancel the poll whose status block is `iosb` (it then completes with
/// `STATUS_CANCELLED`, or normally if it was already finishing).
///
/// # Safety
/// `iosb` must be the status block of a poll submitted on `device`.
pub unsafe fn cancel(device: Handle, iosb: *mut IoStatusBlock) -> Result<(), Errno> {
    let mut cancel_iosb = IoStatusBlock::default();
    // SAFETY: `iosb` identifies a request (the kernel only compares it); `cancel_iosb` is local.
    let status = unsafe { NtCancelIoFileEx(device, iosb, &mut cancel_iosb) };
    if status >= 0 {
        Ok(())
    } else {
        Err(errno_from_status(status))
    }
}

/// The base provider socket beneath `socket` (AFD polls need it, not a layered handle).
pub fn base_socket(socket: usize) -> Result<usize, Errno> {
    let mut base: usize = 0;
    let mut returned = 0u32;
    // SAFETY: `base` is writable for its size and `returned` is a writable u32; no overlapped.
    let r = unsafe {
        WSAIoctl(
            socket,
            SIO_BASE_HANDLE,
            ptr::null(),
            0,
            (&mut base as *mut usize).cast(),
            core::mem::size_of::<usize>() as u32,
            &mut returned,
            ptr::null_mut(),
            ptr::null(),
        )
    };
    if r == 0 {
        Ok(base)
    } else {
        // SAFETY: no arguments; reads thread-local state.
        Err(Errno(unsafe { WSAGetLastError() }))
    }
}
