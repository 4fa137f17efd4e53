//! Raw operating-system interfaces, one submodule per platform behind `cfg`.
//! Linux talks to the kernel directly through `asm!`; no libc.

#[cfg(target_os = "linux")]
pub mod linux;
