//! Integration tests of timers on the runtime: never early, at scale, timeouts, resets,
//! intervals under paused time, and timers armed on one worker fired by another.

use avx_std::time::{self, Instant, MissedTickBehavior};
use avx_std::Runtime;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

fn multi() -> Runtime {
    Runtime::builder().worker_threads(2).build().unwrap()
}

fn paused() -> Runtime {
    Runtime::builder().current_thread().start_paused(true).build().unwrap()
}

#[test]
fn a_sleep_never_completes_before_its_deadline() {
    let rt = multi();
    rt.block_on(async {
        let tasks: Vec<_> = (0..200u64)
            .map(|i| {
                avx_std::spawn(async move {
                    let wanted = Duration::from_micros(i * 137 % 5000);
                    let start = std::time::Instant::now();
                    time::sleep(wanted).await;
                    start.elapsed() >= wanted
                })
            })
            .collect();
        for task in tasks {
            assert!(task.await.unwrap(), "a sleep woke before its deadline");
        }
    });
}

#[test]
fn one_hundred_thousand_concurrent_sleeps_all_complete() {
    let rt = multi();
    let done = Arc::new(AtomicUsize::new(0));
    rt.block_on({
        let done = done.clone();
        async move {
            let tasks: Vec<_> = (0..100_000u64)
                .map(|i| {
                    let done = done.clone();
                    avx_std::spawn(async move {
                        time::sleep(Duration::from_millis(1 + i % 20)).await;
                        done.fetch_add(1, SeqCst);
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
        }
    });
    assert_eq!(done.load(SeqCst), 100_000);
}

#[test]
fn timeout_returns_the_value_or_elapsed_and_drops_the_future() {
    struct DropFlag(Arc<AtomicUsize>);
    impl Drop for DropFlag {
        fn drop(&mut self) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    let rt = paused();
    let dropped = Arc::new(AtomicUsize::new(0));
    rt.block_on({
        let dropped = dropped.clone();
        async move {
            let fast = time::timeout(Duration::from_secs(5), async { 42 }).await;
            assert_eq!(fast, Ok(42));
            let flag = DropFlag(dropped.clone());
            let slow = time::timeout(Duration::from_secs(5), async move {
                let _flag = flag;
                std::future::pending::<()>().await
            })
            .await;
            assert!(slow.is_err());
            assert!(slow.unwrap_err().to_string().contains("elapsed"));
            assert_eq!(dropped.load(SeqCst), 1);
        }
    });
}

#[test]
fn paused_time_runs_an_hour_of_sleep_at_once_and_never_early() {
    let rt = paused();
    let real = std::time::Instant::now();
    rt.block_on(async {
        let start = Instant::now();
        time::sleep(Duration::from_secs(3600)).await;
        assert!(Instant::now() - start >= Duration::from_secs(3600));
    });
    assert!(real.elapsed() < Duration::from_secs(60), "paused time should not wait in real time");
}

#[test]
fn reset_moves_a_pending_sleep_earlier_and_later() {
    let rt = paused();
    rt.block_on(async {
        let start = Instant::now();
        let sleep = time::sleep(Duration::from_secs(100));
        avx_std::pin!(sleep);
        sleep.as_mut().reset(start + Duration::from_secs(10));
        sleep.as_mut().await;
        // Paused time jumps to the timer's millisecond, never before the deadline.
        let waited = Instant::now() - start;
        assert!(waited >= Duration::from_secs(10) && waited < Duration::from_millis(10_002), "{waited:?}");

        let later = time::sleep(Duration::from_secs(1));
        avx_std::pin!(later);
        later.as_mut().reset(Instant::now() + Duration::from_secs(50));
        let reset_at = Instant::now();
        later.as_mut().await;
        let waited = Instant::now() - reset_at;
        assert!(waited >= Duration::from_secs(50) && waited < Duration::from_millis(50_002), "{waited:?}");
    });
}

#[test]
fn interval_ticks_at_exact_instants_with_each_missed_tick_behaviour() {
    let rt = paused();
    rt.block_on(async {
        for (behavior, expected) in [
            // Ticks due at 0,10,20,...; the task stalls 35 s after the first tick, so the
            // tick due at 10 is late: it is returned at once (with its scheduled instant),
            // then Burst catches up, Delay restarts the period, Skip rejoins the schedule.
            (MissedTickBehavior::Burst, [0u64, 10, 20, 30, 40]),
            (MissedTickBehavior::Delay, [0, 10, 45, 55, 65]),
            (MissedTickBehavior::Skip, [0, 10, 40, 50, 60]),
        ] {
            let start = Instant::now();
            let mut interval = time::interval(Duration::from_secs(10));
            interval.set_missed_tick_behavior(behavior);
            let mut seen = Vec::new();
            for i in 0..5 {
                let tick = interval.tick().await;
                seen.push((tick - start).as_secs());
                if i == 0 {
                    time::sleep(Duration::from_secs(35)).await;
                }
            }
            assert_eq!(seen, expected, "{behavior:?}");
        }
    });
}

#[test]
fn advance_fires_due_timers() {
    let rt = Runtime::builder().current_thread().build().unwrap();
    rt.block_on(async {
        time::pause();
        let start = Instant::now();
        let sleeper = avx_std::spawn(async { time::sleep(Duration::from_secs(30)).await });
        avx_std::task::yield_now().await;
        time::advance(Duration::from_secs(31)).await;
        sleeper.await.unwrap();
        assert!(Instant::now() - start >= Duration::from_secs(31));
    });
}

#[test]
fn a_timer_armed_on_a_busy_worker_fires_while_another_waits() {
    let rt = multi();
    rt.block_on(async {
        let busy = avx_std::spawn(async {
            // Arm a timer, then occupy this worker without yielding for a while.
            let sleep = time::sleep(Duration::from_millis(5));
            let waiter = avx_std::spawn(async move {
                sleep.await;
                std::time::Instant::now()
            });
            let armed = std::time::Instant::now();
            std::thread::sleep(Duration::from_millis(300));
            (armed, waiter)
        });
        let (armed, waiter) = busy.await.unwrap();
        let fired = waiter.await.unwrap();
        assert!(fired >= armed + Duration::from_millis(5));
    });
}

#[test]
fn pause_on_a_multi_threaded_runtime_is_refused_clearly() {
    let rt = multi();
    let result = rt.block_on(rt.spawn(async { time::pause() }));
    let error = result.unwrap_err();
    assert!(error.to_string().contains("requires the `current_thread` avx runtime"), "{error}");
    assert!(Runtime::builder().start_paused(true).build().is_err());
}

#[test]
fn avx_std_time_inside_the_simulator_uses_its_virtual_clock() {
    let rt = multi();
    // Even where a runtime is current, a task of the simulator reads the simulator's clock.
    let _runtime = rt.enter();
    let sim = avx_std::sim::Sim::new(9);
    let (start, end) = sim
        .block_on(async {
            let start = Instant::now();
            time::sleep(Duration::from_secs(3600)).await;
            let mut interval = time::interval(Duration::from_secs(60));
            interval.tick().await;
            interval.tick().await;
            (start, Instant::now())
        })
        .unwrap();
    assert_eq!(end.duration_since(start), Duration::from_secs(3660));
    assert_eq!(sim.elapsed(), Duration::from_secs(3660));
}
