//! Channels between tasks: `mpsc` (bounded and unbounded), `oneshot`, `broadcast`, `watch`.
//! Waker based and executor independent; every send to a closed channel returns the value.

pub mod broadcast;
pub mod mpsc;
pub mod oneshot;
pub mod watch;

#[cfg(all(test, loom))]
mod loom_tests;

/// Runs `future` to completion on the calling thread, parking it between polls. Backs the
/// `blocking_*` methods, which are for code outside any runtime.
#[cfg(feature = "std")]
pub(crate) fn block_on<F: core::future::Future>(future: F) -> F::Output {
    use core::task::{Context, Poll, Waker};
    use std::sync::Arc;
    use std::task::Wake;
    use std::thread::{self, Thread};

    struct ThreadWaker(Thread);

    impl Wake for ThreadWaker {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }

        fn wake_by_ref(self: &Arc<Self>) {
            self.0.unpark();
        }
    }

    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = core::pin::pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // An unpark that came before this call makes it return at once, so no wake is lost.
        thread::park();
    }
}
