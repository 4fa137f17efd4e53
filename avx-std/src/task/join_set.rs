//! `JoinSet`: a collection of spawned tasks whose results are taken in completion order.
//! Each task is polled with its own waker, so `join_next` touches only finished tasks.

use super::LocalSet;
use crate::runtime::Handle;
use avx_core::task::{AbortHandle, Id, JoinError, JoinHandle};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{ready, Context, Poll, Wake, Waker};

/// Spawned tasks awaited together. Dropping the set aborts every task still in it.
pub struct JoinSet<T> {
    /// Slots for tasks; `None` marks a free slot (listed in `free`).
    entries: Vec<Option<Entry<T>>>,
    free: Vec<usize>,
    len: usize,
    ready: Arc<ReadyList>,
}

struct Entry<T> {
    handle: JoinHandle<T>,
    waker: Waker,
}

/// Indices of entries whose tasks woke them, and the waker of whoever awaits the set.
#[derive(Default)]
struct ReadyList {
    state: Mutex<ReadyState>,
}

#[derive(Default)]
struct ReadyState {
    indices: Vec<usize>,
    waiter: Option<Waker>,
}

struct EntryWaker {
    index: usize,
    ready: Arc<ReadyList>,
}

impl Wake for EntryWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let mut state = self.ready.lock();
        state.indices.push(self.index);
        let waiter = state.waiter.take();
        drop(state);
        if let Some(waiter) = waiter {
            waiter.wake();
        }
    }
}

impl ReadyList {
    fn lock(&self) -> MutexGuard<'_, ReadyState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<T> Default for JoinSet<T> {
    fn default() -> Self {
        JoinSet::new()
    }
}

impl<T> JoinSet<T> {
    /// An empty set.
    pub fn new() -> JoinSet<T> {
        JoinSet { entries: Vec::new(), free: Vec::new(), len: 0, ready: Arc::default() }
    }

    /// Number of tasks in the set (finished ones count until `join_next` returns them).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the set holds no task.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds an already spawned task to the set.
    fn insert(&mut self, handle: JoinHandle<T>) -> AbortHandle {
        let abort = handle.abort_handle();
        let index = self.free.pop().unwrap_or(self.entries.len());
        let waker = Waker::from(Arc::new(EntryWaker { index, ready: self.ready.clone() }));
        let entry = Some(Entry { handle, waker });
        match self.entries.get_mut(index) {
            Some(slot) => *slot = entry,
            None => self.entries.push(entry),
        }
        self.len += 1;
        // Poll it once in `join_next` so its waker is registered.
        self.ready.lock().indices.push(index);
        abort
    }

