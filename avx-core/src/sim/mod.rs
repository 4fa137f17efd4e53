//! Deterministic simulation: a single-threaded executor whose every scheduling choice comes
//! from a seeded generator, with virtual time, so that a failing interleaving replays exactly.
//!
//! Each step polls one task drawn at random (not FIFO) from those that are runnable; a
//! different seed explores a different interleaving, the same seed repeats the schedule poll
//! for poll ([`Sim::schedule_trace`], [`Sim::trace_hash`]). When no task is runnable the
//! [`ManualClock`](crate::time::ManualClock) jumps to the next timer, so an hour of
//! `Sleep` costs nothing; when no timer is armed either, the run stops with
//! [`SimError::Deadlock`] naming the blocked tasks instead of hanging.
//!
//! Inside the simulation, [`time::Handle::current()`](crate::time::Handle::current) is the
//! simulation's timer handle, and avx-core's channels and locks work unchanged (they are
//! executor-agnostic). Wake-ups must come from the simulated tasks and timers themselves: a
//! thread outside the simulation that wakes a task races with the deadlock check.
//! [`net::pipe`] is a scripted network: a duplex byte stream whose write sizes and delivery
//! delays come from the same generator. [`Builder::spurious_wakeups`] injects wake-ups that
//! no event caused.
//!
//! ```
//! use avx_core::sim::{Sim, SimError};
//! use avx_core::time::Handle;
//! use core::time::Duration;
//!
//! let sim = Sim::new(42);
//! let worker = sim.spawn(async {
//!     Handle::current().sleep(Duration::from_secs(3600)).await; // virtual: returns at once
//!     7
//! });
//! assert_eq!(sim.block_on(worker).unwrap().unwrap(), 7);
//! assert_eq!(sim.elapsed(), Duration::from_secs(3600));
//!
//! let (_tx, rx) = avx_core::channel::oneshot::channel::<()>();
//! let stuck = sim.block_on(rx); // the sender is alive but nobody will ever send
//! assert!(matches!(stuck, Err(SimError::Deadlock { .. })));
//! ```

mod builder;
mod error;
mod handle;
pub mod net;
mod runner;
mod scheduler;
mod trace;

#[cfg(all(test, not(loom)))]
mod net_tests;
#[cfg(all(test, not(loom)))]
mod tests;

pub use builder::Builder;
pub use error::SimError;
pub use handle::SimHandle;
pub use runner::Sim;
pub use trace::TaskId;
