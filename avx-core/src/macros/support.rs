//! What the `join!`/`try_join!`/`select!` expansions call: `MaybeDone`, the polling-order
//! rotator, the budget check and the random start. Hidden; not public API.

use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicU32, Ordering};
use core::task::{Context, Poll};

pub use avx_macros::select_expand;
pub use core::future::poll_fn;

/// A joined future, then its output, then nothing once the output was taken.
///
/// `repr(C)` keeps the discriminant out of the future's bytes: with a niche layout, telling
/// the states apart would read memory inside a possibly self-referential pinned future.
#[repr(C)]
pub enum MaybeDone<F: Future> {
    /// Still running.
    Future(F),
    /// Finished; output not yet taken.
    Done(F::Output),
    /// Output taken.
    Gone,
}

impl<F: Future> MaybeDone<F> {
    /// Wraps `future`.
    pub fn new(future: impl core::future::IntoFuture<IntoFuture = F>) -> Self {
        MaybeDone::Future(future.into_future())
    }

    /// Polls the future if still running; whether the output is (or was) produced.
    pub fn poll_done(self: Pin<&mut Self>, cx: &mut Context<'_>) -> bool {
        // SAFETY: the inner future is never moved: it is polled in place and, once
        // finished, dropped in place by the assignment (as `Pin::set` does).
        let this = unsafe { self.get_unchecked_mut() };
        if let MaybeDone::Future(future) = this {
            // SAFETY: `future` lives inside the pinned `MaybeDone` and is never moved.
            match unsafe { Pin::new_unchecked(future) }.poll(cx) {
                Poll::Ready(output) => *this = MaybeDone::Done(output),
                Poll::Pending => return false,
            }
        }
        true
    }

    /// The output, once: `None` while running or after it was taken.
    pub fn take_output(self: Pin<&mut Self>) -> Option<F::Output> {
        // SAFETY: only the `Done` state is replaced, and it holds no pinned data (the
        // output is not structurally pinned), so moving it out is fine.
        let this = unsafe { self.get_unchecked_mut() };
        match this {
            MaybeDone::Done(_) => match core::mem::replace(this, MaybeDone::Gone) {
                MaybeDone::Done(output) => Some(output),
                _ => None,
            },
            _ => None,
        }
    }

    /// The output of a finished future (what `join!` returns).
    ///
    /// # Panics
    /// If the future has not finished or its output was taken (a bug in the expansion).
    pub fn take_done(self: Pin<&mut Self>) -> F::Output {
        match self.take_output() {
            Some(output) => output,
            None => panic!("join!: output taken before the future finished"),
        }
    }
}

impl<T, E, F: Future<Output = Result<T, E>>> MaybeDone<F> {
    /// The error, if the future finished with one (what makes `try_join!` return early).
    pub fn take_err(self: Pin<&mut Self>) -> Option<E> {
        // SAFETY: as in `take_output`: only a finished output is inspected and moved out.
        let this = unsafe { self.get_unchecked_mut() };
        if !matches!(this, MaybeDone::Done(Err(_))) {
            return None;
        }
        match core::mem::replace(this, MaybeDone::Gone) {
            MaybeDone::Done(Err(error)) => Some(error),
            _ => None,
        }
    }

    /// The value of a future that finished with `Ok`.
    ///
    /// # Panics
    /// If it has not finished or finished with an error (a bug in the expansion).
    pub fn take_ok(self: Pin<&mut Self>) -> T {
        match self.take_output() {
            Some(Ok(value)) => value,
            _ => panic!("try_join!: output taken before the future finished with Ok"),
        }
    }
}

/// Which future `join!` polls first: a different one on each poll, so one that spends the
/// whole cooperative budget cannot starve the ones after it.
#[derive(Default)]
pub struct Rotator {
    next: u32,
}

impl Rotator {
    /// How many futures to skip before the first one polled this time, out of `count`.
    pub fn skip(&mut self, count: u32) -> u32 {
        let skip = self.next;
        self.next = if skip + 1 >= count { 0 } else { skip + 1 };
        skip
    }
}

/// `join!(biased; ..)`: always poll in written order.
#[derive(Default)]
pub struct Biased;

impl Biased {
    /// Always zero.
    pub fn skip(&mut self, _count: u32) -> u32 {
        0
    }
}

/// `Pending` (after waking the task, so it is polled again soon) when the task has spent
/// its cooperative budget: `select!` then yields even if a branch is ready.
pub fn poll_budget(cx: &mut Context<'_>) -> Poll<()> {
    if crate::coop::has_budget_remaining() {
        Poll::Ready(())
    } else {
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// A cheap pseudo-random number in `0..n` for `select!`'s start branch: xorshift of a
/// global counter, no std needed.
pub fn random_below(n: usize) -> usize {
    static SEED: AtomicU32 = AtomicU32::new(0x2545_F491);
    let mut x = SEED.fetch_add(0x9E37_79B9, Ordering::Relaxed);
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    (x as usize) % n.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotator_starts_one_later_each_time_and_wraps() {
        let mut rotator = Rotator::default();
        let skips: [u32; 7] = core::array::from_fn(|_| rotator.skip(3));
        assert_eq!(skips, [0, 1, 2, 0, 1, 2, 0]);
        assert_eq!(Rotator::default().skip(1), 0);
        assert_eq!(Biased.skip(3), 0);
    }

    #[test]
    fn random_below_stays_in_range() {
        assert!((0..1000).all(|_| random_below(7) < 7));
        assert_eq!(random_below(1), 0);
    }
}
