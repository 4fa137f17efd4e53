//! Linux: system calls without libc, through `core::arch::asm!`, and what is built on them.
//! One file per architecture holds the calling convention and the call numbers.

pub mod condvar;
pub mod errno;
pub mod futex;
pub mod mutex;
pub mod parker;
pub mod rwlock;
pub mod semaphore;

#[cfg(all(target_arch = "aarch64", not(loom)))]
mod aarch64;
#[cfg(all(target_arch = "x86_64", not(loom)))]
mod x86_64;

#[cfg(all(target_arch = "aarch64", not(loom)))]
use aarch64 as arch;
#[cfg(all(target_arch = "x86_64", not(loom)))]
use x86_64 as arch;

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
compile_error!("avx-os supports Linux on x86_64 and aarch64");

#[cfg(not(loom))]
use errno::Errno;

/// The system call numbers avx uses, per architecture. (Under loom the futex is modelled,
/// so nothing calls the kernel.)
#[cfg(not(loom))]
pub(crate) use arch::nr;

/// Turns a raw return value into `Ok(value)` or `Err(errno)` (the kernel returns
/// `-errno` in `-4095..=-1`).
#[cfg(not(loom))]
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
#[cfg(not(loom))]
pub(crate) unsafe fn syscall(number: usize, args: [usize; 6]) -> Result<usize, Errno> {
    // SAFETY: forwarded contract.
    result(unsafe { arch::syscall6(number, args) })
}
