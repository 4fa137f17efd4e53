//! A blocking mutual-exclusion lock on one futex word: spin briefly (the holder is usually
//! about to release), then sleep in the kernel. No poisoning: a panic releases the lock.
//!
//! Lock word: 0 unlocked, 1 locked, 2 locked with (possible) sleepers. Unlock only enters
//! the kernel when the word says someone may sleep.

use super::futex::{self, AtomicU32};
use core::cell::UnsafeCell;
use core::fmt;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::Ordering::*;

const UNLOCKED: u32 = 0;
const LOCKED: u32 = 1;
const CONTENDED: u32 = 2;

/// How many times `lock` re-reads the word before sleeping (none under loom, where a spin
/// is just more interleavings to explore).
const SPIN_LIMIT: u32 = if cfg!(loom) { 0 } else { 100 };

/// A futex-based mutex for threads (not tasks: it blocks the thread).
pub struct Mutex<T: ?Sized> {
    word: AtomicU32,
    value: UnsafeCell<T>,
}

// SAFETY: the lock gives one thread at a time access to `value`, so sharing the mutex is
// as safe as sending `T`.
unsafe impl<T: ?Sized + Send> Sync for Mutex<T> {}
// SAFETY: moving the mutex moves the `T` inside it.
unsafe impl<T: ?Sized + Send> Send for Mutex<T> {}

/// Access to the value while the lock is held; unlocks on drop.
pub struct MutexGuard<'a, T: ?Sized> {
    mutex: &'a Mutex<T>,
}

impl<T> Mutex<T> {
    /// An unlocked mutex holding `value`.
    pub fn new(value: T) -> Mutex<T> {
        Mutex { word: AtomicU32::new(UNLOCKED), value: UnsafeCell::new(value) }
    }

    /// The value, taking the mutex apart.
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Blocks until the lock is free, then holds it.
    pub fn lock(&self) -> MutexGuard<'_, T> {
        if self.word.compare_exchange(UNLOCKED, LOCKED, Acquire, Relaxed).is_err() {
            self.lock_contended();
        }
        MutexGuard { mutex: self }
    }

    /// Holds the lock if it is free now.
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        self.word.compare_exchange(UNLOCKED, LOCKED, Acquire, Relaxed).ok().map(|_| MutexGuard { mutex: self })
    }

    /// The value, through exclusive access to the mutex (no locking needed).
    pub fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }

    fn lock_contended(&self) {
        let mut state = self.spin();
        if state == UNLOCKED && self.word.compare_exchange(UNLOCKED, LOCKED, Acquire, Relaxed).is_ok() {
            return;
        }
        loop {
            // Take it marked contended: we cannot know whether other sleepers remain, so
            // whoever unlocks must wake one.
            if state != CONTENDED && self.word.swap(CONTENDED, Acquire) == UNLOCKED {
                return;
            }
            futex::wait(&self.word, CONTENDED, None);
            state = self.spin();
        }
    }

    /// Spins while the lock is held uncontended (its holder is likely about to release it);
    /// returns the last value seen.
    fn spin(&self) -> u32 {
        let mut left = SPIN_LIMIT;
        loop {
            let state = self.word.load(Relaxed);
            if state != LOCKED || left == 0 {
                return state;
            }
            core::hint::spin_loop();
            left -= 1;
        }
    }

    fn unlock(&self) {
        if self.word.swap(UNLOCKED, Release) == CONTENDED {
            futex::wake(&self.word, 1);
        }
    }
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// Unlocks, handing back the mutex (for `Condvar`, which re-locks it after waiting).
    pub(crate) fn unlock(guard: MutexGuard<'a, T>) -> &'a Mutex<T> {
        let mutex = guard.mutex;
        drop(guard);
        mutex
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the guard proves this thread holds the lock.
        unsafe { &*self.mutex.value.get() }
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard proves this thread holds the lock, and `&mut self` that no
        // other reference from this guard is alive.
        unsafe { &mut *self.mutex.value.get() }
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.mutex.unlock();
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.try_lock() {
            Some(guard) => f.debug_struct("Mutex").field("value", &&*guard).finish(),
            None => f.debug_struct("Mutex").field("value", &"<locked>").finish(),
        }
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Mutex::new(T::default())
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::vec::Vec;

    #[test]
    fn threads_incrementing_under_the_lock_lose_no_update() {
        let counter = Arc::new(Mutex::new(0u64));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let counter = counter.clone();
                std::thread::spawn(move || {
                    for _ in 0..50_000 {
                        *counter.lock() += 1;
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(*counter.lock(), 200_000);
    }

    #[test]
    fn try_lock_fails_while_held_and_a_panic_releases() {
        let mutex = Arc::new(Mutex::new(1));
        let guard = mutex.lock();
        assert!(mutex.try_lock().is_none());
        drop(guard);
        let m = mutex.clone();
        let _ = std::thread::spawn(move || {
            let _guard = m.lock();
            panic!("while holding the lock");
        })
        .join();
        assert_eq!(*mutex.try_lock().expect("released by the unwinding guard"), 1);
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use loom::sync::Arc;
    use loom::thread;

    #[test]
    fn loom_mutex_excludes_and_never_loses_a_wake_up() {
        loom::model(|| {
            let mutex = Arc::new(Mutex::new(0));
            let others: std::vec::Vec<_> = (0..1)
                .map(|_| {
                    let mutex = mutex.clone();
                    thread::spawn(move || *mutex.lock() += 1)
                })
                .collect();
            *mutex.lock() += 1;
            others.into_iter().for_each(|t| t.join().unwrap());
            assert_eq!(*mutex.lock(), 2);
        });
    }
}
