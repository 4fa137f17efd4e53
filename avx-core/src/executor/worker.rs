//! The worker loop: the LIFO slot, then the local queue (the global queue every so many
//! ticks, so it cannot starve), then stealing from a random victim, then parking.

use super::handle::{CoreAlive, Handle, Placement, Shared, TaskRef};
use crate::coop;
use crate::deque::{Local, CAPACITY};
use crate::inject::Inject;
use crate::oracle::Oracle;
use crate::park::{Park, Unpark};
use alloc::boxed::Box;
use core::cell::{Cell, RefCell, RefMut};
use core::time::Duration;

/// One worker of a multi-threaded executor; `run` it on its own thread.
pub struct Worker<P: Park, O: Oracle> {
    pub(super) handle: Handle<P::Unparker>,
    pub(super) core: Core<P::Unparker>,
    pub(super) park: P,
    pub(super) oracle: O,
}

/// Starts a thread that runs the worker it is given (with [`Worker::run_with_handoff`]),
/// or hands it back if it cannot.
pub type Handoff<P, O> = alloc::sync::Arc<dyn Fn(Box<Worker<P, O>>) -> Result<(), Box<Worker<P, O>>> + Send + Sync>;

/// The worker's private state, reachable by wakers running on the worker's own thread.
pub(super) struct Core<U: Unpark> {
    pub(super) index: usize,
    pub(super) local: Local<TaskRef<U>>,
    pub(super) is_searching: bool,
    pub(super) tick: u32,
    pub(super) _alive: CoreAlive<U>,
}

/// What the thread-local context points at while the worker runs.
pub(super) struct WorkerCx<U: Unpark> {
    handle: Handle<U>,
    index: usize,
    /// `None` once the worker was handed to another thread (`block_in_place`): this thread
    /// finishes the task it is polling, then stops being a worker.
    core: RefCell<Option<Core<U>>>,
    /// Whether a task is being polled (as opposed to the worker parking or polling I/O and
    /// timers): only a task's own wake-ups earn the LIFO slot.
    polling: Cell<bool>,
    /// Whether the worker is inside `Park::park` while listed as idle. Tasks the reactor wakes
    /// then must not notify a sleeper yet: the notifier could pick this very worker.
    parked: Cell<bool>,
    /// `WorkerThread::<P, O>::hand_off` for this worker's `P` and `O`.
    hand_off: unsafe fn(&WorkerCx<U>) -> bool,
}

/// A running worker: the context plus what only the run loop touches. `repr(C)` with `cx`
/// first, so a pointer to `cx` is a pointer to the whole (see `hand_off`).
#[repr(C)]
struct WorkerThread<P: Park, O: Oracle> {
    cx: WorkerCx<P::Unparker>,
    /// Borrowed by the run loop only between task polls, so a poll can hand them off.
    parts: RefCell<Option<(P, O)>>,
    handoff: Option<Handoff<P, O>>,
}

impl<P: Park, O: Oracle> Worker<P, O> {
    /// Runs tasks on the calling thread until the executor shuts down. `block_in_place`
    /// cannot hand this worker to another thread (see [`Worker::run_with_handoff`]).
    pub fn run(self) {
        self.run_thread(None);
    }

    /// As [`Worker::run`]; a task blocking this thread through
    /// [`Handle::hand_off_current_worker`] makes `handoff` carry the worker (its queue, park
    /// and oracle) on to another thread, and this call returns once that task's poll ends.
    pub fn run_with_handoff(self, handoff: Handoff<P, O>) {
        self.run_thread(Some(handoff));
    }

    fn run_thread(self, handoff: Option<Handoff<P, O>>) {
        let Worker { handle, core, park, oracle } = self;
        let shared_ptr = alloc::sync::Arc::as_ptr(&handle.shared) as *const ();
        let index = core.index;
        let cx = WorkerCx {
            handle,
            index,
            core: RefCell::new(Some(core)),
            polling: Cell::new(false),
            parked: Cell::new(false),
            hand_off: WorkerThread::<P, O>::hand_off,
        };
        let thread = WorkerThread { cx, parts: RefCell::new(Some((park, oracle))), handoff };
        crate::context::enter_worker(shared_ptr, &thread.cx as *const WorkerCx<_> as *const (), || thread.run_loop());
        let core = thread.cx.core.borrow_mut().take();
        if let Some(mut core) = core {
            // Queued references are released here; the tasks themselves stay in the owner
            // list until `Handle::shutdown_tasks` cancels them.
            drop(thread.cx.handle.shared.remotes[index].lifo.take());
            while core.local.pop().is_some() {}
        }
    }

    /// This worker's index.
    pub fn index(&self) -> usize {
        self.core.index
    }
}

