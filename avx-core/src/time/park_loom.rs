//! Loom models of the timer park: a worker taking the watch and sleeping until the deadline it
//! read races another thread arming an earlier timer (it never oversleeps it), and an idle park
//! under virtual time races an unpark (it never sleeps through it).

use alloc::boxed::Box;
use alloc::sync::Arc as StdArc;
use alloc::vec;
use core::pin::Pin;
use core::task::{Context, Waker};
use core::time::Duration;
use std::task::Wake;

use super::{Driver, ManualClock, Sleep, Timers};
use crate::loom::{Arc, AtomicBool, Ordering::SeqCst};
use crate::park::{Park, Ticks, Unpark};

const MS: u64 = 1_000_000;

struct NoopWaker;

impl Wake for NoopWaker {
    fn wake(self: StdArc<Self>) {}
}

fn arm(sleep: Pin<&mut Sleep>) {
    let waker = Waker::from(StdArc::new(NoopWaker));
    assert!(core::future::Future::poll(sleep, &mut Context::from_waker(&waker)).is_pending());
}

#[derive(Clone)]
struct FlagUnparker(Arc<AtomicBool>);

impl Unpark for FlagUnparker {
    fn unpark(&self) {
        self.0.store(true, SeqCst);
    }
}

/// Sleeps (yields) until unparked, unless its timeout ends no later than `wake_by`, or the
/// arming thread is done and nobody unparked it: that is an overslept timer. One park per
/// model run, so the unpark flag is never reset.
struct ModelPark {
    unparked: Arc<AtomicBool>,
    arming_done: Arc<AtomicBool>,
    overslept: Arc<AtomicBool>,
    wake_by: Duration,
}

impl Park for ModelPark {
    type Unparker = FlagUnparker;

    fn park(&mut self, timeout: Option<Duration>) {
        if timeout.is_some_and(|t| t <= self.wake_by) {
            return;
        }
        while !self.unparked.load(SeqCst) {
            if self.arming_done.load(SeqCst) && !self.unparked.load(SeqCst) {
                self.overslept.store(true, SeqCst);
                return;
            }
            loom::thread::yield_now();
        }
    }

    fn unparker(&self) -> FlagUnparker {
        FlagUnparker(self.unparked.clone())
    }
}

#[test]
fn watcher_is_unparked_for_an_earlier_timer_armed_while_it_parks() {
    loom::model(|| {
        let clock = ManualClock::new();
        let timers = Timers::new(Driver::new(clock, 1));
        // A 5 ms timer is pending: the watcher would sleep until then.
        let mut later = Box::pin(timers.handle().sleep_until(Ticks(5 * MS)));
        arm(later.as_mut());
        let arming_done = Arc::new(AtomicBool::new(false));
        let overslept = Arc::new(AtomicBool::new(false));
        let park = ModelPark {
            unparked: Arc::new(AtomicBool::new(false)),
            arming_done: arming_done.clone(),
            overslept: overslept.clone(),
            wake_by: Duration::from_millis(1),
        };
        let mut parks = timers.wrap(vec![park]);
        let arming = {
            let handle = timers.handle();
            loom::thread::spawn(move || {
                let mut earlier = Box::pin(handle.sleep_until(Ticks(MS)));
                arm(earlier.as_mut());
                arming_done.store(true, SeqCst);
                earlier
            })
        };
        parks[0].park(None);
        let earlier = arming.join().unwrap();
        assert!(!overslept.load(SeqCst), "the watcher slept past a timer armed while it parked");
        drop((earlier, later));
    });
}

/// The protocol `VirtualTime` implementations follow (avx-std's paused runtime does): the
/// unparker raises `woken` before delivering its token; `on_idle` reports `Woken` if it was
/// raised, else jumps the clock to the next timer, else (no timer) lets the park sleep.
struct WokenFlag {
    woken: Arc<AtomicBool>,
    clock: ManualClock,
}

impl super::VirtualTime for WokenFlag {
    fn is_paused(&self) -> bool {
        true
    }

    fn on_idle(&self, next_timer: Option<Ticks>) -> super::Idle {
        // compare_exchange, not swap: loom 0.7 lets a swap read a stale value, and so reports
        // lost wake-ups no hardware produces.
        if self.woken.compare_exchange(true, false, SeqCst, SeqCst).is_ok() {
            return super::Idle::Woken;
        }
        match next_timer {
            Some(next) => {
                self.clock.set(next);
                super::Idle::Advanced
            }
            None => super::Idle::Wait,
        }
    }
}

#[derive(Clone)]
struct TokenUnparker {
    woken: Arc<AtomicBool>,
    token: Arc<AtomicBool>,
}

impl Unpark for TokenUnparker {
    fn unpark(&self) {
        self.woken.store(true, SeqCst);
        self.token.store(true, SeqCst);
    }
}

/// A park whose unpark leaves a token: a park consumes it (a zero-timeout one too, as the
/// OS park's poll does) and returns; without one it sleeps until the token comes, or records
/// a lost wake-up once the unparking thread is done.
struct TokenPark {
    unparker: TokenUnparker,
    unparking_done: Arc<AtomicBool>,
    lost: Arc<AtomicBool>,
}

impl Park for TokenPark {
    type Unparker = TokenUnparker;

    fn park(&mut self, timeout: Option<Duration>) {
        loop {
            let consumed = self.unparker.token.compare_exchange(true, false, SeqCst, SeqCst).is_ok();
            if consumed || timeout == Some(Duration::ZERO) {
                return;
            }
            if self.unparking_done.load(SeqCst) && !self.unparker.token.load(SeqCst) {
                self.lost.store(true, SeqCst);
                return;
            }
            loom::thread::yield_now();
        }
    }

    fn unparker(&self) -> TokenUnparker {
        self.unparker.clone()
    }
}

#[test]
fn an_unpark_racing_with_an_idle_paused_park_is_never_lost() {
    loom::model(|| {
        let clock = ManualClock::new();
        let timers = Timers::<TokenUnparker>::new(Driver::new(clock.clone(), 1));
        let woken = Arc::new(AtomicBool::new(false));
        timers.set_virtual_time(WokenFlag { woken: woken.clone(), clock });
        let unparker = TokenUnparker { woken, token: Arc::new(AtomicBool::new(false)) };
        let unparking_done = Arc::new(AtomicBool::new(false));
        let lost = Arc::new(AtomicBool::new(false));
        let park = TokenPark { unparker: unparker.clone(), unparking_done: unparking_done.clone(), lost: lost.clone() };
        let mut park = timers.wrap_alone(park);
        let unparking = loom::thread::spawn(move || {
            unparker.unpark();
            unparking_done.store(true, SeqCst);
        });
        // No timer is pending, so an idle park that saw no wake-up sleeps until unparked.
        park.park(None);
        unparking.join().unwrap();
        assert!(!lost.load(SeqCst), "the idle paused park consumed the unpark and slept through it");
    });
}
