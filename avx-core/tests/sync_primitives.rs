//! Behaviour of the sync primitives that users rely on: fairness, permits, notification
//! storage, barrier leaders, once-only initialization.

mod common;

use avx_core::sync::*;
use common::{block_on, Manual};
use std::sync::Arc;

#[test]
fn mutex_serves_waiters_in_arrival_order() {
    let mutex = Mutex::new(Vec::new());
    let guard = mutex.try_lock().unwrap();
    let mut waiters: Vec<_> = (0..3)
        .map(|i| {
            let mutex = &mutex;
            Manual::new(async move { mutex.lock().await.push(i) })
        })
        .collect();
    waiters.iter_mut().for_each(|w| w.pending());
    drop(guard);
    // Only the first waiter is woken.
    assert!(waiters[0].woken() && !waiters[1].woken());
    // The last waiter is polled first but still waits its turn.
    waiters[2].pending();
    waiters[0].ready();
    assert!(waiters[1].woken() && !waiters[2].woken());
    waiters[2].pending();
    waiters[1].ready();
    waiters[2].ready();
    assert_eq!(*mutex.try_lock().unwrap(), [0, 1, 2]);
}

#[test]
fn mutex_waiter_passed_over_once_is_handed_the_next_unlock() {
    let mutex = Mutex::new(Vec::new());
    let guard = mutex.try_lock().unwrap();
    let mut waiter = Manual::new(async { mutex.lock().await.push("waiter") });
    waiter.pending();
    drop(guard);
    assert!(waiter.woken());
    // A running task may take the lock before the woken waiter runs...
    let mut barger = mutex.try_lock().unwrap();
    barger.push("barger");
    waiter.pending();
    drop(barger);
    // ...but only once: the next unlock goes straight to the waiter, newcomers queue.
    assert!(waiter.woken());
    assert!(mutex.try_lock().is_err());
    let mut late = Manual::new(async { mutex.lock().await.push("late") });
    late.pending();
    waiter.ready();
    late.ready();
    assert_eq!(*mutex.try_lock().unwrap(), ["barger", "waiter", "late"]);
}

#[test]
fn owned_mutex_guard_outlives_the_borrow() {
    let mutex = Arc::new(Mutex::new(5));
    let mut guard = block_on(mutex.clone().lock_owned());
    *guard += 1;
    assert!(mutex.clone().try_lock_owned().is_err());
    drop(guard);
    assert_eq!(*mutex.try_lock().unwrap(), 6);
    assert_eq!(Arc::try_unwrap(mutex).unwrap().into_inner(), 6);
}

#[test]
fn rwlock_queued_writer_blocks_later_readers() {
    let lock = RwLock::new(0);
    let reader = lock.try_read().unwrap();
    let mut writer = Manual::new(async { *lock.write().await += 1 });
    writer.pending();
    // A writer is waiting: new readers queue behind it instead of starving it.
    assert!(lock.try_read().is_err());
    let mut late_reader = Manual::new(async { *lock.read().await });
    late_reader.pending();
    drop(reader);
    assert!(writer.woken());
    writer.ready();
    assert!(late_reader.woken());
    assert_eq!(late_reader.ready(), 1);
    drop((writer, late_reader));
    assert_eq!(lock.into_inner(), 1);
}

#[test]
fn rwlock_allows_many_readers() {
    let lock = RwLock::new(1);
    let a = lock.try_read().unwrap();
    let b = block_on(lock.read());
    assert_eq!(*a + *b, 2);
    assert!(lock.try_write().is_err());
    drop((a, b));
    *lock.try_write().unwrap() = 3;
    assert_eq!(*lock.try_read().unwrap(), 3);
}

#[test]
fn semaphore_permits_come_back_on_drop_and_stay_gone_on_forget() {
    let sem = Semaphore::new(3);
    let two = sem.try_acquire_many(2).unwrap();
    assert_eq!(two.num_permits(), 2);
    assert_eq!(sem.available_permits(), 1);
    assert_eq!(sem.try_acquire_many(2).unwrap_err(), TryAcquireError::NoPermits);
    drop(two);
    assert_eq!(sem.available_permits(), 3);
    sem.try_acquire().unwrap().forget();
    assert_eq!(sem.available_permits(), 2);
    sem.add_permits(4);
    assert_eq!(sem.available_permits(), 6);
}

#[test]
fn semaphore_large_request_at_the_front_is_not_overtaken() {
    let sem = Semaphore::new(1);
    let held = sem.try_acquire().unwrap();
    let mut big = Manual::new(sem.acquire_many(3));
    big.pending();
    sem.add_permits(1);
    // The new permit is now parked with the big waiter; a small newcomer must not take it.
    assert_eq!(sem.available_permits(), 0);
    assert!(sem.try_acquire().is_err());
    assert!(!big.woken());
    drop(held);
    sem.add_permits(1);
    assert!(big.woken());
    let permit = big.ready().unwrap();
    assert_eq!(permit.num_permits(), 3);
}

#[test]
fn semaphore_close_fails_waiters_and_keeps_held_permits_valid() {
    let sem = Arc::new(Semaphore::new(1));
    let held = sem.clone().try_acquire_owned().unwrap();
    let mut waiter = Manual::new(sem.clone().acquire_owned());
    waiter.pending();
    sem.close();
    assert!(sem.is_closed());
    assert!(waiter.woken());
    assert!(waiter.ready().is_err());
    assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::Closed);
    assert!(block_on(sem.acquire()).is_err());
    drop(held);
    assert_eq!(sem.available_permits(), 1);
}

