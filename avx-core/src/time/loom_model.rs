//! Loom models of a timer entry's state machine: the driver firing an entry races with its
//! owner cancelling it, re-polling it with a new waker, or resetting it.

use alloc::boxed::Box;
use alloc::sync::Arc as StdArc;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::task::Wake;

use super::{Driver, ManualClock, Sleep};
use crate::loom::{Arc, AtomicUsize, Ordering};
use crate::park::{Clock, Ticks};

const MS: u64 = 1_000_000;

#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl CountingWaker {
    fn wakes(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl Wake for CountingWaker {
    fn wake(self: StdArc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn poll(sleep: Pin<&mut Sleep>, waker: &StdArc<CountingWaker>) -> Poll<()> {
    let waker = Waker::from(waker.clone());
    core::future::Future::poll(sleep, &mut Context::from_waker(&waker))
}

/// A driver with one armed 1 ms sleep, the clock already at 1 ms, and a thread firing it.
fn armed() -> (Arc<Driver>, Pin<Box<Sleep>>, StdArc<CountingWaker>, loom::thread::JoinHandle<usize>) {
    let clock = ManualClock::new();
    let driver = Arc::new(Driver::new(clock.clone(), 1));
    let mut sleep = Box::pin(driver.handle().sleep_until(Ticks(MS)));
    let waker = StdArc::new(CountingWaker::default());
    assert_eq!(poll(sleep.as_mut(), &waker), Poll::Pending);
    let now = clock.set(Ticks(MS));
    let firing = {
        let driver = driver.clone();
        loom::thread::spawn(move || driver.process_all(now))
    };
    assert_eq!(clock.now(), now);
    (driver, sleep, waker, firing)
}

#[test]
fn fire_races_cancel() {
    loom::model(|| {
        let (driver, sleep, waker, firing) = armed();
        drop(sleep);
        let fired = firing.join().unwrap();
        assert_eq!(fired, waker.wakes(), "a fired timer wakes its task exactly once");
        assert!(fired <= 1);
        assert!(driver.is_empty());
    });
}

#[test]
fn fire_races_a_poll_with_a_new_waker() {
    loom::model(|| {
        let (driver, mut sleep, old_waker, firing) = armed();
        let new_waker = StdArc::new(CountingWaker::default());
        let polled = poll(sleep.as_mut(), &new_waker);
        firing.join().unwrap();
        assert_eq!(old_waker.wakes() + new_waker.wakes(), 1);
        if polled.is_pending() {
            assert_eq!(new_waker.wakes(), 1, "the waker of the last poll is the one woken");
        }
        assert!(driver.is_empty());
    });
}

#[test]
fn fire_races_a_reset_to_later() {
    loom::model(|| {
        let (driver, mut sleep, waker, firing) = armed();
        sleep.as_mut().reset(Ticks(5 * MS));
        let fired = firing.join().unwrap();
        assert_eq!(fired, waker.wakes());
        // Either the old deadline fired first (the next poll re-arms for 5 ms) or the reset
        // moved the still-armed entry to 5 ms: one timer pending either way after a poll.
        assert_eq!(poll(sleep.as_mut(), &waker), Poll::Pending);
        assert_eq!(driver.pending_timers(), 1);
        drop(sleep);
        assert!(driver.is_empty());
    });
}
