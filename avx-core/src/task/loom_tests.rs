//! Loom models of the task state machine and reference counting: concurrent wake, run,
//! join, abort and shutdown never lose a wake-up, run a future twice, or free too early.

use super::{JoinHandle, Notified, OwnedTasks, Schedule, Task};
use crate::loom::{Arc, AtomicUsize, Mutex, Ordering::SeqCst};
use alloc::collections::VecDeque;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use loom::thread;

/// A scheduler that just queues; the model drains the queue itself.
#[derive(Clone)]
struct Queue(Arc<QueueInner>);

struct QueueInner {
    queue: Mutex<VecDeque<Notified<Queue>>>,
    owned: OwnedTasks<Queue>,
}

impl Schedule for Queue {
    fn schedule(&self, task: Notified<Self>) {
        self.0.queue.lock().push_back(task);
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.0.owned.remove(task)
    }
}

impl Queue {
    fn new() -> Queue {
        Queue(Arc::new(QueueInner { queue: Mutex::new(VecDeque::new()), owned: OwnedTasks::new(1) }))
    }

    fn spawn<F: Future + Send + 'static>(&self, future: F) -> JoinHandle<F::Output>
    where
        F::Output: Send,
    {
        let (handle, notified) = self.0.owned.bind(future, self.clone());
        self.schedule(notified.expect("list open"));
        handle
    }

    /// Runs queued tasks until the queue is empty.
    fn drain(&self) {
        loop {
            let next = self.0.queue.lock().pop_front();
            match next {
                Some(task) => task.run(),
                None => return,
            }
        }
    }

    fn shutdown(&self) {
        self.0.owned.close_and_shutdown_all();
        while self.0.queue.lock().pop_front().is_some() {}
    }
}

/// Pending until woken once through the waker it publishes; counts its polls and drops.
struct WakeOnce {
    waker: Arc<Mutex<Option<Waker>>>,
    woken: Arc<AtomicUsize>,
    polls: Arc<AtomicUsize>,
    drops: Arc<AtomicUsize>,
}

impl Future for WakeOnce {
    type Output = usize;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        self.polls.fetch_add(1, SeqCst);
        *self.waker.lock() = Some(cx.waker().clone());
        if self.woken.load(SeqCst) == 1 {
            Poll::Ready(7)
        } else {
            Poll::Pending
        }
    }
}

impl Drop for WakeOnce {
    fn drop(&mut self) {
        self.drops.fetch_add(1, SeqCst);
    }
}

struct Probe {
    waker: Arc<Mutex<Option<Waker>>>,
    woken: Arc<AtomicUsize>,
    polls: Arc<AtomicUsize>,
    drops: Arc<AtomicUsize>,
}

impl Probe {
    fn new() -> Probe {
        Probe {
            waker: Arc::new(Mutex::new(None)),
            woken: Arc::new(AtomicUsize::new(0)),
            polls: Arc::new(AtomicUsize::new(0)),
            drops: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn future(&self) -> WakeOnce {
        WakeOnce {
            waker: self.waker.clone(),
            woken: self.woken.clone(),
            polls: self.polls.clone(),
            drops: self.drops.clone(),
        }
    }

    /// Wakes the task from the current thread, if it published a waker.
    fn wake(&self) {
        self.woken.store(1, SeqCst);
        let waker = self.waker.lock().take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

fn poll_once<F: Future + Unpin>(future: &mut F) -> Poll<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    Pin::new(future).poll(&mut cx)
}

#[test]
fn wake_from_another_thread_while_running_is_never_lost() {
    loom::model(|| {
        let queue = Queue::new();
        let probe = Probe::new();
        let mut handle = queue.spawn(probe.future());
        queue.drain(); // first poll: pending, waker published
        let waker_thread = {
            let (woken, waker) = (probe.woken.clone(), probe.waker.clone());
            thread::spawn(move || {
                woken.store(1, SeqCst);
                let waker = waker.lock().take();
                if let Some(waker) = waker {
                    waker.wake();
                }
            })
        };
        queue.drain();
        waker_thread.join().unwrap();
        queue.drain();
        assert_eq!(poll_once(&mut handle).map(Result::unwrap), Poll::Ready(7));
        assert_eq!(probe.drops.load(SeqCst), 1);
        assert!(probe.polls.load(SeqCst) <= 3);
    });
}

#[test]
fn join_handle_dropped_concurrently_with_completion() {
    loom::model(|| {
        let queue = Queue::new();
        let probe = Probe::new();
        let handle = queue.spawn(probe.future());
        queue.drain();
        let dropper = thread::spawn(move || drop(handle));
        probe.wake();
        queue.drain();
        dropper.join().unwrap();
        assert_eq!(probe.drops.load(SeqCst), 1);
        assert!(queue.0.owned.len() == 0);
    });
}

#[test]
fn join_waker_registered_concurrently_with_completion() {
    loom::model(|| {
        let queue = Queue::new();
        let probe = Probe::new();
        let mut handle = queue.spawn(probe.future());
        queue.drain();
        let waiter = thread::spawn(move || {
            let first = poll_once(&mut handle);
            (first.is_ready(), handle)
        });
        probe.wake();
        queue.drain();
        let (ready, mut handle) = waiter.join().unwrap();
        if !ready {
            assert_eq!(poll_once(&mut handle).map(Result::unwrap), Poll::Ready(7));
        }
    });
}

#[test]
fn abort_races_a_wake_and_the_future_is_dropped_once() {
    loom::model(|| {
        let queue = Queue::new();
        let probe = Probe::new();
        let mut handle = queue.spawn(probe.future());
        queue.drain();
        let abort = handle.abort_handle();
        let aborter = thread::spawn(move || abort.abort());
        probe.wake();
        aborter.join().unwrap();
        queue.drain();
        let result = poll_once(&mut handle);
        assert!(result.is_ready());
        assert_eq!(probe.drops.load(SeqCst), 1);
    });
}

#[test]
fn shutdown_races_a_wake_from_another_thread() {
    loom::model(|| {
        let queue = Queue::new();
        let probe = Probe::new();
        let handle = queue.spawn(probe.future());
        queue.drain();
        let (woken, waker) = (probe.woken.clone(), probe.waker.clone());
        let waker_thread = thread::spawn(move || {
            woken.store(1, SeqCst);
            let waker = waker.lock().take();
            if let Some(waker) = waker {
                waker.wake();
            }
        });
        queue.shutdown();
        waker_thread.join().unwrap();
        queue.shutdown();
        drop(handle);
        assert_eq!(probe.drops.load(SeqCst), 1);
    });
}

#[test]
fn wakers_cloned_and_dropped_on_many_threads_free_the_task_once() {
    loom::model(|| {
        let queue = Queue::new();
        let probe = Probe::new();
        let handle = queue.spawn(probe.future());
        queue.drain();
        let waker = probe.waker.lock().take().expect("published");
        let clone = waker.clone();
        let t = thread::spawn(move || clone.wake());
        drop(handle);
        waker.wake_by_ref();
        drop(waker);
        t.join().unwrap();
        queue.shutdown();
        assert_eq!(probe.drops.load(SeqCst), 1);
    });
}
