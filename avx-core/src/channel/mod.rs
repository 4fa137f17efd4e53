//! Channels between tasks: `mpsc` (bounded and unbounded), `oneshot`, `broadcast`, `watch`.
//! Waker based and executor independent; every send to a closed channel returns the value.

pub mod broadcast;
pub mod mpsc;
pub mod oneshot;
pub mod watch;

#[cfg(all(test, loom))]
mod loom_tests;
