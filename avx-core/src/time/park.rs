//! Driving the timer wheel from any `Park`: [`TimerPark`] fires due timers around each park and
//! sleeps no longer than the next deadline, so an integrator's own `Park` gets timers for free.
//!
//! One parked worker at a time (the *watcher*) sleeps with the next timer deadline as its
//! timeout; the others sleep until unparked. A timer armed earlier than the watcher's deadline
//! unparks the watcher (through the driver's deadline hook). A busy worker fires due timers in
//! the executor's periodic zero-timeout park, so timers are not starved by a full queue.

use alloc::boxed::Box;
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;
use core::time::Duration;

use super::earliest::EarliestCell;
use super::{Driver, Handle};
use crate::loom::{fence, AtomicUsize, Ordering::SeqCst};
use crate::park::{Park, Ticks, Unpark};

const NO_WATCHER: usize = usize::MAX;
/// `watch_deadline` while the watcher has not read the next expiration yet: every new timer
/// is earlier, so the hook always unparks it.
const UNKNOWN: u64 = u64::MAX;

/// Virtual time for [`Timers`] (see [`Timers::set_virtual_time`]): while the clock is paused,
/// a park that finds nothing to do moves the clock to the next timer instead of sleeping.
pub trait VirtualTime: Send + Sync + 'static {
    /// Whether the clock is paused now. Asked before every sleep, so it should be cheap.
    fn is_paused(&self) -> bool;

    /// Asked while paused by a park with nothing to do, after it polled its inner park
    /// without blocking (which takes in I/O readiness and consumes a pending unpark), with
    /// the instant of the next timer (`None` if there is none). Since that poll consumed any
    /// pending unpark, the answer must say [`Idle::Woken`] if something unparked this park
    /// since it last asked, or the wake-up is lost.
    fn on_idle(&self, next_timer: Option<Ticks>) -> Idle;
}

/// What [`VirtualTime::on_idle`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idle {
    /// The clock was moved to the next timer: fire it and return without sleeping.
    Advanced,
    /// Something woke the runtime since it last looked: return at once so that it runs.
    Woken,
    /// Time must not move now (work it cannot see is in flight): sleep as usual, until
    /// unparked or the next timer's deadline in real time.
    Wait,
}

/// The timer state the workers of one executor share: the [`Driver`] and which parked worker
/// watches the next deadline. Create it with [`Timers::new`], then wrap each worker's park
/// with [`Timers::wrap`].
pub struct Timers<U> {
    driver: Driver,
    /// Index of the parked worker sleeping with the timer deadline, or `NO_WATCHER`.
    watcher: AtomicUsize,
    /// The deadline (ticks) the watcher sleeps until, or `UNKNOWN`. Written only by the
    /// watcher (one at a time: taking the watch is a compare-and-swap), read by the hook.
    watch_deadline: EarliestCell,
    /// The unparker of each wrapped worker, by index; set once by `wrap`.
    unparkers: spin::Once<Box<[U]>>,
    virtual_time: spin::Once<Box<dyn VirtualTime>>,
}

impl<U: Unpark> Timers<U> {
    /// Shared timer state over `driver`; installs the driver's deadline hook (so a driver
    /// whose hook is already taken does not wake watchers early: build a fresh one).
    pub fn new(driver: Driver) -> Arc<Timers<U>> {
        let timers = Arc::new(Timers {
            driver,
            watcher: AtomicUsize::new(NO_WATCHER),
            watch_deadline: EarliestCell::new(),
            unparkers: spin::Once::new(),
            virtual_time: spin::Once::new(),
        });
        let weak: Weak<Timers<U>> = Arc::downgrade(&timers);
        timers.driver.set_deadline_hook(move |deadline| {
            if let Some(timers) = weak.upgrade() {
                timers.on_earlier_deadline(deadline);
            }
        });
        timers
    }

    /// Wraps the parks of an executor's workers (worker `i` is `parks[i]`, as given to
    /// [`crate::executor::build`]). Call once per `Timers`: a second call returns parks that
    /// drive timers but are never unparked early for a new, earlier timer.
    pub fn wrap<P: Park<Unparker = U>>(self: &Arc<Self>, parks: Vec<P>) -> Vec<TimerPark<P>> {
        self.unparkers.call_once(|| parks.iter().map(Park::unparker).collect());
        parks
            .into_iter()
            .enumerate()
            .map(|(index, inner)| TimerPark { inner, timers: self.clone(), worker: Some(index) })
            .collect()
    }

    /// Wraps a park that is not one of an executor's workers (a single-threaded `block_on`;
    /// its unparker may be of any type): it always sleeps until the next deadline it read,
    /// never holds the watch, and is not unparked early when another thread arms an earlier
    /// timer while it sleeps.
    pub fn wrap_alone<P: Park>(self: &Arc<Self>, park: P) -> TimerPark<P, U> {
        TimerPark { inner: park, timers: self.clone(), worker: None }
    }

