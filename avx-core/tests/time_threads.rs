//! Timers under real threads: tasks on several threads arm, poll and cancel sleeps in their
//! own shards while another thread advances a virtual clock and processes every shard.

mod common_time;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use avx_core::time::{Driver, ManualClock};
use avx_core::Clock;
use common_time::{poll_with, CountingWaker};

#[test]
fn concurrent_arm_fire_and_cancel_leave_nothing_behind() {
    const THREADS: usize = 3;
    let clock = ManualClock::new();
    let driver = Arc::new(Driver::new(clock.clone(), THREADS));
    let stop = Arc::new(AtomicBool::new(false));
    let processor = {
        let (driver, clock, stop) = (driver.clone(), clock.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                let now = clock.advance(Duration::from_micros(250));
                driver.process_all(now);
                std::thread::yield_now();
            }
        })
    };
    let workers: Vec<_> = (0..THREADS)
        .map(|worker| {
            let (driver, clock) = (driver.clone(), clock.clone());
            std::thread::spawn(move || {
                let handle = driver.handle().with_shard(worker);
                for i in 0..5_000u64 {
                    let waker = CountingWaker::new();
                    let mut sleep = Box::pin(handle.sleep(Duration::from_micros(i % 3_000)));
                    if poll_with(sleep.as_mut(), &waker).is_ready() {
                        assert!(clock.now() >= sleep.deadline());
                        continue;
                    }
                    if i % 3 == 0 {
                        continue; // dropped while armed: cancelled, possibly racing the fire
                    }
                    while waker.wakes() == 0 {
                        std::thread::yield_now();
                    }
                    assert_eq!(poll_with(sleep.as_mut(), &waker), Poll::Ready(()));
                    assert!(clock.now() >= sleep.deadline(), "completed before its deadline");
                    assert_eq!(waker.wakes(), 1);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    stop.store(true, Ordering::SeqCst);
    processor.join().unwrap();
    assert_eq!(driver.pending_timers(), 0);
    assert!(driver.is_empty());
}
