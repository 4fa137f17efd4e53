//! `Condvar`: wait for a condition under a [`Mutex`], on a futex sequence counter.
//! Each notify bumps the counter, so a waiter that unlocked but has not slept yet is not missed.

use core::sync::atomic::{AtomicU32, Ordering};
use core::time::Duration;

use super::mutex::MutexGuard;
use crate::sys::linux::{futex_wait, futex_wake, Errno};

/// A condition variable for threads. Waits may return spuriously; re-check the condition.
#[derive(Debug, Default)]
pub struct Condvar {
    seq: AtomicU32,
}

impl Condvar {
    /// A condition variable with no waiters.
    pub const fn new() -> Condvar {
        Condvar {
            seq: AtomicU32::new(0),
        }
    }

    /// Unlocks, sleeps until notified (or spuriously), relocks.
    pub fn wait<'a, T: ?Sized>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        self.wait_inner(guard, None).0
    }

    /// As [`Condvar::wait`] with a timeout; the flag is `true` if the wait timed out.
    pub fn wait_timeout<'a, T: ?Sized>(
        &self,
        guard: MutexGuard<'a, T>,
        timeout: Duration,
    ) -> (MutexGuard<'a, T>, bool) {
        self.wait_inner(guard, Some(timeout))
    }

    fn wait_inner<'a, T: ?Sized>(
        &self,
        guard: MutexGuard<'a, T>,
        timeout: Option<Duration>,
    ) -> (MutexGuard<'a, T>, bool) {
        let seq = self.seq.load(Ordering::Relaxed);
        let mutex = guard.lock;
        drop(guard);
        let timed_out = futex_wait(&self.seq, seq, timeout) == Err(Errno::ETIMEDOUT);
        (mutex.lock(), timed_out)
    }

    /// Wakes one waiter.
    pub fn notify_one(&self) {
        self.seq.fetch_add(1, Ordering::Relaxed);
        let _ = futex_wake(&self.seq, 1);
    }

    /// Wakes every waiter.
    pub fn notify_all(&self) {
        self.seq.fetch_add(1, Ordering::Relaxed);
        let _ = futex_wake(&self.seq, i32::MAX as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::super::Mutex;
    use super::*;
    use std::sync::Arc;
    use std::thread;

    #[test]
    fn producer_consumer_sees_every_item() {
        let pair = Arc::new((Mutex::new(std::vec::Vec::new()), Condvar::new()));
        let p = pair.clone();
        let producer = thread::spawn(move || {
            for i in 0..1000u32 {
                p.0.lock().push(i);
                p.1.notify_one();
            }
        });
        let mut got = 0u32;
        let mut sum = 0u64;
        while got < 1000 {
            let mut q = pair.0.lock();
            while q.is_empty() {
                q = pair.1.wait(q);
            }
            for v in q.drain(..) {
                sum += u64::from(v);
                got += 1;
            }
        }
        producer.join().unwrap();
        assert_eq!(sum, 999 * 1000 / 2);
    }

    #[test]
    fn wait_timeout_without_notify_reports_timeout() {
        let m = Mutex::new(());
        let cv = Condvar::new();
        let (_g, timed_out) = cv.wait_timeout(m.lock(), Duration::from_millis(1));
        assert!(timed_out);
    }
}
