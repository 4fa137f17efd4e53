//! The simulator's task bookkeeping: the runnable set a seeded choice draws from, and the
//! waker each blocked task last left, which spurious wake-ups and deadlock reports use.

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::task::Wake;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use super::TaskId;
use crate::task::{JoinHandle, Notified, OwnedTasks, Schedule, Task};

/// State shared by the simulator, its handles, its tasks and their wakers (which may be
/// called from any thread, hence the lock).
pub(super) struct Shared {
    pub(super) state: spin::Mutex<State>,
    owned: OwnedTasks<SimScheduler>,
}

pub(super) struct State {
    /// Woken tasks, in the order they were woken; the simulator picks among them at random.
    pub(super) runnable: Vec<(TaskId, Notified<SimScheduler>)>,
    /// Whether the `block_on` future has been woken since its last poll.
    pub(super) main_woken: bool,
    /// The waker of every task (and of the `block_on` future) whose last poll was pending.
    pub(super) parked: BTreeMap<TaskId, Waker>,
    next_id: u32,
    closed: bool,
}

/// The hook stored in each task: it queues the task under its simulator id.
#[derive(Clone)]
pub(super) struct SimScheduler {
    shared: Arc<Shared>,
    id: TaskId,
}

impl Schedule for SimScheduler {
    fn schedule(&self, task: Notified<Self>) {
        let mut state = self.shared.state.lock();
        if !state.closed {
            state.runnable.push((self.id, task));
            return;
        }
        // The simulator is gone; the task was cancelled through the owner list. Drop the
        // reference outside the lock.
        drop(state);
        drop(task);
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.shared.owned.remove(task)
    }
}

impl Shared {
    pub(super) fn new() -> Arc<Shared> {
        let state =
            State { runnable: Vec::new(), main_woken: false, parked: BTreeMap::new(), next_id: 1, closed: false };
        Arc::new(Shared { state: spin::Mutex::new(state), owned: OwnedTasks::new(1) })
    }

    /// Spawns `future` under the next simulator id.
    ///
    /// # Safety
    /// As `OwnedTasks::bind_local`: unless `F` and its output are `Send`, the task is run,
    /// shut down and joined on one thread only.
    pub(super) unsafe fn spawn<F: Future + 'static>(self: &Arc<Shared>, future: F) -> JoinHandle<F::Output> {
        let id = {
            let mut state = self.state.lock();
            let id = TaskId(state.next_id);
            state.next_id += 1;
            id
        };
        let tracked = Tracked { shared: self.clone(), id, future };
        let scheduler = SimScheduler { shared: self.clone(), id };
        // SAFETY: forwarded contract.
        let (handle, notified) = unsafe { self.owned.bind_local(tracked, scheduler) };
        if let Some(notified) = notified {
            self.state.lock().runnable.push((id, notified));
        }
        handle
    }

    /// Number of spawned tasks not yet finished.
    pub(super) fn alive(&self) -> usize {
        self.owned.len()
    }

    /// Records the outcome of a poll of task `id` that was given `waker`.
    pub(super) fn note_poll(&self, id: TaskId, waker: &Waker, pending: bool) {
        // The replaced waker is dropped after the lock is released.
        let _replaced = {
            let mut state = self.state.lock();
            match state.parked.get(&id) {
                _ if !pending => state.parked.remove(&id),
                Some(parked) if parked.will_wake(waker) => None,
                _ => state.parked.insert(id, waker.clone()),
            }
        };
    }

    /// Cancels every unfinished task (dropping its future here) and refuses new ones.
    pub(super) fn shutdown(&self) {
        self.state.lock().closed = true;
        self.owned.close_and_shutdown_all();
        let runnable = core::mem::take(&mut self.state.lock().runnable);
        drop(runnable);
    }
}

/// A spawned future, reporting after each poll whether it is parked and with which waker.
struct Tracked<F> {
    shared: Arc<Shared>,
    id: TaskId,
    future: F,
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `future` is structurally pinned: never moved out of the pinned `Tracked`,
        // which has no `Unpin` impl of its own and drops it in place.
        let (shared, id, future) = unsafe {
            let this = self.get_unchecked_mut();
            (&this.shared, this.id, Pin::new_unchecked(&mut this.future))
        };
        let poll = future.poll(cx);
        shared.note_poll(id, cx.waker(), poll.is_pending());
        poll
    }
}

impl<F> Drop for Tracked<F> {
    fn drop(&mut self) {
        // The waker is dropped after the lock is released.
        let _parked = self.shared.state.lock().parked.remove(&self.id);
    }
}

/// The waker of the `block_on` future: marks it woken.
pub(super) struct MainWaker(pub(super) Arc<Shared>);

impl Wake for MainWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.state.lock().main_woken = true;
    }
}
