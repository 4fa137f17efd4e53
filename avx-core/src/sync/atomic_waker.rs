//! `AtomicWaker`: one waker slot that one task registers in and any thread wakes, lock-free.
//! Used where exactly one consumer waits (an mpsc or oneshot receiver, a oneshot sender).

use core::task::Waker;

use crate::loom::{spin_loop, AtomicUsize, Ordering::*, UnsafeCell};

/// Nobody is touching the slot.
const IDLE: usize = 0;
/// The owner is storing a waker.
const REGISTERING: usize = 1;
/// A waker is taking the stored waker (or asked the registering owner to wake itself).
const WAKING: usize = 2;

/// A waker slot with a single registering side and any number of waking sides.
///
/// A `wake` that happens concurrently with `register` is never lost: either it takes the
/// new waker, or `register` sees it and wakes the new waker itself.
pub(crate) struct AtomicWaker {
    state: AtomicUsize,
    waker: UnsafeCell<Option<Waker>>,
}

// SAFETY: the waker cell is only touched by whoever moved the state out of IDLE (REGISTERING
// for the owner, WAKING for a waker), so accesses never overlap; `Waker` is Send + Sync.
unsafe impl Send for AtomicWaker {}
// SAFETY: as above.
unsafe impl Sync for AtomicWaker {}

impl AtomicWaker {
    pub(crate) fn new() -> Self {
        Self {
            state: AtomicUsize::new(IDLE),
            waker: UnsafeCell::new(None),
        }
    }

    /// Stores `waker` to be woken by the next [`AtomicWaker::wake`]. Only one thread at a time
    /// may register (the slot's owner).
    pub(crate) fn register(&self, waker: &Waker) {
        match self
            .state
            .compare_exchange(IDLE, REGISTERING, Acquire, Acquire)
        {
            Ok(_) => {
                // SAFETY: REGISTERING gives this thread sole access to the cell.
                self.waker.with_mut(|slot| unsafe {
                    match &*slot {
                        Some(old) if old.will_wake(waker) => {}
                        _ => *slot = Some(waker.clone()),
                    }
                });
                if self
                    .state
                    .compare_exchange(REGISTERING, IDLE, AcqRel, Acquire)
                    .is_err()
                {
                    // A wake arrived while we were storing: honour it ourselves.
                    // SAFETY: wakers never touch the cell unless they moved IDLE to WAKING,
                    // and the state is REGISTERING | WAKING, so we still own it.
                    let woken = self.waker.with_mut(|slot| unsafe { (*slot).take() });
                    self.state.swap(IDLE, AcqRel);
                    if let Some(woken) = woken {
                        woken.wake();
                    }
                }
            }
            // A wake is running right now; make sure this poll is repeated (after letting the
            // waker finish, which also lets loom schedule it).
            Err(_) => {
                spin_loop();
                waker.wake_by_ref();
            }
        }
    }

    /// Wakes the registered waker, if any.
    pub(crate) fn wake(&self) {
        if let Some(waker) = self.take() {
            waker.wake();
        }
    }

    /// Takes the registered waker, if any, without waking it.
    pub(crate) fn take(&self) -> Option<Waker> {
        match self.state.fetch_or(WAKING, AcqRel) {
            IDLE => {
                // SAFETY: we moved IDLE to WAKING, so we alone touch the cell until we reset it.
                let waker = self.waker.with_mut(|slot| unsafe { (*slot).take() });
                self.state.fetch_and(!WAKING, Release);
                waker
            }
            // The owner is registering (it will see WAKING and wake itself) or another waker
            // is already taking it.
            _ => None,
        }
    }
}

impl core::fmt::Debug for AtomicWaker {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("AtomicWaker")
    }
}
