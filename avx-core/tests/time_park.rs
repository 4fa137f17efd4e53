//! `Timers` + `TimerPark` give any `Park` timers: sleeps on a multi-worker executor complete
//! and never early, an earlier timer armed from outside wakes the sleeping watcher, and
//! virtual time jumps to the next timer when the (single) worker is idle.

use avx_core::executor::{self, Config};
use avx_core::oracle::FastRand;
use avx_core::time::{Driver, Idle, PausableClock, Timers, VirtualTime};
use avx_core::{Clock, Ticks};
use common::{CondvarPark, CondvarUnpark};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

mod common;

/// Nanoseconds since the clock was made, from `std::time::Instant`.
#[derive(Clone)]
struct WallClock(Instant);

impl Clock for WallClock {
    fn now(&self) -> Ticks {
        Ticks(u64::try_from(self.0.elapsed().as_nanos()).unwrap_or(u64::MAX))
    }
}

fn parks(n: usize) -> Vec<CondvarPark> {
    (0..n).map(|_| CondvarPark::default()).collect()
}

type Exec = executor::Handle<CondvarUnpark>;

/// Starts an executor of `workers` timer-driving parks on `clock`, one thread per worker.
fn start(
    clock: impl Clock,
    workers: usize,
    set_up: impl FnOnce(&Timers<CondvarUnpark>),
) -> (Arc<Timers<CondvarUnpark>>, Exec, Vec<std::thread::JoinHandle<()>>) {
    let timers = Timers::new(Driver::new(clock, workers));
    set_up(&timers);
    let (exec, workers) =
        executor::build(Config::default(), timers.wrap(parks(workers)), |i| FastRand::new(i as u64 + 1));
    let threads = workers.into_iter().map(|w| std::thread::spawn(move || w.run())).collect();
    (timers, exec, threads)
}

fn stop(exec: Exec, threads: Vec<std::thread::JoinHandle<()>>) {
    exec.shutdown();
    threads.into_iter().for_each(|t| t.join().unwrap());
    exec.shutdown_tasks();
}

#[test]
fn sleeps_on_a_multi_worker_executor_complete_and_never_early() {
    let clock = WallClock(Instant::now());
    let (timers, exec, threads) = start(clock.clone(), 3, |_| {});
    let sleepers: Vec<_> = (0..40u64)
        .map(|i| {
            let (time, clock) = (timers.handle(), clock.clone());
            exec.spawn(async move {
                let want = Duration::from_millis(i % 13);
                let start = clock.now();
                time.sleep(want).await;
                clock.now().saturating_duration_since(start) >= want
            })
        })
        .collect();
    let on_time = sleepers.into_iter().map(|s| common::block_on(s).unwrap()).filter(|&ok| ok).count();
    assert_eq!(on_time, 40, "every sleep completes, none before its duration");
    stop(exec, threads);
}

struct SendOnWake(Mutex<mpsc::Sender<()>>);

impl Wake for SendOnWake {
    fn wake(self: Arc<Self>) {
        let _ = self.0.lock().unwrap().send(());
    }
}

#[test]
fn an_earlier_timer_armed_outside_the_executor_wakes_the_sleeping_watcher() {
    let (timers, exec, threads) = start(WallClock(Instant::now()), 1, |_| {});
    let long_done = Arc::new(AtomicBool::new(false));
    let flag = long_done.clone();
    let time = timers.handle();
    // The only worker now sleeps with this hour-long deadline as its park timeout.
    let long = exec.spawn(async move {
        time.sleep(Duration::from_secs(3600)).await;
        flag.store(true, SeqCst);
    });
    std::thread::sleep(Duration::from_millis(50));
    let (tx, rx) = mpsc::channel();
    let waker = Waker::from(Arc::new(SendOnWake(Mutex::new(tx))));
    let mut short = Box::pin(timers.handle().sleep(Duration::from_millis(10)));
    assert_eq!(short.as_mut().poll(&mut Context::from_waker(&waker)), Poll::Pending);
    // A lost early unpark would leave the worker asleep for the hour (the bound only keeps
    // a failing run from hanging).
    rx.recv_timeout(Duration::from_secs(30)).expect("the worker fired the outside timer");
    assert!(short.as_mut().poll(&mut Context::from_waker(&waker)).is_ready());
    assert!(!long_done.load(SeqCst) && !long.is_finished(), "the hour-long sleep is still pending");
    stop(exec, threads);
}

/// Jumps a paused clock to the next timer whenever the worker is idle.
struct JumpToNextTimer(PausableClock<WallClock>);

impl VirtualTime for JumpToNextTimer {
    fn is_paused(&self) -> bool {
        self.0.is_paused()
    }

    fn on_idle(&self, next_timer: Option<Ticks>) -> Idle {
        // These parks do not record unparks, so with no timer to jump to this cannot tell
        // whether the poll before consumed one: `Woken` (poll again) never loses it.
        match next_timer.and_then(|next| self.0.advance_to(next)) {
            Some(_) => Idle::Advanced,
            None => Idle::Woken,
        }
    }
}

#[test]
fn an_idle_worker_jumps_a_paused_clock_to_the_next_timer() {
    let clock = PausableClock::new(WallClock(Instant::now()));
    clock.pause();
    let start_at = clock.now();
    let virtual_time = JumpToNextTimer(clock.clone());
    let (timers, exec, threads) = start(clock.clone(), 1, move |timers| timers.set_virtual_time(virtual_time));
    let time = timers.handle();
    let slept = exec.spawn(async move {
        time.sleep(Duration::from_secs(3600)).await;
        time.sleep(Duration::from_secs(60)).await;
    });
    common::block_on(slept).unwrap();
    let elapsed = clock.now().saturating_duration_since(start_at);
    assert!(elapsed >= Duration::from_secs(3660), "virtual time advanced {elapsed:?}");
    assert!(clock.is_paused());
    stop(exec, threads);
}
