//! `Sim`: the deterministic simulator's driving loop. Each step polls one task drawn by the
//! oracle from the runnable set; when none is runnable the virtual clock jumps to a timer.

use alloc::rc::Rc;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::pin;
use core::task::{Context, Poll, Waker};
use core::time::Duration;

use super::scheduler::{MainWaker, Shared, SimScheduler};
use super::trace::Trace;
use super::{Builder, SimError, SimHandle, TaskId};
use crate::coop;
use crate::park::{Clock, Ticks};
use crate::task::{JoinHandle, Notified};
use crate::time::{self, Driver, ManualClock};

/// A deterministic, single-threaded executor with virtual time. The same seed (and the same
/// program) gives the same schedule, poll for poll. Dropping it cancels unfinished tasks.
pub struct Sim {
    handle: SimHandle,
    clock: ManualClock,
    driver: Driver,
    seed: u64,
    spurious_threshold: u64,
    max_steps: u64,
    trace: RefCell<Trace>,
    driving: Cell<bool>,
}

/// The `block_on` future, polled through a closure so `run` (which has none) shares the loop.
type MainPoll<'a, T> = &'a mut dyn FnMut(&mut Context<'_>) -> Poll<T>;

/// What one step polls.
enum Pick {
    Main,
    Task(TaskId, Notified<SimScheduler>),
}

impl Sim {
    /// A simulation whose schedule follows `seed`, with default settings.
    pub fn new(seed: u64) -> Sim {
        Builder::new(seed).build()
    }

    /// A builder for a simulation seeded with `seed`.
    pub fn builder(seed: u64) -> Builder {
        Builder::new(seed)
    }

    pub(super) fn from_builder(builder: Builder) -> Sim {
        let clock = ManualClock::new();
        let driver = Driver::new(clock.clone(), 1);
        let oracle = Rc::new(RefCell::new(builder.oracle));
        let handle = SimHandle { shared: Shared::new(), timer: driver.handle(), oracle, _not_send: PhantomData };
        Sim {
            handle,
            clock,
            driver,
            seed: builder.seed,
            spurious_threshold: builder.spurious_threshold,
            max_steps: builder.max_steps,
            trace: RefCell::new(Trace::new(builder.record_polls)),
            driving: Cell::new(false),
        }
    }
}

impl Sim {
    /// A handle for spawning from inside tasks and reading the virtual clock.
    pub fn handle(&self) -> SimHandle {
        self.handle.clone()
    }

    /// Spawns `future` (it need not be `Send`); see [`SimHandle::spawn`].
    pub fn spawn<F: Future + 'static>(&self, future: F) -> JoinHandle<F::Output> {
        self.handle.spawn(future)
    }

    /// Runs the simulation until `future` completes, and returns its output. Spawned tasks
    /// that are still pending then stay so (a later `block_on` or `run` continues them).
    ///
    /// # Errors
    /// [`SimError::Deadlock`] if `future` is still pending when no task is runnable and no
    /// timer is armed; [`SimError::StepLimit`] when the configured number of polls runs out.
    ///
    /// # Panics
    /// If called from inside a task of this simulation, or if a task panics (without the
    /// `std` feature; with it, the panic goes to the task's `JoinHandle`).
    pub fn block_on<F: Future>(&self, future: F) -> Result<F::Output, SimError> {
        let mut future = pin!(future);
        let output = self.drive(Some(&mut |cx: &mut Context<'_>| future.as_mut().poll(cx)))?;
        Ok(output.expect("drive returns Ok(Some) when given a future"))
    }

    /// Runs the simulation until every spawned task has finished.
    ///
    /// # Errors
    /// As [`Sim::block_on`]: the tasks still blocked when nothing can wake them, or the step
    /// limit.
    ///
    /// # Panics
    /// As [`Sim::block_on`].
    pub fn run(&self) -> Result<(), SimError> {
        self.drive::<()>(None).map(drop)
    }

    /// The seed the simulation was built with.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Every poll so far, in order, by simulator task id ([`TaskId::MAIN`] for the
    /// `block_on` future). Empty if the builder turned recording off.
    pub fn schedule_trace(&self) -> Vec<TaskId> {
        self.trace.borrow().polls().to_vec()
    }

    /// A hash of the whole schedule so far (kept even when polls are not recorded).
    pub fn trace_hash(&self) -> u64 {
        self.trace.borrow().hash()
    }

    /// The number of polls so far.
    pub fn steps(&self) -> u64 {
        self.trace.borrow().len()
    }

    /// The virtual time; it starts at [`Ticks::ZERO`] and moves only when every task waits
    /// for a timer.
    pub fn now(&self) -> Ticks {
        self.clock.now()
    }

    /// The virtual time elapsed since the simulation started.
    pub fn elapsed(&self) -> Duration {
        self.now().saturating_duration_since(Ticks::ZERO)
    }

    /// The simulation's timer handle, for creating timers outside its tasks.
    pub fn timer(&self) -> time::Handle {
        self.driver.handle()
    }

    /// Number of spawned tasks not yet finished.
    pub fn alive_tasks(&self) -> usize {
        self.handle.shared.alive()
    }

    /// The loop behind `block_on` (with `main`) and `run` (without).
    fn drive<T>(&self, main: Option<MainPoll<'_, T>>) -> Result<Option<T>, SimError> {
        assert!(!self.driving.replace(true), "Sim::block_on/run called from inside the simulation");
        let shared = &self.handle.shared;
        shared.state.lock().main_woken = main.is_some();
        let result = self.steps_until_done(main);
        // Forget the `block_on` future, whether or not it completed.
        let _parked = {
            let mut state = shared.state.lock();
            state.main_woken = false;
            state.parked.remove(&TaskId::MAIN)
        };
        self.driving.set(false);
        result
    }

    fn steps_until_done<T>(&self, mut main: Option<MainPoll<'_, T>>) -> Result<Option<T>, SimError> {
        let shared = &self.handle.shared;
        let main_waker = Waker::from(Arc::new(MainWaker(shared.clone())));
        let timer = &self.handle.timer;
        let mut steps = 0;
        loop {
            if main.is_none() && shared.alive() == 0 {
                return Ok(None);
            }
            if steps == self.max_steps {
                return Err(SimError::StepLimit { steps });
            }
            self.maybe_wake_spuriously();
            let Some(pick) = self.pick() else {
                if self.advance_to_next_timer() {
                    continue;
                }
                let blocked = shared.state.lock().parked.keys().copied().collect();
                return Err(SimError::Deadlock { blocked });
            };
            steps += 1;
            match pick {
                Pick::Task(id, task) => {
                    self.trace.borrow_mut().record(id);
                    coop::with_budget(coop::DEFAULT_BUDGET, || timer.enter(|| task.run()));
                }
                Pick::Main => {
                    self.trace.borrow_mut().record(TaskId::MAIN);
                    let poll_main = main.as_mut().expect("only a present main future is woken");
                    let mut cx = Context::from_waker(&main_waker);
                    let poll = coop::with_budget(coop::DEFAULT_BUDGET, || timer.enter(|| poll_main(&mut cx)));
                    match poll {
                        Poll::Ready(output) => return Ok(Some(output)),
                        Poll::Pending => shared.note_poll(TaskId::MAIN, &main_waker, true),
                    }
                }
            }
        }
    }

    /// Draws the next task to poll from the runnable set (the `block_on` future included if
    /// woken); `None` if nothing is runnable.
    fn pick(&self) -> Option<Pick> {
        let mut state = self.handle.shared.state.lock();
        let tasks = state.runnable.len();
        let choices = tasks + usize::from(state.main_woken);
        if choices == 0 {
            return None;
        }
        let choice = self.handle.draw(choices as u64) as usize;
        if choice == tasks {
            state.main_woken = false;
            return Some(Pick::Main);
        }
        let (id, task) = state.runnable.swap_remove(choice);
        Some(Pick::Task(id, task))
    }

    /// With the configured probability, wakes one parked task that nothing woke.
    fn maybe_wake_spuriously(&self) {
        if !self.handle.chance(self.spurious_threshold) {
            return;
        }
        let waker = {
            let state = self.handle.shared.state.lock();
            match state.parked.len() {
                0 => None,
                parked => state.parked.values().nth(self.handle.draw(parked as u64) as usize).cloned(),
            }
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Jumps the virtual clock to the next timer and fires what is due; `false` if no timer
    /// is armed.
    fn advance_to_next_timer(&self) -> bool {
        let Some(next) = self.driver.next_expiration() else {
            return false;
        };
        let now = self.clock.set(next);
        self.driver.process_all(now);
        true
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        self.handle.shared.shutdown();
    }
}

impl fmt::Debug for Sim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sim")
            .field("seed", &self.seed)
            .field("now", &self.now())
            .field("steps", &self.steps())
            .field("alive_tasks", &self.alive_tasks())
            .finish_non_exhaustive()
    }
}
