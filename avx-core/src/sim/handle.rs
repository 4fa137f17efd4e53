//! `SimHandle`: what a simulated task keeps to spawn more tasks and to reach the virtual
//! clock; cheap to clone, and bound to the thread that runs the simulation.

use alloc::sync::Arc;
use core::fmt;
use core::future::Future;
use core::marker::PhantomData;

use super::scheduler::Shared;
use crate::park::Ticks;
use crate::task::JoinHandle;
use crate::time;

/// Spawns onto a [`Sim`](super::Sim) and reads its virtual time. Not `Send`: the simulation's
/// tasks all run on the thread that drives it.
#[derive(Clone)]
pub struct SimHandle {
    pub(super) shared: Arc<Shared>,
    pub(super) timer: time::Handle,
    pub(super) _not_send: PhantomData<*const ()>,
}

impl SimHandle {
    /// Spawns `future` (it need not be `Send`) as the next task; tasks get ids 1, 2, 3... in
    /// spawn order. It runs while the simulation is driven.
    pub fn spawn<F: Future + 'static>(&self, future: F) -> JoinHandle<F::Output> {
        // SAFETY: `SimHandle` and `Sim` are `!Send`, so the task is polled and shut down on
        // this thread only, and the `JoinHandle` of a `!Send` output is `!Send`.
        unsafe { self.shared.spawn(future) }
    }

    /// The simulation's timer handle (also what `time::Handle::current()` returns inside
    /// its tasks).
    pub fn timer(&self) -> &time::Handle {
        &self.timer
    }

    /// The virtual time.
    pub fn now(&self) -> Ticks {
        self.timer.now()
    }
}

impl fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimHandle").field("now", &self.now()).finish_non_exhaustive()
    }
}
