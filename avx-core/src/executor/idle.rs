//! Idle-worker bookkeeping: how many workers are searching for work and how many are
//! awake, and which are asleep, so new work wakes exactly one sleeper and only when no
//! searching worker would find it anyway (no thundering herd).

use crate::loom::{fence, AtomicUsize, Mutex, Ordering::SeqCst};
use alloc::vec::Vec;

/// `searching << SHIFT | unparked` in one word. A pusher does "push (a plain release
/// store), fence, read the counts"; a parker does "update the counts, fence, re-check the
/// queues". With a sequentially consistent fence on each side they can never both miss
/// each other (without it, the pusher's store may still sit in its store buffer).
const SHIFT: u32 = usize::BITS / 2;
const UNPARKED_MASK: usize = (1 << SHIFT) - 1;
const SEARCHING_ONE: usize = 1 << SHIFT;

pub(super) struct Idle {
    counts: AtomicUsize,
    sleepers: Mutex<Vec<usize>>,
    workers: usize,
}

fn searching(counts: usize) -> usize {
    counts >> SHIFT
}

fn unparked(counts: usize) -> usize {
    counts & UNPARKED_MASK
}

impl Idle {
    pub(super) fn new(workers: usize) -> Idle {
        Idle { counts: AtomicUsize::new(workers), sleepers: Mutex::new(Vec::with_capacity(workers)), workers }
    }

    /// Picks a sleeping worker to wake for new work and marks it searching; `None` if a
    /// worker is already searching or everyone is awake.
    pub(super) fn worker_to_notify(&self) -> Option<usize> {
        if !self.should_notify() {
            return None;
        }
        let mut sleepers = self.sleepers.lock();
        if !self.should_notify() {
            return None;
        }
        let index = sleepers.pop()?;
        self.counts.fetch_add(SEARCHING_ONE + 1, SeqCst);
        Some(index)
    }

    fn should_notify(&self) -> bool {
        fence(SeqCst);
        let counts = self.counts.load(SeqCst);
        searching(counts) == 0 && unparked(counts) < self.workers
    }

    /// A worker with nothing to do starts searching; refused when half the workers already
    /// search (more would only contend on the same queues).
    pub(super) fn try_start_searching(&self) -> bool {
        let counts = self.counts.load(SeqCst);
        if 2 * searching(counts) >= self.workers {
            return false;
        }
        self.counts.fetch_add(SEARCHING_ONE, SeqCst);
        true
    }

    /// A searching worker found work. Returns true if it was the last searcher, in which
    /// case the caller wakes another so that the rest of the work gets picked up.
    pub(super) fn stop_searching(&self) -> bool {
        searching(self.counts.fetch_sub(SEARCHING_ONE, SeqCst)) == 1
    }

    /// Worker `index` goes to sleep. Returns true if it was the last searcher: the caller
    /// must then re-check every queue, since pushers relied on it to find their work.
    pub(super) fn park(&self, index: usize, is_searching: bool) -> bool {
        let mut sleepers = self.sleepers.lock();
        let delta = 1 + if is_searching { SEARCHING_ONE } else { 0 };
        let prev = self.counts.fetch_sub(delta, SeqCst);
        sleepers.push(index);
        // Orders the caller's re-check of the queues after the count update.
        fence(SeqCst);
        is_searching && searching(prev) == 1
    }

    /// Worker `index` woke up with work of its own. Returns true if it removed itself from
    /// the sleepers; false if a notifier already did (and counted it as searching).
    pub(super) fn unpark_self(&self, index: usize) -> bool {
        let mut sleepers = self.sleepers.lock();
        match sleepers.iter().position(|&i| i == index) {
            Some(pos) => {
                sleepers.swap_remove(pos);
                self.counts.fetch_add(1, SeqCst);
                true
            }
            None => false,
        }
    }

    /// Whether worker `index` is still registered as asleep (nobody notified it).
    #[cfg(all(test, not(loom)))]
    fn is_parked(&self, index: usize) -> bool {
        self.sleepers.lock().contains(&index)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn notifies_one_sleeper_and_only_while_nobody_searches() {
        let idle = Idle::new(2);
        assert_eq!(idle.worker_to_notify(), None, "all awake");
        assert!(!idle.park(0, false));
        assert!(!idle.park(1, false));
        assert_eq!(idle.worker_to_notify(), Some(1));
        assert_eq!(idle.worker_to_notify(), None, "worker 1 is searching");
        assert!(idle.stop_searching());
        assert_eq!(idle.worker_to_notify(), Some(0));
        assert!(!idle.is_parked(0));
    }

    #[test]
    fn last_searcher_to_park_is_told_to_recheck() {
        let idle = Idle::new(4);
        assert!(idle.try_start_searching());
        assert!(idle.try_start_searching());
        assert!(!idle.try_start_searching(), "at most half search");
        assert!(!idle.park(0, true));
        assert!(idle.park(1, true));
        assert!(idle.unpark_self(1));
        assert!(!idle.unpark_self(1));
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::inject::Inject;
    use crate::loom::{Arc, AtomicBool, Ordering::SeqCst as Order};
    use loom::thread;

    /// A pusher (push, then maybe notify) racing the last searcher going to sleep (park,
    /// then re-check): the work is either seen by the parker or a sleeper is notified.
    #[test]
    fn last_searcher_parking_never_misses_a_push() {
        loom::model(|| {
            let idle = Arc::new(Idle::new(1));
            let inject = Arc::new(Inject::new());
            assert!(idle.try_start_searching());
            let notified = Arc::new(AtomicBool::new(false));
            let pusher = {
                let (idle, inject, notified) = (idle.clone(), inject.clone(), notified.clone());
                thread::spawn(move || {
                    inject.push(1u32).unwrap();
                    if idle.worker_to_notify().is_some() {
                        notified.store(true, Order);
                    }
                })
            };
            let last = idle.park(0, true);
            let saw_work = last && !inject.is_empty();
            pusher.join().unwrap();
            assert!(saw_work || notified.load(Order), "work pushed while the only worker fell asleep unseen");
        });
    }
}
