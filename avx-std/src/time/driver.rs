//! Driving the timer wheel from the runtime: `TimePark` wraps a worker's park so it fires
//! due timers and sleeps no longer than the next deadline; one parked worker watches timers.
//!
//! Only one parked worker at a time sleeps with the timer deadline as its timeout (it holds
//! the watch); the rest sleep until unparked. A timer armed earlier than the watcher's
//! deadline unparks the watcher. A busy worker fires due timers in its periodic maintenance.

use super::clock::StdClock;
use avx_core::time::{Driver, PausableClock};
use avx_core::{Park, Ticks, Unpark};
use std::sync::atomic::{fence, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

const NO_WATCHER: usize = usize::MAX;
/// `watch_deadline` while the watcher has not read the next expiration yet: any new timer
/// is earlier, so the hook always unparks it.
const UNKNOWN: u64 = u64::MAX;

/// The runtime's timer state, shared by its workers and every `sleep`.
pub(crate) struct TimeDriver {
    pub(crate) driver: Driver,
    pub(crate) clock: PausableClock<StdClock>,
    /// Index of the parked worker sleeping with the timer deadline, or `NO_WATCHER`.
    watcher: AtomicUsize,
    /// The deadline (ticks) the watcher sleeps until.
    watch_deadline: AtomicU64,
    /// Unparkers of the workers (empty for the current-thread runtime's single parker).
    unparkers: OnceLock<Vec<Box<dyn Fn() + Send + Sync>>>,
}

impl TimeDriver {
    pub(crate) fn new(shards: usize, start_paused: bool) -> Arc<TimeDriver> {
        let clock = PausableClock::new(StdClock);
        if start_paused {
            clock.pause();
        }
        let time = Arc::new(TimeDriver {
            driver: Driver::new(clock.clone(), shards),
            clock,
            watcher: AtomicUsize::new(NO_WATCHER),
            watch_deadline: AtomicU64::new(UNKNOWN),
            unparkers: OnceLock::new(),
        });
        let weak = Arc::downgrade(&time);
        time.driver.set_deadline_hook(move |deadline| {
            if let Some(time) = weak.upgrade() {
                time.on_earlier_deadline(deadline);
            }
        });
        time
    }

    /// Gives the driver the means to wake each worker (the watcher in particular).
    pub(crate) fn set_unparkers<U: Unpark>(&self, unparkers: Vec<U>) {
        let boxed = unparkers.into_iter().map(|u| Box::new(move || u.unpark()) as Box<dyn Fn() + Send + Sync>);
        let _ = self.unparkers.set(boxed.collect());
    }

    pub(crate) fn now(&self) -> Ticks {
        self.driver.now()
    }

    /// A timer was armed earlier than anything in its shard: wake the watcher if it sleeps
    /// past it. (Without a watcher some worker is awake and reads deadlines before parking.)
    fn on_earlier_deadline(&self, deadline: Ticks) {
        fence(SeqCst);
        let watcher = self.watcher.load(SeqCst);
        if watcher == NO_WATCHER || self.watch_deadline.load(SeqCst) <= deadline.0 {
            return;
        }
        if let Some(unpark) = self.unparkers.get().and_then(|u| u.get(watcher)) {
            unpark();
        }
    }

    /// Fires due timers; returns how many.
    fn fire_due(&self) -> usize {
        self.driver.process_all(self.driver.now())
    }
}

/// A worker's (or `block_on`'s) park that also drives the timers.
pub(crate) struct TimePark<P> {
    inner: P,
    time: Arc<TimeDriver>,
    /// This worker's index, or `None` for the current-thread runtime's `block_on`.
    worker: Option<usize>,
}

impl<P: Park> TimePark<P> {
    pub(crate) fn new(inner: P, time: Arc<TimeDriver>, worker: Option<usize>) -> TimePark<P> {
        TimePark { inner, time, worker }
    }

    /// The timeout until the next timer, taking the watch if a worker (always for the
    /// single current-thread parker). `None` if this park should not wait on timers.
    fn watch(&self) -> Option<Option<Duration>> {
        let time = &self.time;
        if let Some(index) = self.worker {
            if time.watcher.compare_exchange(NO_WATCHER, index, SeqCst, SeqCst).is_err() {
                return None;
            }
            time.watch_deadline.store(UNKNOWN, SeqCst);
            fence(SeqCst);
        }
        let next = time.driver.next_expiration();
        if let Some(next) = next {
            time.watch_deadline.store(next.0, SeqCst);
        }
        let now = time.driver.now();
        Some(next.map(|next| next.saturating_duration_since(now)))
    }

    fn unwatch(&self) {
        if let Some(index) = self.worker {
            let _ = self.time.watcher.compare_exchange(index, NO_WATCHER, SeqCst, SeqCst);
        }
    }
}

impl<P: Park> Park for TimePark<P> {
    type Unparker = P::Unparker;

    fn park(&mut self, timeout: Option<Duration>) {
        let time = self.time.clone();
        if time.fire_due() > 0 || timeout == Some(Duration::ZERO) {
            // Tasks were woken (or this is a maintenance poll): do not sleep.
            return self.inner.park(Some(Duration::ZERO));
        }
        let Some(until_timer) = self.watch() else {
            self.inner.park(timeout);
            time.fire_due();
            return;
        };
        if time.clock.is_paused() {
            // Virtual time: nothing can happen until a timer fires, so jump straight to it.
            if let Some(next) = time.driver.next_expiration() {
                self.unwatch();
                time.clock.advance_to(next);
                self.inner.park(Some(Duration::ZERO));
                time.fire_due();
                return;
            }
        }
        let timeout = match (timeout, until_timer) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.inner.park(timeout);
        self.unwatch();
        time.fire_due();
    }

    fn unparker(&self) -> P::Unparker {
        self.inner.unparker()
    }
}
