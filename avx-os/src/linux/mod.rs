//! Linux: system calls without libc, through `core::arch::asm!`, and what is built on them.
//! One file per architecture holds the calling convention and the call numbers.

pub mod errno;
pub mod futex;
pub mod parker;

#[cfg(target_arch = "aarch64")]
mod aarch64;
#[cfg(target_arch = "x86_64")]
mod x86_64;

#[cfg(target_arch = "aarch64")]
use aarch64 as arch;
#[cfg(target_arch = "x86_64")]
use x86_64 as arch;

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
compile_error!("avx-os supports Linux on x86_64 and aarch64");

use errno::Errno;

/// The system call numbers avx uses, per architecture.
pub(crate) use arch::nr;

/// Turns a raw return value into `Ok(value)` or `Err(errno)` (the kernel returns
/// `-errno` in `-4095..=-1`).
fn result(ret: isize) -> Result<usize, Errno> {
    if (-4095..0).contains(&ret) {
        Err(Errno(-ret as i32))
    } else {
        Ok(ret as usize)
    }
}

/// A system call with up to six arguments.
///
/// # Safety
/// The arguments must be valid for system call `number` (pointers to live memory of the
/// right size, descriptors the caller owns); the kernel trusts them.
pub(crate) unsafe fn syscall(number: usize, args: [usize; 6]) -> Result<usize, Errno> {
    // SAFETY: forwarded contract.
    result(unsafe { arch::syscall6(number, args) })
}
