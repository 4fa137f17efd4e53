//! The worker loop: the LIFO slot, then the local queue (the global queue every so many
//! ticks, so it cannot starve), then stealing from a random victim, then parking.

use super::handle::{Handle, Placement, Shared, TaskRef};
use crate::coop;
use crate::deque::{Local, CAPACITY};
use crate::inject::Inject;
use crate::oracle::Oracle;
use crate::park::{Park, Unpark};
use core::cell::{Cell, RefCell, RefMut};
use core::time::Duration;

/// One worker of a multi-threaded executor; `run` it on its own thread.
pub struct Worker<P: Park, O: Oracle> {
    pub(super) handle: Handle<P::Unparker>,
    pub(super) core: Core<P::Unparker>,
    pub(super) park: P,
    pub(super) oracle: O,
}

/// The worker's private state, reachable by wakers running on the worker's own thread.
pub(super) struct Core<U: Unpark> {
    pub(super) index: usize,
    pub(super) local: Local<TaskRef<U>>,
    pub(super) is_searching: bool,
    pub(super) tick: u32,
}

/// What the thread-local context points at while the worker runs.
pub(super) struct WorkerCx<U: Unpark> {
    handle: Handle<U>,
    core: RefCell<Core<U>>,
    /// Whether a task is being polled (as opposed to the worker parking or polling I/O and
    /// timers): only a task's own wake-ups earn the LIFO slot.
    polling: Cell<bool>,
    /// Whether the worker is inside `Park::park` while listed as idle. Tasks the reactor wakes
    /// then must not notify a sleeper yet: the notifier could pick this very worker.
    parked: Cell<bool>,
}

impl<P: Park, O: Oracle> Worker<P, O> {
    /// Runs tasks on the calling thread until the executor shuts down.
    pub fn run(self) {
        let Worker { handle, core, mut park, mut oracle } = self;
        let shared_ptr = alloc::sync::Arc::as_ptr(&handle.shared) as *const ();
        let cx = WorkerCx { handle, core: RefCell::new(core), polling: Cell::new(false), parked: Cell::new(false) };
        crate::context::enter_worker(shared_ptr, &cx as *const WorkerCx<_> as *const (), || {
            cx.run_loop(&mut park, &mut oracle)
        });
        let index = cx.index();
        // Queued references are released here; the tasks themselves stay in the owner
        // list until `Handle::shutdown_tasks` cancels them.
        drop(cx.handle.shared.remotes[index].lifo.take());
        while cx.core.borrow_mut().local.pop().is_some() {}
    }

    /// This worker's index.
    pub fn index(&self) -> usize {
        self.core.index
    }
}

impl<U: Unpark> WorkerCx<U> {
    fn shared(&self) -> &Shared<U> {
        &self.handle.shared
    }

    pub(super) fn index(&self) -> usize {
        self.core.borrow().index
    }

    fn run_loop<P: Park<Unparker = U>>(&self, park: &mut P, oracle: &mut impl Oracle) {
        let config = &self.shared().config;
        while !self.shared().is_shutdown() {
            let (tick, next) = {
                let mut core = self.core.borrow_mut();
                core.tick = core.tick.wrapping_add(1);
                let check_global = oracle.check_global_queue(core.tick, config.global_queue_interval);
                (core.tick, self.next_task(&mut core, check_global))
            };
            if config.event_interval != 0 && tick % config.event_interval == 0 {
                // Let I/O and timers in even while there is always work queued.
                park.park(Some(Duration::ZERO));
            }
            if let Some(task) = next.or_else(|| self.search(oracle)) {
                self.run_task(task);
                continue;
            }
            self.park(park, oracle);
        }
    }

    fn next_task(&self, core: &mut Core<U>, check_global: bool) -> Option<TaskRef<U>> {
        let shared = self.shared();
        if check_global {
            if let Some(task) = shared.inject.pop() {
                return Some(task);
            }
        }
        if let Some(task) = shared.remotes[core.index].lifo.take().or_else(|| core.local.pop()) {
            return Some(task);
        }
        self.pull_global(core, &shared.overflow).or_else(|| self.pull_global(core, &shared.inject))
    }

    /// Takes a fair share of a global queue in one lock acquisition: one task to run, the
    /// rest into the local queue. The bound keeps the local queue from overflowing.
    fn pull_global(&self, core: &mut Core<U>, queue: &Inject<TaskRef<U>>) -> Option<TaskRef<U>> {
        let fair_share = queue.len() / self.shared().remotes.len() + 1;
        let room = core.local.free_slots().min(CAPACITY / 2);
        let mut first = None;
        queue.pop_batch(fair_share.min(room).max(1), |task| match first {
            None => first = Some(task),
            Some(_) => core.local.push_back(task, &NoOverflow),
        });
        first
    }