impl<P: Park, O: Oracle> WorkerThread<P, O> {
    fn run_loop(&self) {
        let cx = &self.cx;
        let config = &cx.shared().config;
        while !cx.shared().is_shutdown() {
            let mut parts = self.parts.borrow_mut();
            let Some((park, oracle)) = parts.as_mut() else { return };
            let Some((tick, next)) = cx.with_core(|core| {
                core.tick = core.tick.wrapping_add(1);
                let check_global = oracle.check_global_queue(core.tick, config.global_queue_interval);
                (core.tick, cx.next_task(core, check_global))
            }) else {
                return; // handed off
            };
            if config.event_interval != 0 && tick % config.event_interval == 0 {
                // Let I/O and timers in even while there is always work queued.
                park.park(Some(Duration::ZERO));
            }
            if let Some(task) = next.or_else(|| cx.search(oracle)) {
                drop(parts);
                cx.run_task(task);
                continue;
            }
            cx.park(park, oracle);
        }
    }

    /// Moves the worker to a new thread through `handoff`, leaving `cx` without a core.
    ///
    /// # Safety
    /// `cx` is the `cx` field of a live `WorkerThread<P, O>` (what `run_thread` registers).
    unsafe fn hand_off(cx: &WorkerCx<P::Unparker>) -> bool {
        // SAFETY: per the contract, and `cx` is the first field of the `repr(C)` struct.
        let this = unsafe { &*(cx as *const WorkerCx<P::Unparker> as *const WorkerThread<P, O>) };
        let Some(handoff) = &this.handoff else { return false };
        // Borrowed by the loop only between polls, and this runs inside a poll.
        let (Ok(mut core), Ok(mut parts)) = (cx.core.try_borrow_mut(), this.parts.try_borrow_mut()) else {
            return false;
        };
        let (Some(core_value), Some((park, oracle))) = (core.take(), parts.take()) else { return false };
        match handoff(Box::new(Worker { handle: cx.handle.clone(), core: core_value, park, oracle })) {
            Ok(()) => true,
            Err(worker) => {
                *core = Some(worker.core);
                *parts = Some((worker.park, worker.oracle));
                false
            }
        }
    }
}

impl<U: Unpark> WorkerCx<U> {
    fn shared(&self) -> &Shared<U> {
        &self.handle.shared
    }

    pub(super) fn index(&self) -> usize {
        self.index
    }

    /// Whether this thread still runs the worker (it was not handed off).
    pub(super) fn has_core(&self) -> bool {
        self.core.try_borrow().map_or(true, |core| core.is_some())
    }

    /// Hands the worker to another thread, if a task of it is being polled here.
    pub(super) fn try_hand_off(&self) -> bool {
        // SAFETY: `hand_off` was set by `run_thread` for the `WorkerThread` containing `self`.
        self.polling.get() && unsafe { (self.hand_off)(self) }
    }

    fn with_core<R>(&self, f: impl FnOnce(&mut Core<U>) -> R) -> Option<R> {
        self.core.borrow_mut().as_mut().map(f)
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
        let mut guard = self.core.borrow_mut();
        let core = guard.as_mut()?;
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
        let index = self.index;
        self.with_core(|core| {
            if core.is_searching {
                core.is_searching = false;
                if shared.idle.stop_searching() {
                    // We were the last searcher and found work: more may be coming.
                    shared.notify_parked();
                }
            }
        });
        self.polling.set(true);
        coop::with_budget(config.budget, || task.run());
        // Run what the task just woke while it is hot in cache, a bounded number of times
        // so two tasks waking each other cannot starve the queue. Not once the worker went
        // to another thread during the poll: its LIFO slot is that thread's now.
        for _ in 0..config.max_lifo_polls {
            if !self.has_core() {
                break;
            }
            let Some(next) = shared.remotes[index].lifo.take() else { break };
            coop::with_budget(config.budget, || next.run());
        }
        self.polling.set(false);
        let mut core = self.core.borrow_mut();
        if let Some(core) = core.as_mut() {
            if let Some(next) = shared.remotes[index].lifo.take() {
                core.local.push_back(next, &shared.overflow);
            }
        }
    }

    fn park<P: Park<Unparker = U>>(&self, park: &mut P, oracle: &mut impl Oracle) {
        let shared = self.shared();
        let index = self.index();
        let Some(was_searching) = self.with_core(|core| core::mem::take(&mut core.is_searching)) else { return };
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
        let Ok(mut core) = RefMut::filter_map(self.core.borrow_mut(), Option::as_mut) else { return };
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
        let Ok(core) = self.core.try_borrow_mut() else { return Err(task) };
        let Ok(mut core) = RefMut::filter_map(core, Option::as_mut) else { return Err(task) };
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
