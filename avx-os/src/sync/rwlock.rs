//! `RwLock<T>`: many readers or one writer, on futex words. A waiting writer blocks new
//! readers (no writer starvation); a writer's unlock prefers a waiting writer, else readers.

use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicU32, Ordering};

use crate::sys::linux::{futex_wait, futex_wake};

const MASK: u32 = (1 << 30) - 1;
const WRITE_LOCKED: u32 = MASK;
const MAX_READERS: u32 = MASK - 1;
const WRITERS_WAITING: u32 = 1 << 30;
const READERS_WAITING: u32 = 1 << 31;

/// A blocking reader-writer lock for threads.
#[derive(Debug, Default)]
pub struct RwLock<T: ?Sized> {
    state: AtomicU32,
    writer_notify: AtomicU32,
    value: UnsafeCell<T>,
}

// SAFETY: the lock hands `&mut T` to one thread at a time, so `T: Send` is needed.
unsafe impl<T: ?Sized + Send> Send for RwLock<T> {}
// SAFETY: readers share `&T` across threads (needs `T: Sync`); writers move access (`T: Send`).
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLock<T> {}

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
    pub const fn new(value: T) -> RwLock<T> {
        RwLock {
            state: AtomicU32::new(0),
            writer_notify: AtomicU32::new(0),
            value: UnsafeCell::new(value),
        }
    }
}

impl<T: ?Sized> RwLock<T> {
    /// Blocks until shared access is granted.
    pub fn read(&self) -> RwLockReadGuard<'_, T> {
        let mut s = self.state.load(Ordering::Relaxed);
        loop {
            if s & MASK < MAX_READERS && s & WRITERS_WAITING == 0 {
                match self.state.compare_exchange_weak(
                    s,
                    s + 1,
                    Ordering::Acquire,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => return RwLockReadGuard { lock: self },
                    Err(actual) => s = actual,
                }
                continue;
            }
            if s & READERS_WAITING == 0 {
                if let Err(actual) = self.state.compare_exchange(
                    s,
                    s | READERS_WAITING,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                ) {
                    s = actual;
                    continue;
                }
            }
            let _ = futex_wait(&self.state, s | READERS_WAITING, None);
            s = self.state.load(Ordering::Relaxed);
        }
    }

    /// Blocks until exclusive access is granted.
    pub fn write(&self) -> RwLockWriteGuard<'_, T> {
        let mut s = self.state.load(Ordering::Relaxed);
        loop {
            if s & MASK == 0 {
                match self.state.compare_exchange_weak(
                    s,
                    s | WRITE_LOCKED,
                    Ordering::Acquire,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => return RwLockWriteGuard { lock: self },
                    Err(actual) => s = actual,
                }
                continue;
            }
            if s & WRITERS_WAITING == 0 {
                if let Err(actual) = self.state.compare_exchange(
                    s,
                    s | WRITERS_WAITING,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                ) {
                    s = actual;
                    continue;
                }
            }
            // Read the notify counter before re-checking, so an unlock in between changes it.
            let seq = self.writer_notify.load(Ordering::Acquire);
            s = self.state.load(Ordering::Relaxed);
            if s & MASK == 0 || s & WRITERS_WAITING == 0 {
                continue;
            }
            let _ = futex_wait(&self.writer_notify, seq, None);
            s = self.state.load(Ordering::Relaxed);
        }
    }

    fn read_unlock(&self) {
        let s = self.state.fetch_sub(1, Ordering::Release) - 1;
        if s & MASK == 0 && s & WRITERS_WAITING != 0 {
            self.wake_writer_or_readers(s);
        }
    }

    fn write_unlock(&self) {
        let s = self.state.fetch_sub(WRITE_LOCKED, Ordering::Release) - WRITE_LOCKED;
        if s & (WRITERS_WAITING | READERS_WAITING) != 0 {
            self.wake_writer_or_readers(s);
        }
    }

    /// Wakes one writer if any waits (and one actually woke), otherwise all readers.
    fn wake_writer_or_readers(&self, mut s: u32) {
        if s & WRITERS_WAITING != 0
            && self
                .state
                .compare_exchange(
                    s,
                    s & !WRITERS_WAITING,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_ok()
        {
            self.writer_notify.fetch_add(1, Ordering::Release);
            if futex_wake(&self.writer_notify, 1).unwrap_or(0) > 0 {
                return;
            }
            s &= !WRITERS_WAITING;
        }
        if s & READERS_WAITING != 0
            && self
                .state
                .compare_exchange(
                    s,
                    s & !READERS_WAITING,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_ok()
        {
            let _ = futex_wake(&self.state, i32::MAX as u32);
        }
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
        // SAFETY: a write guard means this thread holds the lock exclusively.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T: ?Sized> Drop for RwLockWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.write_unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::thread;

    #[test]
    fn writers_and_readers_keep_the_pair_consistent() {
        let lock = Arc::new(RwLock::new((0u64, 0u64)));
        let handles: std::vec::Vec<_> = (0..4)
            .map(|i| {
                let lock = lock.clone();
                thread::spawn(move || {
                    for _ in 0..5_000 {
                        if i % 2 == 0 {
                            let mut g = lock.write();
                            g.0 += 1;
                            g.1 += 1;
                        } else {
                            let g = lock.read();
                            assert_eq!(g.0, g.1);
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(*lock.read(), (10_000, 10_000));
    }
}
