//! The multi-threaded work-stealing executor, generic over the platform's `Park`: build it
//! from one `Park` per worker, run each `Worker` on a thread, spawn through the `Handle`.

mod handle;
mod idle;
mod lifo;
mod worker;

pub use handle::Handle;
pub use worker::{Handoff, Worker};

use crate::coop::DEFAULT_BUDGET;
use crate::deque;
use crate::oracle::Oracle;
use crate::park::Park;
use alloc::vec::Vec;
use handle::{Remote, Shared};
use lifo::LifoSlot;

/// Tuning knobs of the executor. `Config::default()` matches what the runtime uses.
#[derive(Debug, Clone)]
pub struct Config {
    /// A worker takes from the global queue first every this many ticks (see
    /// [`Oracle::check_global_queue`]), so that remote spawns cannot starve.
    pub global_queue_interval: u32,
    /// Every this many ticks a busy worker polls its `Park` with a zero timeout, so I/O
    /// and timers are not starved by a queue that never empties. 0 disables it.
    pub event_interval: u32,
    /// How many times in a row a worker runs the task in its LIFO slot before sending it
    /// to the back of the queue. 0 disables the LIFO slot.
    pub max_lifo_polls: u8,
    /// Cooperative budget per task poll (see [`crate::coop`]).
    pub budget: u8,
}

impl Default for Config {
    fn default() -> Self {
        Config { global_queue_interval: 61, event_interval: 61, max_lifo_polls: 3, budget: DEFAULT_BUDGET }
    }
}

/// Builds an executor with one worker per `Park`, each with the oracle `oracle_for(index)`.
///
/// # Panics
/// If `parks` is empty.
pub fn build<P: Park, O: Oracle>(
    config: Config,
    parks: Vec<P>,
    mut oracle_for: impl FnMut(usize) -> O,
) -> (Handle<P::Unparker>, Vec<Worker<P, O>>) {
    assert!(!parks.is_empty(), "an executor needs at least one worker");
    let mut locals = Vec::with_capacity(parks.len());
    let mut remotes = Vec::with_capacity(parks.len());
    for park in &parks {
        let (local, steal) = deque::local();
        locals.push(local);
        remotes.push(Remote { steal, lifo: LifoSlot::new(), unparker: park.unparker() });
    }
    let handle = Handle { shared: alloc::sync::Arc::new(Shared::new(remotes.into_boxed_slice(), config)) };
    let workers = parks
        .into_iter()
        .zip(locals)
        .enumerate()
        .map(|(index, (park, local))| Worker {
            handle: handle.clone(),
            core: worker::Core {
                index,
                local,
                is_searching: false,
                tick: 0,
                _alive: handle::CoreAlive::new(&handle.shared),
            },
            park,
            oracle: oracle_for(index),
        })
        .collect();
    (handle, workers)
}
