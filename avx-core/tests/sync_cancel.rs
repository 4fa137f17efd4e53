//! Cancellation: each waiting future is polled by hand, dropped at its await point (before
//! and after being woken), and the primitive must have lost no permit, lock or notification.

mod common;

use avx_core::sync::*;
use common::{block_on, Manual};

#[test]
fn semaphore_dropped_waiter_hands_its_grant_to_the_next() {
    let sem = Semaphore::new(1);
    let held = sem.try_acquire().unwrap();
    let mut first = Manual::new(sem.acquire());
    let mut second = Manual::new(sem.acquire());
    first.pending();
    second.pending();
    drop(held);
    assert!(first.woken());
    drop(first); // woken but never polled again: the wake-up must reach the next waiter
    assert!(second.woken());
    drop(second.ready().unwrap());
    assert_eq!(sem.available_permits(), 1);
}

#[test]
fn semaphore_passed_over_waiter_dropped_with_priority_leaves_the_fast_path_open() {
    let sem = Semaphore::new(1);
    let held = sem.try_acquire().unwrap();
    let mut waiter = Manual::new(sem.acquire());
    let mut next = Manual::new(sem.acquire());
    waiter.pending();
    next.pending();
    drop(held);
    assert!(waiter.woken());
    let barger = sem.try_acquire().unwrap();
    waiter.pending(); // passed over: it now has priority
    assert!(sem.try_acquire().is_err());
    drop(waiter);
    // The release is handed to the next queued waiter, not lost with the dropped one.
    drop(barger);
    assert!(next.woken());
    drop(next.ready().unwrap());
    assert_eq!(sem.available_permits(), 1);
    drop(sem.try_acquire().unwrap());
}

#[test]
fn semaphore_dropped_waiter_at_every_stage_loses_nothing() {
    // Stage 0: never polled. 1: queued. 2: queued with a partial grant. 3: fully granted.
    for stage in 0..4 {
        let sem = Semaphore::new(3);
        let held = sem.try_acquire_many(3).unwrap();
        let mut waiter = Manual::new(sem.acquire_many(2));
        if stage >= 1 {
            waiter.pending();
        }
        if stage >= 2 {
            sem.add_permits(1);
        }
        if stage >= 3 {
            sem.add_permits(1);
            assert!(waiter.woken());
        }
        drop(waiter);
        drop(held);
        let added = if stage >= 3 {
            2
        } else if stage >= 2 {
            1
        } else {
            0
        };
        assert_eq!(sem.available_permits(), 3 + added, "stage {stage}");
        // And the fast path works again (no stale WAITERS state).
        drop(sem.try_acquire_many(3 + added as u32).unwrap());
    }
}

#[test]
fn mutex_lock_dropped_after_being_handed_the_lock_passes_it_on() {
    let mutex = Mutex::new(0);
    let guard = mutex.try_lock().unwrap();
    let mut first = Manual::new(mutex.lock());
    let mut second = Manual::new(async {
        *mutex.lock().await += 1;
    });
    first.pending();
    second.pending();
    drop(guard);
    drop(first);
    assert!(second.woken());
    second.ready();
    assert_eq!(*mutex.try_lock().unwrap(), 1);
}

#[test]
fn rwlock_dropped_writer_with_partial_grant_lets_readers_in() {
    let lock = RwLock::new(0);
    let reader = lock.try_read().unwrap();
    let mut writer = Manual::new(lock.write());
    writer.pending();
    let mut late_reader = Manual::new(lock.read());
    late_reader.pending();
    drop(writer);
    assert!(late_reader.woken());
    assert_eq!(*late_reader.ready(), 0);
    drop(reader);
    assert!(lock.try_write().is_ok());
}

#[test]
fn notified_dropped_after_notify_one_passes_it_on() {
    let notify = Notify::new();
    let mut first = Manual::new(notify.notified());
    let mut second = Manual::new(notify.notified());
    first.pending();
    second.pending();
    notify.notify_one();
    drop(first);
    assert!(second.woken());
    second.ready();
}

#[test]
fn notified_dropped_after_notify_one_with_no_other_waiter_stores_the_permit() {
    let notify = Notify::new();
    let mut only = Manual::new(notify.notified());
    only.pending();
    notify.notify_one();
    drop(only);
    Manual::new(notify.notified()).ready();
}

#[test]
fn notified_dropped_while_waiting_leaves_no_trace() {
    let notify = Notify::new();
    let mut waiter = Manual::new(notify.notified());
    waiter.pending();
    drop(waiter);
    notify.notify_one();
    // The permit was stored (nobody waited), not given to the dropped future.
    Manual::new(notify.notified()).ready();
}

#[test]
fn barrier_wait_dropped_before_the_round_completes_withdraws() {
    let barrier = Barrier::new(2);
    let mut quitter = Manual::new(barrier.wait());
    quitter.pending();
    drop(quitter);
    let mut a = Manual::new(barrier.wait());
    a.pending();
    let b = block_on(barrier.wait());
    assert!(b.is_leader());
    assert!(!a.ready().is_leader());
}

#[test]
fn once_cell_cancelled_initializer_lets_the_next_caller_initialize() {
    let cell = OnceCell::new();
    let never = Notify::new();
    let mut stuck = Manual::new(cell.get_or_init(|| async {
        never.notified().await;
        1
    }));
    stuck.pending();
    let mut next = Manual::new(cell.get_or_init(|| async { 2 }));
    next.pending();
    drop(stuck);
    assert!(next.woken());
    assert_eq!(*next.ready(), 2);
}
