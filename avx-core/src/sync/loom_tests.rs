//! Loom models of the semaphore (waiter queue, barging, handoff, close, cancel while woken)
//! and of `Notify`, `OnceCell` and `RwLock`.
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p avx-core --release --lib sync::loom`

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Waker};

use loom::thread;

use super::*;
use crate::loom::{Arc, AtomicUsize, Ordering::SeqCst};

#[test]
fn semaphore_waiters_are_exclusive_and_no_permit_is_lost() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let inside = Arc::new(AtomicUsize::new(0));
        let threads: alloc::vec::Vec<_> = (0..2)
            .map(|_| {
                let (sem, inside) = (sem.clone(), inside.clone());
                thread::spawn(move || {
                    block_on(async {
                        let _permit = sem.acquire().await.unwrap();
                        assert_eq!(inside.fetch_add(1, SeqCst), 0);
                        inside.fetch_sub(1, SeqCst);
                    })
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(sem.available_permits(), 1);
    });
}

#[test]
fn semaphore_close_wakes_a_waiter_and_keeps_the_count() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let waiter = {
            let sem = sem.clone();
            thread::spawn(move || block_on(sem.acquire()).map(SemaphorePermit::forget).is_ok())
        };
        let closer = {
            let sem = sem.clone();
            thread::spawn(move || {
                sem.add_permits(1);
                sem.close();
            })
        };
        closer.join().unwrap();
        let acquired = waiter.join().unwrap();
        // Either the released permit went to the waiter (and was forgotten), or the close
        // failed it and the permit is in the counter.
        assert_eq!(sem.available_permits(), if acquired { 0 } else { 1 });
    });
}

#[test]
fn semaphore_acquire_cancelled_while_woken_hands_the_permit_on() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let canceller = {
            let sem = sem.clone();
            thread::spawn(move || {
                let mut acquire = pin!(sem.acquire());
                let mut cx = Context::from_waker(Waker::noop());
                if let core::task::Poll::Ready(permit) = acquire.as_mut().poll(&mut cx) {
                    permit.unwrap().forget();
                    return true;
                }
                false
                // Dropped here, possibly after being granted the permit.
            })
        };
        let adder = {
            let sem = sem.clone();
            thread::spawn(move || sem.add_permits(1))
        };
        adder.join().unwrap();
        let forgotten = canceller.join().unwrap();
        assert_eq!(sem.available_permits(), if forgotten { 0 } else { 1 });
    });
}

#[test]
fn semaphore_cancelled_waiter_passes_its_wake_up_to_the_next_waiter() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let patient = {
            let sem = sem.clone();
            thread::spawn(move || drop(block_on(sem.acquire()).unwrap()))
        };
        let impatient = {
            let sem = sem.clone();
            thread::spawn(move || {
                let mut acquire = pin!(sem.acquire());
                let _ = acquire.as_mut().poll(&mut Context::from_waker(Waker::noop()));
            })
        };
        sem.add_permits(1);
        impatient.join().unwrap();
        // Completes only if the permit reached the patient waiter whatever the order.
        patient.join().unwrap();
        assert_eq!(sem.available_permits(), 1);
    });
}

#[test]
fn semaphore_woken_waiter_dropped_unpolled_passes_the_wake_on() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let held = sem.try_acquire().unwrap();
        let quitter = {
            let sem = sem.clone();
            // Queued, then dropped once woken (woken but not granted) without polling again.
            thread::spawn(move || poll_then_drop(sem.acquire(), 1).map(drop).is_some())
        };
        let patient = {
            let sem = sem.clone();
            thread::spawn(move || drop(block_on(sem.acquire()).unwrap()))
        };
        drop(held);
        quitter.join().unwrap();
        // Completes only if the wake-up reached the patient waiter whatever the order.
        patient.join().unwrap();
        assert_eq!(sem.available_permits(), 1);
        drop(sem.try_acquire().unwrap());
    });
}

#[test]
fn semaphore_barging_newcomer_and_passed_over_waiter_stay_exclusive() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let inside = Arc::new(AtomicUsize::new(0));
        let held = sem.try_acquire().unwrap();
        let enter = |inside: &AtomicUsize| {
            assert_eq!(inside.fetch_add(1, SeqCst), 0);
            inside.fetch_sub(1, SeqCst);
        };
        let waiter = {
            let (sem, inside) = (sem.clone(), inside.clone());
            // Woken, possibly passed over by the barger (then given priority), then dropped
            // after its second poll, holding the permit or not.
            thread::spawn(move || {
                if let Some(permit) = poll_then_drop(sem.acquire(), 2) {
                    let _permit = permit.unwrap();
                    enter(&inside);
                }
            })
        };
        let barger = {
            let (sem, inside) = (sem.clone(), inside.clone());
            thread::spawn(move || {
                let _permit = block_on(sem.acquire()).unwrap();
                enter(&inside);
            })
        };
        drop(held);
        waiter.join().unwrap();
        barger.join().unwrap();
        assert_eq!(sem.available_permits(), 1);
        // No stale handoff state: the fast path works again.
        drop(sem.try_acquire().unwrap());
    });
}

#[test]
fn notify_one_is_never_lost() {
    loom::model(|| {
        let notify = Arc::new(Notify::new());
        let waiter = {
            let notify = notify.clone();
            thread::spawn(move || block_on(notify.notified()))
        };
        notify.notify_one();
        waiter.join().unwrap();
    });
}

#[test]
fn notified_cancelled_after_notify_one_passes_it_on() {
    loom::model(|| {
        let notify = Arc::new(Notify::new());
        let cancelled = {
            let notify = notify.clone();
            thread::spawn(move || {
                let mut notified = pin!(notify.notified());
                let mut cx = Context::from_waker(Waker::noop());
                notified.as_mut().poll(&mut cx).is_ready()
            })
        };
        let notifier = {
            let notify = notify.clone();
            thread::spawn(move || notify.notify_one())
        };
        notifier.join().unwrap();
        if !cancelled.join().unwrap() {
            // The notification must still be there for the next waiter.
            block_on(notify.notified());
        }
    });
}

#[test]
fn notify_waiters_reaches_a_future_created_before_it() {
    loom::model(|| {
        let notify = Arc::new(Notify::new());
        let flag = Arc::new(AtomicUsize::new(0));
        let waiter = {
            let (notify, flag) = (notify.clone(), flag.clone());
            thread::spawn(move || {
                block_on(async {
                    loop {
                        let notified = notify.notified();
                        if flag.load(SeqCst) == 1 {
                            return;
                        }
                        notified.await;
                    }
                })
            })
        };
        flag.store(1, SeqCst);
        notify.notify_waiters();
        waiter.join().unwrap();
    });
}

#[test]
fn once_cell_runs_one_initializer_and_everyone_sees_its_value() {
    loom::model(|| {
        let cell = Arc::new(OnceCell::new());
        let runs = Arc::new(AtomicUsize::new(0));
        let threads: alloc::vec::Vec<_> = (1..=2usize)
            .map(|id| {
                let (cell, runs) = (cell.clone(), runs.clone());
                thread::spawn(move || {
                    *block_on(cell.get_or_init(|| async {
                        runs.fetch_add(1, SeqCst);
                        id
                    }))
                })
            })
            .collect();
        let seen: alloc::vec::Vec<usize> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(runs.load(SeqCst), 1);
        assert_eq!(seen[0], seen[1]);
        assert_eq!(cell.get(), Some(&seen[0]));
    });
}

#[test]
fn rwlock_writer_and_reader_exclude_each_other() {
    loom::model(|| {
        let lock = Arc::new(RwLock::new(0usize));
        let writer = {
            let lock = lock.clone();
            thread::spawn(move || {
                block_on(async {
                    let mut guard = lock.write().await;
                    *guard += 1;
                    *guard += 1;
                })
            })
        };
        // A reader sees the value before or after the write, never half of it.
        let seen = block_on(async { *lock.read().await });
        assert!(seen == 0 || seen == 2, "saw {seen}");
        writer.join().unwrap();
        assert_eq!(*lock.try_read().unwrap(), 2);
    });
}

/// Polls `future` up to `polls` times, waiting for a wake-up after each pending poll, and
/// drops it if it is still pending then. Returns its output if it completed.
fn poll_then_drop<F: Future>(future: F, polls: usize) -> Option<F::Output> {
    let wakeup = alloc::sync::Arc::new(Wakeup(loom::sync::Notify::new()));
    let waker = Waker::from(wakeup.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    for _ in 0..polls {
        if let core::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return Some(output);
        }
        wakeup.0.wait();
    }
    None
}

/// A waker that signals a loom `Notify` (thread unparks would disturb a later `join`).
struct Wakeup(loom::sync::Notify);

impl alloc::task::Wake for Wakeup {
    fn wake(self: alloc::sync::Arc<Self>) {
        self.0.notify();
    }
}

/// Drives `future` on the current loom thread, waiting on a loom `Notify` between polls
/// (loom's own `block_on` needs a feature this crate does not enable).
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let wakeup = alloc::sync::Arc::new(Wakeup(loom::sync::Notify::new()));
    let waker = Waker::from(wakeup.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let core::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        wakeup.0.wait();
    }
}
