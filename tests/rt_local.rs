//! `!Send` tasks and task-local values: `LocalSet`, `spawn_local`, `LocalRuntime`,
//! `task_local!`, and `block_in_place` refusing to block a thread that runs them.

use avx_std::runtime::{Builder, LocalOptions, LocalRuntime, Runtime};
use avx_std::sync::oneshot;
use avx_std::task::{self, LocalSet};
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

fn current_thread() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn local_set_runs_non_send_tasks_on_the_driving_thread() {
    let rt = Builder::new_multi_thread().worker_threads(2).build().unwrap();
    let local = LocalSet::new();
    let here = std::thread::current().id();
    let counter = Rc::new(Cell::new(0));
    let seen = counter.clone();
    let out = local.block_on(&rt, async move {
        let nested = task::spawn_local(async move {
            assert_eq!(std::thread::current().id(), here);
            // spawn_local inside a local task goes to the same set
            task::spawn_local(async move { seen.set(seen.get() + 1) }).await.unwrap();
            7
        });
        nested.await.unwrap()
    });
    assert_eq!(out, 7);
    assert_eq!(counter.get(), 1);
}

#[test]
fn awaiting_a_local_set_runs_every_task_to_completion() {
    let rt = current_thread();
    let local = LocalSet::new();
    let done = Rc::new(Cell::new(0));
    for _ in 0..10 {
        let done = done.clone();
        local.spawn_local(async move {
            avx_std::time::sleep(Duration::from_millis(1)).await;
            task::yield_now().await;
            done.set(done.get() + 1);
        });
    }
    rt.block_on(local);
    assert_eq!(done.get(), 10);
}

#[test]
fn a_local_task_woken_from_another_thread_runs() {
    let rt = Builder::new_multi_thread().worker_threads(1).build().unwrap();
    let local = LocalSet::new();
    local.block_on(&rt, async {
        let (tx, rx) = oneshot::channel();
        let waiter = task::spawn_local(async move { rx.await.unwrap() + 1 });
        // A worker thread sends; the local task's waker is used there.
        task::spawn(async move { tx.send(41).unwrap() });
        assert_eq!(waiter.await.unwrap(), 42);
    });
}

#[test]
fn dropping_a_local_set_drops_its_futures_with_the_set_current() {
    struct SpawnsOnDrop(Rc<Cell<bool>>);
    impl Drop for SpawnsOnDrop {
        fn drop(&mut self) {
            // spawn_local finds the set being dropped (the task is cancelled at once).
            drop(task::spawn_local(async {}));
            self.0.set(true);
        }
    }
    let rt = current_thread();
    let dropped = Rc::new(Cell::new(false));
    let local = LocalSet::new();
    let guard = SpawnsOnDrop(dropped.clone());
    let handle = local.spawn_local(async move {
        let _guard = guard;
        std::future::pending::<()>().await
    });
    local.block_on(&rt, task::yield_now());
    drop(local);
    assert!(dropped.get());
    assert!(rt.block_on(handle).unwrap_err().is_cancelled());
}

#[test]
fn spawn_local_outside_a_local_set_names_the_fix() {
    let rt = current_thread();
    let panic = std::panic::catch_unwind(|| rt.block_on(async { drop(task::spawn_local(async {})) })).unwrap_err();
    assert!(panic_message(&*panic).contains("`spawn_local` called from outside of a `task::LocalSet`"));
}

#[test]
fn enter_makes_spawn_local_use_the_set_before_it_runs() {
    let local = LocalSet::new();
    let guard = local.enter();
    let handle = task::spawn_local(async { Rc::new(5) });
    drop(guard);
    let out = local.block_on(&current_thread(), handle).unwrap();
    assert_eq!(*out, 5);
}

