//! Integration tests of the multi-threaded runtime: spawning at scale and from everywhere,
//! cancellation, panics, stale wakers, shutdown, and misuse that must fail loudly.

use avx_std::task::{self, JoinSet};
use avx_std::{Handle, Runtime};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context, Poll, Waker};

fn runtime(workers: usize) -> Runtime {
    Runtime::builder().worker_threads(workers).build().expect("runtime builds")
}

/// A future that stays pending until `release` is called, recording its waker.
#[derive(Clone, Default)]
struct Gate(Arc<Mutex<(bool, Option<Waker>)>>);

impl Gate {
    fn release(&self) {
        let waker = {
            let mut state = self.0.lock().unwrap();
            state.0 = true;
            state.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn wait(&self) -> impl Future<Output = ()> + Send + 'static {
        let gate = self.clone();
        std::future::poll_fn(move |cx| {
            let mut state = gate.0.lock().unwrap();
            if state.0 {
                Poll::Ready(())
            } else {
                state.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        })
    }
}

#[test]
fn one_million_tiny_tasks_sum_correctly() {
    let rt = runtime(2);
    let total: u64 = rt.block_on(async {
        let mut handles = Vec::with_capacity(1_000_000);
        for i in 0..1_000_000u64 {
            handles.push(avx_std::spawn(async move { i }));
        }
        let mut sum = 0;
        for handle in handles {
            sum += handle.await.expect("task completes");
        }
        sum
    });
    assert_eq!(total, 999_999 * 1_000_000 / 2);
}

#[test]
fn spawn_from_tasks_foreign_threads_and_blocking_pool() {
    let rt = runtime(2);
    // From inside a task, several levels deep.
    let nested = rt.block_on(async {
        avx_std::spawn(async {
            avx_std::spawn(async { avx_std::spawn(async { 7 }).await.unwrap() * 2 }).await.unwrap()
        })
        .await
        .unwrap()
    });
    assert_eq!(nested, 14);

    // From a thread that knows nothing of the runtime but its Handle.
    let handle = rt.handle().clone();
    let (tx, rx) = mpsc::channel();
    let foreign = std::thread::spawn(move || {
        assert!(Handle::try_current().is_err());
        let join = handle.spawn(async { 40 + 2 });
        tx.send(join).unwrap();
    });
    foreign.join().unwrap();
    let join = rx.recv().unwrap();
    assert_eq!(rt.block_on(join).unwrap(), 42);

    // From a blocking-pool closure.
    let from_blocking =
        rt.block_on(async { task::spawn_blocking(|| avx_std::spawn(async { "inner" })).await.unwrap().await.unwrap() });
    assert_eq!(from_blocking, "inner");
}

#[test]
fn abort_before_the_first_poll() {
    // One worker kept busy so the aborted task cannot have started.
    let rt = runtime(1);
    let polled = Arc::new(AtomicUsize::new(0));
    let result = rt.block_on({
        let polled = polled.clone();
        async move {
            let (started_tx, started_rx) = mpsc::channel();
            let (go_tx, go_rx) = mpsc::channel::<()>();
            let blocker = avx_std::spawn(async move {
                started_tx.send(()).unwrap();
                go_rx.recv().unwrap(); // hold the only worker
            });
            started_rx.recv().unwrap();
            let victim = avx_std::spawn(async move {
                polled.fetch_add(1, SeqCst);
            });
            victim.abort();
            go_tx.send(()).unwrap();
            blocker.await.unwrap();
            victim.await
        }
    });
    let error = result.expect_err("aborted before it ran");
    assert!(error.is_cancelled());
    assert_eq!(polled.load(SeqCst), 0);
}

#[test]
fn abort_while_pending_drops_the_future() {
    struct SetOnDrop(Arc<AtomicUsize>);
    impl Drop for SetOnDrop {
        fn drop(&mut self) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    let rt = runtime(2);
    let drops = Arc::new(AtomicUsize::new(0));
    let gate = Gate::default();
    let result = rt.block_on({
        let drops = drops.clone();
        let wait = gate.wait();
        async move {
            let (started_tx, started_rx) = avx_std_oneshot();
            let task = avx_std::spawn(async move {
                let _guard = SetOnDrop(drops);
                started_tx.release();
                wait.await;
            });
            started_rx.await;
            task.abort();
            task.await
        }
    });
    assert!(result.unwrap_err().is_cancelled());
    assert_eq!(drops.load(SeqCst), 1);
    gate.release(); // a stale waker after cancellation is harmless
}

/// A one-shot signal built from `Gate`, so these tests need no channel implementation.
fn avx_std_oneshot() -> (Gate, impl Future<Output = ()> + Send + 'static) {
    let gate = Gate::default();
    let wait = gate.wait();
    (gate, wait)
}

#[test]
fn a_panicking_task_is_an_error_and_others_carry_on() {
    let rt = runtime(2);
    let (panicked, others) = rt.block_on(async {
        let bad = avx_std::spawn(async { panic!("boom in a task") });
        let good: Vec<_> = (0..100).map(|i| avx_std::spawn(async move { i * 2 })).collect();
        let panicked = bad.await.unwrap_err();
        let mut sum = 0;
        for task in good {
            sum += task.await.unwrap();
        }
        (panicked, sum)
    });
    assert!(panicked.is_panic());
    assert!(panicked.to_string().contains("boom in a task"), "{panicked}");
    assert_eq!(*panicked.into_panic().downcast::<&str>().unwrap(), "boom in a task");
    assert_eq!(others, 9900);
    // The workers survived: the runtime still runs tasks.
    assert_eq!(rt.block_on(rt.spawn(async { 5 })).unwrap(), 5);
}

#[test]
fn waker_used_after_its_task_completed_is_harmless() {
    let rt = runtime(2);
    let stash: Arc<Mutex<Option<Waker>>> = Arc::default();
    let value = rt.block_on({
        let stash = stash.clone();
        rt.spawn(async move {
            std::future::poll_fn(|cx| {
                *stash.lock().unwrap() = Some(cx.waker().clone());
                Poll::Ready(11)
            })
            .await
        })
    });
    assert_eq!(value.unwrap(), 11);
    let waker = stash.lock().unwrap().take().unwrap();
    waker.wake_by_ref();
    let clone = waker.clone();
    waker.wake();
    drop(rt);
    clone.wake(); // even after the runtime is gone
}

#[test]
fn dropping_the_runtime_drops_each_pending_future_exactly_once() {
    struct CountDrop(Arc<AtomicUsize>);
    impl Drop for CountDrop {
        fn drop(&mut self) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let rt = runtime(2);
    let gate = Gate::default();
    let mut handles = Vec::new();
    for _ in 0..1000 {
        let guard = CountDrop(drops.clone());
        let wait = gate.wait();
        handles.push(rt.spawn(async move {
            let _guard = guard;
            wait.await;
        }));
    }
    // Some never-polled tasks too, spawned from outside and possibly still queued.
    for _ in 0..1000 {
        let guard = CountDrop(drops.clone());
        handles.push(rt.spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        }));
    }
    drop(rt);
    assert_eq!(drops.load(SeqCst), 2000);
    for handle in handles {
        assert!(handle.is_finished());
    }
    gate.release();
}

#[test]
fn join_handle_after_shutdown_reports_cancelled() {
    let rt = runtime(1);
    let handle = rt.spawn(std::future::pending::<()>());
    let pending_drop = rt.handle().clone();
    drop(rt);
    let late = pending_drop.spawn(async { 1 });
    let rt2 = Runtime::builder().current_thread().build().unwrap();
    assert!(rt2.block_on(handle).unwrap_err().is_cancelled());
    assert!(rt2.block_on(late).unwrap_err().is_cancelled());
}

#[test]
#[should_panic(expected = "already driving an avx runtime")]
fn block_on_inside_block_on_panics_clearly() {
    let rt = runtime(1);
    let rt2 = runtime(1);
    rt.block_on(async { rt2.block_on(async {}) });
}

#[test]
fn block_on_inside_a_task_is_an_error_not_a_hang() {
    let rt = Arc::new(runtime(2));
    let inner = rt.clone();
    let result = rt.block_on(rt.spawn(async move { inner.block_on(async { 1 }) }));
    let error = result.unwrap_err();
    assert!(error.is_panic());
    assert!(error.to_string().contains("already driving an avx runtime"), "{error}");
}

#[test]
#[should_panic(expected = "there is no avx runtime on this thread")]
fn spawn_outside_a_runtime_names_the_fix() {
    drop(avx_std::spawn(async {}));
}

#[test]
fn current_thread_runtime_runs_tasks_inside_block_on() {
    let rt = Runtime::builder().current_thread().build().unwrap();
    let main_thread = std::thread::current().id();
    let (sum, same_thread) = rt.block_on(async move {
        let handles: Vec<_> =
            (0..1000u64).map(|i| avx_std::spawn(async move { (i, std::thread::current().id()) })).collect();
        let mut sum = 0;
        let mut same = true;
        for h in handles {
            let (i, id) = h.await.unwrap();
            sum += i;
            same &= id == main_thread;
        }
        (sum, same)
    });
    assert_eq!(sum, 999 * 1000 / 2);
    assert!(same_thread);
}

#[test]
fn yield_now_lets_other_tasks_run() {
    let rt = runtime(1);
    let order = rt.block_on(async {
        let log = Arc::new(Mutex::new(Vec::new()));
        let a = {
            let log = log.clone();
            avx_std::spawn(async move {
                for i in 0..3 {
                    log.lock().unwrap().push(("a", i));
                    task::yield_now().await;
                }
            })
        };
        let b = {
            let log = log.clone();
            avx_std::spawn(async move {
                for i in 0..3 {
                    log.lock().unwrap().push(("b", i));
                    task::yield_now().await;
                }
            })
        };
        a.await.unwrap();
        b.await.unwrap();
        Arc::try_unwrap(log).unwrap().into_inner().unwrap()
    });
    // Interleaved: neither task ran all its steps before the other started.
    let first_b = order.iter().position(|&(name, _)| name == "b").unwrap();
    let last_a = order.iter().rposition(|&(name, _)| name == "a").unwrap();
    assert!(first_b < last_a, "{order:?}");
}

#[test]
fn join_set_returns_every_result_and_aborts_on_drop() {
    let rt = runtime(2);
    let gate = Gate::default();
    let (results, aborted) = rt.block_on({
        let gate = gate.clone();
        async move {
            let mut set = JoinSet::new();
            for i in 0..100u32 {
                set.spawn(async move { i });
            }
            let mut results = Vec::new();
            while let Some(result) = set.join_next().await {
                results.push(result.unwrap());
            }
            let mut pending = JoinSet::new();
            let abort = pending.spawn(gate.wait());
            drop(pending);
            let mut waited = 0;
            while !abort.is_finished() && waited < 10_000 {
                task::yield_now().await;
                waited += 1;
            }
            (results, abort.is_finished())
        }
    });
    let mut sorted = results.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..100).collect::<Vec<_>>());
    assert!(aborted);
}

