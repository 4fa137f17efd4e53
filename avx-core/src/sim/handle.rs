//! `SimHandle`: what a simulated task keeps to spawn more tasks and to reach the virtual
//! clock; cheap to clone, and bound to the thread that runs the simulation.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::sync::Arc;
use core::cell::RefCell;
use core::fmt;
use core::future::Future;
use core::marker::PhantomData;

use super::scheduler::Shared;
use crate::oracle::Oracle;
use crate::park::Ticks;
use crate::task::JoinHandle;
use crate::time;

/// Spawns onto a [`Sim`](super::Sim) and reads its virtual time. Not `Send`: the simulation's
/// tasks all run on the thread that drives it.
#[derive(Clone)]
pub struct SimHandle {
    pub(super) shared: Arc<Shared>,
    pub(super) timer: time::Handle,
    /// The source of every choice the simulation makes: its schedule, faults, pipe delays.
    pub(super) oracle: Rc<RefCell<Box<dyn Oracle>>>,
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

    /// A number in `0..n` (`n` at least 1) from the simulation's oracle.
    pub(super) fn draw(&self, n: u64) -> u64 {
        let draw = u64::from(self.oracle.borrow_mut().next_u32());
        // Multiply-shift: a near-uniform map of 32 random bits onto `0..n`.
        ((u128::from(draw) * u128::from(n)) >> 32) as u64
    }

    /// Whether an event of probability `threshold` / 2^32 happens, by the oracle.
    pub(super) fn chance(&self, threshold: u64) -> bool {
        threshold != 0 && u64::from(self.oracle.borrow_mut().next_u32()) < threshold
    }
}

impl fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimHandle").field("now", &self.now()).finish_non_exhaustive()
    }
}
