//! `join!` and `try_join!`: polling order (rotating, or written order with `biased;`), the
//! empty forms, early return on error with the rest dropped, uninhabited outputs.

mod common;

use avx_core::{join, try_join};
use common::{block_on, Manual};
use std::convert::Infallible;
use std::future::{pending, ready};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// A future that records `id` each time it is polled and finishes on its third poll.
async fn three_polls(id: u8, order: Arc<Mutex<Vec<u8>>>) -> u8 {
    for _ in 0..2 {
        order.lock().unwrap().push(id);
        avx_core::task::yield_now().await;
    }
    order.lock().unwrap().push(id);
    id
}

#[test]
fn each_poll_starts_with_the_next_future() {
    let order = Arc::new(Mutex::new(Vec::new()));
    let out = block_on(async {
        join!(three_polls(1, order.clone()), three_polls(2, order.clone()), three_polls(3, order.clone()),)
    });
    assert_eq!(out, (1, 2, 3));
    assert_eq!(*order.lock().unwrap(), [1, 2, 3, 2, 3, 1, 3, 1, 2]);
}

#[test]
fn biased_polls_in_written_order_every_time() {
    let order = Arc::new(Mutex::new(Vec::new()));
    let out = block_on(async { join!(biased; three_polls(1, order.clone()), three_polls(2, order.clone())) });
    assert_eq!(out, (1, 2));
    assert_eq!(*order.lock().unwrap(), [1, 2, 1, 2, 1, 2]);
}

#[test]
fn try_join_rotates_too() {
    let order = Arc::new(Mutex::new(Vec::new()));
    let ok = |id| {
        let order = order.clone();
        async move { Ok::<u8, ()>(three_polls(id, order).await) }
    };
    assert_eq!(block_on(async { try_join!(ok(1), ok(2)) }), Ok((1, 2)));
    assert_eq!(*order.lock().unwrap(), [1, 2, 2, 1, 1, 2]);
}

#[test]
#[allow(clippy::unit_cmp)]
fn empty_forms() {
    assert_eq!(block_on(async { join!() }), ());
    assert_eq!(block_on(async { join!(biased;) }), ());
    assert_eq!(block_on(async { try_join!() as Result<(), ()> }), Ok(()));
    assert_eq!(block_on(async { try_join!(biased;) as Result<(), ()> }), Ok(()));
}

struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn try_join_returns_the_first_error_and_drops_the_rest() {
    let dropped = Arc::new(AtomicBool::new(false));
    let guard = SetOnDrop(dropped.clone());
    let (tx, rx) = avx_core::channel::oneshot::channel::<Result<u8, &str>>();
    let mut joined = Manual::new(async move {
        try_join!(
            async move {
                let _guard = guard;
                pending::<Result<u8, &str>>().await
            },
            async move { rx.await.unwrap() },
        )
    });
    joined.pending();
    assert!(!dropped.load(Ordering::SeqCst));
    tx.send(Err("failed")).unwrap();
    assert_eq!(joined.ready(), Err("failed"));
    assert!(dropped.load(Ordering::SeqCst), "the unfinished future is dropped with the join");
}

#[test]
fn into_future_values() {
    struct Two;
    impl std::future::IntoFuture for Two {
        type Output = u8;
        type IntoFuture = std::future::Ready<u8>;
        fn into_future(self) -> Self::IntoFuture {
            ready(2)
        }
    }
    assert_eq!(block_on(async { join!(Two, ready(3)) }), (2, 3));
}

// An uninhabited output or value type makes part of the expansion unreachable; the caller
// must not get `unreachable_code` for it (this file fails to build if it does).
#[deny(unreachable_code)]
#[test]
fn uninhabited_outputs_do_not_warn() {
    let mut joined = Manual::new(async { join!(pending::<Infallible>(), ready(1)) });
    joined.pending();
    let mut joined = Manual::new(async { join!(biased; ready(1), pending::<Infallible>()) });
    joined.pending();
    let failed = block_on(async { try_join!(ready(Err::<Infallible, u8>(1)), ready(Ok(2))) });
    assert_eq!(failed, Err(1));
    let fine = block_on(async { try_join!(ready(Ok::<u8, Infallible>(1))) });
    assert_eq!(fine, Ok((1,)));
}