#[test]
fn on_thread_start_and_stop_hooks_run_per_worker() {
    let starts = Arc::new(AtomicUsize::new(0));
    let stops = Arc::new(AtomicUsize::new(0));
    let rt = {
        let (starts, stops) = (starts.clone(), stops.clone());
        Runtime::builder()
            .worker_threads(3)
            .thread_name("hooked")
            .on_thread_start(move || {
                starts.fetch_add(1, SeqCst);
            })
            .on_thread_stop(move || {
                stops.fetch_add(1, SeqCst);
            })
            .build()
            .unwrap()
    };
    let name = rt.block_on(rt.spawn(async { std::thread::current().name().map(str::to_owned) })).unwrap();
    assert_eq!(name.as_deref(), Some("hooked"));
    drop(rt);
    assert_eq!(starts.load(SeqCst), 3);
    assert_eq!(stops.load(SeqCst), 3);
}

#[test]
fn shutdown_timeout_returns_despite_a_stuck_blocking_closure() {
    let rt = runtime(1);
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let (started_tx, started_rx) = mpsc::channel::<()>();
    let stuck = rt.spawn_blocking(move || {
        started_tx.send(()).unwrap();
        release_rx.recv().is_ok()
    });
    started_rx.recv().unwrap();
    rt.shutdown_timeout(std::time::Duration::from_millis(50));
    release_tx.send(()).unwrap();
    let rt2 = Runtime::builder().current_thread().build().unwrap();
    assert!(rt2.block_on(stuck).unwrap());
}

