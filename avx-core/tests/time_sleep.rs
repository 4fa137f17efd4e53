//! `Sleep` under a virtual clock: never early, always fires, reset both ways, cancellation
//! leaves the wheels empty, and timers armed in one shard fire when any worker processes.

mod common_time;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use avx_core::time::{Driver, ManualClock, Sleep};
use avx_core::{Clock, Ticks};
use common_time::{block_on_virtual, poll_with, CountingWaker};

const MS: u64 = 1_000_000;

fn setup(shards: usize) -> (ManualClock, Driver) {
    let clock = ManualClock::new();
    let driver = Driver::new(clock.clone(), shards);
    (clock, driver)
}

/// xorshift64*: a small seeded generator so runs are reproducible.
fn random(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

#[test]
fn a_sleep_completes_at_its_deadline_and_not_before() {
    let (clock, driver) = setup(1);
    let waker = CountingWaker::new();
    // 2.5 ms: not a whole millisecond, so the wheel must round up.
    let mut sleep = Box::pin(driver.handle().sleep_until(Ticks(2 * MS + MS / 2)));
    assert_eq!(poll_with(sleep.as_mut(), &waker), Poll::Pending);
    for now in [MS, 2 * MS, 2 * MS + MS / 2 - 1] {
        driver.process_all(clock.set(Ticks(now)));
        assert_eq!(waker.wakes(), 0, "woken at {now} ns");
        assert_eq!(poll_with(sleep.as_mut(), &waker), Poll::Pending);
        assert!(!sleep.is_elapsed());
    }
    driver.process_all(clock.set(Ticks(3 * MS)));
    assert_eq!(waker.wakes(), 1);
    assert!(sleep.is_elapsed());
    assert_eq!(poll_with(sleep.as_mut(), &waker), Poll::Ready(()));
    assert_eq!(driver.pending_timers(), 0);
}

#[test]
fn a_sleep_whose_deadline_has_passed_completes_without_a_timer() {
    let (clock, driver) = setup(1);
    clock.set(Ticks(10 * MS));
    let waker = CountingWaker::new();
    let mut sleep = Box::pin(driver.handle().sleep_until(Ticks(10 * MS)));
    assert!(!sleep.is_elapsed(), "not elapsed until polled, as Tokio's");
    assert_eq!(poll_with(sleep.as_mut(), &waker), Poll::Ready(()));
    assert!(sleep.is_elapsed());
    assert_eq!(driver.pending_timers(), 0);
}

/// A waker that reports its sleep's index to a shared queue.
struct IndexWaker {
    index: usize,
    woken: Arc<Mutex<Vec<usize>>>,
}

impl Wake for IndexWaker {
    fn wake(self: Arc<Self>) {
        self.woken.lock().unwrap().push(self.index);
    }
}

#[test]
fn a_hundred_thousand_sleeps_all_complete_and_none_early() {
    let (clock, driver) = setup(4);
    let handles: Vec<_> = (0..4).map(|shard| driver.handle().with_shard(shard)).collect();
    let woken = Arc::new(Mutex::new(Vec::new()));
    let mut state = 42;
    let mut sleeps: Vec<Pin<Box<Sleep>>> = (0..100_000)
        .map(|i| {
            let deadline = Ticks(1 + random(&mut state) % (10_000 * MS));
            Box::pin(handles[i % 4].sleep_until(deadline))
        })
        .collect();
    let wakers: Vec<Waker> =
        (0..sleeps.len()).map(|index| Waker::from(Arc::new(IndexWaker { index, woken: woken.clone() }))).collect();
    for (sleep, waker) in sleeps.iter_mut().zip(&wakers) {
        let poll = sleep.as_mut().poll(&mut Context::from_waker(waker));
        assert_eq!(poll, Poll::Pending);
    }
    assert_eq!(driver.pending_timers(), 100_000);
    let mut completed = vec![false; sleeps.len()];
    while let Some(next) = driver.next_expiration() {
        let now = clock.set(next);
        driver.process_all(now);
        for index in woken.lock().unwrap().drain(..) {
            let sleep = &mut sleeps[index];
            assert!(now >= sleep.deadline(), "sleep {index} woke at {now:?}, before {:?}", sleep.deadline());
            let poll = sleep.as_mut().poll(&mut Context::from_waker(&wakers[index]));
            assert_eq!(poll, Poll::Ready(()));
            assert!(!completed[index], "sleep {index} woken twice");
            completed[index] = true;
        }
    }
    assert!(completed.iter().all(|&done| done));
    assert!(driver.is_empty());
}

#[test]
fn reset_moves_a_pending_sleep_earlier_and_later() {
    let (clock, driver) = setup(1);
    let waker = CountingWaker::new();
    let mut sleep = Box::pin(driver.handle().sleep_until(Ticks(100 * MS)));
    assert_eq!(poll_with(sleep.as_mut(), &waker), Poll::Pending);

    sleep.as_mut().reset(Ticks(10 * MS));
    assert_eq!(sleep.deadline(), Ticks(10 * MS));
    driver.process_all(clock.set(Ticks(9 * MS)));
    assert_eq!(waker.wakes(), 0);
    driver.process_all(clock.set(Ticks(10 * MS)));
    assert_eq!(waker.wakes(), 1, "the waker of the last poll is kept across reset");
    assert_eq!(poll_with(sleep.as_mut(), &waker), Poll::Ready(()));

    // Later, after it completed: pending again until the new deadline.
    sleep.as_mut().reset(Ticks(50 * MS));
    assert_eq!(poll_with(sleep.as_mut(), &waker), Poll::Pending);
    sleep.as_mut().reset(Ticks(80 * MS));
    driver.process_all(clock.set(Ticks(79 * MS)));
    assert_eq!(waker.wakes(), 1, "not woken at the old deadline");
    assert_eq!(poll_with(sleep.as_mut(), &waker), Poll::Pending);
    driver.process_all(clock.set(Ticks(80 * MS)));
    assert_eq!(waker.wakes(), 2);
    assert_eq!(poll_with(sleep.as_mut(), &waker), Poll::Ready(()));
    assert_eq!(driver.pending_timers(), 0);
}

#[test]
fn reset_to_a_passed_deadline_wakes_the_task_at_once() {
    let (clock, driver) = setup(1);
    let waker = CountingWaker::new();
    let mut sleep = Box::pin(driver.handle().sleep_until(Ticks(100 * MS)));
    assert_eq!(poll_with(sleep.as_mut(), &waker), Poll::Pending);
    clock.set(Ticks(20 * MS));
    sleep.as_mut().reset(Ticks(5 * MS));
    assert_eq!(waker.wakes(), 1);
    assert_eq!(poll_with(sleep.as_mut(), &waker), Poll::Ready(()));
    assert!(driver.is_empty());
}

#[test]
fn cancelling_a_million_timers_leaves_the_wheels_empty() {
    let (clock, driver) = setup(2);
    let waker = CountingWaker::new();
    let mut state = 3;
    let mut batch: Vec<Pin<Box<Sleep>>> = Vec::with_capacity(1_000);
    for round in 0..1_000u64 {
        // Move time a little so deadlines land at every level relative to the wheel.
        let now = clock.set(Ticks(round * 7 * MS));
        driver.process_all(now);
        for _ in 0..1_000 {
            let span = 1u64 << (6 * (1 + random(&mut state) % 7));
            let deadline = now.saturating_add(Duration::from_millis(1 + random(&mut state) % span));
            let mut sleep = Box::pin(driver.handle().sleep_until(deadline));
            assert_eq!(poll_with(sleep.as_mut(), &waker), Poll::Pending);
            batch.push(sleep);
        }
        assert_eq!(driver.pending_timers(), 1_000);
        // Drop in a scrambled order so entries leave from heads, middles and tails of lists.
        while !batch.is_empty() {
            let index = (random(&mut state) as usize) % batch.len();
            drop(batch.swap_remove(index));
        }
        assert_eq!(driver.pending_timers(), 0);
    }
    assert!(driver.is_empty());
    assert_eq!(waker.wakes(), 0);
}

#[test]
fn a_timer_armed_in_one_shard_fires_when_another_worker_processes() {
    let (clock, driver) = setup(3);
    let waker = CountingWaker::new();
    let mut sleep = Box::pin(driver.handle().with_shard(2).sleep(Duration::from_millis(5)));
    assert_eq!(poll_with(sleep.as_mut(), &waker), Poll::Pending);
    assert_eq!(driver.next_expiration_in(0), None);
    assert_eq!(driver.next_expiration_in(2), Some(Ticks(5 * MS)));
    assert_eq!(driver.next_expiration(), Some(Ticks(5 * MS)));
    let now = clock.advance(Duration::from_millis(5));
    assert_eq!(driver.process(0, now), 0, "shard 0 holds nothing");
    assert_eq!(driver.process_all(now), 1);
    assert_eq!(waker.wakes(), 1);
    assert_eq!(driver.next_expiration(), None);
}

#[test]
fn the_deadline_hook_hears_of_timers_earlier_than_their_shard_held() {
    let (_clock, driver) = setup(2);
    let heard = Arc::new(AtomicUsize::new(0));
    let last = Arc::new(AtomicUsize::new(0));
    let (heard_in_hook, last_in_hook) = (heard.clone(), last.clone());
    assert!(driver.set_deadline_hook(move |deadline: Ticks| {
        heard_in_hook.fetch_add(1, Ordering::SeqCst);
        last_in_hook.store((deadline.0 / MS) as usize, Ordering::SeqCst);
    }));
    assert!(!driver.set_deadline_hook(|_| {}), "only one hook");
    let handle = driver.handle().with_shard(0);
    let waker = CountingWaker::new();
    let mut later = Box::pin(handle.sleep_until(Ticks(50 * MS)));
    let mut earlier = Box::pin(handle.sleep_until(Ticks(20 * MS)));
    let mut latest = Box::pin(handle.sleep_until(Ticks(90 * MS)));
    for sleep in [&mut later, &mut earlier, &mut latest] {
        assert_eq!(poll_with(sleep.as_mut(), &waker), Poll::Pending);
    }
    assert_eq!(heard.load(Ordering::SeqCst), 2, "50 ms and then 20 ms were new earliest");
    assert_eq!(last.load(Ordering::SeqCst), 20);
}

#[test]
fn sleeping_an_hour_under_virtual_time_ends_exactly_an_hour_later() {
    let (clock, driver) = setup(1);
    let handle = driver.handle();
    let hour = Duration::from_secs(3_600);
    block_on_virtual(&driver, &clock, handle.sleep(hour));
    assert_eq!(clock.now(), Ticks::ZERO.saturating_add(hour));
}

#[test]
fn a_sleep_beyond_the_wheel_span_waits_and_cancels_cleanly() {
    let (clock, driver) = setup(1);
    let waker = CountingWaker::new();
    let three_years = Duration::from_secs(3 * 365 * 24 * 3_600);
    let mut far = Box::pin(driver.handle().sleep(three_years));
    let mut end_of_time = Box::pin(driver.handle().sleep_until(Ticks(u64::MAX)));
    assert_eq!(poll_with(far.as_mut(), &waker), Poll::Pending);
    assert_eq!(poll_with(end_of_time.as_mut(), &waker), Poll::Pending);
    // Jump through the wheel's re-filing steps up to just before the deadline.
    let before = Ticks(far.deadline().0 - 1);
    while let Some(next) = driver.next_expiration().filter(|&next| next <= before) {
        driver.process_all(clock.set(next));
    }
    driver.process_all(clock.set(before));
    assert_eq!(waker.wakes(), 0);
    driver.process_all(clock.set(far.deadline()));
    assert_eq!(waker.wakes(), 1);
    assert_eq!(poll_with(far.as_mut(), &waker), Poll::Ready(()));
    assert_eq!(driver.pending_timers(), 1);
    drop(end_of_time);
    assert!(driver.is_empty());
}

#[test]
fn timer_types_can_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Driver>();
    send_sync::<avx_core::time::Handle>();
    send_sync::<Sleep>();
    send_sync::<avx_core::time::Interval>();
    send_sync::<avx_core::time::Timeout<Sleep>>();
    send_sync::<ManualClock>();
}

