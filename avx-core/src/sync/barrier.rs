//! `Barrier`: lets a fixed number of tasks wait for each other, then releases them together.
//! One task of each round is told it is the leader.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::loom::Mutex;
use crate::sync::wait_list::{WaitList, WaiterKey, WakeList};

/// Makes `n` tasks wait until all of them have called [`Barrier::wait`]; reusable round after
/// round.
#[derive(Debug)]
pub struct Barrier {
    parties: usize,
    state: Mutex<Round>,
}

#[derive(Debug)]
struct Round {
    arrived: usize,
    waiters: WaitList<()>,
}

/// What [`Barrier::wait`] returns: exactly one task of each round is the leader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarrierWaitResult(bool);

impl BarrierWaitResult {
    /// Whether this task was the one whose arrival completed the round.
    pub fn is_leader(&self) -> bool {
        self.0
    }
}

/// Future returned by [`Barrier::wait`].
#[must_use = "futures do nothing unless polled"]
#[derive(Debug)]
pub struct BarrierWait<'a> {
    barrier: &'a Barrier,
    stage: Stage,
}

#[derive(Debug, Clone, Copy)]
enum Stage {
    Init,
    Waiting(WaiterKey),
    Done,
}

impl Barrier {
    /// A barrier for `n` tasks (`0` behaves as `1`).
    pub fn new(n: usize) -> Self {
        Self { parties: n.max(1), state: Mutex::new(Round { arrived: 0, waiters: WaitList::new() }) }
    }

    /// Waits until `n` tasks have arrived in this round.
    ///
    /// Cancel safe: a future dropped before the round completes withdraws its arrival, so the
    /// round still needs `n` live tasks. (Tokio's barrier keeps the arrival instead.)
    pub fn wait(&self) -> BarrierWait<'_> {
        BarrierWait { barrier: self, stage: Stage::Init }
    }
}

impl Future for BarrierWait<'_> {
    type Output = BarrierWaitResult;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<BarrierWaitResult> {
        let this = self.get_mut();
        let mut round = this.barrier.state.lock();
        match this.stage {
            Stage::Init => {
                round.arrived += 1;
                if round.arrived < this.barrier.parties {
                    this.stage = Stage::Waiting(round.waiters.push_back(cx.waker(), ()));
                    return Poll::Pending;
                }
                round.arrived = 0;
                let mut wakes = WakeList::new();
                round.waiters.detach_all(&mut wakes, |_| {});
                drop(round);
                wakes.wake_all();
                this.stage = Stage::Done;
                Poll::Ready(BarrierWaitResult(true))
            }
            Stage::Waiting(key) if round.waiters.is_queued(key) => {
                round.waiters.update_waker(key, cx.waker());
                Poll::Pending
            }
            Stage::Waiting(key) => {
                round.waiters.release(key);
                this.stage = Stage::Done;
                Poll::Ready(BarrierWaitResult(false))
            }
            Stage::Done => Poll::Ready(BarrierWaitResult(false)),
        }
    }
}

impl Drop for BarrierWait<'_> {
    fn drop(&mut self) {
        let Stage::Waiting(key) = self.stage else {
            return;
        };
        let mut round = self.barrier.state.lock();
        if round.waiters.release(key).0 {
            round.arrived -= 1;
        }
    }
}
