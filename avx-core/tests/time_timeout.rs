//! `Timeout` under a virtual clock: the inner value wins when it is ready first (even at the
//! deadline itself), `Elapsed` otherwise, and the inner future is dropped with the timeout.

mod common_time;

use std::future::{pending, Future};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use avx_core::time::{Driver, Elapsed, ManualClock};
use avx_core::{Clock, Ticks};
use common_time::{block_on_virtual, poll_with, CountingWaker};

fn setup() -> (ManualClock, Driver) {
    let clock = ManualClock::new();
    let driver = Driver::new(clock.clone(), 2);
    (clock, driver)
}

/// A future that never completes and records that it was dropped.
struct NeverDone(Arc<AtomicBool>);

impl Future for NeverDone {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

impl Drop for NeverDone {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn a_future_that_finishes_first_returns_its_value() {
    let (clock, driver) = setup();
    let handle = driver.handle();
    let inner = handle.sleep(Duration::from_millis(10));
    let outcome = block_on_virtual(
        &driver,
        &clock,
        handle.timeout(Duration::from_millis(30), async {
            inner.await;
            7
        }),
    );
    assert_eq!(outcome, Ok(7));
    assert_eq!(clock.now(), Ticks(10_000_000));
    assert!(driver.is_empty(), "the timeout's own timer is cancelled");
}

#[test]
fn a_future_ready_exactly_at_the_deadline_still_wins() {
    let (clock, driver) = setup();
    let handle = driver.handle();
    let inner = handle.sleep(Duration::from_millis(10));
    let outcome = block_on_virtual(&driver, &clock, handle.timeout(Duration::from_millis(10), inner));
    assert_eq!(outcome, Ok(()));
}

#[test]
fn a_future_that_does_not_finish_returns_elapsed_and_is_dropped() {
    let (clock, driver) = setup();
    let handle = driver.handle();
    let dropped = Arc::new(AtomicBool::new(false));
    let timeout = handle.timeout(Duration::from_secs(5), NeverDone(dropped.clone()));
    assert_eq!(timeout.deadline(), Some(Ticks(5_000_000_000)));
    let mut timeout = Box::pin(timeout);
    let outcome = block_on_virtual(&driver, &clock, timeout.as_mut());
    assert_eq!(outcome, Err::<(), _>(elapsed_error(&driver)));
    assert_eq!(clock.now(), Ticks(5_000_000_000));
    assert!(!dropped.load(Ordering::SeqCst));
    drop(timeout);
    assert!(dropped.load(Ordering::SeqCst));
}

#[test]
fn elapsed_is_a_displayable_error() {
    let (_clock, driver) = setup();
    let error: Box<dyn std::error::Error> = Box::new(elapsed_error(&driver));
    assert_eq!(error.to_string(), "deadline has elapsed");
}

#[test]
fn dropping_a_pending_timeout_cancels_its_timer() {
    let (_clock, driver) = setup();
    let waker = CountingWaker::new();
    let mut timeout = Box::pin(driver.handle().timeout(Duration::from_secs(1), pending::<()>()));
    assert_eq!(poll_with(timeout.as_mut(), &waker), Poll::Pending);
    assert_eq!(driver.pending_timers(), 1);
    drop(timeout);
    assert!(driver.is_empty());
}

/// `Elapsed` has no public constructor; obtain one the way users do.
fn elapsed_error(driver: &Driver) -> Elapsed {
    let waker = CountingWaker::new();
    let mut timeout = Box::pin(driver.handle().timeout_at(Ticks::ZERO, pending::<()>()));
    match poll_with(timeout.as_mut(), &waker) {
        Poll::Ready(Err(elapsed)) => elapsed,
        other => panic!("a timeout at the origin is already elapsed, got {other:?}"),
    }
}

#[test]
fn a_timeout_past_the_end_of_time_has_no_deadline_and_never_elapses() {
    let (clock, driver) = setup();
    let handle = driver.handle();
    let mut timeout = Box::pin(handle.timeout(Duration::MAX, pending::<()>()));
    assert_eq!(timeout.deadline(), None);
    let waker = CountingWaker::new();
    assert!(poll_with(timeout.as_mut(), &waker).is_pending());
    assert_eq!(driver.pending_timers(), 0, "no timer armed");
    driver.process_all(clock.set(Ticks(u64::MAX)));
    assert!(poll_with(timeout.as_mut(), &waker).is_pending());
}
