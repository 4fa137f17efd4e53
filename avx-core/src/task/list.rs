//! `OwnedTasks`: every live task of a scheduler, in sharded intrusive lists, so shutdown
//! can cancel tasks that sit in no queue (idle, waiting on a waker that may never fire).

use super::raw::{Cell, Header, Links, RawTask};
use super::{Id, JoinHandle, Notified, Schedule, Task};
use crate::loom::Mutex;
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::future::Future;
use core::marker::PhantomData;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicUsize, Ordering};

/// The list a task belongs to and the lock guarding its links.
pub(crate) struct OwnedTasks<S> {
    shards: Box<[Mutex<Shard>]>,
    id: usize,
    _scheduler: PhantomData<fn(S)>,
}

struct Shard {
    head: Option<NonNull<Header>>,
    len: usize,
    closed: bool,
}

// SAFETY: the raw task pointers are only dereferenced under the shard lock (links) or
// through the thread-safe task API.
unsafe impl Send for Shard {}

/// Ids of lists, so a task is only ever unlinked from the list that linked it.
static NEXT_LIST_ID: AtomicUsize = AtomicUsize::new(1);
static NEXT_TASK_ID: AtomicUsize = AtomicUsize::new(1);

impl<S: Schedule> OwnedTasks<S> {
    /// A list with about `parallelism * 4` shards (a power of two) to keep lock contention low.
    pub(crate) fn new(parallelism: usize) -> OwnedTasks<S> {
        // One shard under loom: shard choice follows global ids, which differ between runs.
        let count = if cfg!(loom) { 1 } else { parallelism.saturating_mul(4).clamp(1, 256).next_power_of_two() };
        let shards: Vec<_> = (0..count).map(|_| Mutex::new(Shard { head: None, len: 0, closed: false })).collect();
        OwnedTasks {
            shards: shards.into_boxed_slice(),
            id: NEXT_LIST_ID.fetch_add(1, Ordering::Relaxed),
            _scheduler: PhantomData,
        }
    }

    /// Allocates a task for `future`, links it, and returns its handle and first `Notified`
    /// (`None` if the list is closed: the task is then already cancelled).
    pub(crate) fn bind<F>(&self, future: F, scheduler: S) -> (JoinHandle<F::Output>, Option<Notified<S>>)
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // SAFETY: Send future and output may be polled and dropped on any thread.
        unsafe { self.bind_local(future, scheduler) }
    }

    /// As [`OwnedTasks::bind`] without the `Send` bounds.
    ///
    /// # Safety
    /// The returned `Notified`s must be run, and the list closed, on one thread only, unless
    /// `F` is `Send`; the `JoinHandle` must stay on that thread unless the output is `Send`
    /// (the future itself is only ever dropped by whoever runs or shuts down the task).
    pub(crate) unsafe fn bind_local<F>(&self, future: F, scheduler: S) -> (JoinHandle<F::Output>, Option<Notified<S>>)
    where
        F: Future + 'static,
    {
        let id = Id(NEXT_TASK_ID.fetch_add(1, Ordering::Relaxed) as u64);
        let raw = RawTask::from_header(Cell::<F, S>::allocate(future, scheduler, id, self.id));
        // SAFETY: the three initial references: the handle, the first Notified, the list.
        let (handle, notified) = unsafe { (JoinHandle::from_raw(raw), Notified::from_raw(raw)) };
        let mut shard = self.shard(id).lock();
        if shard.closed {
            drop(shard);
            drop(notified);
            // SAFETY: the list's reference, never linked.
            unsafe { raw.shutdown() };
            return (handle, None);
        }
        // SAFETY: links are guarded by the shard lock we hold.
        unsafe { push_front(&mut shard, raw.header_ptr()) };
        (handle, Some(notified))
    }

    /// Unlinks a completing task; returns the list's reference if it was still linked.
    pub(crate) fn remove(&self, task: &Task<S>) -> Option<Task<S>> {
        let header = task.raw.header();
        if header.owner_id != self.id {
            return None;
        }
        let mut shard = self.shard(header.id).lock();
        // SAFETY: links are guarded by the shard lock we hold.
        let unlinked = unsafe { unlink(&mut shard, task.raw.header_ptr()) };
        // SAFETY: the list's reference moves to the caller.
        unlinked.then(|| unsafe { Task::from_raw(task.raw) })
    }

    /// Refuses new tasks and cancels every linked one, dropping their futures here.
    pub(crate) fn close_and_shutdown_all(&self) {
        for shard in self.shards.iter() {
            shard.lock().closed = true;
            loop {
                let mut guard = shard.lock();
                let Some(head) = guard.head else { break };
                // SAFETY: guarded by the lock; `head` is linked in this shard.
                unsafe { unlink(&mut guard, head) };
                drop(guard);
                // SAFETY: the list's reference, just unlinked.
                unsafe { RawTask::from_header(head).shutdown() };
            }
        }
    }

    /// How many tasks are alive in the list.
    pub(crate) fn len(&self) -> usize {
        self.shards.iter().map(|shard| shard.lock().len).sum()
    }

    fn shard(&self, id: Id) -> &Mutex<Shard> {
        &self.shards[(id.0 as usize) & (self.shards.len() - 1)]
    }
}

/// # Safety
/// The caller holds the shard lock; `node` is a live task not linked anywhere.
unsafe fn push_front(shard: &mut Shard, node: NonNull<Header>) {
    let old_head = shard.head;
    // SAFETY: guarded by the shard lock.
    unsafe {
        with_links(node, |links| *links = Links { prev: None, next: old_head, linked: true });
        if let Some(old) = old_head {
            with_links(old, |links| links.prev = Some(node));
        }
    }
    shard.head = Some(node);
    shard.len += 1;
}

/// Returns false if `node` was not linked.
///
/// # Safety
/// The caller holds the lock of the shard `node` hashes to.
unsafe fn unlink(shard: &mut Shard, node: NonNull<Header>) -> bool {
    // SAFETY: guarded by the shard lock.
    let (prev, next, linked) = unsafe { with_links(node, |l| (l.prev, l.next, l.linked)) };
    if !linked {
        return false;
    }
    // SAFETY: neighbours are linked in the same shard, guarded by the same lock.
    unsafe {
        match prev {
            Some(prev) => with_links(prev, |l| l.next = next),
            None => shard.head = next,
        }
        if let Some(next) = next {
            with_links(next, |l| l.prev = prev);
        }
        with_links(node, |l| *l = Links::default());
    }
    shard.len -= 1;
    true
}

/// # Safety
/// The caller holds the lock guarding `node`'s links and `node` is alive.
unsafe fn with_links<R>(node: NonNull<Header>, f: impl FnOnce(&mut Links) -> R) -> R {
    // SAFETY: per the contract.
    unsafe { node.as_ref() }.links.with_mut(|links| f(unsafe { &mut *links }))
}
