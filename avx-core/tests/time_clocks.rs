//! The virtual clocks: `ManualClock` only moves forward when told, and `PausableClock`
//! follows its live clock until paused, then moves only when advanced, never backwards; a
//! driver's milliseconds count from its creation, up to the end of time.

use std::future::Future;
use std::time::Duration;

use avx_core::time::{Driver, ManualClock, PausableClock};
use avx_core::{Clock, Ticks};

const MS: u64 = 1_000_000;

#[test]
fn a_manual_clock_moves_only_forward_and_clones_share_it() {
    let clock = ManualClock::starting_at(Ticks(5 * MS));
    let other = clock.clone();
    assert_eq!(clock.advance(Duration::from_millis(3)), Ticks(8 * MS));
    assert_eq!(other.now(), Ticks(8 * MS));
    assert_eq!(other.set(Ticks(2 * MS)), Ticks(8 * MS), "set never moves backwards");
    assert_eq!(other.set(Ticks(20 * MS)), Ticks(20 * MS));
    assert_eq!(clock.now(), Ticks(20 * MS));
}

#[test]
fn a_pausable_clock_follows_its_live_clock_until_paused() {
    let live = ManualClock::starting_at(Ticks(100 * MS));
    let clock = PausableClock::new(live.clone());
    assert_eq!(clock.now(), Ticks(100 * MS));
    live.advance(Duration::from_millis(10));
    assert_eq!(clock.now(), Ticks(110 * MS));

    assert!(clock.pause());
    assert!(clock.is_paused());
    live.advance(Duration::from_millis(50));
    assert_eq!(clock.now(), Ticks(110 * MS), "paused time stands still");
    assert_eq!(clock.advance(Duration::from_millis(5)), Ticks(115 * MS));
    assert_eq!(clock.advance_to(Ticks(112 * MS)), Some(Ticks(115 * MS)), "never backwards");
    assert_eq!(clock.advance_to(Ticks(130 * MS)), Some(Ticks(130 * MS)));
    assert!(!clock.pause(), "already paused");

    assert!(clock.resume());
    assert!(!clock.is_paused());
    assert!(!clock.resume(), "already running");
    assert_eq!(clock.advance_to(Ticks(200 * MS)), None, "a running clock is not jumped");
    assert_eq!(clock.now(), Ticks(130 * MS), "resumes from where it stood");
    live.advance(Duration::from_millis(7));
    assert_eq!(clock.now(), Ticks(137 * MS));
    assert_eq!(clock.advance(Duration::from_millis(3)), Ticks(140 * MS));
    live.advance(Duration::from_millis(1));
    assert_eq!(clock.now(), Ticks(141 * MS));
}

#[test]
fn a_paused_driver_jumps_to_its_next_timer() {
    let live = ManualClock::new();
    let clock = PausableClock::new(live.clone());
    let driver = Driver::new(clock.clone(), 1);
    clock.pause();
    let mut sleep = Box::pin(driver.handle().sleep(Duration::from_secs(60)));
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    assert!(sleep.as_mut().poll(&mut cx).is_pending());
    // The auto-advance loop of an idle paused runtime.
    while sleep.as_mut().poll(&mut cx).is_pending() {
        let next = driver.next_expiration().expect("a timer is pending");
        driver.process_all(clock.advance_to(next).expect("the clock is paused"));
    }
    assert_eq!(clock.now(), Ticks(60_000 * MS));
    assert_eq!(live.now(), Ticks::ZERO, "no real time passed");
}

#[test]
fn a_driver_counts_its_milliseconds_from_its_creation() {
    // Created 0.4 ms into its clock: its timers fall on 0.4 ms + whole milliseconds.
    let clock = ManualClock::starting_at(Ticks(MS * 2 / 5));
    let driver = Driver::new(clock.clone(), 1);
    let mut sleep = Box::pin(driver.handle().sleep(Duration::from_millis(1)));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    assert!(sleep.as_mut().poll(&mut cx).is_pending());
    assert_eq!(driver.next_expiration(), Some(Ticks(MS * 7 / 5)), "exactly 1 ms after creation");
    driver.process_all(clock.set(Ticks(MS * 7 / 5)));
    assert!(sleep.as_mut().poll(&mut cx).is_ready());
}

#[test]
fn a_sleep_until_the_end_of_time_is_reached_by_jumping_from_timer_to_timer() {
    let clock = ManualClock::new();
    let driver = Driver::new(clock.clone(), 1);
    let mut sleep = Box::pin(driver.handle().sleep_until(Ticks(u64::MAX)));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let mut jumps = 0;
    while sleep.as_mut().poll(&mut cx).is_pending() {
        let next = driver.next_expiration().expect("the timer is pending");
        driver.process_all(clock.set(next));
        jumps += 1;
        // 2^64 ns is about 2^44 ms: one jump per top-level rotation of 2^36 ms, a few more at the end.
        assert!(jumps < 1_000, "the clock stopped reaching the timer (at {:?})", clock.now());
    }
}
