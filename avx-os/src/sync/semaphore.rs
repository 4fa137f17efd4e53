//! `Semaphore`: a counting semaphore on a futex word (permits available, waiters flagged).
//! `acquire` sleeps while no permit is left; `release` wakes one sleeper.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::sys::linux::{futex_wait, futex_wake};

/// A blocking counting semaphore for threads.
#[derive(Debug, Default)]
pub struct Semaphore {
    permits: AtomicU32,
    waiters: AtomicU32,
}

impl Semaphore {
    /// A semaphore with `permits` permits.
    pub const fn new(permits: u32) -> Semaphore {
        Semaphore {
            permits: AtomicU32::new(permits),
            waiters: AtomicU32::new(0),
        }
    }

    /// Takes a permit if one is available.
    pub fn try_acquire(&self) -> bool {
        let mut p = self.permits.load(Ordering::Relaxed);
        while p > 0 {
            match self
                .permits
                .compare_exchange_weak(p, p - 1, Ordering::Acquire, Ordering::Relaxed)
            {
                Ok(_) => return true,
                Err(actual) => p = actual,
            }
        }
        false
    }

    /// Blocks until a permit is taken.
    pub fn acquire(&self) {
        while !self.try_acquire() {
            self.waiters.fetch_add(1, Ordering::SeqCst);
            // Sleep only while the count is still zero; a release in between changes it.
            let _ = futex_wait(&self.permits, 0, None);
            self.waiters.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Returns a permit and wakes one waiter.
    pub fn release(&self) {
        self.permits.fetch_add(1, Ordering::SeqCst);
        if self.waiters.load(Ordering::SeqCst) != 0 {
            let _ = futex_wake(&self.permits, 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::thread;

    #[test]
    fn at_most_permits_holders_at_once() {
        let sem = Arc::new(Semaphore::new(2));
        let inside = Arc::new(AtomicU32::new(0));
        let handles: std::vec::Vec<_> = (0..4)
            .map(|_| {
                let (sem, inside) = (sem.clone(), inside.clone());
                thread::spawn(move || {
                    for _ in 0..2_000 {
                        sem.acquire();
                        assert!(inside.fetch_add(1, Ordering::SeqCst) < 2);
                        inside.fetch_sub(1, Ordering::SeqCst);
                        sem.release();
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert!(sem.try_acquire() && sem.try_acquire() && !sem.try_acquire());
    }
}