#[test]
fn local_runtime_runs_local_tasks_and_refuses_other_threads() {
    let rt = Builder::new_current_thread().build_local(LocalOptions::default()).unwrap();
    let shared = Rc::new(Cell::new(0));
    let inner = shared.clone();
    rt.spawn_local(async move { inner.set(inner.get() + 1) });
    let value = rt.block_on(async {
        let rc = Rc::new(3);
        task::spawn_local(async move { *rc * 2 }).await.unwrap()
    });
    assert_eq!(value, 6);
    assert_eq!(shared.get(), 1);
    assert_eq!(rt.block_on(async { avx_std::runtime::worker_index() }), Some(0));

    let handle = rt.handle().clone();
    let from_elsewhere = std::thread::spawn(move || {
        let _enter = handle.enter();
        std::panic::catch_unwind(|| drop(task::spawn_local(async {}))).map_err(|p| panic_message(&*p))
    });
    let message = from_elsewhere.join().unwrap().unwrap_err();
    assert!(message.contains("from the thread the runtime was created on"), "{message}");
}

#[test]
fn main_attribute_with_local_flavor_builds_a_local_runtime() {
    #[avx_std::main(flavor = "local")]
    async fn local_main() -> usize {
        let rc = Rc::new(9);
        task::spawn_local(async move { *rc }).await.unwrap()
    }
    assert_eq!(local_main(), 9);
    let _ = LocalRuntime::new().unwrap();
}

#[test]
fn block_in_place_refuses_to_block_a_local_set_or_current_thread_runtime() {
    let rt = Builder::new_multi_thread().worker_threads(1).build().unwrap();
    let in_set = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        LocalSet::new().block_on(&rt, async { task::block_in_place(|| ()) })
    }));
    assert!(panic_message(&*in_set.unwrap_err()).contains("can call blocking only when running on the multi-threaded"));
    let ct = current_thread();
    let in_ct =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ct.block_on(async { task::block_in_place(|| ()) })));
    assert!(in_ct.is_err());
    // Outside any runtime it just runs the closure.
    assert_eq!(task::block_in_place(|| 3), 3);
}

avx_std::task_local! {
    static REQUEST: u32;
    pub static NAME: &'static str
}

#[test]
fn task_local_values_follow_their_future_across_polls_and_threads() {
    let rt = Builder::new_multi_thread().worker_threads(2).build().unwrap();
    rt.block_on(async {
        let a = avx_std::spawn(REQUEST.scope(1, async {
            avx_std::time::sleep(Duration::from_millis(2)).await;
            REQUEST.get()
        }));
        let b = avx_std::spawn(REQUEST.scope(2, async {
            task::yield_now().await;
            REQUEST.with(|value| *value) + NAME.scope("n", async { NAME.get().len() as u32 }).await
        }));
        assert_eq!(a.await.unwrap(), 1);
        assert_eq!(b.await.unwrap(), 3);
    });
    assert!(REQUEST.try_with(|_| ()).is_err());
    assert_eq!(REQUEST.sync_scope(4, || REQUEST.get()), 4);
}

#[test]
fn a_cancelled_task_drops_its_future_with_the_task_local_in_scope() {
    struct ReadsOnDrop(Option<oneshot::Sender<u32>>);
    impl Drop for ReadsOnDrop {
        fn drop(&mut self) {
            let _ = self.0.take().unwrap().send(REQUEST.get());
        }
    }
    let rt = current_thread();
    rt.block_on(async {
        let (tx, rx) = oneshot::channel();
        let guard = ReadsOnDrop(Some(tx));
        let handle = avx_std::spawn(REQUEST.scope(42, async move {
            let _guard = guard;
            std::future::pending::<()>().await
        }));
        task::yield_now().await;
        handle.abort();
        assert_eq!(rx.await.unwrap(), 42);
    });
}

#[test]
fn take_value_removes_the_task_local_for_later_polls() {
    let rt = current_thread();
    rt.block_on(async {
        let mut scoped = Box::pin(REQUEST.scope(5, async { REQUEST.try_get().is_err() }));
        assert_eq!(scoped.as_mut().take_value(), Some(5));
        assert_eq!(scoped.as_mut().take_value(), None);
        assert!(scoped.await);
    });
}
