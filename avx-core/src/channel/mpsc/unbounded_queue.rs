//! The unbounded mpsc queue: a `VecDeque` behind a spin lock held for one push or pop.
//! Producers never wait for room; the lock is the only shared point.

use alloc::collections::VecDeque;

use super::chan::Queue;
use crate::loom::Mutex;

pub(super) struct UnboundedQueue<T> {
    values: Mutex<VecDeque<T>>,
}

impl<T> UnboundedQueue<T> {
    pub(super) fn new() -> Self {
        Self { values: Mutex::new(VecDeque::new()) }
    }
}

impl<T> Queue<T> for UnboundedQueue<T> {
    fn push(&self, value: T) {
        self.values.lock().push_back(value);
    }

    unsafe fn pop(&self) -> Option<T> {
        self.values.lock().pop_front()
    }

    fn close(&self) {}

    fn is_idle(&self) -> bool {
        true
    }

    unsafe fn len(&self) -> usize {
        self.values.lock().len()
    }
}