    fn search(&self, oracle: &mut impl Oracle) -> Option<TaskRef<U>> {
        let shared = self.shared();
        let mut core = self.core.borrow_mut();
        if !core.is_searching {
            if !shared.idle.try_start_searching() {
                return None;
            }
            core.is_searching = true;
        }
        let workers = shared.remotes.len();
        let start = oracle.next_u32() as usize % workers;
        let own = core.index;
        let victims = (0..workers).map(|i| (start + i) % workers).filter(|&v| v != own);
        for victim in victims.clone() {
            if let Some(task) = shared.remotes[victim].steal.steal_into(&mut core.local) {
                return Some(task);
            }
        }
        // Only then the victims' LIFO slots: a task parked behind a long poll.
        for victim in victims {
            if let Some(task) = shared.remotes[victim].lifo.take() {
                return Some(task);
            }
        }
        shared.overflow.pop().or_else(|| shared.inject.pop())
    }

    fn run_task(&self, task: TaskRef<U>) {
        let shared = self.shared();
        let config = &shared.config;
        let index = {
            let mut core = self.core.borrow_mut();
            if core.is_searching {
                core.is_searching = false;
                if shared.idle.stop_searching() {
                    // We were the last searcher and found work: more may be coming.
                    shared.notify_parked();
                }
            }
            core.index
        };
        self.polling.set(true);
        coop::with_budget(config.budget, || task.run());
        // Run what the task just woke while it is hot in cache, a bounded number of times
        // so two tasks waking each other cannot starve the queue.
        for _ in 0..config.max_lifo_polls {
            let Some(next) = shared.remotes[index].lifo.take() else { break };
            coop::with_budget(config.budget, || next.run());
        }
        self.polling.set(false);
        if let Some(next) = shared.remotes[index].lifo.take() {
            self.core.borrow_mut().local.push_back(next, &shared.overflow);
        }
    }

    fn park<P: Park<Unparker = U>>(&self, park: &mut P, oracle: &mut impl Oracle) {
        let shared = self.shared();
        let index = self.index();
        let was_searching = core::mem::take(&mut self.core.borrow_mut().is_searching);
        if shared.idle.park(index, was_searching) {
            shared.notify_if_work_pending();
        }
        if !shared.is_shutdown() {
            self.parked.set(true);
            park.park(oracle.park_timeout(None));
            self.parked.set(false);
        }
        // Still listed as asleep: we woke on our own (timeout, I/O, a stale unpark). Gone
        // from the list: a notifier picked us and counted us as searching.
        let notified = !shared.idle.unpark_self(index);
        let mut core = self.core.borrow_mut();
        core.is_searching = notified;
        // The reactor may have woken a batch of tasks into our queue: now that we are off
        // the idle list, let a sleeping worker share them.
        self.share_surplus(core);
    }

    /// Wakes a sleeping worker to steal when this worker holds more than its next task and is
    /// neither searching (a searcher already notified others) nor parked (the notifier could
    /// pick this very worker while it still counts as idle).
    fn share_surplus(&self, core: RefMut<'_, Core<U>>) {
        let shared = self.shared();
        let queued = core.local.len() + usize::from(shared.remotes[core.index].lifo.is_occupied());
        if !core.is_searching && queued > 1 && !self.parked.get() {
            drop(core);
            shared.notify_parked();
        }
    }

    /// Queues a task woken on this worker's thread. Hands it back if the core is busy
    /// (re-entrant use), so the caller can fall back to the global queue.
    pub(super) fn schedule_local(&self, task: TaskRef<U>, placement: Placement) -> Result<(), TaskRef<U>> {
        let shared = self.shared();
        let Ok(mut core) = self.core.try_borrow_mut() else { return Err(task) };
        let lifo = &shared.remotes[core.index].lifo;
        // Wake-ups from timers and I/O (outside a task poll) queue in order: the LIFO slot's
        // cache-locality argument does not apply, and a burst of them would run newest first.
        if placement == Placement::Back || !self.polling.get() || shared.config.max_lifo_polls == 0 {
            core.local.push_back(task, &shared.overflow);
        } else if let Some(displaced) = lifo.replace(task) {
            core.local.push_back(displaced, &shared.overflow);
        }
        self.share_surplus(core);
        Ok(())
    }
}

/// Used where the caller checked `free_slots` first.
struct NoOverflow;

impl<T> crate::deque::Overflow<T> for NoOverflow {
    fn push_batch(&self, _: impl Iterator<Item = T>) {
        unreachable!("the local queue had room for the batch taken from the global queue");
    }
}
