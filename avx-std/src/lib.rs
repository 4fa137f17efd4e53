//! avx-std: the avx async runtime for ordinary applications.
//! `Runtime`, `spawn`, `block_on`, tasks, TCP/UDP/Unix sockets and async I/O, timers, sync
//! primitives and channels, files, signals, child processes, `join!`/`select!`, and the
//! `#[main]`/`#[test]` attributes.
#![warn(missing_docs)]

// `#[avx_std::main]`/`#[avx_std::test]` expand to `::avx_std::..` paths; this makes those
// resolve inside avx-std itself too.
extern crate self as avx_std;

pub mod fs;
pub mod io;
pub mod net;
#[cfg(unix)]
pub mod process;
pub mod runtime;
pub mod signal;
pub use avx_core::sim;
pub mod sync;
pub mod task;
pub mod time;

pub use avx_core::{join, pin, select, try_join};
pub use avx_macros::{main, test};
pub use runtime::{Builder, Handle, Runtime};
pub use task::spawn;

use std::future::Future;

/// The README's examples, compiled (and the finite ones run) as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// Runs `future` to completion on a new multi-threaded runtime with default settings —
/// the one-line entry point for `main`.
///
/// # Panics
/// If the runtime cannot be built (the OS refused to start its threads), or if called
/// from a thread that already drives a runtime.
pub fn run<F: Future>(future: F) -> F::Output {
    let runtime = Runtime::new().unwrap_or_else(|e| panic!("avx_std::run: cannot start the runtime: {e}"));
    runtime.block_on(future)
}