#[test]
fn run_is_a_one_liner() {
    assert_eq!(avx_std::run(async { avx_std::spawn(async { 3 }).await.unwrap() }), 3);
}

#[test]
fn a_pending_join_handle_wakes_its_awaiter_from_another_worker() {
    // Exercises the join-waker path across threads many times.
    let rt = runtime(2);
    let total = rt.block_on(async {
        let mut sum = 0u64;
        for i in 0..2000u64 {
            let inner = avx_std::spawn(async move {
                task::yield_now().await;
                i
            });
            sum += avx_std::spawn(async move { inner.await.unwrap() }).await.unwrap();
        }
        sum
    });
    assert_eq!(total, 1999 * 2000 / 2);
}

// Keep `Pin`/`Context` imports honest: a hand-written future awaited across workers.
struct Countdown(u32);
impl Future for Countdown {
    type Output = &'static str;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<&'static str> {
        if self.0 == 0 {
            return Poll::Ready("done");
        }
        self.0 -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[test]
fn self_waking_future_completes() {
    let rt = runtime(2);
    assert_eq!(rt.block_on(rt.spawn(Countdown(10_000))).unwrap(), "done");
}

#[test]
fn a_task_draining_a_busy_channel_still_lets_others_run() {
    // One worker and a channel that never runs dry before the receiver is done: without the
    // cooperative budget the receiver would take every value before the other task runs.
    const VALUES: u64 = 100_000;
    let rt = runtime(1);
    let received = rt.block_on(rt.spawn(async {
        let (tx, mut rx) = avx_std::sync::mpsc::unbounded_channel::<u64>();
        for _ in 0..VALUES {
            tx.send(1).unwrap();
        }
        drop(tx);
        let other = avx_std::spawn(async {});
        let mut received = 0;
        while !other.is_finished() {
            match rx.recv().await {
                Some(value) => received += value,
                None => break,
            }
        }
        received
    }));
    let received = received.unwrap();
    assert!(received < VALUES, "the receiver drained all {received} values before another task ran");
}

#[test]
fn bursts_that_overflow_local_queues_lose_no_task() {
    // Spawning 10,000 tasks from inside a task overflows the local queue into the global
    // queue while the other worker steals and pulls batches: every task must run once.
    let rt = runtime(2);
    for _ in 0..30 {
        let ran = Arc::new(AtomicUsize::new(0));
        let total = rt.block_on({
            let ran = ran.clone();
            rt.spawn(async move {
                let tasks: Vec<_> = (0..10_000)
                    .map(|_| {
                        let ran = ran.clone();
                        avx_std::spawn(async move {
                            ran.fetch_add(1, SeqCst);
                        })
                    })
                    .collect();
                let mut total = 0;
                for task in tasks {
                    task.await.unwrap();
                    total += 1;
                }
                total
            })
        });
        assert_eq!(total.unwrap(), 10_000);
        assert_eq!(ran.load(SeqCst), 10_000);
    }
}
