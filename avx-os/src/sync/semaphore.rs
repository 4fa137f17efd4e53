//! A blocking counting semaphore on one futex word (the permit count); a second counter of
//! sleepers lets `release` skip the kernel when nobody waits.

use super::futex::{self, AtomicU32};
use core::sync::atomic::Ordering::*;

/// Limits how many threads hold a permit at once.
#[derive(Debug)]
pub struct Semaphore {
    permits: AtomicU32,
    sleepers: AtomicU32,
}

impl Semaphore {
    /// A semaphore holding `permits`.
    pub fn new(permits: u32) -> Semaphore {
        Semaphore { permits: AtomicU32::new(permits), sleepers: AtomicU32::new(0) }
    }

    /// Takes a permit if one is free now.
    pub fn try_acquire(&self) -> bool {
        let mut current = self.permits.load(Relaxed);
        while current > 0 {
            match self.permits.compare_exchange_weak(current, current - 1, Acquire, Relaxed) {
                Ok(_) => return true,
                Err(actual) => current = actual,
            }
        }
        false
    }

    /// Blocks until a permit is free, then takes it.
    pub fn acquire(&self) {
        while !self.try_acquire() {
            self.sleepers.fetch_add(1, SeqCst);
            // Sleeps only while the count is still zero: a release in between changes it.
            futex::wait(&self.permits, 0, None);
            self.sleepers.fetch_sub(1, SeqCst);
        }
    }

    /// Returns a permit, waking one sleeper if there is one.
    pub fn release(&self) {
        self.permits.fetch_add(1, SeqCst);
        if self.sleepers.load(SeqCst) > 0 {
            futex::wake(&self.permits, 1);
        }
    }

    /// Permits free right now.
    pub fn available_permits(&self) -> u32 {
        self.permits.load(Relaxed)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;
    use std::vec::Vec;

    #[test]
    fn never_more_holders_than_permits() {
        let semaphore = Arc::new(Semaphore::new(2));
        let holders = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..6)
            .map(|_| {
                let (semaphore, holders, most) = (semaphore.clone(), holders.clone(), most.clone());
                std::thread::spawn(move || {
                    for _ in 0..2_000 {
                        semaphore.acquire();
                        let now = holders.fetch_add(1, SeqCst) + 1;
                        most.fetch_max(now, SeqCst);
                        holders.fetch_sub(1, SeqCst);
                        semaphore.release();
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert!(most.load(SeqCst) <= 2);
        assert_eq!(semaphore.available_permits(), 2);
    }

    #[test]
    fn try_acquire_fails_when_empty() {
        let semaphore = Semaphore::new(1);
        assert!(semaphore.try_acquire());
        assert!(!semaphore.try_acquire());
        semaphore.release();
        assert!(semaphore.try_acquire());
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use loom::sync::Arc;
    use loom::thread;

    #[test]
    fn loom_release_wakes_a_blocked_acquirer() {
        loom::model(|| {
            let semaphore = Arc::new(Semaphore::new(0));
            let releaser = {
                let semaphore = semaphore.clone();
                thread::spawn(move || semaphore.release())
            };
            semaphore.acquire();
            releaser.join().unwrap();
            assert_eq!(semaphore.available_permits(), 0);
        });
    }
}