    /// Spawns `future` on the current runtime and adds it to the set.
    ///
    /// # Panics
    /// Outside a runtime, like [`crate::spawn`].
    #[track_caller]
    pub fn spawn<F>(&mut self, future: F) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        self.insert(crate::spawn(future))
    }

    /// Spawns `future` on the runtime of `handle` and adds it to the set.
    pub fn spawn_on<F>(&mut self, future: F, handle: &crate::runtime::Handle) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        self.insert(handle.spawn(future))
    }

    /// Runs `f` on the blocking pool and adds it to the set.
    ///
    /// # Panics
    /// Outside a runtime, like [`crate::task::spawn_blocking`].
    #[track_caller]
    pub fn spawn_blocking<F>(&mut self, f: F) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.insert(crate::task::spawn_blocking(f))
    }

    /// Runs `f` on the blocking pool of `handle`'s runtime and adds it to the set.
    pub fn spawn_blocking_on<F>(&mut self, f: F, handle: &Handle) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.insert(handle.spawn_blocking(f))
    }

    /// Spawns a `!Send` future with [`crate::task::spawn_local`] and adds it to the set.
    ///
    /// # Panics
    /// Outside a `LocalSet` or `LocalRuntime`, like `spawn_local`.
    #[track_caller]
    pub fn spawn_local<F>(&mut self, future: F) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
        T: 'static,
    {
        self.insert(crate::task::spawn_local(future))
    }

    /// Spawns a `!Send` future onto `local` and adds it to the set.
    pub fn spawn_local_on<F>(&mut self, future: F, local: &LocalSet) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
        T: 'static,
    {
        self.insert(local.spawn_local(future))
    }

    /// Waits for the next task to finish and returns its result; `None` once the set is
    /// empty. Cancel safe: a result is never lost if this future is dropped.
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// As [`JoinSet::join_next`], also returning the finished task's id.
    pub async fn join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        poll_fn(|cx| self.poll_join_next_entry(cx).map(|next| next.map(|(id, result)| result.map(|value| (id, value)))))
            .await
    }

    /// Waits for every task and returns their outputs in completion order.
    ///
    /// # Panics
    /// Re-raises the panic of a task that panicked.
    pub async fn join_all(mut self) -> Vec<T> {
        let mut outputs = Vec::with_capacity(self.len);
        while let Some(result) = self.join_next().await {
            match result {
                Ok(value) => outputs.push(value),
                Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
                Err(error) => panic!("a task in JoinSet::join_all failed: {error}"),
            }
        }
        outputs
    }

    /// Polls for the next finished task. Spends a unit of the task's cooperative budget
    /// per task returned (so draining a large set lets other tasks run).
    pub fn poll_join_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, JoinError>>> {
        self.poll_join_next_entry(cx).map(|next| next.map(|(_, result)| result))
    }

    /// The result of a task that has already finished, if any (`None` also when the set is
    /// empty); never waits.
    pub fn try_join_next(&mut self) -> Option<Result<T, JoinError>> {
        self.next_finished(None).map(|(_, result)| result)
    }

    /// As [`JoinSet::try_join_next`], also returning the finished task's id.
    pub fn try_join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        self.next_finished(None).map(|(id, result)| result.map(|value| (id, value)))
    }

    fn poll_join_next_entry(&mut self, cx: &mut Context<'_>) -> Poll<Option<(Id, Result<T, JoinError>)>> {
        if self.len == 0 {
            return Poll::Ready(None);
        }
        let mut restore = ready!(avx_core::coop::poll_proceed_restorable(cx));
        match self.next_finished(Some(cx.waker())) {
            Some(next) => {
                restore.made_progress();
                Poll::Ready(Some(next))
            }
            None => Poll::Pending,
        }
    }

    /// Takes a finished task's result; else registers `waiter` (if any) for the next one.
    fn next_finished(&mut self, waiter: Option<&Waker>) -> Option<(Id, Result<T, JoinError>)> {
        loop {
            let indices = {
                let mut state = self.ready.lock();
                if state.indices.is_empty() {
                    let replaced = waiter.map(|waker| state.waiter.replace(waker.clone()));
                    drop(state);
                    // A replaced waker's Drop may run anything (even drive the tasks): not under the lock.
                    drop(replaced);
                    return None;
                }
                std::mem::take(&mut state.indices)
            };
            let mut found = None;
            for (position, &index) in indices.iter().enumerate() {
                let Some(Some(entry)) = self.entries.get_mut(index) else { continue };
                let mut entry_cx = Context::from_waker(&entry.waker);
                if let Poll::Ready(result) = Pin::new(&mut entry.handle).poll(&mut entry_cx) {
                    let id = entry.handle.id();
                    self.entries[index] = None;
                    self.free.push(index);
                    self.len -= 1;
                    // Indices not examined yet go back for the next call.
                    self.ready.lock().indices.extend_from_slice(&indices[position + 1..]);
                    found = Some((id, result));
                    break;
                }
            }
            if found.is_some() {
                return found;
            }
        }
    }

    /// Aborts every task in the set (they stay in it until joined).
    pub fn abort_all(&mut self) {
        for entry in self.entries.iter().flatten() {
            entry.handle.abort();
        }
    }

    /// Aborts every task and waits until all have stopped.
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }

    /// Removes every task from the set without aborting it (they keep running, detached).
    pub fn detach_all(&mut self) {
        self.entries.clear();
        self.free.clear();
        self.len = 0;
        self.ready.lock().indices.clear();
    }
}

impl<T, F> Extend<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    /// Spawns each future on the current runtime, as [`JoinSet::spawn`].
    #[track_caller]
    fn extend<I: IntoIterator<Item = F>>(&mut self, futures: I) {
        for future in futures {
            self.spawn(future);
        }
    }
}

impl<T, F> FromIterator<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    /// A set of the futures, each spawned on the current runtime.
    #[track_caller]
    fn from_iter<I: IntoIterator<Item = F>>(futures: I) -> Self {
        let mut set = JoinSet::new();
        set.extend(futures);
        set
    }
}

impl<T> Drop for JoinSet<T> {
    fn drop(&mut self) {
        self.abort_all();
    }
}

impl<T> std::fmt::Debug for JoinSet<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinSet").field("len", &self.len).finish()
    }
}
