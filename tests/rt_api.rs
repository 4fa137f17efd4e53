//! The runtime's Tokio-shaped surface: identity and metrics, `worker_index`, park hooks,
//! enter guards, `block_in_place`, current-thread `block_on` semantics, shutdown edges,
//! the blocking pool under quick spawns (Tokio #8056), `JoinSet` extras and `coop`.

use avx_std::runtime::{self, Builder, Handle, Runtime, RuntimeFlavor};
use avx_std::sync::oneshot;
use avx_std::task::{self, JoinSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc};
use std::time::Duration;

fn current_thread() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

fn multi_thread(workers: usize) -> Runtime {
    Builder::new_multi_thread().worker_threads(workers).build().unwrap()
}

#[test]
fn handles_report_their_runtime_id_name_and_flavor() {
    let a = Builder::new_current_thread().name("first").build().unwrap();
    let b = multi_thread(2);
    assert_eq!(a.handle().id(), a.handle().clone().id());
    assert_ne!(a.handle().id(), b.handle().id());
    assert_eq!(a.handle().name(), Some("first"));
    assert_eq!(b.handle().name(), None);
    assert_eq!(a.handle().runtime_flavor(), RuntimeFlavor::CurrentThread);
    assert_eq!(b.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
    assert!(std::panic::catch_unwind(|| Builder::new_current_thread().name("  ").build()).is_err());
}

#[test]
fn metrics_count_workers_tasks_queue_depth_and_parks() {
    let rt = current_thread();
    let metrics = rt.metrics();
    assert_eq!(metrics.num_workers(), 1);
    let handle = rt.handle().clone();
    std::thread::spawn(move || drop(handle.spawn(async {}))).join().unwrap();
    assert_eq!(metrics.global_queue_depth(), 1, "spawned, not yet run");
    assert_eq!(metrics.num_alive_tasks(), 1);
    rt.block_on(async { avx_std::time::sleep(Duration::from_millis(1)).await });
    assert_eq!(metrics.num_alive_tasks(), 0);
    assert_eq!(metrics.global_queue_depth(), 0);
    drop(rt);
    assert!(metrics.worker_park_count(0) >= 1);
    assert_eq!(metrics.worker_park_unpark_count(0) % 2, 0, "not parked any more");
    assert!(metrics.worker_total_busy_duration(0) > Duration::ZERO);

    let rt = multi_thread(2);
    let metrics = rt.metrics();
    assert_eq!(metrics.num_workers(), 2);
    rt.block_on(rt.spawn(async {})).unwrap();
    // Idle workers park (how soon depends on the machine; give them ample time).
    let parked = |worker| metrics.worker_park_count(worker) >= 1;
    for _ in 0..10_000 {
        if parked(0) && parked(1) {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(parked(0) && parked(1));
    drop(rt);
    for worker in 0..2 {
        assert_eq!(metrics.worker_park_unpark_count(worker) % 2, 0, "woken for the shutdown");
    }
}

#[test]
fn worker_index_names_the_thread_that_runs_tasks() {
    assert_eq!(runtime::worker_index(), None);
    let ct = current_thread();
    assert_eq!(ct.block_on(async { runtime::worker_index() }), Some(0));
    assert_eq!(ct.handle().block_on(async { runtime::worker_index() }), None, "Handle::block_on runs no task");
    let mt = multi_thread(2);
    assert_eq!(mt.block_on(async { runtime::worker_index() }), None);
    let index = mt.block_on(mt.spawn(async { runtime::worker_index() })).unwrap();
    assert!(matches!(index, Some(0 | 1)));
    let blocking = mt.block_on(mt.spawn_blocking(runtime::worker_index)).unwrap();
    assert_eq!(blocking, None);
}

#[test]
fn on_thread_park_hook_runs_before_sleeping_and_can_wake_the_thread() {
    let notify = Arc::new(avx_std::sync::Notify::new());
    let (hook_notify, parks) = (notify.clone(), Arc::new(AtomicUsize::new(0)));
    let hook_parks = parks.clone();
    let unparks = Arc::new(AtomicUsize::new(0));
    let hook_unparks = unparks.clone();
    let rt = Builder::new_current_thread()
        .on_thread_park(move || {
            if hook_parks.fetch_add(1, SeqCst) == 0 {
                hook_notify.notify_one();
            }
        })
        .on_thread_unpark(move || {
            hook_unparks.fetch_add(1, SeqCst);
        })
        .build()
        .unwrap();
    rt.block_on(notify.notified()); // only the hook notifies: a hang here means it never ran
    assert!(parks.load(SeqCst) >= 1);
    assert_eq!(unparks.load(SeqCst), parks.load(SeqCst));
}

#[test]
fn enter_guards_dropped_out_of_order_panic_and_leave_the_thread_usable() {
    let (a, b) = (current_thread(), current_thread());
    let out_of_order = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let first = a.enter();
        let second = b.enter();
        drop(first);
        drop(second);
    }));
    assert!(out_of_order.is_err());
    let c = current_thread();
    let _enter = c.enter();
    assert_eq!(Handle::current().id(), c.handle().id());
}

