//! `block_on` for the `blocking_*` methods (std only): drives one future on the calling
//! thread, parking it between polls. For code outside any runtime.

/// Runs `future` to completion on the calling thread, parking it between polls. Backs the
/// `blocking_*` methods, which are for code outside any runtime.
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
