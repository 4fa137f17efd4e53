//! Paused time on the current-thread runtime: the clock jumps to the next timer only when the
//! runtime has nothing to do — no wake-up since it last looked, no I/O readiness pending, no
//! `spawn_blocking` closure in flight — as Tokio's auto-advance.
//!
//! Every park that drives the runtime (one per `block_on` call) is a [`PausablePark`], whose
//! unparker raises the park's own flag before delivering the wake-up; avx-core's `TimerPark`
//! polls it without blocking (which reads and clears the flag for this thread) and then asks
//! [`PausedTime`] (its `VirtualTime`) whether to jump. A flag per park, so that one `block_on`
//! thread cannot take another's wake-up.

use super::clock::StdClock;
use avx_core::time::{Idle, PausableClock, VirtualTime};
use avx_core::{Park, Ticks, Unpark};
use avx_os::{OsPark, OsUnparker};
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// The paused-time state of one runtime.
pub(crate) struct PausedTime {
    pub(crate) clock: PausableClock<StdClock>,
    /// `spawn_blocking` closures spawned and not yet completed.
    blocking: AtomicUsize,
    /// The parks driving the runtime now, to wake when the last blocking closure completes.
    parks: Mutex<Vec<(u64, OsUnparker)>>,
    next_park: AtomicU64,
}

impl PausedTime {
    pub(crate) fn new(clock: PausableClock<StdClock>) -> Arc<PausedTime> {
        Arc::new(PausedTime {
            clock,
            blocking: AtomicUsize::new(0),
            parks: Mutex::new(Vec::new()),
            next_park: AtomicU64::new(0),
        })
    }

    /// A park for one `block_on` call of the runtime.
    pub(crate) fn park(self: &Arc<Self>, inner: OsPark) -> PausablePark {
        let id = self.next_park.fetch_add(1, SeqCst);
        self.lock_parks().push((id, inner.unparker()));
        PausablePark { inner, woken: Arc::new(AtomicBool::new(false)), time: self.clone(), id }
    }

    /// Counts a `spawn_blocking` closure as in flight until the guard is dropped.
    pub(crate) fn blocking_started(self: &Arc<Self>) -> BlockingInFlight {
        self.blocking.fetch_add(1, SeqCst);
        BlockingInFlight(self.clone())
    }

    fn lock_parks(&self) -> std::sync::MutexGuard<'_, Vec<(u64, OsUnparker)>> {
        // The list stays consistent whatever panicked while it was held (push/retain only).
        self.parks.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Installed as the runtime's `VirtualTime` (a newtype: the trait and `Arc` are foreign).
pub(crate) struct VirtualClock(pub(crate) Arc<PausedTime>);

impl VirtualTime for VirtualClock {
    fn is_paused(&self) -> bool {
        self.0.clock.is_paused()
    }

    fn on_idle(&self, next_timer: Option<Ticks>) -> Idle {
        let time = &self.0;
        if WOKEN_BEFORE_LAST_POLL.take() {
            return Idle::Woken;
        }
        match next_timer {
            Some(next) if time.blocking.load(SeqCst) == 0 => match time.clock.advance_to(next) {
                Some(_) => Idle::Advanced,
                None => Idle::Woken, // resumed meanwhile: look again with the running clock
            },
            _ => Idle::Wait,
        }
    }
}

thread_local! {
    /// Whether this thread's park was unparked before its last poll without blocking: the
    /// answer `on_idle`, called right after that poll on the same thread, gives.
    static WOKEN_BEFORE_LAST_POLL: Cell<bool> = const { Cell::new(false) };
}

/// The park of one `block_on` call on a current-thread runtime.
pub(crate) struct PausablePark {
    inner: OsPark,
    /// Raised by every unpark of this park; cleared by its polls without blocking.
    woken: Arc<AtomicBool>,
    time: Arc<PausedTime>,
    id: u64,
}

impl Park for PausablePark {
    type Unparker = PausableUnparker;

    fn park(&mut self, timeout: Option<Duration>) {
        self.inner.park(timeout);
        if timeout == Some(Duration::ZERO) {
            // After the poll, which consumed any pending unpark: one whose wake-up it took
            // had raised the flag first. (compare_exchange: the form avx-core's loom model of
            // this handshake checks.)
            let woken = self.woken.compare_exchange(true, false, SeqCst, SeqCst).is_ok();
            WOKEN_BEFORE_LAST_POLL.set(woken);
        }
    }

    fn unparker(&self) -> PausableUnparker {
        PausableUnparker { inner: self.inner.unparker(), woken: self.woken.clone() }
    }
}

impl Drop for PausablePark {
    fn drop(&mut self) {
        self.time.lock_parks().retain(|(id, _)| *id != self.id);
    }
}

/// Wakes a [`PausablePark`], recording that the runtime has something to do.
#[derive(Clone)]
pub(crate) struct PausableUnparker {
    inner: OsUnparker,
    woken: Arc<AtomicBool>,
}

impl Unpark for PausableUnparker {
    fn unpark(&self) {
        // Before delivering: an idle park that consumes this unpark then sees the flag.
        self.woken.store(true, SeqCst);
        self.inner.unpark();
    }
}

/// One `spawn_blocking` closure in flight; dropping it lets paused time move again.
pub(crate) struct BlockingInFlight(Arc<PausedTime>);

impl Drop for BlockingInFlight {
    fn drop(&mut self) {
        if self.0.blocking.fetch_sub(1, SeqCst) == 1 {
            // A park may sleep in real time because of this closure: let it look again.
            for (_, unparker) in self.0.lock_parks().iter() {
                unparker.unpark();
            }
        }
    }
}

thread_local! {
    /// Closures that returned on this blocking-pool thread whose task has not finished
    /// completing (storing the output, waking the `JoinHandle`).
    static RAN: RefCell<Vec<BlockingInFlight>> = const { RefCell::new(Vec::new()) };
}

/// Wraps a `spawn_blocking` closure so that paused time stands still until its task has
/// completed: had the count dropped when the closure returned, an idle runtime could jump
/// its clock (firing a `timeout` around the closure) before the output is there. When the
/// closure returns or unwinds, the guard waits in [`RAN`] until [`blocking_task_ran`]. A
/// closure dropped unrun (the pool shut down) releases it at once.
pub(crate) fn hold_time_during<R>(
    in_flight: Option<BlockingInFlight>,
    f: impl FnOnce() -> R + Send + 'static,
) -> impl FnOnce() -> R + Send + 'static {
    move || {
        let _release_after_run = ReleaseAfterRun(in_flight);
        f()
    }
}

struct ReleaseAfterRun(Option<BlockingInFlight>);

impl Drop for ReleaseAfterRun {
    fn drop(&mut self) {
        if let Some(in_flight) = self.0.take() {
            // Without the thread-local (thread exiting) it is released here instead.
            let _ = RAN.try_with(|ran| ran.borrow_mut().push(in_flight));
        }
    }
}

/// Called by the blocking pool after it ran a task: releases what its closure held.
pub(crate) fn blocking_task_ran() {
    let released = RAN.try_with(|ran| std::mem::take(&mut *ran.borrow_mut()));
    drop(released);
}
