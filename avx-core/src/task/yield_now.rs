//! `yield_now`: give the worker to other ready tasks once, then continue.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// Returns to the scheduler once: the task goes behind the tasks already queued on its
/// worker and resumes when they have had their turn.
pub async fn yield_now() {
    YieldNow { yielded: false }.await
}

struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // Waking the running task marks it notified; the executor then requeues it at the
        // back (see `Schedule::yield_now`) once this poll returns.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
