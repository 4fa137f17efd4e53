//! avx-core's executor in a freestanding x86_64 Linux program: no std, no libc, no C runtime.
//! Its own `_start`, allocator, panic handler and system calls; several tasks, a channel, a
//! `Mutex`, timers and a periodic interrupt; checks what they computed and exits 0.
#![no_std]
#![no_main]

extern crate alloc;

mod heap;
mod platform;
mod sys;

use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt::Write;
use core::future::pending;
use core::time::Duration;

use avx_core::executor::{self, Config};
use avx_core::oracle::FastRand;
use avx_core::sync::{mpsc, Mutex};
use avx_core::time::{Driver, Timers};
use platform::{FutexPark, Interrupts, MonotonicClock};

#[global_allocator]
static HEAP: heap::Heap = heap::Heap::new();

const PRODUCERS: u64 = 8;
const PER_PRODUCER: u64 = 1_000;
const INCREMENTERS: u64 = 8;
const INCREMENTS: u64 = 250;
const SLEEP: Duration = Duration::from_millis(15);
const INTERRUPTS: u32 = 5;

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    let _ = writeln!(sys::Fd(2), "freestanding: {info}");
    sys::exit(101)
}

/// What the tasks computed.
#[derive(Debug, Default, PartialEq)]
struct Report {
    sum: u64,
    counter: u64,
    slept_enough: bool,
    timed_out: bool,
    interrupts_seen: bool,
}

/// Entered from `_start` (see `sys`).
extern "C" fn start() -> ! {
    let timers = Timers::new(Driver::new(MonotonicClock, 1));
    let (exec, workers) = executor::build(Config::default(), timers.wrap(vec![FutexPark]), |_| FastRand::new(0x5eed));
    let report = Arc::new(spin::Mutex::new(None));
    let main_task = {
        let (spawner, time, report) = (exec.clone(), timers.handle(), report.clone());
        async move {
            let result = run(&spawner, time).await;
            *report.lock() = Some(result);
            spawner.shutdown();
        }
    };
    exec.spawn(main_task);
    platform::start_interrupts(Duration::from_millis(1));
    workers.into_iter().for_each(executor::Worker::run);
    let taken = platform::stop_interrupts();
    exec.shutdown_tasks();

    let expected_sum = (0..PRODUCERS * PER_PRODUCER).sum::<u64>();
    let expected = Report {
        sum: expected_sum,
        counter: INCREMENTERS * INCREMENTS,
        slept_enough: true,
        timed_out: true,
        interrupts_seen: true,
    };
    let got = report.lock().take();
    let mut out = sys::Fd(1);
    match got {
        Some(got) if got == expected => {
            let _ = writeln!(out, "freestanding: ok sum={} counter={} interrupts={taken}", got.sum, got.counter);
            sys::exit(0)
        }
        other => {
            let _ = writeln!(sys::Fd(2), "freestanding: FAILED: got {other:?}, expected {expected:?}");
            sys::exit(1)
        }
    }
}

async fn run(spawner: &executor::Handle<platform::FutexUnpark>, time: avx_core::time::Handle) -> Report {
    // A channel: producers send numbers, the consumer sums them.
    let (tx, mut rx) = mpsc::channel::<u64>(16);
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let tx = tx.clone();
            spawner.spawn(async move {
                for n in p * PER_PRODUCER..(p + 1) * PER_PRODUCER {
                    tx.send(n).await.expect("the consumer is alive");
                }
            })
        })
        .collect();
    drop(tx);
    let consumer = spawner.spawn(async move {
        let mut sum = 0;
        while let Some(n) = rx.recv().await {
            sum += n;
        }
        sum
    });

    // A Mutex held across a yield: without mutual exclusion increments would be lost.
    let counter = Arc::new(Mutex::new(0u64));
    let incrementers: Vec<_> = (0..INCREMENTERS)
        .map(|_| {
            let counter = counter.clone();
            spawner.spawn(async move {
                for _ in 0..INCREMENTS {
                    let mut guard = counter.lock().await;
                    let seen = *guard;
                    avx_core::task::yield_now().await;
                    *guard = seen + 1;
                }
            })
        })
        .collect();

    // Timers: a sleep never ends early; a timeout fires.
    let timer = spawner.spawn(async move {
        let start = time.now();
        time.sleep(SLEEP).await;
        let slept_enough = time.now().saturating_duration_since(start) >= SLEEP;
        let timed_out = time.timeout(Duration::from_millis(2), pending::<()>()).await.is_err();
        (slept_enough, timed_out)
    });

    // Interrupts: woken by the bottom half after the handler unparked the worker.
    let interrupts = spawner.spawn(Interrupts { count: INTERRUPTS });

    for task in producers.into_iter().chain(incrementers) {
        task.await.expect("task finished");
    }
    let sum = consumer.await.expect("consumer finished");
    let (slept_enough, timed_out) = timer.await.expect("timer task finished");
    let interrupts_seen = interrupts.await.expect("interrupt task finished") >= INTERRUPTS;
    let counter = *counter.lock().await;
    Report { sum, counter, slept_enough, timed_out, interrupts_seen }
}
