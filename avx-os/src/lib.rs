//! avx-os: the platform layer of avx. Raw system calls, the OS reactor implementing
//! avx-core's `Park`/`Reactor` traits, and blocking futex-based synchronisation primitives.
#![no_std]
#![warn(missing_docs)]

#[cfg(test)]
extern crate std;

pub mod sys;
