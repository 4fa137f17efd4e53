//! Task lifecycle edges: a `JoinHandle` whose output panics when dropped, and the current
//! task id (`task::try_id`) while a task's future and output are polled and dropped.

use avx_core::task::{self, spawn_unowned, Id, JoinHandle, Runnable};
use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc;
use std::sync::Arc;
use std::task::{Context, Poll};

struct PanicsOnDrop;

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        panic!("the output's Drop panics");
    }
}

/// A task run by hand; the schedule closure holds `alive`, so the task's allocation is
/// freed exactly when `alive`'s count drops back.
fn spawn_by_hand<F>(future: F, alive: &Arc<()>) -> (Runnable, JoinHandle<F::Output>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let alive = alive.clone();
    spawn_unowned(future, move |runnable| {
        let _ = &alive;
        drop(runnable);
    })
}

#[test]
fn dropping_a_join_handle_whose_output_panics_on_drop_neither_unwinds_nor_leaks() {
    let alive = Arc::new(());
    let (runnable, handle) = spawn_by_hand(async { PanicsOnDrop }, &alive);
    runnable.run();
    assert!(handle.is_finished());
    // The regression: this drop unwound, skipping the release of the handle's reference.
    let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(handle)));
    assert!(dropped.is_ok(), "the output's panic escaped JoinHandle::drop");
    assert_eq!(Arc::strong_count(&alive), 1, "the task allocation was leaked");
}

#[test]
fn a_detached_task_whose_output_panics_on_drop_is_freed() {
    let alive = Arc::new(());
    let (runnable, handle) = spawn_by_hand(async { PanicsOnDrop }, &alive);
    drop(handle);
    runnable.run();
    assert_eq!(Arc::strong_count(&alive), 1);
}

#[test]
fn try_id_is_none_outside_a_task() {
    assert_eq!(task::try_id(), None);
}

struct SendsIdOnDrop(Option<mpsc::Sender<Option<Id>>>);

impl Drop for SendsIdOnDrop {
    fn drop(&mut self) {
        let _ = self.0.take().unwrap().send(task::try_id());
    }
}

/// Pending forever; reports the current id when polled and when dropped.
struct Probe {
    polled: mpsc::Sender<Option<Id>>,
    _on_drop: SendsIdOnDrop,
}

impl Future for Probe {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        let _ = self.polled.send(task::try_id());
        Poll::Pending
    }
}

#[test]
fn the_task_id_is_current_while_its_future_is_polled_and_dropped() {
    let alive = Arc::new(());
    let (polled_tx, polled) = mpsc::channel();
    let (dropped_tx, dropped) = mpsc::channel();
    let probe = Probe { polled: polled_tx, _on_drop: SendsIdOnDrop(Some(dropped_tx)) };
    let (runnable, handle) = spawn_by_hand(probe, &alive);
    let id = handle.id();
    runnable.run();
    assert_eq!(polled.recv().unwrap(), Some(id));
    assert_eq!(task::try_id(), None, "restored after the poll");
    handle.abort(); // schedules it; our schedule closure drops the Runnable, which cancels it
    assert_eq!(dropped.recv().unwrap(), Some(id));
    assert_eq!(task::try_id(), None);
}

#[test]
fn the_task_id_is_current_while_a_join_handle_drops_the_output() {
    let alive = Arc::new(());
    let (tx, rx) = mpsc::channel();
    let (runnable, handle) = spawn_by_hand(async move { SendsIdOnDrop(Some(tx)) }, &alive);
    let id = handle.id();
    runnable.run();
    assert!(rx.try_recv().is_err(), "the output lives until the handle drops it");
    drop(handle);
    assert_eq!(rx.recv().unwrap(), Some(id));
}