#[test]
fn one_late_process_wakes_every_due_sleep_once_in_deadline_order() {
    let (clock, driver) = setup(1);
    let woken = Arc::new(Mutex::new(Vec::new()));
    let mut state = 11;
    // More than one wake batch, deadlines spread over several wheel levels.
    let deadlines: Vec<u64> = (0..300).map(|_| 1 + random(&mut state) % 200_000).collect();
    let mut sleeps: Vec<Pin<Box<Sleep>>> =
        deadlines.iter().map(|&ms| Box::pin(driver.handle().sleep_until(Ticks(ms * MS)))).collect();
    for (index, sleep) in sleeps.iter_mut().enumerate() {
        let waker = Waker::from(Arc::new(IndexWaker { index, woken: woken.clone() }));
        assert!(sleep.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
    }
    assert_eq!(driver.process_all(clock.set(Ticks(200_000 * MS))), 300);
    let order = woken.lock().unwrap().clone();
    assert_eq!(order.len(), 300);
    let mut seen = order.clone();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 300, "each sleep woken once");
    assert!(order.windows(2).all(|pair| deadlines[pair[0]] <= deadlines[pair[1]]));
    assert!(driver.is_empty());
}

#[test]
fn a_cancelled_timer_is_no_longer_the_next_expiration() {
    let (_clock, driver) = setup(1);
    let waker = CountingWaker::new();
    let mut soon = Box::pin(driver.handle().sleep_until(Ticks(10 * MS)));
    let mut later = Box::pin(driver.handle().sleep_until(Ticks(30 * MS)));
    assert_eq!(poll_with(soon.as_mut(), &waker), Poll::Pending);
    assert_eq!(poll_with(later.as_mut(), &waker), Poll::Pending);
    assert_eq!(driver.next_expiration(), Some(Ticks(10 * MS)));
    drop(soon);
    assert_eq!(driver.next_expiration(), Some(Ticks(30 * MS)));
    drop(later);
    assert_eq!(driver.next_expiration(), None);
}