#[test]
fn a_runtime_can_shut_down_while_its_enter_guard_lives() {
    let rt = current_thread();
    let _enter = rt.enter();
    rt.shutdown_timeout(Duration::from_secs(1));
    // The handle stays current: spawning reports cancellation instead of panicking.
    let late = avx_std::spawn(async { 1 });
    assert!(Handle::current().block_on(late).unwrap_err().is_cancelled());
}

#[test]
fn block_in_place_hands_the_worker_on_so_other_tasks_keep_running() {
    let rt = multi_thread(1);
    let (tx, rx) = mpsc::channel::<u32>();
    let result = rt.block_on(async move {
        let blocked = avx_std::spawn(async move {
            // The only worker blocks here; the sender below must still get to run.
            task::block_in_place(move || rx.recv_timeout(Duration::from_secs(20)).ok())
        });
        task::yield_now().await;
        avx_std::spawn(async move { tx.send(7).unwrap() });
        blocked.await.unwrap()
    });
    assert_eq!(result, Some(7));
}

#[test]
fn block_on_is_allowed_inside_block_in_place() {
    let rt = multi_thread(1);
    let value = rt.block_on(rt.spawn(async {
        let id = task::id();
        let inner = task::block_in_place(|| Handle::current().block_on(async { 5 }));
        assert_eq!(task::id(), id, "the task is the same after block_in_place");
        inner
    }));
    assert_eq!(value.unwrap(), 5);
}

#[test]
fn shutdown_cancels_the_task_a_block_in_place_closure_waits_for() {
    let rt = multi_thread(2);
    let (tx, rx) = mpsc::channel::<()>();
    rt.block_on(async move {
        avx_std::spawn(async move { task::block_in_place(move || rx.recv().ok()) });
        // Holds the sender until cancelled by the shutdown.
        avx_std::spawn(async move {
            let _tx = tx;
            std::future::pending::<()>().await
        });
        task::yield_now().await;
    });
    drop(rt); // hung before: it waited for the blocked thread before cancelling the tasks
}

#[test]
fn current_thread_runs_its_tasks_in_whichever_runtime_block_on_holds_it() {
    let rt = Arc::new(current_thread());
    let (entered_tx, entered_rx) = mpsc::channel();
    let (release_tx, release_rx) = oneshot::channel::<()>();
    let owner_rt = rt.clone();
    let owner = std::thread::spawn(move || {
        owner_rt.block_on(async move {
            entered_tx.send(()).unwrap();
            release_rx.await.unwrap();
            runtime::worker_index()
        })
    });
    entered_rx.recv().unwrap();
    // While the owner holds the core, this block_on only polls its own future; the task
    // it awaits runs on the owner's thread.
    let task = rt.spawn(async { std::thread::current().id() });
    let ran_on = rt.block_on(async move {
        let ran_on = task.await.unwrap();
        release_tx.send(()).unwrap();
        ran_on
    });
    assert_eq!(owner.join().unwrap(), Some(0));
    assert_ne!(ran_on, std::thread::current().id());
}

#[test]
fn futures_are_dropped_with_the_runtime_current_at_shutdown() {
    static SAW_RUNTIME: AtomicBool = AtomicBool::new(false);
    struct ChecksOnDrop;
    impl Drop for ChecksOnDrop {
        fn drop(&mut self) {
            SAW_RUNTIME.store(Handle::try_current().is_ok(), SeqCst);
        }
    }
    let rt = multi_thread(1);
    let guard = ChecksOnDrop;
    rt.spawn(async move {
        let _guard = guard;
        std::future::pending::<()>().await
    });
    drop(rt);
    assert!(SAW_RUNTIME.load(SeqCst));
}

