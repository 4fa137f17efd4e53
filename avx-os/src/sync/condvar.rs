//! A condition variable for avx-os's `Mutex`, on one futex word: a counter that every
//! notification bumps, so a waiter that saw the old value cannot miss a notification.

use super::futex::{self, AtomicU32};
use super::mutex::MutexGuard;
use core::sync::atomic::Ordering::Relaxed;
use core::time::Duration;

/// Blocks threads until notified, releasing a `Mutex` while they wait.
#[derive(Debug, Default)]
pub struct Condvar {
    sequence: AtomicU32,
}

impl Condvar {
    /// A condition variable with no waiters.
    pub fn new() -> Condvar {
        Condvar { sequence: AtomicU32::new(0) }
    }

    /// Unlocks `guard`'s mutex, sleeps until notified (or spuriously), and locks it again.
    /// Re-check the condition in a loop.
    pub fn wait<'a, T: ?Sized>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        self.wait_timeout(guard, None).0
    }

    /// As [`Condvar::wait`], giving up after `timeout`; the flag says whether it timed out.
    pub fn wait_timeout<'a, T: ?Sized>(
        &self,
        guard: MutexGuard<'a, T>,
        timeout: Option<Duration>,
    ) -> (MutexGuard<'a, T>, bool) {
        // Read before unlocking: a notification after the unlock changes the value, so
        // the futex wait returns at once instead of missing it.
        let seen = self.sequence.load(Relaxed);
        let mutex = MutexGuard::unlock(guard);
        let timed_out = futex::wait(&self.sequence, seen, timeout);
        (mutex.lock(), timed_out)
    }

    /// Wakes one waiter.
    pub fn notify_one(&self) {
        self.sequence.fetch_add(1, Relaxed);
        futex::wake(&self.sequence, 1);
    }

    /// Wakes every waiter.
    pub fn notify_all(&self) {
        self.sequence.fetch_add(1, Relaxed);
        futex::wake(&self.sequence, i32::MAX as u32);
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::Mutex;
    use std::sync::Arc;
    use std::vec::Vec;

    #[test]
    fn a_consumer_waiting_on_the_condvar_sees_every_item() {
        let shared = Arc::new((Mutex::new(Vec::new()), Condvar::new()));
        let producer = {
            let shared = shared.clone();
            std::thread::spawn(move || {
                for i in 0..1000u32 {
                    shared.0.lock().push(i);
                    shared.1.notify_one();
                }
            })
        };
        let mut seen = 0;
        let mut guard = shared.0.lock();
        while seen < 1000 {
            while guard.is_empty() {
                guard = shared.1.wait(guard);
            }
            seen += guard.drain(..).count();
        }
        drop(guard);
        producer.join().unwrap();
        assert_eq!(seen, 1000);
    }

    #[test]
    fn wait_timeout_reports_the_timeout() {
        let mutex = Mutex::new(());
        let condvar = Condvar::new();
        let (_guard, timed_out) = condvar.wait_timeout(mutex.lock(), Some(Duration::from_millis(1)));
        assert!(timed_out);
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::Mutex;
    use loom::sync::Arc;
    use loom::thread;

    #[test]
    fn loom_condvar_notification_is_never_missed() {
        loom::model(|| {
            let shared = Arc::new((Mutex::new(false), Condvar::new()));
            let notifier = {
                let shared = shared.clone();
                thread::spawn(move || {
                    *shared.0.lock() = true;
                    shared.1.notify_one();
                })
            };
            let mut ready = shared.0.lock();
            while !*ready {
                ready = shared.1.wait(ready);
            }
            drop(ready);
            notifier.join().unwrap();
        });
    }
}