#[test]
fn notify_one_stores_a_single_permit() {
    let notify = Notify::new();
    notify.notify_one();
    notify.notify_one();
    block_on(notify.notified());
    let mut second = Manual::new(notify.notified());
    second.pending();
    notify.notify_one();
    assert!(second.woken());
    second.ready();
}

#[test]
fn notify_one_wakes_the_longest_waiting_task() {
    let notify = Notify::new();
    let mut first = Manual::new(notify.notified());
    let mut second = Manual::new(notify.notified());
    first.pending();
    second.pending();
    notify.notify_one();
    assert!(first.woken() && !second.woken());
    first.ready();
    second.pending();
}

#[test]
fn notify_waiters_reaches_created_but_unpolled_futures_and_stores_nothing() {
    let notify = Notify::new();
    let mut polled = Manual::new(notify.notified());
    polled.pending();
    let mut created = Manual::new(notify.notified());
    notify.notify_waiters();
    assert!(polled.woken());
    polled.ready();
    created.ready();
    let mut later = Manual::new(notify.notified());
    later.pending();
}

#[test]
fn barrier_releases_a_full_round_with_exactly_one_leader() {
    let barrier = Barrier::new(3);
    let mut a = Manual::new(barrier.wait());
    let mut b = Manual::new(barrier.wait());
    a.pending();
    b.pending();
    let last = block_on(barrier.wait());
    let results = [a.ready(), b.ready(), last];
    assert_eq!(results.iter().filter(|r| r.is_leader()).count(), 1);
    // The barrier is reusable.
    let mut c = Manual::new(barrier.wait());
    c.pending();
}

#[test]
fn once_cell_initializes_once_and_rejects_later_sets() {
    let cell = OnceCell::new();
    assert!(cell.get().is_none());
    let value = block_on(cell.get_or_init(|| async { 7 }));
    assert_eq!(*value, 7);
    assert_eq!(*block_on(cell.get_or_init(|| async { 8 })), 7);
    assert_eq!(cell.set(9), Err(SetError::AlreadyInitializedError(9)));
    assert!(cell.initialized());
    assert_eq!(cell.into_inner(), Some(7));
}

#[test]
fn once_cell_failed_init_leaves_it_empty_for_the_next_caller() {
    let cell = OnceCell::<u32>::new();
    let failed: Result<&u32, &str> = block_on(cell.get_or_try_init(|| async { Err("nope") }));
    assert_eq!(failed, Err("nope"));
    assert!(!cell.initialized());
    let ok: Result<&u32, &str> = block_on(cell.get_or_try_init(|| async { Ok(3) }));
    assert_eq!(ok, Ok(&3));
}

#[test]
fn once_cell_waiters_share_the_running_initializer() {
    let cell = OnceCell::new();
    let gate = Notify::new();
    let mut first = Manual::new(cell.get_or_init(|| async {
        gate.notified().await;
        1
    }));
    first.pending();
    let mut second = Manual::new(cell.get_or_init(|| async { 2 }));
    second.pending();
    assert!(matches!(cell.set(3), Err(SetError::InitializingError(3))));
    gate.notify_one();
    assert_eq!(*first.ready(), 1);
    assert!(second.woken());
    assert_eq!(*second.ready(), 1);
}

#[test]
fn mutex_is_exclusive_across_threads() {
    let mutex = Arc::new(Mutex::new(0u64));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let mutex = mutex.clone();
            std::thread::spawn(move || {
                for _ in 0..10_000 {
                    block_on(async {
                        let mut guard = mutex.lock().await;
                        let v = *guard;
                        *guard = v + 1;
                    });
                }
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
    assert_eq!(*block_on(mutex.lock()), 40_000);
}

#[test]
fn semaphore_never_exceeds_its_permits_across_threads() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let sem = Arc::new(Semaphore::new(2));
    let inside = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..6)
        .map(|_| {
            let (sem, inside) = (sem.clone(), inside.clone());
            std::thread::spawn(move || {
                for _ in 0..5_000 {
                    block_on(async {
                        let _permit = sem.acquire().await.unwrap();
                        assert!(inside.fetch_add(1, Ordering::SeqCst) < 2);
                        inside.fetch_sub(1, Ordering::SeqCst);
                    });
                }
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
    assert_eq!(sem.available_permits(), 2);
}

#[test]
fn once_cell_take_empties_the_cell_and_allows_a_new_value() {
    let mut cell = OnceCell::new();
    cell.set(String::from("a")).unwrap();
    assert_eq!(cell.take().as_deref(), Some("a"));
    assert!(!cell.initialized());
    assert_eq!(cell.take(), None);
    cell.set(String::from("b")).unwrap();
    assert_eq!(cell.get().map(String::as_str), Some("b"));
}

#[cfg(feature = "std")]
#[test]
fn blocking_lock_waits_for_an_async_holder_on_another_thread() {
    let mutex = Arc::new(Mutex::new(0));
    let guard = mutex.clone().try_lock_owned().unwrap();
    let waiter = {
        let mutex = mutex.clone();
        std::thread::spawn(move || *mutex.blocking_lock() += 1)
    };
    drop(guard);
    waiter.join().unwrap();
    let lock = RwLock::new(1);
    *lock.blocking_write() += 1;
    assert_eq!(*lock.blocking_read(), 2);
    assert_eq!(*mutex.blocking_lock(), 1);
}

#[test]
#[should_panic(expected = "at most")]
fn semaphore_refuses_to_overflow() {
    let sem = Semaphore::new(Semaphore::MAX_PERMITS);
    sem.add_permits(1);
}