#[test]
fn a_future_whose_poll_panics_is_dropped_during_the_unwind() {
    struct Boom(Option<oneshot::Sender<bool>>);
    impl std::future::Future for Boom {
        type Output = ();
        fn poll(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<()> {
            panic!("boom")
        }
    }
    impl Drop for Boom {
        fn drop(&mut self) {
            let _ = self.0.take().unwrap().send(std::thread::panicking());
        }
    }
    let rt = current_thread();
    let (tx, rx) = oneshot::channel();
    let handle = rt.spawn(Boom(Some(tx)));
    assert!(rt.block_on(handle).unwrap_err().is_panic());
    assert!(rt.block_on(rx).unwrap(), "dropped while the panic unwound");
}

#[test]
fn is_rt_shutdown_err_recognises_only_the_shutdown_error() {
    let gone = current_thread();
    let listener = gone.block_on(avx_std::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    drop(gone);
    let error = current_thread().block_on(listener.accept()).unwrap_err();
    assert!(runtime::is_rt_shutdown_err(&error), "{error}");
    assert!(!runtime::is_rt_shutdown_err(&std::io::Error::other(error.to_string())));
    let rt = current_thread();
    let cancelled = rt.spawn(std::future::pending::<()>());
    cancelled.abort();
    let join_error: std::io::Error = rt.block_on(cancelled).unwrap_err().into();
    assert!(!runtime::is_rt_shutdown_err(&join_error));
}

#[test]
fn two_quick_spawn_blocking_calls_never_share_one_idle_thread() {
    // Tokio #8056: both pushes counted on the same idle thread; the first closure then
    // blocked it waiting for the second, which never ran.
    for _ in 0..64 {
        let rt = current_thread();
        let finished = rt.block_on(async {
            task::spawn_blocking(|| ()).await.unwrap(); // leaves one thread idle
            let (tx, rx) = mpsc::channel::<()>();
            let first = task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(10)).is_ok());
            let second = task::spawn_blocking(move || tx.send(()).unwrap());
            second.await.unwrap();
            first.await.unwrap()
        });
        assert!(finished, "the second closure did not run while the first waited for it");
    }
}

#[test]
fn join_set_try_join_next_collect_and_local_tasks() {
    let rt = current_thread();
    rt.block_on(async {
        let mut set: JoinSet<u32> = (0..4).map(|i| async move { i }).collect();
        assert!(set.try_join_next().is_none(), "nothing ran yet");
        set.extend([async { 10 }]);
        task::yield_now().await;
        let mut sum = 0;
        while let Some(result) = set.try_join_next() {
            sum += result.unwrap();
        }
        assert_eq!(sum, 16);
        assert!(set.is_empty());
    });
    let local = task::LocalSet::new();
    let mut set = JoinSet::new();
    let rc = std::rc::Rc::new(3);
    set.spawn_local_on(async move { *rc }, &local);
    let joined = local.block_on(&rt, async move { set.join_next().await.unwrap().unwrap() });
    assert_eq!(joined, 3);
}

#[test]
fn draining_a_large_join_set_yields_when_the_budget_is_spent() {
    let rt = current_thread();
    rt.block_on(async {
        let mut set = JoinSet::new();
        for _ in 0..300 {
            set.spawn(async {});
        }
        while !set.is_empty() && set.try_join_next().is_none() {
            task::yield_now().await;
        }
        let mut pending_polls = 0;
        while !set.is_empty() {
            use std::future::Future;
            let polled =
                std::pin::pin!(set.join_next()).poll(&mut std::task::Context::from_waker(std::task::Waker::noop()));
            if polled.is_pending() {
                pending_polls += 1;
                task::yield_now().await;
            }
        }
        assert!(pending_polls >= 1, "join_next never yielded for budget");
    });
}

#[test]
fn consume_budget_runs_out_and_unconstrained_lifts_the_limit() {
    let rt = current_thread();
    rt.block_on(async {
        task::yield_now().await; // a fresh poll, with a full budget
        assert!(task::coop::has_budget_remaining());
        for _ in 0..128 {
            task::consume_budget().await;
        }
        assert!(!task::coop::has_budget_remaining());
    });
    rt.block_on(task::unconstrained(async {
        for _ in 0..1000 {
            task::consume_budget().await;
        }
        assert!(task::coop::has_budget_remaining());
    }));
}

#[test]
fn on_a_current_thread_runtime_a_yielding_task_runs_once_per_turn() {
    // The main future spends 1,000 units; it yields at units 129, 257, ..., 897 (7 times),
    // and the yielding task runs once each time, not again within the same turn.
    let rt = current_thread();
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = runs.clone();
    rt.block_on(async move {
        task::yield_now().await;
        avx_std::spawn(async move {
            loop {
                counter.fetch_add(1, SeqCst);
                task::yield_now().await;
            }
        });
        for _ in 0..1000 {
            task::consume_budget().await;
        }
    });
    assert_eq!(runs.load(SeqCst), 7);
}

#[test]
fn tokio_shaped_types_have_tokio_auto_traits() {
    fn send_sync<T: Send + Sync>() {}
    fn sync<T: Sync>() {}
    fn unwind_safe<T: std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
    send_sync::<task::JoinHandle<std::cell::Cell<u8>>>(); // Send output: shareable handle
    send_sync::<JoinSet<std::cell::Cell<u8>>>();
    sync::<runtime::EnterGuard<'static>>(); // (and !Send, as Tokio's)
    send_sync::<Runtime>();
    unwind_safe::<task::JoinHandle<()>>();
    unwind_safe::<Handle>();
    unwind_safe::<Runtime>();
}
