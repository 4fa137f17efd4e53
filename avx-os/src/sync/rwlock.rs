//! A blocking reader-writer lock on one futex word, writer-preferring: once a writer waits,
//! new readers wait behind it, so a steady stream of readers cannot starve writers.
//!
//! The word holds the reader count, or `WRITE_LOCKED`. Two counters of sleeping readers and
//! writers decide whether an unlock must enter the kernel, and make readers yield to writers.

use super::futex::{self, AtomicU32};
use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::Ordering::*;

const WRITE_LOCKED: u32 = u32::MAX;
const MAX_READERS: u32 = u32::MAX - 1;

/// Many readers or one writer.
pub struct RwLock<T: ?Sized> {
    state: AtomicU32,
    waiting_writers: AtomicU32,
    waiting_readers: AtomicU32,
    value: UnsafeCell<T>,
}

// SAFETY: readers share `&T` across threads (needs `Sync`), a writer gets `&mut T` on any
// thread (needs `Send`); the lock enforces the exclusion.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLock<T> {}
// SAFETY: moving the lock moves the `T`.
unsafe impl<T: ?Sized + Send> Send for RwLock<T> {}

/// Shared access; releases on drop.
pub struct RwLockReadGuard<'a, T: ?Sized> {
    lock: &'a RwLock<T>,
}

/// Exclusive access; releases on drop.
pub struct RwLockWriteGuard<'a, T: ?Sized> {
    lock: &'a RwLock<T>,
}

impl<T> RwLock<T> {
    /// An unlocked lock holding `value`.
    pub fn new(value: T) -> RwLock<T> {
        RwLock {
            state: AtomicU32::new(0),
            waiting_writers: AtomicU32::new(0),
            waiting_readers: AtomicU32::new(0),
            value: UnsafeCell::new(value),
        }
    }
}

impl<T: ?Sized> RwLock<T> {
    /// Shared access if no writer holds or awaits the lock.
    pub fn try_read(&self) -> Option<RwLockReadGuard<'_, T>> {
        if self.waiting_writers.load(SeqCst) > 0 {
            return None;
        }
        let mut state = self.state.load(Relaxed);
        while state < MAX_READERS {
            match self.state.compare_exchange_weak(state, state + 1, Acquire, Relaxed) {
                Ok(_) => return Some(RwLockReadGuard { lock: self }),
                Err(actual) => state = actual,
            }
        }
        None
    }

    /// Blocks until shared access is possible (no writer holds or awaits the lock).
    pub fn read(&self) -> RwLockReadGuard<'_, T> {
        loop {
            if let Some(guard) = self.try_read() {
                return guard;
            }
            self.waiting_readers.fetch_add(1, SeqCst);
            let state = self.state.load(SeqCst);
            if state == WRITE_LOCKED || self.waiting_writers.load(SeqCst) > 0 {
                futex::wait(&self.state, state, None);
            }
            self.waiting_readers.fetch_sub(1, SeqCst);
        }
    }

    /// Exclusive access if the lock is free now.
    pub fn try_write(&self) -> Option<RwLockWriteGuard<'_, T>> {
        self.state.compare_exchange(0, WRITE_LOCKED, Acquire, Relaxed).ok().map(|_| RwLockWriteGuard { lock: self })
    }

    /// Blocks until exclusive access is possible.
    pub fn write(&self) -> RwLockWriteGuard<'_, T> {
        if let Some(guard) = self.try_write() {
            return guard;
        }
        self.waiting_writers.fetch_add(1, SeqCst);
        loop {
            let state = self.state.load(SeqCst);
            if state == 0 && self.state.compare_exchange(0, WRITE_LOCKED, Acquire, Relaxed).is_ok() {
                self.waiting_writers.fetch_sub(1, SeqCst);
                return RwLockWriteGuard { lock: self };
            }
            if state != 0 {
                futex::wait(&self.state, state, None);
            }
        }
    }

    fn wake_waiters(&self) {
        if self.waiting_writers.load(SeqCst) > 0 || self.waiting_readers.load(SeqCst) > 0 {
            futex::wake(&self.state, i32::MAX as u32);
        }
    }

    fn read_unlock(&self) {
        if self.state.fetch_sub(1, SeqCst) == 1 {
            self.wake_waiters();
        }
    }

    fn write_unlock(&self) {
        self.state.store(0, SeqCst);
        self.wake_waiters();
    }
}

impl<T: ?Sized> Deref for RwLockReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: a read guard means no writer holds the lock.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T: ?Sized> Drop for RwLockReadGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.read_unlock();
    }
}

impl<T: ?Sized> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: a write guard means this thread holds the lock exclusively.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T: ?Sized> DerefMut for RwLockWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: exclusive lock, and `&mut self` rules out other references via this guard.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T: ?Sized> Drop for RwLockWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.write_unlock();
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::vec::Vec;

    #[test]
    fn writers_exclude_everyone_and_updates_are_not_lost() {
        let lock = Arc::new(RwLock::new((0u64, 0u64)));
        let threads: Vec<_> = (0..4)
            .map(|i| {
                let lock = lock.clone();
                std::thread::spawn(move || {
                    for _ in 0..5_000 {
                        if i % 2 == 0 {
                            let mut pair = lock.write();
                            pair.0 += 1;
                            pair.1 += 1;
                        } else {
                            let pair = lock.read();
                            assert_eq!(pair.0, pair.1, "a reader saw a half-done write");
                        }
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(*lock.read(), (10_000, 10_000));
    }

    #[test]
    fn a_waiting_writer_keeps_new_readers_out() {
        let lock = Arc::new(RwLock::new(0));
        let reader = lock.read();
        let writer = {
            let lock = lock.clone();
            std::thread::spawn(move || *lock.write() += 1)
        };
        while lock.waiting_writers.load(SeqCst) == 0 {
            std::thread::yield_now();
        }
        assert!(lock.try_read().is_none(), "a new reader overtook the waiting writer");
        drop(reader);
        writer.join().unwrap();
        assert_eq!(*lock.read(), 1);
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use loom::sync::Arc;
    use loom::thread;

    #[test]
    fn loom_reader_and_writer_both_finish() {
        loom::model(|| {
            let lock = Arc::new(RwLock::new(0));
            let writer = {
                let lock = lock.clone();
                thread::spawn(move || *lock.write() += 1)
            };
            let seen = *lock.read();
            writer.join().unwrap();
            assert!(seen <= 1);
            assert_eq!(*lock.read(), 1);
        });
    }
}
