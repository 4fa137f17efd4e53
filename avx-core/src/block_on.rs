//! Driving one future to completion on the calling thread, sleeping in a `Park` between
//! polls; the future's waker unparks that thread.

use crate::coop;
use crate::park::{Park, Unpark};
use alloc::sync::Arc;
use alloc::task::Wake;
use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

struct UnparkWaker<U>(U);

impl<U: Unpark> Wake for UnparkWaker<U> {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// A waker that unparks `park`'s thread.
pub fn waker_for<P: Park>(park: &P) -> Waker {
    Waker::from(Arc::new(UnparkWaker(park.unparker())))
}

/// Polls `future` on this thread until it completes, parking in `park` while it is pending.
/// Each poll gets a cooperative budget, as a task's does, so a future that never waits on its
/// own still lets the resources it uses yield.
pub fn block_on<P: Park, F: Future>(park: &mut P, future: F) -> F::Output {
    let waker = waker_for(park);
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = coop::with_budget(coop::DEFAULT_BUDGET, || future.as_mut().poll(&mut cx)) {
            return output;
        }
        park.park(None);
    }
}