    /// Installs virtual time (a paused clock that jumps to the next timer when idle). Only
    /// the first call installs. Meant for a single-threaded executor: a worker of a
    /// multi-worker one cannot tell whether the other workers are idle.
    pub fn set_virtual_time(&self, virtual_time: impl VirtualTime) {
        self.virtual_time.call_once(|| Box::new(virtual_time));
    }

    /// The timer driver.
    pub fn driver(&self) -> &Driver {
        &self.driver
    }

    /// A handle to create timers on (see [`Handle::with_shard`] for per-worker handles).
    pub fn handle(&self) -> Handle {
        self.driver.handle()
    }

    /// A timer was armed earlier than anything in its shard: wake the watcher if it sleeps
    /// past it. (Without a watcher some worker is awake and reads deadlines before parking.)
    fn on_earlier_deadline(&self, deadline: Ticks) {
        // Pairs with the fence in `watch`: either the watcher's read of the next expiration
        // sees the new timer, or this sees the watcher (and its deadline, or `UNKNOWN`).
        fence(SeqCst);
        let watcher = self.watcher.load(SeqCst);
        if watcher == NO_WATCHER || self.watch_deadline.read() <= deadline.0 {
            return;
        }
        if let Some(unparker) = self.unparkers.get().and_then(|u| u.get(watcher)) {
            unparker.unpark();
        }
    }

    fn fire_due(&self) -> usize {
        self.driver.process_all(self.driver.now())
    }
}

/// A worker's park that also drives the timers: created by [`Timers::wrap`] (or
/// [`Timers::wrap_alone`], whose park's unparker type may differ from the workers' `U`).
pub struct TimerPark<P: Park, U = <P as Park>::Unparker> {
    inner: P,
    timers: Arc<Timers<U>>,
    /// This worker's index, or `None` for a park that drives the timers alone.
    worker: Option<usize>,
}

impl<P: Park, U: Unpark> TimerPark<P, U> {
    /// The wrapped park.
    pub fn inner(&self) -> &P {
        &self.inner
    }

    /// The time until the next timer, taking the watch first if a worker. `None` if another
    /// worker holds the watch (this one then sleeps until unparked).
    fn watch(&self) -> Option<Option<Duration>> {
        let timers = &self.timers;
        if let Some(index) = self.worker {
            if timers.watcher.compare_exchange(NO_WATCHER, index, SeqCst, SeqCst).is_err() {
                return None;
            }
            timers.watch_deadline.write(UNKNOWN);
            // Announce the watch before reading the deadline (see `on_earlier_deadline`).
            fence(SeqCst);
        }
        let next = timers.driver.next_expiration();
        if let (Some(next), Some(_)) = (next, self.worker) {
            timers.watch_deadline.write(next.0);
        }
        let now = timers.driver.now();
        Some(next.map(|next| next.saturating_duration_since(now)))
    }

    fn unwatch(&self) {
        if let Some(index) = self.worker {
            let _ = self.timers.watcher.compare_exchange(index, NO_WATCHER, SeqCst, SeqCst);
        }
    }

    /// With a paused virtual clock: takes in what the inner park has pending, then lets the
    /// clock jump to the next timer if nothing woke the runtime. `true` if the caller must
    /// return without sleeping.
    fn idle_in_virtual_time(&mut self) -> bool {
        let Some(virtual_time) = self.timers.virtual_time.get() else {
            return false;
        };
        if !virtual_time.is_paused() {
            return false;
        }
        self.inner.park(Some(Duration::ZERO));
        if self.timers.fire_due() > 0 {
            return true;
        }
        virtual_time.on_idle(self.timers.driver.next_expiration()) != Idle::Wait
    }
}

impl<P: Park, U: Unpark> Park for TimerPark<P, U> {
    type Unparker = P::Unparker;

    fn park(&mut self, timeout: Option<Duration>) {
        let timers = self.timers.clone();
        if timers.fire_due() > 0 || timeout == Some(Duration::ZERO) {
            // Tasks were woken (or this is a maintenance poll): do not sleep.
            return self.inner.park(Some(Duration::ZERO));
        }
        let Some(until_timer) = self.watch() else {
            self.inner.park(timeout);
            timers.fire_due();
            return;
        };
        if self.idle_in_virtual_time() {
            self.unwatch();
            timers.fire_due();
            return;
        }
        let timeout = match (timeout, until_timer) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.inner.park(timeout);
        self.unwatch();
        timers.fire_due();
    }

    fn unparker(&self) -> P::Unparker {
        self.inner.unparker()
    }
}
