//! The global (injection) queue: where tasks spawned or woken off-worker, and a worker's
//! overflow, wait until some worker takes them. A short spin lock around a ring buffer.

use crate::deque::Overflow;
use crate::loom::{AtomicUsize, Mutex, Ordering::*};
use alloc::collections::VecDeque;

/// A multi-producer, multi-consumer FIFO that can be closed at shutdown.
pub(crate) struct Inject<T> {
    queue: Mutex<Queue<T>>,
    /// Mirrors `queue.items.len()` so emptiness checks need no lock.
    len: AtomicUsize,
}

struct Queue<T> {
    items: VecDeque<T>,
    closed: bool,
}

impl<T> Inject<T> {
    pub(crate) fn new() -> Inject<T> {
        Inject { queue: Mutex::new(Queue { items: VecDeque::new(), closed: false }), len: AtomicUsize::new(0) }
    }

    /// Queues a task; a closed queue hands it back.
    pub(crate) fn push(&self, task: T) -> Result<(), T> {
        let mut queue = self.queue.lock();
        if queue.closed {
            return Err(task);
        }
        queue.items.push_back(task);
        self.len.store(queue.items.len(), Release);
        Ok(())
    }

    /// Takes the oldest task.
    pub(crate) fn pop(&self) -> Option<T> {
        if self.is_empty() {
            return None;
        }
        let mut queue = self.queue.lock();
        let task = queue.items.pop_front();
        self.len.store(queue.items.len(), Release);
        task
    }

    /// Takes up to `max` of the oldest tasks, in order, under one lock acquisition.
    pub(crate) fn pop_batch(&self, max: usize, mut sink: impl FnMut(T)) {
        if self.is_empty() {
            return;
        }
        let mut queue = self.queue.lock();
        let n = max.min(queue.items.len());
        queue.items.drain(..n).for_each(&mut sink);
        self.len.store(queue.items.len(), Release);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len.load(Acquire) == 0
    }

    pub(crate) fn len(&self) -> usize {
        self.len.load(Acquire)
    }

    /// Refuses further pushes; returns false if it was already closed.
    pub(crate) fn close(&self) -> bool {
        !core::mem::replace(&mut self.queue.lock().closed, true)
    }
}

impl<T> Overflow<T> for Inject<T> {
    fn push_batch(&self, tasks: impl Iterator<Item = T>) {
        let mut queue = self.queue.lock();
        // Overflow from a running worker is accepted even when closed: shutdown drains
        // the queue after the workers have stopped, so nothing is lost.
        queue.items.extend(tasks);
        self.len.store(queue.items.len(), Release);
    }
}
