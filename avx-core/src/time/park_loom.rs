//! Loom model of the timer watch: a worker taking the watch and sleeping until the deadline it
//! read races another thread arming an earlier timer; the worker never oversleeps it.

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
